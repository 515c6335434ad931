"""The concept as the import compares with it and the export writes it: its structure (action fields,
municipalities, quarters, goals), the programmes, and its measures with their quarters, goals, cost
lines, financing modules and per-year amounts, loaded in a fixed number of queries (``load_state``),
so that no row of a file costs a query.

``state_basis`` is a hash of the part of a state a plan depends on; the preview keeps it with its plan,
and confirming applies the plan only if the database still gives the same hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter

from django.db.models import CharField, IntegerField, Value

from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme
from measures.models import Measure
from projects.models import ActionField, Concept, Goal, Municipality, Quarter

Row = tuple  # a cost line, module or per-year amount of ``State``: a named tuple (``_named_rows``)


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
    # The money rows as named tuples of their fields (``pk`` and each attribute name), not model
    # instances: a concept has thousands, and a tuple costs a fraction of an instance's time and memory.
    cost_lines: dict[int, list[Row]]  # ``CostLine`` rows by measure id, in (year, section, id) order
    modules: dict[int, list[Row]]  # ``FinancingModule`` rows by measure id, in (order, id) order
    module_years: dict[int, dict[int, Row]]  # ``FinancingYear`` rows by module id, then year

    def __post_init__(self) -> None:
        self.measures_by_code = {measure.code: measure for measure in self.measures}
        self.measures_by_pk = {measure.pk: measure for measure in self.measures}
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


_TEXT, _NUMBER = CharField(), IntegerField()


def _tagged(queryset, tag: str, *columns: str | int):
    """``queryset``'s rows as ``(tag, *columns)``, unordered, for a ``union`` of several tables: a
    column is a field's name, or a constant ("" or a number) where a table has nothing to give."""
    values = [
        Value(c, output_field=_NUMBER) if isinstance(c, int) else c or Value("", output_field=_TEXT)
        for c in columns
    ]
    return queryset.order_by().values_list(Value(tag, output_field=_TEXT), *values)


def _named_rows(queryset):
    """The rows of ``queryset`` as named tuples of ``pk`` and every field's attribute name."""
    names = [field.attname for field in queryset.model._meta.concrete_fields]
    return queryset.values_list("pk", *names, named=True)


def _loaded(model, db: str, **values):
    """An instance of ``model`` holding ``values`` (by attribute name), the other fields deferred, as
    ``only()`` loads it."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def _structure(concept: Concept) -> tuple[dict, list, dict, list]:
    """The concept's action fields, participating municipalities, quarters and goals in one query
    (``union``), as model instances holding the fields the import reads (like ``only()``: any other is
    loaded when used)."""
    rows = _tagged(ActionField.objects.filter(concept=concept), "a", "pk", "code", "", "order").union(
        _tagged(Quarter.objects.filter(concept=concept), "q", "pk", "code", "", "order"),
        _tagged(Goal.objects.filter(action_field__concept=concept), "g", "pk", "code", "", "action_field_id"),
        _tagged(Municipality.objects.filter(participations__concept=concept), "m", "pk", "name", "ags", 0),
        all=True,
    )
    by_tag: dict[str, list[tuple]] = {"a": [], "q": [], "g": [], "m": []}
    for tag, *row in rows:
        by_tag[tag].append(row)
    db = concept._state.db or "default"
    fields = [
        _loaded(ActionField, db, id=pk, code=code, order=order, concept_id=concept.pk)
        for pk, code, _none, order in sorted(by_tag["a"], key=lambda row: (row[3], row[1]))
    ]
    fields_by_id = {field.pk: field for field in fields}
    quarters = [
        _loaded(Quarter, db, id=pk, code=code, order=order, concept_id=concept.pk)
        for pk, code, _none, order in sorted(by_tag["q"], key=lambda row: (row[3], row[1]))
    ]
    goals = []
    for pk, code, _none, field_id in sorted(by_tag["g"]):
        goal = _loaded(Goal, db, id=pk, code=code, action_field_id=field_id)
        goal.action_field = fields_by_id[field_id]
        goals.append(goal)
    municipalities = [
        _loaded(Municipality, db, id=pk, name=name, ags=ags)
        for pk, name, ags, _zero in sorted(by_tag["m"], key=lambda row: (row[1], row[0]))
    ]
    return {f.code: f for f in fields}, municipalities, {q.code: q for q in quarters}, goals


def load_state(*, concept: Concept, lock: bool = False) -> State:
    """The concept's structure, measures, cost lines and financing modules. Seven queries, however
    many rows: the structure (action fields, municipalities, quarters, goals: one ``union``),
    programmes, measures, their quarters and goals (one ``union``), cost lines, modules, per-year
    amounts. ``lock`` locks the measures (``SELECT … FOR UPDATE``) until the end of the surrounding
    transaction."""
    action_fields, municipalities, quarters, goals = _structure(concept)
    measures = Measure.objects.filter(concept=concept).order_by(
        "action_field__order", "action_field__code", "order", "code", "pk"
    )
    if lock:
        measures = measures.select_for_update(of=("self",))
    measures = list(measures)
    through_quarters = Measure.quarters.through.objects.filter(measure__concept=concept)
    through_goals = Measure.goals.through.objects.filter(measure__concept=concept)
    relations: dict[str, dict[int, dict[int, int]]] = {"q": {}, "g": {}}
    for tag, pk, measure_id, other_id in _tagged(
        through_quarters, "q", "pk", "measure_id", "quarter_id"
    ).union(_tagged(through_goals, "g", "pk", "measure_id", "goal_id"), all=True):
        relations[tag].setdefault(measure_id, {})[other_id] = pk
    cost_lines: dict[int, list[Row]] = {}
    lines = CostLine.objects.filter(measure__concept=concept).order_by("measure", "year", "section", "pk")
    for line in _named_rows(lines):
        cost_lines.setdefault(line.measure_id, []).append(line)
    modules: dict[int, list[Row]] = {}
    for module in _named_rows(
        FinancingModule.objects.filter(measure__concept=concept).order_by("measure", "order", "pk")
    ):
        modules.setdefault(module.measure_id, []).append(module)
    module_years: dict[int, dict[int, Row]] = {}
    for entry in _named_rows(
        FinancingYear.objects.filter(module__measure__concept=concept).order_by("module", "year")
    ):
        module_years.setdefault(entry.module_id, {})[entry.year] = entry
    return State(
        concept=concept,
        action_fields=action_fields,
        municipalities=municipalities,
        quarters=quarters,
        goals=goals,
        programmes={programme.code: programme for programme in FundingProgramme.objects.order_by("code")},
        measures=measures,
        measure_quarters=relations["q"],
        measure_goals=relations["g"],
        cost_lines=cost_lines,
        modules=modules,
        module_years=module_years,
    )


# The columns of each kind of row a plan depends on (``state_basis``).
_MEASURE_BASIS = tuple(field.attname for field in Measure._meta.concrete_fields)
_LINE_BASIS = tuple(field.attname for field in CostLine._meta.concrete_fields)
_MODULE_BASIS = tuple(field.attname for field in FinancingModule._meta.concrete_fields)
_YEAR_BASIS = tuple(field.attname for field in FinancingYear._meta.concrete_fields)


def _rows(objects: Iterable, names: tuple[str, ...]) -> Iterator[tuple]:
    """``names`` of each object, in the order of their first value (the id)."""
    return iter(sorted((tuple(getattr(obj, name) for name in names) for obj in objects), key=itemgetter(0)))


def state_basis(state: State, measure_ids: Iterable[int]) -> str:
    """A hash of what a plan made from ``state`` depends on: the concept's programme years, its action
    fields, municipalities, quarters and goals, the programmes, and of the measures ``measure_ids``
    (those the file names) every field, their quarters and goals, cost lines, financing modules and
    per-year amounts. Two states with the same hash give the same plan for the same file; a change
    to another measure of the concept does not matter. No query."""
    ids = sorted(set(measure_ids))
    wanted = set(ids)
    modules = [module for pk in ids for module in state.modules.get(pk, [])]
    parts = [
        iter([(state.concept.year_from, state.concept.year_to)]),
        _rows(state.action_fields.values(), ("pk", "code")),
        _rows(state.municipalities, ("pk", "name", "ags")),
        _rows(state.quarters.values(), ("pk", "code")),
        _rows(state.goals, ("pk", "code", "action_field_id")),
        _rows(state.programmes.values(), ("pk", "code", "max_rate")),
        _rows((m for m in state.measures if m.pk in wanted), _MEASURE_BASIS),
        ((pk, q, row) for pk in ids for q, row in sorted(state.measure_quarters.get(pk, {}).items())),
        ((pk, g, row) for pk in ids for g, row in sorted(state.measure_goals.get(pk, {}).items())),
        _rows((line for pk in ids for line in state.cost_lines.get(pk, [])), _LINE_BASIS),
        _rows(modules, _MODULE_BASIS),
        _rows((entry for m in modules for entry in state.module_years.get(m.pk, {}).values()), _YEAR_BASIS),
    ]
    digest = hashlib.sha256()
    for part in parts:
        for row in part:
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()
