"""The profile part of the measure editor (Projektsteckbrief)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.fields import german_decimal_formfield
from projects.models import Concept, Goal
from projects.validators import validate_geojson

from .images import image_sanitize
from .models import Measure


class GeoJSONField(forms.JSONField):
    """GeoJSON as text; invalid JSON or an unknown geometry gets a German message at the field."""

    default_error_messages = {"invalid": _("Bitte gültiges JSON eingeben (GeoJSON).")}

    def validate(self, value):
        super().validate(value)
        validate_geojson(value)


class MeasureForm(forms.ModelForm):
    """All profile fields; choices limited to the concept. The image is re-encoded on upload."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
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
        if (
            cleaned.get("image") or (self.instance.image and cleaned.get("image") is not False)
        ) and not cleaned.get("image_alt"):
            self.add_error("image_alt", _("Bitte einen Alternativtext für das Bild angeben."))
        return cleaned

    def _post_clean(self):
        # The service validates the model (full_clean) inside its transaction; the stored image file must
        # not be touched before that, so the ModelForm's own construct-and-validate step is skipped here.
        pass

    def profile(self) -> dict:
        """The cleaned data in the shape ``funding.services.measure_save`` expects."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        image = data.pop("image", None)
        if image is False:
            data["image"] = False
        elif image is not None and not hasattr(image, "url"):
            data["image"] = image
        return data
