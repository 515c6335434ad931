"""The profile part of the measure editor (Projektsteckbrief), its indicators, and the growable-table
formset base that the money tables in ``funding.editor.forms`` share."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from projects.fields import GeoJSONFormField, german_decimal_formfield
from projects.forms import version_field
from projects.history import display_value
from projects.models import Concept, Goal

from .images import image_sanitize
from .models import Indicator, Measure
from .services import MEASURE_PROFILE_FIELDS, MEASURE_RELATIONS, IndicatorData, measure_code_errors


class GeoJSONField(GeoJSONFormField):
    """GeoJSON as text; invalid JSON or an unknown geometry gets a German message at the field."""

    default_error_messages = {"invalid": _("Bitte gültiges JSON eingeben (GeoJSON).")}


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


RELOAD = _("Die Seite ist unvollständig geladen. Bitte laden Sie sie neu.")


class MeasureForm(forms.ModelForm):
    """All profile fields; choices limited to the concept. The image is re-encoded on upload.

    Editing a stored measure also carries the hidden ``version`` the page was loaded with
    (``projects.forms.version_field``) and ``related_seen``: the related measures as the page showed
    them, since the relation is symmetrical and another measure's save changes it without touching this
    measure's version (see ``related_seen_ids``).
    """

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
            *(name for name in MEASURE_PROFILE_FIELDS if name != "order"),
            *MEASURE_RELATIONS,
            "image",
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
        self.fields["image"].widget.image_url = self.instance.image_url if self.instance.pk else ""
        if self.instance.pk:
            self.fields["version"] = version_field()
            self.fields["version"].initial = self.instance.version
            if not self.is_bound:
                # The ModelForm's initial values hold the related measures already (no second query).
                self.fields["related_seen"].initial = ",".join(
                    str(pk) for pk in sorted(other.pk for other in self.initial.get("related", []))
                )
        for name in ("start_year", "end_year", "cost_base_year"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        errors = measure_code_errors(concept=self.concept, code=code, measure=self.instance)
        if errors:
            raise forms.ValidationError(errors["code"])
        return code

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return image_sanitize(image)
        return image

    def clean_related_seen(self) -> set[int] | None:
        return self._related_seen(self.cleaned_data["related_seen"])

    def _related_seen(self, raw: str) -> set[int] | None:
        """The comma-separated ids of the related measures the page was loaded with: measures of this
        concept other than this one, or ones deleted since (the conflict then shows the change). None
        for a new measure or a form that did not send them; anything else was not written by the page
        (``ValidationError``). One query; a second only for ids of measures deleted since."""
        if not self.instance.pk or "related_seen" not in self.data:
            return None
        raw = raw.strip()
        parts = [part.strip() for part in raw.split(",")] if raw else []
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(RELOAD, code="invalid")
        ids = {int(part) for part in parts}
        if self.instance.pk in ids:
            raise ValidationError(RELOAD, code="invalid")
        unknown = ids - set(self.concept.measures.filter(pk__in=ids).values_list("pk", flat=True))
        if unknown:
            deleted = Measure.history.filter(id__in=unknown, concept_id=self.concept.pk)
            unknown -= set(deleted.values_list("id", flat=True))
        if unknown:
            raise ValidationError(RELOAD, code="invalid")
        return ids

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                # Browsers send a text area's line breaks as CRLF; stored are LF (as the import stores
                # them), so saving an unchanged text changes nothing.
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and start > end:
            self.add_error("end_year", _("Das Ende darf nicht vor dem Beginn liegen."))
        # The period within the concept's programme years is checked by ``funding.editor.services.measure_save``
        # (``measures.services.measure_period_errors``, the rule of the admin and the import too).
        if (
            cleaned.get("image") or (self.instance.image and cleaned.get("image") is not False)
        ) and not cleaned.get("image_alt"):
            self.add_error("image_alt", _("Bitte einen Alternativtext für das Bild angeben."))
        return cleaned

    def _post_clean(self):
        # The service validates the model (full_clean) inside its transaction; the stored image file must
        # not be touched before that, so the ModelForm's own construct-and-validate step is skipped here.
        pass

    def loaded_version(self) -> int | None:
        """The version of the stored measure the page was loaded with; None for a new measure or if the
        form did not send a valid one (its validation then says so). Validates nothing else."""
        if "version" not in self.fields or not self.is_bound:
            return None
        try:
            return self.fields["version"].clean(self["version"].data)
        except ValidationError:
            return None

    def related_seen_ids(self) -> set[int] | None:
        """The ids of the related measures the page was loaded with (see ``_related_seen``); None for a
        new measure or a form that did not send them, or sent them garbled (its validation then says
        so). Validates nothing else."""
        if not self.is_bound:
            return None
        if hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("related_seen")
        try:
            return self._related_seen(self["related_seen"].data or "")
        except ValidationError:
            return None

    @property
    def hidden_errors(self) -> list[str]:
        """Errors of hidden fields (version, related_seen), which no field on the page would show."""
        return [error for field in self.hidden_fields() for error in field.errors]

    @property
    def has_field_errors(self) -> bool:
        """Whether a visible field is marked with an error."""
        return any(field.errors for field in self.visible_fields())

    def profile(self) -> dict:
        """The cleaned data in the shape ``funding.editor.services.measure_save`` expects."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("related_seen", None)
        image = data.pop("image", None)
        if image is False:
            data["image"] = False
        elif image is not None and not hasattr(image, "url"):
            data["image"] = image
        return data


# --- Growable tables (indicators here, cost lines and financing modules in ``funding.editor.forms``) ------


def _blank(value) -> bool:
    return value in (None, "", [], (), False)


class StoredRowField(forms.Field):
    """The hidden id of a table row: one of the rows the formset loaded, or empty for a new row.

    It replaces Django's ``ModelChoiceField`` for the id, which looks every posted id up with a query of
    its own (one per row). An id the formset does not hold is refused with Django's message."""

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, *, rows: Mapping[int, models.Model], **kwargs):
        super().__init__(**kwargs)
        self.rows = rows

    def prepare_value(self, value):
        return value.pk if isinstance(value, models.Model) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.rows[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def has_changed(self, initial, data) -> bool:
        return str(self.prepare_value(initial) or "") != str(data or "")


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
        """The visible inputs (without the removal box), each with the value stored now if it differs,
        and whether it holds a number (an amount, a share: shown right-aligned)."""
        return [
            (field, self.saved_values.get(field.name), isinstance(field.field, forms.DecimalField))
            for field in self.visible_fields()
            if field.name != DELETION_FIELD_NAME
        ]

    def full_clean(self):
        # Validation writes the input onto the instance; keep what was stored for ``mark_saved``.
        if self.instance.pk and not hasattr(self, "_stored"):
            self._stored = self.stored_values()
        super().full_clean()

    def _post_clean(self):
        # The ModelForm's model validation without what would cost a query on every row: Django checks
        # each CheckConstraint with an SQL query and each foreign key's existence with another. The
        # constraints are mirrored by the fields' validators and the forms' ``clean``, the foreign keys
        # are picked from lists loaded once; the service runs the full validation before it saves.
        exclude = self._get_validation_exclusions()
        exclude |= {f.name for f in self.instance._meta.concrete_fields if f.many_to_one}
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self._update_errors(error)
        if self._validate_unique:
            self.validate_unique()

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
        """A stored cell as the history shows it (``projects.history.display_value``); a related object
        (a programme) by its code."""
        try:
            model_field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None  # an input of the form only (a module's year amounts)
        if isinstance(value, models.Model):
            return display_value(model_field, value.pk, {value.pk: str(getattr(value, "code", value))})
        return display_value(model_field, value)


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    if value == "":
        return None
    return value


class RowsFormSet(BaseInlineFormSet):
    """A growable table: the kept rows, and the conflict marks of every row."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self._pk_field.name
        form.fields[pk_name] = StoredRowField(
            rows=self._stored_rows, required=False, initial=form.fields[pk_name].initial
        )

    @property
    def _stored_rows(self) -> dict[int, models.Model]:
        """The stored rows of the table by id, from the formset's one query."""
        if not hasattr(self, "_rows_by_id"):
            self._rows_by_id = {row.pk: row for row in self.get_queryset()}
        return self._rows_by_id

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

    def removed_ids(self) -> set[int]:
        """The ids of the stored rows marked for removal (after ``is_valid``): the only rows a save
        deletes (``measures.services.rows_sync``)."""
        return {form.instance.pk for form in self.deleted_forms if form.instance.pk}

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
