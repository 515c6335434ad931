"""Applying a previewed plan (``import_apply``): the plan the preview stored (``plan.StoredPlan``) is
applied as it is, without planning again, in one transaction, if it is free of errors, is the preview
the user confirmed (its digest) and the database still holds what it was computed from: the measures
are locked (on PostgreSQL) and the state's basis (``state.state_basis``) compared with the plan's.
Everything is written with bulk statements (``bulk``), and every created, changed or deleted row gets
a django-simple-history record naming the importing user, as an edit in the browser would: copied in
the database from the row as written (deleted rows: before the deletion). Touched measures get a new
version, so an editor opened before the import reports a conflict instead of overwriting it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import CostLine, FinancingModule, FinancingYear
from measures.models import Measure
from measures.services import measure_code_errors
from projects.dataversion import concepts_changed
from projects.integrity import duplicates_refused
from projects.models import Concept

from . import bulk
from .bulk import BATCH, History
from .plan import LINE_FIELDS, MODULE_FIELDS, MeasureRef, MeasureWrite, StoredPlan, Writes
from .state import load_state, state_basis


class ImportRefused(Exception):
    """Nothing was applied: the plan has errors, or it differs from the preview the user confirmed, or
    the database changed since the preview."""

    def __init__(self, plan: StoredPlan, message: str):
        super().__init__(message)
        self.plan = plan
        self.message = message


def import_apply(*, concept: Concept, plan: StoredPlan, digest: str, user) -> StoredPlan:
    """Apply the stored ``plan`` (``ImportPlan.stored()``, kept on the server since the preview) to
    ``concept`` in one transaction, if it is free of errors, is the preview the user confirmed
    (``digest``) and the measures it was computed from, with their rows, and the concept's structure
    are still as they were; otherwise raise ``ImportRefused`` and change nothing. The plan is not
    made again.

    Every created, changed or deleted measure, cost line, financing module and per-year amount gets a
    history record naming ``user`` (change reason "Import aus <file>"); touched measures get a new
    version. Bulk statements: the number of queries grows with the number of rows only by one per
    batch of several hundred rows.
    """
    with transaction.atomic():
        if not plan.ok:
            raise ImportRefused(plan, _("Die Datei enthält Fehler; es wurde nichts übernommen."))
        state = load_state(concept=concept, lock=True) if plan.digest == digest else None
        if state is None or state_basis(state, plan.read) != plan.basis:
            raise ImportRefused(
                plan,
                _(
                    "Die Daten haben sich seit der Vorschau geändert; es wurde nichts übernommen. Bitte "
                    "prüfen Sie die neue Vorschau."
                ),
            )
        try:
            with duplicates_refused(lambda: _codes_taken_meanwhile(concept, plan)):
                _write(plan, concept=concept, user=user)
            # Bulk statements send no signals: the concept's data version moves on here, in the same
            # transaction (the cached KuF, projects.dataversion).
            concepts_changed([concept.pk])
        except ValidationError as taken:  # a code another save took after the plan was made
            raise ImportRefused(plan, " ".join([*taken.messages, _("Es wurde nichts übernommen.")])) from None
    return plan


def _codes_taken_meanwhile(concept: Concept, plan: StoredPlan) -> dict[str, list[str]]:
    """The codes of the plan's new or renamed measures that another measure of ``concept`` has now."""
    messages = []
    for write in plan.writes.measures:
        if write.pk is None or "code" in write.fields:
            stored = Measure(pk=write.pk) if write.pk is not None else None
            messages += measure_code_errors(concept=concept, code=write.code, measure=stored).values()
    return {"code": messages}


# --- Writing a plan ------------------------------------------------------------------------------------


def _write(plan: StoredPlan, *, concept: Concept, user) -> None:
    user_id = user.pk if user is not None and user.is_authenticated else None
    history = History(
        user_id=user_id, date=timezone.now(), reason=(_("Import aus %(name)s") % {"name": plan.name})[:100]
    )
    ids = _write_measures(plan.writes, concept=concept, history=history)
    _write_cost_lines(plan.writes, ids, history=history)
    _write_modules(plan.writes, ids, history=history)


def _write_measures(writes: Writes, *, concept: Concept, history: History) -> dict[MeasureRef, int]:
    """The new measures, the changed fields of stored ones, a new version for every stored measure
    whose profile or money rows change (an editor opened before the import then reports a conflict),
    their quarters and goals, and the history of all of that. Returns the id of each measure the
    writes name (by id, or by code for a new one)."""
    new = [write for write in writes.measures if write.pk is None]
    created = Measure.objects.bulk_create(
        [Measure(concept=concept, **write.fields) for write in new], batch_size=BATCH
    )
    ids: dict[MeasureRef, int] = {write.code: measure.pk for write, measure in zip(new, created, strict=True)}
    updated = _update_measures(
        [write for write in writes.measures if write.pk is not None], writes.touched, history
    )
    for name in ("quarters", "goals"):
        _write_m2m(name, [(ids.get(write.code, write.pk), getattr(write, name)) for write in writes.measures])
    history.copy(Measure, [measure.pk for measure in created], "+")
    history.copy(Measure, updated, "~")
    if created or updated:
        for name in ("quarters", "goals"):
            history.copy_m2m(name, concept.pk)
    return ids


def _update_measures(changed: list[MeasureWrite], touched: set[int], history: History) -> list[int]:
    """The changed fields of stored measures (one statement per set of fields), and a new version for
    them and the ``touched`` ones; their ids."""
    by_fields: dict[tuple[str, ...], list[tuple]] = {}
    for write in changed:
        if write.fields:  # else only its quarters or goals change
            by_fields.setdefault(tuple(write.fields), []).append((write.pk, *write.fields.values()))
    for names, rows in by_fields.items():
        bulk.update(Measure, rows, names)
    updated = sorted(touched | {write.pk for write in changed})
    if updated:
        Measure.objects.filter(pk__in=updated).update(version=F("version") + 1, updated_at=history.date)
    return updated


def _write_m2m(name: str, changes: list[tuple[int, tuple[list[int], list[int]] | None]]) -> None:
    """Add and remove the quarters or goals (``name``) of measures: (measure id, (ids added, through
    rows removed))."""
    through = getattr(Measure, name).through
    target = f"{name.removesuffix('s')}_id"
    removed = [row for _pk, change in changes if change for row in change[1]]
    added = [
        through(measure_id=pk, **{target: other}) for pk, change in changes if change for other in change[0]
    ]
    if removed:
        through.objects.filter(pk__in=removed).delete()
    through.objects.bulk_create(added, batch_size=BATCH)


def _measure_id(ids: dict[MeasureRef, int], ref: MeasureRef) -> int:
    return ids[ref] if isinstance(ref, str) else ref


def _write_cost_lines(writes: Writes, ids: dict[MeasureRef, int], *, history: History) -> None:
    new_lines = [(_measure_id(ids, ref), *line) for ref, *line in writes.new_lines]
    history.copy(CostLine, bulk.insert(CostLine, ("measure_id", *LINE_FIELDS), new_lines), "+")
    bulk.update(CostLine, writes.changed_lines, LINE_FIELDS)
    history.copy(CostLine, [line[0] for line in writes.changed_lines], "~")
    history.copy(CostLine, writes.deleted_lines, "-")
    bulk.delete(CostLine, writes.deleted_lines)


def _write_modules(writes: Writes, ids: dict[MeasureRef, int], *, history: History) -> None:
    """Financing modules and their per-year amounts; deletions first (unique module and year)."""
    history.copy(FinancingYear, writes.deleted_years, "-")
    bulk.delete(FinancingYear, writes.deleted_years)
    history.copy(FinancingModule, writes.deleted_modules, "-")
    bulk.delete(FinancingModule, writes.deleted_modules)
    created = FinancingModule.objects.bulk_create(
        [
            FinancingModule(measure_id=_measure_id(ids, ref), **dict(zip(MODULE_FIELDS, values, strict=True)))
            for ref, values, _years in writes.new_modules
        ],
        batch_size=BATCH,
    )
    history.copy(FinancingModule, [module.pk for module in created], "+")
    bulk.update(FinancingModule, writes.changed_modules, MODULE_FIELDS)
    history.copy(FinancingModule, [module[0] for module in writes.changed_modules], "~")
    new_years = list(writes.new_years) + [
        (module.pk, year, amount)
        for module, (_ref, _values, years) in zip(created, writes.new_modules, strict=True)
        for year, amount in sorted(years.items())
    ]
    history.copy(FinancingYear, bulk.insert(FinancingYear, ("module_id", "year", "amount"), new_years), "+")
    bulk.update(FinancingYear, writes.changed_years, ["amount"])
    history.copy(FinancingYear, [entry[0] for entry in writes.changed_years], "~")
