"""Applying a checked file (``import_apply``): the plan is made again inside one transaction (with the
measures locked on PostgreSQL) and applied only if it is free of errors and the same as the preview the
user confirmed (``ImportPlan.digest``). Everything is written with bulk statements, and every created,
changed or deleted row gets a django-simple-history record naming the importing user, as an edit in
the browser would. Touched measures get a new version, so an editor opened before the import reports a
conflict instead of overwriting it.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import CostLine, FinancingModule, FinancingYear
from measures.models import Measure
from measures.services import measure_code_errors
from projects.dataversion import concepts_changed
from projects.integrity import duplicates_refused
from projects.models import Concept

from .plan import ImportPlan, MeasureWrite, Writes
from .planning import import_plan
from .state import State, load_state
from .tables import ParsedFile

BATCH = 500


class ImportRefused(Exception):
    """Nothing was applied: the plan has errors, or it differs from the preview the user confirmed."""

    def __init__(self, plan: ImportPlan, message: str):
        super().__init__(message)
        self.plan = plan
        self.message = message


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
        try:
            with duplicates_refused(lambda: _codes_taken_meanwhile(concept, plan)):
                _write(plan, state=state, user=user)
            # Bulk statements send no signals: the concept's data version moves on here, in the same
            # transaction (the cached KuF, projects.dataversion).
            concepts_changed([concept.pk])
        except ValidationError as taken:  # a code another save took after the plan was made
            raise ImportRefused(plan, " ".join([*taken.messages, _("Es wurde nichts übernommen.")])) from None
    return plan


def _codes_taken_meanwhile(concept: Concept, plan: ImportPlan) -> dict[str, list[str]]:
    """The codes of the plan's new or renamed measures that another measure of ``concept`` has now."""
    messages = []
    for write in plan.writes.measures.values():
        stored = None if write.is_new else write.measure
        messages += measure_code_errors(concept=concept, code=write.measure.code, measure=stored).values()
    return {"code": messages}


# --- Bulk statements ------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _History:
    """Who and when, for the history records of one import."""

    user: object
    date: datetime.datetime
    reason: str

    def records(self, model, objects: Sequence, kind: str) -> list:
        """django-simple-history records for rows written in bulk (its signals only fire on single
        saves and deletes): one INSERT per batch."""
        if not objects:
            return []
        historical = model.history.model
        records = [
            historical(
                history_date=self.date,
                history_type=kind,
                history_user=self.user,
                history_change_reason=self.reason,
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


# --- Writing a plan ------------------------------------------------------------------------------------

_M2M = (
    # name, the state's stored rows, the target column, the history model of the through rows
    ("quarters", "measure_quarters", "quarter_id", "HistoricalMeasure_quarters"),
    ("goals", "measure_goals", "goal_id", "HistoricalMeasure_goals"),
)


def _write(plan: ImportPlan, *, state: State, user) -> None:
    user = user if user is not None and user.is_authenticated else None
    history = _History(
        user=user, date=timezone.now(), reason=(_("Import aus %(name)s") % {"name": plan.name})[:100]
    )
    _write_measures(plan.writes, state=state, history=history)
    _write_cost_lines(plan.writes, history=history)
    _write_modules(plan.writes, history=history)


def _write_measures(writes: Writes, *, state: State, history: _History) -> None:
    """The new measures, then every stored one whose profile or money rows change gets a new version
    (an editor opened before the import then reports a conflict) and a history record; then their
    quarters and goals, with the history of those."""
    created = [write.measure for write in writes.measures.values() if write.is_new]
    Measure.objects.bulk_create(created, batch_size=BATCH)
    changed = {code: write for code, write in writes.measures.items() if not write.is_new}
    for code in sorted(writes.touched):
        if code not in writes.measures:
            changed[code] = MeasureWrite(measure=copy.copy(writes.stored[code]), is_new=False)
    updated = [write.measure for write in changed.values()]
    for measure in updated:
        measure.version += 1
        measure.updated_at = history.date
    _update(Measure, updated, {"version", "updated_at"}.union(*(write.fields for write in changed.values())))
    final = {name: _write_m2m(writes, state, name, created + updated) for name, *_rest in _M2M}
    records = history.records(Measure, created, "+") + history.records(Measure, updated, "~")
    for name, _stored, target, model_name in _M2M:
        historical_m2m = apps.get_model("measures", model_name)
        historical_m2m.objects.bulk_create(
            [
                historical_m2m(id=through_id, history=record, measure_id=record.id, **{target: pk})
                for record in records
                for pk, through_id in final[name][record.id].items()
            ],
            batch_size=BATCH,
        )


def _write_m2m(writes: Writes, state: State, name: str, measures: list[Measure]) -> dict[int, dict[int, int]]:
    """Set the quarters or goals (``name``) the plan changes; the through rows of every written
    measure afterwards (measure id → {target id: through row id}), for the history."""
    _name, stored_attr, target, _model = next(entry for entry in _M2M if entry[0] == name)
    stored_map = getattr(state, stored_attr)
    through = getattr(Measure, name).through
    final = {m.pk: dict(stored_map.get(m.pk, {})) for m in measures}
    removed, added = [], []
    for write in writes.measures.values():
        wanted = getattr(write, name)
        if wanted is None:
            continue
        current = final[write.measure.pk]
        removed += [through_id for pk, through_id in current.items() if pk not in wanted]
        added += [through(measure_id=write.measure.pk, **{target: pk}) for pk in wanted - set(current)]
        for pk in set(current) - wanted:
            del current[pk]
    through.objects.filter(pk__in=removed).delete()
    for row in through.objects.bulk_create(added, batch_size=BATCH):
        final[row.measure_id][getattr(row, target)] = row.pk
    return final


def _measure_pk(writes: Writes, code: str) -> int:
    write = writes.measures.get(code)
    return write.measure.pk if write is not None else writes.stored[code].pk


def _write_cost_lines(writes: Writes, *, history: _History) -> None:
    new_lines = []
    for code, line in writes.new_lines:
        line.measure_id = _measure_pk(writes, code)
        new_lines.append(line)
    CostLine.objects.bulk_create(new_lines, batch_size=BATCH)
    history.records(CostLine, new_lines, "+")
    _update(CostLine, writes.changed_lines, ["section", "year", "gross", "ineligible", "note"])
    history.records(CostLine, writes.changed_lines, "~")
    history.records(CostLine, writes.deleted_lines, "-")
    _delete(CostLine, [line.pk for line in writes.deleted_lines])


def _write_modules(writes: Writes, *, history: _History) -> None:
    """Financing modules and their per-year amounts; deletions first (unique module and year)."""
    history.records(FinancingYear, writes.deleted_years, "-")
    _delete(FinancingYear, [entry.pk for entry in writes.deleted_years])
    history.records(FinancingModule, writes.deleted_modules, "-")
    _delete(FinancingModule, [module.pk for module in writes.deleted_modules])
    new_modules = []
    for code, module, _years in writes.new_modules:
        module.measure_id = _measure_pk(writes, code)
        new_modules.append(module)
    FinancingModule.objects.bulk_create(new_modules, batch_size=BATCH)
    history.records(FinancingModule, new_modules, "+")
    _update(
        FinancingModule,
        writes.changed_modules,
        ["kind", "programme", "source", "cost_share", "rate", "amount", "order"],
    )
    history.records(FinancingModule, writes.changed_modules, "~")
    new_years = list(writes.new_years) + [
        FinancingYear(module_id=module.pk, year=year, amount=amount)
        for _code, module, years in writes.new_modules
        for year, amount in sorted(years.items())
    ]
    FinancingYear.objects.bulk_create(new_years, batch_size=BATCH)
    history.records(FinancingYear, new_years, "+")
    _update(FinancingYear, writes.changed_years, ["amount"])
    history.records(FinancingYear, writes.changed_years, "~")
