"""Admin for measure profiles.

``MeasureAdminBase`` is deliberately not registered: ``funding.admin`` registers ``Measure`` with a
subclass that adds cost lines, financing modules and totals (funding may import measures, never the
reverse). For the same reason nothing here relies on ``Measure`` being registered: the measure
pickers use raw-id widgets, not autocomplete.

Saves follow the editor's rules: the version moves on (``projects.admin.VersionedAdminMixin``), an
uploaded image is re-encoded like in the editor (``measures.images.image_sanitize``: type and size
checked, metadata removed, downscaled), and the profile rules of ``measures.services`` apply as in the
editor and the import: a new or changed period lies within the concept's programme years; goals,
quarters and related measures belong to the measure's concept.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin import ParentVersionMixin, VersionedAdminMixin, VersionedModelForm

from .forms import MeasureImageInput
from .images import image_sanitize
from .models import Indicator, Measure
from .services import measure_period_errors, measure_scope_errors


class MeasureAdminForm(VersionedModelForm):
    """The admin's measure form: the editor's image handling and the profile rules of the services."""

    class Meta:
        model = Measure
        fields = "__all__"
        widgets = {"image": MeasureImageInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields and self.instance.pk:
            # "Derzeit: …" links to the permission-checked image view, not to the media folder.
            self.fields["image"].widget.image_url = self.instance.image_url

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return image_sanitize(image)
        return image

    def clean(self):
        cleaned = super().clean()
        concept = cleaned.get("concept")
        if concept is None:
            return cleaned
        stored = self.instance if self.instance.pk else None
        errors = measure_period_errors(
            concept=concept,
            start_year=cleaned.get("start_year"),
            end_year=cleaned.get("end_year"),
            stored=stored,
        ) | measure_scope_errors(
            concept=concept,
            measure=stored,
            goals=cleaned.get("goals"),
            quarters=cleaned.get("quarters"),
            related=cleaned.get("related"),
        )
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("name", "unit", "baseline", "target_value", "target_year")
    extra = 0


class MeasureAdminBase(VersionedAdminMixin, admin.ModelAdmin):
    form = MeasureAdminForm
    # The list can be filtered by every column between the title and the period.
    list_filter = (
        "concept",
        "action_field",
        "municipality",
        "priority",
        "status",
        "hoai_phase",
        "climate_relevance",
    )
    list_display = ("code", "title", *list_filter, "start_year", "end_year")
    list_display_links = ("code", "title")
    list_select_related = ("concept", "action_field", "municipality")
    search_fields = ("code", "title", "responsible_body", "concept__title", "concept__slug")
    autocomplete_fields = ("concept", "action_field", "municipality", "goals", "quarters")
    raw_id_fields = ("related",)
    readonly_fields = ("uid", "created_at", "updated_at")
    inlines = (IndicatorInline,)
    fieldsets = (
        (
            _("Stammdaten"),
            {
                "fields": (
                    "concept",
                    "code",
                    "title",
                    "uid",
                    "municipality",
                    "responsible_body",
                    "partners",
                    "order",
                )
            },
        ),
        (_("Beschreibung"), {"fields": ("starting_situation", "description", "expected_effect")}),
        (
            _("Einordnung"),
            {
                "fields": (
                    "action_field",
                    "goals",
                    "quarters",
                    "related",
                    "priority",
                    "climate_relevance",
                    "climate_note",
                )
            },
        ),
        (
            _("Zeit und Planungsstand"),
            {"fields": ("start_year", "end_year", "cost_base_year", "status", "hoai_phase")},
        ),
        (_("Lage und Bild"), {"fields": ("location", "image", "image_alt")}),
        (_("Verlauf"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(Indicator)
class IndicatorAdmin(ParentVersionMixin, admin.ModelAdmin):
    version_parent = "measure"
    list_display = ("name", "measure", "unit", "baseline", "target_value", "target_year")
    list_filter = ("measure__concept", "target_year")
    list_select_related = ("measure",)
    search_fields = ("name", "measure__code", "measure__title")
    raw_id_fields = ("measure",)
