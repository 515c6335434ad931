"""Import and export of cost lines (django-import-export).

A cost line names its measure the way people do: concept slug plus measure code, looked up within
that concept. Cost lines have no natural key of their own (a measure may have two lines for the same
year and section), so a row with an ``ID`` updates that line and a row without one creates a new line.
Headers are fixed German strings for the reason given in ``measures.resources``.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from import_export import fields

from measures.models import Measure
from measures.resources import CONCEPT_COLUMN, ConceptScopedForeignKeyWidget, GermanHeadersResource

from .models import CostLine


class CostLineResource(GermanHeadersResource):
    # Export only: on import the column is read by the measure lookup, not stored.
    concept = fields.Field(attribute="measure__concept__slug", column_name=CONCEPT_COLUMN, readonly=True)
    measure = fields.Field(
        attribute="measure",
        column_name="Maßnahme",
        widget=ConceptScopedForeignKeyWidget(Measure, field="code"),
    )

    column_names: ClassVar[dict[str, str]] = {
        "id": "ID",
        "section": "Kostengruppe",
        "year": "Jahr",
        "gross": "Gesamtkosten",
        "ineligible": "davon nicht förderfähig",
        "note": "Bemerkung",
    }

    class Meta:
        model = CostLine
        name = gettext_lazy("Kostenzeilen")
        fields = ("id", "concept", "measure", "section", "year", "gross", "ineligible", "note")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("measure__concept")
