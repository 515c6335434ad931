"""Forms of the measure editor's money part: cost lines and financing modules, as growable tables; and
all the editor's forms as one (``EditorForms``, built by ``editor_forms_build``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from funding.models import CostLine, FinancingModule, FundingProgramme
from measures.forms import IndicatorFormSet, Indicators, MeasureForm, RowForm, RowsFormSet
from measures.models import Measure
from projects.fields import GermanDecimalField, ObjectChoiceField, german_decimal_formfield
from projects.models import Concept

from . import validation
from .services import CostLineData, ModuleData


class CostLineForm(RowForm):
    compared_fields = ("section", "year", "gross", "ineligible", "note")

    class Meta:
        model = CostLine
        formfield_callback = german_decimal_formfield
        fields = ["section", "year", "gross", "ineligible", "note"]

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.Select(choices=[("", "–")] + [(y, y) for y in concept.years])
        self.fields["ineligible"].required = False

    def clean(self):
        cleaned = super().clean()
        gross, ineligible = cleaned.get("gross"), cleaned.get("ineligible")
        if ineligible is None:
            cleaned["ineligible"] = ineligible = Decimal("0.00")
        if message := validation.ineligible_error(gross=gross, ineligible=ineligible):
            self.add_error("ineligible", message)
        return cleaned

    def row(self) -> CostLineData:
        data = self.cleaned_data
        return CostLineData(
            id=self.instance.pk,
            section=data["section"],
            year=data["year"],
            gross=data["gross"],
            ineligible=data["ineligible"],
            note=data.get("note", ""),
        )


class FinancingModuleForm(RowForm):
    """A module with one optional amount field per programme year (the per-year split)."""

    compared_fields = ("kind", "programme", "source", "cost_share", "rate", "amount")

    class Meta:
        model = FinancingModule
        formfield_callback = german_decimal_formfield
        fields = ["kind", "programme", "source", "cost_share", "rate", "amount"]

    def __init__(self, *args, concept: Concept, programmes=None, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme years, and any other year in which a module of the measure has an amount (so a
        # save never drops an amount it does not show).
        self.years = years if years is not None else concept.years
        self.fields["programme"] = ObjectChoiceField(
            objects=programmes if programmes is not None else programmes_for_editor(),
            label_from_instance=lambda p: f"{p.code} – {p.name}",
            required=False,
            label=_("Programm"),
        )
        self.fields["cost_share"].required = False
        # The stored year amounts (prefetched with the formset's rows), for the inputs and ``mark_saved``.
        stored = {entry.year: entry.amount for entry in self.instance.years.all()} if self.instance.pk else {}
        self.stored_years = stored
        for year in self.years:
            self.fields[f"year_{year}"] = GermanDecimalField(
                label=str(year),
                required=False,
                min_value=Decimal("0"),
                max_digits=14,
                decimal_places=2,
                initial=stored.get(year),
            )

    @property
    def year_fields(self):
        return [self[f"year_{year}"] for year in self.years]

    def stored_values(self) -> dict:
        values = super().stored_values()
        values.update({f"year_{year}": self.stored_years.get(year) for year in self.years})
        return values

    def submitted_values(self) -> dict:
        values = super().submitted_values()
        values.update({f"year_{year}": self.cleaned_data.get(f"year_{year}") for year in self.years})
        return values

    def clean(self):
        cleaned = super().clean()
        kind, programme = cleaned.get("kind"), cleaned.get("programme")
        if cleaned.get("cost_share") is None:
            cleaned["cost_share"] = Decimal("100")
        years = {year: cleaned.get(f"year_{year}") for year in self.years}
        years = {year: amount for year, amount in years.items() if amount is not None}
        # The rules of ``validation``, which the import applies too: a module that came in from a
        # file can be saved here, and the reverse.
        for name, message in validation.module_errors(
            kind=kind,
            programme=programme,
            rate=cleaned.get("rate"),
            amount=cleaned.get("amount"),
            years=years,
        ):
            self.add_error(name, message)
        cleaned["years"] = years
        return cleaned

    def row(self, order: int) -> ModuleData:
        data = self.cleaned_data
        return ModuleData(
            id=self.instance.pk,
            kind=data["kind"],
            programme=data.get("programme"),
            source=data.get("source", ""),
            cost_share=data["cost_share"],
            rate=data.get("rate"),
            amount=data.get("amount"),
            years=data["years"],
            order=order,
        )


class CostLineFormSet(RowsFormSet):
    def rows(self) -> list[CostLineData]:
        return [form.row() for form in self.kept_forms()]


class FinancingModuleFormSet(RowsFormSet):
    def rows(self) -> list[ModuleData]:
        return [form.row(order) for order, form in enumerate(self.kept_forms(), start=1)]


CostLines = inlineformset_factory(
    Measure, CostLine, form=CostLineForm, formset=CostLineFormSet, extra=0, can_delete=True
)
FinancingModules = inlineformset_factory(
    Measure,
    FinancingModule,
    form=FinancingModuleForm,
    formset=FinancingModuleFormSet,
    extra=0,
    can_delete=True,
)


# --- The editor's forms as one ---------------------------------------------------------------------

# The buttons that add a row to a table, by the table's prefix.
ROW_ACTIONS = {"add_cost": "costs", "add_module": "modules", "add_indicator": "indicators"}


@dataclass
class EditorForms:
    """The forms of the measure editor: the profile and its three growable tables."""

    profile: MeasureForm
    costs: CostLineFormSet
    modules: FinancingModuleFormSet
    indicators: IndicatorFormSet

    @property
    def tables(self) -> dict[str, RowsFormSet]:
        return {"costs": self.costs, "modules": self.modules, "indicators": self.indicators}

    def is_valid(self) -> bool:
        return all([self.profile.is_valid(), *(formset.is_valid() for formset in self.tables.values())])

    def removed(self) -> dict[str, set[int]]:
        """The ids of the stored rows the page marked for removal, per table (after ``is_valid``)."""
        return {prefix: formset.removed_ids() for prefix, formset in self.tables.items()}

    def mark_saved(self) -> None:
        """After an edit conflict: mark every cell whose input differs from what is stored now."""
        for formset in self.tables.values():
            formset.mark_saved()

    def show_row_notes(self, row_notes: Mapping[tuple[str, int], str]) -> None:
        """Put the note on each row deleted or added by someone else ((table, row index) -> note)."""
        for (prefix, index), note in row_notes.items():
            self.tables[prefix].forms[index].conflict_note = note

    def focus_last_row(self, prefix: str) -> None:
        """Give the first input of the table's last row the focus (browsers honour autofocus on load,
        htmx after a swap): the row just added."""
        first = next(iter(self.tables[prefix].forms[-1].fields.values()))
        first.widget.attrs["autofocus"] = True


def editor_tables_build(
    *,
    concept: Concept,
    measure: Measure | None,
    data: QueryDict | None = None,
    programmes: list[FundingProgramme] | None = None,
) -> dict[str, RowsFormSet]:
    """The three growable tables of the editor (by prefix), bound to ``data`` or showing the stored rows
    of ``measure`` (a new measure: two empty cost lines, one module, one indicator). Queries, however
    many rows, when the rows are read: the cost lines (1), the modules with their programmes (1) and
    year amounts (1), the indicators (1), and the programmes to choose from (1, unless ``programmes``
    are given)."""
    instance = measure or Measure(concept=concept)
    if programmes is None:
        programmes = programmes_for_editor()
    modules = None
    module_years = set(concept.years)
    if measure:
        modules = (
            instance.financing_modules.select_related("programme")
            .prefetch_related("years")
            .order_by("order", "pk")
        )
        # Read now (the formset reuses the rows): the years of stored amounts widen the year columns.
        module_years.update(entry.year for module in modules for entry in module.years.all())
    years = sorted(module_years)
    tables = {
        "costs": CostLines(
            data,
            instance=instance,
            prefix="costs",
            queryset=instance.cost_lines.order_by("year", "section", "pk") if measure else None,
            form_kwargs={"concept": concept},
        ),
        "modules": FinancingModules(
            data,
            instance=instance,
            prefix="modules",
            queryset=modules,
            form_kwargs={"concept": concept, "programmes": programmes, "years": years},
        ),
        "indicators": Indicators(
            data,
            instance=instance,
            prefix="indicators",
            queryset=instance.indicators.order_by("pk") if measure else None,
        ),
    }
    tables["modules"].years = years
    if measure is None and data is None:
        tables["costs"].extra, tables["modules"].extra, tables["indicators"].extra = 2, 1, 1
    return tables


def editor_forms_build(
    *,
    concept: Concept,
    measure: Measure | None,
    data: QueryDict | None = None,
    files=None,
    programmes: list[FundingProgramme] | None = None,
    bind_tables: bool = True,
) -> EditorForms:
    """The editor's forms: the profile bound to ``data`` (and ``files``) or showing ``measure`` (None:
    a new measure of ``concept``), and the tables of ``editor_tables_build``, bound to ``data`` too
    unless ``bind_tables`` is False (they then show the stored rows)."""
    profile = MeasureForm(data, files, instance=measure or Measure(concept=concept), concept=concept)
    tables = editor_tables_build(
        concept=concept, measure=measure, data=data if bind_tables else None, programmes=programmes
    )
    return EditorForms(profile=profile, **tables)


def programmes_for_editor() -> list[FundingProgramme]:
    """All programmes, loaded once for every module row of the editor."""
    return list(FundingProgramme.objects.order_by("code"))
