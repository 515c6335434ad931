"""Checking the sheet "Kostenzeilen": each row's year within the concept's programme years and the
measure's period, the editor's rule on the ineligible part (``funding.editor.validation``) and the
model's own checks; then the rows of each measure named replace its stored cost lines, matched by
year and cost section (the stored lines left over are deleted).
"""

from __future__ import annotations

from decimal import Decimal

from funding.editor import validation
from funding.models import CostLine

from .layouts import MONEY, TEXT
from .plan import (
    NEW,
    Change,
    Planning,
    RowOutcome,
    code_of,
    display,
    layout_headers,
    model_errors,
    row_values,
    same_text,
    table_columns,
)
from .tables import Table

_Rows = list[tuple[RowOutcome, dict]]


def plan_cost_lines(planning: Planning, table: Table) -> None:
    """Check every row of the sheet "Kostenzeilen" and match the rows of each measure to its stored
    cost lines."""
    headers = layout_headers(table)
    columns = table_columns(table)
    by_measure: dict[str, _Rows] = {}
    for number, cells in table.rows:
        outcome = planning.outcome(table, number, "")
        values = row_values(columns, cells, outcome)
        code = code_of(table, cells, values)
        outcome.key = " · ".join(
            str(part)
            for part in (code, values.get("year"), planning.section_text(values.get("section")))
            if part
        )
        if not code:
            continue
        _check_row(planning, code, values, outcome, headers)
        by_measure.setdefault(code, []).append((outcome, values))
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
        values["ineligible"] = Decimal("0.00")
    if message := validation.ineligible_error(gross=values.get("gross"), ineligible=values["ineligible"]):
        outcome.error(headers["ineligible"], message)
    if not outcome.errors:
        model_errors(_line(values), ["measure"], headers, outcome)


def _line(values: dict) -> CostLine:
    return CostLine(
        section=values["section"],
        year=values["year"],
        gross=values["gross"],
        ineligible=values["ineligible"],
        note=values.get("note", ""),
    )


def _plan_measure_lines(planning: Planning, table: Table, code: str, rows: _Rows, headers: dict) -> None:
    # Rows with errors take no part; then the stored lines left over are not listed as deleted either
    # (one of the wrong rows may have been meant for them). Nothing is applied anyway.
    complete = not any(outcome.errors for outcome, _values in rows)
    stored = planning.stored.get(code)
    pool: dict[tuple[int, int], list[CostLine]] = {}
    for line in planning.state.cost_lines.get(stored.pk, []) if stored else []:
        pool.setdefault((line.year, line.section), []).append(line)
    for outcome, values in rows:
        if not outcome.errors:
            _match_row(planning, table, code, outcome, values, pool.get((values["year"], values["section"])))
    if not complete:
        return
    for lines in pool.values():
        for line in lines:
            key = " · ".join((code, str(line.year), planning.section_text(line.section)))
            planning.deleted(table, key, [Change(headers["gross"], display(MONEY, line.gross), "–")])
            planning.writes.deleted_lines.append(line)
            planning.writes.touched.add(code)


def _match_row(
    planning: Planning,
    table: Table,
    code: str,
    outcome: RowOutcome,
    values: dict,
    candidates: list[CostLine] | None,
) -> None:
    """One row against the stored lines of its year and section (``candidates``, taken as matched)."""
    headers = layout_headers(table)
    new_values = {"gross": values["gross"]}
    new_values.update({name: values[name] for name in ("ineligible", "note") if name in table.keys})
    if candidates and "ineligible" not in new_values:
        # Without the column, the stored ineligible part stays: it must lie within the new gross cost.
        message = validation.ineligible_error(
            gross=values["gross"], ineligible=candidates[0].ineligible, stored=True
        )
        if message:
            outcome.error(headers["gross"], message)
            candidates.pop(0)  # meant for this row: not a deletion
            return
    if not candidates:
        outcome.status = NEW
        planning.writes.new_lines.append((code, _line(values)))
        planning.writes.touched.add(code)
        return
    line = candidates.pop(0)
    changes = [
        Change(headers[name], display(_kind(name), getattr(line, name)), display(_kind(name), new))
        for name, new in new_values.items()
        if not _same(name, getattr(line, name), new)
    ]
    if changes:
        outcome.changed(changes)
        # The stored row itself takes the new values (the state is loaded for this plan only, and the
        # old values are read above).
        for name, new in new_values.items():
            setattr(line, name, new)
        planning.writes.changed_lines.append(line)
        planning.writes.touched.add(code)


def _kind(name: str) -> str:
    return TEXT if name == "note" else MONEY


def _same(name: str, old: object, new: object) -> bool:
    return same_text(old, new) if name == "note" else old == new
