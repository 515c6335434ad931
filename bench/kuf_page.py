"""Server time of the KuF page against its baseline, and of comparing two frozen versions, on a large
concept.

Run: [DATABASE_URL=postgres://…] .venv/bin/python bench/kuf_page.py [--measures N] [--runs N] [--seconds S]
Builds, in a throw-away database (PostgreSQL when DATABASE_URL names one, else SQLite; see
``_common``), a concept with 500 measures × 7 years × 2 financing modules (bulk inserts), freezes a
version, changes about 50 measures (costs in some years, a move to another action field, 10 added, 5
deleted) and freezes a second version. Then it requests the KuF page as a reviewer through Django's
test client, in turn with its baseline, and the comparison of the two versions, and prints:

    figure kuf_page_median <ms> ms           the KuF page (GET as a reviewer, warm: after one request)
    figure kuf_page_baseline_median <ms> ms  the baseline: one ``.values()`` query over the concept's
                                             cost lines, the same cells (28 per measure, subtotals per
                                             action field, the total) in German number format
                                             (``format_eur``), escaped and joined into an HTML table
    figure kuf_page_ratio <x> x              app ÷ baseline (target: ≤ 3)
    figure kuf_page_cells <n> count          table cells (``<td``) of the page, and of the baseline:
    figure kuf_page_baseline_cells <n> count   that both write about as much
    figure kuf_diff_median <ms> ms           the comparison of the two frozen versions

The baseline's money arithmetic is a stand-in of the same size (the grant a fixed share of the
eligible cost), not the KuF's rules: it stands for what writing the bytes of the table costs.

Bounded: at most --runs rounds (app and baseline) and at most --seconds seconds of measuring for the
KuF page, as much again for the comparison. The database is removed at the end, also after an error.
"""

import time
from decimal import Decimal

from _common import alternate, arguments, django_on_empty_database, figure, page_median_ms, ratio_figures

YEARS = range(2024, 2031)


def build(measure_count: int, *, slug: str = "iihk-bench"):
    """The concept, its first and second frozen version, an admin and a reviewer (of the first
    municipality; password ``bench-pass-123`` for both)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from funding.models import CostLine, FinancingModule, FundingProgramme, MunicipalRate
    from funding.versions import services as versions
    from measures.models import Measure
    from projects.models import (
        ActionField,
        Concept,
        ConceptMembership,
        ConceptMunicipality,
        Municipality,
        Quarter,
    )

    users = get_user_model().objects
    admin = users.create_superuser(f"{slug}-admin", f"{slug}@example.org", "bench-pass-123")
    concept = Concept.objects.create(
        title="IIHK Bench 2030", slug=slug, year_from=YEARS[0], year_to=YEARS[-1], published=True
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
    # The programmes may exist already (the demo data has them): the concept's figures do not depend on
    # their other uses.
    lz, _created = FundingProgramme.objects.get_or_create(
        code="LZ",
        defaults={
            "name": "Lebendige Zentren",
            "level": "state",
            "default_rate": Decimal("60"),
            "max_rate": Decimal("80"),
            "urban_programme": "LZ",
        },
    )
    efre, _created = FundingProgramme.objects.get_or_create(
        code="EFRE",
        defaults={"name": "EFRE", "level": "eu", "default_rate": Decimal("70"), "max_rate": Decimal("90")},
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
    reviewer = users.create_user(f"{slug}-pruefung", password="bench-pass-123")
    ConceptMembership.objects.create(
        concept=concept, user=reviewer, role="reviewer", municipality=municipalities[0]
    )
    # The changes above went round the services: nothing computed before them may be read back.
    cache.clear()
    return concept, old, new, admin, reviewer


# The baseline's query: every cost line of the concept with its measure's columns, in the page's order.
BASELINE_FIELDS = (
    "measure_id",
    "measure__code",
    "measure__title",
    "measure__action_field__code",
    "measure__action_field__title",
    "measure__municipality__name",
    "measure__responsible_body",
    "measure__priority",
    "measure__start_year",
    "measure__end_year",
    "measure__hoai_phase",
    "measure__status",
    "year",
    "section",
    "gross",
    "ineligible",
)
GRANT_SHARE = Decimal("0.6")
CENT = Decimal("0.01")


def baseline_page(concept_id: int) -> str:
    """The KuF's cells with no framework around them: one ``.values()`` query, Decimal sums, German
    number format, ``html.escape`` for texts, one string join."""
    from collections import defaultdict
    from html import escape

    from funding.models import CostLine
    from projects.formatting import format_eur

    rows = (
        CostLine.objects.filter(measure__concept_id=concept_id)
        .order_by("measure__action_field__order", "measure__order", "measure_id", "year")
        .values_list(*BASELINE_FIELDS)
    )
    measures: dict[int, tuple] = {}
    by_year: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    ineligible: dict[int, Decimal] = defaultdict(Decimal)
    sections: dict[int, set] = defaultdict(set)
    for row in rows:
        measure_id = row[0]
        if measure_id not in measures:
            measures[measure_id] = row[1:12]
        by_year[measure_id][row[12]] += row[14]
        ineligible[measure_id] += row[15]
        sections[measure_id].add(row[13])

    def money_cells(amounts) -> str:
        return "".join(f'<td class="num">{format_eur(amount)}</td>' for amount in amounts)

    def amounts_of(measure_id: int) -> list[Decimal]:
        gross = sum(by_year[measure_id].values(), Decimal(0))
        eligible = gross - ineligible[measure_id]
        grant = (eligible * GRANT_SHARE).quantize(CENT)
        money = [
            gross,
            ineligible[measure_id],
            eligible,
            grant,
            gross - grant,
            Decimal(0),
            Decimal(0),
            Decimal(0),
        ]
        return money + [by_year[measure_id].get(year, Decimal(0)) for year in YEARS]

    def sum_row(label: str, totals: list[Decimal]) -> str:
        return f'<tr class="sum"><td colspan="7">{escape(label)}</td>{money_cells(totals[:8])}<td></td><td></td>{money_cells(totals[8:])}<td colspan="4"></td></tr>'

    parts = ["<table><tbody>"]
    grand = [Decimal(0)] * (8 + len(YEARS))
    group, subtotal = None, None
    for measure_id, (
        code,
        title,
        field,
        field_title,
        municipality,
        body,
        priority,
        start,
        end,
        phase,
        status,
    ) in measures.items():
        if field != group:
            if subtotal is not None:
                parts.append(sum_row(f"Summe {group}", subtotal))
            group, subtotal = field, [Decimal(0)] * (8 + len(YEARS))
            parts.append(
                f'<tr class="group"><th colspan="28">{escape(field)} {escape(field_title)}</th></tr>'
            )
        amounts = amounts_of(measure_id)
        subtotal = [a + b for a, b in zip(subtotal, amounts, strict=True)]
        grand = [a + b for a, b in zip(grand, amounts, strict=True)]
        parts.append(
            f"<tr><td>{escape(code)}</td><td>{escape(title)}</td><td>{escape(field)}</td>"
            f"<td>{escape(municipality)}</td><td></td>"
            f"<td>{', '.join(str(section) for section in sorted(sections[measure_id]))}</td>"
            f"<td>{escape(body)}</td>{money_cells(amounts[:3])}<td>LZ, EFRE</td><td>60–80 %</td>"
            f"{money_cells(amounts[3:])}<td>P{priority}</td><td>{start}–{end}</td><td>{phase}</td>"
            f"<td>{escape(status)}</td></tr>"
        )
    if subtotal is not None:
        parts.append(sum_row(f"Summe {group}", subtotal))
    parts.append(sum_row("Gesamtsumme", grand))
    parts.append("</tbody></table>")
    return "".join(parts)


def main() -> None:
    args = arguments(__doc__, runs=15, seconds=30.0, seconds_help="time budget of each page", measures=500)
    with django_on_empty_database():
        from django.test import Client
        from django.urls import reverse

        concept, old, new, _admin, reviewer = build(args.measures)
        client = Client()
        client.force_login(reviewer)
        page_url = reverse("funding:kuf_table", args=[concept.slug])
        compare_url = reverse("funding:kuf_compare", args=[concept.slug]) + f"?alt={old.pk}&neu={new.pk}"

        pages = []

        def app() -> None:
            response = client.get(page_url)
            assert response.status_code == 200, response.status_code
            pages[:] = [response.content]

        baselines = []

        def baseline() -> None:
            baselines[:] = [baseline_page(concept.pk)]

        deadline = time.monotonic() + args.seconds
        app_ms, baseline_ms = alternate(app, baseline, runs=args.runs, deadline=deadline)
        ratio_figures(
            app_ms,
            baseline_ms,
            app="kuf_page_median",
            baseline="kuf_page_baseline_median",
            ratio="kuf_page_ratio",
        )
        figure("kuf_page_cells", pages[-1].count(b"<td"), "count")
        figure("kuf_page_baseline_cells", baselines[-1].count("<td"), "count")

        deadline = time.monotonic() + args.seconds  # a budget of its own for the comparison
        figure("kuf_diff_median", page_median_ms(client, compare_url, runs=args.runs, deadline=deadline))


if __name__ == "__main__":
    main()
