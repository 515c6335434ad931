"""Reading a frozen KuF version back, and the source of every KuF page: the live rows or a version's.

Reading a version back gives ``kuf.KufRow`` objects that ``kuf.build_table``, ``kuf.select_rows`` and
``funding.versions.diff`` treat exactly like live rows, so a frozen KuF is shown, filtered and compared
by the same code as the current one.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import kuf
from funding.kuf import selectors as kuf_selectors
from funding.kuf.checks import Check
from funding.models import KufVersion, KufVersionRow
from projects.dataversion import in_transaction
from projects.formatting import format_date
from projects.models import Concept

from . import diff
from .cells import cell_from_json

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
    by_year = {int(year): cell_from_json(cell) for year, cell in sorted(row["by_year"].items())}
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
    as they stood when it was frozen. A version never changes (the database refuses it), so its rows
    are read once and kept: on ``version`` (``kuf_rows_for_version`` and ``kuf_checks_for_version`` on
    the same object share them) and in Django's cache by the version's id, which is never used twice.
    One query (the cache entry; when not cached yet, the rows and storing them).

    The rebuilt measures carry no cost lines or financing modules (``costs`` and ``modules`` are
    empty): a frozen row is its computed money, and its checks are the stored ones, never recomputed.
    """
    contents = getattr(version, "_kuf_contents", None)
    if contents is None:
        key = f"kuf:version:{version.pk}"
        contents = cache.get(key)
        if contents is None:
            contents = _version_contents_read(version)
            if not in_transaction():
                cache.set(key, contents, timeout=None)
        version._kuf_contents = contents
    return contents


def _version_contents_read(version: KufVersion) -> tuple[list[kuf.KufRow], dict[str, list[Check]]]:
    stored = KufVersionRow.objects.filter(version=version).order_by("position").values(*_READ_FIELDS)
    rows: list[kuf.KufRow] = []
    row_checks: dict[str, list[Check]] = {}
    for row in stored:
        rows.append(_row_from_version(row))
        row_checks[str(row["measure_uid"])] = [Check.from_dict(item) for item in row["checks"]]
    return rows, row_checks


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
        live = kuf_selectors.live_kuf(concept=concept)
        return KufSource(rows=live.rows, checks=live.checks, years=concept.years, version=None)
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


# --- Two states compared ----------------------------------------------------------------------------

CURRENT = "aktuell"  # the live state, as the comparison's parameters name it


def version_label(version: KufVersion | None) -> str:
    """A state as people name it: "Antrag 2026 (01.09.2026)", or "Aktueller Stand"."""
    if version is None:
        return _("Aktueller Stand")
    return f"{version.name} ({format_date(timezone.localtime(version.created_at).date())})"


def kuf_versions_newest_first(*, concept: Concept) -> list[KufVersion]:
    """The concept's frozen versions, newest first. One query."""
    return list(KufVersion.objects.filter(concept=concept).order_by("-created_at", "-pk"))


@dataclass
class KufState:
    """One side of a comparison: a frozen version, or the current state (``version`` None)."""

    label: str
    version: KufVersion | None
    rows: list[kuf.KufRow]
    years: list[int]


@dataclass
class KufComparison:
    old: KufState
    new: KufState
    result: diff.KufDiff


def kuf_comparison(*, concept: Concept, versions: list[KufVersion], old: str, new: str) -> KufComparison:
    """Two states of the concept's KuF compared (``funding.versions.diff``). ``old`` and ``new`` are
    the pk of one of ``versions`` (as text) or ``CURRENT``; anything else is a 404. Queries: each side's
    rows (a version 1, the current state 6; the current state once, even on both sides)."""
    by_pk = {str(version.pk): version for version in versions}
    live: list[KufState] = []

    def state(value: str) -> KufState:
        if value == CURRENT:
            if not live:
                rows = kuf_selectors.kuf_rows_for_concept(concept=concept)
                live.append(KufState(version_label(None), None, rows, concept.years))
            return live[0]
        if value not in by_pk:
            raise Http404(_("Diesen KuF-Stand gibt es in diesem Konzept nicht."))
        version = by_pk[value]
        return KufState(
            version_label(version), version, kuf_rows_for_version(version=version), list(version.years)
        )

    old_state, new_state = state(old), state(new)
    result = diff.kuf_diff(
        old=old_state.rows, new=new_state.rows, years=sorted({*old_state.years, *new_state.years})
    )
    return KufComparison(old=old_state, new=new_state, result=result)
