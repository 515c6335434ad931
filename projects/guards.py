"""Rules that the apps above ``projects`` add to changes of a concept, without ``projects`` importing
them: ``projects`` owns the concept, but only ``funding`` knows which years still hold money.

An app registers a guard in its ``AppConfig.ready`` (``register_years_guard``); ``Concept.clean`` asks
every guard before the programme years change, so the rule holds for the editor, the admin and any
service that validates the concept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Concept

# A guard gets the concept (as stored, by pk) and the new first and last programme year, and returns
# German messages by field ("year_from", "year_to"): why the years may not change so. Empty: fine.
YearsGuard = Callable[["Concept", int, int], dict[str, str]]

_years_guards: list[YearsGuard] = []


def register_years_guard(guard: YearsGuard) -> None:
    if guard not in _years_guards:
        _years_guards.append(guard)


def years_change_errors(*, concept: Concept, year_from: int, year_to: int) -> dict[str, str]:
    """The messages of every registered guard for changing ``concept``'s programme years."""
    errors: dict[str, str] = {}
    for guard in _years_guards:
        for field, message in guard(concept, year_from, year_to).items():
            errors[field] = f"{errors[field]} {message}" if field in errors else message
    return errors
