"""The result of checking a file against a concept (``ImportPlan``): one ``RowOutcome`` per row ("neu",
"geändert" with old and new value per column, "unverändert", "wird gelöscht", or errors with row,
column and message) and the ``Writes`` that applying it takes, in plain values. ``StoredPlan`` is what
the preview keeps on the server until the user confirms: the writes, the digest of what the preview
showed and the hash of the stored data the plan was computed from (``state.state_basis``), so that
confirming applies it without planning again. ``Planning`` is what the planners of the three sheets
(``plan_measures``, ``plan_costs``, ``plan_modules``) share while they run: the concept's state, the
periods of the measures after the import, the outcomes and writes so far, and the helpers to read a row
and report at its cells.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from measures.models import Measure
from projects.formatting import format_eur, format_percent

from .cells import CellError, column_reader
from .layouts import INFO, MONEY, PERCENT
from .state import State, state_basis
from .tables import Cell, Issue, ParsedFile, Table

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
DELETED = "deleted"
STATUSES = (NEW, CHANGED, UNCHANGED, DELETED, ERROR)

STATUS_LABELS = {
    NEW: gettext_lazy("neu"),
    CHANGED: gettext_lazy("geändert"),
    UNCHANGED: gettext_lazy("unverändert"),
    ERROR: gettext_lazy("Fehler"),
    DELETED: gettext_lazy("wird gelöscht"),
}


@dataclass(frozen=True, slots=True)
class Change:
    column: str
    old: str
    new: str


@dataclass(slots=True)
class RowOutcome:
    sheet: str
    kind: str
    row: int  # 0 for a deletion (no row in the file)
    key: str
    status: str = UNCHANGED
    changes: list[Change] | tuple = ()
    errors: list[Issue] | tuple = ()

    def error(self, column: str, message: str) -> None:
        if not self.errors:
            self.errors = []
        self.errors.append(Issue(self.sheet, self.row, column, message))
        self.status = ERROR

    def changed(self, changes: list[Change]) -> None:
        self.status = CHANGED
        self.changes = changes

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


# --- What applying a plan writes ---------------------------------------------------------------------

MeasureRef = int | str  # a stored measure's id, or the code of a measure the import creates
LINE_FIELDS = ("section", "year", "gross", "ineligible", "note")
MODULE_FIELDS = ("kind", "programme_id", "source", "cost_share", "rate", "amount", "order")
_MODULE_DECIMALS = {MODULE_FIELDS.index(name) for name in ("cost_share", "rate", "amount")}


@dataclass
class MeasureWrite:
    """A measure the import creates (``pk`` None: ``fields`` holds every value the file gives) or
    changes (``fields``: the changed ones); by attribute name (``action_field_id``). ``quarters`` and
    ``goals``: the ids added and the through rows removed, where they change."""

    code: str
    pk: int | None
    fields: dict[str, object]
    quarters: tuple[list[int], list[int]] | None = None  # (quarter ids added, through row ids removed)
    goals: tuple[list[int], list[int]] | None = None

    def to_json(self) -> list:
        return [self.code, self.pk, self.fields, self.quarters, self.goals]

    @classmethod
    def from_json(cls, data: list) -> MeasureWrite:
        code, pk, fields, quarters, goals = data
        fields = {name: Measure._meta.get_field(name).to_python(value) for name, value in fields.items()}
        return cls(code, pk, fields, quarters and tuple(quarters), goals and tuple(goals))


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _text(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


@dataclass
class Writes:
    """What applying a plan writes, in plain values (ids, codes, ``Decimal`` s), nothing read from the
    database again: the rows the file changes or deletes are named by id, and their new values are
    given in full (``LINE_FIELDS``, ``MODULE_FIELDS``). A new cost line or module names its measure by
    id, or by code if the import creates the measure (``MeasureRef``)."""

    measures: list[MeasureWrite] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # stored measures whose money rows change
    new_lines: list[tuple] = field(default_factory=list)  # (measure, *LINE_FIELDS)
    changed_lines: list[tuple] = field(default_factory=list)  # (id, *LINE_FIELDS)
    deleted_lines: list[int] = field(default_factory=list)
    new_modules: list[tuple] = field(default_factory=list)  # (measure, (*MODULE_FIELDS), {year: amount})
    changed_modules: list[tuple] = field(default_factory=list)  # (id, *MODULE_FIELDS)
    deleted_modules: list[int] = field(default_factory=list)
    new_years: list[tuple] = field(default_factory=list)  # (module id, year, amount), of stored modules
    changed_years: list[tuple] = field(default_factory=list)  # (id, amount)
    deleted_years: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        """The writes as JSON values (amounts as text), for the session."""
        return {
            "measures": [write.to_json() for write in self.measures],
            "touched": sorted(self.touched),
            "new_lines": [
                [ref, section, year, str(gross), str(ineligible), note]
                for ref, section, year, gross, ineligible, note in self.new_lines
            ],
            "changed_lines": [
                [pk, section, year, str(gross), str(ineligible), note]
                for pk, section, year, gross, ineligible, note in self.changed_lines
            ],
            "deleted_lines": self.deleted_lines,
            "new_modules": [
                [
                    ref,
                    [_text(value) for value in values],
                    {str(year): str(amount) for year, amount in years.items()},
                ]
                for ref, values, years in self.new_modules
            ],
            "changed_modules": [[_text(value) for value in row] for row in self.changed_modules],
            "deleted_modules": self.deleted_modules,
            "new_years": [[module, year, str(amount)] for module, year, amount in self.new_years],
            "changed_years": [[pk, str(amount)] for pk, amount in self.changed_years],
            "deleted_years": self.deleted_years,
        }

    @classmethod
    def from_json(cls, data: dict) -> Writes:
        def module_values(values: list) -> tuple:
            return tuple(_decimal(v) if i in _MODULE_DECIMALS else v for i, v in enumerate(values))

        return cls(
            measures=[MeasureWrite.from_json(write) for write in data["measures"]],
            touched=set(data["touched"]),
            new_lines=[(r, s, y, Decimal(g), Decimal(i), n) for r, s, y, g, i, n in data["new_lines"]],
            changed_lines=[
                (p, s, y, Decimal(g), Decimal(i), n) for p, s, y, g, i, n in data["changed_lines"]
            ],
            deleted_lines=list(data["deleted_lines"]),
            new_modules=[
                (ref, module_values(values), {int(year): Decimal(amount) for year, amount in years.items()})
                for ref, values, years in data["new_modules"]
            ],
            changed_modules=[(row[0], *module_values(row[1:])) for row in data["changed_modules"]],
            deleted_modules=list(data["deleted_modules"]),
            new_years=[(module, year, Decimal(amount)) for module, year, amount in data["new_years"]],
            changed_years=[(pk, Decimal(amount)) for pk, amount in data["changed_years"]],
            deleted_years=list(data["deleted_years"]),
        )


# --- The plan, and the plan as kept until confirmation ----------------------------------------------


@dataclass
class StoredPlan:
    """A previewed plan as kept on the server until the user confirms it (``to_json`` for the
    session): its writes, the ``digest`` of what the preview showed, and the ``basis`` it was computed
    from (``state.state_basis`` of the measures ``read``). ``import_apply`` applies it if the confirmed
    digest and the database's basis are still the same."""

    name: str
    digest: str
    counts: dict[str, int]
    ok: bool
    basis: str
    read: list[int]
    municipality_ids: set[int]
    writes: Writes

    @property
    def has_changes(self) -> bool:
        return any(self.counts[status] for status in (NEW, CHANGED, DELETED))

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "digest": self.digest,
            "counts": self.counts,
            "ok": self.ok,
            "basis": self.basis,
            "read": self.read,
            "municipalities": sorted(self.municipality_ids),
            "writes": self.writes.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> StoredPlan:
        return cls(
            name=data["name"],
            digest=data["digest"],
            counts=dict(data["counts"]),
            ok=data["ok"],
            basis=data["basis"],
            read=list(data["read"]),
            municipality_ids=set(data["municipalities"]),
            writes=Writes.from_json(data["writes"]),
        )


@dataclass
class ImportPlan:
    name: str
    outcomes: list[RowOutcome]
    writes: Writes
    basis: str = ""  # ``state.state_basis`` of the data the plan was computed from
    read: list[int] = field(default_factory=list)  # the stored measures it depends on
    municipality_ids: set[int] = field(default_factory=set)  # whose KuF rows it changes

    @property
    def errors(self) -> list[Issue]:
        return [issue for outcome in self.outcomes for issue in outcome.errors]

    @property
    def ok(self) -> bool:
        return not any(outcome.errors for outcome in self.outcomes)

    @property
    def has_changes(self) -> bool:
        return any(outcome.status in (NEW, CHANGED, DELETED) for outcome in self.outcomes)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts

    @functools.cached_property
    def digest(self) -> str:
        """A hash of everything the preview shows (statuses, old and new values, errors): confirming
        applies only a plan with the same digest."""
        digest = hashlib.sha256()
        for o in self.outcomes:
            changes = tuple((c.column, c.old, c.new) for c in o.changes)
            digest.update(repr((o.kind, o.row, o.key, o.status, changes, len(o.errors))).encode())
        return digest.hexdigest()[:32]

    def stored(self) -> StoredPlan:
        """The plan as the preview keeps it until confirmation (a plan with errors writes nothing)."""
        ok = self.ok
        return StoredPlan(
            name=self.name,
            digest=self.digest,
            counts=self.counts,
            ok=ok,
            basis=self.basis,
            read=self.read,
            municipality_ids=self.municipality_ids,
            writes=self.writes if ok else Writes(),
        )


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


Reader = tuple[str, str, Callable[[Cell], object]]  # key, header, the column's reader


def table_readers(table: Table) -> list[Reader | None]:
    """The reader of each key of ``table`` (``cells.column_reader``; per-year amounts as money
    columns; None: ignored), made once per table."""
    language = translation.get_language() or ""
    readers: list[Reader | None] = []
    for key in table.keys:
        column = table.layout.column(key)
        readers.append(
            None if column.kind == INFO else (column.key, column.header, column_reader(column, language))
        )
    return readers


def row_values(readers: list[Reader | None], cells: list[Cell], outcome: RowOutcome) -> dict[str, object]:
    """The typed values of a row's columns; cell errors go to the outcome."""
    values: dict[str, object] = {}
    for reader, cell in zip(readers, cells, strict=True):
        if reader is None:
            continue
        key, header, read = reader
        try:
            values[key] = read(cell)
        except CellError as error:
            outcome.error(header, str(error))
    return values


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
        self.matched: set[int] = set()  # stored measures a row of "Maßnahmen" names
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
                sheet=table.label, kind=table.kind, row=0, key=key, status=DELETED, changes=changes or ()
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

    def measure_ref(self, code: str) -> MeasureRef:
        """How a cost line or module names its measure in the writes: the stored measure's id, or
        the code of a measure the import creates."""
        stored = self.stored.get(code)
        return stored.pk if stored is not None else code

    def touch(self, code: str) -> None:
        """The money rows of the measure ``code`` change: a stored one gets a new version."""
        stored = self.stored.get(code)
        if stored is not None:
            self.writes.touched.add(stored.pk)

    def _municipality_ids(self) -> set[int]:
        """The municipalities whose KuF rows the plan changes (a moved measure: the old and the new
        one), for the notice about reset sign-offs."""
        by_pk = self.state.measures_by_pk
        ids = {by_pk[pk].municipality_id for pk in self.writes.touched}
        for write in self.writes.measures:
            ids.add(write.fields.get("municipality_id"))
            if write.pk is not None:
                ids.add(by_pk[write.pk].municipality_id)
        return {pk for pk in ids if pk is not None}

    def plan(self) -> ImportPlan:
        # What the plan depends on: the measures the file names, whatever its sheets say about them.
        named = self.listed_costs | self.listed_modules
        read = sorted(self.matched | {self.stored[code].pk for code in named if code in self.stored})
        return ImportPlan(
            name=self.parsed.name,
            outcomes=self.outcomes,
            writes=self.writes,
            basis=state_basis(self.state, read),
            read=read,
            municipality_ids=self._municipality_ids(),
        )
