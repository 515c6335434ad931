"""Writes for measures with their costs and financing: one transaction, one version check, full history.

The browser editor calls ``measure_save``; it validates everything again (``full_clean`` on every row,
cross-row rules), so no path can store what the editor would refuse. The Excel import applies the same
rules with bulk statements (``funding.exchange``).
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme
from measures.images import image_delete, image_planned_name, image_write
from measures.models import Measure
from measures.services import (
    MEASURE_PROFILE_FIELDS,
    MEASURE_RELATIONS,
    IndicatorData,
    indicators_sync,
    measure_code_errors,
    measure_period_errors,
    measure_scope_errors,
    rows_sync,
)
from projects.history import set_history_user
from projects.integrity import duplicates_refused
from projects.locking import MISSING_VERSION, EditConflict, check_version, claim_version
from projects.models import Concept

from . import validation

HUNDRED = Decimal(100)
PROFILE_FIELDS = MEASURE_PROFILE_FIELDS


@dataclass
class CostLineData:
    section: int
    year: int
    gross: Decimal
    ineligible: Decimal = Decimal("0.00")
    note: str = ""
    id: int | None = None


@dataclass
class ModuleData:
    kind: str
    programme: FundingProgramme | None = None
    source: str = ""
    cost_share: Decimal = HUNDRED
    rate: Decimal | None = None
    amount: Decimal | None = None
    years: dict[int, Decimal] = field(default_factory=dict)
    order: int = 0
    id: int | None = None


def financing_errors(*, modules: list[ModuleData]) -> list[str]:
    """Rules across a measure's modules (German messages, ``validation``): shares of rate modules add
    up to at most 100 %, so no euro is funded twice; rates within the programme's maximum."""
    errors = [validation.shares_error(modules=modules)]
    errors += [
        validation.rate_maximum_error(programme=module.programme, rate=module.rate, named=True)
        for module in modules
    ]
    return [message for message in errors if message]


def measure_save(
    *,
    concept: Concept,
    measure: Measure | None,
    profile: dict,
    cost_lines: list[CostLineData],
    modules: list[ModuleData],
    indicators: list[IndicatorData] | None = None,
    removed: Mapping[str, Collection[int]] | None = None,
    expected_version: int | None,
    related_seen: set[int] | None = None,
    user,
) -> Measure:
    """Create (``measure=None``) or update a measure with its cost lines, financing modules and
    indicators.

    Contract:
    - ``profile`` holds the fields in ``PROFILE_FIELDS`` plus ``goals``, ``quarters``, ``related``
      (iterables of objects of this concept) and ``image`` (a ``ContentFile`` to store, ``False`` to
      remove the image, ``None`` to keep it).
    - ``cost_lines``, ``modules`` and ``indicators`` are the rows to keep: rows with an ``id`` of this
      measure are updated, rows without one created. ``removed`` names, per table (``"costs"``,
      ``"modules"``, ``"indicators"``), the ids of the stored rows to delete. A stored row neither kept
      nor removed, or an ``id`` that is not one of this measure's rows, is refused
      (``ValidationError``): no row is deleted because the input left it out, none of another measure
      taken over (``measures.services.rows_sync``). ``indicators=None`` leaves the indicators as they are.
    - Updates must pass the ``expected_version`` the user loaded (a ``ValidationError`` if missing); if
      someone saved meanwhile, ``projects.locking.EditConflict`` is raised and nothing is saved. So it is
      if ``related_seen`` (the related measures the user loaded) is given and differs from the stored
      ones: the relation is symmetrical, so another measure's save changes it without a new version.
    - Everything is validated (``full_clean`` and the cross-row rules); on any ``ValidationError``
      nothing is saved. Every saved or deleted row gets a history entry naming ``user``.
    - An update that changes nothing writes nothing: the version stays, no history entry is made.
    - A new image is written to the storage only after everything else is validated, as the last step
      of the transaction (and removed again if the commit fails); a replaced or removed image file is
      deleted after the commit.
    """
    if measure is not None and expected_version is None:
        raise ValidationError({"version": MISSING_VERSION})
    image = profile.get("image")
    old_image = measure.image.name if measure is not None and measure.image else ""
    written = ""
    try:
        with transaction.atomic():
            if measure is None:
                measure = Measure(concept=concept)
            else:
                if related_seen is not None:
                    _check_related(measure, related_seen)
                check_version(measure, expected_version=expected_version)
            stored = measure if measure.pk else None
            period = measure_period_errors(
                concept=concept,
                start_year=profile.get("start_year", measure.start_year),
                end_year=profile.get("end_year", measure.end_year),
                stored=stored,
            )
            if period:
                raise ValidationError(period)
            changed = _set_profile(measure, profile)
            planned = _set_image(measure, image)
            changed = changed or bool(planned) or (image is False and old_image != "")
            measure.full_clean()
            relations = _changed_relations(measure, concept=concept, profile=profile)
            errors = financing_errors(modules=modules)
            if errors:
                raise ValidationError(errors)
            tables = _table_syncs(
                measure,
                cost_lines=cost_lines,
                modules=modules,
                indicators=indicators,
                removed=removed or {},
                user=user,
            )
            # A dry run first: it refuses foreign ids and unaccounted rows, and tells whether the save
            # changes anything at all before the version is claimed.
            changed = any([changed, bool(relations), *[sync(True) for sync in tables]])
            if stored is not None and not changed:
                return measure
            if stored is not None:
                claim_version(measure, expected_version=expected_version)
            set_history_user(measure, user)
            # A code taken by another save at the same moment: the message of the editor's own check.
            with duplicates_refused(
                lambda: measure_code_errors(concept=concept, code=measure.code, measure=measure)
            ):
                measure.save()
            for name, objects in relations.items():
                getattr(measure, name).set(objects)
            for sync in tables:
                sync(False)
            if planned:
                written = image_write(measure=measure, content=image, planned=planned)
            if old_image and old_image != (measure.image.name or ""):
                transaction.on_commit(lambda: image_delete(name=old_image))
    except BaseException:
        if written:
            image_delete(name=written)
        raise
    return measure


def _set_profile(measure: Measure, profile: dict) -> bool:
    """Set the profile fields given in ``profile`` on ``measure``; whether any value differs from the
    stored one (compared by id for a related object, so no query)."""
    changed = False
    for name in PROFILE_FIELDS:
        if name not in profile:
            continue
        value = profile[name]
        attname = Measure._meta.get_field(name).attname
        compared = value.pk if isinstance(value, models.Model) else value
        if getattr(measure, attname) != compared:
            changed = True
        setattr(measure, name, value)
    return changed


def _set_image(measure: Measure, image: ContentFile | bool | None) -> str:
    """Set the image of the profile on ``measure``: removed (``False``), or a new one by its planned
    name only (returned), since nothing is written before everything is validated."""
    if image is False:
        measure.image = None
    elif isinstance(image, ContentFile):
        measure.image = image_planned_name(measure=measure, content=image)
        return measure.image.name
    return ""


def _check_related(measure: Measure, seen: set[int]) -> None:
    """Raise ``EditConflict`` if the measure's related measures are no longer those the user loaded."""
    if set(measure.related.values_list("pk", flat=True)) != seen:
        current = Measure.objects.get(pk=measure.pk)
        raise EditConflict(instance=current, changes=[])


def _changed_relations(measure: Measure, *, concept: Concept, profile: dict) -> dict[str, list]:
    """The goals, quarters and related measures in ``profile`` that differ from the stored ones (all
    given for a new measure), checked to belong to ``concept``."""
    chosen = {name: list(profile[name]) for name in MEASURE_RELATIONS if name in profile}
    errors = measure_scope_errors(concept=concept, measure=measure, **chosen)
    if errors:
        raise ValidationError(errors)
    if measure.pk is None:
        return chosen
    return {
        name: objects
        for name, objects in chosen.items()
        if {obj.pk for obj in objects} != set(getattr(measure, name).values_list("pk", flat=True))
    }


def _table_syncs(
    measure: Measure,
    *,
    cost_lines: list[CostLineData],
    modules: list[ModuleData],
    indicators: list[IndicatorData] | None,
    removed: Mapping[str, Collection[int]],
    user,
) -> list[Callable[[bool], bool]]:
    """One ``sync(dry_run) -> changed`` per table of the measure (``measures.services.rows_sync``)."""
    for n, row in enumerate(cost_lines, start=1):
        if not measure.start_year <= row.year <= measure.end_year:
            raise ValidationError(
                _(
                    "Kostenzeile %(n)s: Das Jahr %(year)s liegt außerhalb des Zeitraums der Maßnahme (%(a)s–%(b)s)."
                )
                % {"n": n, "year": row.year, "a": measure.start_year, "b": measure.end_year}
            )
    for n, row in enumerate(modules, start=1):
        for year in row.years:
            if not measure.start_year <= year <= measure.end_year:
                raise ValidationError(
                    _(
                        "Finanzierungsbaustein %(n)s: Das Jahr %(year)s liegt außerhalb des Zeitraums der Maßnahme."
                    )
                    % {"n": n, "year": year}
                )
    syncs = [
        lambda dry_run: _cost_lines_sync(measure, cost_lines, removed.get("costs", ()), user, dry_run),
        lambda dry_run: _modules_sync(measure, modules, removed.get("modules", ()), user, dry_run),
    ]
    if indicators is not None:
        syncs.append(
            lambda dry_run: indicators_sync(
                measure=measure,
                rows=indicators,
                removed=removed.get("indicators", ()),
                user=user,
                dry_run=dry_run,
            )
        )
    return syncs


def _cost_lines_sync(measure: Measure, rows: list[CostLineData], removed, user, dry_run: bool) -> bool:
    return rows_sync(
        stored={line.pk: line for line in measure.cost_lines.all()} if measure.pk else {},
        rows=[
            (
                row.id,
                {
                    "section": row.section,
                    "year": row.year,
                    "gross": row.gross,
                    "ineligible": row.ineligible,
                    "note": row.note,
                },
            )
            for row in rows
        ],
        removed=removed,
        create=lambda: CostLine(measure=measure),
        foreign=lambda n: _("Kostenzeile %(n)s gehört nicht zu dieser Maßnahme.") % {"n": n},
        user=user,
        dry_run=dry_run,
    )


def _modules_sync(measure: Measure, rows: list[ModuleData], removed, user, dry_run: bool) -> bool:
    def years_sync(module: FinancingModule, n: int, dry_run: bool) -> bool:
        entries = {entry.year: entry for entry in module.years.all()} if module.pk else {}
        return rows_sync(
            stored=entries,
            rows=[
                (year if year in entries else None, {"year": year, "amount": amount})
                for year, amount in rows[n - 1].years.items()
            ],
            removed=None,  # the year inputs of a module row are its complete state
            create=lambda: FinancingYear(module=module),
            foreign=lambda _n: "",
            user=user,
            dry_run=dry_run,
        )

    def years_delete(module: FinancingModule) -> None:
        for entry in module.years.all():
            set_history_user(entry, user)
            entry.delete()

    stored = measure.financing_modules.prefetch_related("years") if measure.pk else []
    return rows_sync(
        stored={module.pk: module for module in stored},
        rows=[
            (
                row.id,
                {
                    "kind": row.kind,
                    "programme_id": row.programme.pk if row.programme else None,
                    "source": row.source,
                    "cost_share": row.cost_share,
                    "rate": row.rate,
                    "amount": row.amount,
                    "order": row.order,
                },
            )
            for row in rows
        ],
        removed=removed,
        create=lambda: FinancingModule(measure=measure),
        foreign=lambda n: _("Finanzierungsbaustein %(n)s gehört nicht zu dieser Maßnahme.") % {"n": n},
        user=user,
        dry_run=dry_run,
        then=years_sync,
        before_delete=years_delete,
    )


def measure_delete(*, measure: Measure, user) -> None:
    """Delete a measure with its cost lines, financing modules and indicators; the history keeps them
    all. Its image file is removed after the commit."""
    image = measure.image.name if measure.image else ""
    with transaction.atomic():
        for indicator in measure.indicators.all():
            set_history_user(indicator, user)
            indicator.delete()
        for module in measure.financing_modules.prefetch_related("years"):
            for entry in module.years.all():
                set_history_user(entry, user)
                entry.delete()
            set_history_user(module, user)
            module.delete()
        for line in measure.cost_lines.all():
            set_history_user(line, user)
            line.delete()
        set_history_user(measure, user)
        measure.delete()
        if image:
            transaction.on_commit(lambda: image_delete(name=image))
