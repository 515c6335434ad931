"""The one Excel writer of the app, and the Excel formatters of the reports built in ``selectors.py``.

``write_workbook`` turns plain sheet descriptions (``Sheet``: title block, columns, blocks of rows with
optional subtotal rows, an optional grand total) into an .xlsx file. Every workbook of the app goes
through it: the KuF, the comparison of two KuF versions, the measure list, later the participation
comments. So all of them share the same safety and layout rules:

- Subtotals and the grand total are formulas over the row cells (``=SUBTOTAL(9,H7:H19)``), never
  pasted numbers: a user who corrects a cell sees the sums follow. ``SUBTOTAL`` skips the subtotal
  cells inside its range, so the grand total over all rows counts every row once, and it follows the
  autofilter. The row cells hold the app's rounded cent values, so a recalculation gives exactly the
  app's totals.
- Text is always written as text (``projects.spreadsheets.write_text``): a cell starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return (resident-written text ends up in exports) gets the
  string type and Excel's quote prefix, so no spreadsheet program ever evaluates it as a formula, not
  even after editing the cell.
- Money as ``#,##0.00 "€"``, percentages as ``0.0 %`` (the value is the fraction, as Excel stores a
  typed "60 %"; data sheets ``0.00 %``), the formats of ``projects.spreadsheets``, which the admin's
  export uses too; frozen header, autofilter, column widths, landscape A3 with the header row repeated
  on every printed page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from funding import kuf
from funding.exchange import imports
from funding.kuf.checks import kind_labels
from funding.versions import diff
from projects.formatting import format_date, format_percent
from projects.spreadsheets import (
    DATE_FORMAT,
    EUR_FORMAT,
    INTEGER_FORMAT,
    PERCENT_DATA_FORMAT,
    PERCENT_FORMAT,
    write_text,
)

from . import selectors

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


# --- The KuF -------------------------------------------------------------------------------------


def _kuf_columns(years: Sequence[int]) -> list[Column]:
    return [
        Column(_("Kürzel"), width=11),
        Column(_("Maßnahme"), width=40),
        Column(_("Handlungsfeld"), width=9),
        Column(_("Kommune"), width=16),
        Column(_("Quartiere"), width=10),
        Column(_("Kostengruppen"), width=9),
        Column(_("Träger"), width=18),
        Column(_("Gesamtkosten"), EUR, width=16, total=True),
        Column(_("davon nicht förderfähig"), EUR, width=15, total=True),
        Column(_("Zuwendungsfähige Kosten"), EUR, width=16, total=True),
        Column(_("Programm"), width=11),
        Column(_("Fördersatz"), PERCENT, width=10),
        Column(_("Zuwendung"), EUR, width=16, total=True),
        Column(_("Eigenanteil"), EUR, width=15, total=True),
        Column(_("Mittel Dritter"), EUR, width=15, total=True),
        Column(_("Finanzierungslücke"), EUR, width=15, total=True),
        *(Column(str(year), EUR, width=15, total=True) for year in years),
        Column(_("Priorität"), width=8),
        Column(_("Zeitraum"), width=11),
        Column(_("Planungsstand (HOAI)"), INTEGER, width=10),
        Column(_("Prüfhinweise"), width=30),
    ]


def _rate_value(rates: tuple[Decimal, ...]) -> Decimal | str | None:
    """One rate as a number (percent format); several as text "60–70 %"."""
    if not rates:
        return None
    if len(rates) == 1:
        return rates[0]
    return f"{format_percent(rates[0])[:-2]}–{format_percent(rates[-1])}"


def _kuf_row_values(
    row: kuf.KufRow, years: Sequence[int], year_value: str, check_kinds: list[str]
) -> list[object]:
    measure, total = row.measure, row.total
    return [
        measure.code,
        measure.title,
        measure.action_field.key,
        measure.municipality.title,
        ", ".join(measure.quarters),
        ", ".join(str(section) for section in row.sections),
        measure.responsible_body,
        total.gross,
        total.ineligible,
        total.eligible,
        ", ".join(row.programmes),
        _rate_value(row.rates),
        total.grant,
        total.municipal_share,
        total.third_party,
        total.gap,
        *(getattr(row.by_year[year], year_value) if year in row.by_year else None for year in years),
        f"P{measure.priority}",
        f"{measure.start_year}–{measure.end_year}",
        measure.hoai_phase,
        "; ".join(check_kinds),
    ]


def _kuf_sheet(report: selectors.KufReport, part: selectors.KufReportPart) -> Sheet:
    meta = report.meta
    labels = kind_labels()
    table = part.table
    blocks = [
        Block(
            heading=f"{group.label.key} {group.label.title}".strip()
            if group.label.title != group.label.key
            else group.label.key or _("ohne Zuordnung"),
            rows=[
                _kuf_row_values(
                    row,
                    table.years,
                    meta.year_value,
                    [labels.get(check.kind, check.kind) for check in report.checks.get(row.measure.uid, [])],
                )
                for row in group.rows
            ],
            subtotal=_("Summe %(group)s") % {"group": group.label.key or _("ohne Zuordnung")},
        )
        for group in table.groups
    ]
    title = _("Kosten- und Finanzierungsübersicht – %(concept)s") % {"concept": meta.concept_title}
    lines = [
        (_("Kommune"), part.municipality)
        if part.municipality
        else (_("Kommunen"), ", ".join(meta.municipalities)),
        (_("Stand"), format_date(meta.date)),
        (_("Version"), meta.version),
        (_("Blatt"), part.title),
        (_("Jahresscheiben"), meta.year_value_label),
    ]
    if meta.filter_note:
        lines.append((_("Filter"), meta.filter_note))
    if meta.ignored_filter:
        lines.append(
            (
                _("Hinweis"),
                _("Ungültige Filterangaben wurden nicht angewandt: %(filter)s.")
                % {"filter": meta.ignored_filter},
            )
        )
    return Sheet(
        name=part.title,
        columns=_kuf_columns(table.years),
        blocks=blocks,
        title=title,
        meta=lines,
        total=_("Gesamtsumme"),
        label_column=1,
        frozen_columns=2,
        footer=f"{meta.concept_title} – {_('Stand')} {format_date(meta.date)} – {meta.version}",
    )


def _checks_sheet(report: selectors.KufReport) -> Sheet:
    labels = kind_labels()
    rows = [
        [line.code, line.title, line.municipality, labels.get(line.kind, line.kind), line.message]
        for line in report.check_lines
    ]
    if not rows:
        rows = [["", _("Keine Prüfhinweise."), "", "", ""]]
    return Sheet(
        name=_("Prüfhinweise"),
        columns=[
            Column(_("Kürzel"), width=11),
            Column(_("Maßnahme"), width=40),
            Column(_("Kommune"), width=16),
            Column(_("Art"), width=26),
            Column(_("Hinweis"), width=80),
        ],
        blocks=[Block(rows=rows)],
        title=_("Prüfhinweise – %(concept)s") % {"concept": report.meta.concept_title},
        meta=[(_("Stand"), format_date(report.meta.date)), (_("Version"), report.meta.version)],
        frozen_columns=1,
    )


def kuf_xlsx(report: selectors.KufReport) -> bytes:
    """The KuF workbook: an overview sheet, one sheet per municipality (in an IIHK), the checks."""
    sheets = [_kuf_sheet(report, part) for part in report.parts]
    sheets.append(_checks_sheet(report))
    return write_workbook(sheets, title=report.meta.concept_title)


def kuf_filename(report: selectors.KufReport) -> str:
    meta = report.meta
    stamp = slugify(meta.version) if meta.frozen else meta.date.strftime("%Y-%m-%d")
    return f"{meta.concept_slug}-KuF-{stamp}.xlsx"


# --- The measure list (the import's exchange format) ----------------------------------------------

_DATA_KINDS = {
    imports.MONEY: (EUR, 15),
    imports.PERCENT: (PERCENT, 10),
    imports.YEAR: (INTEGER, 9),
    imports.INTEGER: (INTEGER, 10),
}
_WIDE_TEXT = {"title", "measure_title", "description", "starting_situation", "expected_effect", "partners"}


def _data_column(table: imports.Table, key: str) -> Column:
    if key.startswith("year:"):
        return Column(table.header(key), EUR, width=15)
    column = table.layout.column(key)
    kind, width = _DATA_KINDS.get(column.kind, (TEXT, 14))
    if key in _WIDE_TEXT:
        width = 40
    elif key == "uid":
        width = 38
    return Column(
        column.header, kind, width=width, number_format=PERCENT_DATA_FORMAT if kind == PERCENT else ""
    )


def measures_xlsx(report: selectors.MeasureListReport) -> bytes:
    """The measure list: sheets "Maßnahmen", "Kostenzeilen", "Finanzierung" with the header in the
    first row, in the columns ``funding.exchange.imports`` reads, so the file re-imports unchanged."""
    sheets = []
    for table in report.tables:
        sheets.append(
            Sheet(
                name=table.layout.sheet,
                columns=[_data_column(table, key) for key in table.keys],
                blocks=[Block(rows=[values for _number, values in table.rows])],
                frozen_columns=2 if table.kind == imports.MEASURES else 1,
                footer=f"{report.concept_title} – {_('Stand')} {format_date(report.date)}",
            )
        )
    return write_workbook(sheets, title=report.concept_title)


def measures_filename(report: selectors.MeasureListReport) -> str:
    return f"{report.concept_slug}-Massnahmen-{report.date.strftime('%Y-%m-%d')}.xlsx"


# --- The comparison of two KuF states -------------------------------------------------------------


def _triple_columns(first_index: int, labels: Sequence[str]) -> list[Column]:
    """For each label: "alt", "neu" and "Differenz" (a formula: new − old). ``first_index`` is the
    1-based column of the first "alt"."""
    columns = []
    for offset, label in enumerate(labels):
        old = get_column_letter(first_index + 3 * offset)
        new = get_column_letter(first_index + 3 * offset + 1)
        columns += [
            Column(_("%(label)s alt") % {"label": label}, EUR, width=16, total=True),
            Column(_("%(label)s neu") % {"label": label}, EUR, width=16, total=True),
            Column(
                _("%(label)s Differenz") % {"label": label},
                EUR,
                width=16,
                total=True,
                formula=f"={new}{{row}}-{old}{{row}}",
            ),
        ]
    return columns


def _field_text(key: str, value: object) -> str:
    """A compared profile value of ``funding.versions.diff`` as text."""
    if key == "period" and isinstance(value, tuple) and len(value) == 2:
        return f"{value[0]}–{value[1]}"
    if key == "rates" and isinstance(value, tuple):
        return ", ".join(format_percent(rate) for rate in value) or "–"
    if key == "priority":
        return f"P{value}"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value) or "–"
    return str(value) if value not in (None, "") else "–"


def kuf_diff_xlsx(report: selectors.KufDiffReport) -> bytes:
    """The comparison of two KuF states: measures grouped into new, removed, changed and unchanged
    (old, new and difference of every money column, differences as formulas), the changed profile
    columns, and the totals per action field and per year."""
    result = report.result
    money = diff.money_labels()
    field_labels = diff.profile_labels()
    meta = [
        (_("Alter Stand"), report.old_label),
        (_("Neuer Stand"), report.new_label),
        (_("Erstellt am"), format_date(report.date)),
        (_("Ergebnis"), result.summary),
    ]
    footer = f"{report.concept_title} – {report.old_label} → {report.new_label}"

    base = [
        Column(_("Kürzel"), width=11),
        Column(_("Maßnahme"), width=40),
        Column(_("Handlungsfeld"), width=9),
        Column(_("Kommune"), width=16),
        Column(_("Geänderte Angaben"), width=30),
    ]
    columns = base + _triple_columns(len(base) + 1, [money[name] for name in diff.MONEY_FIELDS])
    headings = {
        diff.ADDED: _("Neue Maßnahmen"),
        diff.REMOVED: _("Entfallene Maßnahmen"),
        diff.CHANGED: _("Geänderte Maßnahmen"),
        diff.UNCHANGED: _("Unveränderte Maßnahmen"),
    }
    blocks = []
    for state in (diff.ADDED, diff.REMOVED, diff.CHANGED, diff.UNCHANGED):
        items = [item for item in result.measures if item.state == state]
        if not items:
            continue
        rows = []
        for item in items:
            measure = item.row.measure
            values: list[object] = [
                measure.code,
                measure.title,
                measure.action_field.key,
                measure.municipality.title,
                ", ".join(field_labels[change.key] for change in item.fields),
            ]
            for name in diff.MONEY_FIELDS:
                change = getattr(item.total, name)
                values += [change.old, change.new, None]
            rows.append(values)
        blocks.append(
            Block(
                rows=rows, heading=headings[state], subtotal=_("Summe %(group)s") % {"group": headings[state]}
            )
        )
    overview = Sheet(
        name=_("Vergleich"),
        columns=columns,
        blocks=blocks,
        title=_("Vergleich der KuF-Stände – %(concept)s") % {"concept": report.concept_title},
        meta=meta,
        total=_("Gesamtsumme"),
        frozen_columns=2,
        footer=footer,
    )

    changes_rows = [
        [
            item.row.measure.code,
            item.row.measure.title,
            field_labels[change.key],
            _field_text(change.key, change.old),
            _field_text(change.key, change.new),
        ]
        for item in result.changed
        for change in item.fields
    ] or [["", _("Keine geänderten Angaben."), "", "", ""]]
    changes = Sheet(
        name=_("Geänderte Angaben"),
        columns=[
            Column(_("Kürzel"), width=11),
            Column(_("Maßnahme"), width=40),
            Column(_("Angabe"), width=18),
            Column(_("alt"), width=40),
            Column(_("neu"), width=40),
        ],
        blocks=[Block(rows=changes_rows)],
        title=_("Geänderte Angaben – %(concept)s") % {"concept": report.concept_title},
        meta=meta[:2],
        frozen_columns=1,
        footer=footer,
    )

    def summary_sheet(name: str, label: str, lines: list[tuple[str, diff.MoneyDiff]]) -> Sheet:
        columns = [Column(label, width=40), *_triple_columns(2, [money["gross"], money["grant"]])]
        rows = [
            [text, item.gross.old, item.gross.new, None, item.grant.old, item.grant.new, None]
            for text, item in lines
        ]
        return Sheet(
            name=name,
            columns=columns,
            blocks=[Block(rows=rows)],
            title=f"{name} – {report.concept_title}",
            meta=meta[:2],
            total=_("Gesamtsumme"),
            label_column=0,
            frozen_columns=1,
            footer=footer,
        )

    fields = summary_sheet(
        _("Handlungsfelder"),
        _("Handlungsfeld"),
        [(f"{group.label.key} {group.label.title}", group.total) for group in result.action_fields],
    )
    years = summary_sheet(_("Jahre"), _("Jahr"), [(str(year), item) for year, item in result.by_year.items()])
    return write_workbook([overview, changes, fields, years], title=report.concept_title)


def kuf_diff_filename(report: selectors.KufDiffReport) -> str:
    return f"{report.concept_slug}-KuF-Vergleich-{report.date.strftime('%Y-%m-%d')}.xlsx"
