"""Excel export and import on large concepts.

Run: .venv/bin/python bench/excel.py [--runs N] [--seconds S]
Builds, in a throw-away SQLite database, a concept with 500 measures over 7 programme years (3.500 cost
lines, three financing modules each) and a second concept with 500 measures and no costs. Then, N
times each, and prints the medians:

    figure kuf_export_median <ms> ms       GET of the KuF workbook (500 measures × 7 years), as a funder
    figure import_4000_median <ms> ms      reading, checking and applying an .xlsx of 4.000 new cost
                                           lines (upload parsing, preview plan, confirmed import)
    figure import_4000_update_median <ms> ms   the same file with every amount changed

Targets (2 cores): export ≤ 1.500 ms, import ≤ 3.000 ms. Bounded: at most --runs repetitions per
figure and at most --seconds seconds of measuring in all.
"""

import io
import statistics
import time
from decimal import Decimal

from _common import arguments, django_on_empty_database, figure, page_median_ms

MEASURES = 500
YEARS = range(2024, 2031)


def build_concepts():
    from django.contrib.auth import get_user_model

    from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme, MunicipalRate
    from measures.models import Measure
    from projects.models import ActionField, Concept, ConceptMembership, ConceptMunicipality, Municipality

    municipalities = [
        Municipality.objects.create(name=name, ags=f"0500{index:04d}")
        for index, name in enumerate(("Hallenbeck", "Rheinwerth", "Ostervenne", "Sürenbruch"), start=1)
    ]
    lz = FundingProgramme.objects.create(
        code="LZ", name="Lebendige Zentren", level="state", default_rate=60, max_rate=80
    )
    efre = FundingProgramme.objects.create(code="EFRE", name="EFRE", level="eu", default_rate=80, max_rate=90)
    MunicipalRate.objects.bulk_create(
        MunicipalRate(municipality=m, programme=lz, year=year, rate=Decimal("70"))
        for m in municipalities
        for year in YEARS
    )
    user = get_user_model().objects.create_user("foerderung", password="bench-only-123")
    concepts = []
    for slug in ("bench-kuf", "bench-import"):
        concept = Concept.objects.create(
            title=f"IIHK {slug}", slug=slug, year_from=YEARS[0], year_to=YEARS[-1], published=True
        )
        for index, municipality in enumerate(municipalities):
            ConceptMunicipality.objects.create(
                concept=concept, municipality=municipality, role="lead" if index == 0 else "member"
            )
        ConceptMembership.objects.create(concept=concept, user=user, role="funder")
        fields = [
            ActionField.objects.create(concept=concept, code=f"HF{n}", title=f"Handlungsfeld {n}", order=n)
            for n in range(1, 7)
        ]
        Measure.objects.bulk_create(
            Measure(
                concept=concept,
                code=f"M{i:04d}",
                title=f"Maßnahme {i}",
                action_field=fields[i % 6],
                municipality=municipalities[i % 4],
                start_year=YEARS[0],
                end_year=YEARS[-1],
            )
            for i in range(MEASURES)
        )
        concepts.append(concept)
    measures = list(Measure.objects.filter(concept=concepts[0]))
    CostLine.objects.bulk_create(
        CostLine(
            measure=measure,
            section=9,
            year=year,
            gross=Decimal(f"{10_000 + i * 13 + year}.37"),
            ineligible=Decimal("100.01"),
        )
        for i, measure in enumerate(measures)
        for year in YEARS
    )
    modules = FinancingModule.objects.bulk_create(
        module
        for measure in measures
        for module in (
            FinancingModule(measure=measure, kind="grant", programme=efre, cost_share=40, order=1),
            FinancingModule(measure=measure, kind="grant", programme=lz, cost_share=60, order=2),
            FinancingModule(measure=measure, kind="third_party", source="Stiftung", order=3),
        )
    )
    FinancingYear.objects.bulk_create(
        FinancingYear(module=module, year=year, amount=Decimal("250.50"))
        for module in modules
        if module.kind == "third_party"
        for year in (2025, 2026)
    )
    return concepts, user


def cost_workbook(concept, *, offset: int) -> bytes:
    """An .xlsx "Kostenzeilen" of 4.000 cost lines (8 per measure) in the import's columns."""
    from openpyxl import Workbook

    from measures.models import Measure

    workbook = Workbook()
    ws = workbook.active
    ws.title = "Kostenzeilen"
    ws.append(["Kürzel", "Jahr", "Kostengruppe", "Gesamtkosten", "davon nicht förderfähig", "Bemerkung"])
    codes = list(Measure.objects.filter(concept=concept).order_by("code").values_list("code", flat=True))
    for i, code in enumerate(codes):
        for n, year in enumerate((*YEARS, 2027)):
            ws.append(
                [code, year, 9 if n < 7 else 11, Decimal(f"{5_000 + i + n + offset}.25"), 0, f"Zeile {n}"]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    args = arguments(__doc__, runs=7, seconds=120.0)
    with django_on_empty_database():
        run(args)


def run(args) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from funding.exchange import imports
    from funding.models import CostLine

    translation.activate("de")
    (kuf_concept, import_concept), user = build_concepts()
    client = Client()
    client.force_login(user)
    deadline = time.monotonic() + args.seconds

    url = reverse("reports:kuf_xlsx", args=[kuf_concept.slug])
    figure("kuf_export_median", page_median_ms(client, url, runs=args.runs, deadline=deadline))

    files = [cost_workbook(import_concept, offset=0), cost_workbook(import_concept, offset=1)]

    def run_import(data: bytes) -> float:
        start = time.perf_counter()
        parsed = imports.read_upload(name="Kostenzeilen.xlsx", data=data)
        plan = imports.import_plan(concept=import_concept, parsed=parsed)
        assert plan.ok, plan.errors[:3]
        imports.import_apply(concept=import_concept, parsed=parsed, digest=plan.digest, user=user)
        return (time.perf_counter() - start) * 1000

    # Each round starts without cost lines (not timed), then imports the file of new lines and the
    # file that changes every amount.
    created, updated = [], []
    for _ in range(args.runs):
        if time.monotonic() > deadline:
            break
        lines = CostLine.objects.filter(measure__concept=import_concept)
        CostLine.history.filter(measure_id__in=lines.values("measure_id")).delete()
        lines.delete()
        created.append(run_import(files[0]))
        assert CostLine.objects.filter(measure__concept=import_concept).count() == 4000
        updated.append(run_import(files[1]))
    figure("import_4000_median", statistics.median(created))
    figure("import_4000_update_median", statistics.median(updated))


if __name__ == "__main__":
    main()
