"""Import of measures, cost lines and financing modules from .xlsx or .csv into one concept.

Three steps, so that a file with a mistake never half-imports:

1. ``read_upload`` reads the file into plain, JSON-serialisable tables (``ParsedFile``), recognises the
   layout of each sheet by its header row (the columns of the measure-list export, see ``LAYOUTS``) and
   reports a wrong layout (missing columns, unknown sheet) at once. The parsed tables are what the
   editor keeps in the session between preview and confirmation; the uploaded file itself is not kept.
2. ``import_plan`` checks every row against the concept and the database and classifies it: "neu",
   "geändert" (with old and new value per changed column), "unverändert", or errors with row number,
   column and a German message. Cost lines and financing modules replace those of each measure named
   in their sheet; the rows of the database without a counterpart are listed as deleted.
3. ``import_apply`` runs the plan again inside one transaction (with the measures locked on
   PostgreSQL) and refuses if it differs from the preview the user confirmed (``ImportPlan.digest``) or
   if any row is wrong. Otherwise everything is written with bulk statements, and every created,
   changed or deleted row gets a django-simple-history record naming the importing user, as an edit in
   the browser would. Touched measures get a new version, so an editor opened before the import reports
   a conflict instead of overwriting it.

The same validation as the browser editor applies: the editor forms' rules (rate or amount, programme
only for grants, rate within the programme's maximum, ineligible within gross, end not before start),
the service's rules (years within the measure's period, ``services.financing_errors``), and the
models' own ``clean_fields`` and ``clean`` (``Measure.clean`` excepted: it queries the database, and
its rules hold by construction, since action fields and municipalities are looked up among the
concept's own). Beyond the editor, a new or changed period of a measure must lie within the concept's
programme years. Every bad cell of a row is reported, not only the first.
A fixed amount together with per-year amounts is accepted when they agree (the demo data has such
modules), as in the editor, so that every exported file re-imports. Lookups (action fields,
municipalities, quarters, goals, programmes, measures, cost lines, modules) are loaded once
(``load_state``): no query per row. Measures are matched by their "Kennung" (uid) if given, else by
their code; cost lines by measure, year and cost section; modules by measure, kind, programme and
payer.

Column headers are fixed German strings, not gettext: a header is part of the file's contract and
must not change with the interface language, or a file exported in German would not import in
English. Values of choice fields are written with their German labels and read in German, English or
as stored values.
"""

from __future__ import annotations

import copy
import csv
import datetime
import functools
import hashlib
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.editor import services as editor_services
from funding.models import CostLine, CostSection, FinancingModule, FinancingYear, FundingProgramme
from measures.models import Measure
from measures.services import measure_period_errors
from projects.formatting import format_eur, format_number, format_percent
from projects.models import ActionField, Concept, Goal, Municipality, Quarter
from projects.parsing import parse_decimal
from projects.spreadsheets import is_formula_like

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # an .xlsx is a zip: refuse archives that unpack to more
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 20
EXTENSIONS = (".xlsx", ".csv")

MEASURES = "measures"
COSTS = "costs"
MODULES = "modules"

# Column kinds: how a cell is read and compared.
TEXT = "text"
CODE = "code"  # a short identifier: no line breaks
INTEGER = "integer"
YEAR = "year"
MONEY = "money"
PERCENT = "percent"
CHOICE = "choice"
CODES = "codes"  # comma-separated codes
UID = "uid"
INFO = "info"  # written for readers, ignored on import

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MONEY_LIMIT = Decimal("1000000000000")  # 14 digits, two of them decimals
FLOAT_TOLERANCE = Decimal("0.000001")  # what a spreadsheet's binary arithmetic may add to a cent value


# --- Layouts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False  # the column must be present in the file
    blank: bool = True  # an empty cell is allowed
    max_length: int | None = None
    aliases: tuple[str, ...] = ()

    def headers(self) -> set[str]:
        return {normalize_header(name) for name in (self.header, *self.aliases)}


@dataclass(frozen=True)
class Layout:
    kind: str
    sheet: str  # the sheet's name in the workbook
    columns: tuple[Column, ...]
    year_header: str = ""  # per-year amount columns: "Betrag 2025"

    @property
    def label(self) -> str:
        return str(LAYOUT_LABELS[self.kind])

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


LAYOUT_LABELS = {
    MEASURES: gettext_lazy("Maßnahmen"),
    COSTS: gettext_lazy("Kostenzeilen"),
    MODULES: gettext_lazy("Finanzierung"),
}

MEASURE_LAYOUT = Layout(
    kind=MEASURES,
    sheet="Maßnahmen",
    columns=(
        Column("code", "Kürzel", CODE, required=True, blank=False, max_length=30),
        Column("title", "Titel", TEXT, required=True, blank=False, max_length=300),
        Column("action_field", "Handlungsfeld", CODE, required=True, blank=False),
        Column(
            "municipality",
            "Kommune",
            TEXT,
            required=True,
            blank=False,
            aliases=("Kommune (AGS)", "Federführende Kommune"),
        ),
        Column("quarters", "Quartiere", CODES),
        Column("goals", "Ziele", CODES),
        Column("responsible_body", "Träger", TEXT, max_length=200),
        Column("partners", "Partner", TEXT),
        Column("starting_situation", "Ausgangslage", TEXT),
        Column("description", "Beschreibung", TEXT),
        Column("expected_effect", "Erwartete Wirkung", TEXT),
        Column("climate_relevance", "Klimarelevanz", CHOICE),
        Column("climate_note", "Erläuterung Klimarelevanz", TEXT),
        Column("priority", "Priorität", CHOICE),
        Column("status", "Status", CHOICE),
        Column(
            "hoai_phase",
            "Planungsstand (HOAI-Phase)",
            CHOICE,
            aliases=("HOAI-Phase", "Planungsstand"),
        ),
        Column("start_year", "Beginn", YEAR, required=True, blank=False),
        Column("end_year", "Ende", YEAR, required=True, blank=False),
        Column("cost_base_year", "Kostenstand", YEAR),
        Column("order", "Reihenfolge", INTEGER),
        Column("uid", "Kennung", UID),
    ),
)
COST_LAYOUT = Layout(
    kind=COSTS,
    sheet="Kostenzeilen",
    columns=(
        Column("code", "Kürzel", CODE, required=True, blank=False),
        Column("measure_title", "Maßnahme (nur zur Information)", INFO),
        Column("year", "Jahr", YEAR, required=True, blank=False),
        Column("section", "Kostengruppe", CHOICE, required=True, blank=False),
        Column("gross", "Gesamtkosten", MONEY, required=True, blank=False),
        Column("ineligible", "davon nicht förderfähig", MONEY),
        Column("note", "Bemerkung", TEXT, max_length=300),
    ),
)
MODULE_LAYOUT = Layout(
    kind=MODULES,
    sheet="Finanzierung",
    columns=(
        Column("code", "Kürzel", CODE, required=True, blank=False),
        Column("measure_title", "Maßnahme (nur zur Information)", INFO),
        Column("kind", "Art", CHOICE, required=True, blank=False),
        Column("programme", "Programm", CODE, required=True),
        Column("source", "Geldgeber", TEXT, max_length=200),
        Column("cost_share", "Anteil (%)", PERCENT, aliases=("Anteil an den förderfähigen Kosten (%)",)),
        Column("rate", "Satz (%)", PERCENT, aliases=("Fördersatz (%)",)),
        Column("amount", "Fester Betrag", MONEY),
    ),
    year_header="Betrag",
)
LAYOUTS = (MEASURE_LAYOUT, COST_LAYOUT, MODULE_LAYOUT)
LAYOUT_BY_KIND = {layout.kind: layout for layout in LAYOUTS}
_YEAR_HEADER = re.compile(r"^(?:betrag|jahresscheibe)\s+(\d{4})$")


def normalize_header(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def year_column_header(year: int) -> str:
    return f"{MODULE_LAYOUT.year_header} {year}"


# --- Messages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """An error: sheet (label), row number in the file (0: the whole file), column header, message."""

    sheet: str
    row: int
    column: str
    message: str


class ImportFileError(Exception):
    """The file cannot be read at all, or its layout is wrong."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = issues


# --- Reading files ----------------------------------------------------------------------------------

# A cell as kept between upload and confirmation: None, a string, or ["n", "<decimal>", percent_format].
Cell = None | str | list


@dataclass
class Table:
    """One sheet in one layout. ``keys`` are the layout's column keys present in the file plus
    ``"year:<year>"`` for per-year amounts; each row holds the cells in that order. For the export,
    ``rows`` hold typed values (str, int, Decimal, None) instead of cells."""

    kind: str
    sheet: str
    header_row: int
    keys: list[str]
    rows: list[tuple[int, list]]

    @property
    def layout(self) -> Layout:
        return LAYOUT_BY_KIND[self.kind]

    @property
    def label(self) -> str:
        return self.layout.label

    def header(self, key: str) -> str:
        if key.startswith("year:"):
            return year_column_header(int(key[5:]))
        return self.layout.column(key).header


@dataclass
class ParsedFile:
    name: str
    tables: list[Table]

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "tables": [
                {
                    "kind": t.kind,
                    "sheet": t.sheet,
                    "header_row": t.header_row,
                    "keys": t.keys,
                    "rows": [[number, cells] for number, cells in t.rows],
                }
                for t in self.tables
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> ParsedFile:
        return cls(
            name=data["name"],
            tables=[
                Table(
                    kind=t["kind"],
                    sheet=t["sheet"],
                    header_row=t["header_row"],
                    keys=list(t["keys"]),
                    rows=[(number, cells) for number, cells in t["rows"]],
                )
                for t in data["tables"]
            ],
        )


def _percent_format(number_format: str | None) -> bool:
    """Whether a number format scales by 100 (an unquoted ``%``)."""
    if not number_format:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _xlsx_cell(value: object, number_format: str | None) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        text = repr(value) if isinstance(value, float) else str(value)
        return ["n", text, _percent_format(number_format)]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return ["d", value.isoformat()]
    return str(value)


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, list):
        return cell[1]
    return cell


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(
            [Issue("", 0, "", _("Die Datei ist keine gültige Excel-Datei (.xlsx)."))]
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError([Issue("", 0, "", _("Die Excel-Datei ist entpackt zu groß."))])


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[list[Cell]]]]:
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for broken files
        raise ImportFileError(
            [Issue("", 0, "", _("Die Datei ist keine gültige Excel-Datei (.xlsx)."))]
        ) from None

    def rows(ws) -> Iterator[list[Cell]]:
        ws.reset_dimensions()  # some programs write wrong dimensions; read what is there
        for row in ws.iter_rows():
            yield [_xlsx_cell(getattr(c, "value", None), getattr(c, "number_format", None)) for c in row]

    try:
        for ws in workbook.worksheets:
            yield ws.title, rows(ws)
    finally:
        workbook.close()


def _csv_cell(value: str) -> str | None:
    if not value.strip():
        return None
    # The admin's CSV export (``funding.exchange.resources``) writes formula-like text with a leading apostrophe
    # (OWASP "CSV injection"); reading drops it again, so the file re-imports unchanged.
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise ImportFileError([Issue("", 0, "", _("Die CSV-Datei ist nicht lesbar (Zeichensatz)."))])
    if "\x00" in text:
        raise ImportFileError([Issue("", 0, "", _("Die Datei ist keine CSV-Datei."))])
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [_csv_cell(value) for value in row]


def _recognise(
    sheet: str, head: list[list[Cell]]
) -> tuple[Layout | None, int, dict[str, int], dict[int, int], list[Issue]]:
    """The layout of a sheet, its header row index (0-based), the column index of each key and of each
    per-year column, and layout issues."""
    named = next(
        (layout for layout in LAYOUTS if sheet and layout.sheet.casefold() == sheet.casefold()), None
    )
    candidates = (named,) if named else LAYOUTS
    best: tuple[int, int, Layout] | None = None
    for index, row in enumerate(head):
        headers = [normalize_header(_cell_text(cell)) for cell in row]
        present = set(headers)
        for layout in candidates:
            required = [column for column in layout.columns if column.required]
            found = sum(1 for column in required if column.headers() & present)
            if best is None or found > best[0]:
                best = (found, index, layout)
            if found < len(required):
                continue
            columns: dict[str, int] = {}
            years: dict[int, int] = {}
            issues = []
            label = layout.label
            for position, header in enumerate(headers):
                if not header:
                    continue
                column = next((c for c in layout.columns if header in c.headers()), None)
                match = _YEAR_HEADER.match(header) if layout.year_header else None
                key = column.key if column else (int(match.group(1)) if match else None)
                if key is None:
                    continue
                target = columns if column else years
                if key in target:
                    issues.append(
                        Issue(
                            label,
                            index + 1,
                            _cell_text(row[position]),
                            _("Die Spalte kommt in der Kopfzeile mehrfach vor."),
                        )
                    )
                target[key] = position
            return layout, index, columns, years, issues
    # A sheet named like a layout, or a CSV file (one table) that has most of a layout's columns:
    # name the missing ones. Other sheets of a workbook (a title page, notes) are ignored.
    if best is not None and (named is not None or (not sheet and best[0] >= 2)):
        found, index, layout = best
        present = {normalize_header(_cell_text(cell)) for cell in head[index]} if head else set()
        missing = [c.header for c in layout.columns if c.required and not c.headers() & present]
        return (
            None,
            index,
            {},
            {},
            [
                Issue(
                    layout.label,
                    index + 1,
                    header,
                    _("Die Spalte „%(column)s“ fehlt in der Kopfzeile des Blatts „%(sheet)s“.")
                    % {"column": header, "sheet": sheet or layout.sheet},
                )
                for header in missing
            ],
        )
    return None, 0, {}, {}, []


def _layout_hint() -> str:
    return _(
        "Erwartet wird eine Kopfzeile wie in der Excel-Ausgabe „Maßnahmenliste“: Blatt „Maßnahmen“ "
        "(Kürzel, Titel, Handlungsfeld, Kommune, Beginn, Ende, …), „Kostenzeilen“ (Kürzel, Jahr, "
        "Kostengruppe, Gesamtkosten, …) oder „Finanzierung“ (Kürzel, Art, Programm, …)."
    )


def _read_table(
    sheet: str, rows: Iterator[list[Cell]], budget: list[int]
) -> tuple[Table | None, list[Issue]]:
    head: list[list[Cell]] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    layout, header_index, columns, years, issues = _recognise(sheet, head)
    if layout is None:
        return None, issues
    keys = list(columns) + [f"year:{year}" for year in years]
    positions = list(columns.values()) + list(years.values())
    table = Table(kind=layout.kind, sheet=sheet, header_row=header_index + 1, keys=keys, rows=[])

    def data_rows() -> Iterator[tuple[int, list[Cell]]]:
        for number, row in enumerate(head[header_index + 1 :], start=header_index + 2):
            yield number, row
        for number, row in enumerate(rows, start=len(head) + 1):
            yield number, row

    for number, row in data_rows():
        cells = [row[position] if position < len(row) else None for position in positions]
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            return None, [
                Issue(
                    layout.label,
                    number,
                    "",
                    _("Die Datei hat mehr als %(max)s Datenzeilen; bitte teilen Sie sie auf.")
                    % {"max": format_number(MAX_ROWS, 0)},
                )
            ]
        table.rows.append((number, cells))
    return table, issues


def read_upload(*, name: str, data: bytes) -> ParsedFile:
    """Read an uploaded .xlsx or .csv into tables; ``ImportFileError`` for an unreadable file or a
    wrong layout (missing columns, no known sheet, a sheet twice)."""
    lowered = name.lower()
    if not lowered.endswith(EXTENSIONS):
        raise ImportFileError([Issue("", 0, "", _("Bitte eine .xlsx- oder .csv-Datei hochladen."))])
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            [
                Issue(
                    "",
                    0,
                    "",
                    _("Die Datei ist größer als %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
                )
            ]
        )
    if lowered.endswith(".xlsx"):
        sheets: Iterable[tuple[str, Iterator[list[Cell]]]] = _xlsx_sheets(data)
    else:
        sheets = [("", _csv_rows(data))]
    tables: list[Table] = []
    issues: list[Issue] = []
    budget = [MAX_ROWS]
    for sheet, rows in sheets:
        table, sheet_issues = _read_table(sheet, rows, budget)
        issues += sheet_issues
        if table is None:
            continue
        if any(other.kind == table.kind for other in tables):
            issues.append(
                Issue(
                    table.label,
                    0,
                    "",
                    _("Die Datei enthält mehr als ein Blatt mit %(kind)s.") % {"kind": table.label},
                )
            )
            continue
        tables.append(table)
    if not tables and not issues:
        message = (
            _("Die Datei enthält kein Blatt „Maßnahmen“, „Kostenzeilen“ oder „Finanzierung“.")
            if lowered.endswith(".xlsx")
            else _("Die Kopfzeile passt zu keinem bekannten Aufbau.")
        )
        issues.append(Issue("", 1, "", f"{message} {_layout_hint()}"))
    if issues:
        raise ImportFileError(issues)
    return ParsedFile(name=name, tables=tables)


# --- The concept as it is now -----------------------------------------------------------------------


@dataclass
class State:
    """Everything of a concept the import compares with, loaded in a fixed number of queries."""

    concept: Concept
    action_fields: dict[str, ActionField]
    municipalities: list[Municipality]
    quarters: dict[str, Quarter]
    goals: list[Goal]
    programmes: dict[str, FundingProgramme]
    measures: list[Measure]
    measure_quarters: dict[int, dict[int, int]]  # measure id → {quarter id: through row id}
    measure_goals: dict[int, dict[int, int]]
    cost_lines: dict[int, list[CostLine]]  # by measure id, in (year, section, id) order
    modules: dict[int, list[FinancingModule]]  # by measure id, in (order, id) order
    module_years: dict[int, dict[int, FinancingYear]]  # by module id, then year

    def __post_init__(self) -> None:
        self.measures_by_code = {measure.code: measure for measure in self.measures}
        self.measures_by_uid = {str(measure.uid): measure for measure in self.measures}
        self.quarter_codes = {quarter.pk: quarter.code for quarter in self.quarters.values()}
        codes: dict[str, list[Goal]] = {}
        for goal in self.goals:
            codes.setdefault(goal.code, []).append(goal)
        self.goals_by_code = codes
        self.goal_codes = {
            goal.pk: goal.code if len(codes[goal.code]) == 1 else f"{goal.action_field.code}/{goal.code}"
            for goal in self.goals
        }
        self.programmes_by_id = {programme.pk: programme for programme in self.programmes.values()}
        self.action_fields_by_id = {field.pk: field for field in self.action_fields.values()}
        self.municipalities_by_id = {municipality.pk: municipality for municipality in self.municipalities}


def load_state(*, concept: Concept, lock: bool = False) -> State:
    """The concept's structure, measures, cost lines and financing modules. Eleven queries, however
    many rows: action fields, municipalities, quarters, goals, programmes, measures, their quarters and
    goals, cost lines, modules, per-year amounts. ``lock`` locks the measures (``SELECT … FOR UPDATE``)
    until the end of the surrounding transaction."""
    measures = Measure.objects.filter(concept=concept).order_by(
        "action_field__order", "action_field__code", "order", "code", "pk"
    )
    if lock:
        measures = measures.select_for_update(of=("self",))
    measures = list(measures)
    through_quarters = Measure.quarters.through.objects.filter(measure__concept=concept)
    through_goals = Measure.goals.through.objects.filter(measure__concept=concept)
    measure_quarters: dict[int, dict[int, int]] = {}
    for pk, measure_id, quarter_id in through_quarters.values_list("pk", "measure_id", "quarter_id"):
        measure_quarters.setdefault(measure_id, {})[quarter_id] = pk
    measure_goals: dict[int, dict[int, int]] = {}
    for pk, measure_id, goal_id in through_goals.values_list("pk", "measure_id", "goal_id"):
        measure_goals.setdefault(measure_id, {})[goal_id] = pk
    cost_lines: dict[int, list[CostLine]] = {}
    for line in CostLine.objects.filter(measure__concept=concept).order_by(
        "measure", "year", "section", "pk"
    ):
        cost_lines.setdefault(line.measure_id, []).append(line)
    modules: dict[int, list[FinancingModule]] = {}
    for module in FinancingModule.objects.filter(measure__concept=concept).order_by("measure", "order", "pk"):
        modules.setdefault(module.measure_id, []).append(module)
    module_years: dict[int, dict[int, FinancingYear]] = {}
    for entry in FinancingYear.objects.filter(module__measure__concept=concept).order_by("module", "year"):
        module_years.setdefault(entry.module_id, {})[entry.year] = entry
    return State(
        concept=concept,
        action_fields={field.code: field for field in concept.action_fields.order_by("order", "code")},
        municipalities=list(Municipality.objects.filter(participations__concept=concept).order_by("name")),
        quarters={quarter.code: quarter for quarter in concept.quarters.order_by("order", "code")},
        goals=list(
            Goal.objects.filter(action_field__concept=concept)
            .select_related("action_field")
            .order_by("action_field__order", "order", "code")
        ),
        programmes={programme.code: programme for programme in FundingProgramme.objects.order_by("code")},
        measures=measures,
        measure_quarters=measure_quarters,
        measure_goals=measure_goals,
        cost_lines=cost_lines,
        modules=modules,
        module_years=module_years,
    )


# --- Choices ----------------------------------------------------------------------------------------


def _choice_labels(choices: Sequence[tuple[object, object]], language: str) -> dict[object, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices}


def _export_label(choices: Sequence[tuple[object, object]], value: object) -> str:
    return _choice_labels(choices, "de").get(value, str(value))


MODULE_KIND_WORDS = {
    "zuwendung": FinancingModule.Kind.GRANT,
    "förderung": FinancingModule.Kind.GRANT,
    "fördermittel": FinancingModule.Kind.GRANT,
    "dritte": FinancingModule.Kind.THIRD_PARTY,
    "drittmittel": FinancingModule.Kind.THIRD_PARTY,
    "eigenmittel": FinancingModule.Kind.MUNICIPAL,
    "eigenanteil": FinancingModule.Kind.MUNICIPAL,
}


def _choice_map(choices: Sequence[tuple[object, object]], extra: dict[str, object] | None = None):
    """Normalised text → stored value: the value itself, the German and English labels, and for
    numbered choices ("3 – Entwurfsplanung", "9 Baumaßnahmen") the leading number."""
    mapping: dict[str, object] = {}
    for language in ("en", "de"):
        for value, label in _choice_labels(choices, language).items():
            mapping[normalize_header(label)] = value
    for value, _label in choices:
        mapping[normalize_header(value)] = value
    mapping.update({normalize_header(key): value for key, value in (extra or {}).items()})
    return mapping


CHOICES: dict[str, Callable[[], tuple[list, dict[str, object]]]] = {
    "climate_relevance": lambda: (Measure.Climate.choices, {}),
    "status": lambda: (Measure.Status.choices, {}),
    "priority": lambda: (
        Measure.Priority.choices,
        {f"p{value}": value for value in Measure.Priority.values},
    ),
    "hoai_phase": lambda: (Measure.HoaiPhase.choices, {}),
    "section": lambda: (CostSection.choices, {}),
    "kind": lambda: (FinancingModule.Kind.choices, MODULE_KIND_WORDS),
}
_NUMBERED_CHOICE = re.compile(r"^(\d+)\b")


# --- Reading cells ----------------------------------------------------------------------------------


class CellError(ValueError):
    pass


# Messages passed around before an error is known: translated only when shown.
NOT_A_YEAR = gettext_lazy("Bitte eine Jahreszahl angeben, z. B. 2026.")
NOT_AN_INTEGER = gettext_lazy("Bitte eine ganze Zahl angeben.")
TOO_MANY_DECIMALS = gettext_lazy("Bitte höchstens zwei Nachkommastellen angeben.")


def _number(cell: Cell) -> tuple[Decimal, bool]:
    """A cell's number and whether it came with a percent format; ``CellError`` if it is no number."""
    if isinstance(cell, list):
        if cell[0] != "n":
            raise CellError
        return Decimal(cell[1]), bool(cell[2])
    try:
        value = parse_decimal(cell)
    except ValueError:
        raise CellError from None
    if value is None:  # pragma: no cover - empty cells never get here
        raise CellError
    return value, False


def _cents(value: Decimal, message) -> Decimal:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(rounded - value) > FLOAT_TOLERANCE:
        raise CellError(str(message))
    return rounded


def _parse_money(cell: Cell) -> Decimal:
    try:
        value, _pct = _number(cell)
    except CellError:
        raise CellError(_("Bitte einen Betrag angeben, z. B. 1.234,56.")) from None
    if value < 0:
        raise CellError(_("Der Betrag darf nicht negativ sein."))
    value = _cents(value, TOO_MANY_DECIMALS)
    if value >= MONEY_LIMIT:
        raise CellError(_("Der Betrag ist zu groß."))
    return value


def _parse_percent(cell: Cell) -> Decimal:
    try:
        value, percent_format = _number(cell)
    except CellError:
        raise CellError(_("Bitte einen Prozentsatz angeben, z. B. 12,5 %.")) from None
    if percent_format:
        value *= HUNDRED
    value = _cents(value, TOO_MANY_DECIMALS)
    if not 0 <= value <= HUNDRED:
        raise CellError(_("Ein Prozentsatz muss zwischen 0 und 100 liegen (Angabe in Prozent)."))
    return value


def _parse_integer(cell: Cell, message) -> int:
    try:
        value, _pct = _number(cell)
    except CellError:
        raise CellError(str(message)) from None
    if value != value.to_integral_value():
        raise CellError(str(message))
    return int(value)


def _parse_text(cell: Cell, column: Column) -> str:
    if isinstance(cell, list):
        text = cell[1]
        if cell[0] == "n" and text.endswith(".0"):  # Excel stores "2025" typed as a number
            text = text[:-2]
    else:
        text = cell or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if column.kind == CODE and "\n" in text:
        raise CellError(_("Ein Kürzel darf keinen Zeilenumbruch enthalten."))
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("Höchstens %(max)s Zeichen erlaubt.") % {"max": column.max_length})
    return text


@functools.lru_cache(maxsize=64)
def _cached_choice_map(key: str, language: str) -> dict[str, object]:
    choices, extra = CHOICES[key]()
    return _choice_map(choices, extra)


def _parse_choice(cell: Cell, column: Column) -> object:
    choices, _extra = CHOICES[column.key]()
    mapping = _cached_choice_map(column.key, translation.get_language() or "")
    text = _parse_text(cell, column)
    key = normalize_header(text)
    if key in mapping:
        return mapping[key]
    numbered = _NUMBERED_CHOICE.match(key)
    if numbered:
        values = {str(value): value for value, _label in choices}
        if numbered.group(1) in values:
            return values[numbered.group(1)]
    with translation.override("de"):
        allowed = ", ".join(str(label) for _value, label in choices)
    raise CellError(
        _("Unbekannter Wert „%(value)s“. Erlaubt: %(allowed)s.") % {"value": text, "allowed": allowed}
    )


def parse_cell(column: Column, cell: Cell) -> object:
    """The typed value of a cell (``None`` for an empty one), or ``CellError`` with a German message."""
    empty = cell is None or (isinstance(cell, str) and not cell.strip())
    if empty:
        if not column.blank:
            raise CellError(_("Dieses Feld darf nicht leer sein."))
        return "" if column.kind in (TEXT, CODE) else None
    if column.kind == MONEY:
        return _parse_money(cell)
    if column.kind == PERCENT:
        return _parse_percent(cell)
    if column.kind == YEAR:
        year = _parse_integer(cell, NOT_A_YEAR)
        if not 2000 <= year <= 2100:
            raise CellError(_("Bitte ein Jahr zwischen 2000 und 2100 angeben."))
        return year
    if column.kind == INTEGER:
        value = _parse_integer(cell, NOT_AN_INTEGER)
        if value < 0:
            raise CellError(_("Die Zahl darf nicht negativ sein."))
        return value
    if column.kind == CHOICE:
        return _parse_choice(cell, column)
    if column.kind == CODES:
        text = _parse_text(cell, column)
        return tuple(dict.fromkeys(code.strip() for code in re.split(r"[,;\n]", text) if code.strip()))
    if column.kind == UID:
        text = _parse_text(cell, column)
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise CellError(
                _("Die Kennung ist ungültig; lassen Sie die Spalte für neue Maßnahmen leer.")
            ) from None
    return _parse_text(cell, column)


# --- The plan ---------------------------------------------------------------------------------------

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
DELETED = "deleted"


STATUS_LABELS = {
    NEW: gettext_lazy("neu"),
    CHANGED: gettext_lazy("geändert"),
    UNCHANGED: gettext_lazy("unverändert"),
    ERROR: gettext_lazy("Fehler"),
    DELETED: gettext_lazy("wird gelöscht"),
}


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowOutcome:
    sheet: str
    kind: str
    row: int  # 0 for a deletion (no row in the file)
    key: str
    status: str = UNCHANGED
    changes: list[Change] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(Issue(self.sheet, self.row, column, message))
        self.status = ERROR

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class MeasureWrite:
    measure: Measure  # an unsaved new measure, or a copy of the stored one with the new values
    is_new: bool
    fields: set[str] = field(default_factory=set)
    quarters: set[int] | None = None  # the new set, if it changes (always for a new measure)
    goals: set[int] | None = None


@dataclass
class Writes:
    measures: dict[str, MeasureWrite] = field(default_factory=dict)  # by final code
    new_lines: list[tuple[str, CostLine]] = field(default_factory=list)  # (measure code, line)
    changed_lines: list[CostLine] = field(default_factory=list)
    deleted_lines: list[CostLine] = field(default_factory=list)
    new_modules: list[tuple[str, FinancingModule, dict[int, Decimal]]] = field(default_factory=list)
    changed_modules: list[FinancingModule] = field(default_factory=list)
    deleted_modules: list[FinancingModule] = field(default_factory=list)
    new_years: list[FinancingYear] = field(default_factory=list)  # of stored modules
    changed_years: list[FinancingYear] = field(default_factory=list)
    deleted_years: list[FinancingYear] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # codes of measures whose money rows change
    stored: dict[str, Measure] = field(default_factory=dict)  # final code → stored measure


@dataclass
class ImportPlan:
    name: str
    outcomes: list[RowOutcome]
    writes: Writes

    @property
    def errors(self) -> list[Issue]:
        return [issue for outcome in self.outcomes for issue in outcome.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return any(outcome.status in (NEW, CHANGED, DELETED) for outcome in self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in (NEW, CHANGED, UNCHANGED, DELETED, ERROR)}

    @property
    def municipality_ids(self) -> set[int]:
        """The municipalities whose KuF rows the plan changes (a moved measure: the old and the new
        one), for the notice about reset sign-offs."""
        writes = self.writes
        ids = set()
        for code, write in writes.measures.items():
            ids.add(write.measure.municipality_id)
            if code in writes.stored:
                ids.add(writes.stored[code].municipality_id)
        ids |= {writes.stored[code].municipality_id for code in writes.touched if code in writes.stored}
        return {pk for pk in ids if pk is not None}

    @property
    def digest(self) -> str:
        """A hash of everything the preview shows (statuses, old and new values, errors): confirming
        applies only a plan with the same digest."""
        payload = [
            [o.kind, o.row, o.key, o.status, [[c.column, c.old, c.new] for c in o.changes], len(o.errors)]
            for o in self.outcomes
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]


def _display(kind: str, value: object) -> str:
    if value is None or value == "" or value == ():
        return "–"
    if kind == MONEY:
        return format_eur(value)
    if kind == PERCENT:
        return format_percent(value)
    if isinstance(value, tuple | list):
        return ", ".join(str(item) for item in value)
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _table_columns(table: Table) -> list[Column | None]:
    """The column of each key of ``table`` (per-year amounts as money columns; None: ignored)."""
    columns: list[Column | None] = []
    for key in table.keys:
        if key.startswith("year:"):
            columns.append(Column(key, table.header(key), MONEY))
        else:
            column = table.layout.column(key)
            columns.append(None if column.kind == INFO else column)
    return columns


def _row_values(columns: list[Column | None], cells: list[Cell], outcome: RowOutcome) -> dict[str, object]:
    """The typed values of a row's columns; cell errors go to the outcome."""
    values: dict[str, object] = {}
    for column, cell in zip(columns, cells, strict=True):
        if column is None:
            continue
        try:
            values[column.key] = parse_cell(column, cell)
        except CellError as error:
            outcome.error(column.header, str(error))
    return values


def _model_errors(
    instance, exclude: Iterable[str], headers: dict[str, str], outcome: RowOutcome, *, clean: bool = True
) -> None:
    """The model's own field validation (and ``clean``), reported at the columns."""
    try:
        instance.clean_fields(exclude=list(exclude))
        if clean:
            instance.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                outcome.error(headers.get(name, ""), message)


def _same_text(old: object, new: object) -> bool:
    def norm(value: object) -> str:
        return ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()

    return norm(old) == norm(new)


MEASURE_SCALARS = (
    "code",
    "title",
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
    "order",
)
MEASURE_FKS = {"action_field": "action_field_id", "municipality": "municipality_id"}


class _Planner:
    def __init__(self, state: State, parsed: ParsedFile):
        self.state = state
        self.parsed = parsed
        self.concept = state.concept
        self.years = set(self.concept.years)
        self.outcomes: list[RowOutcome] = []
        self.writes = Writes()
        # Final code → (start, end) of every measure after the import; codes with errors map to None.
        self.periods: dict[str, tuple[int, int] | None] = {
            measure.code: (measure.start_year, measure.end_year) for measure in state.measures
        }
        self.stored: dict[str, Measure] = dict(state.measures_by_code)  # final code → stored measure
        self.renamed_from: set[str] = set()
        self.listed_costs: set[str] = set()  # measures whose cost lines the file replaces
        self.listed_modules: set[str] = set()
        self.labels: dict[str, str] = {}  # translated sheet labels, looked up once
        self.section_label = _("KG %(section)s")

    # Helpers ---------------------------------------------------------------------------------------

    def outcome(self, table: Table, row: int, key: str) -> RowOutcome:
        if table.kind not in self.labels:
            self.labels[table.kind] = table.label
        outcome = RowOutcome(sheet=self.labels[table.kind], kind=table.kind, row=row, key=key)
        self.outcomes.append(outcome)
        return outcome

    def concept_year_error(self, year: int) -> str | None:
        if year in self.years:
            return None
        return _("Das Jahr %(year)s liegt außerhalb der Programmjahre des Konzepts (%(a)s–%(b)s).") % {
            "year": year,
            "a": self.concept.year_from,
            "b": self.concept.year_to,
        }

    @staticmethod
    def period_error(year: int, period: tuple[int, int]) -> str | None:
        if period[0] <= year <= period[1]:
            return None
        return _("Das Jahr %(year)s liegt außerhalb des Zeitraums der Maßnahme (%(a)s–%(b)s).") % {
            "year": year,
            "a": period[0],
            "b": period[1],
        }

    def measure_for_code(self, code: str, outcome: RowOutcome) -> tuple[int, int] | None:
        """The period of the measure a cost or module row names (after the import), or an error for an
        unknown code."""
        if code in self.periods and code not in self.renamed_from:
            # None: a new measure whose row has errors (reported there); its years are not checked.
            return self.periods[code]
        outcome.error("Kürzel", _("Unbekannte Maßnahme „%(code)s“ in diesem Konzept.") % {"code": code})
        return None

    # Measures --------------------------------------------------------------------------------------

    def measures(self, table: Table) -> None:
        state = self.state
        headers = {column.key: column.header for column in table.layout.columns}
        headers.update({"action_field": "Handlungsfeld", "municipality": "Kommune"})
        seen_codes: dict[str, int] = {}
        seen_uids: dict[str, int] = {}
        rows = []
        columns = _table_columns(table)
        for number, cells in table.rows:
            code_cell = cells[table.keys.index("code")] if "code" in table.keys else None
            outcome = self.outcome(table, number, _cell_text(code_cell).strip())
            values = _row_values(columns, cells, outcome)
            rows.append((outcome, values))
            code, uid = values.get("code"), values.get("uid")
            stored = None
            if uid:
                stored = state.measures_by_uid.get(uid)
                if stored is None:
                    outcome.error(
                        headers["uid"], _("Zu dieser Kennung gibt es keine Maßnahme in diesem Konzept.")
                    )
                elif uid in seen_uids:
                    outcome.error(
                        headers["uid"],
                        _("Die Kennung kommt mehrfach vor (auch in Zeile %(row)s).")
                        % {"row": seen_uids[uid]},
                    )
                seen_uids.setdefault(uid, number)
            if code:
                if code in seen_codes:
                    outcome.error(
                        headers["code"],
                        _("Das Kürzel „%(code)s“ kommt mehrfach vor (auch in Zeile %(row)s).")
                        % {"code": code, "row": seen_codes[code]},
                    )
                seen_codes.setdefault(code, number)
                other = state.measures_by_code.get(code)
                if stored is None and not uid:
                    stored = other
                elif stored is not None and other is not None and other.pk != stored.pk:
                    outcome.error(
                        headers["code"],
                        _("Das Kürzel „%(code)s“ ist in diesem Konzept schon vergeben.") % {"code": code},
                    )
            values["_stored"] = stored
        # Periods first: cost and module rows of measures renamed or re-timed in this file use them.
        for _outcome, values in rows:
            stored, code = values["_stored"], values.get("code")
            if stored is not None and code and code != stored.code:
                self.renamed_from.add(stored.code)
                self.periods.pop(stored.code, None)
        for outcome, values in rows:
            self.measure_row(outcome, values, headers)

    def measure_row(self, outcome: RowOutcome, values: dict, headers: dict[str, str]) -> None:
        state = self.state
        stored: Measure | None = values.pop("_stored")
        code = values.get("code") or ""
        target = copy.copy(stored) if stored is not None else Measure(concept=self.concept)
        changes: list[Change] = []
        changed_fields: set[str] = set()

        def record(name: str, header: str, old: object, new: object, kind: str = TEXT) -> None:
            if stored is not None:
                changes.append(Change(header, _display(kind, old), _display(kind, new)))
            changed_fields.add(name)

        # Look-ups by code within the concept.
        if values.get("action_field"):
            action_field = state.action_fields.get(values["action_field"])
            if action_field is None:
                outcome.error(
                    headers["action_field"],
                    _("Unbekanntes Handlungsfeld „%(code)s“. Vorhanden: %(codes)s.")
                    % {"code": values["action_field"], "codes": ", ".join(state.action_fields) or "–"},
                )
            else:
                values["action_field"] = action_field
        if values.get("municipality"):
            name = values["municipality"]
            wanted = normalize_header(name).zfill(8) if name.strip().isdigit() else normalize_header(name)
            municipality = next(
                (m for m in state.municipalities if wanted in (normalize_header(m.name), m.ags)), None
            )
            if municipality is None:
                outcome.error(
                    headers["municipality"],
                    _("Die Kommune „%(name)s“ ist an diesem Konzept nicht beteiligt.") % {"name": name},
                )
            else:
                values["municipality"] = municipality
        quarter_ids = goal_ids = None
        if "quarters" in values and values["quarters"] is not None:
            unknown = [c for c in values["quarters"] if c not in state.quarters]
            if unknown:
                outcome.error(
                    headers["quarters"],
                    _("Unbekannte Quartiere: %(codes)s.") % {"codes": ", ".join(unknown)},
                )
            quarter_ids = {state.quarters[c].pk for c in values["quarters"] if c in state.quarters}
        if "goals" in values and values["goals"] is not None:
            goal_ids = set()
            by_display = {display: pk for pk, display in state.goal_codes.items()}
            for goal_code in values["goals"]:
                if goal_code in by_display:
                    goal_ids.add(by_display[goal_code])
                elif len(state.goals_by_code.get(goal_code, [])) > 1:
                    outcome.error(
                        headers["goals"],
                        _("Das Ziel „%(code)s“ ist nicht eindeutig; bitte „Handlungsfeld/Ziel“ angeben.")
                        % {"code": goal_code},
                    )
                else:
                    outcome.error(headers["goals"], _("Unbekanntes Ziel „%(code)s“.") % {"code": goal_code})

        # A failed look-up does not end the row's checks: the preview names every bad cell at once.
        for name in MEASURE_SCALARS:
            if name not in values:
                continue
            new = values[name]
            model_field = Measure._meta.get_field(name)
            if new is None and model_field.has_default():
                new = model_field.get_default()  # an empty cell: the default, as in the editor
            old = getattr(target, name)
            column = MEASURE_LAYOUT.column(name)
            if column.kind in (TEXT, CODE):
                if _same_text(old, new):
                    continue
            elif old == new:
                continue
            shown_old = _export_label(CHOICES[name]()[0], old) if column.kind == CHOICE else old
            shown_new = _export_label(CHOICES[name]()[0], new) if column.kind == CHOICE else new
            record(name, column.header, shown_old, shown_new)
            setattr(target, name, new)
        for name, attname in MEASURE_FKS.items():
            obj = values.get(name)
            if not isinstance(obj, ActionField | Municipality):
                continue  # not in the file, or a failed look-up (reported above)
            if getattr(target, attname) != obj.pk:
                old_obj = (
                    state.action_fields_by_id.get(target.action_field_id)
                    if name == "action_field"
                    else state.municipalities_by_id.get(target.municipality_id)
                )

                def shown(o, name=name):
                    return o.code if name == "action_field" else o.name

                record(name, headers[name], shown(old_obj) if old_obj else None, shown(obj))
                setattr(target, name, obj)
        m2m_changes = {}
        for name, ids, stored_map, display in (
            ("quarters", quarter_ids, state.measure_quarters, state.quarter_codes),
            ("goals", goal_ids, state.measure_goals, state.goal_codes),
        ):
            if ids is None:
                continue
            old_ids = set(stored_map.get(stored.pk, {})) if stored is not None else set()
            if stored is None or ids != old_ids:
                m2m_changes[name] = ids
                if stored is not None:
                    changes.append(
                        Change(
                            headers[name],
                            _display(CODES, sorted(display[pk] for pk in old_ids)),
                            _display(CODES, sorted(display[pk] for pk in ids)),
                        )
                    )

        # Validation: the editor's rule on the period, the concept's programme years, then the model's
        # own field checks.
        if target.start_year and target.end_year and target.start_year > target.end_year:
            outcome.error(headers["end_year"], _("Das Ende darf nicht vor dem Beginn liegen."))
        self.period_in_concept(target, stored, headers, outcome)
        checked = [name for name in MEASURE_SCALARS if name in values] + (
            ["start_year", "end_year"] if stored is None else []
        )
        exclude = [f.name for f in Measure._meta.fields if f.name not in checked]
        # ``Measure.clean`` queries the database (action field, participation); its rules hold by
        # construction here: both are looked up among the concept's own, and the period is checked above.
        _model_errors(target, exclude, headers, outcome, clean=False)
        if outcome.errors:
            self._failed(code, stored)
            return
        self.periods[code] = (target.start_year, target.end_year)
        if stored is not None:
            self.stored[code] = stored
        if stored is None:
            outcome.status = NEW
            self.writes.measures[code] = MeasureWrite(
                measure=target,
                is_new=True,
                fields=set(),
                quarters=m2m_changes.get("quarters", set()),
                goals=m2m_changes.get("goals", set()),
            )
        elif changed_fields or m2m_changes:
            outcome.status = CHANGED
            outcome.changes = changes
            self.writes.measures[code] = MeasureWrite(
                measure=target,
                is_new=False,
                fields=changed_fields,
                quarters=m2m_changes.get("quarters"),
                goals=m2m_changes.get("goals"),
            )

    def period_in_concept(
        self, target: Measure, stored: Measure | None, headers: dict[str, str], outcome: RowOutcome
    ) -> None:
        """A new or changed start or end year must lie within the concept's programme years; a stored
        period is accepted as it is, so an exported file still re-imports unchanged. The rule of the
        editor and the admin (``measures.services.measure_period_errors``)."""
        errors = measure_period_errors(
            concept=self.concept,
            start_year=target.start_year,
            end_year=target.end_year,
            stored=stored,
            labels=headers,
        )
        for name, message in errors.items():
            outcome.error(headers[name], message)

    def _failed(self, code: str, stored: Measure | None) -> None:
        """A measure row with errors: its cost and module rows are checked against the stored
        measure (a new one: not at all), so they do not repeat its error."""
        if stored is not None:
            self.periods[code] = (stored.start_year, stored.end_year)
            self.renamed_from.discard(code)
            self.stored[code] = stored
        else:
            self.periods[code] = None

    # Cost lines ------------------------------------------------------------------------------------

    def cost_lines(self, table: Table) -> None:
        headers = {column.key: column.header for column in table.layout.columns}
        by_measure: dict[str, list[tuple[RowOutcome, dict]]] = {}
        columns = _table_columns(table)
        for number, cells in table.rows:
            outcome = self.outcome(table, number, "")
            values = _row_values(columns, cells, outcome)
            code = values.get("code") or _cell_text(cells[table.keys.index("code")]).strip()
            outcome.key = " · ".join(
                str(part)
                for part in (code, values.get("year"), self._section_text(values.get("section")))
                if part
            )
            if not code:
                continue
            self.listed_costs.add(code)
            period = self.measure_for_code(code, outcome)
            year = values.get("year")
            if year is not None:  # checked even when other cells of the row are wrong
                message = self.concept_year_error(year) or (period and self.period_error(year, period))
                if message:
                    outcome.error(headers["year"], message)
            if values.get("ineligible") is None:
                # An empty cell is 0; without the column, a stored line keeps its value (see below).
                values["ineligible"] = Decimal("0.00")
            if values.get("gross") is not None and values["ineligible"] > values["gross"]:
                outcome.error(
                    headers["ineligible"],
                    _("Der nicht förderfähige Anteil darf die Gesamtkosten nicht übersteigen."),
                )
            if not outcome.errors:
                line = CostLine(
                    section=values["section"],
                    year=values["year"],
                    gross=values["gross"],
                    ineligible=values["ineligible"],
                    note=values.get("note", ""),
                )
                _model_errors(line, ["measure"], headers, outcome)
            by_measure.setdefault(code, []).append((outcome, values))

        for code, rows in by_measure.items():
            # Rows with errors take no part; then the stored lines left over are not listed as deleted
            # either (one of the wrong rows may have been meant for them). Nothing is applied anyway.
            complete = not any(outcome.errors for outcome, _values in rows)
            stored = self.stored.get(code)
            existing = list(self.state.cost_lines.get(stored.pk, [])) if stored else []
            pool: dict[tuple[int, int], list[CostLine]] = {}
            for line in existing:
                pool.setdefault((line.year, line.section), []).append(line)
            for outcome, values in rows:
                if outcome.errors:
                    continue
                candidates = pool.get((values["year"], values["section"]))
                new_values = {"gross": values["gross"]}
                for name in ("ineligible", "note"):
                    if name in table.keys:
                        new_values[name] = values[name]
                if (
                    candidates
                    and "ineligible" not in new_values
                    and candidates[0].ineligible > values["gross"]
                ):
                    outcome.error(
                        headers["gross"],
                        _(
                            "Der nicht förderfähige Anteil (%(amount)s) darf die Gesamtkosten nicht übersteigen."
                        )
                        % {"amount": format_eur(candidates[0].ineligible)},
                    )
                    candidates.pop(0)  # meant for this row: not a deletion
                    continue
                if not candidates:
                    outcome.status = NEW
                    line = CostLine(
                        section=values["section"],
                        year=values["year"],
                        gross=values["gross"],
                        ineligible=values["ineligible"],
                        note=values.get("note", ""),
                    )
                    self.writes.new_lines.append((code, line))
                    self.writes.touched.add(code)
                    continue
                line = candidates.pop(0)
                changes = []
                for name, new in new_values.items():
                    old = getattr(line, name)
                    same = _same_text(old, new) if name == "note" else old == new
                    if not same:
                        kind = TEXT if name == "note" else MONEY
                        changes.append(Change(headers[name], _display(kind, old), _display(kind, new)))
                if changes:
                    outcome.status = CHANGED
                    outcome.changes = changes
                    # The stored row itself takes the new values (the state is loaded for this plan
                    # only, and the old values are read above).
                    for name, new in new_values.items():
                        setattr(line, name, new)
                    self.writes.changed_lines.append(line)
                    self.writes.touched.add(code)
            for lines in pool.values() if complete else ():
                for line in lines:
                    deleted = RowOutcome(
                        sheet=table.label,
                        kind=table.kind,
                        row=0,
                        key=" · ".join((code, str(line.year), self._section_text(line.section))),
                        status=DELETED,
                        changes=[Change(headers["gross"], format_eur(line.gross), "–")],
                    )
                    self.outcomes.append(deleted)
                    self.writes.deleted_lines.append(line)
                    self.writes.touched.add(code)

    def _section_text(self, section: int | None) -> str:
        return self.section_label % {"section": section} if section else ""

    # Financing modules ---------------------------------------------------------------------------

    def modules(self, table: Table) -> None:
        headers = {column.key: column.header for column in table.layout.columns}
        year_keys = [key for key in table.keys if key.startswith("year:")]
        programmes = {code.casefold(): programme for code, programme in self.state.programmes.items()}
        by_measure: dict[str, list[tuple[RowOutcome, dict]]] = {}
        columns = _table_columns(table)
        for number, cells in table.rows:
            outcome = self.outcome(table, number, "")
            values = _row_values(columns, cells, outcome)
            code = values.get("code") or _cell_text(cells[table.keys.index("code")]).strip()
            kind = values.get("kind")
            programme_code = values.get("programme") or ""
            programme = programmes.get(programme_code.casefold()) if programme_code else None
            if programme_code and programme is None:
                outcome.error(
                    headers["programme"],
                    _("Unbekanntes Förderprogramm „%(code)s“.") % {"code": programme_code},
                )
            values["programme"] = programme
            kind_label = _export_label(FinancingModule.Kind.choices, kind) if kind else ""
            outcome.key = " · ".join(part for part in (code, programme_code or kind_label) if part)
            if not code:
                continue
            self.listed_modules.add(code)
            period = self.measure_for_code(code, outcome)
            years = {}
            for key in year_keys:
                amount = values.get(key)
                if amount is None:
                    continue
                year = int(key[5:])
                message = self.concept_year_error(year) or (period and self.period_error(year, period))
                if message:
                    outcome.error(table.header(key), message)
                years[year] = amount
            values["years"] = years if year_keys else None
            if kind == FinancingModule.Kind.GRANT and not programme_code:
                outcome.error(headers["programme"], _("Eine Zuwendung braucht ein Förderprogramm."))
            if kind and kind != FinancingModule.Kind.GRANT and programme_code:
                outcome.error(headers["programme"], _("Nur Zuwendungen haben ein Förderprogramm."))
            rate, amount = values.get("rate"), values.get("amount")
            if rate is not None and (amount is not None or years):
                outcome.error(
                    headers["rate"], _("Bitte entweder einen Satz oder feste Beträge angeben, nicht beides.")
                )
            if amount is not None and years and sum(years.values()) != amount:
                # Both may be given when they agree (as in the editor): the KuF computes the same.
                outcome.error(
                    headers["amount"],
                    _(
                        "Die Jahresscheiben ergeben zusammen %(sum)s, der feste Betrag ist %(amount)s. "
                        "Bitte entweder einen Gesamtbetrag oder Jahresscheiben angeben."
                    )
                    % {"sum": format_eur(sum(years.values())), "amount": format_eur(amount)},
                )
            if kind and kind != FinancingModule.Kind.GRANT and rate is None and amount is None and not years:
                outcome.error(
                    headers["amount"], _("Bitte einen Satz, einen Betrag oder Jahresscheiben angeben.")
                )
            if programme and rate is not None and rate > programme.max_rate:
                outcome.error(
                    headers["rate"],
                    _("Der Satz übersteigt den Höchstfördersatz des Programms (%(max)s).")
                    % {"max": format_percent(programme.max_rate)},
                )
            if not outcome.errors:
                module = FinancingModule(
                    kind=kind,
                    programme=programme,
                    source=values.get("source", ""),
                    cost_share=values.get("cost_share") if values.get("cost_share") is not None else HUNDRED,
                    rate=rate,
                    amount=amount,
                )
                _model_errors(module, ["measure", "programme"], headers, outcome)
                for year, value in years.items():
                    _model_errors(
                        FinancingYear(year=year, amount=value),
                        ["module"],
                        {"amount": year_column_header(year), "year": year_column_header(year)},
                        outcome,
                    )
            by_measure.setdefault(code, []).append((outcome, values))

        for code, rows in by_measure.items():
            self.measure_modules(table, code, rows, headers)

    def measure_modules(self, table: Table, code: str, rows: list, headers: dict[str, str]) -> None:
        stored = self.stored.get(code)
        existing = list(self.state.modules.get(stored.pk, [])) if stored else []
        pool: dict[tuple, list[FinancingModule]] = {}
        for module in existing:
            pool.setdefault((module.kind, module.programme_id, module.source.strip()), []).append(module)
        data = []
        complete = not any(outcome.errors for outcome, _values in rows)  # see ``cost_lines``
        paired = []
        for outcome, values in rows:
            if outcome.errors:
                continue
            programme = values["programme"]
            key = (values["kind"], programme.pk if programme else None, (values.get("source") or "").strip())
            candidates = pool.get(key)
            paired.append((outcome, values, candidates.pop(0) if candidates else None))
        # The file's order is the modules' order. Stored modules already in that order keep their
        # numbers (older data may number them all 0), so only a real reordering shows as a change.
        kept = [module for _outcome, _values, module in paired if module is not None]
        renumber = kept != sorted(kept, key=lambda module: (module.order, module.pk))
        for position, (outcome, values, module) in enumerate(paired, start=1):
            programme = values["programme"]
            new_values = {
                "kind": values["kind"],
                "programme_id": programme.pk if programme else None,
                "order": position if renumber or module is None else module.order,
            }
            for name in ("source", "cost_share", "rate", "amount"):
                if name in values:
                    new_values[name] = values[name]
            if new_values.get("cost_share") is None and "cost_share" in values:
                new_values["cost_share"] = HUNDRED
            if module is None:
                new_values.setdefault("cost_share", HUNDRED)
            years = values["years"]
            stored_years = self.state.module_years.get(module.pk, {}) if module else {}
            if years is None:
                years = {year: entry.amount for year, entry in stored_years.items()}
            data.append(
                editor_services.ModuleData(
                    kind=values["kind"],
                    programme=programme,
                    source=new_values.get("source", module.source if module else ""),
                    cost_share=new_values.get("cost_share", module.cost_share if module else HUNDRED),
                    rate=new_values.get("rate", module.rate if module else None),
                    amount=new_values.get("amount", module.amount if module else None),
                    years=years,
                    order=new_values["order"],
                )
            )
            if module is None:
                outcome.status = NEW
                created = FinancingModule(programme=programme)
                for name, value in new_values.items():
                    setattr(created, name, value)
                self.writes.new_modules.append((code, created, years))
                self.writes.touched.add(code)
                continue
            changes = []
            changed_values = {}
            for name, new in new_values.items():
                old = getattr(module, name)
                same = _same_text(old, new) if name == "source" else old == new
                if same:
                    continue
                changed_values[name] = new
                if name == "order":
                    changes.append(Change(_("Reihenfolge"), str(old), str(new)))
                elif name != "programme_id":
                    column = MODULE_LAYOUT.column(name)
                    if column.kind == CHOICE:
                        old, new = (
                            _export_label(CHOICES[name]()[0], old),
                            _export_label(CHOICES[name]()[0], new),
                        )
                    changes.append(
                        Change(column.header, _display(column.kind, old), _display(column.kind, new))
                    )
            if changed_values:
                for name, new in changed_values.items():
                    setattr(module, name, new)
                self.writes.changed_modules.append(module)
            for year in sorted(set(years) | set(stored_years)):
                old_entry = stored_years.get(year)
                new_amount = years.get(year)
                if old_entry is not None and new_amount == old_entry.amount:
                    continue
                changes.append(
                    Change(
                        year_column_header(year),
                        _display(MONEY, old_entry.amount if old_entry else None),
                        _display(MONEY, new_amount),
                    )
                )
                if old_entry is None:
                    self.writes.new_years.append(
                        FinancingYear(module_id=module.pk, year=year, amount=new_amount)
                    )
                elif new_amount is None:
                    self.writes.deleted_years.append(old_entry)
                else:
                    old_entry.amount = new_amount
                    self.writes.changed_years.append(old_entry)
            if changes:
                outcome.status = CHANGED
                outcome.changes = changes
                self.writes.touched.add(code)
        if not complete:
            return
        for message in editor_services.financing_errors(modules=data):
            rows[0][0].error(headers["cost_share"], message)
        for modules in pool.values():
            for module in modules:
                name = (
                    self.state.programmes_by_id[module.programme_id].code
                    if module.programme_id
                    else (module.source or str(dict(FinancingModule.Kind.choices)[module.kind]))
                )
                self.outcomes.append(
                    RowOutcome(
                        sheet=table.label,
                        kind=table.kind,
                        row=0,
                        key=f"{code} · {name}",
                        status=DELETED,
                    )
                )
                self.writes.deleted_modules.append(module)
                self.writes.deleted_years.extend(self.state.module_years.get(module.pk, {}).values())
                self.writes.touched.add(code)

    # Rows of the database the file does not list --------------------------------------------------

    def stored_rows_within_periods(self) -> None:
        """A measure whose period changes must still hold its cost lines and per-year amounts that the
        file does not replace (the service's rule)."""
        for code, write in self.writes.measures.items():
            if write.is_new or not ({"start_year", "end_year"} & write.fields):
                continue
            period = (write.measure.start_year, write.measure.end_year)
            stored = self.stored[code]
            years = set()
            if code not in self.listed_costs:
                years |= {line.year for line in self.state.cost_lines.get(stored.pk, [])}
            if code not in self.listed_modules:
                for module in self.state.modules.get(stored.pk, []):
                    years |= set(self.state.module_years.get(module.pk, {}))
            outside = sorted(year for year in years if not period[0] <= year <= period[1])
            if outside:
                outcome = next(o for o in self.outcomes if o.kind == MEASURES and o.key == code)
                outcome.error(
                    "Beginn" if outside[0] < period[0] else "Ende",
                    _(
                        "Die Maßnahme hat Kosten oder Jahresscheiben in %(years)s, außerhalb des neuen "
                        "Zeitraums %(a)s–%(b)s."
                    )
                    % {"years": ", ".join(str(y) for y in outside), "a": period[0], "b": period[1]},
                )

    def run(self) -> ImportPlan:
        tables = {table.kind: table for table in self.parsed.tables}
        if MEASURES in tables:
            self.measures(tables[MEASURES])
        if COSTS in tables:
            self.cost_lines(tables[COSTS])
        if MODULES in tables:
            self.modules(tables[MODULES])
        self.stored_rows_within_periods()
        return ImportPlan(name=self.parsed.name, outcomes=self.outcomes, writes=self.writes)


# --- Running and applying a plan ----------------------------------------------------------------------

BATCH = 500


class ImportRefused(Exception):
    """Nothing was applied: the plan has errors, or it differs from the preview the user confirmed."""

    def __init__(self, plan: ImportPlan, message: str):
        super().__init__(message)
        self.plan = plan
        self.message = message


def import_plan(*, concept: Concept, parsed: ParsedFile, state: State | None = None) -> ImportPlan:
    """Check every row of ``parsed`` against ``concept`` and classify it (see the module docstring).
    No writes. Queries: those of ``load_state`` (eleven), however many rows."""
    state = state or load_state(concept=concept)
    planner = _Planner(state, parsed)
    plan = planner.run()
    plan.writes.stored = planner.stored
    return plan


def import_apply(*, concept: Concept, parsed: ParsedFile, digest: str, user) -> ImportPlan:
    """Apply ``parsed`` to ``concept`` in one transaction, if its plan is free of errors and equals
    the preview the user confirmed (``digest``); otherwise raise ``ImportRefused`` and change nothing.

    Every created, changed or deleted measure, cost line, financing module and per-year amount gets a
    history record naming ``user`` (change reason "Import aus <file>"); touched measures get a new
    version. Bulk statements: the number of queries grows with the number of rows only by one per
    batch of several hundred rows.
    """
    with transaction.atomic():
        state = load_state(concept=concept, lock=True)
        plan = import_plan(concept=concept, parsed=parsed, state=state)
        if not plan.ok:
            raise ImportRefused(plan, _("Die Datei enthält Fehler; es wurde nichts übernommen."))
        if plan.digest != digest:
            raise ImportRefused(
                plan,
                _(
                    "Die Daten haben sich seit der Vorschau geändert; es wurde nichts übernommen. Bitte "
                    "prüfen Sie die neue Vorschau."
                ),
            )
        _write(plan, state=state, user=user)
    return plan


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _history(model, objects: Sequence, kind: str, *, user, date, reason: str) -> list:
    """django-simple-history records for rows written in bulk (its signals only fire on single
    saves and deletes): one INSERT per batch."""
    if not objects:
        return []
    historical = model.history.model
    records = [
        historical(
            history_date=date,
            history_type=kind,
            history_user=user,
            history_change_reason=reason,
            **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
        )
        for obj in objects
    ]
    return historical.objects.bulk_create(records, batch_size=BATCH)


def _delete(model, pks: Iterable[int]) -> None:
    """Delete rows by primary key without Django's per-object delete signals (the history records
    were written in bulk just before)."""
    pks = sorted(pks)
    if not pks:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        for chunk in _chunks(pks, BATCH):
            placeholders = ", ".join(["%s"] * len(chunk))
            # Only quoted identifiers of our own models and parameters: no input reaches the SQL text.
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", list(chunk))  # noqa: S608


def _update(model, objects: Sequence, fields: Iterable[str]) -> None:
    """UPDATE each object's ``fields`` by primary key: one prepared statement run for all objects
    (``executemany``). Django's ``bulk_update`` builds a CASE expression per object and field, which
    takes seconds for a few thousand rows."""
    if not objects:
        return
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in sorted(fields)]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in model_fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        # Only quoted identifiers of our own models; the values are parameters.
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)  # noqa: S608


def _write(plan: ImportPlan, *, state: State, user) -> None:
    writes = plan.writes
    now = timezone.now()
    reason = (_("Import aus %(name)s") % {"name": plan.name})[:100]
    user = user if user is not None and user.is_authenticated else None

    def history(model, objects, kind):
        return _history(model, objects, kind, user=user, date=now, reason=reason)

    # Measures: the new ones, then every stored one whose profile or money rows change gets a new
    # version (an editor opened before the import then reports a conflict) and a history record.
    created = [write.measure for write in writes.measures.values() if write.is_new]
    Measure.objects.bulk_create(created, batch_size=BATCH)
    changed = {code: write for code, write in writes.measures.items() if not write.is_new}
    for code in sorted(writes.touched):
        if code not in writes.measures:
            changed[code] = MeasureWrite(measure=copy.copy(writes.stored[code]), is_new=False)
    updated = [write.measure for write in changed.values()]
    for measure in updated:
        measure.version += 1
        measure.updated_at = now
    fields = {"version", "updated_at"}.union(*(write.fields for write in changed.values()))
    _update(Measure, updated, fields)

    final_m2m: dict[str, dict[int, dict[int, int]]] = {}
    for name, stored_map in (("quarters", state.measure_quarters), ("goals", state.measure_goals)):
        through = getattr(Measure, name).through
        target = "quarter_id" if name == "quarters" else "goal_id"
        final = {m.pk: dict(stored_map.get(m.pk, {})) for m in created + updated}
        removed, added = [], []
        for write in list(writes.measures.values()):
            wanted = getattr(write, name)
            if wanted is None:
                continue
            current = final[write.measure.pk]
            removed += [through_id for pk, through_id in current.items() if pk not in wanted]
            for pk in wanted - set(current):
                added.append(through(measure_id=write.measure.pk, **{target: pk}))
            for pk in set(current) - wanted:
                del current[pk]
        through.objects.filter(pk__in=removed).delete()
        for row in through.objects.bulk_create(added, batch_size=BATCH):
            final[row.measure_id][getattr(row, target)] = row.pk
        final_m2m[name] = final
    records = history(Measure, created, "+") + history(Measure, updated, "~")
    for name, model_name in (
        ("quarters", "HistoricalMeasure_quarters"),
        ("goals", "HistoricalMeasure_goals"),
    ):
        historical_m2m = apps.get_model("measures", model_name)
        target = "quarter_id" if name == "quarters" else "goal_id"
        historical_m2m.objects.bulk_create(
            [
                historical_m2m(id=through_id, history=record, measure_id=record.id, **{target: pk})
                for record in records
                for pk, through_id in final_m2m[name][record.id].items()
            ],
            batch_size=BATCH,
        )

    def measure_pk(code: str) -> int:
        write = writes.measures.get(code)
        return write.measure.pk if write is not None else writes.stored[code].pk

    # Cost lines.
    new_lines = []
    for code, line in writes.new_lines:
        line.measure_id = measure_pk(code)
        new_lines.append(line)
    CostLine.objects.bulk_create(new_lines, batch_size=BATCH)
    history(CostLine, new_lines, "+")
    _update(CostLine, writes.changed_lines, ["section", "year", "gross", "ineligible", "note"])
    history(CostLine, writes.changed_lines, "~")
    history(CostLine, writes.deleted_lines, "-")
    _delete(CostLine, [line.pk for line in writes.deleted_lines])

    # Financing modules and their per-year amounts; deletions first (unique module and year).
    history(FinancingYear, writes.deleted_years, "-")
    _delete(FinancingYear, [entry.pk for entry in writes.deleted_years])
    history(FinancingModule, writes.deleted_modules, "-")
    _delete(FinancingModule, [module.pk for module in writes.deleted_modules])
    new_modules = []
    for code, module, _years in writes.new_modules:
        module.measure_id = measure_pk(code)
        new_modules.append(module)
    FinancingModule.objects.bulk_create(new_modules, batch_size=BATCH)
    history(FinancingModule, new_modules, "+")
    _update(
        FinancingModule,
        writes.changed_modules,
        ["kind", "programme", "source", "cost_share", "rate", "amount", "order"],
    )
    history(FinancingModule, writes.changed_modules, "~")
    new_years = list(writes.new_years) + [
        FinancingYear(module_id=module.pk, year=year, amount=amount)
        for _code, module, years in writes.new_modules
        for year, amount in sorted(years.items())
    ]
    FinancingYear.objects.bulk_create(new_years, batch_size=BATCH)
    history(FinancingYear, new_years, "+")
    _update(FinancingYear, writes.changed_years, ["amount"])
    history(FinancingYear, writes.changed_years, "~")


# --- Export in the same columns -------------------------------------------------------------------


def export_tables(*, state: State) -> list[Table]:
    """The concept's measures, cost lines and financing modules as typed rows in the import's columns
    (choice fields as German labels), so that the exported file re-imports unchanged. No queries."""
    measure_keys = [column.key for column in MEASURE_LAYOUT.columns]
    measures = []
    for measure in state.measures:
        values = {
            "uid": str(measure.uid),
            "action_field": state.action_fields_by_id[measure.action_field_id].code,
            "municipality": state.municipalities_by_id[measure.municipality_id].name
            if measure.municipality_id in state.municipalities_by_id
            else "",
            "quarters": ", ".join(
                sorted(state.quarter_codes[pk] for pk in state.measure_quarters.get(measure.pk, {}))
            ),
            "goals": ", ".join(
                sorted(state.goal_codes[pk] for pk in state.measure_goals.get(measure.pk, {}))
            ),
        }
        for name in MEASURE_SCALARS:
            value = getattr(measure, name)
            if MEASURE_LAYOUT.column(name).kind == CHOICE:
                value = _export_label(CHOICES[name]()[0], value)
            values[name] = value
        measures.append((0, [values[key] for key in measure_keys]))

    cost_keys = [column.key for column in COST_LAYOUT.columns]
    costs = []
    for measure in state.measures:
        for line in state.cost_lines.get(measure.pk, []):
            values = {
                "code": measure.code,
                "measure_title": measure.title,
                "year": line.year,
                "section": line.section,
                "gross": line.gross,
                "ineligible": line.ineligible,
                "note": line.note,
            }
            costs.append((0, [values[key] for key in cost_keys]))

    years = sorted(
        set(state.concept.years).union(*(entries.keys() for entries in state.module_years.values()))
    )
    module_keys = [column.key for column in MODULE_LAYOUT.columns] + [f"year:{year}" for year in years]
    modules = []
    for measure in state.measures:
        for module in state.modules.get(measure.pk, []):
            entries = state.module_years.get(module.pk, {})
            values = {
                "code": measure.code,
                "measure_title": measure.title,
                "kind": _export_label(FinancingModule.Kind.choices, module.kind),
                "programme": state.programmes_by_id[module.programme_id].code if module.programme_id else "",
                "source": module.source,
                "cost_share": module.cost_share,
                "rate": module.rate,
                "amount": module.amount,
                **{f"year:{year}": entry.amount for year, entry in entries.items()},
            }
            modules.append((0, [values.get(key) for key in module_keys]))
    return [
        Table(kind=MEASURES, sheet=MEASURE_LAYOUT.sheet, header_row=1, keys=measure_keys, rows=measures),
        Table(kind=COSTS, sheet=COST_LAYOUT.sheet, header_row=1, keys=cost_keys, rows=costs),
        Table(kind=MODULES, sheet=MODULE_LAYOUT.sheet, header_row=1, keys=module_keys, rows=modules),
    ]
