"""Freezing the current KuF of a concept as a named version ("Stand").

A version keeps every computed row as it stood (see ``funding.models.KufVersion``); the database refuses
any later UPDATE, and any row added to or taken from an existing version (migration 0007).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import kuf
from funding.kuf import selectors as kuf_selectors
from funding.kuf.checks import Check
from funding.models import KufVersion, KufVersionRow
from projects.models import Concept

from .cells import cell_json


def _version_row(
    *, version: KufVersion, position: int, row: kuf.KufRow, row_checks: list[Check]
) -> KufVersionRow:
    measure = row.measure
    return KufVersionRow(
        version=version,
        position=position,
        measure_uid=measure.uid,
        measure_id=measure.id,
        code=measure.code,
        title=measure.title,
        action_field_code=measure.action_field.key,
        action_field_title=measure.action_field.title,
        action_field_order=measure.action_field.order,
        municipality=measure.municipality.key,
        quarters=list(measure.quarters),
        quarter_programmes=list(measure.quarter_programmes),
        sections=list(row.sections),
        programmes=list(row.programmes),
        rates=[format(rate, "f") for rate in row.rates],
        responsible_body=measure.responsible_body,
        priority=measure.priority,
        status=measure.status,
        hoai_phase=measure.hoai_phase,
        start_year=measure.start_year,
        end_year=measure.end_year,
        gross=row.total.gross,
        eligible=row.total.eligible,
        grant=row.total.grant,
        third_party=row.total.third_party,
        municipal_share=row.total.municipal_share,
        gap=row.total.gap,
        by_year={str(year): cell_json(cell) for year, cell in sorted(row.by_year.items())},
        checks=[check.as_dict() for check in row_checks],
    )


def _duplicate_name(name: str) -> ValidationError:
    message = _(
        "Einen Stand „%(name)s“ gibt es in diesem Konzept schon. Bitte wählen Sie einen anderen Namen."
    )
    return ValidationError({"name": message % {"name": name}}, code="unique")


def kuf_version_freeze(
    *, concept: Concept, name: str, note: str = "", user, frozen_at: datetime.datetime | None = None
) -> KufVersion:
    """Freeze the concept's current KuF as a named version ("Antrag 2026", "Stand 01.09.2025").

    Stores one row per measure with every column, the money of each year, the totals and the row's
    checks as they stand now, the concept's programme years and the username of ``user``. ``frozen_at``
    dates the version (default: now; the demo data dates its past applications). The name is
    required and unique per concept (``ValidationError`` on ``name``, in German); on any error nothing
    is stored.

    The rows are inserted before the version, in the same transaction: the database accepts rows only
    for a version that does not exist yet (migration 0007), so the version's id is taken first.

    Queries, however many measures: the name check (1), the live rows (6), the approvals for the
    checks (1), the version's id (1), the rows in one bulk INSERT (on SQLite one INSERT per batch of
    rows, as SQLite takes at most 999 parameters per statement) and the version (1).
    """
    name = (name or "").strip()
    note = (note or "").strip()
    if not name:
        raise ValidationError({"name": _("Bitte geben Sie dem Stand einen Namen.")}, code="required")
    with transaction.atomic():
        if KufVersion.objects.filter(concept=concept, name=name).exists():
            raise _duplicate_name(name)
        live = kuf_selectors.live_kuf(concept=concept)  # in this transaction: computed now, not cached
        rows, row_checks = live.rows, live.checks
        version = KufVersion(
            concept=concept,
            name=name,
            note=note,
            created_by=user.get_username() if user is not None else "",
            years=list(concept.years),
            created_at=frozen_at or timezone.now(),
        )
        # The name's uniqueness was checked above with a clearer message; a concurrent freeze under the
        # same name is caught by the database constraint below.
        version.full_clean(exclude=["concept"], validate_constraints=False)
        version.pk = _next_version_pk()
        KufVersionRow.objects.bulk_create(
            _version_row(
                version=version,
                position=position,
                row=row,
                row_checks=row_checks.get(row.measure.uid, []),
            )
            for position, row in enumerate(rows, 1)
        )
        try:
            with transaction.atomic():
                version.save(force_insert=True)
        except IntegrityError:
            if KufVersion.objects.filter(concept=concept, name=name).exists():
                raise _duplicate_name(name) from None
            raise
    return version


def _next_version_pk() -> int:
    """A fresh id for a version about to be frozen, taken from the table's id sequence (PostgreSQL) or
    SQLite's AUTOINCREMENT counter, so that no id is ever used twice. One query.

    On SQLite two concurrent freezes could read the same counter; SQLite lets only one of them write,
    the other fails ("database is locked", or the row trigger refuses its rows), nothing mixes.
    """
    table = KufVersion._meta.db_table
    vendor = connection.vendor
    if vendor == "postgresql":
        sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id'))"
        params = [table]
    elif vendor == "sqlite":
        sql = (
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0)) + 1"
        )
        params = [table]
    else:  # the triggers of migration 0007 exist only for these two
        raise NotImplementedError(f"Einfrieren ist für {vendor} nicht eingerichtet.")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
