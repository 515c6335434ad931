"""Writes for the rows a measure owns in ``measures`` (its monitoring indicators), and the rules on a
measure's profile that every write path applies: the editor (``funding.editor.services.measure_save``), the
admin (``measures.admin``) and the Excel import (``funding.exchange.imports``).

``funding.editor.services.measure_save`` calls ``indicators_sync`` inside its transaction, so the profile, the
money rows and the indicators are saved together or not at all. ``rows_sync`` is the one way the editor
brings a table of stored rows to its input (indicators here; cost lines, financing modules and their year
amounts in ``funding.editor.services``).
"""

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.history import set_history_user
from projects.models import Concept, Goal, Quarter

from .models import Indicator, Measure

# The profile's own fields (not its relations ``MEASURE_RELATIONS`` nor its image): what the editor's
# form shows (``measures.forms.MeasureForm``, without the ``order``) and its save sets.
MEASURE_PROFILE_FIELDS = (
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
MEASURE_RELATIONS = ("goals", "quarters", "related")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target_value", "target_year")

# The input of a table did not account for every stored row (or named one twice): nothing is saved.
ROWS_INCOMPLETE = gettext_lazy(
    "Die Seite ist unvollständig geladen: Die Zeilen einer Tabelle kamen nicht vollständig an. Es wurde "
    "nichts gespeichert; bitte laden Sie die Seite neu."
)


@dataclass
class IndicatorData:
    name: str
    target_value: Decimal
    unit: str = ""
    baseline: Decimal | None = None
    target_year: int | None = None
    id: int | None = None


def measure_code_errors(*, concept: Concept, code: str, measure: Measure | None = None) -> dict[str, str]:
    """A measure's code is unique in its concept: ``{"code": message}`` if another measure of ``concept``
    (not ``measure``) has ``code``, else empty. One query. The editor's form checks with it, and the
    editor's save again when the database refuses a code taken at the same moment."""
    others = concept.measures.filter(code=code)
    if measure is not None and measure.pk:
        others = others.exclude(pk=measure.pk)
    if not code or not others.exists():
        return {}
    return {"code": _("Das Kürzel %(code)s ist in diesem Konzept schon vergeben.") % {"code": code}}


def measure_period_errors(
    *,
    concept: Concept,
    start_year: int | None,
    end_year: int | None,
    stored: Measure | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A new or changed start or end year must lie within the concept's programme years.

    ``stored`` is the measure as stored (None for a new one): a year equal to its stored value is
    accepted as it is, so a measure whose period predates a change of the concept's years can still be
    saved, and an exported file re-imports unchanged. ``labels`` names the two fields in the messages
    (``start_year``, ``end_year``; the import passes its column headers), by default the model's field
    names. Returns field name -> German message; empty if the period is fine. No query.
    """
    errors = {}
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if not year or (stored is not None and getattr(stored, name) == year):
            continue
        if not concept.year_from <= year <= concept.year_to:
            label = (labels or {}).get(name) or Measure._meta.get_field(name).verbose_name
            errors[name] = _(
                "%(column)s %(year)s liegt außerhalb der Programmjahre des Konzepts (%(a)s–%(b)s)."
            ) % {"column": label, "year": year, "a": concept.year_from, "b": concept.year_to}
    return errors


def measure_scope_errors(
    *,
    concept: Concept,
    measure: Measure | None = None,
    goals: Iterable[Goal] | None = None,
    quarters: Iterable[Quarter] | None = None,
    related: Iterable[Measure] | None = None,
) -> dict[str, str]:
    """The goals, quarters and related measures chosen for ``measure`` must belong to ``concept``, and a
    measure is not related to itself. ``None`` means not chosen, not checked; ``measure`` is None (or
    unsaved) for a new measure. Returns field name -> German message; empty if every choice belongs.
    At most one query (the concept's action fields, when goals are given)."""
    message = _("Auswahl aus einem anderen Konzept ist nicht zulässig.")
    own_id = measure.pk if measure is not None else None
    errors = {}
    goals = list(goals) if goals is not None else []
    if goals:
        fields = set(concept.action_fields.values_list("pk", flat=True))
        if any(goal.action_field_id not in fields for goal in goals):
            errors["goals"] = message
    if quarters is not None and any(quarter.concept_id != concept.pk for quarter in quarters):
        errors["quarters"] = message
    if related is not None and any(
        other.concept_id != concept.pk or (own_id is not None and other.pk == own_id) for other in related
    ):
        errors["related"] = message
    return errors


def rows_sync(
    *,
    stored: Mapping[Hashable, models.Model],
    rows: Sequence[tuple[Hashable | None, dict[str, Any]]],
    removed: Collection[Hashable] | None,
    create: Callable[[], models.Model],
    foreign: Callable[[int], str],
    user,
    dry_run: bool = False,
    then: Callable[[models.Model, int, bool], bool] | None = None,
    before_delete: Callable[[models.Model], None] | None = None,
) -> bool:
    """Bring the stored rows of one table (a measure's cost lines, financing modules, indicators; a
    module's year amounts) to the input, writing only what changes.

    - ``stored``: the rows as stored now, by key (a row's id).
    - ``rows``: the rows to keep, in order, as (key, field values); key None creates a row
      (``create()``, the field values set on it). A key that is not in ``stored`` is refused with
      ``ValidationError(foreign(n))`` (``n`` counts the rows from 1), a key listed twice with
      ``ROWS_INCOMPLETE``: no row of another measure is ever taken over.
    - ``removed``: the keys of the stored rows to delete. A stored row neither listed in ``rows`` nor in
      ``removed`` is refused with ``ROWS_INCOMPLETE``: a row is deleted because the input says so, never
      because the input left it out. ``removed=None`` makes ``rows`` the complete state instead (every
      stored row not listed is deleted): only for rows that are columns of one input row, such as a
      module's year amounts, where an empty input means no amount.
    - A new row, or a row with a changed value, is validated (``full_clean``) and saved; an unchanged
      one is left alone. Every write gets a history entry naming ``user``.
    - ``then(instance, n, dry_run)`` runs after each kept row is saved (or left alone) for the rows it
      owns in turn (a module's year amounts) and returns whether it changed anything;
      ``before_delete(instance)`` runs before a row is deleted.
    - ``dry_run``: check the keys as above and write nothing (``then`` is called for stored rows only).

    Returns whether anything was written (with ``dry_run``: would be). No query but the writes and
    what ``then`` and ``before_delete`` do. Run it inside the caller's transaction: a refusal after some
    writes leaves them to the rollback.
    """
    changed, kept = False, set()
    for n, (key, values) in enumerate(rows, start=1):
        if key is not None and key not in stored:
            raise ValidationError(foreign(n))
        if key is not None and key in kept:
            raise ValidationError(ROWS_INCOMPLETE)
        kept.add(key)
        instance = stored[key] if key is not None else create()
        if key is None or any(getattr(instance, name) != value for name, value in values.items()):
            changed = True
            if not dry_run:
                for name, value in values.items():
                    setattr(instance, name, value)
                instance.full_clean()
                set_history_user(instance, user)
                instance.save()
        if then is not None and (key is not None or not dry_run):
            changed = then(instance, n, dry_run) or changed
    left = [key for key in stored if key not in kept]
    if removed is not None and any(key not in removed for key in left):
        raise ValidationError(ROWS_INCOMPLETE)
    for key in left:
        changed = True
        if not dry_run:
            if before_delete is not None:
                before_delete(stored[key])
            set_history_user(stored[key], user)
            stored[key].delete()
    return changed


def indicators_sync(
    *,
    measure: Measure,
    rows: list[IndicatorData],
    removed: Collection[int] = (),
    user,
    dry_run: bool = False,
) -> bool:
    """Bring ``measure``'s indicators to ``rows`` (see ``rows_sync``): rows with an ``id`` of this
    measure are updated (only when a value changed), rows without one are created, the indicators whose
    ids are in ``removed`` are deleted; an indicator neither listed nor removed is refused.

    Each write gets a history entry naming ``user``. Raises ``ValidationError`` (German messages,
    nothing saved by the caller's transaction) for an ``id`` of another measure, a target year before
    the measure starts, two indicators with the same name, or anything ``full_clean`` refuses.
    ``dry_run`` checks and writes nothing. Returns whether anything was (or would be) written. One
    query (the stored indicators; none for an unsaved measure) and the writes.
    """
    names = set()
    values = []
    for n, row in enumerate(rows, start=1):
        name = row.name.strip()
        if name.casefold() in names:
            raise ValidationError(
                _("Den Indikator „%(name)s“ gibt es bei dieser Maßnahme zweimal.") % {"name": name}
            )
        names.add(name.casefold())
        if row.target_year is not None and measure.start_year and row.target_year < measure.start_year:
            raise ValidationError(
                _("Indikator %(n)s: Das Zieljahr %(year)s liegt vor dem Beginn der Maßnahme (%(start)s).")
                % {"n": n, "year": row.target_year, "start": measure.start_year}
            )
        values.append(
            (
                row.id,
                {
                    "name": name,
                    "unit": row.unit.strip(),
                    "baseline": row.baseline,
                    "target_value": row.target_value,
                    "target_year": row.target_year,
                },
            )
        )
    with transaction.atomic():
        return rows_sync(
            stored={indicator.pk: indicator for indicator in measure.indicators.all()} if measure.pk else {},
            rows=values,
            removed=removed,
            create=lambda: Indicator(measure=measure),
            foreign=lambda n: _("Indikator %(n)s gehört nicht zu dieser Maßnahme.") % {"n": n},
            user=user,
            dry_run=dry_run,
        )
