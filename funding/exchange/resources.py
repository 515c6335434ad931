"""The admin's export of measures, cost lines and financing modules (django-import-export), in the
columns of the import.

Each resource writes one sheet of the measure list exactly as ``funding.exchange.imports`` reads it: the
columns of ``imports.MEASURE_LAYOUT``, ``COST_LAYOUT`` or ``MODULE_LAYOUT`` with their German headers,
and the cell values of ``imports.export_tables`` (the editor's measure list: action field, quarter and
goal codes, programme codes, choices as German labels, one "Betrag <Jahr>" column per year). So a file
exported from the admin re-imports through the thorough import (``funding.exchange.imports``, "Import aus
Excel/CSV") with every row "unverändert": a CSV of one sheet, or an .xlsx whose sheet carries the
layout's name. django-import-export's own import is not used.

An import always reads into one concept, so an export spans one concept; a selection of several is
refused with a message (``ExportRefused``). Cost lines and financing modules replace those of each
measure named in their sheet, so an export of some but not all cost lines (or modules) of a measure
is refused too: importing it would delete the others.

The formats (``ImportCSV``, ``ImportXLSX``) find the layout by the sheet's name and each column by its
header, and write the cells as the layout declares them. The .xlsx sheet is the editor's measure list
sheet (``exporting.layout_sheet``: headers, number formats such as euros and rates as ``12,50 %``,
widths) written by the app's one writer (``projects.spreadsheets.write_workbook``), so a sheet looks
the same from the admin and from the editor, and text that a spreadsheet program would run as a
formula (``projects.spreadsheets.is_formula_like``) stays text with Excel's apostrophe prefix. CSV is
written as German Excel writes it: semicolons, ``1.234,56``, ``12,5 %``, formula-like text with a
leading apostrophe that the import drops again, UTF-8 with a byte-order mark.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any, ClassVar

import tablib
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.forms import ExportForm

from funding.models import CostLine, FinancingModule
from measures.models import Measure
from projects.models import Concept
from projects.spreadsheets import write_workbook

from . import imports, layouts
from .exporting import csv_text, layout_sheet

# --- Selecting what to export -----------------------------------------------------------------------


class ExportRefused(ValueError):
    """The selection cannot be exported as a file that re-imports correctly (German message).

    A ``ValueError``: the admin's export view shows it as an error message on the export page."""


# Per selectable model: the path to the measure and to the concept.
_SELECTION_PATHS: dict[type[Model], tuple[str, str]] = {
    Measure: ("pk", "concept_id"),
    CostLine: ("measure_id", "measure__concept_id"),
    FinancingModule: ("measure_id", "measure__concept_id"),
}


def _partial_message(kind: str, codes: list[str]) -> str:
    shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
    if kind == imports.COSTS:
        return _(
            "Die Auswahl enthält nur einen Teil der Kostenzeilen der Maßnahmen %(codes)s. Der Import "
            "ersetzt alle Kostenzeilen jeder Maßnahme in der Datei; die übrigen würden gelöscht. Bitte "
            "exportieren Sie alle Kostenzeilen dieser Maßnahmen (z. B. nur nach Konzept filtern)."
        ) % {"codes": shown}
    return _(
        "Die Auswahl enthält nur einen Teil der Finanzierungsbausteine der Maßnahmen %(codes)s. Der "
        "Import ersetzt alle Finanzierungsbausteine jeder Maßnahme in der Datei; die übrigen würden "
        "gelöscht. Bitte exportieren Sie alle Finanzierungsbausteine dieser Maßnahmen (z. B. nur nach "
        "Konzept filtern)."
    ) % {"codes": shown}


def export_table(*, queryset: QuerySet, kind: str) -> imports.Table:
    """The sheet ``kind`` (``imports.MEASURES``, ``COSTS`` or ``MODULES``) for the measures, cost lines
    or financing modules in ``queryset``, in the import's columns and values (``imports.export_tables``).

    A measure selection exports the measures' rows of the sheet (all their cost lines or modules);
    a cost-line or module selection exports those rows and must hold all of them of each measure
    named. Raises ``ExportRefused`` for a selection of several concepts or of part of a measure's
    cost lines or modules. An empty selection gives the header row alone.

    Queries: the selection, the concept and ``imports.load_state`` (seven), however many rows.
    """
    layout = imports.LAYOUT_BY_KIND[kind]
    measure_path, concept_path = _SELECTION_PATHS[queryset.model]
    selection = list(queryset.order_by().values_list("pk", measure_path, concept_path))
    concept_ids = {concept_id for _pk, _measure_id, concept_id in selection}
    if not concept_ids:
        keys = [column.key for column in layout.columns]
        return imports.Table(kind=kind, sheet=layout.sheet, header_row=1, keys=keys, rows=[])
    if len(concept_ids) > 1:
        titles = sorted(Concept.objects.filter(pk__in=concept_ids).values_list("title", flat=True))
        raise ExportRefused(
            _(
                "Die Auswahl umfasst Einträge aus %(count)s Konzepten (%(concepts)s). Eine Export-Datei "
                "gilt für genau ein Konzept, weil der Import sie in ein Konzept einliest. Bitte filtern "
                "Sie die Liste nach „Konzept“ oder wählen Sie nur Einträge eines Konzepts aus."
            )
            % {"count": len(titles), "concepts": "; ".join(titles)}
        )
    state = imports.load_state(concept=Concept.objects.get(pk=concept_ids.pop()))
    measure_ids = {measure_id for _pk, measure_id, _concept_id in selection}
    if queryset.model is not Measure:
        selected = {pk for pk, _measure_id, _concept_id in selection}
        stored = state.cost_lines if queryset.model is CostLine else state.modules
        partial = [
            measure.code
            for measure in state.measures
            if measure.pk in measure_ids and any(row.pk not in selected for row in stored.get(measure.pk, []))
        ]
        if partial:
            raise ExportRefused(_partial_message(kind, partial))
    chosen = dataclasses.replace(state, measures=[m for m in state.measures if m.pk in measure_ids])
    return next(table for table in imports.export_tables(state=chosen) if table.kind == kind)


# --- Resources --------------------------------------------------------------------------------------


class TypedWidget(widgets.Widget):
    """A cell as ``imports.export_tables`` gives it (str, int, Decimal or None): the formats below
    write it (django-import-export asks for typed values only for its own format classes)."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value


def _field(key: str, header: str) -> fields.Field:
    return fields.Field(attribute=key, column_name=header, widget=TypedWidget(), readonly=True)


class SheetResource(resources.Resource):
    """One sheet of the measure list (``layout``) for a selection of ``model`` objects; export only.

    The fields are the layout's columns (and, for financing modules, one per year of the concept),
    so headers and order always follow ``funding.exchange.imports``."""

    layout: ClassVar[imports.Layout]
    model: ClassVar[type[Model]]  # what the admin's selection holds

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = {column.key: _field(column.key, column.header) for column in self.layout.columns}

    @classmethod
    def get_display_name(cls) -> str:
        return cls.layout.label

    def export(self, queryset: QuerySet | None = None, **kwargs: Any) -> tablib.Dataset:
        """The sheet for ``queryset`` (see ``export_table``); ``ExportRefused`` for a selection that
        would not re-import correctly."""
        if queryset is None:
            queryset = self.model._default_manager.all()
        table = export_table(queryset=queryset, kind=self.layout.kind)
        self.fields = {key: self.fields.get(key) or _field(key, table.header(key)) for key in table.keys}
        rows = [dict(zip(table.keys, values, strict=True)) for _number, values in table.rows]
        dataset = super().export(queryset=rows, **kwargs)
        dataset.title = table.sheet
        return dataset


class MeasureResource(SheetResource):
    """The sheet "Maßnahmen": one row per selected measure."""

    layout = imports.MEASURE_LAYOUT
    model = Measure


class CostLineResource(SheetResource):
    """The sheet "Kostenzeilen": the selected cost lines (all of each measure named)."""

    layout = imports.COST_LAYOUT
    model = CostLine


class FinancingModuleResource(SheetResource):
    """The sheet "Finanzierung": the selected financing modules (all of each measure named), with one
    "Betrag <Jahr>" column per programme year of the concept."""

    layout = imports.MODULE_LAYOUT
    model = FinancingModule

    def get_user_visible_fields(self) -> list[fields.Field]:
        """The columns listed on the export page; the per-year columns depend on the concept."""
        years = _("%(header)s <Jahr> (eine Spalte je Programmjahr)") % {"header": self.layout.year_header}
        return [*super().get_user_visible_fields(), fields.Field(column_name=years)]


def export_filename(*, resource: type[SheetResource], queryset: QuerySet, extension: str) -> str:
    """``<concept slug>-<sheet>-<date>.<extension>``, ASCII only (the sheet name without umlauts).
    One query."""
    _measure_path, concept_path = _SELECTION_PATHS[queryset.model]
    slug_path = concept_path.removesuffix("_id") + "__slug"
    slugs = list(queryset.order_by().values_list(slug_path, flat=True).distinct()[:2])
    sheet = resource.layout.sheet.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    prefix = f"{slugs[0]}-" if len(slugs) == 1 else ""
    return f"{prefix}{sheet}-{timezone.localdate():%Y-%m-%d}.{extension}"


class SheetExportForm(ExportForm):
    """django-import-export's export form. Its choice of the resource is a hidden field (each admin
    has one), so a tampered choice would only show the form again without a word: say so instead."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "resource" in self.errors:
            self.add_error(
                None,
                _(
                    "Die Auswahl der Tabelle ist ungültig; es wurde keine Datei erstellt. Bitte laden Sie "
                    "die Seite neu."
                ),
            )
        return cleaned


# --- Formats ----------------------------------------------------------------------------------------


def _sheet_layout(dataset: tablib.Dataset) -> tuple[layouts.Layout, list[str]]:
    """The layout of a dataset (by its title, the sheet name the resource gave it) and the key of each
    of its columns (by its header)."""
    layout = layouts.layout_for_sheet(dataset.title or "")
    if layout is None:  # pragma: no cover - every resource names its sheet
        raise ValueError(f"No layout for the sheet {dataset.title!r}.")
    keys = [layout.key_for_header(str(header)) for header in dataset.headers]
    if None in keys:  # pragma: no cover - the resources' fields are the layout's columns
        raise ValueError(f"Columns of no layout in {dataset.headers!r}.")
    return layout, keys


class ImportCSV(base_formats.CSV):
    """CSV as German Excel writes it: semicolons, German numbers (``exporting.csv_text``)."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        layout, keys = _sheet_layout(dataset)
        percent = [layout.column(key).kind == layouts.PERCENT for key in keys]
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        for row in dataset:
            writer.writerow([csv_text(cell, percent=p) for cell, p in zip(row, percent, strict=True)])
        return out.getvalue()


class ImportXLSX(base_formats.XLSX):
    """The sheet as the editor's measure list has it (``exporting.layout_sheet``: the layout's headers,
    number formats and widths), written by the app's one writer (``projects.spreadsheets``), which
    writes every text as a text cell: formula-like text gets Excel's apostrophe prefix, so it stays text
    even after editing and reads back unchanged."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        layout, keys = _sheet_layout(dataset)
        sheet = layout_sheet(layout=layout, keys=keys, rows=list(dataset))
        return write_workbook([sheet], title=layout.sheet)


EXPORT_FORMATS = (ImportXLSX, ImportCSV)
