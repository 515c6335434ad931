"""Unique constraints the database enforces, turned into the message a form shows.

A service checks for a duplicate before it saves (a code already used in the concept, an AGS another
municipality has) and says so in German. Two requests at the same time (a double click, two people) can
both pass that check; the database then refuses the second insert with ``IntegrityError``, which would
answer 500. ``duplicates_refused`` catches that refusal and runs the service's own check again, which now
sees the row that won, so the loser gets the same message as if it had come second, and nothing is saved.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def duplicates_refused(check: Callable[[], Mapping[str, Any]]) -> Iterator[None]:
    """Run the block (the save) in a savepoint; if the database refuses it with ``IntegrityError``, raise
    the messages of ``check`` (field name -> message, the uniqueness check the service ran before saving)
    as a ``ValidationError``. If ``check`` finds nothing, the refusal had another cause and propagates.

    Use inside the service's ``transaction.atomic()``: the savepoint keeps the transaction usable for
    ``check`` (PostgreSQL refuses every query after an error until a rollback)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        errors = {field: message for field, message in check().items() if message}
        if not errors:
            raise
        raise ValidationError(errors) from None
