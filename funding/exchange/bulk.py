"""The bulk statements an import writes with (``applying``): rows inserted, updated and deleted by id
from plain values (no model instance per row), and django-simple-history records copied in the
database from the rows as written, so that thousands of rows cost a few statements and no Python
object each.

PostgreSQL gets each column's values as one array (``UNNEST``, ``= ANY``), as Django's own
``bulk_create`` does there: one short statement, however many rows. Other databases get batches of
placeholders within their limit of parameters. Only quoted identifiers of our own models reach the
SQL text; every value is a parameter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import connection

from measures.models import Measure

BATCH = 500  # ids per statement where the database takes no arrays

# Values every database driver takes as they are (Django's preparation of them changes nothing): the
# plan's values are of these types, so thousands of rows skip a call per value.
_PLAIN = frozenset({int, str, Decimal, type(None)})
_RECORD_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model, names: Iterable[str]) -> list:
    return [model._meta.get_field(name) for name in names]


def _arrays() -> bool:
    return connection.vendor == "postgresql"


def _array_types(fields: list) -> list[str]:
    """Each field's array type for ``UNNEST`` (``numeric[]``, not ``numeric(14, 2)[]``, as Django's)."""
    return [f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields]


def _among(column: str, field, ids: Sequence[int]) -> Iterator[tuple[str, list]]:
    """``column`` (of ``field``) among ``ids`` as conditions with their parameters, one per
    statement."""
    if _arrays():
        if ids:
            yield f"{column} = ANY({_array_types([field])[0]})", [list(ids)]
        return
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def delete(model, pks: Iterable[int]) -> None:
    """Delete rows by id without Django's per-object delete signals (the history records are copied
    just before)."""
    table = _quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for condition, params in _among(_quote(model._meta.pk.column), model._meta.pk, sorted(pks)):
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)  # noqa: S608


def update(model, rows: Sequence[tuple], names: Sequence[str]) -> None:
    """Set the fields ``names`` of rows given as ``(id, *values)``: one statement (PostgreSQL: the
    values as arrays) or one prepared statement run for every row (``executemany``). Django's
    ``bulk_update`` builds a CASE expression per row and field, which takes seconds for a few
    thousand rows."""
    if not rows:
        return
    fields = [model._meta.pk, *_fields(model, names)]
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    columns = [_quote(field.column) for field in fields[1:]]
    values = _prepared_columns(fields, rows)
    with connection.cursor() as cursor:
        if _arrays():
            cursor.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = v.{c}' for c in columns)} "  # noqa: S608
                f"FROM UNNEST({', '.join(_array_types(fields))}) AS v({pk}, {', '.join(columns)}) "
                f"WHERE {table}.{pk} = v.{pk}",
                values,
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s",  # noqa: S608
            [[*row[1:], row[0]] for row in zip(*values, strict=True)],
        )


def _prepared_columns(fields: list, rows: Sequence[tuple]) -> list[list]:
    """The values of each field (a column of ``rows``) as the database takes them."""
    return [
        [value if type(value) in _PLAIN else field.get_db_prep_save(value, connection) for value in column]
        for field, column in zip(fields, zip(*rows, strict=True), strict=True)
    ]


def insert(model, names: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert rows of the fields ``names`` given as plain values; their new ids. One statement
    (PostgreSQL: the values as arrays), or one per batch of as many rows as the database takes
    parameters."""
    if not rows:
        return []
    fields = _fields(model, names)
    columns = ", ".join(_quote(field.column) for field in fields)
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if _arrays():
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({', '.join(_array_types(fields))}) "  # noqa: S608
                f"RETURNING {pk}",
                _prepared_columns(fields, rows),
            )
            return [row[0] for row in cursor.fetchall()]
        size = max(1, connection.ops.bulk_batch_size(fields, rows))
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        ids: list[int] = []
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} RETURNING {pk}",  # noqa: S608
                [value for row in zip(*_prepared_columns(fields, chunk), strict=True) for value in row],
            )
            ids += [row[0] for row in cursor.fetchall()]
        return ids


@dataclass(frozen=True)
class History:
    """django-simple-history records of one import: who, when and why, for every row it writes."""

    user_id: int | None
    date: datetime.datetime
    reason: str

    def _params(self, historical, kind: str) -> list:
        """The values of ``_RECORD_FIELDS`` in a record of ``kind``, as the database takes them."""
        values = (self.date, self.reason, kind, self.user_id)
        fields = _fields(historical, _RECORD_FIELDS)
        return [
            field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)
        ]

    def copy(self, model, pks: Sequence[int], kind: str) -> None:
        """Records (``kind``: "+", "~" or "-") of the rows ``pks`` of ``model`` as stored now, as the
        library's signals write them on a single save or delete: ``INSERT … SELECT``, no row through
        Python."""
        historical = model.history.model
        tracked = [
            (model._meta.get_field(f.name).column, historical._meta.get_field(f.name).column)
            for f in historical.tracked_fields
        ]
        targets = ", ".join(_quote(target) for _source, target in tracked)
        sources = ", ".join(_quote(source) for source, _target in tracked)
        meta = ", ".join(_quote(field.column) for field in _fields(historical, _RECORD_FIELDS))
        table, history_table = _quote(model._meta.db_table), _quote(historical._meta.db_table)
        record, pk = self._params(historical, kind), model._meta.pk
        with connection.cursor() as cursor:
            for condition, params in _among(_quote(pk.column), pk, sorted(pks)):
                cursor.execute(
                    f"INSERT INTO {history_table} ({targets}, {meta}) "  # noqa: S608
                    f"SELECT {sources}, %s, %s, %s, %s FROM {table} WHERE {condition}",
                    [*record, *params],
                )

    def copy_m2m(self, name: str, concept_id: int) -> None:
        """The records of the quarters or goals (``name``) of the measures of ``concept_id`` that got a
        record in this import (``copy``, of the same date): each of their through rows as now, with
        that record. One statement, however many measures."""
        through = getattr(Measure, name).through
        historical = apps.get_model("measures", f"HistoricalMeasure_{name}")
        records = Measure.history.model
        other = _quote(through._meta.get_field(name.removesuffix("s")).column)
        id_, measure, history_id = _quote("id"), _quote("measure_id"), _quote("history_id")
        date = records._meta.get_field("history_date").get_db_prep_save(self.date, connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_quote(historical._meta.db_table)} ({id_}, {measure}, {other}, {history_id}) "  # noqa: S608
                f"SELECT t.{id_}, t.{measure}, t.{other}, h.{history_id} "
                f"FROM {_quote(records._meta.db_table)} h JOIN {_quote(through._meta.db_table)} t "
                f"ON t.{measure} = h.{id_} WHERE h.{_quote('history_date')} = %s AND h.{_quote('concept_id')} = %s",
                [date, concept_id],
            )
