"""Form fields shared by every editor: money and percentages the way German users type them, GeoJSON as
text; and the model fields for GeoJSON and for texts of limited length, which bring their rules to every
form (editor and admin) and to ``full_clean`` (the services and the Excel import)."""

import json
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models as db_models
from django.forms.fields import InvalidJSONInput
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .formatting import format_number
from .parsing import parse_decimal
from .validators import TextLengthValidator, validate_geojson


class DecimalInput(forms.TextInput):
    """A text input for amounts: German display (``1.234,56``), numeric keyboard on phones."""

    def __init__(self, places: int = 2, attrs: dict | None = None):
        self.places = places
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return format_number(value, self.places)
        return super().format_value(value)


class GermanDecimalField(forms.DecimalField):
    """A DecimalField that reads ``1.234,56``, ``1234,56``, ``1234.56`` and ``12,5 %``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", DecimalInput(places=kwargs.get("decimal_places") or 2))
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parsed = parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(str(parsed)) if parsed is not None else None

    def widget_attrs(self, widget):
        # DecimalField would add min/max/step attributes meant for number inputs; a text input needs none.
        return {}


def german_decimal_formfield(model_field, **kwargs):
    """``formfield_callback`` for ModelForms: every DecimalField becomes a GermanDecimalField."""
    from django.db import models

    if isinstance(model_field, models.DecimalField):
        return model_field.formfield(form_class=GermanDecimalField, **kwargs)
    return model_field.formfield(**kwargs)


class ObjectChoiceField(forms.ChoiceField):
    """Pick one of a list of model objects loaded once for a whole formset.

    A ``ModelChoiceField`` queries its choices each time a form renders; in a table of many rows that is
    one query per row. This field neither renders nor validates with a query.
    """

    def __init__(self, *, objects: Iterable, label_from_instance=str, **kwargs):
        objects = list(objects)
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [("", "–"), *((str(obj.pk), label_from_instance(obj)) for obj in objects)]
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        obj = self.objects.get(str(value.pk if hasattr(value, "pk") else value))
        if obj is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return obj

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


# --- GeoJSON ---------------------------------------------------------------------------------------

_LONGEST_INTEGER = 16  # digits; Python refuses to read integers of more than 4300 digits at all


def _refuse_constant(name: str):
    raise ValidationError(
        _("Das GeoJSON enthält eine ungültige Zahl (NaN, unendlich oder zu groß)."), code="invalid"
    )


def _read_integer(text: str) -> int:
    if len(text.lstrip("-")) > _LONGEST_INTEGER:
        raise ValidationError(_("Das GeoJSON enthält eine zu große Zahl."), code="invalid")
    return int(text)


def parse_geojson_text(text: str, *, invalid: str) -> object:
    """The JSON value of ``text``, or ``ValidationError`` (``invalid``: the message for text that is not
    JSON at all). Never another exception: ``NaN`` and ``Infinity`` (which Python's JSON reader accepts
    and no database stores), integers of thousands of digits (Python refuses to convert them) and nesting
    deep enough to exhaust the stack are refused with a German message."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_read_integer)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        raise ValidationError(invalid, code="invalid") from None


class GeoJSONFormField(forms.JSONField):
    """GeoJSON typed or pasted as text. Whatever is typed, the answer is a German message at the field
    (``projects.validators.validate_geojson``), never a server error; a refused text is shown again as
    typed."""

    default_error_messages = {"invalid": _("Das ist kein gültiges JSON. Bitte den GeoJSON-Text prüfen.")}

    def to_python(self, value):
        if self.disabled:
            return value
        if value in self.empty_values:
            return None
        if isinstance(value, list | dict | int | float):
            return value
        return parse_geojson_text(value, invalid=self.error_messages["invalid"])

    def validate(self, value):
        super().validate(value)
        validate_geojson(value)

    def prepare_value(self, value):
        # No geometry is an empty box, not Django's "null".
        if value is None:
            return ""
        return super().prepare_value(value)

    def bound_data(self, data, initial):
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            value = parse_geojson_text(data, invalid=self.error_messages["invalid"])
            validate_geojson(value)
        except ValidationError:
            return InvalidJSONInput(data)
        return value


class GeoJSONField(db_models.JSONField):
    """A point, line or area as GeoJSON (``validate_geojson``), edited as text (``GeoJSONFormField``)."""

    default_validators = [validate_geojson]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": GeoJSONFormField, **kwargs})


# --- Texts of limited length -----------------------------------------------------------------------


class LimitedTextField(db_models.TextField):
    """A free text of at most ``max_length`` characters (``projects.validators.LONG_TEXT``, ...).

    Django's ``TextField`` takes ``max_length`` only for the form (a ``maxlength`` for the browser);
    this field also validates it in ``full_clean``, so the editor, the admin and the Excel import refuse
    a longer text alike, with the same message naming the limit (``TextLengthValidator``)."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, TextLengthValidator(self.max_length)]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.validators = [
            *(v for v in field.validators if not isinstance(v, MaxLengthValidator)),
            TextLengthValidator(self.max_length),
        ]
        return field
