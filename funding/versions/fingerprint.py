"""Fingerprints of KuF rows: a short hash of everything a reviewer sees in a row. A sign-off stores them
to notice later changes; the review page sends the hash of the rows it showed.

What a row shows is the KuF's column spec (``funding.kuf.columns``): every column's raw value, and
every money column of every year cell, with the grants by programme. A column added to the spec is
thereby part of the fingerprint.
"""

import hashlib
from collections.abc import Iterable
from operator import attrgetter

from funding.kuf import KufRow, columns

_PROFILE = tuple(column for column in columns.COLUMNS if not column.is_money and column.kind != columns.YEARS)
_PROFILE_VALUES = tuple(column.value for column in _PROFILE)
_AMOUNTS = attrgetter(*columns.AMOUNTS)
_KEPT = "_fingerprint"  # where a row keeps its fingerprint once computed


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def fingerprint(row: KufRow) -> str:
    """A short hash of everything a reviewer sees in a row: profile columns and every money cell. Equal
    fingerprints mean the row shows exactly the same; a sign-off stores them to notice later changes.

    Computed once per row and kept on it (a computed row does not change; ``dataclasses.replace`` makes a
    new row without it): the review of a page asks for it twice, and rows kept in a cache carry it if it
    was asked for before they were stored."""
    known = row.__dict__.get(_KEPT)
    if known is None:
        known = row.__dict__[_KEPT] = _fingerprint(row)
    return known


def _fingerprint(row: KufRow) -> str:
    parts = [_text(value(row)) for value in _PROFILE_VALUES]
    for year, cell in sorted(row.by_year.items()):
        grants = ",".join([f"{code}={value}" for code, value in sorted(cell.grants_by_programme.items())])
        money = "|".join(map(str, _AMOUNTS(cell)))
        parts.append(f"{year}:{money}|{grants}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def fingerprint_all(rows: Iterable[KufRow]) -> str:
    """One hash over several rows (order-independent): what a reviewer saw when loading the page."""
    combined = "".join(sorted(f"{row.measure.uid}:{fingerprint(row)}" for row in rows))
    return hashlib.sha256(combined.encode()).hexdigest()[:16]
