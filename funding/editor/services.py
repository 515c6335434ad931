"""Writes for measures with their costs and financing: one transaction, one version check, full history.

The browser editor calls ``measure_save``; it validates everything again (``full_clean`` on every row,
cross-row rules), so no path can store what the editor would refuse. The Excel import applies the same
rules with bulk statements (``funding.exchange``).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme
from measures.images import image_delete, image_planned_name, image_write
from measures.models import Measure
from measures.services import IndicatorData, indicators_sync, measure_period_errors, measure_scope_errors
from projects.formatting import format_percent
from projects.history import set_history_user
from projects.locking import MISSING_VERSION, EditConflict, claim_version
from projects.models import Concept

HUNDRED = Decimal(100)
PROFILE_FIELDS = (
    "code",
    "title",
    "action_field",
    "municipality",
    "responsible_body",
    "partners",
    "starting_situation",
    "description",
    "expected_effect",
    "climate_relevance",
    "climate_note",
    "priority",
    "status",
    "hoai_phase",
    "start_year",
    "end_year",
    "cost_base_year",
    "location",
    "image_alt",
    "order",
)


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
    """Rules across a measure's modules (German messages): shares of rate modules add up to at most
    100 %, so no euro is funded twice; rates within the programme's maximum."""
    errors = []
    rate_share = sum((m.cost_share for m in modules if m.amount is None and not m.years), Decimal(0))
    if rate_share > HUNDRED:
        errors.append(
            _(
                "Die Anteile der Finanzierungsbausteine mit Satz ergeben zusammen %(share)s %% der förderfähigen "
                "Kosten; mehr als 100 %% hieße, dass ein Euro doppelt gefördert wird."
            )
            % {"share": f"{rate_share:.2f}".rstrip("0").rstrip(".").replace(".", ",")}
        )
    for module in modules:
        if module.programme and module.rate is not None and module.rate > module.programme.max_rate:
            errors.append(
                _("Der Satz für %(programme)s übersteigt den Höchstfördersatz von %(max)s.")
                % {"programme": module.programme.code, "max": format_percent(module.programme.max_rate)}
            )
    return errors


def _changed(instance, values: dict) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


def measure_save(
    *,
    concept: Concept,
    measure: Measure | None,
    profile: dict,
    cost_lines: list[CostLineData],
    modules: list[ModuleData],
    indicators: list[IndicatorData] | None = None,
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
    - ``cost_lines``, ``modules`` and ``indicators`` are the complete new state: rows with an ``id`` of
      this measure are updated, rows without one created, rows of the measure not listed deleted.
      ``indicators=None`` leaves the indicators as they are.
    - Updates must pass the ``expected_version`` the user loaded (a ``ValidationError`` if missing); if
      someone saved meanwhile, ``projects.locking.EditConflict`` is raised and nothing is saved. So it is
      if ``related_seen`` (the related measures the user loaded) is given and differs from the stored
      ones: the relation is symmetrical, so another measure's save changes it without a new version.
    - Everything is validated (``full_clean`` and the cross-row rules); on any ``ValidationError``
      nothing is saved. Every saved or deleted row gets a history entry naming ``user``.
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
                claim_version(measure, expected_version=expected_version)
            stored = measure if measure.pk else None
            period = measure_period_errors(
                concept=concept,
                start_year=profile.get("start_year", measure.start_year),
                end_year=profile.get("end_year", measure.end_year),
                stored=stored,
            )
            if period:
                raise ValidationError(period)
            for name in PROFILE_FIELDS:
                if name in profile:
                    setattr(measure, name, profile[name])
            planned = ""
            if image is False:
                measure.image = None
            elif isinstance(image, ContentFile):
                planned = image_planned_name(measure=measure, content=image)
                measure.image = planned  # only the name for now: nothing is written before validation
            measure.full_clean()
            set_history_user(measure, user)
            measure.save()
            _save_relations(measure, concept=concept, profile=profile)
            _sync_cost_lines(measure, cost_lines, user)
            _sync_modules(measure, modules, user)
            if indicators is not None:
                indicators_sync(measure=measure, rows=indicators, user=user)
            errors = financing_errors(modules=modules)
            if errors:
                raise ValidationError(errors)
            if planned:
                written = image_write(measure=measure, content=image, planned=planned)
            if old_image and old_image != (measure.image.name or ""):
                transaction.on_commit(lambda: image_delete(name=old_image))
    except BaseException:
        if written:
            image_delete(name=written)
        raise
    return measure


def _check_related(measure: Measure, seen: set[int]) -> None:
    """Raise ``EditConflict`` if the measure's related measures are no longer those the user loaded."""
    if set(measure.related.values_list("pk", flat=True)) != seen:
        current = Measure.objects.get(pk=measure.pk)
        raise EditConflict(instance=current, changes=[])


def _save_relations(measure: Measure, *, concept: Concept, profile: dict) -> None:
    chosen = {name: list(profile[name]) for name in ("goals", "quarters", "related") if name in profile}
    errors = measure_scope_errors(concept=concept, measure=measure, **chosen)
    if errors:
        raise ValidationError(errors)
    for name, objects in chosen.items():
        getattr(measure, name).set(objects)


def _sync_cost_lines(measure: Measure, rows: list[CostLineData], user) -> None:
    existing = {line.pk: line for line in measure.cost_lines.all()}
    keep = set()
    for index, row in enumerate(rows, start=1):
        if row.id is not None and row.id not in existing:
            raise ValidationError(_("Kostenzeile %(n)s gehört nicht zu dieser Maßnahme.") % {"n": index})
        if not measure.start_year <= row.year <= measure.end_year:
            raise ValidationError(
                _(
                    "Kostenzeile %(n)s: Das Jahr %(year)s liegt außerhalb des Zeitraums der Maßnahme (%(a)s–%(b)s)."
                )
                % {"n": index, "year": row.year, "a": measure.start_year, "b": measure.end_year}
            )
        values = {
            "section": row.section,
            "year": row.year,
            "gross": row.gross,
            "ineligible": row.ineligible,
            "note": row.note,
        }
        line = existing.get(row.id) or CostLine(measure=measure)
        keep.add(line.pk)
        if line.pk and not _changed(line, values):
            continue
        for name, value in values.items():
            setattr(line, name, value)
        line.full_clean()
        set_history_user(line, user)
        line.save()
    for pk, line in existing.items():
        if pk not in keep:
            set_history_user(line, user)
            line.delete()


def _sync_modules(measure: Measure, rows: list[ModuleData], user) -> None:
    existing = {module.pk: module for module in measure.financing_modules.prefetch_related("years")}
    keep = set()
    for index, row in enumerate(rows, start=1):
        if row.id is not None and row.id not in existing:
            raise ValidationError(
                _("Finanzierungsbaustein %(n)s gehört nicht zu dieser Maßnahme.") % {"n": index}
            )
        for year in row.years:
            if not measure.start_year <= year <= measure.end_year:
                raise ValidationError(
                    _(
                        "Finanzierungsbaustein %(n)s: Das Jahr %(year)s liegt außerhalb des Zeitraums der Maßnahme."
                    )
                    % {"n": index, "year": year}
                )
        values = {
            "kind": row.kind,
            "programme": row.programme,
            "source": row.source,
            "cost_share": row.cost_share,
            "rate": row.rate,
            "amount": row.amount,
            "order": row.order,
        }
        module = existing.get(row.id) or FinancingModule(measure=measure)
        keep.add(module.pk)
        if not module.pk or _changed(module, values):
            for name, value in values.items():
                setattr(module, name, value)
            module.full_clean()
            set_history_user(module, user)
            module.save()
        _sync_years(module, row.years, user)
    for pk, module in existing.items():
        if pk not in keep:
            for entry in module.years.all():
                set_history_user(entry, user)
                entry.delete()
            set_history_user(module, user)
            module.delete()


def _sync_years(module: FinancingModule, years: dict[int, Decimal], user) -> None:
    existing = {entry.year: entry for entry in module.years.all()} if module.pk else {}
    for year, amount in years.items():
        entry = existing.pop(year, None) or FinancingYear(module=module, year=year)
        if entry.pk and entry.amount == amount:
            continue
        entry.amount = amount
        entry.full_clean()
        set_history_user(entry, user)
        entry.save()
    for entry in existing.values():
        set_history_user(entry, user)
        entry.delete()


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
