"""The one Excel writer of the app, and what every spreadsheet file shares, whichever app writes or
reads it: the escaping of text that a spreadsheet program would run as a formula, and the number
formats of the cells.

``write_workbook`` turns plain sheet descriptions (``Sheet``: title block, columns, blocks of rows with
optional subtotal rows, an optional grand total) into an .xlsx file. Every workbook of the app goes
through it: the KuF and the comparison of two KuF versions (``ihk/reports/xlsx.py``), the measure list
and the admin's export (``funding.exchange``), later the participation comments. So all of them share
the same safety and layout rules:

- Subtotals and the grand total are formulas over the row cells (``=SUBTOTAL(9,H7:H19)``), never
  pasted numbers: a user who corrects a cell sees the sums follow. ``SUBTOTAL`` skips the subtotal
  cells inside its range, so the grand total over all rows counts every row once, and it follows the
  autofilter. The row cells hold the app's rounded cent values, so a recalculation gives exactly the
  app's totals.
- Text is always written as text (``write_text``): a cell starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return (resident-written text ends up in exports) gets the string type and Excel's
  quote prefix, so no spreadsheet program ever evaluates it as a formula, not even after editing the
  cell. The import (``funding.exchange``) drops the CSV escape again.
- Money as ``#,##0.00 "€"``, percentages as ``0.0 %`` (the value is the fraction, as Excel stores a
  typed "60 %"; data sheets ``0.00 %``), frozen header, autofilter, column widths, landscape A3 with
  the header row repeated on every printed page.
- Written at the cost of writing the cells: a write-only (streaming) openpyxl workbook, rows appended
  in order, each cell's look a named style registered once per workbook (header, group heading,
  subtotal, total, and one per number format), so no cell carries a style of its own and nothing
  is held in memory but the row being written.

No ORM and no request: the callers hand in plain values.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Text a spreadsheet program could read as a formula or command (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Control characters the xlsx format cannot hold (openpyxl would refuse the whole file).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Number formats of the cells.
EUR_FORMAT = '#,##0.00 "€"'
TEUR_FORMAT = '#,##0.0, "T€"'  # the value in euros, shown in thousands (the trailing comma divides)
PERCENT_FORMAT = "0.0 %"  # reports: one decimal
PERCENT_DATA_FORMAT = "0.00 %"  # data sheets: two decimals, as the database stores rates
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD.MM.YYYY"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula or command."""
    return text.startswith(FORMULA_PREFIXES)


def clean_text(text: str) -> str:
    """``text`` without the control characters the xlsx format cannot hold."""
    return ILLEGAL_CHARACTERS.sub("", text)


def write_text(cell: Any, text: str) -> None:
    """Put ``text`` in an openpyxl ``cell`` as a string, whatever it looks like: control characters the
    format cannot hold are dropped, and formula-like text gets Excel's apostrophe prefix."""
    text = clean_text(text)
    cell.value = text
    # openpyxl takes a string starting with "=" for a formula; the explicit type keeps it a string.
    cell.data_type = "s"
    if is_formula_like(text):
        # Excel's apostrophe: the text stays text even when someone edits the cell.
        cell.quotePrefix = True


TEXT = "text"
INTEGER = "integer"
EUR = "eur"
PERCENT = "percent"
DATE = "date"

NUMBER_FORMATS = {EUR: EUR_FORMAT, PERCENT: PERCENT_FORMAT, INTEGER: INTEGER_FORMAT, DATE: DATE_FORMAT}

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 12
    total: bool = False  # summed in subtotal and total rows
    number_format: str = ""  # overrides the kind's format
    # A formula for every data row, with "{row}" for the row number ("=K{row}-J{row}"); the row's value
    # for this column is ignored. Subtotal and total rows still sum the column (``total``).
    formula: str = ""


@dataclass
class Block:
    """Rows that belong together: an optional heading row, the rows, an optional subtotal row."""

    rows: list[list[object]]
    heading: str = ""
    subtotal: str = ""


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    blocks: list[Block]
    title: str = ""  # first line of the title block; no title block without it
    meta: list[tuple[str, str]] = field(default_factory=list)  # label and value lines under the title
    total: str = ""  # label of the grand total row; none without it
    label_column: int = 1  # index of the column that holds headings and subtotal labels
    frozen_columns: int = 0  # columns that stay visible when scrolling right
    footer: str = ""  # printed at the bottom left of every page


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _SHEET_NAME_FORBIDDEN.sub("-", name).strip("'") or "Blatt"
    base = base[:MAX_SHEET_NAME]
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _number_format(column: Column) -> str:
    return column.number_format or NUMBER_FORMATS.get(column.kind, "")


# --- Named styles --------------------------------------------------------------------------------------

# What a cell is, for its look: the named style of each role (without a number format).
_CELL = "cell"  # a data cell: only its number format, if any
_TITLE = "title"
_LABEL = "label"  # a label of the title block
_HEADER = "header"
_GROUP = "group"  # a block's heading
_SUBTOTAL = "subtotal"
_TOTAL = "total"

_THIN = Side(style="thin", color="808080")
_ROLES: dict[str, dict[str, Any]] = {
    _CELL: {},
    _TITLE: {"font": Font(bold=True, size=14)},
    _LABEL: {"font": Font(bold=True)},
    _HEADER: {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDE6EE"),
        "border": Border(bottom=_THIN),
        "alignment": Alignment(wrap_text=True, vertical="top"),
    },
    _GROUP: {"font": Font(bold=True, color="1F4E79")},
    _SUBTOTAL: {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F2F2F2"),
        "border": Border(top=_THIN),
    },
    _TOTAL: {"font": Font(bold=True), "border": Border(top=Side(style="double"))},
}
# The number formats' part of a style's name ("IHK subtotal euro"); another format names itself.
_FORMAT_NAMES = {
    EUR_FORMAT: "euro",
    TEUR_FORMAT: "thousand euro",
    PERCENT_FORMAT: "percent",
    PERCENT_DATA_FORMAT: "percent data",
    INTEGER_FORMAT: "integer",
    DATE_FORMAT: "date",
}


class _Styles:
    """The named styles of one workbook (a role and a number format each), registered on first use,
    as the style arrays their cells carry."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._arrays: dict[tuple[str, str], StyleArray | None] = {}

    def get(self, role: str, number_format: str = "") -> StyleArray | None:
        """The style array of a cell; None for a plain cell (the workbook's "Normal")."""
        key = (role, number_format)
        if key not in self._arrays:
            self._arrays[key] = None if key == (_CELL, "") else self._register(role, number_format)
        return self._arrays[key]

    def _register(self, role: str, number_format: str) -> StyleArray:
        words = ["IHK", role if role != _CELL else "", _FORMAT_NAMES.get(number_format, number_format)]
        style = NamedStyle(
            name=" ".join(word for word in words if word),
            number_format=number_format or "General",
            # What a role does not set stays as in "Normal", the workbook's default style.
            **{"font": DEFAULT_FONT, "border": DEFAULT_BORDER, **_ROLES[role]},
        )
        self._workbook.add_named_style(style)
        return StyleArray(style.as_tuple())


# --- Writing a sheet -----------------------------------------------------------------------------------


def _sum_formula(letter: str, first: int, last: int) -> str:
    return f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"


class _SheetWriter:
    """Appends the rows of one ``Sheet`` to a write-only worksheet, in order. A value is appended as it
    is where openpyxl writes it as it should (plain text, a number without format), else as a cell
    carrying the style array of its named style (``Cell(..., style_array=)`` is what ``WriteOnlyCell``
    plus ``cell.style = name`` gives, without looking the name up for every cell)."""

    def __init__(self, ws: Any, sheet: Sheet, styles: _Styles) -> None:
        self.ws = ws
        self.sheet = sheet
        self.styles = styles
        self.formats = [_number_format(column) for column in sheet.columns]
        # Per column: the style array of its cells, whether values are percent, its row formula.
        self.specs = [
            (styles.get(_CELL, number_format), column.kind == PERCENT, column.formula)
            for column, number_format in zip(sheet.columns, self.formats, strict=True)
        ]
        self.totals = [
            (index, get_column_letter(index + 1)) for index, c in enumerate(sheet.columns) if c.total
        ]
        self.row = 0  # the last row appended

    def append(self, values: list[object]) -> None:
        self.ws.append(values)
        self.row += 1

    def cell(self, value: object, array: StyleArray | None) -> Cell:
        return Cell(self.ws, row=1, column=1, value=value, style_array=array)

    def text(self, text: str, role: str = _CELL) -> object:
        """``text`` as a value that stays text: a cell written by ``write_text``, or, for plain text
        in a plain cell that openpyxl writes as a string anyway (not formula-like, not "#…" like an
        error code), the cleaned str itself."""
        text = clean_text(text)
        if role == _CELL and not is_formula_like(text) and not text.startswith("#"):
            return text
        cell = self.cell(None, self.styles.get(role))
        write_text(cell, text)
        return cell

    def number(self, value: object, array: StyleArray | None, percent: bool) -> object:
        if isinstance(value, float):
            raise TypeError("Excel cells get Decimal, never float.")
        if percent and isinstance(value, Decimal | int):
            value = Decimal(value) / 100
        return value if array is None else self.cell(value, array)

    def data_row(self, values: Sequence[object]) -> list[object]:
        row = self.row + 1
        result: list[object] = []
        for value, (array, percent, formula) in zip(values, self.specs, strict=True):
            if formula:
                result.append(self.cell(formula.format(row=row), array))
            elif value is None:
                result.append(None)
            elif isinstance(value, str):
                result.append(self.text(value) if value else None)
            else:
                result.append(self.number(value, array, percent))
        return result

    def sum_row(self, label: str, role: str, first: int) -> list[object]:
        """A subtotal or total row: ``label``, each summed column's SUBTOTAL over the rows from
        ``first`` to the last one appended (0 without such rows), every cell in the role's style."""
        last = self.row
        result: list[object] = [self.cell(None, self.styles.get(role)) for _column in self.sheet.columns]
        result[self.sheet.label_column] = self.text(label, role)
        for index, letter in self.totals:
            value = _sum_formula(letter, first, last) if last >= first else 0
            result[index] = self.cell(value, self.styles.get(role, self.formats[index]))
        return result

    def write(self) -> int:
        """Append every row; returns the last data row (the header row without data)."""
        sheet = self.sheet
        if sheet.title:
            self.append([self.text(sheet.title, _TITLE)])
            for label, value in sheet.meta:
                self.append([self.text(label, _LABEL), self.text(value)])
            self.append([])  # an empty line between the title block and the table
        self.append([self.text(column.header, _HEADER) for column in sheet.columns])
        first_data = self.row + 1
        for block in sheet.blocks:
            if block.heading:
                self.append([None] * sheet.label_column + [self.text(block.heading, _GROUP)])
            block_first = self.row + 1
            for values in block.rows:
                self.append(self.data_row(values))
            if block.subtotal:
                self.append(self.sum_row(block.subtotal, _SUBTOTAL, block_first))
        last_data = self.row
        if sheet.total:
            self.append(self.sum_row(sheet.total, _TOTAL, first_data))
        return last_data


def _header_row(sheet: Sheet) -> int:
    """The row of the column headers: under the title, its lines and an empty line."""
    return len(sheet.meta) + 3 if sheet.title else 1


def _set_up_sheet(ws: Any, sheet: Sheet, header_row: int) -> None:
    """What a write-only sheet writes before its rows: column widths, frozen panes, fit to page; and
    the print setup (landscape A3, one page wide, the header row on every page, the footer)."""
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}{header_row + 1}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = False
    if sheet.footer:
        ws.oddFooter.left.text = sheet.footer.replace("&", "&&")
    ws.oddFooter.right.text = _("Seite &P von &N")


def _write_sheet(ws: Any, sheet: Sheet, styles: _Styles) -> None:
    header_row = _header_row(sheet)
    _set_up_sheet(ws, sheet, header_row)
    last_data = _SheetWriter(ws, sheet, styles).write()
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sheet.columns))}{max(last_data, header_row)}"


def _discard(workbook: Workbook) -> None:
    """Finish a workbook whose writing failed into nowhere, so that its sheets' temporary files go now
    (rather than when the process ends) and no half-written sheet is left open."""
    with contextlib.suppress(Exception):
        workbook.save(io.BytesIO())


def write_workbook(sheets: Sequence[Sheet], *, title: str = "") -> bytes:
    """The sheets as an .xlsx file, written row by row (a write-only workbook)."""
    workbook = Workbook(write_only=True)
    styles = _Styles(workbook)
    taken: set[str] = set()
    try:
        for sheet in sheets:
            _write_sheet(workbook.create_sheet(sheet_name(sheet.name, taken)), sheet, styles)
    except BaseException:
        _discard(workbook)
        raise
    workbook.properties.title = title[:255]
    workbook.properties.creator = "IHK"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
