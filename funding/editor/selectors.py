"""Reads of the measure editor: the live totals of unsaved input, a measure's history, its stored rows,
and the conflict box after an edit conflict with the posted input merged (``measure_conflict_merge``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding import kuf
from funding.kuf.selectors import module_input
from funding.models import (
    CostLine,
    FinancingModule,
    FinancingYear,
    FundingProgramme,
    MunicipalRate,
)
from measures.models import Indicator, Measure
from projects.history import HistoryEntry, history_entries, version_boundary
from projects.models import Concept, Goal, Quarter

from .posted import insert_stored_rows, posted_row_ids
from .services import CostLineData, ModuleData


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
            module_input(
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


def measure_editor_totals(*, concept: Concept, measure: Measure | None, costs, modules) -> kuf.KufRow:
    """The KuF row the editor shows under its tables: of the input when the tables (``costs``,
    ``modules``: the editor's formsets) are bound to it, else of the rows they show as stored. One query
    (the municipality's rates)."""
    if costs.is_bound:
        data = costs.data
        municipality_id, start = data.get("municipality") or None, data.get("start_year")
        cost_rows, module_rows = costs.rows(), modules.rows()
    else:
        municipality_id = measure.municipality_id if measure else None
        start = measure.start_year if measure else None
        cost_rows = [form.row() for form in costs.forms if form.instance.pk and _fill(form)]
        module_rows = [
            form.row(i) for i, form in enumerate(modules.forms, 1) if form.instance.pk and _fill(form)
        ]
    try:
        municipality_id = int(municipality_id) if municipality_id else None
        start = int(start) if start else None
    except ValueError:
        municipality_id, start = None, None
    return measure_preview_row(
        concept=concept,
        municipality_id=municipality_id,
        start_year=start,
        cost_lines=cost_rows,
        modules=module_rows,
    )


def _fill(form) -> bool:
    """Fill an unbound form's cleaned_data from its instance (for the totals of the stored rows)."""
    instance = form.instance
    form.cleaned_data = {name: getattr(instance, name, None) for name in form.fields}
    if "kind" in form.fields:
        form.cleaned_data["years"] = form.stored_years
        form.cleaned_data["programme"] = instance.programme
    return True


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


@dataclass(frozen=True)
class EditorTable:
    """One growable table of the editor: the model of its rows (whose history names them) and its
    name on the page."""

    model: type[models.Model]
    label: str


# The editor's growable tables, by their form prefix.
EDITOR_TABLES = {
    "costs": EditorTable(CostLine, gettext_lazy("Kosten")),
    "modules": EditorTable(FinancingModule, gettext_lazy("Finanzierung")),
    "indicators": EditorTable(Indicator, gettext_lazy("Indikatoren")),
}


def measure_row_ids(*, measure: Measure | None) -> dict[str, set[int]]:
    """The ids of the measure's stored rows per editor table (``EDITOR_TABLES``); empty sets for a new
    measure (None). Three queries (none for a new measure)."""
    return {
        prefix: set(table.model.objects.filter(measure=measure).values_list("pk", flat=True))
        if measure is not None
        else set()
        for prefix, table in EDITOR_TABLES.items()
    }


def measure_former_row_ids(*, measure: Measure, ids: Mapping[str, set[int]]) -> dict[str, set[int]]:
    """Of the row ids given per editor table, those of rows that belonged to ``measure`` once (its
    history knows them: rows deleted since). One query per table with ids, none without."""
    return {
        prefix: set(
            EDITOR_TABLES[prefix]
            .model.history.filter(measure_id=measure.pk, id__in=wanted)
            .values_list("id", flat=True)
        )
        for prefix, wanted in ids.items()
        if wanted
    }


def measure_related(*, measure: Measure) -> list[tuple[int, str]]:
    """The related measures of ``measure`` as (id, code), by code. One query."""
    return list(measure.related.order_by("code").values_list("pk", "code"))


def measure_codes(*, concept: Concept, ids: Iterable[int]) -> dict[int, str]:
    """Codes of the given measures of ``concept``. One query."""
    return dict(Measure.objects.filter(concept=concept, pk__in=list(ids)).values_list("pk", "code"))


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
            entry = by_object.get((EDITOR_TABLES[table].model._meta.model_name, old_id, "-"))
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
            entry = by_object.get((EDITOR_TABLES[table].model._meta.model_name, pk, "+"))
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


def measure_conflict_merge(
    *,
    data: QueryDict,
    measure: Measure,
    stored: Mapping[str, Iterable],
    version: int | None,
    related_seen: set[int] | None,
    stale: Mapping[str, list[tuple[int | None, int]]],
    image_dropped: bool = False,
) -> MeasureConflict:
    """After an edit conflict: rewrite the posted ``data`` so that saving it again applies the user's
    input over what is stored now and loses nothing others saved meanwhile, and describe the conflict.

    ``data`` is the mutable copy of the POST, its rows whose stored row was deleted meanwhile already
    turned into new rows (``stale``, as ``posted.detach_stale_rows`` returned them per table);
    ``stored`` are the editor's tables of ``measure`` as stored now, unbound (by prefix). The stored
    rows the posted tables lack (added by someone else) are put into ``data`` as stored rows, its
    ``version`` moves to the measure's version now and ``related_seen`` to the related measures stored
    now. ``version``, ``related_seen`` and ``image_dropped`` are what the user's page posted (see
    ``measure_conflict``).

    Returns the conflict box with a note for every row deleted or added by someone else. Queries: the
    stored tables' rows (see ``forms.editor_tables_build``) and those of ``measure_conflict``.
    """
    added = {}
    for prefix, formset in stored.items():
        posted_ids = posted_row_ids(data, prefix=prefix)
        new_rows = [form for form in formset.forms if form.instance.pk not in posted_ids]
        indexes = insert_stored_rows(data, prefix=prefix, forms_to_add=new_rows)
        added[prefix] = [(form.instance.pk, index) for form, index in zip(new_rows, indexes, strict=True)]
    conflict = measure_conflict(
        measure=measure,
        version=version,
        related_seen=related_seen,
        deleted=stale,
        added=added,
        image_dropped=image_dropped,
    )
    data["version"] = str(measure.version)
    data["related_seen"] = ",".join(str(pk) for pk in sorted(conflict.related_ids))
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
