"""Writing the measure list in the layout the import reads (``layouts``), so that an exported file
re-imports unchanged.

``export_tables`` gives a concept's measures, cost lines and financing modules as typed rows in the
layouts' columns (choices as German labels, codes of action fields, quarters, goals and programmes).
``layout_sheet`` turns such rows into a ``projects.spreadsheets.Sheet`` whose columns (header, number
format, width) come from the layout, and ``measure_list_xlsx`` writes the three sheets with the app's
one writer (``projects.spreadsheets.write_workbook``); the admin's export
(``funding.exchange.resources``) builds its sheet with ``layout_sheet`` too. ``csv_text`` writes a cell
as German Excel writes it to CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from projects.formatting import format_number, format_percent
from projects.spreadsheets import Block, Sheet, is_formula_like, write_workbook

from .layouts import (
    CHOICE,
    COST_LAYOUT,
    COSTS,
    MEASURE_LAYOUT,
    MEASURE_SCALARS,
    MEASURES,
    MODULE_LAYOUT,
    MODULES,
    YEAR_KEY_PREFIX,
    Layout,
    choice_label,
)
from .state import State
from .tables import Table


def _measure_rows(state: State) -> list[tuple[int, list]]:
    rows = []
    for measure in state.measures:
        municipality = state.municipalities_by_id.get(measure.municipality_id)
        values = {
            "uid": str(measure.uid),
            "action_field": state.action_fields_by_id[measure.action_field_id].code,
            "municipality": municipality.name if municipality else "",
            "quarters": ", ".join(
                sorted(state.quarter_codes[pk] for pk in state.measure_quarters.get(measure.pk, {}))
            ),
            "goals": ", ".join(
                sorted(state.goal_codes[pk] for pk in state.measure_goals.get(measure.pk, {}))
            ),
        }
        for name in MEASURE_SCALARS:
            value = getattr(measure, name)
            values[name] = choice_label(name, value) if MEASURE_LAYOUT.column(name).kind == CHOICE else value
        rows.append((0, [values[key] for key in MEASURE_LAYOUT.keys]))
    return rows


def _cost_rows(state: State) -> list[tuple[int, list]]:
    rows = []
    for measure in state.measures:
        for line in state.cost_lines.get(measure.pk, []):
            values = {
                "code": measure.code,
                "measure_title": measure.title,
                "year": line.year,
                "section": line.section,
                "gross": line.gross,
                "ineligible": line.ineligible,
                "note": line.note,
            }
            rows.append((0, [values[key] for key in COST_LAYOUT.keys]))
    return rows


def _module_keys(state: State) -> list[str]:
    years = sorted(
        set(state.concept.years).union(*(entries.keys() for entries in state.module_years.values()))
    )
    return MODULE_LAYOUT.keys + [f"{YEAR_KEY_PREFIX}{year}" for year in years]


def _module_rows(state: State, keys: list[str]) -> list[tuple[int, list]]:
    rows = []
    for measure in state.measures:
        for module in state.modules.get(measure.pk, []):
            entries = state.module_years.get(module.pk, {})
            values = {
                "code": measure.code,
                "measure_title": measure.title,
                "kind": choice_label("kind", module.kind),
                "programme": state.programmes_by_id[module.programme_id].code if module.programme_id else "",
                "source": module.source,
                "cost_share": module.cost_share,
                "rate": module.rate,
                "amount": module.amount,
                **{f"{YEAR_KEY_PREFIX}{year}": entry.amount for year, entry in entries.items()},
            }
            rows.append((0, [values.get(key) for key in keys]))
    return rows


def export_tables(*, state: State) -> list[Table]:
    """The concept's measures, cost lines and financing modules as typed rows in the import's columns
    (choice fields as German labels), so that the exported file re-imports unchanged. No queries."""
    module_keys = _module_keys(state)
    return [
        Table(
            MEASURES, MEASURE_LAYOUT.sheet, header_row=1, keys=MEASURE_LAYOUT.keys, rows=_measure_rows(state)
        ),
        Table(COSTS, COST_LAYOUT.sheet, header_row=1, keys=COST_LAYOUT.keys, rows=_cost_rows(state)),
        Table(
            MODULES,
            MODULE_LAYOUT.sheet,
            header_row=1,
            keys=module_keys,
            rows=_module_rows(state, module_keys),
        ),
    ]


# --- Writing ---------------------------------------------------------------------------------------------


def layout_sheet(*, layout: Layout, keys: Sequence[str], rows: Sequence[Sequence], footer: str = "") -> Sheet:
    """One sheet of the measure list: the header in the first row, the columns ``keys`` of ``layout``
    as it declares them (header, number format, width), ``rows`` of typed values in that order."""
    return Sheet(
        name=layout.sheet,
        columns=[layout.column(key).sheet_column for key in keys],
        blocks=[Block(rows=[list(row) for row in rows])],
        frozen_columns=layout.frozen_columns,
        footer=footer,
    )


def table_sheet(table: Table, *, footer: str = "") -> Sheet:
    """``layout_sheet`` of an exported table (``export_tables``)."""
    return layout_sheet(
        layout=table.layout, keys=table.keys, rows=[values for _number, values in table.rows], footer=footer
    )


def measure_list_xlsx(tables: Sequence[Table], *, title: str, footer: str = "") -> bytes:
    """The measure list as an .xlsx: sheets "Maßnahmen", "Kostenzeilen", "Finanzierung" with the header
    in the first row, in the columns the import reads, so the file re-imports unchanged."""
    return write_workbook([table_sheet(table, footer=footer) for table in tables], title=title)


def csv_text(value: object, *, percent: bool = False) -> str:
    """A cell as German Excel writes it to CSV: ``1.234,56``, ``12,5 %``, ``2025``; formula-like text
    with a leading apostrophe (which the import drops when reading)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if is_formula_like(value) else value
    if isinstance(value, float):
        raise TypeError("Cells get Decimal, never float.")
    if percent:
        return format_percent(value)
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)
