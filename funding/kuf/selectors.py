"""Reads of the live KuF: a concept's measures as plain KuF input and computed rows, loaded in a fixed
number of queries, the approvals and checks, and the measure list's totals.
"""

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funding import kuf
from funding.models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    MunicipalRate,
)
from measures.models import Measure
from projects.dataversion import current_data_version, in_transaction
from projects.models import Concept

from . import checks


@dataclass(frozen=True)
class _Programme:
    """The columns of a funding programme the arithmetic needs (read with the modules, no model)."""

    pk: int
    code: str
    default_rate: Decimal
    max_rate: Decimal
    urban_programme: str


def _rate_table(concept: Concept) -> dict[tuple[int, int, int], Decimal]:
    rates = MunicipalRate.objects.filter(municipality__participations__concept=concept).values_list(
        "municipality_id", "programme_id", "year", "rate"
    )
    return {(municipality, programme, year): rate for municipality, programme, year, rate in rates}


def module_input(
    *,
    kind: str,
    programme: FundingProgramme | _Programme | None,
    source: str,
    cost_share: Decimal,
    rate: Decimal | None,
    amount: Decimal | None,
    amounts_by_year: dict[int, Decimal],
    municipality_id: int,
    years: Iterable[int],
    rate_table: dict[tuple[int, int, int], Decimal],
) -> kuf.ModuleInput:
    """One module as plain KuF input; a rate module's rate is resolved for each year with costs."""
    rates_by_year = {}
    if amount is None and not amounts_by_year:
        rates_by_year = {
            year: kuf.resolve_rate(
                explicit=rate,
                municipal=rate_table.get((municipality_id, programme.pk, year)) if programme else None,
                default=programme.default_rate if programme else None,
            )
            for year in years
        }
    return kuf.ModuleInput(
        kind=kind,
        programme=programme.code if programme else "",
        label=programme.code if programme else (source or kind),
        cost_share=cost_share,
        rates_by_year=rates_by_year,
        amount=amount,
        amounts_by_year=amounts_by_year,
        max_rate=programme.max_rate if programme else None,
        urban_programme=programme.urban_programme if programme else "",
    )


def measure_inputs(*, concept: Concept) -> list[kuf.MeasureInput]:
    """Every measure of ``concept`` as plain KuF input, in KuF order.

    Read with ``values_list`` and grouped by hand: the KuF needs no model instances, and building
    thousands of them (with prefetch bookkeeping) cost most of the page's time. Queries, however many
    measures: measures with action field and municipality (1), their quarters (1), cost lines (1),
    financing modules with programme (1), their per-year amounts (1), rates (1).
    """
    return _measure_inputs(scope={"concept": concept}, rates=lambda _ids: _rate_table(concept))


def kuf_rows_for_measures(*, measure_ids: Iterable[int]) -> dict[int, kuf.KufRow]:
    """The computed KuF row of each of these measures (of any concepts), by measure id: for lists
    that show a page of measures, such as the admin's. Six queries, however many measures: as
    ``measure_inputs``, the rates being those of the measures' municipalities."""
    ids = sorted(set(measure_ids))
    if not ids:
        return {}
    inputs = _measure_inputs(
        scope={"pk__in": ids},
        rates=lambda municipality_ids: {
            (municipality, programme, year): rate
            for municipality, programme, year, rate in MunicipalRate.objects.filter(
                municipality_id__in=municipality_ids
            ).values_list("municipality_id", "programme_id", "year", "rate")
        },
    )
    return {measure.id: kuf.compute_row(measure) for measure in inputs}


def _measure_inputs(
    *, scope: dict, rates: Callable[[set[int]], dict[tuple[int, int, int], Decimal]]
) -> list[kuf.MeasureInput]:
    """The measures selected by ``scope`` (lookups on ``Measure``) as KuF input; ``rates`` gives the
    rate table for the municipality ids of those measures."""
    related = {f"measure__{key}": value for key, value in scope.items()}
    measures = list(
        Measure.objects.filter(**scope)
        .order_by("action_field__order", "action_field__code", "order", "code")
        .values_list(
            "pk",
            "uid",
            "code",
            "title",
            "action_field__code",
            "action_field__title",
            "action_field__order",
            "municipality_id",
            "municipality__name",
            "start_year",
            "end_year",
            "responsible_body",
            "priority",
            "hoai_phase",
            "status",
        )
    )
    quarters: dict[int, list[tuple[str, str]]] = {}
    for measure_id, code, programme in (
        Measure.quarters.through.objects.filter(**related)
        .order_by("quarter__order", "quarter__code")
        .values_list("measure_id", "quarter__code", "quarter__programme")
    ):
        quarters.setdefault(measure_id, []).append((code, programme))
    costs: dict[int, list[kuf.CostInput]] = {}
    for measure_id, section, year, gross, ineligible in (
        CostLine.objects.filter(**related)
        .order_by("measure_id", "year", "section", "pk")
        .values_list("measure_id", "section", "year", "gross", "ineligible")
    ):
        costs.setdefault(measure_id, []).append(
            kuf.CostInput(section=section, year=year, gross=gross, ineligible=ineligible)
        )
    year_amounts: dict[int, dict[int, Decimal]] = {}
    for module_id, year, amount in FinancingYear.objects.filter(
        **{f"module__{key}": value for key, value in related.items()}
    ).values_list("module_id", "year", "amount"):
        year_amounts.setdefault(module_id, {})[year] = amount
    modules: dict[int, list[tuple]] = {}
    for row in (
        FinancingModule.objects.filter(**related)
        .order_by("measure_id", "order", "pk")
        .values_list(
            "measure_id",
            "pk",
            "kind",
            "source",
            "cost_share",
            "rate",
            "amount",
            "programme_id",
            "programme__code",
            "programme__default_rate",
            "programme__max_rate",
            "programme__urban_programme",
        )
    ):
        modules.setdefault(row[0], []).append(row[1:])
    rate_table = rates({row[7] for row in measures})

    inputs = []
    for (
        pk,
        uid,
        code,
        title,
        field_code,
        field_title,
        field_order,
        municipality_id,
        municipality_name,
        start_year,
        end_year,
        responsible_body,
        priority,
        hoai_phase,
        status,
    ) in measures:
        own_costs = tuple(costs.get(pk, ()))
        years = sorted({cost.year for cost in own_costs})
        own_quarters = quarters.get(pk, [])
        inputs.append(
            kuf.MeasureInput(
                id=pk,
                code=code,
                title=title,
                action_field=kuf.Label(key=field_code, title=field_title, order=field_order),
                municipality=kuf.Label(key=municipality_name, title=municipality_name),
                start_year=start_year,
                end_year=end_year,
                quarters=tuple(code for code, _programme in own_quarters),
                quarter_programmes=tuple(dict.fromkeys(p for _code, p in own_quarters if p)),
                uid=str(uid),
                responsible_body=responsible_body,
                priority=priority,
                hoai_phase=hoai_phase,
                status=status,
                costs=own_costs,
                modules=tuple(
                    module_input(
                        kind=kind,
                        programme=_Programme(programme_id, p_code, p_default, p_max, p_urban)
                        if programme_id
                        else None,
                        source=source,
                        cost_share=cost_share,
                        rate=rate,
                        amount=amount,
                        amounts_by_year=year_amounts.get(module_id, {}),
                        municipality_id=municipality_id,
                        years=years,
                        rate_table=rate_table,
                    )
                    for (
                        module_id,
                        kind,
                        source,
                        cost_share,
                        rate,
                        amount,
                        programme_id,
                        p_code,
                        p_default,
                        p_max,
                        p_urban,
                    ) in modules.get(pk, ())
                ),
            )
        )
    return inputs


@dataclass(frozen=True)
class LiveKuf:
    """A concept's current KuF: every measure as a computed row (in KuF order) and the rows' checks by
    measure uid. The rows' measures carry no cost lines or financing modules (``costs`` and
    ``modules`` are empty, as in a frozen version): the money is computed, the checks are made."""

    rows: list[kuf.KufRow]
    checks: dict[str, list[checks.Check]]


def live_kuf(*, concept: Concept) -> LiveKuf:
    """The concept's current KuF, computed once per change of the concept's data and kept in Django's
    cache under the concept's data version (``projects.dataversion``), which every write moves forward
    in its own transaction: a cached KuF can never be older than the data it is asked for.

    Each server process also keeps the last few it used (``_RECENT``), under the same version: reading a
    large KuF back from the cache (unpickling) costs more than a page's other work.

    Inside a transaction of its own (a write, which may still be rolled back) it is computed and not
    kept. Queries: the data version (1); unless this process holds it, the cache (the database cache:
    1); when not cached, the rows (6), the approvals (1) and storing it (the database cache: 5).
    """
    if in_transaction():
        return _live_kuf_computed(concept)
    version = current_data_version(concept.pk)
    key = f"kuf:live:{concept.pk}:{version}"
    # The creation time tells apart two concepts that had the same id in turn (a restored backup, the
    # tests' rolled-back databases): the process outlives them, the database cache does not.
    recent_key = (key, concept.created_at)
    live = _RECENT.get(recent_key)
    if live is not None:
        _RECENT.move_to_end(recent_key)
        return live
    live = cache.get(key)
    if live is None:
        live = _live_kuf_computed(concept)
        cache.set(key, live)
    _RECENT[recent_key] = live
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return live


# The KuFs this process used last, by cache key and the concept's creation time (see ``live_kuf``).
_RECENT: OrderedDict[tuple[str, object], LiveKuf] = OrderedDict()
_RECENT_SIZE = 16


def live_kuf_forget_recent() -> None:
    """Forget the KuFs this process keeps (``live_kuf``); the shared cache keeps its own. For tests
    that count the queries of a first request."""
    _RECENT.clear()


def _live_kuf_computed(concept: Concept) -> LiveKuf:
    rows = [kuf.compute_row(measure) for measure in measure_inputs(concept=concept)]
    row_checks = kuf_checks_for_rows(concept=concept, rows=rows)
    # Costs and modules are inputs of the arithmetic and the checks, both done: not kept.
    for row in rows:
        row.measure = dataclasses.replace(row.measure, costs=(), modules=())
    return LiveKuf(rows=rows, checks=row_checks)


def kuf_rows_for_concept(*, concept: Concept) -> list[kuf.KufRow]:
    """Every measure of the concept as a computed KuF row, in KuF order (``live_kuf``)."""
    return live_kuf(concept=concept).rows


def kuf_table_for_concept(*, concept: Concept, group_by: str = kuf.GROUP_BY_ACTION_FIELD) -> kuf.KufTable:
    """The concept's KuF with subtotals and totals (see ``funding.kuf.build_table``); the rows of
    ``live_kuf``."""
    return kuf.build_table(kuf_rows_for_concept(concept=concept), years=concept.years, group_by=group_by)


def approvals_for_concept(*, concept: Concept) -> dict[tuple[str, str, int], Decimal]:
    """Approved grants (sum of the approval notices) by (municipality name, programme code, year). One
    query."""
    totals = (
        ApprovalNotice.objects.filter(concept=concept)
        .order_by()
        .values_list("municipality__name", "programme__code", "year")
        .annotate(total=Sum("amount"))
    )
    return {(municipality, programme, year): total for municipality, programme, year, total in totals}


def kuf_checks_for_rows(*, concept: Concept, rows: list[kuf.KufRow]) -> dict[str, list[checks.Check]]:
    """The checks of every row (see ``funding.kuf.checks``), by measure uid. One query (the approvals);
    ``rows`` must be all rows of the concept, unfiltered."""
    return checks.checks_for_rows(
        rows, concept_years=concept.years, approvals=approvals_for_concept(concept=concept)
    )


# Wide enough for the sum of many 14-digit cost lines.
TOTAL_FIELD = DecimalField(max_digits=18, decimal_places=2)


def _per_measure(queryset: QuerySet, aggregate: Sum | Count, output_field: DecimalField | IntegerField):
    """A correlated subquery: ``aggregate`` over the rows of ``queryset`` that belong to the outer measure.

    ``order_by()`` drops the model's default ordering, which would otherwise end up in the GROUP BY.
    """
    rows = queryset.filter(measure=OuterRef("pk")).order_by().values("measure")
    return Subquery(rows.annotate(total=aggregate).values("total"), output_field=output_field)


def measures_with_totals(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Annotate ``gross_total``, ``eligible_total`` and ``module_count`` on each measure.

    One subquery per figure: joining cost lines and financing modules in the same query would repeat
    every cost line once per module and inflate the sums. Measures without rows get 0, not NULL, so
    sorting by a total behaves the same on every database.
    """
    zero = Value(Decimal("0.00"), output_field=TOTAL_FIELD)
    return queryset.annotate(
        gross_total=Coalesce(
            _per_measure(CostLine.objects.all(), Sum("gross"), TOTAL_FIELD), zero, output_field=TOTAL_FIELD
        ),
        eligible_total=Coalesce(
            _per_measure(CostLine.objects.all(), Sum(F("gross") - F("ineligible")), TOTAL_FIELD),
            zero,
            output_field=TOTAL_FIELD,
        ),
        module_count=Coalesce(
            _per_measure(FinancingModule.objects.all(), Count("pk"), IntegerField()),
            Value(0),
            output_field=IntegerField(),
        ),
    )


def money_outside_years(concept: Concept, year_from: int, year_to: int) -> dict[str, str]:
    """Why the concept's programme years may not become ``year_from``–``year_to``: the measures that
    still have costs or per-year financing amounts outside those years, with the years, as German
    messages by field (``projects.guards``). Two queries (cost lines, financing years)."""
    outside: dict[str, set[int]] = {}
    rows = [
        *CostLine.objects.filter(measure__concept=concept).values_list("measure__code", "year"),
        *FinancingYear.objects.filter(module__measure__concept=concept).values_list(
            "module__measure__code", "year"
        ),
    ]
    for code, year in rows:
        if not year_from <= year <= year_to:
            outside.setdefault(code, set()).add(year)
    if not outside:
        return {}
    listed = "; ".join(
        f"{code} ({', '.join(str(year) for year in sorted(years))})"
        for code, years in sorted(outside.items())
    )
    message = _(
        "Die Programmjahre lassen sich nicht auf %(start)s–%(end)s ändern: Diese Maßnahmen haben noch Kosten "
        "oder Finanzierung außerhalb dieser Jahre: %(measures)s. Bitte verschieben oder löschen Sie diese "
        "Beträge zuerst."
    ) % {"start": year_from, "end": year_to, "measures": listed}
    years = {year for years in outside.values() for year in years}
    field = "year_from" if min(years) < year_from else "year_to"
    return {field: message}
