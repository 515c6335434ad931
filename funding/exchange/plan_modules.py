"""Checking the sheet "Finanzierung": each row's programme, its per-year amounts within the concept's
programme years and the measure's period, and the editor's rules of a module
(``funding.editor.validation.module_errors``), on the row's plain values (the cells' readers have
checked each column's kind and limits, ``cells``); then the rows of each measure named replace its
stored modules, matched by kind, programme and payer, in the file's order, and the rules across a
measure's modules (``funding.editor.services.financing_errors``) apply.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from funding.editor import services as editor_services
from funding.editor import validation
from funding.models import FinancingModule

from .layouts import CHOICE, MODULE_LAYOUT, MONEY, YEAR_KEY_PREFIX, choice_label, year_column_header
from .plan import (
    MODULE_FIELDS,
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

HUNDRED = Decimal(100)
# What a new module takes where the file has no column for it (the model's defaults).
_DEFAULTS = {"source": "", "cost_share": HUNDRED, "rate": None, "amount": None}
_Rows = list[tuple[RowOutcome, dict]]
_ModuleKey = tuple[str, int | None, str]  # kind, programme id, payer


def plan_modules(planning: Planning, table: Table) -> None:
    """Check every row of the sheet "Finanzierung" and match the rows of each measure to its stored
    financing modules."""
    headers = layout_headers(table)
    readers = table_readers(table)
    code_index = table.keys.index("code")
    year_keys = [
        (key, int(key.removeprefix(YEAR_KEY_PREFIX))) for key in table.keys if key.startswith(YEAR_KEY_PREFIX)
    ]
    programmes = {code.casefold(): programme for code, programme in planning.state.programmes.items()}
    by_measure: dict[str, _Rows] = {}
    for number, cells in table.rows:
        outcome = planning.outcome(table, number, "")
        values = row_values(readers, cells, outcome)
        code = values.get("code") or cell_text(cells[code_index]).strip()
        programme_code = _look_up_programme(values, programmes, outcome, headers)
        kind_label = choice_label("kind", values["kind"]) if values.get("kind") else ""
        outcome.key = " · ".join(part for part in (code, programme_code or kind_label) if part)
        if not code:
            continue
        _check_row(planning, table, code, values, programme_code, outcome, year_keys)
        by_measure.setdefault(code, []).append((outcome, values))
    for code, rows in by_measure.items():
        _plan_measure_modules(planning, table, code, rows)


def _look_up_programme(values: dict, programmes: dict, outcome: RowOutcome, headers: dict) -> str:
    """Put the programme a row names into ``values`` (``None``: none or unknown); the code as typed."""
    code = values.get("programme") or ""
    programme = programmes.get(code.casefold()) if code else None
    if code and programme is None:
        outcome.error(headers["programme"], _("Unbekanntes Förderprogramm „%(code)s“.") % {"code": code})
    values["programme"] = programme
    return code


def _check_row(
    planning: Planning,
    table: Table,
    code: str,
    values: dict,
    programme_code: str,
    outcome: RowOutcome,
    year_keys: list[tuple[str, int]],
) -> None:
    headers = layout_headers(table)
    planning.listed_modules.add(code)
    period = planning.measure_period(code, outcome)
    years = {}
    for key, year in year_keys:
        if values.get(key) is None:
            continue
        if message := planning.year_error(year, period):
            outcome.error(table.header(key), message)
        years[year] = values[key]
    values["years"] = years if year_keys else None
    for name, message in validation.module_errors(
        kind=values.get("kind"),
        programme=values["programme"],
        rate=values.get("rate"),
        amount=values.get("amount"),
        years=years,
        has_programme=bool(programme_code),
    ):
        outcome.error(headers[name], message)


# --- The modules of one measure ------------------------------------------------------------------------


def _module_key(kind: str, programme_id: int | None, source: str) -> _ModuleKey:
    return (kind, programme_id, source.strip())


def _plan_measure_modules(planning: Planning, table: Table, code: str, rows: _Rows) -> None:
    stored = planning.stored.get(code)
    pool: dict[_ModuleKey, list[Row]] = {}
    for module in planning.state.modules.get(stored.pk, []) if stored else []:
        pool.setdefault(_module_key(module.kind, module.programme_id, module.source), []).append(module)
    complete = not any(outcome.errors for outcome, _values in rows)  # see ``plan_costs``
    paired = []
    for outcome, values in rows:
        if outcome.errors:
            continue
        programme = values["programme"]
        candidates = pool.get(
            _module_key(values["kind"], programme.pk if programme else None, values.get("source") or "")
        )
        paired.append((outcome, values, candidates.pop(0) if candidates else None))
    # The file's order is the modules' order. Stored modules already in that order keep their
    # numbers (older data may number them all 0), so only a real reordering shows as a change.
    kept = [module for _outcome, _values, module in paired if module is not None]
    renumber = kept != sorted(kept, key=lambda module: (module.order, module.pk))
    data = [
        _plan_module(
            planning, code, outcome, values, module, position if renumber or module is None else None
        )
        for position, (outcome, values, module) in enumerate(paired, start=1)
    ]
    if not complete:
        return
    for message in editor_services.financing_errors(modules=data):
        rows[0][0].error(table.header("cost_share"), message)
    for modules in pool.values():
        for module in modules:
            _delete(planning, table, code, module)


def _new_values(values: dict, module: Row | None, order: int | None) -> dict:
    """The module's fields as the file gives them (``order``: ``None`` keeps the stored one)."""
    programme = values["programme"]
    new_values = {
        "kind": values["kind"],
        "programme_id": programme.pk if programme else None,
        "order": module.order if order is None else order,
    }
    new_values.update(
        {name: values[name] for name in ("source", "cost_share", "rate", "amount") if name in values}
    )
    if new_values.get("cost_share") is None and ("cost_share" in values or module is None):
        new_values["cost_share"] = HUNDRED
    return new_values


def _plan_module(
    planning: Planning,
    code: str,
    outcome: RowOutcome,
    values: dict,
    module: Row | None,
    order: int | None,
) -> editor_services.ModuleData:
    """One row against the stored module it matches (``None``: a new one); its data for the rules
    across the measure's modules."""
    new_values = _new_values(values, module, order)
    stored_years = planning.state.module_years.get(module.pk, {}) if module else {}
    years = values["years"]
    if years is None:  # no per-year columns: the stored amounts stay
        years = {year: entry.amount for year, entry in stored_years.items()}
    if module is None:
        outcome.status = NEW
        written = tuple(new_values[name] if name in new_values else _DEFAULTS[name] for name in MODULE_FIELDS)
        planning.writes.new_modules.append((planning.measure_ref(code), written, years))
        planning.touch(code)
    else:
        changes = _field_changes(planning, module, new_values) + _year_changes(
            planning, module, years, stored_years
        )
        if changes:
            outcome.changed(changes)
            planning.touch(code)
    return editor_services.ModuleData(
        kind=values["kind"],
        programme=values["programme"],
        source=new_values.get("source", module.source if module else ""),
        cost_share=new_values.get("cost_share", module.cost_share if module else HUNDRED),
        rate=new_values.get("rate", module.rate if module else None),
        amount=new_values.get("amount", module.amount if module else None),
        years=years,
        order=new_values["order"],
    )


def _field_change(name: str, old: object, new: object) -> Change | None:
    if name == "order":
        return Change(_("Reihenfolge"), str(old), str(new))
    if name == "programme_id":
        return None
    column = MODULE_LAYOUT.column(name)
    if column.kind == CHOICE:
        old, new = choice_label(name, old), choice_label(name, new)
    return Change(column.header, display(column.kind, old), display(column.kind, new))


def _field_changes(planning: Planning, module: Row, new_values: dict) -> list[Change]:
    """The changed fields of a stored module; it is written with the new values."""
    changed = {
        name: new
        for name, new in new_values.items()
        if not (same_text(getattr(module, name), new) if name == "source" else getattr(module, name) == new)
    }
    changes = [_field_change(name, getattr(module, name), new) for name, new in changed.items()]
    if changed:
        written = tuple(changed.get(name, getattr(module, name)) for name in MODULE_FIELDS)
        planning.writes.changed_modules.append((module.pk, *written))
    return [change for change in changes if change is not None]


def _year_changes(
    planning: Planning,
    module: Row,
    years: dict[int, Decimal],
    stored_years: dict[int, Row],
) -> list[Change]:
    """The changed per-year amounts of a stored module."""
    writes = planning.writes
    changes = []
    for year in sorted(set(years) | set(stored_years)):
        old_entry = stored_years.get(year)
        new_amount = years.get(year)
        if old_entry is not None and new_amount == old_entry.amount:
            continue
        old_amount = old_entry.amount if old_entry else None
        changes.append(
            Change(year_column_header(year), display(MONEY, old_amount), display(MONEY, new_amount))
        )
        if old_entry is None:
            writes.new_years.append((module.pk, year, new_amount))
        elif new_amount is None:
            writes.deleted_years.append(old_entry.pk)
        else:
            writes.changed_years.append((old_entry.pk, new_amount))
    return changes


def _delete(planning: Planning, table: Table, code: str, module: Row) -> None:
    """A stored module the file does not list."""
    state = planning.state
    if module.programme_id:
        name = state.programmes_by_id[module.programme_id].code
    else:
        name = module.source or str(dict(FinancingModule.Kind.choices)[module.kind])
    planning.deleted(table, f"{code} · {name}")
    planning.writes.deleted_modules.append(module.pk)
    planning.writes.deleted_years.extend(entry.pk for entry in state.module_years.get(module.pk, {}).values())
    planning.touch(code)
