"""Admin for programmes, rates, cost lines, financing and approval notices, and for measures.

``Measure`` is registered here, not in ``measures``, because its admin shows cost lines, financing
modules and money totals, and only ``funding`` may know about those.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from measures.admin import MeasureAdminBase
from measures.models import Measure
from measures.resources import MeasureResource
from projects.formatting import format_eur, format_percent

from .models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    MunicipalRate,
)
from .resources import CostLineResource
from .selectors import measures_with_totals

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


@admin.register(Measure)
class MeasureAdmin(ImportExportModelAdmin, MeasureAdminBase):
    resource_classes = (MeasureResource,)
    list_display = (
        *MeasureAdminBase.list_display,
        "gross_total_column",
        "eligible_total_column",
        "module_count_column",
    )
    inlines = (*MeasureAdminBase.inlines, CostLineInline, FinancingModuleInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Measure]:
        return measures_with_totals(super().get_queryset(request))

    @admin.display(description=_("Gesamtkosten"), ordering="gross_total")
    def gross_total_column(self, obj: Measure) -> str:
        return format_eur(obj.gross_total)

    @admin.display(description=_("förderfähig"), ordering="eligible_total")
    def eligible_total_column(self, obj: Measure) -> str:
        return format_eur(obj.eligible_total)

    @admin.display(description=_("Finanzierungsbausteine"), ordering="module_count")
    def module_count_column(self, obj: Measure) -> int:
        return obj.module_count


# --- Funding -------------------------------------------------------------------------------------------


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "urban_programme", "default_rate_column", "max_rate_column")
    list_display_links = ("code", "name")
    list_filter = ("level", "urban_programme")
    search_fields = ("code", "name")

    @admin.display(description=_("Regelfördersatz"), ordering="default_rate")
    def default_rate_column(self, obj: FundingProgramme) -> str:
        return format_percent(obj.default_rate)

    @admin.display(description=_("Höchstfördersatz"), ordering="max_rate")
    def max_rate_column(self, obj: FundingProgramme) -> str:
        return format_percent(obj.max_rate)


@admin.register(MunicipalRate)
class MunicipalRateAdmin(admin.ModelAdmin):
    list_display = ("municipality", "programme", "year", "rate_column")
    list_filter = ("year", "programme", "municipality")
    list_select_related = ("municipality", "programme")
    search_fields = ("municipality__name", "municipality__ags", "programme__code", "programme__name")
    autocomplete_fields = ("municipality", "programme")

    @admin.display(description=_("Fördersatz"), ordering="rate")
    def rate_column(self, obj: MunicipalRate) -> str:
        return format_percent(obj.rate)


@admin.register(CostLine)
class CostLineAdmin(ImportExportModelAdmin):
    resource_classes = (CostLineResource,)
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

    @admin.display(description=_("Gesamtkosten"), ordering="gross")
    def gross_column(self, obj: CostLine) -> str:
        return format_eur(obj.gross)

    @admin.display(description=_("nicht förderfähig"), ordering="ineligible")
    def ineligible_column(self, obj: CostLine) -> str:
        return format_eur(obj.ineligible)

    @admin.display(description=_("förderfähig"))
    def eligible_column(self, obj: CostLine) -> str:
        return format_eur(obj.gross - obj.ineligible)


@admin.register(FinancingModule)
class FinancingModuleAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("Fester Betrag"), ordering="amount")
    def amount_column(self, obj: FinancingModule) -> str:
        return format_eur(obj.amount)


@admin.register(FinancingYear)
class FinancingYearAdmin(admin.ModelAdmin):
    list_display = ("module", "year", "amount_column")
    list_filter = ("year", "module__measure__concept")
    list_select_related = ("module__measure", "module__programme")
    search_fields = ("module__measure__code", "module__programme__code", "module__source")
    autocomplete_fields = ("module",)

    @admin.display(description=_("Betrag"), ordering="amount")
    def amount_column(self, obj: FinancingYear) -> str:
        return format_eur(obj.amount)


@admin.register(ApprovalNotice)
class ApprovalNoticeAdmin(admin.ModelAdmin):
    list_display = ("reference", "concept", "municipality", "programme", "year", "amount_column", "date")
    list_filter = ("year", "programme", "municipality", "concept")
    list_select_related = ("concept", "municipality", "programme")
    search_fields = ("reference", "note", "municipality__name")
    autocomplete_fields = ("concept", "municipality", "programme")
    date_hierarchy = "date"

    @admin.display(description=_("Bewilligter Betrag"), ordering="amount")
    def amount_column(self, obj: ApprovalNotice) -> str:
        return format_eur(obj.amount)
