"""Reads of the KuF review: the state of each municipality's sign-off, and the row comments."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    Count,
    QuerySet,
)

from funding import kuf
from funding.kuf.selectors import kuf_rows_for_concept
from funding.models import (
    KufComment,
    KufSignoff,
)
from funding.versions import fingerprint
from measures.models import Measure
from projects.models import Concept, Municipality


@dataclass
class MunicipalityReview:
    """The review state of one municipality's KuF rows.

    ``state``: "open" (no verdict yet), "approved", "changes" (change requested), or "reset" (a verdict
    whose rows have changed since: ``changed`` lists the codes of changed, added or removed rows).
    """

    municipality: Municipality
    signoff: KufSignoff | None
    state: str
    changed: list[str] = field(default_factory=list)
    open_comments: int = 0
    row_count: int = 0
    rows: list[kuf.KufRow] = field(default_factory=list, repr=False)

    @cached_property
    def rows_hash(self) -> str:
        """The fingerprint of the rows as shown, which a verdict sends back: computed when asked for
        (only the verdict form of who may review needs it)."""
        return fingerprint.fingerprint_all(self.rows)


def _changed_codes(signoff: KufSignoff, rows: list[kuf.KufRow]) -> list[str]:
    current = {row.measure.uid: (row.measure.code, fingerprint.fingerprint(row)) for row in rows}
    signed = signoff.fingerprints
    changed = [code for uid, (code, print_) in current.items() if signed.get(uid, {}).get("hash") != print_]
    removed = [entry.get("code", "?") for uid, entry in signed.items() if uid not in current]
    return sorted(changed + removed)


def kuf_reviews(*, concept: Concept, rows: list[kuf.KufRow]) -> list[MunicipalityReview]:
    """Review state per participating municipality, from the latest verdict and the current rows.

    Queries: participating municipalities (1), verdicts of the concept (1), open comments per
    municipality (1). ``rows`` are all live rows of the concept.
    """
    municipalities = list(Municipality.objects.filter(participations__concept=concept).order_by("name"))
    latest: dict[int, KufSignoff] = {}
    for signoff in KufSignoff.objects.filter(concept=concept).select_related("created_by"):
        latest.setdefault(signoff.municipality_id, signoff)  # ordered newest first
    open_comments = dict(
        KufComment.objects.filter(concept=concept, resolved_at__isnull=True)
        .order_by()
        .values_list("measure__municipality_id")
        .annotate(count=Count("pk"))
    )
    reviews = []
    for municipality in municipalities:
        own_rows = [row for row in rows if row.measure.municipality.key == municipality.name]
        signoff = latest.get(municipality.pk)
        review = MunicipalityReview(
            municipality=municipality,
            signoff=signoff,
            state="open",
            open_comments=open_comments.get(municipality.pk, 0),
            row_count=len(own_rows),
            rows=own_rows,
        )
        if signoff is not None:
            review.changed = _changed_codes(signoff, own_rows)
            review.state = "reset" if review.changed else signoff.state
        reviews.append(review)
    return reviews


def open_comment_counts(*, concept: Concept) -> dict[int, int]:
    """Open row comments per measure id. One query."""
    return dict(
        KufComment.objects.filter(concept=concept, resolved_at__isnull=True)
        .order_by()
        .values_list("measure_id")
        .annotate(count=Count("pk"))
    )


def kuf_comments_for_row(*, measure: Measure) -> QuerySet[KufComment]:
    return KufComment.objects.filter(measure=measure).select_related("author", "resolved_by")


def kuf_reviews_reset(*, concept: Concept, municipality_ids: set[int]) -> list[MunicipalityReview]:
    """The reviews of these municipalities that a change has reset (for a notice after saving). One
    query when none of them has a verdict; otherwise the rows are loaded as for the KuF page."""
    if not KufSignoff.objects.filter(concept=concept, municipality_id__in=municipality_ids).exists():
        return []
    rows = kuf_rows_for_concept(concept=concept)
    return [
        review
        for review in kuf_reviews(concept=concept, rows=rows)
        if review.municipality.pk in municipality_ids and review.state == "reset"
    ]
