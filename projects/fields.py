"""Form fields shared by every editor: money and percentages the way German users type them."""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .formatting import format_number
from .parsing import parse_decimal


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
