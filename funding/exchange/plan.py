"""The result of checking a file against a concept (``ImportPlan``): one ``RowOutcome`` per row ("neu",
"geändert" with old and new value per column, "unverändert", "wird gelöscht", or errors with row,
column and message) and the ``Writes`` that applying it takes. ``Planning`` is what the planners of
the three sheets (``plan_measures``, ``plan_costs``, ``plan_modules``) share while they run: the
concept's state, the periods of the measures after the import, the outcomes and writes so far, and
the helpers to read a row and report at its cells.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.models import CostLine, FinancingModule, FinancingYear
from measures.models import Measure
from projects.formatting import format_eur, format_percent

from .cells import CellError, parse_cell
from .layouts import INFO, MONEY, PERCENT, Column
from .state import State
from .tables import Cell, Issue, ParsedFile, Table, cell_text

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

    def changed(self, changes: list[Change]) -> None:
        self.status = CHANGED
        self.changes = changes

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


# --- Helpers for the planners -----------------------------------------------------------------------


def display(kind: str, value: object) -> str:
    """A value as the preview shows it."""
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


def same_text(old: object, new: object) -> bool:
    def norm(value: object) -> str:
        return ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()

    return norm(old) == norm(new)


def table_columns(table: Table) -> list[Column | None]:
    """The column of each key of ``table`` (per-year amounts as money columns; None: ignored)."""
    columns = [table.layout.column(key) for key in table.keys]
    return [None if column.kind == INFO else column for column in columns]


def row_values(columns: list[Column | None], cells: list[Cell], outcome: RowOutcome) -> dict[str, object]:
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


def code_of(table: Table, cells: list[Cell], values: dict[str, object]) -> str:
    """The measure code a row names (as typed, if it is no valid code)."""
    return values.get("code") or cell_text(cells[table.keys.index("code")]).strip()


def model_errors(
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


def layout_headers(table: Table) -> dict[str, str]:
    """Column key → header of the table's layout."""
    return {column.key: column.header for column in table.layout.columns}


class Planning:
    """What the planners of the three sheets share while checking one file."""

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

    def outcome(self, table: Table, row: int, key: str) -> RowOutcome:
        if table.kind not in self.labels:
            self.labels[table.kind] = table.label
        outcome = RowOutcome(sheet=self.labels[table.kind], kind=table.kind, row=row, key=key)
        self.outcomes.append(outcome)
        return outcome

    def deleted(self, table: Table, key: str, changes: list[Change] | None = None) -> None:
        """A stored row the file does not list: it is deleted."""
        self.outcomes.append(
            RowOutcome(
                sheet=table.label, kind=table.kind, row=0, key=key, status=DELETED, changes=changes or []
            )
        )

    def section_text(self, section: int | None) -> str:
        return self.section_label % {"section": section} if section else ""

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

    def year_error(self, year: int, period: tuple[int, int] | None) -> str | None:
        """A cost or amount year outside the concept's programme years or the measure's period."""
        return self.concept_year_error(year) or (period and self.period_error(year, period))

    def measure_period(self, code: str, outcome: RowOutcome) -> tuple[int, int] | None:
        """The period of the measure a cost or module row names (after the import), or an error for an
        unknown code."""
        if code in self.periods and code not in self.renamed_from:
            # None: a new measure whose row has errors (reported there); its years are not checked.
            return self.periods[code]
        outcome.error("Kürzel", _("Unbekannte Maßnahme „%(code)s“ in diesem Konzept.") % {"code": code})
        return None

    def failed(self, code: str, stored: Measure | None) -> None:
        """A measure row with errors: its cost and module rows are checked against the stored
        measure (a new one: not at all), so they do not repeat its error."""
        if stored is not None:
            self.periods[code] = (stored.start_year, stored.end_year)
            self.renamed_from.discard(code)
            self.stored[code] = stored
        else:
            self.periods[code] = None

    def plan(self) -> ImportPlan:
        self.writes.stored = self.stored
        return ImportPlan(name=self.parsed.name, outcomes=self.outcomes, writes=self.writes)
