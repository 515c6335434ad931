from django.apps import AppConfig
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Konzepte")

    def ready(self) -> None:
        from .dataversion import connect
        from .models import (
            ActionField,
            Concept,
            ConceptMunicipality,
            Goal,
            Municipality,
            Organisation,
            Quarter,
            SwotEntry,
        )

        # Every change of a concept's data moves its data version (cached figures: projects.dataversion).
        connect(Concept, lambda concept: [concept.pk])
        for model in (ConceptMunicipality, Quarter, ActionField, SwotEntry):
            connect(model, lambda row: [row.concept_id])
        connect(
            Goal,
            lambda goal: ActionField.objects.filter(pk=goal.action_field_id).values_list(
                "concept_id", flat=True
            ),
        )
        connect(
            Municipality,
            lambda municipality: ConceptMunicipality.objects.filter(municipality=municipality).values_list(
                "concept_id", flat=True
            ),
        )
        connect(
            Organisation,
            lambda organisation: Concept.objects.filter(
                models.Q(lead_organisation=organisation) | models.Q(planning_office=organisation)
            ).values_list("pk", flat=True),
        )
