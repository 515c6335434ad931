"""Plain data for the report files: what a workbook shows, without knowing how it is formatted.

The KuF report takes computed ``funding.kuf.KufRow`` objects plus metadata (concept, "Stand", version,
date, filter), so the same report can be built from the live KuF, a frozen version or a filtered
selection. The formatters in ``xlsx.py`` (and later a PDF) only lay the data out.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import kuf
from funding.exchange import imports
from funding.kuf import columns
from funding.kuf.checks import Check
from funding.kuf.columns import year_value_label
from funding.kuf.filters import GROUPINGS
from funding.versions import diff
from funding.versions import selectors as versions_selectors
from funding.versions.selectors import CURRENT, KufSource, kuf_source
from projects.models import Concept


@dataclass(frozen=True)
class KufReportMeta:
    concept_title: str
    concept_slug: str
    municipalities: list[str]
    date: datetime.date
    version: str  # the version's name, or a note that this is the current, unfrozen state
    year_value: str = "gross"  # which amount the year columns show (an ``Amounts`` field)
    unit: str = columns.EUR  # amounts shown in euros or thousands
    group_by: str = kuf.GROUP_BY_ACTION_FIELD
    filter_note: str = ""  # the filter in words; empty: every row
    ignored_filter: str = ""  # invalid filter input that was not applied, in words
    frozen: bool = False  # a frozen version rather than the live state

    @property
    def year_value_label(self) -> str:
        return year_value_label(self.year_value)

    @property
    def unit_note(self) -> str:
        return columns.unit_note(self.unit)

    @property
    def grouping_label(self) -> str:
        return str(GROUPINGS.get(self.group_by, self.group_by))


@dataclass
class KufReportPart:
    """One sheet: the overview or one municipality's rows."""

    title: str
    table: kuf.KufTable
    municipality: str = ""  # the one municipality of the sheet; empty for the overview


@dataclass(frozen=True)
class CheckLine:
    code: str
    title: str
    municipality: str
    kind: str
    message: str


@dataclass
class KufReport:
    meta: KufReportMeta
    parts: list[KufReportPart]
    checks: dict[str, list[Check]]  # by measure uid
    check_lines: list[CheckLine] = field(default_factory=list)

    @property
    def overview(self) -> kuf.KufTable:
        return self.parts[0].table


def describe_filter(row_filter: kuf.RowFilter) -> str:
    """The filter in words, for the title block: "Kommune: Hallenbeck; Jahre: 2025–2027"."""
    parts = []
    for label, values in (
        (_("Kommune"), row_filter.municipalities),
        (_("Quartier"), row_filter.quarters),
        (_("Handlungsfeld"), row_filter.action_fields),
        (_("Programm"), row_filter.programmes),
        (_("Priorität"), {f"P{value}" for value in row_filter.priorities}),
        (_("Status"), row_filter.statuses),
        (_("Planungsstand"), {str(value) for value in row_filter.hoai_phases}),
    ):
        if values:
            parts.append(f"{label}: {', '.join(sorted(values))}")
    if row_filter.restricts_years:
        start = row_filter.year_from if row_filter.year_from is not None else "…"
        end = row_filter.year_to if row_filter.year_to is not None else "…"
        parts.append(f"{_('Jahre')}: {start}–{end}")
    if row_filter.text.strip():
        parts.append(f"{_('Suche')}: „{row_filter.text.strip()}“")
    return "; ".join(parts)


def kuf_report(
    *,
    concept_title: str,
    concept_slug: str,
    municipalities: Sequence[str],
    rows: Sequence[kuf.KufRow],
    checks: dict[str, list[Check]],
    years: Sequence[int],
    version: str,
    date: datetime.date,
    group_by: str = kuf.GROUP_BY_ACTION_FIELD,
    year_value: str = "gross",
    unit: str = columns.EUR,
    filter_note: str = "",
    ignored_filter: str = "",
    frozen: bool = False,
) -> KufReport:
    """The KuF report of ``rows`` (already filtered): an overview part and, when the rows belong to
    more than one municipality, one part per municipality (in the order of ``municipalities``). No
    queries."""
    meta = KufReportMeta(
        concept_title=concept_title,
        concept_slug=concept_slug,
        municipalities=list(municipalities),
        date=date,
        version=version,
        year_value=year_value,
        unit=unit,
        group_by=group_by,
        filter_note=filter_note,
        ignored_filter=ignored_filter,
        frozen=frozen,
    )
    parts = [KufReportPart(title=_("Übersicht"), table=kuf.build_table(rows, years=years, group_by=group_by))]
    by_municipality: dict[str, list[kuf.KufRow]] = {}
    for row in rows:
        by_municipality.setdefault(row.measure.municipality.key, []).append(row)
    if len(municipalities) > 1 and by_municipality:
        order = {name: index for index, name in enumerate(municipalities)}
        for key in sorted(by_municipality, key=lambda name: (order.get(name, len(order)), name)):
            parts.append(
                KufReportPart(
                    title=key,
                    table=kuf.build_table(by_municipality[key], years=years, group_by=group_by),
                    municipality=key,
                )
            )
    check_lines = [
        CheckLine(
            code=row.measure.code,
            title=row.measure.title,
            municipality=row.measure.municipality.title,
            kind=check.kind,
            message=check.message,
        )
        for row in _first_parts(parts[0].table.rows)
        for check in checks.get(row.measure.uid, [])
    ]
    return KufReport(meta=meta, parts=parts, checks=checks, check_lines=check_lines)


def _first_parts(rows: Sequence[kuf.KufRow]) -> list[kuf.KufRow]:
    """Each measure once (grouped by programme, a measure may stand in several groups)."""
    seen: set[str] = set()
    first = []
    for row in rows:
        if row.measure.uid not in seen:
            seen.add(row.measure.uid)
            first.append(row)
    return first


def municipality_names(*, concept: Concept) -> list[str]:
    """The participating municipalities, lead first. One query."""
    return list(
        concept.participations.order_by("role", "municipality__name").values_list(
            "municipality__name", flat=True
        )
    )


def kuf_report_for_source(
    *,
    concept: Concept,
    source: KufSource,
    row_filter: kuf.RowFilter | None = None,
    group_by: str = kuf.GROUP_BY_ACTION_FIELD,
    year_value: str = "gross",
    unit: str = columns.EUR,
    ignored_filter: str = "",
) -> KufReport:
    """The report of a concept's live KuF or version, filtered like the KuF page. ``ignored_filter``
    names invalid filter input that was not applied (``KufFilterSet.describe_invalid``); the title block
    says so. One query (the municipalities)."""
    row_filter = row_filter or kuf.RowFilter()
    if source.version is None:
        version_name = _("aktueller Bearbeitungsstand (nicht eingefroren)")
        date = timezone.localdate()
    else:
        version_name = source.version.name
        date = timezone.localtime(source.version.created_at).date()
    return kuf_report(
        concept_title=concept.title,
        concept_slug=concept.slug,
        municipalities=municipality_names(concept=concept),
        rows=kuf.select_rows(source.rows, row_filter),
        checks=source.checks,
        years=[year for year in source.years if row_filter.keeps_year(year)],
        version=version_name,
        date=date,
        group_by=group_by,
        year_value=year_value,
        unit=unit,
        filter_note=describe_filter(row_filter),
        ignored_filter=ignored_filter,
        frozen=source.version is not None,
    )


def kuf_report_for_concept(*, concept: Concept) -> KufReport:
    """The live, unfiltered KuF report of a concept. Eight queries."""
    return kuf_report_for_source(concept=concept, source=kuf_source(concept=concept))


# --- The measure list (the exchange format the import reads) -------------------------------------


@dataclass
class MeasureListReport:
    concept_title: str
    concept_slug: str
    date: datetime.date
    tables: list[imports.Table]


def measure_list_report(*, concept: Concept) -> MeasureListReport:
    """Measures, cost lines and financing modules of a concept in the import's columns, so that the
    file re-imports unchanged. Queries: see ``funding.exchange.imports.load_state``."""
    state = imports.load_state(concept=concept)
    return MeasureListReport(
        concept_title=concept.title,
        concept_slug=concept.slug,
        date=timezone.localdate(),
        tables=imports.export_tables(state=state),
    )


# --- The comparison of two KuF states ---------------------------------------------------------------


@dataclass
class KufDiffReport:
    concept_title: str
    concept_slug: str
    date: datetime.date
    old_label: str
    new_label: str
    result: diff.KufDiff


def kuf_diff_report(*, concept: Concept, old: str = "", new: str = "") -> KufDiffReport:
    """What changed between two states of the KuF: ``old`` and ``new`` are a version's pk or
    ``CURRENT``; by default the newest version against the current state (as on the comparison
    page). 404 without versions or for an unknown state. Queries: the versions (1) and
    ``funding.versions.selectors.kuf_comparison``."""
    versions = versions_selectors.kuf_versions_newest_first(concept=concept)
    if not versions:
        raise Http404(_("Für dieses Konzept gibt es noch keinen eingefrorenen KuF-Stand."))
    comparison = versions_selectors.kuf_comparison(
        concept=concept, versions=versions, old=old or str(versions[0].pk), new=new or CURRENT
    )
    return KufDiffReport(
        concept_title=concept.title,
        concept_slug=concept.slug,
        date=timezone.localdate(),
        old_label=comparison.old.label,
        new_label=comparison.new.label,
        result=comparison.result,
    )
