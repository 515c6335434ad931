"""Access helpers for the KuF review: sign-off targets, rows to comment on, comments to resolve.

Like ``projects/access.py``: a helper returns the object or raises (404 when the user may not read the
concept or the object is not in it, 403 when they may read but not do this).
"""

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from measures.access import measure_for_user
from measures.models import Measure
from projects.access import EDIT, INTERNAL, child_for_user, concept_for_user
from projects.models import Concept, Municipality

from .models import FundingProgramme, KufComment
from .rules import ReviewTarget, SharedRates

REVIEW = "funding.review_municipality"
COMMENT = "funding.comment_row"
RESOLVE = "funding.resolve_comment"
FREEZE = "funding.freeze_version"
MANAGE_PROGRAMMES = "funding.manage_programmes"
CHANGE_RATES = "funding.change_rates"
# Importing in the Django admin needs the model permissions of everything an import writes.
IMPORT_PERMISSIONS = (
    "measures.add_measure",
    "measures.change_measure",
    *(
        f"funding.{action}_{model}"
        for model in ("costline", "financingmodule", "financingyear")
        for action in ("add", "change", "delete")
    ),
)


def _deny() -> None:
    raise PermissionDenied(_("Für diese Aktion fehlt Ihnen die Berechtigung."))


def review_target_for_user(user, *, slug: str, municipality_pk: int) -> ReviewTarget:
    """One municipality's part of the KuF, if ``user`` may sign it off."""
    concept = concept_for_user(user, slug=slug, perm=INTERNAL)
    try:
        municipality = Municipality.objects.get(pk=municipality_pk, participations__concept=concept)
    except Municipality.DoesNotExist:
        raise Http404(_("Diese Kommune ist an dem Konzept nicht beteiligt.")) from None
    target = ReviewTarget(concept=concept, municipality=municipality)
    if not user.has_perm(REVIEW, target):
        _deny()
    return target


def row_for_user(user, *, slug: str, pk: int, perm: str = COMMENT) -> tuple[Concept, Measure]:
    """A KuF row (a measure) if ``user`` may read the concept and holds ``perm`` on the row. With
    ``perm=None`` reading is enough."""
    concept, measure = measure_for_user(user, slug=slug, pk=pk, perm=INTERNAL)
    if perm and not user.has_perm(perm, measure):
        _deny()
    return concept, measure


def kuf_comment_for_user(user, *, slug: str, pk: int, perm: str = RESOLVE) -> tuple[Concept, KufComment]:
    concept, comment = child_for_user(
        user,
        queryset=KufComment.objects.select_related("measure"),
        slug=slug,
        pk=pk,
        perm=INTERNAL,
        missing=_("Diesen Kommentar gibt es in diesem Konzept nicht."),
    )
    comment.concept = concept
    if not user.has_perm(perm, comment):
        _deny()
    return concept, comment


def programme_for_user(user, *, pk: int | None = None) -> FundingProgramme | None:
    """The funding programme ``pk`` (or None, for pages about all programmes) if ``user`` may manage
    programmes; 403 otherwise, 404 for an unknown programme."""
    if not user.has_perm(MANAGE_PROGRAMMES):
        _deny()
    if pk is None:
        return None
    try:
        return FundingProgramme.objects.get(pk=pk)
    except FundingProgramme.DoesNotExist:
        raise Http404(_("Dieses Förderprogramm gibt es nicht.")) from None


def rate_locks_for_user(
    user, *, municipalities: Iterable[Municipality], concepts: Mapping[int, Sequence[Concept]]
) -> dict[int, list[Concept]]:
    """The municipalities among ``municipalities`` whose funding rates ``user`` may not change
    (``funding.change_rates``), each with the concepts sharing those rates that ``user`` may not edit.

    ``concepts`` maps a municipality's id to every concept it takes part in. No query: the user's roles
    are loaded once per request."""
    locks = {}
    for municipality in municipalities:
        shared = tuple(concepts.get(municipality.pk, ()))
        if not user.has_perm(CHANGE_RATES, SharedRates(municipality=municipality, concepts=shared)):
            locks[municipality.pk] = [concept for concept in shared if not user.has_perm(EDIT, concept)]
    return locks


def admin_import_allowed(user) -> bool:
    """Whether a staff user may import in the admin: the model permissions of every write."""
    return user.is_active and user.is_staff and user.has_perms(IMPORT_PERMISSIONS)


def admin_concept_for_import(user, *, pk: int | str) -> Concept:
    """The concept with ``pk`` if ``user`` may import in the admin (403 otherwise; 404 if there is no
    such concept)."""
    if not admin_import_allowed(user):
        raise PermissionDenied(_("Für den Import fehlt Ihnen die Berechtigung."))
    try:
        return Concept.objects.get(pk=pk)
    except (Concept.DoesNotExist, ValueError):
        raise Http404(_("Dieses Konzept gibt es nicht.")) from None
