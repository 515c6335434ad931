"""The data version of a concept: a counter that moves forward with every change of the concept's data,
in the same transaction as the change. Figures computed from a concept's data (its KuF, its public
pages) are cached under the data version they were computed at, so a cached figure can never outlive
the data it came from: the next change moves the version, and nobody asks for the old key again.

Who moves it:
- every app connects its own models' ``post_save``, ``post_delete`` and ``m2m_changed`` to
  ``concepts_changed`` in its ``AppConfig.ready`` (the one use of signals in this codebase: cache
  invalidation, as STYLE.md allows), naming the concepts a row belongs to;
- writes that send no signals (``bulk_create``, ``bulk_update``, ``QuerySet.update``) call
  ``concepts_changed`` themselves (the Excel import does).

``Concept.save`` never writes the column, so an object loaded before a change cannot set it back.
Reading it (``current_data_version``) asks the database, never an object in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, models
from django.db.models import F


def concepts_changed(concept_ids: Iterable[int | None]) -> None:
    """Move the data version of these concepts forward (one UPDATE, in the current transaction)."""
    from .models import Concept

    ids = {pk for pk in concept_ids if pk}
    if ids:
        Concept.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)


def current_data_version(concept_id: int) -> int:
    """The concept's data version as stored now (one query)."""
    from .models import Concept

    return Concept.objects.filter(pk=concept_id).values_list("data_version", flat=True).first() or 0


def in_transaction() -> bool:
    """Whether the code runs inside a transaction of its own (not only a test case's wrapper): figures
    computed there may belong to a state that is rolled back, so they must not be cached."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def connect(model: type[models.Model], concepts: Callable[[models.Model], Iterable[int | None]]) -> None:
    """Move the data version of ``concepts(instance)`` whenever a ``model`` row is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    def moved(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):  # fixtures: no concept to speak of yet
            return
        concepts_changed(concepts(instance))

    post_save.connect(moved, sender=model, weak=False, dispatch_uid=f"dataversion-save-{model._meta.label}")
    post_delete.connect(
        moved, sender=model, weak=False, dispatch_uid=f"dataversion-delete-{model._meta.label}"
    )


def connect_m2m(
    through: type[models.Model], concepts: Callable[[models.Model], Iterable[int | None]]
) -> None:
    """Move the data version of ``concepts(instance)`` when a many-to-many relation changes."""
    from django.db.models.signals import m2m_changed

    def moved(sender, instance, action, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            concepts_changed(concepts(instance))

    m2m_changed.connect(
        moved, sender=through, weak=False, dispatch_uid=f"dataversion-m2m-{through._meta.label}"
    )
