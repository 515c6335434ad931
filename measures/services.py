"""Writes for the rows a measure owns in ``measures`` (its monitoring indicators), and the rules on a
measure's profile that every write path applies: the editor (``funding.editor.services.measure_save``), the
admin (``measures.admin``) and the Excel import (``funding.exchange.imports``).

``funding.editor.services.measure_save`` calls ``indicators_sync`` inside its transaction, so the profile, the
money rows and the indicators are saved together or not at all.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.history import set_history_user
from projects.models import Concept, Goal, Quarter

from .models import Indicator, Measure

INDICATOR_FIELDS = ("name", "unit", "baseline", "target_value", "target_year")


@dataclass
class IndicatorData:
    name: str
    target_value: Decimal
    unit: str = ""
    baseline: Decimal | None = None
    target_year: int | None = None
    id: int | None = None


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


def indicators_sync(*, measure: Measure, rows: list[IndicatorData], user) -> None:
    """Make ``rows`` the complete list of ``measure``'s indicators.

    Rows with an ``id`` of this measure are updated (only when a value changed), rows without one are
    created, indicators of the measure not listed are deleted; each write gets a history entry naming
    ``user``. Raises ``ValidationError`` (German messages, nothing saved by the caller's transaction) for
    an ``id`` of another measure, a target year before the measure starts, two indicators with the same
    name, or anything ``full_clean`` refuses. ``measure`` must be saved.
    """
    with transaction.atomic():
        existing = {indicator.pk: indicator for indicator in measure.indicators.all()}
        keep, names = set(), set()
        for index, row in enumerate(rows, start=1):
            if row.id is not None and row.id not in existing:
                raise ValidationError(_("Indikator %(n)s gehört nicht zu dieser Maßnahme.") % {"n": index})
            name = row.name.strip()
            if name.casefold() in names:
                raise ValidationError(
                    _("Den Indikator „%(name)s“ gibt es bei dieser Maßnahme zweimal.") % {"name": name}
                )
            names.add(name.casefold())
            if row.target_year is not None and measure.start_year and row.target_year < measure.start_year:
                raise ValidationError(
                    _("Indikator %(n)s: Das Zieljahr %(year)s liegt vor dem Beginn der Maßnahme (%(start)s).")
                    % {"n": index, "year": row.target_year, "start": measure.start_year}
                )
            values = {
                "name": name,
                "unit": row.unit.strip(),
                "baseline": row.baseline,
                "target_value": row.target_value,
                "target_year": row.target_year,
            }
            indicator = existing.get(row.id) or Indicator(measure=measure)
            keep.add(indicator.pk)
            if indicator.pk and all(getattr(indicator, key) == value for key, value in values.items()):
                continue
            for key, value in values.items():
                setattr(indicator, key, value)
            indicator.full_clean()
            set_history_user(indicator, user)
            indicator.save()
        for pk, indicator in existing.items():
            if pk not in keep:
                set_history_user(indicator, user)
                indicator.delete()
