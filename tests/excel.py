"""Helpers for the Excel tests: a concept with a KuF that exercises the rounding, the editor's measure
list as a workbook to edit and upload (and what uploading and confirming it posts), a snapshot of what an import may write, text that looks like a
formula, and LibreOffice to recalculate exported workbooks."""

import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from funding.exchange import imports
from funding.models import CostLine, FinancingModule, FinancingYear
from ihk.reports import selectors, xlsx
from measures.models import Measure
from tests import factories as f

CENT = Decimal("0.01")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text a spreadsheet program would run as a formula, in the measure's text columns.
FORMULA_TEXTS = {
    "title": '=HYPERLINK("http://example.org","klick")',
    "responsible_body": "+49 201 12345",
    "partners": "@Stadtverwaltung",
    "description": "-Rückbau der Garagen\nzweite Zeile",
    "climate_note": "\tEingerückt",
}


def kuf_concept(n_measures: int = 6, *, title_prefix: str = "Maßnahme"):
    """Two municipalities (Hallenbeck 70 %, Rheinwerth: programme default 60 %), two action fields,
    two quarters, two goals, a grant programme and EFRE; per measure three cost lines with cents, a
    split grant (EFRE 40 %, LZ 60 %) whose cells round, and a fixed third-party amount with per-year
    amounts. Returns (concept, programmes)."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    rheinwerth = f.make_municipality(name="Rheinwerth")
    concept = f.make_concept([hallenbeck, rheinwerth], title="IIHK Testtal", year_from=2024, year_to=2030)
    fields = [
        f.make_action_field(concept, code="HF1", title="Zentren", order=1),
        f.make_action_field(concept, code="HF2", title="Grün, Klima, Wasser", order=2),
    ]
    quarters = [
        f.make_quarter(concept, hallenbeck, code="Q1", programme="LZ"),
        f.make_quarter(concept, rheinwerth, code="Q2", programme="LZ"),
    ]
    goals = [f.make_goal(fields[0], code="Z1.1"), f.make_goal(fields[1], code="Z2.1")]
    lz = f.make_programme(default_rate=Decimal("60"), max_rate=Decimal("80"), urban_programme="LZ")
    efre = f.make_programme(default_rate=Decimal("80"), max_rate=Decimal("90"))
    for year in concept.years:
        f.make_rate(hallenbeck, lz, year, "70")
    for i in range(n_measures):
        municipality = hallenbeck if i % 2 == 0 else rheinwerth
        measure = f.make_measure(
            concept,
            fields[i % 2],
            code=f"M{i + 1:03d}",
            title=f"{title_prefix} {i + 1}",
            municipality=municipality,
            start_year=2025,
            end_year=2028,
            responsible_body=f"Stadt {municipality.name}",
            priority=1 + i % 3,
            hoai_phase=i % 10,
            status=Measure.Status.PLANNED,
        )
        measure.quarters.add(quarters[i % 2])
        measure.goals.add(goals[i % 2])
        for year, section in ((2025, 9), (2026, 9), (2027, 11)):
            f.make_cost_line(
                measure,
                year=year,
                section=section,
                gross=f"{1000 * (i + 1) + year % 10}.33",
                ineligible="0.33" if year != 2027 else "10.01",
                note=f"Zeile {year}",
            )
        f.make_module(measure, efre, cost_share="40", order=1)
        f.make_module(measure, lz, cost_share="60", order=2)
        f.make_module(
            measure,
            kind="third_party",
            source="Stiftung",
            amount=None,
            year_amounts={2025: "100.10", 2026: "50.05"},
            order=3,
        )
    return concept, {"lz": lz, "efre": efre}


def soffice() -> str:
    """The LibreOffice binary, or skip (fail on CI) without it."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) fehlt; CI muss libreoffice-calc-nogui installieren.")
    pytest.skip(
        "LibreOffice fehlt: Neuberechnung nicht geprüft (sudo apt-get install libreoffice-calc-nogui)"
    )


def recalculate(data: bytes, tmp_path):
    """Open ``data`` in LibreOffice headless, let it calculate every formula, save as .xlsx and read
    the calculated values (openpyxl ``data_only``)."""
    binary = soffice()
    source = tmp_path / "export.xlsx"
    source.write_bytes(data)
    out = tmp_path / "recalculated"
    subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [
            binary,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return load_workbook(out / "export.xlsx", data_only=True)


def open_workbook(data: bytes, **kwargs):
    return load_workbook(io.BytesIO(data), **kwargs)


def cents(value) -> Decimal:
    """A spreadsheet number as Decimal cents (binary floats carry tiny errors far below a cent)."""
    return Decimal(repr(value)).quantize(CENT)


def header_row(ws, first: str = "Kürzel") -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header row in {ws.title}")


def columns(ws, row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


def row_with_label(ws, label: str, column: int = 2) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"no row {label!r} in {ws.title}")


def measure_list_workbook(concept):
    """The editor's measure list of ``concept`` (the import's exchange format), opened for editing."""
    return open_workbook(xlsx.measures_xlsx(selectors.measure_list_report(concept=concept)))


def workbook_bytes(workbook) -> bytes:
    """An openpyxl workbook saved as .xlsx."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(data: bytes, name: str = "Maßnahmen.xlsx") -> SimpleUploadedFile:
    """``data`` as an uploaded .xlsx file."""
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def pending_token(upload) -> str:
    """The pending file's token, from an upload's redirect to its preview (``?datei=…``)."""
    return upload.url.split("datei=")[1]


def confirm_data(upload, preview) -> dict:
    """What the preview's "Änderungen übernehmen" posts: the pending file of ``upload`` and the digest
    of the plan ``preview`` showed."""
    return {"datei": pending_token(upload), "digest": preview.context["plan"].digest, "apply": "1"}


def column_of(ws, header: str) -> int:
    """The column of ``header`` in the first row of ``ws``."""
    return next(cell.column for cell in ws[1] if cell.value == header)


def plan_for(concept, data: bytes, name: str = "Maßnahmen.xlsx") -> imports.ImportPlan:
    """The import's plan (its preview) of the file ``data`` for ``concept``."""
    return imports.import_plan(concept=concept, parsed=imports.read_upload(name=name, data=data))


def plan_errors(plan: imports.ImportPlan) -> list[tuple[str, int, str, str]]:
    """(sheet, row, column, message) of each error in ``plan``."""
    return [(issue.sheet, issue.row, issue.column, issue.message) for issue in plan.errors]


def refused_apply(concept, plan: imports.ImportPlan, *, digest: str | None = None) -> imports.ImportRefused:
    """Confirm the preview ``plan`` of ``concept`` (with its own digest, or ``digest``): the import must
    refuse it. Returns the refusal."""
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_apply(
            concept=concept, plan=plan.stored(), digest=plan.digest if digest is None else digest, user=None
        )
    return refused.value


def with_formula_texts(concept) -> Measure:
    """Give measure M001 of ``concept`` the ``FORMULA_TEXTS``, its 2025 cost line a formula as its note
    and its third-party module a payer starting with "-"."""
    measure = Measure.objects.get(concept=concept, code="M001")
    for name, value in FORMULA_TEXTS.items():
        setattr(measure, name, value)
    measure.save()
    CostLine.objects.filter(measure=measure, year=2025).update(note="=SUMME(A1:A9)")
    FinancingModule.objects.filter(measure=measure, kind="third_party").update(source="-Stiftung")
    return measure


def db_snapshot(concept) -> tuple:
    """What an import into ``concept`` may change: measures, cost lines, modules, per-year amounts and
    the history records of all of them."""
    measures = Measure.objects.filter(concept=concept)
    return (
        sorted(measures.values_list("code", "title", "version", "start_year", "end_year")),
        sorted(
            CostLine.objects.filter(measure__concept=concept).values_list("pk", "year", "section", "gross")
        ),
        sorted(FinancingModule.objects.filter(measure__concept=concept).values_list("pk", "kind", "rate")),
        FinancingYear.objects.filter(module__measure__concept=concept).count(),
        Measure.history.count() + CostLine.history.count() + FinancingModule.history.count(),
    )
