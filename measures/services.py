"""Writes for the rows a measure owns in ``measures``: its monitoring indicators.

``funding.services.measure_save`` calls ``indicators_sync`` inside its transaction, so the profile, the
money rows and the indicators are saved together or not at all.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


def _set_user(instance, user) -> None:
    # django-simple-history records this user on the next save or delete.
    instance._history_user = user if user is not None and user.is_authenticated else None


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
            _set_user(indicator, user)
            indicator.save()
        for pk, indicator in existing.items():
            if pk not in keep:
                _set_user(indicator, user)
                indicator.delete()
