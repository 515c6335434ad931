"""Access helpers: the one place where a view gets an object and its permission check together.

Like Zulip's ``access_*_by_id``: a helper returns the object or raises. Users who may not even read the
concept get ``Http404``, so unpublished concepts stay invisible; users who may read it but lack the
permission get ``PermissionDenied`` (403). Anonymous users asking for more than reading are sent to the
login page by the views (``LoginRequiredMixin``) before a helper runs.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .models import ActionField, Concept, ConceptMembership, Goal, Quarter, SwotEntry

VIEW = "projects.view_concept"
INTERNAL = "projects.view_internal"
EDIT = "projects.edit_concept"
MANAGE_ROLES = "projects.manage_roles"
DOWNLOAD_REPORTS = "ihk.download_reports"  # PDF and Excel reports (projects/rules.py)


def check_concept_perm(user, concept: Concept, perm: str) -> None:
    """Raise unless ``user`` holds ``perm`` on ``concept`` (404 if they may not even read it)."""
    if user.has_perm(perm, concept):
        return
    if perm != VIEW and user.has_perm(VIEW, concept):
        raise PermissionDenied(_("Für diese Aktion fehlt Ihnen die Berechtigung."))
    raise Http404(_("Dieses Konzept gibt es nicht."))


def concept_for_user(user, *, slug: str, perm: str = VIEW) -> Concept:
    """The concept with ``slug`` if ``user`` holds ``perm`` on it."""
    try:
        concept = Concept.objects.select_related("lead_organisation", "planning_office").get(slug=slug)
    except Concept.DoesNotExist:
        raise Http404(_("Dieses Konzept gibt es nicht.")) from None
    check_concept_perm(user, concept, perm)
    return concept


def child_for_user(
    user,
    *,
    queryset: models.QuerySet,
    concept_path: str = "concept",
    slug: str,
    pk: int,
    perm: str,
    missing: str | None = None,
):
    """(concept, object): the object ``pk`` of ``queryset`` that belongs to the concept ``slug`` (through
    ``concept_path``), if ``user`` holds ``perm`` on that concept. An object that is not in the concept is
    a 404 with ``missing`` (default: "no such entry in this concept")."""
    concept = concept_for_user(user, slug=slug, perm=perm)
    try:
        obj = queryset.get(pk=pk, **{concept_path: concept})
    except queryset.model.DoesNotExist:
        raise Http404(missing or _("Diesen Eintrag gibt es in diesem Konzept nicht.")) from None
    return concept, obj


def quarter_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, Quarter]:
    return child_for_user(user, queryset=Quarter.objects.all(), slug=slug, pk=pk, perm=perm)


def action_field_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, ActionField]:
    return child_for_user(user, queryset=ActionField.objects.all(), slug=slug, pk=pk, perm=perm)


def goal_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, Goal]:
    return child_for_user(
        user,
        queryset=Goal.objects.select_related("action_field"),
        concept_path="action_field__concept",
        slug=slug,
        pk=pk,
        perm=perm,
    )


def swot_entry_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, SwotEntry]:
    return child_for_user(user, queryset=SwotEntry.objects.all(), slug=slug, pk=pk, perm=perm)


def membership_for_user(
    user, *, slug: str, pk: int, perm: str = MANAGE_ROLES
) -> tuple[Concept, ConceptMembership]:
    return child_for_user(
        user,
        queryset=ConceptMembership.objects.select_related("user", "municipality"),
        slug=slug,
        pk=pk,
        perm=perm,
    )
