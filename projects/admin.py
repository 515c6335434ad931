"""Admin for municipalities, organisations, concepts and their goal system.

Every changelist loads its foreign keys with ``list_select_related`` (or shows none), so a page costs
the same number of queries whatever its length. Foreign keys are picked through autocomplete widgets,
which needs ``search_fields`` on the admin of each target model.
"""

from django.contrib import admin
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

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

# --- Inlines -------------------------------------------------------------------------------------------


class ConceptMunicipalityInline(admin.TabularInline):
    model = ConceptMunicipality
    fields = ("municipality", "role")
    autocomplete_fields = ("municipality",)
    extra = 0


class QuarterInline(admin.TabularInline):
    model = Quarter
    fields = ("code", "name", "municipality", "programme", "area_ha", "population", "order")
    autocomplete_fields = ("municipality",)
    show_change_link = True
    extra = 0


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    fields = ("code", "title", "order", "colour")
    show_change_link = True
    extra = 0


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ("code", "title", "order")
    show_change_link = True
    extra = 0


# --- Model admins --------------------------------------------------------------------------------------


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "ags", "state", "population", "budget_protection")
    list_filter = ("state", "budget_protection")
    search_fields = ("name", "ags")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city", "website")
    list_filter = ("kind",)
    search_fields = ("name", "city")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "status",
        "year_from",
        "year_to",
        "lead_organisation",
        "planning_office",
        "published",
    )
    list_filter = ("kind", "status", "published")
    list_select_related = ("lead_organisation", "planning_office")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("lead_organisation", "planning_office")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ConceptMunicipalityInline, QuarterInline, ActionFieldInline)
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "status", "published")}),
        (_("Beteiligte"), {"fields": ("lead_organisation", "planning_office")}),
        (_("Laufzeit"), {"fields": ("year_from", "year_to")}),
        (_("Texte"), {"fields": ("vision", "summary")}),
        (_("Verlauf"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(ConceptMunicipality)
class ConceptMunicipalityAdmin(admin.ModelAdmin):
    list_display = ("municipality", "concept", "role")
    list_filter = ("role", "concept")
    list_select_related = ("municipality", "concept")
    search_fields = ("municipality__name", "municipality__ags", "concept__title")
    autocomplete_fields = ("concept", "municipality")


@admin.register(Quarter)
class QuarterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "concept", "municipality", "programme", "area_ha", "population")
    list_display_links = ("code", "name")
    list_filter = ("programme", "concept", "municipality")
    list_select_related = ("concept", "municipality")
    search_fields = ("code", "name", "municipality__name")
    autocomplete_fields = ("concept", "municipality")


@admin.register(ActionField)
class ActionFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "concept", "order", "colour")
    list_display_links = ("code", "title")
    list_filter = ("concept",)
    list_select_related = ("concept",)
    search_fields = ("code", "title", "concept__title")
    autocomplete_fields = ("concept",)
    inlines = (GoalInline,)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "action_field", "concept")
    list_display_links = ("code", "title")
    list_filter = ("action_field__concept",)
    list_select_related = ("action_field__concept",)
    search_fields = ("code", "title", "action_field__code", "action_field__title")
    autocomplete_fields = ("action_field",)

    @admin.display(description=_("Konzept"), ordering="action_field__concept__title")
    def concept(self, obj: Goal) -> Concept:
        return obj.action_field.concept


@admin.register(SwotEntry)
class SwotEntryAdmin(admin.ModelAdmin):
    list_display = ("short_text", "kind", "concept", "action_field", "quarter", "order")
    list_filter = ("kind", "concept")
    list_select_related = ("concept", "action_field", "quarter")
    search_fields = ("text",)
    autocomplete_fields = ("concept", "action_field", "quarter")

    @admin.display(description=_("Text"), ordering="text")
    def short_text(self, obj: SwotEntry) -> str:
        return Truncator(obj.text).chars(80)


@admin.register(ConceptMembership)
class ConceptMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "concept", "role", "municipality")
    list_filter = ("role", "concept")
    list_select_related = ("user", "concept", "municipality")
    search_fields = ("user__username", "user__email", "concept__title")
    autocomplete_fields = ("concept", "user", "municipality")
