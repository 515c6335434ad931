"""Fingerprints of KuF rows: a short hash of everything a reviewer sees in a row. A sign-off stores them
to notice later changes; the review page sends the hash of the rows it showed.

What a row shows is the KuF's column spec (``funding.kuf.columns``): every column's raw value, and
every money column of every year cell, with the grants by programme. A column added to the spec is
thereby part of the fingerprint.
"""

import hashlib
from collections.abc import Iterable

from funding.kuf import KufRow, columns

_PROFILE = tuple(column for column in columns.COLUMNS if not column.is_money and column.kind != columns.YEARS)


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def fingerprint(row: KufRow) -> str:
    """A short hash of everything a reviewer sees in a row: profile columns and every money cell. Equal
    fingerprints mean the row shows exactly the same; a sign-off stores them to notice later changes."""
    parts = [_text(column.row_value(row)) for column in _PROFILE]
    for year in sorted(row.by_year):
        cell = row.by_year[year]
        grants = ",".join(f"{code}={value}" for code, value in sorted(cell.grants_by_programme.items()))
        money = "|".join(str(getattr(cell, amount)) for amount in columns.AMOUNTS)
        parts.append(f"{year}:{money}|{grants}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def fingerprint_all(rows: Iterable[KufRow]) -> str:
    """One hash over several rows (order-independent): what a reviewer saw when loading the page."""
    combined = "".join(sorted(f"{row.measure.uid}:{fingerprint(row)}" for row in rows))
    return hashlib.sha256(combined.encode()).hexdigest()[:16]
