"""Reads of funding programmes and the municipalities' funding rates."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F

from funding.models import FundingProgramme, MunicipalRate
from projects.models import Concept, Municipality

RateKey = tuple[int, int, int]  # municipality id, programme id, year


# --- programmes ------------------------------------------------------------------------------------


def programme_list() -> list[FundingProgramme]:
    """Every funding programme, by code, with ``rate_count`` (municipal rates) and ``module_count``
    (financing modules using it). One query."""
    return list(
        FundingProgramme.objects.annotate(
            rate_count=Count("municipal_rates", distinct=True),
            module_count=Count("financing_modules", distinct=True),
        ).order_by("code")
    )


# --- municipal rates -------------------------------------------------------------------------------


@dataclass
class RateGrid:
    """The rates of a concept's municipalities: for each municipality a table programmes × years.

    ``concepts`` maps each municipality's id to every concept it takes part in (this one too), by title:
    they all use its rates."""

    municipalities: list[Municipality]
    programmes: list[FundingProgramme]
    years: list[int]
    rates: dict[RateKey, Decimal] = field(default_factory=dict)
    stored: dict[RateKey, MunicipalRate] = field(default_factory=dict)  # the rows behind ``rates``
    concepts: dict[int, list[Concept]] = field(default_factory=dict)

    def cells(self) -> list[RateKey]:
        return [
            (municipality.pk, programme.pk, year)
            for municipality in self.municipalities
            for programme in self.programmes
            for year in self.years
        ]


def rate_grid(*, concept: Concept) -> RateGrid:
    """The rates of ``concept``'s municipalities in every programme for its programme years, and the
    concepts sharing them. Four queries (municipalities, programmes, rates, the municipalities'
    concepts) however many there are."""
    municipalities = list(concept.municipalities.order_by("name"))
    concepts: dict[int, list[Concept]] = {}
    for shared in (
        Concept.objects.filter(participations__municipality__in=municipalities)
        .annotate(municipality_pk=F("participations__municipality"))
        .only("pk", "title", "slug")
        .order_by("title", "pk")
    ):
        concepts.setdefault(shared.municipality_pk, []).append(shared)
    programmes = list(FundingProgramme.objects.order_by("code"))
    years = concept.years
    stored = {
        (row.municipality_id, row.programme_id, row.year): row
        for row in MunicipalRate.objects.filter(
            municipality__in=municipalities, year__gte=concept.year_from, year__lte=concept.year_to
        )
    }
    return RateGrid(
        municipalities=municipalities,
        programmes=programmes,
        years=years,
        rates={key: row.rate for key, row in stored.items()},
        stored=stored,
        concepts=concepts,
    )
