"""Import of measures, cost lines and financing modules from .xlsx or .csv into one concept: the stable
public interface of the import (the modules named below do the work; other code imports from here).

Three steps, so that a file with a mistake never half-imports:

1. ``read_upload`` (``reading``) reads the file into plain, JSON-serialisable tables (``ParsedFile``),
   recognises the layout of each sheet by its header row (the columns of the measure-list export,
   ``layouts.LAYOUTS``) and reports a wrong layout (missing columns, unknown sheet) at once. The parsed
   tables are what the editor keeps in the session between preview and confirmation; the uploaded file
   itself is not kept.
2. ``import_plan`` (``planning``, with one planner per sheet: ``plan_measures``, ``plan_costs``,
   ``plan_modules``) checks every row against the concept and the database and classifies it: "neu",
   "geändert" (with old and new value per changed column), "unverändert", or errors with row number,
   column and a German message. Cost lines and financing modules replace those of each measure named
   in their sheet; the rows of the database without a counterpart are listed as deleted.
3. The preview keeps its plan on the server (``ImportPlan.stored()``, a ``StoredPlan``: the writes in
   plain values, the preview's digest and the hash of the data it was computed from,
   ``state.state_basis``). ``import_apply`` (``applying``) applies that plan without planning again,
   in one transaction: it refuses if any row is wrong, if the user confirmed another preview
   (``ImportPlan.digest``), or if the measures the file names, their rows or the concept's structure
   changed since (the measures locked on PostgreSQL, the basis compared). Otherwise everything is
   written with bulk statements, and every created, changed or deleted row gets a
   django-simple-history record naming the importing user, as an edit in the browser would. Touched
   measures get a new version, so an editor opened before the import reports a conflict instead of
   overwriting it.

The same validation as the browser editor applies, on plain values (no model instance per row): each
cell in its column's kind and limits (``cells.column_reader``, made once per column: the length limit
of the model field, the choices, two decimals, the ranges of amounts, rates and years, which the model
fields' validators also hold), the rules of a cost line and a module (``funding.editor.validation``:
rate or amount, programme only for grants, rate within the programme's maximum, ineligible within
gross, which are also the models' ``clean``), the editor's rule that the end is not before the start,
the service's rules (years within the measure's period, ``funding.editor.services.financing_errors``);
``Measure.clean`` queries the database, and its rules hold by construction, since action fields and
municipalities are looked up among the concept's own. Beyond the editor, a new or changed period of a
measure must lie within the concept's programme years. Every bad cell of a row is reported, not only
the first.
A fixed amount together with per-year amounts is accepted when they agree (the demo data has such
modules), as in the editor, so that every exported file re-imports. Lookups (action fields,
municipalities, quarters, goals, programmes, measures, cost lines, modules) are loaded once
(``state.load_state``): no query per row. Measures are matched by their "Kennung" (uid) if given, else
by their code; cost lines by measure, year and cost section; modules by measure, kind, programme and
payer.

``export_tables`` (``exporting``) writes a concept's rows in the same columns, so that an exported file
re-imports unchanged; ``exporting.measure_list_xlsx`` writes them as a workbook.
"""

from .applying import BATCH, ImportRefused, import_apply
from .cells import CENT, HUNDRED, MONEY_LIMIT, CellError, column_reader, parse_cell
from .exporting import csv_text, export_tables, layout_sheet, measure_list_xlsx, table_sheet
from .layouts import (
    CHOICE,
    CHOICES,
    CODE,
    CODES,
    COST_LAYOUT,
    COSTS,
    INFO,
    INTEGER,
    LAYOUT_BY_KIND,
    LAYOUT_LABELS,
    LAYOUTS,
    MEASURE_FKS,
    MEASURE_LAYOUT,
    MEASURE_SCALARS,
    MEASURES,
    MODULE_KIND_WORDS,
    MODULE_LAYOUT,
    MODULES,
    MONEY,
    PERCENT,
    TEXT,
    UID,
    YEAR,
    Column,
    Layout,
    choice_label,
    normalize_header,
    year_column_header,
)
from .plan import (
    CHANGED,
    DELETED,
    ERROR,
    NEW,
    STATUS_LABELS,
    UNCHANGED,
    Change,
    ImportPlan,
    MeasureWrite,
    RowOutcome,
    StoredPlan,
    Writes,
)
from .planning import import_plan
from .reading import (
    EXTENSIONS,
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    read_upload,
)
from .state import State, load_state, state_basis
from .tables import Cell, ImportFileError, Issue, ParsedFile, Table

__all__ = [
    "BATCH",
    "CENT",
    "CHANGED",
    "CHOICE",
    "CHOICES",
    "CODE",
    "CODES",
    "COSTS",
    "COST_LAYOUT",
    "DELETED",
    "ERROR",
    "EXTENSIONS",
    "HEADER_SEARCH_ROWS",
    "HUNDRED",
    "INFO",
    "INTEGER",
    "LAYOUTS",
    "LAYOUT_BY_KIND",
    "LAYOUT_LABELS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MEASURES",
    "MEASURE_FKS",
    "MEASURE_LAYOUT",
    "MEASURE_SCALARS",
    "MODULES",
    "MODULE_KIND_WORDS",
    "MODULE_LAYOUT",
    "MONEY",
    "MONEY_LIMIT",
    "NEW",
    "PERCENT",
    "STATUS_LABELS",
    "TEXT",
    "UID",
    "UNCHANGED",
    "YEAR",
    "Cell",
    "CellError",
    "Change",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "ImportRefused",
    "Issue",
    "Layout",
    "MeasureWrite",
    "ParsedFile",
    "RowOutcome",
    "State",
    "StoredPlan",
    "Table",
    "Writes",
    "choice_label",
    "column_reader",
    "csv_text",
    "export_tables",
    "import_apply",
    "import_plan",
    "layout_sheet",
    "load_state",
    "measure_list_xlsx",
    "normalize_header",
    "parse_cell",
    "read_upload",
    "state_basis",
    "table_sheet",
    "year_column_header",
]
