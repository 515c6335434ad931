"""The KuF as HTML table cells: groups with rows and subtotals, formatted once per request."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from funding import kuf
from funding.kuf.checks import Check, kind_labels
from measures.models import Measure
from projects.formatting import format_eur, format_percent

STATUS_LABELS = dict(Measure.Status.choices)


@dataclass
class RowView:
    """One KuF row, formatted for the page. ``money`` are the cells from gross to third party,
    ``years`` the year cells of the chosen value."""

    row: kuf.KufRow
    checks: list[tuple[str, str, str]]  # kind, short label, message
    money: list[str]
    years: list[str]
    programmes: str
    rates: str
    status: str
    open_comments: int = 0
    edit_url: str = ""
    comments_url: str = ""

    @property
    def cells_html(self) -> SafeString:
        """All cells of the row, built here rather than in the template: 500 rows of about 25 cells
        each made template rendering most of the page's time. Every value is escaped."""
        measure = self.row.measure
        code = escape(measure.code)
        if self.edit_url:
            code = f'<a href="{escape(self.edit_url)}">{code}</a>'
        title = [escape(measure.title)]
        if self.checks:
            badges = "".join(
                f'<span class="check__badge check--{escape(kind)}">{escape(label)}</span>'
                for kind, label, _message in self.checks
            )
            title.append(f'<a class="check" href="#hinweise-{escape(measure.uid)}">{badges}</a>')
        if self.comments_url:
            if self.open_comments:
                text = ngettext(
                    "%(count)s offener Kommentar", "%(count)s offene Kommentare", self.open_comments
                ) % {"count": self.open_comments}
            else:
                text = gettext("Kommentare")
            hidden = gettext("zu %(code)s") % {"code": measure.code}
            title.append(
                f'<a class="kuf-comments" href="{escape(self.comments_url)}">{escape(text)}'
                f'<span class="visually-hidden"> {escape(hidden)}</span></a>'
            )
        place = measure.municipality.title
        if measure.quarters:
            place = f"{place} / {', '.join(measure.quarters)}"
        head = [
            f'<td class="money">{code}</td>',
            f'<th scope="row">{" ".join(title)}</th>',
            _TEXT_TD.format(escape(measure.action_field.key)),
            _TEXT_TD.format(escape(place)),
            _TEXT_TD.format(", ".join(str(section) for section in self.row.sections)),
            _TEXT_TD.format(escape(measure.responsible_body)),
        ]
        return mark_safe("".join(head) + self.figures_html)

    @property
    def figures_html(self) -> str:
        """The cells from gross cost to status."""
        measure = self.row.measure
        money = self.money
        cells = [
            *(_MONEY_TD.format(escape(value)) for value in money[:3]),
            _TEXT_TD.format(escape(self.programmes)),
            _NUM_TD.format(escape(self.rates)),
            *(_MONEY_TD.format(escape(value)) for value in money[3:]),
            *(_MONEY_TD.format(escape(value)) for value in self.years),
            _TEXT_TD.format(f"P{measure.priority}"),
            f'<td class="money">{measure.start_year}–{measure.end_year}</td>',
            _NUM_TD.format(measure.hoai_phase),
            _TEXT_TD.format(escape(self.status)),
        ]
        return mark_safe("".join(cells))


@dataclass
class GroupView:
    label: kuf.Label
    rows: list[RowView]
    money: list[str]
    years: list[str]

    @property
    def figures_html(self) -> SafeString:
        return totals_html(self.money, self.years)


_MONEY_TD = '<td class="num money">{}</td>'
_NUM_TD = '<td class="num">{}</td>'
_TEXT_TD = "<td>{}</td>"


def totals_html(money: list[str], years: list[str]) -> SafeString:
    """The money and year cells of a subtotal or total row (programme, rate and the profile columns
    stay empty)."""
    cells = [
        *(_MONEY_TD.format(escape(value)) for value in money[:3]),
        "<td></td><td></td>",
        *(_MONEY_TD.format(escape(value)) for value in money[3:]),
        *(_MONEY_TD.format(escape(value)) for value in years),
        '<td colspan="4"></td>',
    ]
    return mark_safe("".join(cells))


def _money_cells(amounts: kuf.Amounts, unit: str) -> list[str]:
    return [
        format_eur(value, unit)
        for value in (
            amounts.gross,
            amounts.ineligible,
            amounts.eligible,
            amounts.grant,
            amounts.municipal_share,
            amounts.third_party,
        )
    ]


def _year_cells(by_year: dict[int, kuf.Amounts], years: list[int], unit: str, value: str) -> list[str]:
    return [format_eur(getattr(by_year[year], value), unit) if year in by_year else "" for year in years]


def _rates_text(rates: tuple) -> str:
    if not rates:
        return ""
    if len(rates) == 1:
        return format_percent(rates[0])
    return f"{format_percent(rates[0])[:-2]}–{format_percent(rates[-1])}"


def present_table(
    table: kuf.KufTable,
    *,
    checks: dict[str, list[Check]],
    comments: dict[int, int],
    unit: str,
    year_value: str,
) -> tuple[list[GroupView], list[str], list[str]]:
    """The table as formatted cells: groups with rows and subtotals, and the grand total's money and
    year cells. No queries."""
    years = table.years
    labels = kind_labels()
    groups = []
    for group in table.groups:
        rows = [
            RowView(
                row=row,
                checks=[
                    (check.kind, labels[check.kind], check.message)
                    for check in checks.get(row.measure.uid, [])
                ],
                money=_money_cells(row.total, unit),
                years=_year_cells(row.by_year, years, unit, year_value),
                programmes=", ".join(row.programmes),
                rates=_rates_text(row.rates),
                status=STATUS_LABELS.get(row.measure.status, row.measure.status),
                open_comments=comments.get(row.measure.id, 0) if row.measure.id else 0,
            )
            for row in group.rows
        ]
        groups.append(
            GroupView(
                label=group.label,
                rows=rows,
                money=_money_cells(group.total, unit),
                years=_year_cells(group.by_year, years, unit, year_value),
            )
        )
    return groups, _money_cells(table.total, unit), _year_cells(table.by_year, years, unit, year_value)


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
