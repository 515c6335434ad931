"""Access helpers for participation: the permission is checked on the comment's concept (like
``projects/access.py``: 404 when the user may not read the concept or the comment is not in it, 403 when
they may read it but not moderate)."""

from django.utils.translation import gettext as _

from projects.access import child_for_user, concept_for_user
from projects.models import Concept

from .models import Comment

MODERATE = "participation.moderate"


def moderated_concept_for_user(user, *, slug: str) -> Concept:
    """The concept ``slug`` if ``user`` moderates its participation."""
    return concept_for_user(user, slug=slug, perm=MODERATE)


def comment_for_user(user, *, slug: str, pk: int, perm: str = MODERATE) -> tuple[Concept, Comment]:
    """The residents' comment ``pk`` on a measure of the concept ``slug``, if ``user`` holds ``perm``."""
    return child_for_user(
        user,
        queryset=Comment.objects.select_related("measure"),
        concept_path="measure__concept",
        slug=slug,
        pk=pk,
        perm=perm,
        missing=_("Diese Anmerkung gibt es in diesem Konzept nicht."),
    )
