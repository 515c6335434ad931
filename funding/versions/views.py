"""The pages of frozen KuF versions: the list (with freezing) and the comparison of two states."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from funding.access import FREEZE
from projects.access import DOWNLOAD_REPORTS, INTERNAL, concept_for_user
from projects.formatting import format_eur

from . import diff, selectors, services
from .forms import KufCompareForm, KufVersionForm


class KufVersionListView(LoginRequiredMixin, TemplateView):
    """The concept's frozen versions for everyone working on it; editors freeze the current state here
    (POST)."""

    template_name = "funding/kuf_version_list.html"

    def get_context_data(self, concept=None, **kwargs):
        user = self.request.user
        concept = concept or concept_for_user(user, slug=self.kwargs["slug"], perm=INTERNAL)
        can_freeze = user.has_perm(FREEZE, concept)
        if can_freeze:
            kwargs.setdefault("form", KufVersionForm())
        versions = list(selectors.kuf_versions_for_concept(concept=concept))
        return super().get_context_data(
            concept=concept, versions=versions, can_freeze=can_freeze, section="kuf", **kwargs
        )

    def post(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"], perm=FREEZE)
        form = KufVersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.kuf_version_freeze(
                    concept=concept,
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                text = _(
                    "Der Stand „%(name)s“ ist eingefroren. Er bleibt unverändert, auch wenn sich Maßnahmen "
                    "später ändern."
                )
                messages.success(request, text % {"name": version.name})
                return redirect("funding:kuf_version_list", slug=concept.slug)
        return self.render_to_response(self.get_context_data(concept=concept, form=form))


# --- The comparison ------------------------------------------------------------------------------------


@dataclass
class Triple:
    """One money figure in both states, formatted: old, new and the signed difference."""

    old: str
    new: str
    diff: str
    changed: bool


def _triple(change: diff.Change) -> Triple:
    return Triple(
        old=format_eur(change.old),
        new=format_eur(change.new),
        diff=diff.format_eur_signed(change.diff),
        changed=change.changed,
    )


@dataclass
class MoneyRow:
    """A line of a comparison table: a label (year, action field, measure) with the shown amounts
    (``figures``, in the order of the table's columns) in both states."""

    label: str
    figures: list[Triple]


def _money_row(label: str, money: diff.MoneyDiff, amounts: tuple[str, ...]) -> MoneyRow:
    return MoneyRow(label=label, figures=[_triple(getattr(money, name)) for name in amounts])


@dataclass
class Section:
    """A block of a comparison table: the rows of one action field and its subtotal."""

    label: str
    rows: list[MoneyRow]
    subtotal: MoneyRow


@dataclass
class FieldRow:
    label: str
    old: str
    new: str


@dataclass
class MeasureView:
    """A measure of the comparison, formatted: its changed profile columns (changed measures only),
    its money per year and in total (for an added measure the new side, for a removed one the old)."""

    item: diff.MeasureDiff
    code: str
    title: str
    action_field: str
    municipality: str
    period: str
    fields: list[FieldRow]
    years: list[MoneyRow]
    total: MoneyRow

    # As a ``Section`` of a comparison table: a heading, the years, the measure's total.
    @property
    def label(self) -> str:
        return " · ".join((f"{self.code} {self.title}", self.action_field, self.municipality, self.period))

    @property
    def rows(self) -> list[MoneyRow]:
        return self.years

    @property
    def subtotal(self) -> MoneyRow:
        return self.total


def _measure_view(item: diff.MeasureDiff, labels: dict[str, str], amounts: tuple[str, ...]) -> MeasureView:
    row = item.row
    fields = []
    if item.state == diff.CHANGED:
        fields = [
            FieldRow(
                label=labels[change.key],
                old=diff.profile_text(change.key, item.old),
                new=diff.profile_text(change.key, item.new),
            )
            for change in item.fields
        ]
    return MeasureView(
        item=item,
        code=row.measure.code,
        title=row.measure.title,
        action_field=diff.profile_text("action_field", row),
        municipality=row.measure.municipality.title,
        period=diff.profile_text("period", row),
        fields=fields,
        years=[_money_row(str(year), money, amounts) for year, money in item.years.items()],
        total=_money_row(_("Summe"), item.total, amounts),
    )


def present_diff(result: diff.KufDiff, *, amounts: tuple[str, ...] = diff.MONEY_FIELDS) -> dict:
    """The comparison as formatted rows for the template, showing the money columns ``amounts``
    (a subset of ``diff.MONEY_FIELDS``). No queries.

    ``field_years`` holds, per action field, the years with money on either side and the field's
    subtotal; ``years`` the column totals per year; ``total_figures`` every money column of the grand
    total, whatever ``amounts`` says.
    """
    labels = diff.profile_labels()
    names = diff.money_labels()
    field_years = []
    for group in result.action_fields:
        label = f"{group.label.key} {group.label.title}"
        field_years.append(
            Section(
                label=label,
                rows=[
                    _money_row(str(year), money, amounts)
                    for year, money in group.years.items()
                    if not money.is_empty
                ],
                subtotal=_money_row(_("Summe %(field)s") % {"field": group.label.key}, group.total, amounts),
            )
        )
    return {
        "amount_labels": [names[name] for name in amounts],
        "columns": 1 + 3 * len(amounts),  # label, then old, new and difference of each amount
        "side_columns": 1 + len(amounts),  # label, then one state's value of each amount
        "added": [_measure_view(item, labels, amounts) for item in result.added],
        "added_total": _money_row(_("Summe der neuen Maßnahmen"), result.added_total, amounts),
        "removed": [_measure_view(item, labels, amounts) for item in result.removed],
        "removed_total": _money_row(_("Summe der entfallenen Maßnahmen"), result.removed_total, amounts),
        "changed": [_measure_view(item, labels, amounts) for item in result.changed],
        "unchanged_count": result.counts[diff.UNCHANGED],
        "action_fields": [
            _money_row(f"{group.label.key} {group.label.title}", group.total, amounts)
            for group in result.action_fields
        ],
        "field_years": field_years,
        "years": [_money_row(str(year), money, amounts) for year, money in result.by_year.items()],
        "total": _money_row(_("Gesamtsumme"), result.total, amounts),
        "total_figures": [(names[name], _triple(getattr(result.total, name))) for name in diff.MONEY_FIELDS],
    }


class KufCompareView(LoginRequiredMixin, TemplateView):
    """Two states of the KuF side by side: ``?alt=<pk or "aktuell">&neu=<pk or "aktuell">``. Without
    parameters, the newest version against the current state."""

    template_name = "funding/kuf_compare.html"

    def get_context_data(self, **kwargs):
        concept = concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=INTERNAL)
        versions = selectors.kuf_versions_newest_first(concept=concept)
        form = KufCompareForm.for_query(self.request.GET, versions=versions) if versions else None
        context = {"concept": concept, "versions": versions, "section": "kuf", "form": form}
        if form is not None and form.is_valid():
            states = {"alt": form.cleaned_data["alt"], "neu": form.cleaned_data["neu"]}
            comparison = selectors.kuf_comparison(
                concept=concept, versions=versions, old=states["alt"], new=states["neu"]
            )
            context.update(
                old=comparison.old,
                new=comparison.new,
                result=comparison.result,
                diff=present_diff(comparison.result, amounts=form.amounts()),
                can_download=self.request.user.has_perm(DOWNLOAD_REPORTS, concept),
                xlsx_query=urlencode(states),
            )
        return super().get_context_data(**context, **kwargs)
