"""Access helper for measures: the permission is checked on the measure's concept."""

from django.http import Http404
from django.utils.translation import gettext as _

from projects.access import EDIT, concept_for_user
from projects.models import Concept

from .models import Measure


def measure_for_user(user, *, slug: str, pk: int, perm: str = EDIT) -> tuple[Concept, Measure]:
    """The measure ``pk`` of the concept ``slug`` if ``user`` holds ``perm`` on that concept."""
    concept = concept_for_user(user, slug=slug, perm=perm)
    try:
        measure = Measure.objects.select_related("action_field", "municipality").get(pk=pk, concept=concept)
    except Measure.DoesNotExist:
        raise Http404(_("Diese Maßnahme gibt es in diesem Konzept nicht.")) from None
    measure.concept = concept
    return concept, measure
