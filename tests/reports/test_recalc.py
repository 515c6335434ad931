"""The exported formulas, recalculated by a spreadsheet program (LibreOffice headless), give exactly
the app's KuF figures, to the cent. Skipped with a note where LibreOffice is missing, except on CI."""

from decimal import Decimal

import pytest

from funding import kuf
from funding.versions import services as versions_services
from ihk.reports import selectors, xlsx
from measures.models import Measure
from tests import factories as f
from tests.excel import cents, columns, header_row, kuf_concept, recalculate, row_with_label

pytestmark = pytest.mark.django_db

MONEY = {
    "Gesamtkosten": "gross",
    "davon nicht förderfähig": "ineligible",
    "Zuwendungsfähige Kosten": "eligible",
    "Zuwendung": "grant",
    "Eigenanteil": "municipal_share",
    "Mittel Dritter": "third_party",
    "Finanzierungslücke": "gap",
}


def _assert_amounts(ws, row: int, names: dict[str, int], amounts: kuf.Amounts, by_year, years) -> None:
    for header, attribute in MONEY.items():
        assert cents(ws.cell(row=row, column=names[header]).value) == getattr(amounts, attribute), (
            ws.title,
            row,
            header,
        )
    for year in years:
        expected = by_year[year].gross if year in by_year else Decimal("0.00")
        assert cents(ws.cell(row=row, column=names[str(year)]).value) == expected, (ws.title, row, year)


def test_recalculated_kuf_totals_equal_the_app_to_the_cent(tmp_path):
    concept, _programmes = kuf_concept(9)
    # Text that looks like a formula must survive the spreadsheet program as text.
    f.make_cost_line(f.make_measure(concept, code="X1", title="=1+1", responsible_body="@Amt"), gross="0.01")
    report = selectors.kuf_report_for_concept(concept=concept)
    wb = recalculate(xlsx.kuf_xlsx(report), tmp_path)

    for part in report.parts:
        ws = wb[part.title]
        names = columns(ws, header_row(ws))
        table = part.table
        for group in table.groups:
            row = row_with_label(ws, f"Summe {group.label.key}")
            _assert_amounts(ws, row, names, group.total, group.by_year, table.years)
        total = row_with_label(ws, "Gesamtsumme")
        _assert_amounts(ws, total, names, table.total, table.by_year, table.years)

    overview = wb["Übersicht"]
    row = row_with_label(overview, "X1", column=1)
    assert overview.cell(row=row, column=2).value == "=1+1"
    assert overview.cell(row=row, column=7).value == "@Amt"


def test_recalculated_comparison_equals_the_diff(tmp_path):
    concept, _programmes = kuf_concept(4)
    versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    line = Measure.objects.get(concept=concept, code="M002").cost_lines.get(year=2026)
    line.gross += Decimal("1234.56")
    line.save()
    f.make_cost_line(f.make_measure(concept, code="M900"), gross="999.99")
    report = selectors.kuf_diff_report(concept=concept)
    wb = recalculate(xlsx.kuf_diff_xlsx(report), tmp_path)
    ws = wb["Vergleich"]
    names = columns(ws, header_row(ws))
    total = row_with_label(ws, "Gesamtsumme")
    result = report.result
    for label, attribute in (
        ("Gesamtkosten", "gross"),
        ("Zuwendung", "grant"),
        ("Eigenanteil", "municipal_share"),
    ):
        change = getattr(result.total, attribute)
        assert cents(ws.cell(row=total, column=names[f"{label} alt"]).value) == change.old
        assert cents(ws.cell(row=total, column=names[f"{label} neu"]).value) == change.new
        assert cents(ws.cell(row=total, column=names[f"{label} Differenz"]).value) == change.diff
    assert result.total.gross.diff == Decimal("2234.55")
    changed = row_with_label(ws, "M002", column=1)
    assert cents(ws.cell(row=changed, column=names["Gesamtkosten Differenz"]).value) == Decimal("1234.56")
    years = wb["Jahre"]
    year_names = columns(years, header_row(years, first="Jahr"))
    year_total = row_with_label(years, "Gesamtsumme", column=1)
    assert cents(years.cell(row=year_total, column=year_names["Gesamtkosten Differenz"]).value) == Decimal(
        "2234.55"
    )
