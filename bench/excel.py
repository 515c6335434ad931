"""Excel export and import on large concepts, each against its raw-openpyxl baseline.

Run: [DATABASE_URL=postgres://…] .venv/bin/python bench/excel.py [--runs N] [--seconds S]
Builds, in a throw-away database (PostgreSQL when DATABASE_URL names one, else SQLite; see
``_common``), two concepts with 500 and 2.000 measures over 7 programme years (7 cost lines and three
financing modules each) and a third concept with 500 measures and no costs. Then it times the app and
its baseline in turn, on the same data, and prints the medians and their ratio:

    figure kuf_export_median <ms> ms            GET of the KuF workbook (500 measures), as a funder
    figure kuf_export_baseline_median <ms> ms   a write-only openpyxl workbook with the same sheets,
                                                values, SUBTOTAL formulas and number formats (read once,
                                                untimed, from the app's workbook); no query
    figure kuf_export_ratio <x> x               app ÷ baseline (target: ≤ 1,5)
    figure kuf_export_2000_median <ms> ms       the same for 2.000 measures
    figure kuf_export_2000_baseline_median <ms> ms
    figure kuf_export_ratio_2000 <x> x          (target: ≤ 1,5)
    figure import_4000_median <ms> ms           reading, checking and applying an .xlsx of 4.000 new
                                                cost lines (``read_upload``, ``import_plan``,
                                                ``import_apply``)
    figure import_4000_update_median <ms> ms    the same file with every amount changed (no baseline)
    figure import_baseline_median <ms> ms       read-only openpyxl read of the same file, one query for
                                                the measures' ids, one ``bulk_create``
    figure import_ratio <x> x                   new lines: app ÷ baseline (target: ≤ 2)
    figure import_peak_memory <MiB> MiB         peak of Python's allocations (tracemalloc) while
    figure import_baseline_peak_memory <MiB> MiB  importing the new lines once, app and baseline
    figure import_memory_ratio <x> x            (target: ≤ 2)

Bounded: at most --runs rounds and at most --seconds seconds of measuring for each of the three parts
(export of 500, export of 2.000, import); a part that started always finishes its first round. The
database is removed at the end, also after an error.
"""

import io
import statistics
import time
import tracemalloc
from decimal import Decimal

from _common import alternate, arguments, django_on_empty_database, figure, ratio_figures, timed_ms

YEARS = range(2024, 2031)
SIZES = {"bench-kuf": 500, "bench-kuf-2000": 2000, "bench-import": 500}
COSTED = ("bench-kuf", "bench-kuf-2000")


def build_concepts():
    """The concepts of ``SIZES`` (by slug) with their measures, the costs and modules of those in
    ``COSTED``, and a funder of all of them."""
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
    concepts = {}
    for slug, size in SIZES.items():
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
            for i in range(size)
        )
        concepts[slug] = concept
    for slug in COSTED:
        measures = list(Measure.objects.filter(concept=concepts[slug]))
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


def workbook_cells(data: bytes) -> list[tuple[str, list[float], list[list[tuple[object, str]]]]]:
    """Each sheet of a workbook: its title, column widths and rows of (value or formula, number
    format)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    sheets = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        widths = [ws.column_dimensions[get_column_letter(n)].width for n in range(1, ws.max_column + 1)]
        rows = [[(cell.value, cell.number_format) for cell in row] for row in ws.iter_rows()]
        sheets.append((ws.title, widths, rows))
    return sheets


def baseline_workbook(sheets) -> bytes:
    """The sheets written by raw openpyxl in write-only mode: values, formulas, number formats, column
    widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for title, widths, rows in sheets:
        ws = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for row in rows:
            values = []
            for value, number_format in row:
                if number_format == "General":
                    values.append(value)
                else:
                    cell = WriteOnlyCell(ws, value)
                    cell.number_format = number_format
                    values.append(cell)
            ws.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_figures(client, concept, *, suffix: str, ratio: str, args) -> None:
    """The KuF workbook of ``concept`` against the raw-openpyxl writing of the same cells."""
    from django.urls import reverse

    url = reverse("reports:kuf_xlsx", args=[concept.slug])

    def app() -> bytes:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content

    sheets = workbook_cells(app())
    deadline = time.monotonic() + args.seconds
    app_ms, baseline_ms = alternate(app, lambda: baseline_workbook(sheets), runs=args.runs, deadline=deadline)
    ratio_figures(
        app_ms,
        baseline_ms,
        app=f"kuf_export{suffix}_median",
        baseline=f"kuf_export{suffix}_baseline_median",
        ratio=ratio,
    )


def baseline_import(concept, data: bytes) -> None:
    """The cost lines of ``data`` written with no checks: read-only openpyxl, one query for the
    measures' ids, one ``bulk_create``."""
    from openpyxl import load_workbook

    from funding.models import CostLine
    from measures.models import Measure

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    measure_ids = dict(Measure.objects.filter(concept=concept).values_list("code", "pk"))
    CostLine.objects.bulk_create(
        CostLine(
            measure_id=measure_ids[code],
            year=year,
            section=section,
            gross=Decimal(str(gross)),
            ineligible=Decimal(str(ineligible)),
            note=note or "",
        )
        for code, year, section, gross, ineligible, note in workbook["Kostenzeilen"].iter_rows(
            min_row=2, values_only=True
        )
    )
    workbook.close()


def peak_mib(action) -> float:
    """The peak of Python's allocations (tracemalloc) while ``action`` runs, in MiB."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def import_figures(concept, user, *, args) -> None:
    from funding.exchange import imports
    from funding.models import CostLine

    files = [cost_workbook(concept, offset=0), cost_workbook(concept, offset=1)]

    def app_import(data: bytes) -> None:
        parsed = imports.read_upload(name="Kostenzeilen.xlsx", data=data)
        plan = imports.import_plan(concept=concept, parsed=parsed)
        assert plan.ok, plan.errors[:3]
        # The preview's plan, kept and applied without planning again (as the confirm page does).
        imports.import_apply(concept=concept, plan=plan.stored(), digest=plan.digest, user=user)

    def clear() -> None:
        lines = CostLine.objects.filter(measure__concept=concept)
        CostLine.history.filter(measure_id__in=lines.values("measure_id")).delete()
        lines.delete()

    def check() -> None:
        assert CostLine.objects.filter(measure__concept=concept).count() == 4000

    def app_round() -> tuple[float, float]:
        clear()
        created_ms = timed_ms(lambda: app_import(files[0]))
        check()
        return created_ms, timed_ms(lambda: app_import(files[1]))

    def baseline_round() -> float:
        clear()
        baseline_ms = timed_ms(lambda: baseline_import(concept, files[0]))
        check()
        return baseline_ms

    # A warm-up round of each, then rounds in turn, the order swapped every round.
    app_round()
    baseline_round()
    created, updated, baseline = [], [], []
    deadline = time.monotonic() + args.seconds
    for round_number in range(args.runs):
        if created and time.monotonic() > deadline:
            break
        if round_number % 2:
            baseline.append(baseline_round())
        created_ms, updated_ms = app_round()
        created.append(created_ms)
        updated.append(updated_ms)
        if not round_number % 2:
            baseline.append(baseline_round())
    ratio_figures(
        created, baseline, app="import_4000_median", baseline="import_baseline_median", ratio="import_ratio"
    )
    figure("import_4000_update_median", statistics.median(updated))

    clear()
    app_peak = peak_mib(lambda: app_import(files[0]))
    clear()
    baseline_peak = peak_mib(lambda: baseline_import(concept, files[0]))
    figure("import_peak_memory", app_peak, "MiB")
    figure("import_baseline_peak_memory", baseline_peak, "MiB")
    figure("import_memory_ratio", app_peak / baseline_peak, "x")


def main() -> None:
    args = arguments(
        __doc__,
        runs=7,
        seconds=60.0,
        seconds_help="time budget of each part (export 500, export 2000, import)",
    )
    with django_on_empty_database():
        from django.test import Client
        from django.utils import translation

        translation.activate("de")
        concepts, user = build_concepts()
        client = Client()
        client.force_login(user)
        export_figures(client, concepts["bench-kuf"], suffix="", ratio="kuf_export_ratio", args=args)
        export_figures(
            client, concepts["bench-kuf-2000"], suffix="_2000", ratio="kuf_export_ratio_2000", args=args
        )
        import_figures(concepts["bench-import"], user, args=args)


if __name__ == "__main__":
    main()
