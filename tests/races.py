"""Simulating a double submit: another request's row lands between our duplicate check and our insert."""

from collections.abc import Callable

from django.db import models


def clash_after_validation(monkeypatch, model: type[models.Model], make_clash: Callable[[], object]) -> None:
    """Right after the next ``model.full_clean()`` passes, run ``make_clash``, which inserts the clashing
    row without ``save`` (``bulk_create``), as a concurrent request that passed the same checks a moment
    earlier would. The code under test has checked for duplicates already and found none, so its insert
    or update runs into the database's unique constraint."""
    original = model.full_clean
    pending = [make_clash]

    def full_clean(self, *args, **kwargs):
        original(self, *args, **kwargs)
        while pending:
            pending.pop()()

    monkeypatch.setattr(model, "full_clean", full_clean)
