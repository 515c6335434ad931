"""The Excel formatters of the reports built in ``selectors.py``: the KuF workbook, the comparison of two
KuF states and the measure list. They describe sheets (``projects.spreadsheets.Sheet``) and hand them
to the app's one writer, ``projects.spreadsheets.write_workbook``, which owns the layout and safety
rules (subtotals as formulas, text never a formula, number formats, print setup).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from funding import kuf
from funding.exchange import exporting
from funding.kuf import columns as kuf_columns
from funding.kuf.checks import kind_labels
from funding.versions import diff
from projects.formatting import format_date
from projects.spreadsheets import (
    EUR,
    INTEGER,
    PERCENT,
    PERCENT_DATA_FORMAT,
    TEUR_FORMAT,
    TEXT,
    Block,
    Column,
    Sheet,
    write_workbook,
)

from . import selectors

# --- The KuF -------------------------------------------------------------------------------------


_KINDS = {kuf_columns.MONEY: EUR, kuf_columns.PERCENT: PERCENT, kuf_columns.INTEGER: INTEGER}


def _kuf_columns(years: Sequence[int], unit: str) -> list[Column]:
    """The workbook's columns: the KuF's column spec, then the checks."""
    money_format = TEUR_FORMAT if unit == kuf_columns.TEUR else ""
    result = []
    for column in kuf_columns.COLUMNS:
        if column.kind == kuf_columns.YEARS:
            result += [
                Column(str(year), EUR, width=15, total=True, number_format=money_format) for year in years
            ]
        elif column.is_money:
            result.append(
                Column(str(column.label), EUR, width=column.width, total=True, number_format=money_format)
            )
        else:
            number_format = PERCENT_DATA_FORMAT if column.kind == kuf_columns.PERCENT else ""
            result.append(
                Column(
                    str(column.label),
                    _KINDS.get(column.kind, TEXT),
                    width=column.width,
                    number_format=number_format,
                )
            )
    result.append(Column(_("Prüfhinweise"), width=30))
    return result


def _value_of(column: kuf_columns.KufColumn) -> Callable[[kuf.KufRow], object]:
    """How a row's value of a (non-year) column is read for the workbook: money and whole numbers as
    numbers, one rate as a number (several as the text "60–70 %"), the rest as text."""
    if column.is_money or column.kind == kuf_columns.INTEGER:
        return column.row_value
    if column.kind == kuf_columns.PERCENT:

        def rate(row: kuf.KufRow) -> object:
            rates = column.row_value(row)
            return rates[0] if len(rates) == 1 else (column.row_text(row) or None)

        return rate
    return column.row_text


class _RowValues:
    """The workbook's values of the KuF rows, each row's worked out once per workbook: the overview and
    a municipality's sheet show the same rows (the same objects), with the same year columns unless a
    row of another municipality widens the overview's."""

    def __init__(self, report: selectors.KufReport) -> None:
        self._year_value = report.meta.year_value
        self._checks = report.checks
        self._labels = kind_labels()
        # Per column: None for the year columns, else how its value is read.
        self._columns = [
            None if column.kind == kuf_columns.YEARS else _value_of(column) for column in kuf_columns.COLUMNS
        ]
        self._known: dict[int, tuple[kuf.KufRow, tuple[int, ...], list[object]]] = {}

    def of(self, row: kuf.KufRow, years: tuple[int, ...]) -> list[object]:
        """The row's cells under the year columns ``years``, then its checks."""
        known = self._known.get(id(row))
        if known is not None and known[0] is row and known[1] == years:
            return known[2]
        values: list[object] = []
        for value_of in self._columns:
            if value_of is None:
                by_year = row.by_year
                values += [
                    getattr(by_year[year], self._year_value) if year in by_year else None for year in years
                ]
            else:
                values.append(value_of(row))
        checks = self._checks.get(row.measure.uid, [])
        values.append("; ".join(self._labels.get(check.kind, check.kind) for check in checks))
        self._known[id(row)] = (row, years, values)  # the row kept too: its id is not reused meanwhile
        return values


def _kuf_sheet(report: selectors.KufReport, part: selectors.KufReportPart, row_values: _RowValues) -> Sheet:
    meta = report.meta
    table = part.table
    years = tuple(table.years)
    blocks = [
        Block(
            heading=f"{group.label.key} {group.label.title}".strip()
            if group.label.title != group.label.key
            else group.label.key or _("ohne Zuordnung"),
            rows=[row_values.of(row, years) for row in group.rows],
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
    if meta.unit_note:
        lines.append((_("Beträge"), meta.unit_note))
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
        columns=_kuf_columns(table.years, meta.unit),
        blocks=blocks,
        title=title,
        meta=lines,
        total=_("Gesamtsumme"),
        label_column=1,
        frozen_columns=2,
        footer=f"{meta.concept_title} – {_('Stand')} {format_date(meta.date)} – {meta.version}",
    )


def _measure_columns() -> list[Column]:
    """The two columns that name a measure in every sheet: its code and its title."""
    return [Column(_("Kürzel"), width=11), Column(_("Maßnahme"), width=40)]


def _list_sheet(
    *,
    name: str,
    columns: list[Column],
    rows: list[list[object]],
    empty: str,
    title: str,
    meta: list[tuple[str, str]],
    footer: str = "",
) -> Sheet:
    """A plain list, one row per measure: code and title, then ``columns``. Without rows, one row says
    ``empty``."""
    columns = [*_measure_columns(), *columns]
    return Sheet(
        name=name,
        columns=columns,
        blocks=[Block(rows=rows or [["", empty, *[""] * (len(columns) - 2)]])],
        title=title,
        meta=meta,
        frozen_columns=1,
        footer=footer,
    )


def _checks_sheet(report: selectors.KufReport) -> Sheet:
    labels = kind_labels()
    return _list_sheet(
        name=_("Prüfhinweise"),
        columns=[Column(_("Kommune"), width=16), Column(_("Art"), width=26), Column(_("Hinweis"), width=80)],
        rows=[
            [line.code, line.title, line.municipality, labels.get(line.kind, line.kind), line.message]
            for line in report.check_lines
        ],
        empty=_("Keine Prüfhinweise."),
        title=_("Prüfhinweise – %(concept)s") % {"concept": report.meta.concept_title},
        meta=[(_("Stand"), format_date(report.meta.date)), (_("Version"), report.meta.version)],
    )


def kuf_xlsx(report: selectors.KufReport) -> bytes:
    """The KuF workbook: an overview sheet, one sheet per municipality (in an IIHK), the checks."""
    row_values = _RowValues(report)
    sheets = [_kuf_sheet(report, part, row_values) for part in report.parts]
    sheets.append(_checks_sheet(report))
    return write_workbook(sheets, title=report.meta.concept_title)


def kuf_filename(report: selectors.KufReport) -> str:
    meta = report.meta
    stamp = slugify(meta.version) if meta.frozen else meta.date.strftime("%Y-%m-%d")
    return f"{meta.concept_slug}-KuF-{stamp}.xlsx"


# --- The measure list (the import's exchange format) ----------------------------------------------


def measures_xlsx(report: selectors.MeasureListReport) -> bytes:
    """The measure list: sheets "Maßnahmen", "Kostenzeilen", "Finanzierung" in the columns the import
    reads, so the file re-imports unchanged. The columns (headers, number formats, widths) are those
    the exchange format declares (``funding.exchange.layouts``), written by
    ``funding.exchange.exporting.measure_list_xlsx``."""
    return exporting.measure_list_xlsx(
        report.tables,
        title=report.concept_title,
        footer=f"{report.concept_title} – {_('Stand')} {format_date(report.date)}",
    )


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
        *_measure_columns(),
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

    changes = _list_sheet(
        name=_("Geänderte Angaben"),
        columns=[Column(_("Angabe"), width=18), Column(_("alt"), width=40), Column(_("neu"), width=40)],
        rows=[
            [
                item.row.measure.code,
                item.row.measure.title,
                field_labels[change.key],
                diff.profile_text(change.key, item.old),
                diff.profile_text(change.key, item.new),
            ]
            for item in result.changed
            for change in item.fields
        ],
        empty=_("Keine geänderten Angaben."),
        title=_("Geänderte Angaben – %(concept)s") % {"concept": report.concept_title},
        meta=meta[:2],
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
