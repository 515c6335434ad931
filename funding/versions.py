"""Frozen KuF versions ("Stand"): freezing the current KuF of a concept, and reading a frozen one back.

A version keeps every computed row as it stood (see ``funding.models.KufVersion``); the database refuses
any later UPDATE, and any row added to or taken from an existing version (migration 0007). Reading a version back gives ``kuf.KufRow`` objects that ``kuf.build_table``,
``kuf.select_rows`` and ``funding.diff`` treat exactly like live rows, so a frozen KuF is shown, filtered
and compared by the same code as the current one.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Concept

from . import kuf, selectors
from .checks import Check
from .models import KufVersion, KufVersionRow

# The money columns of a year cell, as stored in ``KufVersionRow.by_year``.
CELL_FIELDS = ("gross", "ineligible", "eligible", "grant", "third_party", "municipal_share", "gap")


def _text(value: Decimal) -> str:
    """A Decimal as plain text ("1234.50"), never in exponent notation."""
    return format(value, "f")


def _cell_json(cell: kuf.Amounts) -> dict:
    data: dict = {name: _text(getattr(cell, name)) for name in CELL_FIELDS}
    data["grants"] = {code: _text(value) for code, value in cell.grants_by_programme.items()}
    return data


def _cell_from_json(data: dict) -> kuf.Amounts:
    return kuf.Amounts(
        gross=Decimal(data["gross"]),
        ineligible=Decimal(data["ineligible"]),
        eligible=Decimal(data["eligible"]),
        grant=Decimal(data["grant"]),
        third_party=Decimal(data["third_party"]),
        municipal_share=Decimal(data["municipal_share"]),
        gap=Decimal(data["gap"]),
        grants_by_programme={code: Decimal(value) for code, value in data["grants"].items()},
    )


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
        rates=[_text(rate) for rate in row.rates],
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
        by_year={str(year): _cell_json(cell) for year, cell in sorted(row.by_year.items())},
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
        rows = selectors.kuf_rows_for_concept(concept=concept)
        row_checks = selectors.kuf_checks_for_rows(concept=concept, rows=rows)
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


# The columns read back (the money totals are summed again from the year cells).
_READ_FIELDS = (
    "measure_uid",
    "measure_id",
    "code",
    "title",
    "action_field_code",
    "action_field_title",
    "action_field_order",
    "municipality",
    "quarters",
    "quarter_programmes",
    "sections",
    "programmes",
    "rates",
    "responsible_body",
    "priority",
    "status",
    "hoai_phase",
    "start_year",
    "end_year",
    "by_year",
    "checks",
)


def _row_from_version(row: dict) -> kuf.KufRow:
    """A stored row (as ``values()``) as a ``kuf.KufRow``; the totals are summed from the year cells,
    as ``kuf.compute_row`` does."""
    by_year = {int(year): _cell_from_json(cell) for year, cell in sorted(row["by_year"].items())}
    measure = kuf.MeasureInput(
        id=row["measure_id"],
        uid=str(row["measure_uid"]),
        code=row["code"],
        title=row["title"],
        action_field=kuf.Label(
            key=row["action_field_code"], title=row["action_field_title"], order=row["action_field_order"]
        ),
        municipality=kuf.Label(key=row["municipality"], title=row["municipality"]),
        start_year=row["start_year"],
        end_year=row["end_year"],
        quarters=tuple(row["quarters"]),
        quarter_programmes=tuple(row["quarter_programmes"]),
        responsible_body=row["responsible_body"],
        priority=row["priority"],
        hoai_phase=row["hoai_phase"],
        status=row["status"],
    )
    return kuf.KufRow(
        measure=measure,
        by_year=by_year,
        total=kuf.Amounts.sum(by_year.values()),
        programmes=tuple(row["programmes"]),
        rates=tuple(Decimal(rate) for rate in row["rates"]),
        sections=tuple(row["sections"]),
    )


def kuf_version_contents(*, version: KufVersion) -> tuple[list[kuf.KufRow], dict[str, list[Check]]]:
    """The rows of a frozen version as ``kuf.KufRow`` (in KuF order) and their checks by measure uid,
    as they stood when it was frozen. One query; the result is kept on ``version`` (a version never
    changes), so ``kuf_rows_for_version`` and ``kuf_checks_for_version`` on the same object share it.

    The rebuilt measures carry no cost lines or financing modules (``costs`` and ``modules`` are
    empty): a frozen row is its computed money, and its checks are the stored ones, never recomputed.
    """
    cached = getattr(version, "_kuf_contents", None)
    if cached is None:
        stored = KufVersionRow.objects.filter(version=version).order_by("position").values(*_READ_FIELDS)
        rows: list[kuf.KufRow] = []
        row_checks: dict[str, list[Check]] = {}
        for row in stored:
            rows.append(_row_from_version(row))
            row_checks[str(row["measure_uid"])] = [Check.from_dict(item) for item in row["checks"]]
        cached = version._kuf_contents = (rows, row_checks)
    return cached


def kuf_rows_for_version(*, version: KufVersion) -> list[kuf.KufRow]:
    """The rows of a frozen version, for ``kuf.build_table`` like live rows. One query (shared with
    ``kuf_checks_for_version``)."""
    return kuf_version_contents(version=version)[0]


def kuf_checks_for_version(*, version: KufVersion) -> dict[str, list[Check]]:
    """The checks of a frozen version's rows by measure uid, as stored when it was frozen. No query
    beyond the rows (see ``kuf_version_contents``)."""
    return kuf_version_contents(version=version)[1]


# Wide enough for the sum of many 14-digit row totals.
_TOTAL = DecimalField(max_digits=18, decimal_places=2)


def kuf_versions_for_concept(*, concept: Concept) -> QuerySet[KufVersion]:
    """The concept's frozen versions, newest first, each annotated with ``row_count`` (measures),
    ``gross_total`` and ``grant_total``. One query (one join over the rows, so each sum counts each row
    once)."""
    zero = Value(Decimal("0.00"), output_field=_TOTAL)
    return (
        KufVersion.objects.filter(concept=concept)
        .annotate(
            row_count=Count("rows"),
            gross_total=Coalesce(Sum("rows__gross"), zero, output_field=_TOTAL),
            grant_total=Coalesce(Sum("rows__grant"), zero, output_field=_TOTAL),
        )
        .order_by("-created_at", "-pk")
    )


@dataclass
class KufSource:
    """The rows of a KuF before filtering, with their checks and years, and the version they belong to
    (``None``: the live state)."""

    rows: list[kuf.KufRow]
    checks: dict[str, list[Check]]
    years: list[int]
    version: KufVersion | None


def kuf_source(*, concept: Concept, stand: str = "") -> KufSource:
    """The live KuF (``stand`` empty) or the frozen version with pk ``stand``; 404 for another
    concept's or an unknown version. Queries: live 7 (rows 6, approvals 1); a version: see
    ``funding.versions``."""
    if not stand:
        rows = selectors.kuf_rows_for_concept(concept=concept)
        checks = selectors.kuf_checks_for_rows(concept=concept, rows=rows)
        return KufSource(rows=rows, checks=checks, years=concept.years, version=None)
    try:
        version = KufVersion.objects.get(concept=concept, pk=int(stand))
    except (ValueError, KufVersion.DoesNotExist):
        raise Http404(_("Diesen KuF-Stand gibt es in diesem Konzept nicht.")) from None
    return KufSource(
        rows=kuf_rows_for_version(version=version),
        checks=kuf_checks_for_version(version=version),
        years=list(version.years),
        version=version,
    )
