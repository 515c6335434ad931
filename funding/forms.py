"""Forms of the measure editor's money part: cost lines and financing modules, as growable tables."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from measures.models import Measure
from projects.fields import GermanDecimalField, ObjectChoiceField, german_decimal_formfield
from projects.formatting import format_eur, format_percent
from projects.models import Concept

from .imports import EXTENSIONS, MAX_UPLOAD_BYTES
from .models import CostLine, FinancingModule, FundingProgramme, KufSignoff
from .services import CostLineData, ModuleData


class CostLineForm(forms.ModelForm):
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


class FinancingModuleForm(forms.ModelForm):
    """A module with one optional amount field per programme year (the per-year split)."""

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
        stored = {entry.year: entry.amount for entry in self.instance.years.all()} if self.instance.pk else {}
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


class _RowsFormSet(BaseInlineFormSet):
    def kept_forms(self):
        """Forms that hold a row to keep: filled, valid and not marked for removal."""
        for form in self.forms:
            if not form.is_valid():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and not form.instance.pk:
                continue
            yield form


class CostLineFormSet(_RowsFormSet):
    def rows(self) -> list[CostLineData]:
        return [form.row() for form in self.kept_forms()]


class FinancingModuleFormSet(_RowsFormSet):
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


def programmes_for_editor() -> list[FundingProgramme]:
    """All programmes, loaded once for every module row of the editor."""
    return list(FundingProgramme.objects.order_by("code"))


class KufSignoffForm(forms.Form):
    """A reviewer's verdict; the two submit buttons carry ``state``. ``seen`` is the fingerprint of the
    rows as the page showed them."""

    state = forms.ChoiceField(choices=KufSignoff.State.choices, label=_("Ergebnis"))
    reason = forms.CharField(
        label=_("Begründung (bei „Änderung erbeten“ nötig)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)


class KufCommentForm(forms.Form):
    text = forms.CharField(label=_("Kommentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class ImportUploadForm(forms.Form):
    """The file of an Excel/CSV import (see ``funding.imports``): .xlsx or .csv, size-limited."""

    file = forms.FileField(
        label=_("Datei (.xlsx oder .csv)"),
        help_text=_("Höchstens 5 MB. Spalten wie in der Excel-Ausgabe „Maßnahmenliste“."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Bitte eine .xlsx- oder .csv-Datei hochladen."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
