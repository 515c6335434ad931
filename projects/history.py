"""Readable change history on top of django-simple-history.

``history_entries`` turns historical records of any models into entries "who changed what, when" with
field-by-field old and new values, in a fixed number of queries: the caller loads the records (one query
per model), related names are resolved in one query per related model. Used by the "Verlauf" pages and by
the edit-conflict message.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from .formatting import format_number

HIDDEN_FIELDS = {
    "id",
    "version",
    "data_version",
    "updated_at",
    "created_at",
    "uid",
    "measure",
    "module",
    "concept",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One save of one object: when, who, what kind of change, and which fields changed."""

    date: datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" deleted
    object_label: str
    changes: list[FieldChange] = field(default_factory=list)
    object_model: str = ""  # model name ("costline"), with ``object_id`` which object it was
    object_id: int | None = None

    @property
    def kind_label(self) -> str:
        return {"+": _("angelegt"), "~": _("geändert"), "-": _("gelöscht")}[self.kind]


def set_history_user(instance: models.Model, user) -> None:
    """Name ``user`` in the history record of ``instance``'s next save or delete (django-simple-history);
    an anonymous or missing user is recorded as none."""
    instance._history_user = user if user is not None and user.is_authenticated else None


def tracked_fields(model: type[models.Model], extra_hidden: Iterable[str] = ()) -> list[models.Field]:
    hidden = HIDDEN_FIELDS | set(extra_hidden)
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def related_names(records: Iterable, fields: list[models.Field]) -> dict[str, dict[int, str]]:
    """Names of every related object the records point to: one query per related model."""
    ids: dict[str, set[int]] = defaultdict(set)
    for record in records:
        for f in fields:
            if f.many_to_one:
                value = getattr(record, f.attname)
                if value is not None:
                    ids[f.name].add(value)
    names = {}
    for f in fields:
        if f.many_to_one and ids.get(f.name):
            names[f.name] = {obj.pk: str(obj) for obj in f.related_model.objects.filter(pk__in=ids[f.name])}
    return names


def display_value(f: models.Field | None, value, names: Mapping[int, str] | None = None) -> str:
    """A stored value as a person reads it: choice labels, related objects' names (``value`` is the id,
    ``names`` maps ids to names), German numbers. ``f`` is None for a value no model field holds (a
    form's computed input); it is then shown by its type alone."""
    if value is None or value == "":
        return "–"
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if f is not None and f.many_to_one:
        return (names or {}).get(value, f"#{value}")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name.rsplit("/", 1)[-1] if value.name else "–"
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "…"


def _value(record, f: models.Field):
    return getattr(record, f.attname)


def history_entries(
    records: Iterable,
    *,
    model: type[models.Model],
    label: Callable[[object], str],
    m2m: Mapping[str, Mapping[int, list[str]]] | None = None,
    extra_hidden: Iterable[str] = (),
    with_values: bool = False,
) -> list[HistoryEntry]:
    """Entries for historical ``records`` of ``model`` (any order, several objects mixed).

    ``label(record)`` names the object ("Kostenzeile 2025, KG 9"). ``m2m`` maps a field label to
    ``{history_id: [names]}`` for many-to-many fields tracked by the history. Saves that changed
    nothing visible (only the version counter, say) are left out. ``with_values``: a created object
    lists its values as new values, a deleted one its last values as old values (for table rows, whose
    label alone does not say what they held).
    """
    fields = tracked_fields(model, extra_hidden)
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    names = related_names(records, fields)
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        user = record.history_user.get_username() if record.history_user_id else _("System")
        entry = HistoryEntry(
            date=record.history_date,
            user=user,
            kind=record.history_type,
            object_label=label(record),
            object_model=model._meta.model_name,
            object_id=record.id,
        )
        if record.history_type in ("+", "-") and with_values:
            for f in fields:
                value = _value(record, f)
                if value is None or value == "":
                    continue
                shown = display_value(f, value, names.get(f.name))
                old, new = (shown, "–") if record.history_type == "-" else ("–", shown)
                entry.changes.append(FieldChange(field=f.name, label=str(f.verbose_name), old=old, new=new))
        elif record.history_type == "~" and before is not None:
            for f in fields:
                old, new = _value(before, f), _value(record, f)
                if old != new:
                    entry.changes.append(
                        FieldChange(
                            field=f.name,
                            label=str(f.verbose_name),
                            old=display_value(f, old, names.get(f.name)),
                            new=display_value(f, new, names.get(f.name)),
                        )
                    )
            for field_label, by_record in (m2m or {}).items():
                old, new = by_record.get(before.history_id, []), by_record.get(record.history_id, [])
                if sorted(old) != sorted(new):
                    entry.changes.append(
                        FieldChange(
                            field=field_label,
                            label=field_label,
                            old=", ".join(sorted(old)) or "–",
                            new=", ".join(sorted(new)) or "–",
                        )
                    )
            if not entry.changes:
                continue
        elif record.history_type == "~":
            continue  # a change whose earlier state predates the history: nothing to compare
        entries.append(entry)
    return entries


def version_boundary(records: Iterable, *, version: int) -> datetime | None:
    """When the first save after ``version`` began: the date of the earliest of an object's historical
    ``records`` with a higher version (None if there is none). Records of rows saved with it (cost
    lines, goals) carry this date or a later one, records of the save that made ``version`` an earlier
    one, so "changed since the user loaded ``version``" means "recorded at or after this date"."""
    later = [record for record in records if record.version > version]
    if not later:
        return None
    return min(later, key=lambda record: (record.history_date, record.history_id)).history_date


def changes_since(instance: models.Model, *, version: int) -> list[FieldChange]:
    """What changed on ``instance`` after the user's ``version``: the latest record against the last
    record at that version (field by field). Empty if the history does not reach back that far."""
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id"))
    base = next((record for record in records if record.version == version), None)
    if not records or base is None or base is records[0]:
        return []
    latest = records[0]
    fields = tracked_fields(type(instance))
    names = related_names([base, latest], fields)
    return [
        FieldChange(
            field=f.name,
            label=str(f.verbose_name),
            old=display_value(f, _value(base, f), names.get(f.name)),
            new=display_value(f, _value(latest, f), names.get(f.name)),
        )
        for f in fields
        if _value(base, f) != _value(latest, f)
    ]
