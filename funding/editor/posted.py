"""The editor's growable tables as a page posts them: ``<prefix>-TOTAL_FORMS``, ``<prefix>-INITIAL_FORMS``
and the rows as ``<prefix>-<n>-<field>``, of which the first ``INITIAL_FORMS`` carry the id of a stored row.

``posted_table`` reads one table and refuses what the page never writes (so broken management data
cannot make a formset look empty and its stored rows look deleted); ``detach_stale_rows`` and
``insert_stored_rows`` rewrite a posted table after an edit conflict (rows deleted meanwhile become new
rows, rows added meanwhile are put in). Pure functions on the posted ``QueryDict``: no query, no model.
"""

import re
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

# Django's formsets hold at most this many rows by default (``max_num``); no page of the editor has more.
MAX_ROWS = 1000


@dataclass
class PostedTable:
    """One posted table: its rows (field name without prefix -> the posted values) and how many of
    them, from the first, are stored rows."""

    rows: list[dict[str, list[str]]]
    initial: int

    @property
    def stored_ids(self) -> list[int | None]:
        """The ids of the stored rows the table holds, in order."""
        return [_row_id(row) for row in self.rows[: self.initial]]


def _count(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def posted_table(data: QueryDict, *, prefix: str) -> PostedTable | None:
    """The table ``prefix`` of ``data``, or None if it is not what the page writes: the row counts
    (``TOTAL_FORMS``, ``INITIAL_FORMS``) missing or not whole numbers with 0 ≤ initial ≤ total ≤
    ``MAX_ROWS``; input of a row beyond the count; a stored row (one of the first ``initial``) without
    the id of a stored row, or with one that another row has too; a new row with an id."""
    total, initial = _count(data.get(f"{prefix}-TOTAL_FORMS")), _count(data.get(f"{prefix}-INITIAL_FORMS"))
    if total is None or initial is None or not initial <= total <= MAX_ROWS:
        return None
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows: list[dict[str, list[str]]] = [{} for _ in range(total)]
    for key in data:
        match = pattern.match(key)
        if not match:
            continue
        index = match.group(1)
        if index != str(int(index)) or int(index) >= total:
            return None
        rows[int(index)][match.group(2)] = data.getlist(key)
    table = PostedTable(rows=rows, initial=initial)
    ids = table.stored_ids
    if None in ids or len(set(ids)) != len(ids):
        return None
    if any((row.get("id") or [""])[-1] for row in rows[initial:]):
        return None
    return table


def _row_id(row: dict[str, list[str]]) -> int | None:
    value = (row.get("id") or [""])[-1]
    return int(value) if value.isascii() and value.isdigit() else None


def _write_rows(data: QueryDict, prefix: str, rows: list[dict[str, list[str]]], initial: int) -> None:
    pattern = re.compile(rf"^{re.escape(prefix)}-\d+-")
    for key in [key for key in data if pattern.match(key)]:
        del data[key]
    for index, row in enumerate(rows):
        for name, values in row.items():
            data.setlist(f"{prefix}-{index}-{name}", values)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)


def detach_stale_rows(data: QueryDict, *, prefix: str, current_ids: set[int]) -> list[tuple[int | None, int]]:
    """Turn posted rows whose stored row no longer exists (deleted by someone else) into new rows.

    ``data`` (a mutable copy of the POST) is rewritten: the row loses its id and moves behind the stored
    rows, so saving creates it again. A row that was also marked for removal is dropped. Returns
    ``(old id, new row index)`` for every row kept this way. A table ``posted_table`` refuses is left
    as it is.
    """
    table = posted_table(data, prefix=prefix)
    if table is None:
        return []
    rows, initial = table.rows, table.initial
    kept, moved = [], []
    for row in rows[:initial]:
        pk = _row_id(row)
        if pk is not None and pk in current_ids:
            kept.append(row)
            continue
        row["id"] = [""]
        if (row.get("DELETE") or [""])[-1] not in ("", "off", "false"):
            continue  # the user removed it too: nothing to keep
        moved.append((pk, row))
    if len(kept) == initial:
        return []
    _write_rows(data, prefix, kept + [row for _pk, row in moved] + rows[initial:], len(kept))
    return [(pk, len(kept) + n) for n, (pk, _row) in enumerate(moved)]


def posted_row_ids(data: QueryDict, *, prefix: str) -> set[int]:
    """The ids of the stored rows a posted table holds (none if ``posted_table`` refuses it)."""
    table = posted_table(data, prefix=prefix)
    return set(table.stored_ids) if table is not None else set()


def form_values(form: forms.Form) -> dict[str, list[str]]:
    """An unbound form's inputs as the browser would post them (field name without prefix -> values)."""
    values = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                values[field.name] = ["on"]
            continue
        if value is None:
            continue
        shown = field.field.widget.format_value(value)  # a list for selects, a string for inputs
        if isinstance(shown, list | tuple):
            values[field.name] = [str(item) for item in shown]
        else:
            values[field.name] = [str(shown or "")]
    return values


def insert_stored_rows(data: QueryDict, *, prefix: str, forms_to_add: list[forms.Form]) -> list[int]:
    """Put stored rows the posted table lacks (added by someone else meanwhile) into ``data`` as stored
    rows, so that saving keeps them. ``forms_to_add`` are unbound forms of those rows from the formset.
    Returns their row indexes."""
    table = posted_table(data, prefix=prefix)
    if table is None or not forms_to_add:
        return []
    rows, initial = table.rows, table.initial
    added = [form_values(form) for form in forms_to_add]
    _write_rows(data, prefix, rows[:initial] + added + rows[initial:], initial + len(added))
    return list(range(initial, initial + len(added)))
