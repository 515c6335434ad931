"""Admin for municipalities, organisations, concepts and their goal system, and the admin's version
handling for every app.

Every changelist loads its foreign keys with ``list_select_related`` (or shows none), so a page costs
the same number of queries whatever its length. Foreign keys are picked through autocomplete widgets,
which needs ``search_fields`` on the admin of each target model.

Versions: models with a ``version`` counter (concepts, measures, and whatever else the editors lock)
are saved through the admin as through the editor's services: ``projects.locking.claim_version`` moves
the version on, so an editor who opened the object before gets a conflict instead of silently
overwriting the admin's change (``VersionedAdminMixin``). The admin form remembers the version it was
loaded with; if someone saved meanwhile, the first save is refused with the changes made since, and
saving again applies the admin's input deliberately. Rows whose parent carries the version (cost lines
of a measure) move the parent's version on (``ParentVersionMixin``).
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import changes_since
from .locking import claim_version
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

# --- Versions ------------------------------------------------------------------------------------------

LOADED_VERSION = "loaded_version"


def has_version(model: type[models.Model]) -> bool:
    """Whether ``model`` carries an edit ``version`` counter."""
    try:
        model._meta.get_field("version")
    except FieldDoesNotExist:
        return False
    return True


def version_bump(instance: models.Model) -> None:
    """Move ``instance`` to its next version and save it (with a history record, naming the request's
    user through simple-history's middleware), as the services do for an edit."""
    claim_version(instance, expected_version=instance.version)
    instance.save()


class VersionedModelForm(forms.ModelForm):
    """An admin form that remembers the version of the object it was loaded with and refuses the save
    when the object has been saved since; the refusal names what changed and takes the new version,
    so the next save applies the input deliberately (as the editor's conflict page does)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and has_version(type(self.instance)):
            self.fields[LOADED_VERSION].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        loaded = cleaned.get(LOADED_VERSION)
        if not instance.pk or loaded is None or not has_version(type(instance)):
            return cleaned
        if loaded != instance.version:
            changes = changes_since(instance, version=loaded) if hasattr(type(instance), "history") else []
            self.data = self.data.copy()
            self.data[self.add_prefix(LOADED_VERSION)] = str(instance.version)
            what = ", ".join(change.label for change in changes) or gettext("unbekannt")
            raise ValidationError(
                gettext(
                    "Jemand hat diesen Eintrag gespeichert, nachdem Sie die Seite geöffnet haben (Version "
                    "%(old)s → %(new)s; geändert: %(fields)s). Ihre Eingaben sind nicht gespeichert. "
                    "Prüfen Sie sie und speichern Sie erneut, um die andere Änderung zu überschreiben."
                )
                % {"old": loaded, "new": instance.version, "fields": what},
                code="version_conflict",
            )
        return cleaned


class VersionedAdminMixin:
    """Saves of a model with a ``version`` (and of inline rows with one) claim the next version."""

    form = VersionedModelForm

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not has_version(self.model) or LOADED_VERSION in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], LOADED_VERSION)}), *rest]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if change and has_version(type(obj)):
            # Always, also when only inline rows change: they belong to the object's version.
            claim_version(obj, expected_version=obj.version)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if has_version(formset.model):
            deleted = {id(f) for f in getattr(formset, "deleted_forms", [])}
            for inline in formset.initial_forms:
                if inline.instance.pk and id(inline) not in deleted and inline.has_changed():
                    claim_version(inline.instance, expected_version=inline.instance.version)
        super().save_formset(request, form, formset, change)


class ParentVersionMixin:
    """For rows whose parent carries the version: saving or deleting a row through its own admin page
    moves the parent's version on. ``version_parent`` is the path to the parent (``"measure"``,
    ``"module__measure"``); a row moved to another parent moves both parents on."""

    version_parent = ""

    def _parent(self, obj: models.Model) -> models.Model | None:
        for name in self.version_parent.split("__"):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj if has_version(type(obj)) else None

    def _bump(self, parents: Iterable[models.Model | None]) -> None:
        for pk, model in {(p.pk, type(p)) for p in parents if p is not None}:
            version_bump(model.objects.get(pk=pk))  # the stored state, not a stale instance

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        before = None
        first = self.version_parent.split("__")[0]
        if change and first in form.changed_data and form.initial.get(first):
            # The parent before the move: resolved from an unsaved row that points where this one did.
            before = self._parent(type(obj)(**{f"{first}_id": form.initial[first]}))
        super().save_model(request, obj, form, change)
        self._bump([before, self._parent(obj)])

    def delete_model(self, request: HttpRequest, obj) -> None:
        parent = self._parent(obj)
        super().delete_model(request, obj)
        self._bump([parent])

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        parents = [self._parent(obj) for obj in queryset.select_related(self.version_parent)]
        super().delete_queryset(request, queryset)
        self._bump(parents)


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
class ConceptAdmin(VersionedAdminMixin, admin.ModelAdmin):
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
class QuarterAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "concept", "municipality", "programme", "area_ha", "population")
    list_display_links = ("code", "name")
    list_filter = ("programme", "concept", "municipality")
    list_select_related = ("concept", "municipality")
    search_fields = ("code", "name", "municipality__name")
    autocomplete_fields = ("concept", "municipality")


@admin.register(ActionField)
class ActionFieldAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "title", "concept", "order", "colour")
    list_display_links = ("code", "title")
    list_filter = ("concept",)
    list_select_related = ("concept",)
    search_fields = ("code", "title", "concept__title")
    autocomplete_fields = ("concept",)
    inlines = (GoalInline,)


@admin.register(Goal)
class GoalAdmin(ParentVersionMixin, admin.ModelAdmin):
    version_parent = "action_field"  # a goal belongs to its action field's version
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
class SwotEntryAdmin(VersionedAdminMixin, admin.ModelAdmin):
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
