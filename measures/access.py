"""Access helper for measures: the permission is checked on the measure's concept."""

from django.utils.translation import gettext as _

from projects.access import EDIT, child_for_user
from projects.models import Concept

from .models import Measure


def measure_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, Measure]:
    """The measure ``pk`` of the concept ``slug`` if ``user`` holds ``perm`` on that concept."""
    concept, measure = child_for_user(
        user,
        queryset=Measure.objects.select_related("action_field", "municipality"),
        slug=slug,
        pk=pk,
        perm=perm,
        missing=_("Diese Maßnahme gibt es in diesem Konzept nicht."),
    )
    measure.concept = concept
    return concept, measure
