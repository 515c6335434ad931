"""Server time of the KuF page and of comparing two frozen versions, on a large concept.

Run: .venv/bin/python bench/kuf_page.py [--measures N] [--runs N] [--seconds S]
Builds, in a throw-away SQLite database, a concept with 500 measures × 7 years × 2 financing modules
(bulk inserts), freezes a version, changes about 50 measures (costs in some years, a move to another
action field, 10 added, 5 deleted), freezes a second version, then requests the KuF page and the
comparison of the two versions N times each through Django's test client and prints the medians:

    figure kuf_page_median <ms> ms
    figure kuf_diff_median <ms> ms

Bounded: at most --runs requests per page and at most --seconds seconds of requesting for each page
(the KuF page and the comparison have a budget each, so a slow page never starves the other). The
temporary folder with the database is removed at the end, also after an error.
"""

import time
from decimal import Decimal

from _common import arguments, django_on_empty_database, figure, page_median_ms

YEARS = range(2024, 2031)


def build(measure_count: int):
    """The concept, its first and second frozen version, and an admin user."""
    from django.contrib.auth import get_user_model

    from funding.models import CostLine, FinancingModule, FundingProgramme, MunicipalRate
    from funding.versions import services as versions
    from measures.models import Measure
    from projects.models import ActionField, Concept, ConceptMunicipality, Municipality, Quarter

    admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-pass-123")
    concept = Concept.objects.create(
        title="IIHK Bench 2030", slug="iihk-bench", year_from=YEARS[0], year_to=YEARS[-1], published=True
    )
    municipalities = [
        Municipality.objects.create(name=name, ags=f"0599{index:04d}", population=20_000)
        for index, name in enumerate(("Hallenbeck", "Rheinwerth", "Ostervenne", "Sürenbruch"))
    ]
    ConceptMunicipality.objects.bulk_create(
        ConceptMunicipality(concept=concept, municipality=municipality, role="lead" if i == 0 else "member")
        for i, municipality in enumerate(municipalities)
    )
    fields = ActionField.objects.bulk_create(
        ActionField(concept=concept, code=f"HF{i}", title=f"Handlungsfeld {i}", order=i) for i in range(1, 7)
    )
    quarters = Quarter.objects.bulk_create(
        Quarter(
            concept=concept,
            municipality=municipalities[i % 4],
            code=f"Q{i}",
            name=f"Quartier {i}",
            programme="LZ",
        )
        for i in range(1, 9)
    )
    lz = FundingProgramme.objects.create(
        code="LZ",
        name="Lebendige Zentren",
        level="state",
        default_rate=Decimal("60"),
        max_rate=Decimal("80"),
        urban_programme="LZ",
    )
    efre = FundingProgramme.objects.create(
        code="EFRE", name="EFRE", level="eu", default_rate=Decimal("70"), max_rate=Decimal("90")
    )
    MunicipalRate.objects.bulk_create(
        MunicipalRate(municipality=municipality, programme=programme, year=year, rate=Decimal("70"))
        for municipality in municipalities
        for programme in (lz, efre)
        for year in YEARS
    )

    def add_measures(start: int, count: int) -> list:
        measures = Measure.objects.bulk_create(
            Measure(
                concept=concept,
                code=f"M{number:04d}",
                title=f"Maßnahme {number}",
                action_field=fields[number % len(fields)],
                municipality=municipalities[number % len(municipalities)],
                start_year=YEARS[0],
                end_year=YEARS[-1],
                order=number,
            )
            for number in range(start, start + count)
        )
        CostLine.objects.bulk_create(
            CostLine(
                measure=measure,
                section=9,
                year=year,
                gross=Decimal(10_000 + 1_000 * (index % 50) + 100 * (year - YEARS[0])),
                ineligible=Decimal(500 if index % 3 == 0 else 0),
            )
            for index, measure in enumerate(measures)
            for year in YEARS
        )
        FinancingModule.objects.bulk_create(
            module
            for measure in measures
            for module in (
                FinancingModule(
                    measure=measure, kind="grant", programme=lz, cost_share=Decimal("60"), order=1
                ),
                FinancingModule(
                    measure=measure,
                    kind="grant",
                    programme=efre,
                    cost_share=Decimal("40"),
                    rate=Decimal("80"),
                    order=2,
                ),
            )
        )
        Measure.quarters.through.objects.bulk_create(
            Measure.quarters.through(measure_id=measure.pk, quarter_id=quarters[index % len(quarters)].pk)
            for index, measure in enumerate(measures)
        )
        return measures

    measures = add_measures(1, measure_count)
    old = versions.kuf_version_freeze(concept=concept, name="Antrag 2025", user=admin)

    # About 50 changes: costs in some years, moves to another action field, 10 added, 5 deleted.
    for measure in measures[:20]:
        CostLine.objects.filter(measure=measure, year__in=(2026, 2027)).update(gross=Decimal("99000.00"))
    for index, measure in enumerate(measures[20:35], 20):
        # measure number index + 1 sits in fields[(index + 1) % 6]: move it to the next field
        Measure.objects.filter(pk=measure.pk).update(action_field=fields[(index + 2) % len(fields)])
    Measure.objects.filter(pk__in=[measure.pk for measure in measures[35:40]]).delete()
    add_measures(measure_count + 1, 10)
    new = versions.kuf_version_freeze(concept=concept, name="Antrag 2026", user=admin)
    return concept, old, new, admin


def main() -> None:
    args = arguments(__doc__, runs=15, seconds=30.0, seconds_help="time budget of each page", measures=500)
    with django_on_empty_database():
        from django.test import Client
        from django.urls import reverse

        concept, old, new, admin = build(args.measures)
        client = Client()
        client.force_login(admin)
        page_url = reverse("funding:kuf_table", args=[concept.slug])
        compare_url = reverse("funding:kuf_compare", args=[concept.slug]) + f"?alt={old.pk}&neu={new.pk}"
        for name, url in (("kuf_page", page_url), ("kuf_diff", compare_url)):
            deadline = time.monotonic() + args.seconds  # a budget of its own for each page
            figure(f"{name}_median", page_median_ms(client, url, runs=args.runs, deadline=deadline))


if __name__ == "__main__":
    main()
