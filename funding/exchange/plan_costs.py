"""Checking the sheet "Kostenzeilen": each row's year within the concept's programme years and the
measure's period, and the editor's rule on the ineligible part (``funding.editor.validation``), on the
row's plain values (the cells' readers have checked each column's kind and limits, ``cells``); then
the rows of each measure named replace its stored cost lines, matched by year and cost section (the
stored lines left over are deleted).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from funding.editor import validation

from .layouts import MONEY, TEXT
from .plan import (
    NEW,
    Change,
    Planning,
    RowOutcome,
    display,
    layout_headers,
    row_values,
    same_text,
    table_readers,
)
from .state import Row
from .tables import Table, cell_text

ZERO = Decimal("0.00")


class _Row(NamedTuple):
    """A row of the sheet with its outcome, kept until its measure's rows are matched (a tuple, not
    the row's dict of values: a file has thousands)."""

    outcome: RowOutcome
    section: int | None
    year: int | None
    gross: Decimal | None
    ineligible: Decimal
    note: str | None  # None: no such column


def plan_cost_lines(planning: Planning, table: Table) -> None:
    """Check every row of the sheet "Kostenzeilen" and match the rows of each measure to its stored
    cost lines."""
    headers = layout_headers(table)
    readers = table_readers(table)
    code_index = table.keys.index("code")
    by_measure: dict[str, list[_Row]] = {}
    for number, cells in table.rows:
        outcome = planning.outcome(table, number, "")
        values = row_values(readers, cells, outcome)
        code = values.get("code") or cell_text(cells[code_index]).strip()
        year = values.get("year")
        outcome.key = " · ".join(
            str(part) for part in (code, year, planning.section_text(values.get("section"))) if part
        )
        if not code:
            continue
        _check_row(planning, code, values, outcome, headers)
        row = _Row(
            outcome,
            values.get("section"),
            year,
            values.get("gross"),
            values["ineligible"],
            values.get("note"),
        )
        by_measure.setdefault(code, []).append(row)
    for code, rows in by_measure.items():
        _plan_measure_lines(planning, table, code, rows, headers)


def _check_row(planning: Planning, code: str, values: dict, outcome: RowOutcome, headers: dict) -> None:
    planning.listed_costs.add(code)
    period = planning.measure_period(code, outcome)
    year = values.get("year")
    # The year is checked even when other cells of the row are wrong.
    if year is not None and (message := planning.year_error(year, period)):
        outcome.error(headers["year"], message)
    if values.get("ineligible") is None:
        # An empty cell is 0; without the column, a stored line keeps its value (see below).
        values["ineligible"] = ZERO
    if message := validation.ineligible_error(gross=values.get("gross"), ineligible=values["ineligible"]):
        outcome.error(headers["ineligible"], message)


def _plan_measure_lines(planning: Planning, table: Table, code: str, rows: list[_Row], headers: dict) -> None:
    # Rows with errors take no part; then the stored lines left over are not listed as deleted either
    # (one of the wrong rows may have been meant for them). Nothing is applied anyway.
    complete = not any(row.outcome.errors for row in rows)
    stored = planning.stored.get(code)
    pool: dict[tuple[int, int], list[Row]] = {}
    for line in planning.state.cost_lines.get(stored.pk, []) if stored else []:
        pool.setdefault((line.year, line.section), []).append(line)
    columns = [name for name in ("ineligible", "note") if name in table.keys]
    for row in rows:
        if not row.outcome.errors:
            _match_row(planning, code, row, pool.get((row.year, row.section)), columns, headers)
    if not complete:
        return
    for lines in pool.values():
        for line in lines:
            key = " · ".join((code, str(line.year), planning.section_text(line.section)))
            planning.deleted(table, key, [Change(headers["gross"], display(MONEY, line.gross), "–")])
            planning.writes.deleted_lines.append(line.pk)
            planning.touch(code)


def _match_row(
    planning: Planning,
    code: str,
    row: _Row,
    candidates: list[Row] | None,
    columns: list[str],
    headers: dict,
) -> None:
    """One row against the stored lines of its year and section (``candidates``: ``CostLine`` rows,
    taken as matched); ``columns``: which of the optional columns the file has."""
    outcome = row.outcome
    if not candidates:
        outcome.status = NEW
        line = (row.section, row.year, row.gross, row.ineligible, row.note or "")
        planning.writes.new_lines.append((planning.measure_ref(code), *line))
        planning.touch(code)
        return
    line = candidates.pop(0)  # meant for this row: not a deletion
    if "ineligible" not in columns:
        # Without the column, the stored ineligible part stays: it must lie within the new gross cost.
        message = validation.ineligible_error(gross=row.gross, ineligible=line.ineligible, stored=True)
        if message:
            outcome.error(headers["gross"], message)
            return
    new = {"gross": row.gross} | {name: getattr(row, name) for name in columns}
    changes = [
        Change(headers[name], display(_kind(name), getattr(line, name)), display(_kind(name), value))
        for name, value in new.items()
        if not _same(name, getattr(line, name), value)
    ]
    if changes:
        outcome.changed(changes)
        written = (
            line.section,
            line.year,
            new["gross"],
            new.get("ineligible", line.ineligible),
            new.get("note", line.note),
        )
        planning.writes.changed_lines.append((line.pk, *written))
        planning.touch(code)


def _kind(name: str) -> str:
    return TEXT if name == "note" else MONEY


def _same(name: str, old: object, new: object) -> bool:
    return same_text(old, new) if name == "note" else old == new
