"""Writes of the KuF review: a reviewer's verdict on a municipality's rows, and comments on single rows."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import kuf
from funding.models import KufComment, KufSignoff
from funding.rules import ReviewTarget
from funding.versions import fingerprint
from measures.models import Measure

# --- KuF review ------------------------------------------------------------------------------------


def kuf_signoff_create(
    *, target: ReviewTarget, rows: list[kuf.KufRow], state: str, reason: str, seen_hash: str, user
) -> KufSignoff:
    """Record a reviewer's verdict on one municipality's KuF rows.

    ``rows`` are the concept's current rows; the verdict stores a fingerprint of each row of the
    municipality, so a later change shows as a reset. ``seen_hash`` is ``kuf.fingerprint_all`` of the
    rows as the reviewer saw them: if they changed since the page was loaded, nothing is stored and the
    reviewer is asked to look again. A change request needs a reason.
    """
    own_rows = [row for row in rows if row.measure.municipality.key == target.municipality.name]
    if fingerprint.fingerprint_all(own_rows) != seen_hash:
        raise ValidationError(
            _(
                "Die KuF-Zeilen von %(municipality)s haben sich geändert, seit Sie die Seite geladen "
                "haben. Bitte prüfen Sie die aktuellen Zahlen und geben Sie Ihr Ergebnis erneut ab."
            )
            % {"municipality": target.municipality.name}
        )
    signoff = KufSignoff(
        concept=target.concept,
        municipality=target.municipality,
        state=state,
        reason=reason.strip(),
        fingerprints={
            row.measure.uid: {"code": row.measure.code, "hash": fingerprint.fingerprint(row)}
            for row in own_rows
        },
        created_by=user,
    )
    if state == KufSignoff.State.CHANGES_REQUESTED and not signoff.reason:
        raise ValidationError({"reason": _("Bitte begründen Sie, welche Änderung Sie erbitten.")})
    signoff.full_clean()
    signoff.save()
    return signoff


def kuf_comment_create(*, measure: Measure, text: str, user) -> KufComment:
    """A comment on one KuF row."""
    comment = KufComment(concept=measure.concept, measure=measure, text=text.strip(), author=user)
    if not comment.text:
        raise ValidationError({"text": _("Bitte schreiben Sie einen Kommentar.")})
    comment.full_clean()
    comment.save()
    return comment


def kuf_comment_resolve(*, comment: KufComment, user) -> KufComment:
    """Mark a row comment as done (idempotent: a done comment stays as it was)."""
    if comment.resolved_at is None:
        comment.resolved_at = timezone.now()
        comment.resolved_by = user
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment
