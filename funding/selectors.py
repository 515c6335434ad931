"""Reads for funding: the KuF rows of a concept, loaded in a fixed number of queries."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
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
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.models import Indicator, Measure
from projects.history import HistoryEntry, history_entries, version_boundary
from projects.models import Concept, Goal, Municipality, Quarter

from . import checks, kuf
from .models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    KufComment,
    KufSignoff,
    MunicipalRate,
)
from .services import CostLineData, ModuleData


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


def _module_input(
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
                    _module_input(
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


def kuf_rows_for_concept(*, concept: Concept) -> list[kuf.KufRow]:
    """Every measure of the concept as a computed KuF row, in KuF order.

    Queries, however many measures: measures with action field and municipality (1), quarters (1),
    cost lines (1), financing modules with programme (1), their per-year amounts (1), rates (1).
    """
    inputs = measure_inputs(concept=concept)
    return [kuf.compute_row(measure) for measure in inputs]


def kuf_table_for_concept(*, concept: Concept, group_by: str = kuf.GROUP_BY_ACTION_FIELD) -> kuf.KufTable:
    """The concept's KuF with subtotals and totals (see ``funding.kuf.build_table``). Six queries."""
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
    """The checks of every row (see ``funding.checks``), by measure uid. One query (the approvals);
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


def measure_preview_row(
    *,
    concept: Concept,
    municipality_id: int | None,
    start_year: int | None,
    cost_lines: list[CostLineData],
    modules: list[ModuleData],
) -> kuf.KufRow:
    """The KuF row of a measure as the editor currently shows it (unsaved input), for live totals.

    One query: the municipality's rates. Programmes come with the module data.
    """
    rate_table = {}
    if municipality_id:
        rate_table = {
            (municipality_id, programme_id, year): rate
            for programme_id, year, rate in MunicipalRate.objects.filter(
                municipality_id=municipality_id
            ).values_list("programme_id", "year", "rate")
        }
    years = sorted({row.year for row in cost_lines})
    measure = kuf.MeasureInput(
        id=0,
        code="",
        title="",
        action_field=kuf.Label("", ""),
        municipality=kuf.Label("", ""),
        start_year=start_year or concept.year_from,
        end_year=start_year or concept.year_from,
        costs=tuple(
            kuf.CostInput(section=row.section, year=row.year, gross=row.gross, ineligible=row.ineligible)
            for row in cost_lines
        ),
        modules=tuple(
            _module_input(
                kind=row.kind,
                programme=row.programme,
                source=row.source,
                cost_share=row.cost_share,
                rate=row.rate,
                amount=row.amount,
                amounts_by_year=row.years,
                municipality_id=municipality_id or 0,
                years=years,
                rate_table=rate_table,
            )
            for row in modules
        ),
    )
    return kuf.compute_row(measure)


def measure_history(*, measure: Measure) -> list[HistoryEntry]:
    """The change history of a measure and its cost lines, financing modules with their year amounts,
    and indicators, newest first.

    Queries, however long the history: measure records (1), their goals and quarters (2, plus 2 for the
    names), cost-line records (1), module records (1), programme codes (1), year-amount records (1),
    indicator records (1), and one per related model named in them (action field, municipality: at
    most 2). Users come with the records.
    """
    entries, _records = _measure_history(measure)
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def measure_changes_since(*, measure: Measure, version: int) -> list[HistoryEntry]:
    """Everything saved on a measure after the user loaded it at ``version``: the measure's fields,
    goals, quarters, cost lines, financing modules, year amounts and indicators (added, changed with old
    and new values, deleted), each with who and when; newest first. Empty if nobody saved since. The
    queries of ``measure_history``."""
    entries, records = _measure_history(measure)
    boundary = version_boundary(records, version=version)
    if boundary is None:
        return []
    since = [entry for entry in entries if entry.date >= boundary]
    return sorted(since, key=lambda entry: entry.date, reverse=True)


def measure_row_ids(*, measure: Measure) -> dict[str, set[int]]:
    """The ids of the measure's stored rows per editor table (costs, modules, indicators). Three
    queries."""
    return {
        "costs": set(CostLine.objects.filter(measure=measure).values_list("pk", flat=True)),
        "modules": set(FinancingModule.objects.filter(measure=measure).values_list("pk", flat=True)),
        "indicators": set(Indicator.objects.filter(measure=measure).values_list("pk", flat=True)),
    }


def measure_related(*, measure: Measure) -> list[tuple[int, str]]:
    """The related measures of ``measure`` as (id, code), by code. One query."""
    return list(measure.related.order_by("code").values_list("pk", "code"))


def measure_codes(*, concept: Concept, ids: Iterable[int]) -> dict[int, str]:
    """Codes of the given measures of ``concept``. One query."""
    return dict(Measure.objects.filter(concept=concept, pk__in=list(ids)).values_list("pk", "code"))


# The editor's growable tables (as in ``measure_row_ids``) and the model each one's history names.
EDITOR_TABLES = {"costs": "costline", "modules": "financingmodule", "indicators": "indicator"}


@dataclass
class MeasureConflict:
    """What the editor shows after an edit conflict: the saves since the user's version (``entries``),
    notes on what the history cannot tell (``notes``: rows gone without a trace, related measures
    changed through another measure, an image not kept), a note per table row deleted or added by
    someone else (``row_notes``: (table, row index) -> note), and the related measures stored now
    (``related_ids``), which the form is moved to."""

    entries: list[HistoryEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_notes: dict[tuple[str, int], str] = field(default_factory=dict)
    related_ids: list[int] = field(default_factory=list)


def measure_conflict(
    *,
    measure: Measure,
    version: int | None,
    related_seen: set[int] | None,
    deleted: Mapping[str, list[tuple[int | None, int]]] | None = None,
    added: Mapping[str, list[tuple[int, int]]] | None = None,
    image_dropped: bool = False,
) -> MeasureConflict:
    """The conflict box of the measure editor, in German.

    ``version`` is the version the user loaded (None: unknown, no entries); ``related_seen`` the related
    measures the page showed (None: not compared). ``deleted`` names, per editor table (keys of
    ``EDITOR_TABLES``), the rows the page held whose stored row is gone, as (old id, index of the row
    in the page's table), ``added`` the rows others added, as (id, index). ``image_dropped``: the user
    had chosen an image, which the returned page cannot keep.

    Queries, however many rows: those of ``measure_changes_since`` (only with a ``version``), the related
    measures (1) and, only if they differ from ``related_seen``, their codes (1).
    """
    entries = measure_changes_since(measure=measure, version=version) if version else []
    conflict = MeasureConflict(entries=entries)
    related_now = measure_related(measure=measure)
    conflict.related_ids = [pk for pk, _code in related_now]
    if related_seen is not None and related_seen != set(conflict.related_ids):
        codes = measure_codes(concept=measure.concept, ids=related_seen)
        conflict.notes.append(
            _(
                "Die verwandten Maßnahmen wurden inzwischen geändert (auch das Speichern einer "
                "anderen Maßnahme ändert sie): vorher %(old)s, jetzt gespeichert %(new)s. Ihre "
                "Auswahl steht unverändert im Formular."
            )
            % {
                "old": ", ".join(sorted(codes.get(pk, f"#{pk}") for pk in related_seen)) or "–",
                "new": ", ".join(code for _pk, code in related_now) or "–",
            }
        )
    by_object = {(entry.object_model, entry.object_id, entry.kind): entry for entry in reversed(entries)}
    for table, rows in (deleted or {}).items():
        for old_id, index in rows:
            entry = by_object.get((EDITOR_TABLES[table], old_id, "-"))
            if entry:
                note = _(
                    "%(row)s wurde inzwischen von %(user)s gelöscht (%(when)s). Ihre Eingabe steht hier "
                    "als neue Zeile; beim Speichern wird sie wieder angelegt, sonst entfernen Sie sie."
                ) % {"row": entry.object_label, "user": entry.user, "when": _when(entry)}
            else:
                note = _(
                    "Diese Zeile gibt es inzwischen nicht mehr. Ihre Eingabe steht hier als neue Zeile; beim "
                    "Speichern wird sie wieder angelegt, sonst entfernen Sie sie."
                )
                conflict.notes.append(note)
            conflict.row_notes[table, index] = note
    for table, rows in (added or {}).items():
        for pk, index in rows:
            entry = by_object.get((EDITOR_TABLES[table], pk, "+"))
            if entry:
                note = _(
                    "Diese Zeile hat %(user)s inzwischen hinzugefügt (%(when)s). Sie bleibt beim Speichern "
                    "erhalten, wenn Sie sie nicht entfernen."
                ) % {"user": entry.user, "when": _when(entry)}
            else:
                note = _(
                    "Diese Zeile wurde inzwischen hinzugefügt. Sie bleibt beim Speichern erhalten, wenn Sie "
                    "sie nicht entfernen."
                )
            conflict.row_notes[table, index] = note
    if image_dropped:
        conflict.notes.append(
            _(
                "Das ausgewählte Bild wurde nicht gespeichert; bitte wählen Sie es vor dem Speichern erneut aus."
            )
        )
    return conflict


def _when(entry: HistoryEntry) -> str:
    return date_format(timezone.localtime(entry.date), "d.m.Y H:i")


def _measure_history(measure: Measure) -> tuple[list[HistoryEntry], list]:
    """Unsorted history entries of a measure and its rows, and the measure's own records."""
    measure_records = list(measure.history.select_related("history_user"))
    history_ids = [record.history_id for record in measure_records]
    m2m = {}
    for label, through, target, attname in (
        (_("Ziele"), apps.get_model("measures", "HistoricalMeasure_goals"), Goal, "goal_id"),
        (_("Quartiere"), apps.get_model("measures", "HistoricalMeasure_quarters"), Quarter, "quarter_id"),
    ):
        rows = list(through.objects.filter(history_id__in=history_ids).values_list("history_id", attname))
        names = {obj.pk: obj.code for obj in target.objects.filter(pk__in={pk for _, pk in rows})}
        by_record: dict[int, list[str]] = {}
        for history_id, pk in rows:
            by_record.setdefault(history_id, []).append(names.get(pk, f"#{pk}"))
        m2m[str(label)] = by_record
    entries = history_entries(
        measure_records,
        model=Measure,
        label=lambda record: _("Steckbrief"),
        m2m=m2m,
    )
    cost_records = list(CostLine.history.filter(measure_id=measure.pk).select_related("history_user"))
    entries += history_entries(
        cost_records,
        model=CostLine,
        label=lambda r: _("Kostenzeile %(year)s, KG %(section)s") % {"year": r.year, "section": r.section},
        with_values=True,
    )
    module_records = list(
        FinancingModule.history.filter(measure_id=measure.pk).select_related("history_user")
    )
    programme_codes = dict(FundingProgramme.objects.values_list("pk", "code"))

    def module_label(record) -> str:
        name = programme_codes.get(record.programme_id) or record.source or _("Mittel Dritter")
        return _("Finanzierung %(name)s") % {"name": name}

    entries += history_entries(module_records, model=FinancingModule, label=module_label, with_values=True)
    module_names = {record.id: module_label(record) for record in module_records}
    year_records = list(
        FinancingYear.history.filter(module_id__in=module_names).select_related("history_user")
    )
    entries += history_entries(
        year_records,
        model=FinancingYear,
        label=lambda r: (
            _("%(module)s, Jahresscheibe %(year)s")
            % {"module": module_names.get(r.module_id, ""), "year": r.year}
        ),
        with_values=True,
    )
    indicator_records = list(Indicator.history.filter(measure_id=measure.pk).select_related("history_user"))
    entries += history_entries(
        indicator_records,
        model=Indicator,
        label=lambda r: _("Indikator „%(name)s“") % {"name": r.name},
        with_values=True,
    )
    return entries, measure_records


@dataclass
class MunicipalityReview:
    """The review state of one municipality's KuF rows.

    ``state``: "open" (no verdict yet), "approved", "changes" (change requested), or "reset" (a verdict
    whose rows have changed since: ``changed`` lists the codes of changed, added or removed rows).
    """

    municipality: Municipality
    signoff: KufSignoff | None
    state: str
    changed: list[str] = field(default_factory=list)
    open_comments: int = 0
    rows_hash: str = ""
    row_count: int = 0


def _changed_codes(signoff: KufSignoff, rows: list[kuf.KufRow]) -> list[str]:
    current = {row.measure.uid: (row.measure.code, kuf.fingerprint(row)) for row in rows}
    signed = signoff.fingerprints
    changed = [code for uid, (code, print_) in current.items() if signed.get(uid, {}).get("hash") != print_]
    removed = [entry.get("code", "?") for uid, entry in signed.items() if uid not in current]
    return sorted(changed + removed)


def kuf_reviews(*, concept: Concept, rows: list[kuf.KufRow]) -> list[MunicipalityReview]:
    """Review state per participating municipality, from the latest verdict and the current rows.

    Queries: participating municipalities (1), verdicts of the concept (1), open comments per
    municipality (1). ``rows`` are all live rows of the concept.
    """
    municipalities = list(Municipality.objects.filter(participations__concept=concept).order_by("name"))
    latest: dict[int, KufSignoff] = {}
    for signoff in KufSignoff.objects.filter(concept=concept).select_related("created_by"):
        latest.setdefault(signoff.municipality_id, signoff)  # ordered newest first
    open_comments = dict(
        KufComment.objects.filter(concept=concept, resolved_at__isnull=True)
        .order_by()
        .values_list("measure__municipality_id")
        .annotate(count=Count("pk"))
    )
    reviews = []
    for municipality in municipalities:
        own_rows = [row for row in rows if row.measure.municipality.key == municipality.name]
        signoff = latest.get(municipality.pk)
        review = MunicipalityReview(
            municipality=municipality,
            signoff=signoff,
            state="open",
            open_comments=open_comments.get(municipality.pk, 0),
            rows_hash=kuf.fingerprint_all(own_rows),
            row_count=len(own_rows),
        )
        if signoff is not None:
            review.changed = _changed_codes(signoff, own_rows)
            review.state = "reset" if review.changed else signoff.state
        reviews.append(review)
    return reviews


def open_comment_counts(*, concept: Concept) -> dict[int, int]:
    """Open row comments per measure id. One query."""
    return dict(
        KufComment.objects.filter(concept=concept, resolved_at__isnull=True)
        .order_by()
        .values_list("measure_id")
        .annotate(count=Count("pk"))
    )


def kuf_comments_for_row(*, measure: Measure) -> QuerySet[KufComment]:
    return KufComment.objects.filter(measure=measure).select_related("author", "resolved_by")


def kuf_reviews_reset(*, concept: Concept, municipality_ids: set[int]) -> list[MunicipalityReview]:
    """The reviews of these municipalities that a change has reset (for a notice after saving). One
    query when none of them has a verdict; otherwise the rows are loaded as for the KuF page."""
    if not KufSignoff.objects.filter(concept=concept, municipality_id__in=municipality_ids).exists():
        return []
    rows = kuf_rows_for_concept(concept=concept)
    return [
        review
        for review in kuf_reviews(concept=concept, rows=rows)
        if review.municipality.pk in municipality_ids and review.state == "reset"
    ]
