from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Maßnahmen")

    def ready(self) -> None:
        from projects.dataversion import connect, connect_m2m

        from .models import Indicator, Measure

        # Every change of a measure moves its concept's data version (projects.dataversion).
        connect(Measure, lambda measure: [measure.concept_id])
        connect(
            Indicator,
            lambda indicator: Measure.objects.filter(pk=indicator.measure_id).values_list(
                "concept_id", flat=True
            ),
        )
        for through in (Measure.goals.through, Measure.quarters.through, Measure.related.through):
            # ``instance`` is a measure, or (from the other side) a goal or quarter of the same concept.
            connect_m2m(through, _concepts_of_m2m_instance)


def _concepts_of_m2m_instance(instance):
    concept_id = getattr(instance, "concept_id", None)
    if concept_id is not None:
        return [concept_id]
    from projects.models import ActionField

    return ActionField.objects.filter(pk=instance.action_field_id).values_list("concept_id", flat=True)
