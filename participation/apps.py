from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Beteiligung")

    def ready(self) -> None:
        from measures.models import Measure
        from projects.dataversion import connect

        from .models import Comment

        # A comment shows on the public pages: it moves its concept's data version (projects.dataversion).
        connect(
            Comment,
            lambda comment: Measure.objects.filter(pk=comment.measure_id).values_list(
                "concept_id", flat=True
            ),
        )
