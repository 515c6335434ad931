"""Optimistic locking: two people editing the same object never silently overwrite each other.

Each lockable model has a ``version`` counter. An edit form carries the version it was loaded with; the
service calls ``claim_version`` inside its transaction before saving. The conditional UPDATE is atomic on
every database, so of two concurrent saves exactly one wins; the other gets ``EditConflict`` with the
changes made meanwhile (from the change history), and the view shows them next to the user's own input.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .history import FieldChange, changes_since

# An edit of a lockable object that does not say which version it was loaded with: the form's hidden
# field (``projects.forms.version_field``) and the services that require a version say so alike.
MISSING_VERSION = gettext_lazy(
    "Die Seite ist unvollständig geladen (Versionsangabe fehlt). Bitte laden Sie sie neu."
)


VERSION_HELP = gettext_lazy("Zählt jede Änderung; schützt vor Überschreiben.")


def version_counter(help_text: str = VERSION_HELP) -> models.PositiveIntegerField:
    """The ``version`` field of a lockable model: starts at 1; only ``claim_version`` moves it on."""
    return models.PositiveIntegerField(
        gettext_lazy("Version"), default=1, editable=False, help_text=help_text
    )


class EditConflict(Exception):
    """Someone saved the object after the user loaded it."""

    def __init__(self, *, instance: models.Model, changes: list[FieldChange]):
        super().__init__(f"{instance._meta.label} {instance.pk} changed meanwhile")
        self.instance = instance
        self.changes = changes


class ObjectGone(ValidationError):
    """The object was deleted after the user loaded it: there is nothing left to save over."""

    def __init__(self, instance: models.Model):
        super().__init__(
            _(
                "„%(name)s“ wurde inzwischen von jemand anderem gelöscht. Ihre Eingaben wurden nicht "
                "gespeichert; sie stehen noch im Formular, falls Sie sie kopieren möchten."
            )
            % {"name": instance},
            code="gone",
        )
        self.instance = instance


def claim_version(instance: models.Model, *, expected_version: int) -> None:
    """Move ``instance`` from ``expected_version`` to the next version, or raise ``EditConflict``.

    Call inside ``transaction.atomic()`` before saving; afterwards ``instance.version`` is the new version,
    so the following ``save()`` writes it (and the history records it). Raises ``ObjectGone`` (a
    ``ValidationError``) if the object no longer exists.
    """
    model = type(instance)
    claimed = model.objects.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        _refuse(instance, expected_version=expected_version)
    instance.version = expected_version + 1


def check_version(instance: models.Model, *, expected_version: int) -> None:
    """Raise as ``claim_version`` does if ``instance`` is no longer stored at ``expected_version``;
    change nothing. For a save that may turn out to change nothing: check first, and claim the version
    only when something is written. One query (two on a conflict, plus its history)."""
    if not type(instance).objects.filter(pk=instance.pk, version=expected_version).exists():
        _refuse(instance, expected_version=expected_version)


def _refuse(instance: models.Model, *, expected_version: int):
    current = type(instance).objects.filter(pk=instance.pk).first()
    if current is None:
        raise ObjectGone(instance)
    raise EditConflict(instance=current, changes=changes_since(current, version=expected_version))
