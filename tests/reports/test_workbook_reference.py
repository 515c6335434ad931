"""The app's one writer (``projects.spreadsheets.write_workbook``, write-only openpyxl with named styles)
writes, cell by cell, what its earlier form wrote: a normal openpyxl workbook with per-cell styles,
kept here as ``reference_workbook``. Compared: every cell's value, type, number format, quote prefix,
font, fill, border and alignment, and each sheet's widths, frozen panes, autofilter, print titles, page
setup and footer. The sheets compared are those the KuF, comparison and measure-list workbooks
describe (captured on their way to the writer), plus one that reaches every rare branch."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from funding import kuf
from funding.exchange import exporting
from funding.kuf import columns as kuf_columns
from funding.versions import services as versions_services
from ihk.reports import selectors, xlsx
from measures.models import Measure
from projects import spreadsheets
from projects.spreadsheets import Block, Column, Sheet
from tests import factories as f
from tests.excel import kuf_concept, open_workbook, with_formula_texts

# --- The writer as it was: a normal workbook, styles set per cell ------------------------------------

_THIN = Side(style="thin", color="808080")
_HEADER = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="DDE6EE"),
    "border": Border(bottom=_THIN),
}
_SUBTOTAL = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="F2F2F2"),
    "border": Border(top=_THIN),
}
_TOTAL = {"font": Font(bold=True), "border": Border(top=Side(style="double"))}


def _style_row(ws, row, width, styles):
    for col in range(1, width + 1):
        for name, value in styles.items():
            setattr(ws.cell(row=row, column=col), name, value)


def _value(cell, value, column, number_format):
    if isinstance(value, str):
        spreadsheets.write_text(cell, value)
        return
    if column.kind == spreadsheets.PERCENT and isinstance(value, Decimal | int):
        value = Decimal(value) / 100
    cell.value = value
    if number_format:
        cell.number_format = number_format


def _title_block(ws, sheet):
    if not sheet.title:
        return 1
    spreadsheets.write_text(ws.cell(row=1, column=1), sheet.title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 2
    for label, value in sheet.meta:
        spreadsheets.write_text(ws.cell(row=row, column=1), label)
        ws.cell(row=row, column=1).font = Font(bold=True)
        spreadsheets.write_text(ws.cell(row=row, column=2), value)
        row += 1
    return row + 1


def _sum(letter, first, last):
    return f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"


def _reference_sheet(ws, sheet):
    columns = sheet.columns
    width = len(columns)
    header_row = _title_block(ws, sheet)
    for index, column in enumerate(columns, start=1):
        spreadsheets.write_text(ws.cell(row=header_row, column=index), column.header)
        ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.cell(row=header_row, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    _style_row(ws, header_row, width, _HEADER)
    totals = [(index, get_column_letter(index)) for index, c in enumerate(columns, start=1) if c.total]
    formats = [column.number_format or spreadsheets.NUMBER_FORMATS.get(column.kind, "") for column in columns]
    label_col = sheet.label_column + 1
    row = first_data = header_row + 1
    for block in sheet.blocks:
        if block.heading:
            spreadsheets.write_text(ws.cell(row=row, column=label_col), block.heading)
            ws.cell(row=row, column=label_col).font = Font(bold=True, color="1F4E79")
            row += 1
        block_first = row
        for values in block.rows:
            for index, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
                if column.formula:
                    cell = ws.cell(row=row, column=index, value=column.formula.format(row=row))
                    cell.number_format = formats[index - 1]
                elif value is not None and value != "":
                    _value(ws.cell(row=row, column=index), value, column, formats[index - 1])
            row += 1
        if block.subtotal:
            spreadsheets.write_text(ws.cell(row=row, column=label_col), block.subtotal)
            for index, letter in totals:
                cell = ws.cell(row=row, column=index)
                cell.value = _sum(letter, block_first, row - 1) if block.rows else 0
                cell.number_format = formats[index - 1]
            _style_row(ws, row, width, _SUBTOTAL)
            row += 1
    last_data = row - 1
    if sheet.total:
        spreadsheets.write_text(ws.cell(row=row, column=label_col), sheet.total)
        for index, letter in totals:
            cell = ws.cell(row=row, column=index)
            cell.value = _sum(letter, first_data, last_data) if last_data >= first_data else 0
            cell.number_format = formats[index - 1]
        _style_row(ws, row, width, _TOTAL)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=sheet.frozen_columns + 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{max(last_data, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if sheet.footer:
        ws.oddFooter.left.text = sheet.footer.replace("&", "&&")
    ws.oddFooter.right.text = "Seite &P von &N"


def reference_workbook(sheets, *, title=""):
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    for sheet in sheets:
        _reference_sheet(workbook.create_sheet(spreadsheets.sheet_name(sheet.name, taken)), sheet)
    workbook.properties.title = title[:255]
    workbook.properties.creator = "IHK"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Comparing two files ------------------------------------------------------------------------------


def _side(side):
    if side is None:
        return None
    return side.style, side.color.rgb if side.color is not None else None


def _cell(cell):
    font, fill, border, alignment = cell.font, cell.fill, cell.border, cell.alignment
    return (
        cell.value,
        cell.data_type,
        cell.number_format,
        cell.quotePrefix,
        (font.name, font.sz, font.b, font.color.rgb if font.color is not None else None),
        (fill.fill_type, fill.fgColor.rgb),
        (_side(border.top), _side(border.bottom)),
        (alignment.wrap_text, alignment.vertical),
    )


def _layout(ws):
    setup = ws.page_setup
    return (
        ws.max_row,
        ws.max_column,
        ws.freeze_panes,
        ws.auto_filter.ref,
        ws.print_title_rows,
        (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight),
        ws.sheet_properties.pageSetUpPr.fitToPage,
        ws.print_options.gridLines,
        (ws.oddFooter.left.text, ws.oddFooter.right.text),
        {letter: dimension.width for letter, dimension in ws.column_dimensions.items()},
    )


def assert_same_workbook(data: bytes, reference: bytes) -> None:
    written, expected = open_workbook(data), open_workbook(reference)
    assert written.sheetnames == expected.sheetnames
    assert (written.properties.title, written.properties.creator) == (
        expected.properties.title,
        expected.properties.creator,
    )
    for name in expected.sheetnames:
        ws, ref = written[name], expected[name]
        assert _layout(ws) == _layout(ref), name
        for row in ref.iter_rows(min_row=1, max_row=ref.max_row, max_col=ref.max_column):
            for expected_cell in row:
                cell = ws.cell(row=expected_cell.row, column=expected_cell.column)
                assert _cell(cell) == _cell(expected_cell), (name, expected_cell.coordinate)


@pytest.fixture
def captured(monkeypatch):
    """The sheets (and title) each workbook hands to the writer."""
    calls = []
    real = spreadsheets.write_workbook

    def spy(sheets, *, title=""):
        calls.append((list(sheets), title))
        return real(sheets, title=title)

    monkeypatch.setattr(xlsx, "write_workbook", spy)
    monkeypatch.setattr(exporting, "write_workbook", spy)
    return calls


def _assert_each_like_the_reference(calls, files):
    assert len(calls) == len(files)
    for (sheets, title), data in zip(calls, files, strict=True):
        assert_same_workbook(data, reference_workbook(sheets, title=title))


# --- The workbooks of the app --------------------------------------------------------------------------


@pytest.mark.django_db
def test_kuf_workbooks_are_written_as_before(captured):
    concept, _programmes = kuf_concept(5)
    with_formula_texts(concept)
    measure = Measure.objects.get(concept=concept, code="M002")
    f.make_cost_line(measure, year=2030, gross="12.34")  # outside its period: a check
    source = selectors.kuf_source(concept=concept)
    files = [xlsx.kuf_xlsx(selectors.kuf_report_for_source(concept=concept, source=source))]
    files.append(
        xlsx.kuf_xlsx(
            selectors.kuf_report_for_source(
                concept=concept,
                source=source,
                row_filter=kuf.RowFilter(year_from=2025, year_to=2027, text="Maßnahme"),
                group_by=kuf.GROUP_BY_PROGRAMME,
                year_value="grant",
                unit=kuf_columns.TEUR,
                ignored_filter="Jahr ab: „x“",
            )
        )
    )
    _assert_each_like_the_reference(captured, files)


@pytest.mark.django_db
def test_comparison_and_measure_list_are_written_as_before(captured):
    concept, _programmes = kuf_concept(3)
    versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    with_formula_texts(concept)
    line = Measure.objects.get(concept=concept, code="M002").cost_lines.get(year=2026)
    line.gross += Decimal("1234.56")
    line.save()
    f.make_cost_line(f.make_measure(concept, code="M900", title="@Neu"), gross="999.99")
    files = [
        xlsx.kuf_diff_xlsx(selectors.kuf_diff_report(concept=concept)),
        xlsx.measures_xlsx(selectors.measure_list_report(concept=concept)),
    ]
    _assert_each_like_the_reference(captured, files)


def test_every_branch_of_the_writer_is_written_as_before():
    columns = [
        Column("=Kopf", width=9),
        Column("Betrag", spreadsheets.EUR, total=True),
        Column("Satz", spreadsheets.PERCENT),
        Column("Satz (Daten)", spreadsheets.PERCENT, number_format=spreadsheets.PERCENT_DATA_FORMAT),
        Column("Anzahl", spreadsheets.INTEGER, total=True),
        Column("Datum", spreadsheets.DATE, width=11),
        Column("T€", spreadsheets.EUR, total=True, number_format=spreadsheets.TEUR_FORMAT),
        Column("Doppelt", spreadsheets.EUR, total=True, formula="=B{row}*2"),
        Column("Frei", width=30.5),
    ]
    rows = [
        [
            "Zeile\x07 eins",
            Decimal("1.05"),
            60,
            Decimal("12.5"),
            3,
            datetime.date(2025, 1, 31),
            1500,
            None,
            "#N/A",
        ],
        ["-minus", "", None, "=1+1", True, "Text statt Datum", Decimal("-0.01"), Decimal("5"), "\r"],
        ["\x01", Decimal(0), Decimal(0), 0, 0, datetime.datetime(2025, 3, 1, 12, 30), 7, None, "+49 201"],
    ]
    sheets = [
        Sheet(
            name="Alles: [eins]",
            columns=columns,
            blocks=[
                Block(rows=rows[:2], heading="=Gruppe", subtotal="Summe 1"),
                Block(rows=[], heading="Leer", subtotal="@Summe leer"),
                Block(rows=rows[2:]),
                Block(rows=[], heading="Nur Überschrift"),
            ],
            title="=Titel",
            meta=[("Stand", "01.09.2025"), ("@Filter", "-alles"), ("Leer", "")],
            total="Gesamtsumme",
            label_column=0,
            frozen_columns=1,
            footer="A & B – Stand",
        ),
        Sheet(name="Alles: [eins]", columns=columns[:2], blocks=[], total="Summe ohne Zeilen"),
        Sheet(name="Kein Titel", columns=columns[1:3], blocks=[Block(rows=[[Decimal("1"), 5]])]),
    ]
    assert_same_workbook(
        spreadsheets.write_workbook(sheets, title="T" * 300), reference_workbook(sheets, title="T" * 300)
    )


def test_a_refused_value_leaves_no_sheet_open():
    """A float (or anything openpyxl cannot write) stops the writing; the sheets written so far are
    closed and their temporary files removed at once, not at the end of the process."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    columns = [Column("Betrag", spreadsheets.EUR), Column("Text")]
    before = list(ALL_TEMP_FILES)
    for bad in (0.1, object()):
        sheets = [
            Sheet("A", columns, [Block(rows=[[Decimal(1), "a"]])]),
            Sheet("B", columns, [Block(rows=[[Decimal(2), "b"], [Decimal(3), bad]])]),
        ]
        with pytest.raises((TypeError, ValueError)):
            spreadsheets.write_workbook(sheets)
    assert list(ALL_TEMP_FILES) == before
