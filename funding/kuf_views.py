"""The KuF page (the current state or a frozen version, filtered, grouped, with checks) and the review
around it: sign-off per municipality and comments on rows.

Every figure comes from ``funding/kuf.py``; this module only selects, groups and formats. Objects are
loaded through the access helpers of ``projects``, ``measures`` and ``funding``.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from measures.models import Measure
from projects.access import EDIT, INTERNAL, concept_for_user
from projects.formatting import format_eur, format_percent

from . import kuf, selectors, services, versions
from .access import COMMENT, FREEZE, REVIEW, kuf_comment_for_user, review_target_for_user, row_for_user
from .checks import Check, kind_labels
from .filters import GROUPINGS, YEAR_VALUES, KufFilterSet
from .forms import KufCommentForm, KufSignoffForm
from .models import KufSignoff
from .rules import ReviewTarget

STATUS_LABELS = dict(Measure.Status.choices)
STATE_LABELS = {
    "open": _("offen"),
    "approved": _("geprüft"),
    "changes": _("Änderung erbeten"),
    "reset": _("zurückgesetzt"),
}


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


def _link_rows(groups: list[GroupView], concept, *, can_edit: bool) -> None:
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


class KufTableView(LoginRequiredMixin, TemplateView):
    """The KuF of a concept: filterable, grouped with subtotals, year columns with totals, checks on the
    rows, review state per municipality. ``?stand=<pk>`` shows a frozen version instead (read-only)."""

    template_name = "funding/kuf_table.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        concept = concept_for_user(user, slug=self.kwargs["slug"], perm=INTERNAL)
        params = self.request.GET.copy()
        stand = params.pop("stand", [""])[-1]
        source = versions.kuf_source(concept=concept, stand=stand)
        rows, checks, years, version = source.rows, source.checks, source.years, source.version
        filterset = KufFilterSet(params or None, rows=rows, years=years)
        row_filter = filterset.row_filter()
        options = filterset.options()
        shown = kuf.select_rows(rows, row_filter)
        table = kuf.build_table(
            shown, years=[year for year in years if row_filter.keeps_year(year)], group_by=options["group_by"]
        )
        comments = selectors.open_comment_counts(concept=concept) if version is None else {}
        groups, total_money, total_years = present_table(
            table, checks=checks, comments=comments, unit=options["unit"], year_value=options["year_value"]
        )
        if version is None:
            _link_rows(groups, concept, can_edit=user.has_perm(EDIT, concept))
        reviews = []
        if version is None:
            reviews = selectors.kuf_reviews(concept=concept, rows=rows)
            for review in reviews:
                review.can_review = user.has_perm(
                    REVIEW, ReviewTarget(concept=concept, municipality=review.municipality)
                )
                review.state_label = STATE_LABELS[review.state]
        shown_checks = [item for group in groups for item in group.rows if item.checks]
        return super().get_context_data(
            concept=concept,
            version=version,
            filterset=filterset,
            is_filtered=filterset.is_filtered,
            options=options,
            grouping_label=GROUPINGS[options["group_by"]],
            year_value_label=YEAR_VALUES[options["year_value"]],
            table=table,
            groups=groups,
            total_money=total_money,
            total_years=total_years,
            total_html=totals_html(total_money, total_years),
            row_count=len(rows),
            shown_count=len(shown),
            shown_checks=shown_checks,
            reviews=reviews,
            signoff_form=KufSignoffForm(),
            can_edit=user.has_perm(EDIT, concept),
            can_freeze=user.has_perm(FREEZE, concept),
            section="kuf",
            **kwargs,
        )


class KufSignoffView(LoginRequiredMixin, View):
    """A reviewer's verdict on their municipality's rows: "geprüft" or "Änderung erbeten" (with a
    reason). POST only; back to the KuF page with a message."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        target = review_target_for_user(
            request.user, slug=self.kwargs["slug"], municipality_pk=self.kwargs["municipality_pk"]
        )
        url = reverse("funding:kuf_table", args=[target.concept.slug]) + "#pruefung"
        form = KufSignoffForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(url)
        try:
            signoff = services.kuf_signoff_create(
                target=target,
                rows=selectors.kuf_rows_for_concept(concept=target.concept),
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                seen_hash=form.cleaned_data["seen"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(url)
        if signoff.state == KufSignoff.State.APPROVED:
            text = _("Die KuF-Zeilen von %(municipality)s sind als geprüft freigegeben.")
        else:
            text = _("Für die KuF-Zeilen von %(municipality)s ist eine Änderung erbeten.")
        messages.success(request, text % {"municipality": target.municipality.name})
        return HttpResponseRedirect(url)


class KufRowCommentsView(LoginRequiredMixin, TemplateView):
    """The comments on one KuF row; reviewers of its municipality and editors add comments here."""

    template_name = "funding/kuf_row_comments.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        perm = COMMENT if request.method == "POST" else None
        self.concept, self.measure = row_for_user(
            request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"], perm=perm
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("form", KufCommentForm())
        return super().get_context_data(
            concept=self.concept,
            measure=self.measure,
            comments=list(selectors.kuf_comments_for_row(measure=self.measure)),
            can_comment=user.has_perm(COMMENT, self.measure),
            can_resolve_any=user.has_perm(EDIT, self.concept),
            section="kuf",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = KufCommentForm(request.POST)
        if form.is_valid():
            try:
                services.kuf_comment_create(
                    measure=self.measure, text=form.cleaned_data["text"], user=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Ihr Kommentar wurde gespeichert."))
                return redirect("funding:kuf_row_comments", slug=self.concept.slug, pk=self.measure.pk)
        return self.render_to_response(self.get_context_data(form=form))


class KufCommentResolveView(LoginRequiredMixin, View):
    """Mark a row comment as done. POST only."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        concept, comment = kuf_comment_for_user(request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        services.kuf_comment_resolve(comment=comment, user=request.user)
        messages.success(request, _("Der Kommentar ist als erledigt markiert."))
        return redirect("funding:kuf_row_comments", slug=concept.slug, pk=comment.measure_id)
