"""The concept as the import compares with it and the export writes it: its structure (action fields,
municipalities, quarters, goals), the programmes, and its measures with their quarters, goals, cost
lines, financing modules and per-year amounts, loaded in a fixed number of queries (``load_state``),
so that no row of a file costs a query.
"""

from __future__ import annotations

from dataclasses import dataclass

from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme
from measures.models import Measure
from projects.models import ActionField, Concept, Goal, Municipality, Quarter


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
