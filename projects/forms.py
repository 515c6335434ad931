"""Forms of the concept editor.

Forms only parse: they turn the submitted text into Python values (numbers, dates, objects chosen from
the lists the page offered) and reject what cannot be read. Every rule about what may be stored lives in
``projects.services``; the views put the services' errors back at the fields with ``add_service_errors``.

Fields are derived from the model fields, so labels, help texts, choices and lengths are defined once.
"""

from collections.abc import Mapping

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from .fields import german_decimal_formfield
from .locking import MISSING_VERSION
from .models import (
    ActionField,
    Concept,
    ConceptMembership,
    ConceptMunicipality,
    Goal,
    Municipality,
    Organisation,
    Quarter,
    SwotEntry,
)


def model_field(model: type[models.Model], name: str, **kwargs) -> forms.Field:
    """The form field Django derives from ``model.name``; decimals read German notation."""
    return german_decimal_formfield(model._meta.get_field(name), **kwargs)


def small_textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Formsets of rows (municipalities of a concept, goals of an action field) ------------------------


class RowFormSet(forms.BaseFormSet):
    """Rows edited in a table. Each input gets a label naming its row (read by screen readers; the table
    header shows the column name), and the view can put the services' row errors back at the rows."""

    shared_choices: tuple[str, ...] = ()  # select fields whose options are read once for all rows

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices: dict[str, list] = {}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        for name in self.shared_choices:
            if name not in self._choices:
                self._choices[name] = list(form.fields[name].choices)
            form.fields[name].choices = self._choices[name]
        for name, field in form.fields.items():
            if index is None:  # the template row for new rows
                if name == DELETION_FIELD_NAME:
                    field.label = _("Neue Zeile löschen")
                elif not field.widget.is_hidden:
                    field.label = _("%(label)s (neue Zeile)") % {"label": field.label}
            elif name == DELETION_FIELD_NAME:
                field.label = _("Zeile %(row)s löschen") % {"row": index + 1}
            elif not field.widget.is_hidden:
                field.label = _("%(label)s (Zeile %(row)s)") % {"label": field.label, "row": index + 1}

    def filled_forms(self, *, with_deleted: bool = False) -> list[forms.Form]:
        """The rows the user filled in (valid formset only), without rows marked for deletion unless
        ``with_deleted``."""
        return [
            form
            for form in self.forms
            if form.cleaned_data and (with_deleted or not form.cleaned_data.get(DELETION_FIELD_NAME))
        ]

    def add_non_form_error(self, error: ValidationError | list | str) -> None:
        """An error about the rows as a whole, shown above the table."""
        self.non_form_errors()  # runs validation if needed, so the error list exists
        self._non_form_errors.extend(ValidationError(error).messages)

    def error_summary(self) -> list[str]:
        """Messages for the page's error summary: the errors above the table, and a pointer to rows with
        errors."""
        messages = list(self.non_form_errors())
        rows = [str(index) for index, form in enumerate(self.forms, 1) if form.errors]
        if rows:
            messages.append(
                _("Bitte prüfen Sie die markierten Zeilen: %(rows)s.") % {"rows": ", ".join(rows)}
            )
        return messages


def add_service_errors(
    error: ValidationError,
    form: forms.Form,
    rows: Mapping[str, tuple[RowFormSet, list[forms.Form]]] | None = None,
) -> None:
    """Put a service's ``ValidationError`` on the page: at the field it names, at a row's field for keys
    ``"<rows>.<index>.<field>"`` (``index`` into the list of row forms the view passed to the service),
    above a row table for ``"<rows>"``, and above the form for anything else."""
    rows = rows or {}
    for key, messages in error.update_error_dict({}).items():
        name, _dot, rest = key.partition(".")
        if name in rows:
            formset, row_forms = rows[name]
            index, _dot, field = rest.partition(".")
            if index.isdigit() and int(index) < len(row_forms):
                row_form = row_forms[int(index)]
                row_form.add_error(field if field in row_form.fields else None, messages)
            else:
                formset.add_non_form_error(messages)
        else:
            form.add_error(key if key in form.fields else None, messages)


# --- Optimistic locking ---------------------------------------------------------------------------


def version_field() -> forms.IntegerField:
    """The hidden version an edit form was loaded with (``projects.locking``)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": MISSING_VERSION,
            "invalid": _("Die Versionsangabe der Seite ist ungültig. Bitte laden Sie sie neu."),
            "min_value": _("Die Versionsangabe der Seite ist ungültig. Bitte laden Sie sie neu."),
        },
    )


class VersionedForm(forms.Form):
    """A form that edits one lockable object. With ``versioned=True`` (editing an existing object) it
    carries the hidden, required ``version`` the user loaded; creating a new object needs none."""

    def __init__(self, *args, versioned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned = versioned
        if versioned:
            self.fields["version"] = version_field()

    def with_version(self, version: int, **kwargs) -> "VersionedForm":
        """The same input, to be saved over ``version`` (after the user has seen what changed)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        return type(self)(data, prefix=self.prefix, versioned=True, **kwargs)


# --- Concepts --------------------------------------------------------------------------------------


class ConceptCreateForm(forms.Form):
    title = model_field(Concept, "title")
    slug = model_field(
        Concept,
        "slug",
        help_text=_(
            "Erscheint in der Adresse, z. B. „iihk-lippe-wesseltal“. Kleinbuchstaben, Ziffern, Bindestriche."
        ),
    )
    kind = model_field(Concept, "kind")
    year_from = model_field(Concept, "year_from")
    year_to = model_field(Concept, "year_to")
    lead_organisation = model_field(Concept, "lead_organisation")
    planning_office = model_field(Concept, "planning_office")


class ConceptForm(VersionedForm):
    """The basics of a concept; always edits an existing one, so it always carries the version the user
    loaded (optimistic locking)."""

    title = model_field(Concept, "title")
    kind = model_field(Concept, "kind")
    summary = model_field(Concept, "summary", widget=small_textarea(4))
    vision = model_field(Concept, "vision", widget=small_textarea(4))
    year_from = model_field(Concept, "year_from")
    year_to = model_field(Concept, "year_to")
    status = model_field(Concept, "status")
    published = model_field(
        Concept, "published", help_text=_("Veröffentlichte Konzepte sind ohne Anmeldung lesbar.")
    )
    lead_organisation = model_field(Concept, "lead_organisation")
    planning_office = model_field(Concept, "planning_office")

    def __init__(self, *args, **kwargs):
        kwargs["versioned"] = True
        super().__init__(*args, **kwargs)


class ParticipationForm(forms.Form):
    municipality = model_field(ConceptMunicipality, "municipality")
    role = model_field(ConceptMunicipality, "role")


class ParticipationRows(RowFormSet):
    shared_choices = ("municipality",)


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=ParticipationRows, extra=2, can_delete=True, max_num=100, absolute_max=200
)


# --- Municipalities --------------------------------------------------------------------------------


class MunicipalityForm(forms.Form):
    name = model_field(Municipality, "name")
    ags = model_field(
        Municipality,
        "ags",
        help_text=_("8 Ziffern, z. B. 05958004."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    state = model_field(Municipality, "state")
    population = model_field(Municipality, "population")
    budget_protection = model_field(Municipality, "budget_protection")


class OrganisationForm(forms.Form):
    name = model_field(Organisation, "name")
    kind = model_field(Organisation, "kind")
    city = model_field(Organisation, "city")
    website = model_field(
        Organisation, "website", help_text=_("z. B. https://www.example.org"), assume_scheme="https"
    )


# --- Quarters --------------------------------------------------------------------------------------


class QuarterForm(VersionedForm):
    municipality = model_field(Quarter, "municipality", help_text=_("Nur am Konzept beteiligte Kommunen."))
    code = model_field(Quarter, "code", help_text=_("z. B. „Q1“"))
    name = model_field(Quarter, "name")
    programme = model_field(Quarter, "programme")
    area_ha = model_field(Quarter, "area_ha", help_text=_("z. B. 42,5"))
    population = model_field(Quarter, "population")
    analysis = model_field(Quarter, "analysis", widget=small_textarea(6))
    boundary = model_field(
        Quarter,
        "boundary",
        widget=small_textarea(6),
        help_text=_(
            "GeoJSON-Text, z. B. aus einem GIS exportiert. Leer lassen, wenn es noch keine Abgrenzung gibt."
        ),
        error_messages={"invalid": _("Das ist kein gültiges JSON. Bitte den GeoJSON-Text prüfen.")},
    )
    order = model_field(Quarter, "order", help_text=_("Kleinere Zahlen stehen weiter oben."))

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = concept.municipalities.order_by("name")


# --- Action fields and goals -----------------------------------------------------------------------


class ActionFieldForm(VersionedForm):
    code = model_field(ActionField, "code", help_text=_("z. B. „HF2“"))
    title = model_field(ActionField, "title")
    description = model_field(ActionField, "description", widget=small_textarea(4))
    colour = model_field(
        ActionField,
        "colour",
        help_text=_("Im Format #RRGGBB, z. B. #2F6F8F."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class GoalForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = model_field(Goal, "code")
    title = model_field(Goal, "title")
    description = model_field(Goal, "description", widget=small_textarea(2))
    order = model_field(Goal, "order", required=False, initial=None)


GoalFormSet = forms.formset_factory(
    GoalForm, formset=RowFormSet, extra=2, can_delete=True, max_num=100, absolute_max=200
)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("nach oben")), ("down", _("nach unten"))])


# --- SWOT ------------------------------------------------------------------------------------------


class SwotEntryForm(VersionedForm):
    kind = model_field(SwotEntry, "kind")
    text = model_field(SwotEntry, "text", widget=small_textarea(4))
    action_field = model_field(
        SwotEntry, "action_field", help_text=_("Optional: das Handlungsfeld, zu dem der Eintrag gehört.")
    )
    quarter = model_field(
        SwotEntry, "quarter", help_text=_("Optional: das Quartier, zu dem der Eintrag gehört.")
    )

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].queryset = concept.action_fields.order_by("order", "code")
        self.fields["quarter"].queryset = concept.quarters.order_by("order", "code")


# --- Roles -----------------------------------------------------------------------------------------


class MembershipForm(forms.Form):
    """A role for a person, who is named by their user name (typed, not picked from a list of everyone)."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        label=_("Benutzername"),
        help_text=_("Der Benutzername, mit dem sich die Person anmeldet."),
        error_messages={"invalid_choice": _("Es gibt keine aktive Person mit diesem Benutzernamen.")},
    )
    role = model_field(ConceptMembership, "role")
    municipality = model_field(
        ConceptMembership,
        "municipality",
        help_text=_("Nur bei der Prüfung: die Kommune, deren KuF-Zeilen die Person prüft."),
    )

    def __init__(self, *args, concept: Concept, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = concept.municipalities.order_by("name")
