"""The KuF as an HTML table: header, rows, subtotals and the grand total, cell by cell from the KuF's
column spec (``funding.kuf.columns``).

The cells are built here rather than in the template: 500 rows of about 30 cells each made template
rendering most of the page's time. A row is written in one pass: its cells after code and title are one
format string made once per table from the column spec, filled with the row's texts, each escaped once
(``html.escape``, which is exactly what Django's ``escape`` does), and its amounts, each distinct amount
formatted once per table. The template writes each group's rows as one string.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from funding import kuf
from funding.kuf import columns
from funding.kuf.checks import Check, kind_labels
from funding.kuf.filters import GROUPINGS, KufFilterSet
from funding.versions.selectors import KufSource
from projects.formatting import format_eur

from . import selectors

_MONEY_TD = '<td class="num money">{}</td>'
_NUM_TD = '<td class="num">{}</td>'
_TEXT_TD = "<td>{}</td>"
_EMPTY_TD = "<td></td>"
_NUMERIC = (columns.MONEY, columns.PERCENT, columns.INTEGER)

_PK = 987654321  # a pk no row has, replaced by each row's


@dataclass(frozen=True)
class RowLinks:
    """The links of live rows: a measure's comments, and its editor for who may edit (``edit`` None
    otherwise). Each URL is reversed once per page around a placeholder pk (``_PK``), not per row, and
    kept as the escaped text before and after the pk."""

    comments: tuple[str, str]
    edit: tuple[str, str] | None = None

    @classmethod
    def for_concept(cls, concept, *, can_edit: bool) -> "RowLinks":
        def around_pk(name: str) -> tuple[str, str]:
            before, after = reverse(name, args=[concept.slug, _PK]).split(f"/{_PK}/")
            return f"{escape(before)}/", f"/{escape(after)}"

        return cls(
            comments=around_pk("funding:kuf_row_comments"),
            edit=around_pk("funding:measure_edit") if can_edit else None,
        )


@dataclass
class RowView:
    """One KuF row as shown: its checks (kind, short label, message), its open comments and its HTML
    (``<tr>`` … ``</tr>``, see ``KufHtmlTable.row_html``)."""

    row: kuf.KufRow
    checks: list[tuple[str, str, str]]
    open_comments: int = 0
    anchor: str = ""  # the row's id; empty for the second and later parts of a measure
    split: bool = False  # one of several parts of a measure (grouped by programme)
    html: str = ""


def _part_text(part: str | None) -> str:
    if not part:
        return gettext("Anteil ohne Förderprogramm")
    return gettext("Anteil %(programme)s") % {"programme": part}


@dataclass
class GroupView:
    label: kuf.Label
    rows: list[RowView]
    rows_html: SafeString = field(default_factory=lambda: mark_safe(""))
    figures_html: SafeString = field(default_factory=lambda: mark_safe(""))


def _text_cell(column: columns.KufColumn) -> Callable[[kuf.KufRow], str]:
    """The escaped text of ``column`` in a row; with a ``value_text``, each distinct value's text is
    written and escaped once."""
    value_of, value_text = column.value, column.value_text
    if value_text is None or value_of is None:
        return lambda row: escape(column.row_text(row))
    written: dict = {}

    def text(row: kuf.KufRow) -> str:
        value = value_of(row)
        try:
            known = written.get(value)
        except TypeError:  # a value that cannot be a key (not hashable)
            return escape(value_text(value))
        if known is None:
            known = written[value] = escape(value_text(value))
        return known

    return text


def _slot(cell: str, index: int) -> str:
    """``cell`` (a ``<td>`` with ``{}``) as a slot of a format string that takes argument ``index``."""
    return cell.replace("{}", f"{{{index}}}")


class KufHtmlTable:
    """The cells of a KuF table in ``unit`` (``columns.EUR`` or ``columns.TEUR``), the year columns
    showing ``year_value`` (an ``Amounts`` field), for the ``years`` of the table; rows with the
    ``links`` of a live KuF (None: no links)."""

    def __init__(self, *, years: list[int], unit: str, year_value: str, links: RowLinks | None = None):
        self.years = years
        self.unit = unit
        self.year_value = year_value
        self.links = links
        self._formatted: dict[Decimal, str] = {}
        # The cells after code and title as one format string; its arguments are the texts of the text
        # columns, then the money columns' amounts, then the year cells (``row_cells``).
        row_columns = columns.COLUMNS[2:]
        text_columns = [column for column in row_columns if column.kind not in (columns.MONEY, columns.YEARS)]
        self._texts = [_text_cell(column) for column in text_columns]
        self._amounts = [column.amount for column in row_columns if column.kind == columns.MONEY]
        text_at = {column.key: index for index, column in enumerate(text_columns)}
        money_at = {amount: len(text_at) + index for index, amount in enumerate(self._amounts)}
        first_year = len(text_at) + len(money_at)
        cells = []
        for column in row_columns:
            if column.kind == columns.MONEY:
                cells.append(_slot(_MONEY_TD, money_at[column.amount]))
            elif column.kind == columns.YEARS:
                cells += [_slot(_MONEY_TD, first_year + index) for index in range(len(years))]
            else:
                cells.append(_slot(_NUM_TD if column.kind in _NUMERIC else _TEXT_TD, text_at[column.key]))
        self._cells = "".join(cells).format
        self._comments_text = escape(gettext("Kommentare"))
        self._about = gettext("zu %(code)s")

    def eur(self, value: Decimal) -> str:
        """``value`` as money text in the table's unit; each distinct value formatted once."""
        text = self._formatted.get(value)
        if text is None:
            text = self._formatted[value] = format_eur(value, self.unit)
        return text

    # --- header ---

    def header_cells(self) -> SafeString:
        cells = []
        for column in columns.COLUMNS:
            if column.kind == columns.YEARS:
                cells += [f'<th scope="col" class="num kuf-year">{year}</th>' for year in self.years]
                continue
            css = ' class="num"' if column.kind in _NUMERIC else ""
            cells.append(f'<th scope="col"{css}>{escape(column.header)}</th>')
        return mark_safe("".join(cells))

    @property
    def column_count(self) -> int:
        return len(columns.COLUMNS) - 1 + len(self.years)

    # --- rows ---

    def row_cells(self, row: kuf.KufRow) -> str:
        """The cells of a row after code and title."""
        by_year, year_value = row.by_year, self.year_value
        amounts = [getattr(row.total, amount) for amount in self._amounts]
        amounts += [getattr(by_year[year], year_value) if year in by_year else None for year in self.years]
        known, eur = self._formatted, self.eur
        return self._cells(
            *[text(row) for text in self._texts],
            *["" if amount is None else known.get(amount) or eur(amount) for amount in amounts],
        )

    def row_html(self, item: RowView) -> str:
        """The whole row: code (linked to the editor), title with its part, check badges and comments
        link, then the other cells."""
        measure = item.row.measure
        code = escape(measure.code)
        links, pk = self.links, measure.id
        if links is not None and pk and links.edit is not None:
            code = f'<a href="{links.edit[0]}{pk}{links.edit[1]}">{code}</a>'
        title = escape(measure.title)
        if item.split:
            title += f' <span class="kuf-part">{escape(_part_text(item.row.part))}</span>'
        if item.checks:
            badges = "".join(
                f'<span class="check__badge check--{escape(kind)}">{escape(label)}</span>'
                for kind, label, _message in item.checks
            )
            title += f' <a class="check" href="#hinweise-{escape(measure.uid)}">{badges}</a>'
        if links is not None and pk:
            title += f" {self._comments_link(item, links)}"
        attributes = f' id="{escape(item.anchor)}"' if item.anchor else ""
        if item.checks:
            attributes += ' class="kuf-row--check"'
        return (
            f'<tr{attributes}><td class="money">{code}</td><th scope="row">{title}</th>'
            f"{self.row_cells(item.row)}</tr>"
        )

    def _comments_link(self, item: RowView, links: RowLinks) -> str:
        count = item.open_comments
        if count:
            text = escape(
                ngettext("%(count)s offener Kommentar", "%(count)s offene Kommentare", count)
                % {"count": count}
            )
        else:
            text = self._comments_text
        hidden = escape(self._about % {"code": item.row.measure.code})
        return (
            f'<a class="kuf-comments" href="{links.comments[0]}{item.row.measure.id}{links.comments[1]}">'
            f'{text}<span class="visually-hidden"> {hidden}</span></a>'
        )

    def totals_html(self, total: kuf.Amounts, by_year: dict[int, kuf.Amounts]) -> SafeString:
        """The cells of a subtotal or total row after its label (which spans the columns before the
        first money column): the money and year cells; the other columns stay empty."""
        eur, cells = self.eur, []
        for column in columns.COLUMNS[columns.leading_columns() :]:
            if column.kind == columns.MONEY:
                cells.append(_MONEY_TD.format(eur(getattr(total, column.amount))))
            elif column.kind == columns.YEARS:
                cells += [
                    _MONEY_TD.format(eur(getattr(by_year[year], self.year_value))) for year in self.years
                ]
            else:
                cells.append(_EMPTY_TD)
        return mark_safe("".join(cells))


def present_table(
    table: kuf.KufTable,
    *,
    checks: dict[str, list[Check]],
    comments: dict[int, int],
    unit: str,
    year_value: str,
    links: RowLinks | None = None,
) -> tuple[list[GroupView], KufHtmlTable]:
    """The table as formatted groups with rows and subtotals, and the formatter that made them (for
    the header and the grand total); the rows with the ``links`` of a live KuF. No queries."""
    html = KufHtmlTable(years=table.years, unit=unit, year_value=year_value, links=links)
    labels = kind_labels()
    anchored: set[str] = set()
    parts = Counter(row.measure.uid for row in table.rows)
    groups = []
    for group in table.groups:
        rows = []
        for row in group.rows:
            uid = row.measure.uid
            item = RowView(
                row=row,
                checks=[(check.kind, labels[check.kind], check.message) for check in checks.get(uid, [])],
                open_comments=comments.get(row.measure.id, 0) if row.measure.id else 0,
                anchor="" if uid in anchored else f"zeile-{uid}",
                split=parts[uid] > 1,
            )
            item.html = html.row_html(item)
            rows.append(item)
            anchored.add(uid)
        groups.append(
            GroupView(
                label=group.label,
                rows=rows,
                rows_html=mark_safe("\n".join(item.html for item in rows)),
                figures_html=html.totals_html(group.total, group.by_year),
            )
        )
    return groups, html


def kuf_page(*, concept, source: KufSource, params, can_edit: bool = False) -> dict:
    """What the KuF page shows of ``source`` (the live KuF or a version) with the filters and options
    of the GET ``params``: the filter form, the grouped table as HTML, the grand total, the checks of
    the shown rows, counts; live rows link to their comments, and to the editor if ``can_edit``. One
    query for a live source (the open comments per row)."""
    filterset = KufFilterSet(params or None, rows=source.rows, years=source.years)
    row_filter, options = filterset.row_filter(), filterset.options()
    shown = kuf.select_rows(source.rows, row_filter)
    table = kuf.build_table(
        shown,
        years=[year for year in source.years if row_filter.keeps_year(year)],
        group_by=options["group_by"],
    )
    live = source.version is None
    groups, html = present_table(
        table,
        checks=source.checks,
        comments=selectors.open_comment_counts(concept=concept) if live else {},
        unit=options["unit"],
        year_value=options["year_value"],
        links=RowLinks.for_concept(concept, can_edit=can_edit) if live else None,
    )
    return {
        "filterset": filterset,
        "is_filtered": filterset.is_filtered,
        "options": options,
        "grouping_label": GROUPINGS[options["group_by"]],
        "year_value_label": columns.year_value_label(options["year_value"]),
        "unit_note": columns.unit_note(options["unit"]),
        "table": table,
        "html": html,
        "groups": groups,
        "total_html": html.totals_html(table.total, table.by_year),
        "leading_columns": columns.leading_columns(),
        "row_count": len(source.rows),
        "shown_count": len(shown),
        "shown_checks": [item for group in groups for item in group.rows if item.checks and item.anchor],
    }
