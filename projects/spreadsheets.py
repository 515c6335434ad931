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

No ORM and no request: the callers hand in plain values.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
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


def write_text(cell: Any, text: str) -> None:
    """Put ``text`` in an openpyxl ``cell`` as a string, whatever it looks like: control characters the
    format cannot hold are dropped, and formula-like text gets Excel's apostrophe prefix."""
    text = ILLEGAL_CHARACTERS.sub("", text)
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

_THIN = Side(style="thin", color="808080")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6EE")
_HEADER_BORDER = Border(bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_GROUP_FONT = Font(bold=True, color="1F4E79")
_SUBTOTAL_FONT = Font(bold=True)
_SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_SUBTOTAL_BORDER = Border(top=_THIN)
_TOTAL_BORDER = Border(top=Side(style="double"))
_TITLE_FONT = Font(bold=True, size=14)
_LABEL_FONT = Font(bold=True)


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


def _write_value(cell, value: object, column: Column, number_format: str) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        write_text(cell, value)
        return
    if isinstance(value, float):
        raise TypeError("Excel cells get Decimal, never float.")
    if column.kind == PERCENT and isinstance(value, Decimal | int):
        value = Decimal(value) / 100
    cell.value = value
    if number_format:
        cell.number_format = number_format


def _style_row(ws: Worksheet, row: int, width: int, *, font=None, fill=None, border=None) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row=row, column=col)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border


def _sum_formula(letter: str, first: int, last: int) -> str:
    return f"=SUBTOTAL(9,{letter}{first}:{letter}{last})"


def _write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    columns = sheet.columns
    width = len(columns)
    row = 1
    if sheet.title:
        write_text(ws.cell(row=row, column=1), sheet.title)
        ws.cell(row=row, column=1).font = _TITLE_FONT
        row += 1
        for label, value in sheet.meta:
            write_text(ws.cell(row=row, column=1), label)
            ws.cell(row=row, column=1).font = _LABEL_FONT
            write_text(ws.cell(row=row, column=2), value)
            row += 1
        row += 1  # an empty line between the title block and the table

    header_row = row
    for index, column in enumerate(columns, start=1):
        write_text(ws.cell(row=header_row, column=index), column.header)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    _style_row(ws, header_row, width, font=_HEADER_FONT, fill=_HEADER_FILL, border=_HEADER_BORDER)
    for index in range(1, width + 1):
        ws.cell(row=header_row, column=index).alignment = _HEADER_ALIGNMENT

    totals = [(index, get_column_letter(index)) for index, c in enumerate(columns, start=1) if c.total]
    formats = [_number_format(column) for column in columns]
    label_col = sheet.label_column + 1
    row = header_row + 1
    first_data = row
    for block in sheet.blocks:
        if block.heading:
            cell = ws.cell(row=row, column=label_col)
            write_text(cell, block.heading)
            cell.font = _GROUP_FONT
            row += 1
        block_first = row
        for values in block.rows:
            for index, (value, column, number_format) in enumerate(
                zip(values, columns, formats, strict=True), start=1
            ):
                if column.formula:
                    cell = ws.cell(row=row, column=index, value=column.formula.format(row=row))
                    cell.number_format = number_format
                elif value is not None and value != "":
                    _write_value(ws.cell(row=row, column=index), value, column, number_format)
            row += 1
        if block.subtotal:
            write_text(ws.cell(row=row, column=label_col), block.subtotal)
            for index, letter in totals:
                cell = ws.cell(row=row, column=index)
                if block.rows:
                    cell.value = _sum_formula(letter, block_first, row - 1)
                else:
                    cell.value = 0
                cell.number_format = formats[index - 1]
            _style_row(ws, row, width, font=_SUBTOTAL_FONT, fill=_SUBTOTAL_FILL, border=_SUBTOTAL_BORDER)
            row += 1
    last_data = row - 1

    if sheet.total:
        write_text(ws.cell(row=row, column=label_col), sheet.total)
        for index, letter in totals:
            cell = ws.cell(row=row, column=index)
            cell.value = _sum_formula(letter, first_data, last_data) if last_data >= first_data else 0
            cell.number_format = formats[index - 1]
        _style_row(ws, row, width, font=_SUBTOTAL_FONT, border=_TOTAL_BORDER)

    last_letter = get_column_letter(width)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=sheet.frozen_columns + 1)
    ws.auto_filter.ref = f"A{header_row}:{last_letter}{max(last_data, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if sheet.footer:
        ws.oddFooter.left.text = sheet.footer.replace("&", "&&")
    ws.oddFooter.right.text = _("Seite &P von &N")


def write_workbook(sheets: Sequence[Sheet], *, title: str = "") -> bytes:
    """The sheets as an .xlsx file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = workbook.create_sheet(sheet_name(sheet.name, taken))
        _write_sheet(ws, sheet)
    workbook.properties.title = title[:255]
    workbook.properties.creator = "IHK"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
