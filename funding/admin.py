"""Admin for programmes, rates, cost lines, financing, approval notices, the KuF review and frozen KuF
versions, and for measures.

``Measure`` is registered here, not in ``measures``, because its admin shows cost lines, financing
modules and money totals, and only ``funding`` may know about those.

Import and export: the admin imports through the same service as the editor (``funding.exchange.imports``:
upload → preview → confirm, all or nothing, the columns of the measure list), on its own pages
(``funding.exchange.views.AdminImportUploadView``, "Import aus Excel/CSV" on the measure list and on a
concept's page); django-import-export's import is not used. Measures, cost lines and financing modules
are exported through django-import-export ("Export" on the list, and the action "Ausgewählte …
exportieren"), as CSV or .xlsx in the import's columns (``funding.exchange.resources``), so the file re-imports
unchanged; the export needs the model's view permission (``IMPORT_EXPORT_EXPORT_PERMISSION_CODE``).
A concept's page also links the editor's whole measure list as Excel.

Saves through the admin move the measure's version on (see ``projects.admin``), so an editor who has
the measure open gets a conflict instead of overwriting the admin's change.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin

from funding import kuf
from funding.exchange import resources
from funding.exchange import views as exchange_views
from funding.kuf.selectors import kuf_rows_for_measures, measures_with_totals
from measures.admin import MeasureAdminBase
from measures.models import Measure
from projects.access import DOWNLOAD_REPORTS
from projects.admin import ConceptAdmin, ParentVersionMixin
from projects.formatting import format_eur, format_percent
from projects.models import Concept

from .access import admin_import_allowed
from .models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    KufComment,
    KufSignoff,
    KufVersion,
    KufVersionRow,
    MunicipalRate,
)

# --- Export (django-import-export) ---------------------------------------------------------------------


class SheetExportMixin(ExportActionMixin):
    """django-import-export's export of one sheet of the measure list (``resource_classes``: one
    ``funding.exchange.resources.SheetResource``): "Export" on the list (with its filters and search) and the
    action for selected rows, as .xlsx or CSV. Never its import.

    No choice of columns: the import needs the sheet as it is. No export button on the change form:
    it saves the object first, which would move the measure's version on.
    """

    export_form_class = resources.SheetExportForm
    export_formats = resources.EXPORT_FORMATS
    to_encoding = "utf-8-sig"  # Excel recognises UTF-8 CSV by its byte-order mark
    show_change_form_export = False
    change_form_template = None  # the admin's own change form, not django-import-export's

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format) -> str:
        return resources.export_filename(
            resource=self.resource_classes[0], queryset=queryset, extension=file_format.get_extension()
        )


# --- Columns -------------------------------------------------------------------------------------------


def _formatted(name: str, description: str, formatter: Callable[[Any], str] = format_eur):
    """A changelist column showing the field ``name`` through ``formatter`` (money by default), sorted by
    the field."""

    @admin.display(description=description, ordering=name)
    def column(self, obj) -> str:
        return formatter(getattr(obj, name))

    return column


# --- Inlines -------------------------------------------------------------------------------------------


class CostLineInline(admin.TabularInline):
    model = CostLine
    fields = ("section", "year", "gross", "ineligible", "note")
    extra = 0


class FinancingModuleInline(admin.TabularInline):
    model = FinancingModule
    fields = ("kind", "programme", "source", "cost_share", "rate", "amount", "order")
    autocomplete_fields = ("programme",)
    show_change_link = True
    extra = 0


class FinancingYearInline(admin.TabularInline):
    model = FinancingYear
    fields = ("year", "amount")
    extra = 0


# --- Measures ------------------------------------------------------------------------------------------


class MeasureChangeList(ChangeList):
    """The measure list with each shown measure's KuF row (``kuf_row``), computed by ``funding.kuf``
    for the page's measures in a fixed number of queries."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        measures = list(self.result_list)
        rows = kuf_rows_for_measures(measure_ids=[measure.pk for measure in measures])
        for measure in measures:
            measure.kuf_row = rows.get(measure.pk)
        self.result_list = measures


def _total(obj: Measure) -> kuf.Amounts:
    row = getattr(obj, "kuf_row", None)
    return row.total if row is not None else kuf.Amounts()


@admin.register(Measure)
class MeasureAdmin(SheetExportMixin, MeasureAdminBase):
    resource_classes = (resources.MeasureResource,)
    # The list with "Import aus Excel/CSV"; django-import-export's list template extends it.
    change_list_template = "admin/measures/measure/change_list.html"
    list_display = (
        *MeasureAdminBase.list_display,
        "gross_total_column",
        "eligible_total_column",
        "grant_column",
        "municipal_share_column",
        "gap_column",
    )
    inlines = (*MeasureAdminBase.inlines, CostLineInline, FinancingModuleInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Measure]:
        # The annotated totals only serve sorting; the columns show the KuF's figures.
        return measures_with_totals(super().get_queryset(request))

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[ChangeList]:
        return MeasureChangeList

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(exchange_views.AdminImportUploadView.as_view(model_admin=self)),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/<int:concept_pk>/vorschau/",
                wrap(exchange_views.AdminImportPreviewView.as_view(model_admin=self)),
                name="{}_{}_import_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {"can_import": admin_import_allowed(request.user)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @admin.display(description=_("Gesamtkosten"), ordering="gross_total")
    def gross_total_column(self, obj: Measure) -> str:
        return format_eur(_total(obj).gross)

    @admin.display(description=_("förderfähig"), ordering="eligible_total")
    def eligible_total_column(self, obj: Measure) -> str:
        return format_eur(_total(obj).eligible)

    @admin.display(description=_("Zuwendung"))
    def grant_column(self, obj: Measure) -> str:
        return format_eur(_total(obj).grant)

    @admin.display(description=_("Eigenanteil"))
    def municipal_share_column(self, obj: Measure) -> str:
        return format_eur(_total(obj).municipal_share)

    @admin.display(description=_("Finanzierungslücke"))
    def gap_column(self, obj: Measure) -> str:
        return format_eur(_total(obj).gap)


# --- Funding -------------------------------------------------------------------------------------------


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "urban_programme", "default_rate_column", "max_rate_column")
    list_display_links = ("code", "name")
    list_filter = ("level", "urban_programme")
    search_fields = ("code", "name")

    default_rate_column = _formatted("default_rate", _("Regelfördersatz"), format_percent)
    max_rate_column = _formatted("max_rate", _("Höchstfördersatz"), format_percent)


@admin.register(MunicipalRate)
class MunicipalRateAdmin(admin.ModelAdmin):
    list_display = ("municipality", "programme", "year", "rate_column")
    list_filter = ("year", "programme", "municipality")
    list_select_related = ("municipality", "programme")
    search_fields = ("municipality__name", "municipality__ags", "programme__code", "programme__name")
    autocomplete_fields = ("municipality", "programme")

    rate_column = _formatted("rate", _("Fördersatz"), format_percent)


@admin.register(CostLine)
class CostLineAdmin(SheetExportMixin, ParentVersionMixin, admin.ModelAdmin):
    resource_classes = (resources.CostLineResource,)
    version_parent = "measure"
    list_display = (
        "measure",
        "concept",
        "section",
        "year",
        "gross_column",
        "ineligible_column",
        "eligible_column",
        "note",
    )
    list_filter = ("section", "year", "measure__concept")
    list_select_related = ("measure__concept",)
    search_fields = ("measure__code", "measure__title", "note")
    autocomplete_fields = ("measure",)

    @admin.display(description=_("Konzept"), ordering="measure__concept__title")
    def concept(self, obj: CostLine) -> str:
        return str(obj.measure.concept)

    gross_column = _formatted("gross", _("Gesamtkosten"))
    ineligible_column = _formatted("ineligible", _("nicht förderfähig"))

    @admin.display(description=_("förderfähig"))
    def eligible_column(self, obj: CostLine) -> str:
        return format_eur(obj.gross - obj.ineligible)


@admin.register(FinancingModule)
class FinancingModuleAdmin(SheetExportMixin, ParentVersionMixin, admin.ModelAdmin):
    resource_classes = (resources.FinancingModuleResource,)
    version_parent = "measure"
    list_display = (
        "__str__",
        "measure",
        "kind",
        "programme",
        "source",
        "cost_share",
        "rate",
        "amount_column",
    )
    list_filter = ("kind", "programme", "measure__concept")
    list_select_related = ("measure", "programme")
    search_fields = ("measure__code", "measure__title", "programme__code", "source")
    autocomplete_fields = ("measure", "programme")
    inlines = (FinancingYearInline,)

    amount_column = _formatted("amount", _("Fester Betrag"))


@admin.register(FinancingYear)
class FinancingYearAdmin(ParentVersionMixin, admin.ModelAdmin):
    version_parent = "module__measure"
    list_display = ("module", "year", "amount_column")
    list_filter = ("year", "module__measure__concept")
    list_select_related = ("module__measure", "module__programme")
    search_fields = ("module__measure__code", "module__programme__code", "module__source")
    autocomplete_fields = ("module",)

    amount_column = _formatted("amount", _("Betrag"))


@admin.register(ApprovalNotice)
class ApprovalNoticeAdmin(admin.ModelAdmin):
    list_display = ("reference", "concept", "municipality", "programme", "year", "amount_column", "date")
    list_filter = ("year", "programme", "municipality", "concept")
    list_select_related = ("concept", "municipality", "programme")
    search_fields = ("reference", "note", "municipality__name")
    autocomplete_fields = ("concept", "municipality", "programme")
    date_hierarchy = "date"

    amount_column = _formatted("amount", _("Bewilligter Betrag"))


# --- The KuF review ------------------------------------------------------------------------------------


class ReadOnlyAdminMixin:
    """Records that are written once by their own workflow (freezing a KuF, a reviewer's verdict):
    shown, never added or changed here. Deleting stays possible for those with the permission."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(KufSignoff)
class KufSignoffAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A reviewer's verdict: given on the KuF page, with a fingerprint of every row; read-only here,
    since a verdict written by hand would match no rows."""

    list_display = ("municipality", "concept", "state", "created_by", "created_at", "row_count")
    list_filter = ("state", "concept", "municipality", "created_at")
    list_select_related = ("concept", "municipality", "created_by")
    search_fields = ("municipality__name", "concept__title", "reason", "created_by__username")
    date_hierarchy = "created_at"
    fields = ("concept", "municipality", "state", "reason", "created_by", "created_at", "fingerprints")

    @admin.display(description=_("Geprüfte Zeilen"))
    def row_count(self, obj: KufSignoff) -> int:
        return len(obj.fingerprints or {})


@admin.register(KufComment)
class KufCommentAdmin(admin.ModelAdmin):
    """Comments on KuF rows: written on the KuF page; here the text can be corrected and a comment
    marked as done or open again."""

    list_display = ("measure", "concept", "short_text", "author", "created_at", "resolved_at", "resolved_by")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter), "concept", "created_at")
    list_select_related = ("measure", "concept", "author", "resolved_by")
    search_fields = ("text", "measure__code", "measure__title", "author__username", "concept__title")
    date_hierarchy = "created_at"
    fields = ("concept", "measure", "author", "created_at", "text", "resolved_at", "resolved_by")
    readonly_fields = ("concept", "measure", "author", "created_at")
    raw_id_fields = ("resolved_by",)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a comment belongs to a row of the KuF page, where it is written

    @admin.display(description=_("Kommentar"), ordering="text")
    def short_text(self, obj: KufComment) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


# --- Frozen KuF versions -------------------------------------------------------------------------------


class KufVersionRowInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = KufVersionRow
    fields = ("position", "code", "title", "municipality", "gross", "eligible", "grant", "municipal_share")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[KufVersionRow]:
        # Each row's name includes its version's: one query for all rows, not one per row.
        return super().get_queryset(request).select_related("version")


@admin.register(KufVersion)
class KufVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Frozen KuF states: written once when an editor freezes the KuF, immutable (a database trigger
    refuses changes). Shown with their rows; deleting a whole version is allowed."""

    list_display = ("name", "concept", "created_at", "created_by", "row_count")
    list_filter = ("concept", "created_at")
    list_select_related = ("concept",)
    search_fields = ("name", "note", "concept__title", "created_by")
    date_hierarchy = "created_at"
    fields = ("concept", "name", "note", "created_at", "created_by", "years")
    inlines = (KufVersionRowInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[KufVersion]:
        return super().get_queryset(request).annotate(row_count=Count("rows"))

    def get_deleted_objects(self, objs, request: HttpRequest):
        """A version goes with its rows, although rows cannot be deleted on their own."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(KufVersionRow._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    @admin.display(description=_("Zeilen"), ordering="row_count")
    def row_count(self, obj: KufVersion) -> int:
        return obj.row_count


@admin.register(KufVersionRow)
class KufVersionRowAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The rows of frozen versions, as they stood; read-only (they go with their version)."""

    list_display = ("code", "title", "version", "municipality", "gross", "grant", "municipal_share", "gap")
    list_filter = ("version__concept", "version")
    list_select_related = ("version",)
    search_fields = ("code", "title", "municipality", "version__name")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a version is deleted as a whole


# The concept's admin page links to the import into it and to its measure list as Excel. Both belong to
# this app (and ``ihk``'s reports), so the projects admin is extended here rather than reaching up.
admin.site.unregister(Concept)


@admin.register(Concept)
class ConceptWithImportAdmin(ConceptAdmin):
    change_form_template = "admin/funding/concept_change_form.html"

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        """Offers the import only to those it would let in, the Excel download only to those who may
        download the concept's reports."""
        extra = {"can_import": admin_import_allowed(request.user)}
        concept = Concept.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra["can_download"] = concept is not None and request.user.has_perm(DOWNLOAD_REPORTS, concept)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
