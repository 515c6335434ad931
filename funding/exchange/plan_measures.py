"""Checking the sheet "Maßnahmen" against the concept: which stored measure each row means (by its
"Kennung", else its code), the look-ups of action field, municipality, quarters and goals among the
concept's own, the changed values, and the editor's rules on the period, on the row's plain values (the
cells' readers have checked each column's kind and limits, ``cells``; ``Measure.clean`` queries the
database, and its rules hold by construction here: action fields and municipalities are looked up among
the concept's own). Beyond the editor, a new or changed period must lie within the concept's programme
years, and must still hold the stored costs and per-year amounts the file does not replace
(``check_periods_hold_stored_rows``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from measures.models import Measure
from measures.services import measure_period_errors
from projects.models import ActionField, Municipality

from .layouts import (
    CHOICE,
    CODE,
    CODES,
    MEASURE_FKS,
    MEASURE_LAYOUT,
    MEASURE_SCALARS,
    MEASURES,
    TEXT,
    choice_label,
    normalize_header,
)
from .plan import (
    NEW,
    Change,
    MeasureWrite,
    Planning,
    RowOutcome,
    display,
    layout_headers,
    row_values,
    same_text,
    table_readers,
)
from .state import State
from .tables import Table, cell_text


@dataclass
class _Row:
    number: int
    outcome: RowOutcome
    values: dict
    stored: Measure | None = None


@dataclass
class _Seen:
    """Codes and ids met so far in the sheet, with their row."""

    codes: dict[str, int] = field(default_factory=dict)
    uids: dict[str, int] = field(default_factory=dict)


@dataclass
class _Diff:
    """The changes of one stored measure, as the preview shows them, and the changed fields."""

    stored: bool
    changes: list[Change] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)

    def record(self, name: str, header: str, old: object, new: object) -> None:
        if self.stored:
            self.changes.append(Change(header, display(TEXT, old), display(TEXT, new)))
        self.fields.add(name)


def plan_measures(planning: Planning, table: Table) -> None:
    """Check every row of the sheet "Maßnahmen" and classify it."""
    headers = layout_headers(table)
    readers = table_readers(table)
    seen = _Seen()
    rows = []
    for number, cells in table.rows:
        code_cell = cells[table.keys.index("code")] if "code" in table.keys else None
        outcome = planning.outcome(table, number, cell_text(code_cell).strip())
        row = _Row(number, outcome, row_values(readers, cells, outcome))
        row.stored = _identify(planning.state, row, headers, seen)
        rows.append(row)
    # Periods first: cost and module rows of measures renamed or re-timed in this file use them.
    for row in rows:
        code = row.values.get("code")
        if row.stored is not None and code and code != row.stored.code:
            planning.renamed_from.add(row.stored.code)
            planning.periods.pop(row.stored.code, None)
    for row in rows:
        _plan_row(planning, row, headers)


# --- Which measure a row means ----------------------------------------------------------------------


def _identify(state: State, row: _Row, headers: dict[str, str], seen: _Seen) -> Measure | None:
    stored = _by_uid(state, row, headers, seen)
    return _by_code(state, row, stored, headers, seen)


def _by_uid(state: State, row: _Row, headers: dict[str, str], seen: _Seen) -> Measure | None:
    uid = row.values.get("uid")
    if not uid:
        return None
    stored = state.measures_by_uid.get(uid)
    if stored is None:
        row.outcome.error(headers["uid"], _("Zu dieser Kennung gibt es keine Maßnahme in diesem Konzept."))
    elif uid in seen.uids:
        row.outcome.error(
            headers["uid"],
            _("Die Kennung kommt mehrfach vor (auch in Zeile %(row)s).") % {"row": seen.uids[uid]},
        )
    seen.uids.setdefault(uid, row.number)
    return stored


def _by_code(
    state: State, row: _Row, stored: Measure | None, headers: dict[str, str], seen: _Seen
) -> Measure | None:
    code = row.values.get("code")
    if not code:
        return stored
    if code in seen.codes:
        row.outcome.error(
            headers["code"],
            _("Das Kürzel „%(code)s“ kommt mehrfach vor (auch in Zeile %(row)s).")
            % {"code": code, "row": seen.codes[code]},
        )
    seen.codes.setdefault(code, row.number)
    other = state.measures_by_code.get(code)
    if stored is None and not row.values.get("uid"):
        return other
    if stored is not None and other is not None and other.pk != stored.pk:
        row.outcome.error(
            headers["code"], _("Das Kürzel „%(code)s“ ist in diesem Konzept schon vergeben.") % {"code": code}
        )
    return stored


# --- One row ------------------------------------------------------------------------------------------


@functools.cache
def _defaults() -> dict[str, object]:
    """The values of a new measure before the file's: the model's defaults."""
    return {name: Measure._meta.get_field(name).get_default() for name in MEASURE_SCALARS}


@functools.cache
def _empty_cell_values() -> dict[str, object]:
    """What an empty cell stands for where the model declares a default (as in the editor)."""
    fields = [Measure._meta.get_field(name) for name in MEASURE_SCALARS]
    return {field.name: field.get_default() for field in fields if field.has_default()}


def _plan_row(planning: Planning, row: _Row, headers: dict[str, str]) -> None:
    state, values, outcome, stored = planning.state, row.values, row.outcome, row.stored
    code = values.get("code") or ""
    # The measure's values after the import, by attribute name, starting from the stored ones.
    if stored is not None:
        target = {name: getattr(stored, name) for name in MEASURE_SCALARS}
        target |= {attname: getattr(stored, attname) for attname in MEASURE_FKS.values()}
    else:
        target = dict(_defaults()) | dict.fromkeys(MEASURE_FKS.values())
    diff = _Diff(stored=stored is not None)
    # A failed look-up does not end the row's checks: the preview names every bad cell at once.
    _look_up_action_field(state, values, outcome, headers)
    _look_up_municipality(state, values, outcome, headers)
    quarter_ids = _quarter_ids(state, values, outcome, headers)
    goal_ids = _goal_ids(state, values, outcome, headers)
    _set_scalars(target, values, diff)
    _set_foreign_keys(state, target, values, diff, headers)
    m2m = _m2m_changes(state, stored, {"quarters": quarter_ids, "goals": goal_ids}, diff, headers)
    _validate(planning, target, stored, headers, outcome)
    if outcome.errors:
        planning.failed(code, stored)
        return
    _record(planning, row, code, target, diff, m2m)


def _look_up_action_field(state: State, values: dict, outcome: RowOutcome, headers: dict[str, str]) -> None:
    if not values.get("action_field"):
        return
    action_field = state.action_fields.get(values["action_field"])
    if action_field is None:
        outcome.error(
            headers["action_field"],
            _("Unbekanntes Handlungsfeld „%(code)s“. Vorhanden: %(codes)s.")
            % {"code": values["action_field"], "codes": ", ".join(state.action_fields) or "–"},
        )
        return
    values["action_field"] = action_field


def _look_up_municipality(state: State, values: dict, outcome: RowOutcome, headers: dict[str, str]) -> None:
    name = values.get("municipality")
    if not name:
        return
    wanted = normalize_header(name).zfill(8) if name.strip().isdigit() else normalize_header(name)
    municipality = next(
        (m for m in state.municipalities if wanted in (normalize_header(m.name), m.ags)), None
    )
    if municipality is None:
        outcome.error(
            headers["municipality"],
            _("Die Kommune „%(name)s“ ist an diesem Konzept nicht beteiligt.") % {"name": name},
        )
        return
    values["municipality"] = municipality


def _quarter_ids(state: State, values: dict, outcome: RowOutcome, headers: dict[str, str]) -> set[int] | None:
    codes = values.get("quarters")
    if codes is None:
        return None
    unknown = [c for c in codes if c not in state.quarters]
    if unknown:
        outcome.error(
            headers["quarters"], _("Unbekannte Quartiere: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return {state.quarters[c].pk for c in codes if c in state.quarters}


def _goal_ids(state: State, values: dict, outcome: RowOutcome, headers: dict[str, str]) -> set[int] | None:
    codes = values.get("goals")
    if codes is None:
        return None
    ids = set()
    by_display = {shown: pk for pk, shown in state.goal_codes.items()}
    for goal_code in codes:
        if goal_code in by_display:
            ids.add(by_display[goal_code])
        elif len(state.goals_by_code.get(goal_code, [])) > 1:
            outcome.error(
                headers["goals"],
                _("Das Ziel „%(code)s“ ist nicht eindeutig; bitte „Handlungsfeld/Ziel“ angeben.")
                % {"code": goal_code},
            )
        else:
            outcome.error(headers["goals"], _("Unbekanntes Ziel „%(code)s“.") % {"code": goal_code})
    return ids


def _set_scalars(target: dict, values: dict, diff: _Diff) -> None:
    defaults = _empty_cell_values()
    for name in MEASURE_SCALARS:
        if name not in values:
            continue
        new = values[name]
        if new is None and name in defaults:
            new = defaults[name]  # an empty cell: the default, as in the editor
        old = target[name]
        column = MEASURE_LAYOUT.column(name)
        if same_text(old, new) if column.kind in (TEXT, CODE) else old == new:
            continue
        if column.kind == CHOICE:
            diff.record(name, column.header, choice_label(name, old), choice_label(name, new))
        else:
            diff.record(name, column.header, old, new)
        target[name] = new


def _fk_text(name: str, obj) -> str | None:
    if obj is None:
        return None
    return obj.code if name == "action_field" else obj.name


def _set_foreign_keys(state: State, target: dict, values: dict, diff: _Diff, headers: dict[str, str]) -> None:
    stored_objects = {"action_field": state.action_fields_by_id, "municipality": state.municipalities_by_id}
    for name, attname in MEASURE_FKS.items():
        obj = values.get(name)
        if not isinstance(obj, ActionField | Municipality):
            continue  # not in the file, or a failed look-up (reported above)
        if target[attname] == obj.pk:
            continue
        old = stored_objects[name].get(target[attname])
        diff.record(attname, headers[name], _fk_text(name, old), _fk_text(name, obj))
        target[attname] = obj.pk


def _m2m_changes(
    state: State,
    stored: Measure | None,
    wanted: dict[str, set[int] | None],
    diff: _Diff,
    headers: dict[str, str],
) -> dict[str, set[int]]:
    """The new quarters and goals where they change (a new measure: always)."""
    stored_maps = {"quarters": state.measure_quarters, "goals": state.measure_goals}
    shown = {"quarters": state.quarter_codes, "goals": state.goal_codes}
    changes = {}
    for name, ids in wanted.items():
        if ids is None:
            continue
        old_ids = set(stored_maps[name].get(stored.pk, {})) if stored is not None else set()
        if stored is not None and ids == old_ids:
            continue
        changes[name] = ids
        if stored is not None:
            diff.changes.append(
                Change(
                    headers[name],
                    display(CODES, sorted(shown[name][pk] for pk in old_ids)),
                    display(CODES, sorted(shown[name][pk] for pk in ids)),
                )
            )
    return changes


def _validate(
    planning: Planning, target: dict, stored: Measure | None, headers: dict[str, str], outcome: RowOutcome
) -> None:
    """The editor's rule on the period and the concept's programme years."""
    start, end = target["start_year"], target["end_year"]
    if start and end and start > end:
        outcome.error(headers["end_year"], _("Das Ende darf nicht vor dem Beginn liegen."))
    # A new or changed start or end year must lie within the concept's programme years; a stored
    # period is accepted as it is, so an exported file still re-imports unchanged. The rule of the
    # editor and the admin (``measures.services.measure_period_errors``).
    errors = measure_period_errors(
        concept=planning.concept, start_year=start, end_year=end, stored=stored, labels=headers
    )
    for name, message in errors.items():
        outcome.error(headers[name], message)


def _m2m_write(state_rows: dict[int, int], wanted: set[int] | None) -> tuple[list[int], list[int]] | None:
    """The ids to add and the through rows to remove so that ``state_rows`` (id → through row) become
    ``wanted`` (None: no change)."""
    if wanted is None:
        return None
    return sorted(wanted - set(state_rows)), sorted(row for pk, row in state_rows.items() if pk not in wanted)


def _record(planning: Planning, row: _Row, code: str, target: dict, diff: _Diff, m2m: dict) -> None:
    planning.periods[code] = (target["start_year"], target["end_year"])
    stored, state = row.stored, planning.state
    if stored is None:
        row.outcome.status = NEW
        planning.writes.measures.append(
            MeasureWrite(
                code=code,
                pk=None,
                fields=target,
                quarters=_m2m_write({}, m2m.get("quarters", set())),
                goals=_m2m_write({}, m2m.get("goals", set())),
            )
        )
        return
    planning.stored[code] = stored
    planning.matched.add(stored.pk)
    if diff.fields or m2m:
        row.outcome.changed(diff.changes)
        planning.writes.measures.append(
            MeasureWrite(
                code=code,
                pk=stored.pk,
                fields={name: target[name] for name in sorted(diff.fields)},
                quarters=_m2m_write(state.measure_quarters.get(stored.pk, {}), m2m.get("quarters")),
                goals=_m2m_write(state.measure_goals.get(stored.pk, {}), m2m.get("goals")),
            )
        )


# --- Stored rows the file does not replace -------------------------------------------------------------


def _stored_years(planning: Planning, code: str) -> set[int]:
    """The years of the stored cost lines and per-year amounts the file does not replace."""
    state, stored = planning.state, planning.stored[code]
    years = set()
    if code not in planning.listed_costs:
        years |= {line.year for line in state.cost_lines.get(stored.pk, [])}
    if code not in planning.listed_modules:
        for module in state.modules.get(stored.pk, []):
            years |= set(state.module_years.get(module.pk, {}))
    return years


def check_periods_hold_stored_rows(planning: Planning) -> None:
    """A measure whose period changes must still hold its cost lines and per-year amounts that the
    file does not replace (the service's rule)."""
    for write in planning.writes.measures:
        if write.pk is None or not ({"start_year", "end_year"} & write.fields.keys()):
            continue
        code, stored = write.code, planning.state.measures_by_pk[write.pk]
        period = (
            write.fields.get("start_year", stored.start_year),
            write.fields.get("end_year", stored.end_year),
        )
        outside = sorted(year for year in _stored_years(planning, code) if not period[0] <= year <= period[1])
        if not outside:
            continue
        outcome = next(o for o in planning.outcomes if o.kind == MEASURES and o.key == code)
        outcome.error(
            "Beginn" if outside[0] < period[0] else "Ende",
            _(
                "Die Maßnahme hat Kosten oder Jahresscheiben in %(years)s, außerhalb des neuen "
                "Zeitraums %(a)s–%(b)s."
            )
            % {"years": ", ".join(str(y) for y in outside), "a": period[0], "b": period[1]},
        )
