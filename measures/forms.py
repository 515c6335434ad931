"""The profile part of the measure editor (Projektsteckbrief), its indicators, and the growable-table
formset base that the money tables in ``funding.forms`` share."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from projects.fields import german_decimal_formfield
from projects.formatting import format_number
from projects.models import Concept, Goal
from projects.validators import validate_geojson

from .images import image_sanitize
from .models import Indicator, Measure
from .services import IndicatorData


class GeoJSONField(forms.JSONField):
    """GeoJSON as text; invalid JSON or an unknown geometry gets a German message at the field."""

    default_error_messages = {"invalid": _("Bitte gültiges JSON eingeben (GeoJSON).")}

    def validate(self, value):
        super().validate(value)
        validate_geojson(value)


class _StoredImage:
    """The stored image as the file input shows it: its name, linked to the checked image view."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class MeasureImageInput(forms.ClearableFileInput):
    """The image input; "Derzeit: …" links to ``Measure.image_url``, never to the media folder."""

    image_url = ""

    def format_value(self, value):
        value = super().format_value(value)
        if value and self.image_url and getattr(value, "name", ""):
            return _StoredImage(value.name, self.image_url)
        return value


class MeasureForm(forms.ModelForm):
    """All profile fields; choices limited to the concept. The image is re-encoded on upload."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "required": _(
                "Dem Formular fehlt die Versionsangabe, deshalb lässt sich nicht prüfen, ob jemand anderes "
                "die Maßnahme inzwischen gespeichert hat. Bitte laden Sie die Seite neu."
            ),
            "invalid": _("Die Versionsangabe des Formulars ist ungültig. Bitte laden Sie die Seite neu."),
        },
    )
    # The related measures as the page showed them: the relation is symmetrical, so another measure's
    # save can change it without touching this measure's version (see ``related_seen_ids``).
    related_seen = forms.CharField(widget=forms.HiddenInput, required=False)
    location = GeoJSONField(
        label=_("Lage (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Punkt oder Fläche, z. B. {"type": "Point", "coordinates": [7.01, 51.45]}.'),
    )

    class Meta:
        model = Measure
        formfield_callback = german_decimal_formfield
        fields = [
            "code",
            "title",
            "action_field",
            "goals",
            "municipality",
            "quarters",
            "responsible_body",
            "partners",
            "starting_situation",
            "description",
            "expected_effect",
            "climate_relevance",
            "climate_note",
            "priority",
            "status",
            "hoai_phase",
            "start_year",
            "end_year",
            "cost_base_year",
            "related",
            "location",
            "image",
            "image_alt",
        ]
        widgets = {
            "partners": forms.Textarea(attrs={"rows": 2}),
            "starting_situation": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "climate_note": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.CheckboxSelectMultiple,
            "quarters": forms.CheckboxSelectMultiple,
            "related": forms.SelectMultiple(attrs={"size": 6}),
            "image": MeasureImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.concept = concept
        self.instance.concept = concept
        self.fields["action_field"].queryset = concept.action_fields.order_by("order", "code")
        self.fields["action_field"].error_messages["invalid_choice"] = _(
            "Dieses Handlungsfeld gibt es in diesem Konzept nicht."
        )
        self.fields["goals"].queryset = (
            Goal.objects.filter(action_field__concept=concept)
            .select_related("action_field")
            .order_by("action_field__order", "order", "code")
        )
        self.fields["municipality"].queryset = concept.municipalities.order_by("name")
        self.fields["quarters"].queryset = concept.quarters.order_by("order", "code")
        related = concept.measures.order_by("code")
        if self.instance.pk:
            related = related.exclude(pk=self.instance.pk)
        self.fields["related"].queryset = related
        self.fields["version"].initial = self.instance.version
        self.fields["image"].widget.image_url = self.instance.image_url if self.instance.pk else ""
        self.fields["version"].required = bool(self.instance.pk)  # an edit without it skips the check
        if self.instance.pk and not self.is_bound:
            self.fields["related_seen"].initial = ",".join(
                str(pk) for pk in sorted(self.instance.related.values_list("pk", flat=True))
            )
        for name in ("start_year", "end_year", "cost_base_year"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        others = self.concept.measures.filter(code=code)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Das Kürzel %(code)s ist in diesem Konzept schon vergeben.") % {"code": code}
            )
        return code

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return image_sanitize(image)
        return image

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", _("Das Ende darf nicht vor dem Beginn liegen."))
        # As the import: a new or changed period must lie within the concept's programme years; a stored
        # one is accepted as it is.
        for name, year in (("start_year", start), ("end_year", end)):
            stored = getattr(self.instance, name) if self.instance.pk else None
            if year and year != stored and not self.concept.year_from <= year <= self.concept.year_to:
                self.add_error(
                    name,
                    _("%(column)s %(year)s liegt außerhalb der Programmjahre des Konzepts (%(a)s–%(b)s).")
                    % {
                        "column": self.fields[name].label,
                        "year": year,
                        "a": self.concept.year_from,
                        "b": self.concept.year_to,
                    },
                )
        if (
            cleaned.get("image") or (self.instance.image and cleaned.get("image") is not False)
        ) and not cleaned.get("image_alt"):
            self.add_error("image_alt", _("Bitte einen Alternativtext für das Bild angeben."))
        return cleaned

    def _post_clean(self):
        # The service validates the model (full_clean) inside its transaction; the stored image file must
        # not be touched before that, so the ModelForm's own construct-and-validate step is skipped here.
        pass

    def related_seen_ids(self) -> set[int] | None:
        """The ids of the related measures the page was loaded with; None for a new measure or a form
        that did not send them."""
        if not self.instance.pk or not self.is_bound or "related_seen" not in self.data:
            return None
        raw = self.data.get("related_seen") or ""
        return {int(part) for part in raw.split(",") if part.strip().isdigit()}

    @property
    def hidden_errors(self) -> list[str]:
        """Errors of hidden fields (version, related_seen), which no field on the page would show."""
        return [error for field in self.hidden_fields() for error in field.errors]

    @property
    def has_field_errors(self) -> bool:
        """Whether a visible field is marked with an error."""
        return any(field.errors for field in self.visible_fields())

    def profile(self) -> dict:
        """The cleaned data in the shape ``funding.services.measure_save`` expects."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("related_seen", None)
        image = data.pop("image", None)
        if image is False:
            data["image"] = False
        elif image is not None and not hasattr(image, "url"):
            data["image"] = image
        return data


# --- Growable tables (indicators here, cost lines and financing modules in ``funding.forms``) ------


def _blank(value) -> bool:
    return value in (None, "", [], (), False)


def display_value(value) -> str:
    """A stored value of a table cell as the page shows it (German numbers, choice labels, codes)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if hasattr(value, "code"):
        return str(value.code)
    return str(value)


class RowForm(forms.ModelForm):
    """One row of a growable table.

    A new row the user left untouched is ignored on save, even if it comes back with empty inputs where
    the first page showed a default (``0,00``, ``100``): only inputs the user filled in count as a change.

    After an edit conflict, ``mark_saved`` notes the cells whose input differs from what is stored now
    (``saved_values``) and ``conflict_note`` explains the row (added by someone else, deleted meanwhile).
    """

    compared_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_values: dict[str, str] = {}
        self.conflict_note = ""

    def has_changed(self) -> bool:
        if self.instance.pk or not self.is_bound:
            return super().has_changed()
        return any(not _blank(self[name].data) for name in self.changed_data if name != DELETION_FIELD_NAME)

    @property
    def row_errors(self) -> list[str]:
        """Errors not tied to a visible input: the row's own and its hidden fields' (a row id that no
        longer exists, say), so that a refused row always says why."""
        errors = list(self.non_field_errors())
        for field in self.hidden_fields():
            errors += [f"{field.label}: {error}" for error in field.errors]
        return errors

    @property
    def cells(self) -> list[tuple]:
        """The visible inputs (without the removal box) with the value stored now, if it differs."""
        return [
            (field, self.saved_values.get(field.name))
            for field in self.visible_fields()
            if field.name != DELETION_FIELD_NAME
        ]

    def full_clean(self):
        # Validation writes the input onto the instance; keep what was stored for ``mark_saved``.
        if self.instance.pk and not hasattr(self, "_stored"):
            self._stored = self.stored_values()
        super().full_clean()

    def stored_values(self) -> dict:
        """The stored values of the compared fields (the instance as loaded from the database)."""
        return {name: getattr(self.instance, name) for name in self.compared_fields}

    def submitted_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.compared_fields}

    def mark_saved(self) -> None:
        """Note every compared cell whose (valid) input differs from the stored value."""
        if not self.instance.pk or not self.is_valid():
            return
        stored, submitted = self._stored, self.submitted_values()
        for name, value in stored.items():
            if _comparable(submitted.get(name)) != _comparable(value):
                self.saved_values[name] = self._display(name, value)

    def _display(self, name: str, value) -> str:
        field = self.fields.get(name)
        if isinstance(field, forms.ChoiceField) and value is not None and not hasattr(value, "pk"):
            labels = {str(key): label for key, label in field.choices}
            if str(value) in labels:
                return str(labels[str(value)])
        return display_value(value)


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if value == "":
        return None
    return value


class RowsFormSet(BaseInlineFormSet):
    """A growable table: the kept rows, and the conflict marks of every row."""

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

    def mark_saved(self) -> None:
        for form in self.forms:
            form.mark_saved()

    @property
    def has_row_errors(self) -> bool:
        return any(form.row_errors for form in self.forms)


class IndicatorForm(RowForm):
    compared_fields = ("name", "unit", "baseline", "target_value", "target_year")

    class Meta:
        model = Indicator
        formfield_callback = german_decimal_formfield
        fields = ["name", "unit", "baseline", "target_value", "target_year"]
        widgets = {"target_year": forms.TextInput(attrs={"inputmode": "numeric", "size": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_year"].error_messages["invalid"] = _("Bitte ein Jahr als Zahl angeben.")

    def row(self) -> IndicatorData:
        data = self.cleaned_data
        return IndicatorData(
            id=self.instance.pk,
            name=data["name"],
            unit=data.get("unit", ""),
            baseline=data.get("baseline"),
            target_value=data["target_value"],
            target_year=data.get("target_year"),
        )


class IndicatorFormSet(RowsFormSet):
    def rows(self) -> list[IndicatorData]:
        return [form.row() for form in self.kept_forms()]


Indicators = inlineformset_factory(
    Measure, Indicator, form=IndicatorForm, formset=IndicatorFormSet, extra=0, can_delete=True
)
