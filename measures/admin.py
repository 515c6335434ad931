"""Admin for measure profiles.

``MeasureAdminBase`` is deliberately not registered: ``funding.admin`` registers ``Measure`` with a
subclass that adds cost lines, financing modules and totals (funding may import measures, never the
reverse). For the same reason nothing here relies on ``Measure`` being registered: the measure
pickers use raw-id widgets, not autocomplete.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Indicator


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("name", "unit", "baseline", "target_value", "target_year")
    extra = 0


class MeasureAdminBase(admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "concept",
        "action_field",
        "municipality",
        "priority",
        "status",
        "hoai_phase",
        "climate_relevance",
        "start_year",
        "end_year",
    )
    list_display_links = ("code", "title")
    list_filter = (
        "concept",
        "action_field",
        "municipality",
        "priority",
        "status",
        "hoai_phase",
        "climate_relevance",
    )
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
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "measure", "unit", "baseline", "target_value", "target_year")
    list_filter = ("measure__concept", "target_year")
    list_select_related = ("measure",)
    search_fields = ("name", "measure__code", "measure__title")
    raw_id_fields = ("measure",)
