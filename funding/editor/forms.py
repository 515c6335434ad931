"""Forms of the measure editor's money part: cost lines and financing modules, as growable tables;
and the helpers that rewrite a posted table after an edit conflict (rows deleted or added meanwhile).
"""

import re
from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from funding.models import CostLine, FinancingModule, FundingProgramme
from measures.forms import RowForm, RowsFormSet
from measures.models import Measure
from projects.fields import GermanDecimalField, ObjectChoiceField, german_decimal_formfield
from projects.formatting import format_eur, format_percent
from projects.models import Concept

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
        if gross is not None and ineligible > gross:
            self.add_error(
                "ineligible", _("Der nicht förderfähige Anteil darf die Gesamtkosten nicht übersteigen.")
            )
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

    def __init__(self, *args, concept: Concept, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = concept.years
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
        if kind == FinancingModule.Kind.GRANT and not programme:
            self.add_error("programme", _("Eine Zuwendung braucht ein Förderprogramm."))
        if kind and kind != FinancingModule.Kind.GRANT and programme:
            self.add_error("programme", _("Nur Zuwendungen haben ein Förderprogramm."))
        years = {year: cleaned.get(f"year_{year}") for year in self.years}
        years = {year: amount for year, amount in years.items() if amount is not None}
        rate, amount = cleaned.get("rate"), cleaned.get("amount")
        if rate is not None and (amount is not None or years):
            self.add_error("rate", _("Bitte entweder einen Satz oder feste Beträge angeben, nicht beides."))
        if amount is not None and years and sum(years.values()) != amount:
            # Both may be given when they agree (the KuF computes the same either way); the import
            # applies the same rule, so a module that came in from a file can be saved here too.
            self.add_error(
                "amount",
                _(
                    "Die Jahresscheiben ergeben zusammen %(sum)s, der feste Betrag ist %(amount)s. "
                    "Bitte entweder einen Gesamtbetrag oder Jahresscheiben angeben."
                )
                % {"sum": format_eur(sum(years.values())), "amount": format_eur(amount)},
            )
        if kind and kind != FinancingModule.Kind.GRANT and rate is None and amount is None and not years:
            self.add_error("amount", _("Bitte einen Satz, einen Betrag oder Jahresscheiben angeben."))
        if programme and rate is not None and rate > programme.max_rate:
            self.add_error(
                "rate",
                _("Der Satz übersteigt den Höchstfördersatz des Programms (%(max)s).")
                % {"max": format_percent(programme.max_rate)},
            )
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


# --- Rewriting a posted table -----------------------------------------------------------------------
# A formset's rows arrive as ``<prefix>-<n>-<field>``; the first ``INITIAL_FORMS`` rows must carry the id
# of a stored row. When someone else deleted such a row meanwhile, Django would refuse it with an error on
# the hidden id; these helpers turn it into a new row instead, and put rows others added into the table.


def _rows(data: QueryDict, prefix: str) -> tuple[list[dict[str, list[str]]], int] | None:
    """The posted rows of one table (field -> values) and the number of stored rows; None if the
    management data is unusable (the formset then reports it)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", ""))
    except ValueError:
        return None
    if not 0 <= initial <= total <= 1000:
        return None
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows: list[dict[str, list[str]]] = [{} for _ in range(total)]
    for key in data:
        match = pattern.match(key)
        if match and int(match.group(1)) < total:
            rows[int(match.group(1))][match.group(2)] = data.getlist(key)
    return rows, initial


def _write_rows(data: QueryDict, prefix: str, rows: list[dict[str, list[str]]], initial: int) -> None:
    pattern = re.compile(rf"^{re.escape(prefix)}-\d+-")
    for key in [key for key in data if pattern.match(key)]:
        del data[key]
    for index, row in enumerate(rows):
        for name, values in row.items():
            data.setlist(f"{prefix}-{index}-{name}", values)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)


def _row_id(row: dict[str, list[str]]) -> int | None:
    value = (row.get("id") or [""])[-1]
    return int(value) if value.isdigit() else None


def detach_stale_rows(data: QueryDict, *, prefix: str, current_ids: set[int]) -> list[tuple[int | None, int]]:
    """Turn posted rows whose stored row no longer exists (deleted by someone else) into new rows.

    ``data`` (a mutable copy of the POST) is rewritten: the row loses its id and moves behind the stored
    rows, so saving creates it again. A row that was also marked for removal is dropped. Returns
    ``(old id, new row index)`` for every row kept this way.
    """
    parsed = _rows(data, prefix)
    if parsed is None:
        return []
    rows, initial = parsed
    kept, moved = [], []
    for row in rows[:initial]:
        pk = _row_id(row)
        if pk is not None and pk in current_ids:
            kept.append(row)
            continue
        row["id"] = [""]
        if (row.get("DELETE") or [""])[-1] not in ("", "off", "false"):
            continue  # the user removed it too: nothing to keep
        moved.append((pk, row))
    if len(kept) == initial:
        return []
    _write_rows(data, prefix, kept + [row for _pk, row in moved] + rows[initial:], len(kept))
    return [(pk, len(kept) + n) for n, (pk, _row) in enumerate(moved)]


def posted_row_ids(data: QueryDict, *, prefix: str) -> set[int]:
    """The ids of the stored rows a posted table holds."""
    parsed = _rows(data, prefix)
    if parsed is None:
        return set()
    rows, initial = parsed
    return {pk for pk in (_row_id(row) for row in rows[:initial]) if pk is not None}


def form_values(form: forms.Form) -> dict[str, list[str]]:
    """An unbound form's inputs as the browser would post them (field name without prefix -> values)."""
    values = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                values[field.name] = ["on"]
            continue
        if value is None:
            continue
        shown = field.field.widget.format_value(value)  # a list for selects, a string for inputs
        if isinstance(shown, list | tuple):
            values[field.name] = [str(item) for item in shown]
        else:
            values[field.name] = [str(shown or "")]
    return values


def insert_stored_rows(data: QueryDict, *, prefix: str, forms_to_add: list[forms.Form]) -> list[int]:
    """Put stored rows the posted table lacks (added by someone else meanwhile) into ``data`` as stored
    rows, so that saving keeps them. ``forms_to_add`` are unbound forms of those rows from the formset.
    Returns their row indexes."""
    parsed = _rows(data, prefix)
    if parsed is None or not forms_to_add:
        return []
    rows, initial = parsed
    added = [form_values(form) for form in forms_to_add]
    _write_rows(data, prefix, rows[:initial] + added + rows[initial:], initial + len(added))
    return list(range(initial, initial + len(added)))


def programmes_for_editor() -> list[FundingProgramme]:
    """All programmes, loaded once for every module row of the editor."""
    return list(FundingProgramme.objects.order_by("code"))
