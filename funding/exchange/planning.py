"""Checking a read file against a concept: the preview (``import_plan``), no writes. The sheets are
checked in order, measures first (cost and module rows of measures renamed or re-timed in the file use
their new period), each by its own planner; every bad cell of a row is reported, not only the first.
"""

from __future__ import annotations

from projects.models import Concept

from .layouts import COSTS, MEASURES, MODULES
from .plan import ImportPlan, Planning
from .plan_costs import plan_cost_lines
from .plan_measures import check_periods_hold_stored_rows, plan_measures
from .plan_modules import plan_modules
from .state import State, load_state
from .tables import ParsedFile

PLANNERS = ((MEASURES, plan_measures), (COSTS, plan_cost_lines), (MODULES, plan_modules))


def import_plan(*, concept: Concept, parsed: ParsedFile, state: State | None = None) -> ImportPlan:
    """Check every row of ``parsed`` against ``concept`` and classify it (see ``funding.exchange.imports``).
    No writes. Queries: those of ``load_state`` (seven), however many rows."""
    planning = Planning(state or load_state(concept=concept), parsed)
    tables = {table.kind: table for table in parsed.tables}
    for kind, planner in PLANNERS:
        if kind in tables:
            planner(planning, tables[kind])
    check_periods_hold_stored_rows(planning)
    return planning.plan()
