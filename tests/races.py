"""Simulating a double submit: another request's row lands between our duplicate check and our insert,
and what the loser must be answered."""

from collections.abc import Callable

import pytest
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


def assert_race_answers_like_a_duplicate(client, *, url, data, model, clash, field) -> None:
    """POST ``data`` while the row ``clash()`` lands just before our save, then POST it again with that
    row stored: both answers are the form with the same message at ``field``, and ours is not saved."""
    before = model.objects.count()
    with pytest.MonkeyPatch.context() as patch:
        clash_after_validation(patch, model, lambda: model.objects.bulk_create([clash()]))
        raced = client.post(url, data)
    assert raced.status_code == 200
    # The simulated other row went with our rolled-back transaction; in a real race it stays.
    assert model.objects.count() == before
    model.objects.bulk_create([clash()])
    sequential = client.post(url, data)
    assert sequential.status_code == 200
    assert sequential.context["form"].errors[field]
    assert raced.context["form"].errors[field] == sequential.context["form"].errors[field]
    assert model.objects.count() == before + 1
