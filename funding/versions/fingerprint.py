"""Fingerprints of KuF rows: a short hash of everything a reviewer sees in a row. A sign-off stores them
to notice later changes; the review page sends the hash of the rows it showed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from funding.kuf import KufRow


def fingerprint(row: KufRow) -> str:
    """A short hash of everything a reviewer sees in a row: profile columns and every money cell. Equal
    fingerprints mean the row shows exactly the same; a sign-off stores them to notice later changes."""
    measure = row.measure
    parts = [
        measure.code,
        measure.title,
        measure.action_field.key,
        measure.municipality.key,
        ",".join(measure.quarters),
        measure.responsible_body,
        str(measure.priority),
        str(measure.hoai_phase),
        measure.status,
        f"{measure.start_year}-{measure.end_year}",
        ",".join(row.programmes),
        ",".join(str(rate) for rate in row.rates),
        ",".join(str(section) for section in row.sections),
    ]
    for year in sorted(row.by_year):
        cell = row.by_year[year]
        grants = ",".join(f"{code}={value}" for code, value in sorted(cell.grants_by_programme.items()))
        parts.append(
            f"{year}:{cell.gross}|{cell.ineligible}|{cell.grant}|{cell.third_party}|"
            f"{cell.municipal_share}|{cell.gap}|{grants}"
        )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def fingerprint_all(rows: Iterable[KufRow]) -> str:
    """One hash over several rows (order-independent): what a reviewer saw when loading the page."""
    combined = "".join(sorted(f"{row.measure.uid}:{fingerprint(row)}" for row in rows))
    return hashlib.sha256(combined.encode()).hexdigest()[:16]
