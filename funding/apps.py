from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Kosten und Finanzierung")

    def ready(self) -> None:
        from measures.models import Measure
        from projects.dataversion import connect
        from projects.guards import register_years_guard
        from projects.models import ConceptMunicipality

        from .kuf.selectors import money_outside_years
        from .models import (
            ApprovalNotice,
            CostLine,
            FinancingModule,
            FinancingYear,
            FundingProgramme,
            KufVersion,
            MunicipalRate,
        )

        # The programme years of a concept may not leave costs or financing outside them.
        register_years_guard(money_outside_years)

        # Every change of a concept's money moves its data version (the cached KuF: projects.dataversion).
        def of_measure(row):
            return Measure.objects.filter(pk=row.measure_id).values_list("concept_id", flat=True)

        connect(CostLine, of_measure)
        connect(FinancingModule, of_measure)
        connect(
            FinancingYear,
            lambda entry: FinancingModule.objects.filter(pk=entry.module_id).values_list(
                "measure__concept_id", flat=True
            ),
        )
        connect(ApprovalNotice, lambda notice: [notice.concept_id])
        connect(KufVersion, lambda version: [version.concept_id])
        # A rate holds in every concept of its municipality; a programme's rates and limits in every
        # concept that finances a measure with it.
        connect(
            MunicipalRate,
            lambda rate: ConceptMunicipality.objects.filter(municipality_id=rate.municipality_id).values_list(
                "concept_id", flat=True
            ),
        )
        connect(
            FundingProgramme,
            lambda programme: (
                FinancingModule.objects.filter(programme=programme)
                .values_list("measure__concept_id", flat=True)
                .distinct()
            ),
        )
