"""The KuF, comparison and measure-list workbooks, opened with openpyxl: sheets, header, number
formats, formulas, print setup, and text that looks like a formula stays text."""

import io
import re
import zipfile
from decimal import Decimal

import pytest

from funding import kuf
from funding.kuf.selectors import kuf_rows_for_concept, live_kuf
from funding.versions import diff
from funding.versions import services as versions_services
from ihk.reports import selectors, xlsx
from measures.models import Measure
from projects import spreadsheets
from projects.formatting import format_eur
from tests import factories as f
from tests.excel import cents, columns, header_row, kuf_concept, open_workbook, row_with_label

pytestmark = pytest.mark.django_db

FORMULA_TEXTS = [
    '=HYPERLINK("http://example.org","klick")',
    "+49 201 12345",
    "-Rückbau der Garagen",
    "@Stadtverwaltung",
    "\tEingerückt",
    "\rZeilenanfang",
    "=1+1",
]


def test_kuf_workbook_layout():
    concept, _programmes = kuf_concept(4)
    report = selectors.kuf_report_for_concept(concept=concept)
    wb = open_workbook(xlsx.kuf_xlsx(report))
    assert wb.sheetnames == ["Übersicht", "Hallenbeck", "Rheinwerth", "Prüfhinweise"]
    ws = wb["Übersicht"]
    assert ws["A1"].value == "Kosten- und Finanzierungsübersicht – IIHK Testtal"
    title_block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, 7)}
    assert title_block["Kommunen"] == "Hallenbeck, Rheinwerth"
    assert title_block["Version"] == "aktueller Bearbeitungsstand (nicht eingefroren)"
    assert "Stand" in title_block
    # A municipality's sheet names only its own municipality.
    for name in ("Hallenbeck", "Rheinwerth"):
        sheet = wb[name]
        block = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, 8)}
        assert block["Kommune"] == name
        assert "Kommunen" not in block
    header = header_row(ws)
    names = columns(ws, header)
    assert list(names)[:17] == [
        "Kürzel",
        "Maßnahme",
        "Handlungsfeld",
        "Kommune",
        "Quartiere",
        "Kostengruppen",
        "Träger",
        "Gesamtkosten",
        "davon nicht förderfähig",
        "Zuwendungsfähige Kosten",
        "Programm",
        "Fördersatz",
        "Zuwendung",
        "Eigenanteil",
        "Mittel Dritter",
        "Finanzierungslücke",
        "Überfinanzierung",
    ]
    assert [str(year) for year in range(2024, 2031)] == list(names)[17:24]
    assert list(names)[24:] == ["Priorität", "Zeitraum", "Planungsstand (HOAI)", "Status", "Prüfhinweise"]

    # Groups: a heading row, the measures, a subtotal row with SUBTOTAL formulas; then the grand total.
    assert ws.cell(row=header + 1, column=2).value == "HF1 Zentren"
    first = ws.cell(row=header + 2, column=1)
    assert first.value == "M001"
    gross = names["Gesamtkosten"]
    assert ws.cell(row=header + 2, column=gross).number_format == '#,##0.00 "€"'
    # EFRE 80 % and LZ 70 % (Hallenbeck): a range as text; a single rate is a percent number.
    assert ws.cell(row=header + 2, column=names["Fördersatz"]).value == "70–80 %"
    # Each programme's grant stands on the row.
    programmes = ws.cell(row=header + 2, column=names["Programm"]).value
    row = report.overview.groups[0].rows[0]
    assert len(row.programmes) == 2
    assert programmes == ", ".join(
        f"{code} {format_eur(row.total.grants_by_programme[code])}" for code in row.programmes
    )
    assert cents(ws.cell(row=header + 2, column=gross).value) == report.overview.groups[0].rows[0].total.gross
    subtotal = row_with_label(ws, "Summe HF1")
    assert ws.cell(row=subtotal, column=gross).value == f"=SUBTOTAL(9,H{header + 2}:H{subtotal - 1})"
    total = row_with_label(ws, "Gesamtsumme")
    assert ws.cell(row=total, column=gross).value == f"=SUBTOTAL(9,H{header + 1}:H{total - 1})"
    year_2025 = names["2025"]
    assert ws.cell(row=total, column=year_2025).value.startswith("=SUBTOTAL(9,")

    # Frozen header and first two columns, autofilter, landscape A3, header row on every page.
    assert ws.freeze_panes == f"C{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:AC{total - 1}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 8  # A3
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.column_dimensions["B"].width == 40


def test_municipality_sheets_hold_only_their_rows_and_checks_are_listed():
    concept, _programmes = kuf_concept(4)
    measure = Measure.objects.get(concept=concept, code="M001")
    f.make_cost_line(measure, year=2029)  # outside the measure's period 2025–2028
    report = selectors.kuf_report_for_concept(concept=concept)
    wb = open_workbook(xlsx.kuf_xlsx(report))
    ws = wb["Hallenbeck"]
    codes = {ws.cell(row=r, column=1).value for r in range(header_row(ws) + 1, ws.max_row + 1)}
    assert codes - {None} == {"M001", "M003"}
    checks = wb["Prüfhinweise"]
    start = header_row(checks)
    assert [cell.value for cell in checks[start]] == ["Kürzel", "Maßnahme", "Kommune", "Art", "Hinweis"]
    lines = [[cell.value for cell in row] for row in checks.iter_rows(min_row=start + 1)]
    assert lines[0][:4] == ["M001", "Maßnahme 1", "Hallenbeck", "Kosten außerhalb des Zeitraums"]
    assert lines[0][4] == "Kosten in 2029, außerhalb des Zeitraums der Maßnahme (2025–2028)."


def test_single_municipality_concept_has_no_municipality_sheets():
    concept = f.make_concept(title="IHK Innenstadt")
    f.make_cost_line(f.make_measure(concept))
    wb = open_workbook(xlsx.kuf_xlsx(selectors.kuf_report_for_concept(concept=concept)))
    assert wb.sheetnames == ["Übersicht", "Prüfhinweise"]


def test_filtered_report_shows_the_filter_and_only_the_kept_years():
    concept, _programmes = kuf_concept(4)
    source = selectors.kuf_source(concept=concept)
    report = selectors.kuf_report_for_source(
        concept=concept,
        source=source,
        row_filter=kuf.RowFilter(municipalities=frozenset({"Rheinwerth"}), year_from=2026, year_to=2027),
    )
    wb = open_workbook(xlsx.kuf_xlsx(report))
    ws = wb["Übersicht"]
    title_block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, 9)}
    assert title_block["Filter"] == "Kommune: Rheinwerth; Jahre: 2026–2027"
    names = columns(ws, header_row(ws))
    assert "2025" not in names and "2026" in names and "2027" in names
    assert wb.sheetnames == ["Übersicht", "Rheinwerth", "Prüfhinweise"]


def test_version_report_names_the_version():
    concept, _programmes = kuf_concept(2)
    version = versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    source = selectors.kuf_source(concept=concept, stand=str(version.pk))
    report = selectors.kuf_report_for_source(concept=concept, source=source)
    assert report.meta.version == "Antrag 2026"
    assert xlsx.kuf_filename(report) == f"{concept.slug}-KuF-antrag-2026.xlsx"
    live = selectors.kuf_report_for_concept(concept=concept)
    assert report.overview.total.gross == live.overview.total.gross


def test_report_takes_plain_rows_and_metadata():
    """The lead's KuF page can hand in any selection of rows (filtered, a version) plus metadata."""
    concept, _programmes = kuf_concept(3)
    rows = kuf_rows_for_concept(concept=concept)
    report = selectors.kuf_report(
        concept_title="Titel",
        concept_slug="slug",
        municipalities=["Hallenbeck"],
        rows=rows[:1],
        checks=live_kuf(concept=concept).checks,
        years=[2025, 2026],
        version="Stand 01.09.2025",
        date=concept.created_at.date(),
    )
    wb = open_workbook(xlsx.kuf_xlsx(report))
    assert wb.sheetnames == ["Übersicht", "Prüfhinweise"]
    ws = wb["Übersicht"]
    assert ws["A1"].value.endswith("Titel")
    # A row with money outside the given years widens the table, so the columns add up.
    assert "2027" in columns(ws, header_row(ws))


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_looking_text_is_written_as_text(text):
    concept = f.make_concept()
    measure = f.make_measure(concept, title=text, responsible_body=text)
    f.make_cost_line(measure)
    data = xlsx.kuf_xlsx(selectors.kuf_report_for_concept(concept=concept))
    ws = open_workbook(data)["Übersicht"]
    row = header_row(ws) + 2
    cell = ws.cell(row=row, column=2)
    # XML turns a carriage return into a line feed; the text itself is unchanged.
    assert cell.value.replace("\n", "\r") == text.replace("\n", "\r")
    assert cell.data_type == "s"
    assert cell.quotePrefix == (text[0] in "=+-@\t\r")
    # In the file itself: an inline string, never a <f> element.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    formulas = re.findall(r"<f>(.*?)</f>", sheet)
    assert formulas and all(formula.startswith("SUBTOTAL(9,") for formula in formulas)


def test_illegal_control_characters_are_dropped_not_fatal():
    concept = f.make_concept()
    f.make_cost_line(f.make_measure(concept, title="Platz\x07 am Markt"))
    ws = open_workbook(xlsx.kuf_xlsx(selectors.kuf_report_for_concept(concept=concept)))["Übersicht"]
    assert ws.cell(row=header_row(ws) + 2, column=2).value == "Platz am Markt"


def test_sheet_names_are_valid_and_unique():
    taken = set()
    assert spreadsheets.sheet_name("Stadt [Nord]: A/B?", taken) == "Stadt -Nord-- A-B-"
    assert spreadsheets.sheet_name("x" * 40, taken) == "x" * 31
    assert spreadsheets.sheet_name("x" * 40, taken) == "x" * 27 + " (2)"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        spreadsheets.write_workbook(
            [
                spreadsheets.Sheet(
                    "A", [spreadsheets.Column("x", spreadsheets.EUR)], [spreadsheets.Block(rows=[[0.1]])]
                )
            ]
        )


def test_measure_list_workbook():
    concept, _programmes = kuf_concept(2)
    wb = open_workbook(xlsx.measures_xlsx(selectors.measure_list_report(concept=concept)))
    assert wb.sheetnames == ["Maßnahmen", "Kostenzeilen", "Finanzierung"]
    measures = wb["Maßnahmen"]
    assert [c.value for c in measures[1]][:6] == [
        "Kürzel",
        "Titel",
        "Handlungsfeld",
        "Kommune",
        "Quartiere",
        "Ziele",
    ]
    assert measures["A2"].value == "M001"
    costs = wb["Kostenzeilen"]
    header = [c.value for c in costs[1]]
    assert header == [
        "Kürzel",
        "Maßnahme (nur zur Information)",
        "Jahr",
        "Kostengruppe",
        "Gesamtkosten",
        "davon nicht förderfähig",
        "Bemerkung",
    ]
    assert costs["E2"].value == Decimal("1005.33") or costs["E2"].value == pytest.approx(1005.33)
    assert costs["E2"].number_format == '#,##0.00 "€"'
    modules = wb["Finanzierung"]
    header = [c.value for c in modules[1]]
    assert header[:8] == [
        "Kürzel",
        "Maßnahme (nur zur Information)",
        "Art",
        "Programm",
        "Geldgeber",
        "Anteil (%)",
        "Satz (%)",
        "Fester Betrag",
    ]
    assert header[8:] == [f"Betrag {year}" for year in range(2024, 2031)]
    assert modules["F2"].value == pytest.approx(0.4)
    assert modules["F2"].number_format == "0.00 %"
    assert modules["C2"].value == "Zuwendung (Förderprogramm)"


def test_diff_workbook():
    concept, _programmes = kuf_concept(3)
    versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    line = Measure.objects.get(concept=concept, code="M001").cost_lines.get(year=2025)
    line.gross += Decimal("1000.00")
    line.save()
    removed = Measure.objects.get(concept=concept, code="M002")
    removed.cost_lines.all().delete()
    removed.financing_modules.all().delete()
    removed.delete()
    f.make_cost_line(f.make_measure(concept, code="M900", title="Neu"))
    report = selectors.kuf_diff_report(concept=concept)
    wb = open_workbook(xlsx.kuf_diff_xlsx(report))
    assert wb.sheetnames == ["Vergleich", "Geänderte Angaben", "Handlungsfelder", "Jahre"]
    ws = wb["Vergleich"]
    header = header_row(ws)
    names = columns(ws, header)
    assert list(names)[5:8] == ["Gesamtkosten alt", "Gesamtkosten neu", "Gesamtkosten Differenz"]
    # The money columns are named as on the comparison page (``diff.money_labels``): the KuF's headers.
    assert [name.removesuffix(" alt") for name in names if name.endswith(" alt")] == [
        "Gesamtkosten",
        "Zuwendungsfähige Kosten",
        "Zuwendung",
        "Eigenanteil",
        "Mittel Dritter",
    ]
    assert list(diff.money_labels()) == list(diff.MONEY_FIELDS)
    headings = [ws.cell(row=r, column=2).value for r in range(header + 1, ws.max_row + 1)]
    for heading in (
        "Neue Maßnahmen",
        "Entfallene Maßnahmen",
        "Geänderte Maßnahmen",
        "Unveränderte Maßnahmen",
    ):
        assert heading in headings
    changed = row_with_label(ws, "M001", column=1)
    assert ws.cell(row=changed, column=names["Gesamtkosten Differenz"]).value == f"=G{changed}-F{changed}"
    assert ws.cell(row=changed, column=names["Gesamtkosten neu"]).value - ws.cell(
        row=changed, column=names["Gesamtkosten alt"]
    ).value == Decimal("1000.00")
    title_block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, 6)}
    assert title_block["Alter Stand"].startswith("Antrag 2026 (")
    assert title_block["Neuer Stand"] == "Aktueller Stand"
