"""The KuF as an HTML table: header, rows, subtotals and the grand total, cell by cell from the KuF's
column spec (``funding.kuf.columns``), formatted once per request.

The cells are built here rather than in the template: 500 rows of about 30 cells each made template
rendering most of the page's time. Every value is escaped.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
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


@dataclass
class RowView:
    """One KuF row with its checks (kind, short label, message) and links."""

    row: kuf.KufRow
    checks: list[tuple[str, str, str]]
    cells: str = ""  # the cells after code and title (see ``KufHtmlTable``)
    open_comments: int = 0
    edit_url: str = ""
    comments_url: str = ""
    anchor: str = ""  # the row's id; empty for the second and later parts of a measure
    split: bool = False  # one of several parts of a measure (grouped by programme)

    @property
    def cells_html(self) -> SafeString:
        measure = self.row.measure
        code = escape(measure.code)
        if self.edit_url:
            code = f'<a href="{escape(self.edit_url)}">{code}</a>'
        title = [escape(measure.title)]
        if self.split:
            title.append(f'<span class="kuf-part">{escape(_part_text(self.row.part))}</span>')
        if self.checks:
            badges = "".join(
                f'<span class="check__badge check--{escape(kind)}">{escape(label)}</span>'
                for kind, label, _message in self.checks
            )
            title.append(f'<a class="check" href="#hinweise-{escape(measure.uid)}">{badges}</a>')
        if self.comments_url:
            title.append(self._comments_link())
        head = f'<td class="money">{code}</td><th scope="row">{" ".join(title)}</th>'
        return mark_safe(head + self.cells)

    def _comments_link(self) -> str:
        if self.open_comments:
            text = ngettext(
                "%(count)s offener Kommentar", "%(count)s offene Kommentare", self.open_comments
            ) % {"count": self.open_comments}
        else:
            text = gettext("Kommentare")
        hidden = gettext("zu %(code)s") % {"code": self.row.measure.code}
        return (
            f'<a class="kuf-comments" href="{escape(self.comments_url)}">{escape(text)}'
            f'<span class="visually-hidden"> {escape(hidden)}</span></a>'
        )


def _part_text(part: str | None) -> str:
    if not part:
        return gettext("Anteil ohne Förderprogramm")
    return gettext("Anteil %(programme)s") % {"programme": part}


@dataclass
class GroupView:
    label: kuf.Label
    rows: list[RowView]
    figures_html: SafeString = field(default_factory=lambda: mark_safe(""))


class KufHtmlTable:
    """The cells of a KuF table in ``unit`` (``columns.EUR`` or ``columns.TEUR``), the year columns
    showing ``year_value`` (an ``Amounts`` field), for the ``years`` of the table."""

    def __init__(self, *, years: list[int], unit: str, year_value: str):
        self.years = years
        self.unit = unit
        self.year_value = year_value
        self._row_cells = [self._row_cell(column) for column in columns.COLUMNS[2:]]

    # --- header ---

    def header_cells(self) -> SafeString:
        cells = []
        for column in columns.COLUMNS:
            if column.kind == columns.YEARS:
                cells += [f'<th scope="col" class="num kuf-year">{year}</th>' for year in self.years]
                continue
            css = ' class="num"' if column.kind in (columns.MONEY, columns.PERCENT, columns.INTEGER) else ""
            cells.append(f'<th scope="col"{css}>{escape(column.header)}</th>')
        return mark_safe("".join(cells))

    @property
    def column_count(self) -> int:
        return len(columns.COLUMNS) - 1 + len(self.years)

    # --- rows ---

    def _row_cell(self, column: columns.KufColumn) -> Callable[[kuf.KufRow], str]:
        unit, years, year_value = self.unit, self.years, self.year_value
        if column.kind == columns.MONEY:
            amount = column.amount
            return lambda row: _MONEY_TD.format(format_eur(getattr(row.total, amount), unit))
        if column.kind == columns.YEARS:
            return lambda row: "".join(
                _MONEY_TD.format(
                    format_eur(getattr(row.by_year[year], year_value), unit) if year in row.by_year else ""
                )
                for year in years
            )
        template = _NUM_TD if column.kind in (columns.PERCENT, columns.INTEGER) else _TEXT_TD
        return lambda row: template.format(escape(column.row_text(row)))

    def row_cells(self, row: kuf.KufRow) -> str:
        """The cells of a row after code and title."""
        return "".join(cell(row) for cell in self._row_cells)

    def totals_html(self, total: kuf.Amounts, by_year: dict[int, kuf.Amounts]) -> SafeString:
        """The cells of a subtotal or total row after its label (which spans the columns before the
        first money column): the money and year cells; the other columns stay empty."""
        unit, cells = self.unit, []
        for column in columns.COLUMNS[columns.leading_columns() :]:
            if column.kind == columns.MONEY:
                cells.append(_MONEY_TD.format(format_eur(getattr(total, column.amount), unit)))
            elif column.kind == columns.YEARS:
                cells += [
                    _MONEY_TD.format(format_eur(getattr(by_year[year], self.year_value), unit))
                    for year in self.years
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
) -> tuple[list[GroupView], KufHtmlTable]:
    """The table as formatted groups with rows and subtotals, and the formatter that made them (for
    the header and the grand total). No queries."""
    html = KufHtmlTable(years=table.years, unit=unit, year_value=year_value)
    labels = kind_labels()
    anchored: set[str] = set()
    parts = Counter(row.measure.uid for row in table.rows)
    groups = []
    for group in table.groups:
        rows = []
        for row in group.rows:
            uid = row.measure.uid
            rows.append(
                RowView(
                    row=row,
                    checks=[(check.kind, labels[check.kind], check.message) for check in checks.get(uid, [])],
                    cells=html.row_cells(row),
                    open_comments=comments.get(row.measure.id, 0) if row.measure.id else 0,
                    anchor="" if uid in anchored else f"zeile-{uid}",
                    split=parts[uid] > 1,
                )
            )
            anchored.add(uid)
        groups.append(
            GroupView(label=group.label, rows=rows, figures_html=html.totals_html(group.total, group.by_year))
        )
    return groups, html


def kuf_page(*, concept, source: KufSource, params) -> dict:
    """What the KuF page shows of ``source`` (the live KuF or a version) with the filters and options
    of the GET ``params``: the filter form, the grouped table as HTML cells, the grand total, the
    checks of the shown rows, counts. One query for a live source (the open comments per row)."""
    filterset = KufFilterSet(params or None, rows=source.rows, years=source.years)
    row_filter, options = filterset.row_filter(), filterset.options()
    shown = kuf.select_rows(source.rows, row_filter)
    table = kuf.build_table(
        shown,
        years=[year for year in source.years if row_filter.keeps_year(year)],
        group_by=options["group_by"],
    )
    comments = selectors.open_comment_counts(concept=concept) if source.version is None else {}
    groups, html = present_table(
        table, checks=source.checks, comments=comments, unit=options["unit"], year_value=options["year_value"]
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


_PK = 987654321


def link_rows(groups: list[GroupView], concept, *, can_edit: bool) -> None:
    """Each live row's links to the editor and its comments (URLs reversed once, not per row)."""
    edit = reverse("funding:measure_edit", args=[concept.slug, _PK])
    comments = reverse("funding:kuf_row_comments", args=[concept.slug, _PK])
    for group in groups:
        for item in group.rows:
            pk = item.row.measure.id
            if pk:
                item.comments_url = comments.replace(f"/{_PK}/", f"/{pk}/")
                if can_edit:
                    item.edit_url = edit.replace(f"/{_PK}/", f"/{pk}/")
