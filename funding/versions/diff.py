"""What changed between two states of a KuF: pure, like ``kuf.py`` (no ORM, no request).

``kuf_diff`` takes the rows of an old and a new state (a frozen version or the current KuF, both as
``kuf.KufRow``) and matches them by the measure's stable uid:

- a measure only in the new state is *added*, only in the old one *removed*;
- a measure in both is *changed* when a compared profile column (``PROFILE_FIELDS``, from the KuF's
  column spec ``funding.kuf.columns``) or any money cell of any year differs, else *unchanged*;
- for every measure, action field, year and for the grand total it gives the old value, the new value
  and the difference of each money column (``MoneyDiff``). A measure moved to another action field
  counts in its old field on the old side and in its new field on the new side, so the subtotals add up
  to the grand total on both sides.

Money is ``Decimal`` throughout; differences are ``new − old``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding import kuf
from funding.kuf import columns
from projects.formatting import format_eur

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"

# The money columns compared (the KuF's compared money columns, ``funding.kuf.columns``).
MONEY_FIELDS = tuple(column.amount for column in columns.COMPARED_MONEY)


def money_labels() -> dict[str, str]:
    """German names of the compared money columns (``MONEY_FIELDS``), in display order: the KuF's
    column headers. The comparison page and its workbook both name them so."""
    return {column.amount: str(column.label) for column in columns.COMPARED_MONEY}


# Profile columns compared, in display order.
PROFILE_FIELDS = tuple(column.key for column in columns.COMPARED_PROFILE)

ProfileValue = str | int | tuple[str, ...] | tuple[int, ...] | tuple[Decimal, ...]


def profile_labels() -> dict[str, str]:
    """German names of the compared profile columns."""
    return {column.key: str(column.label) for column in columns.COMPARED_PROFILE}


def profile_values(row: kuf.KufRow) -> dict[str, ProfileValue]:
    """The values of the profile columns of a row, as compared: the action field and the municipality
    by their key (renaming an action field does not move its measures)."""
    return {column.key: column.row_value(row) for column in columns.COMPARED_PROFILE}


EMPTY = "–"


def profile_text(key: str, row: kuf.KufRow) -> str:
    """A compared profile column of a row as text, as the KuF shows it (``funding.kuf.columns``); the
    action field with its title. For the comparison page and its workbook."""
    if key == "action_field":
        return f"{row.measure.action_field.key} {row.measure.action_field.title}"
    return columns.BY_KEY[key].row_text(row) or EMPTY


@dataclass(slots=True)
class Change:
    """One money figure in both states."""

    old: Decimal
    new: Decimal

    @property
    def diff(self) -> Decimal:
        return self.new - self.old

    @property
    def changed(self) -> bool:
        return self.old != self.new


_ZERO_AMOUNTS = kuf.Amounts()  # never changed: stands for a missing side


class MoneyDiff:
    """The compared money columns (``MONEY_FIELDS``) of a cell, row, subtotal or total in the old and
    the new state, each a ``Change`` by its name (``money.gross``)."""

    __slots__ = ("changes",)

    def __init__(self, changes: dict[str, Change]):
        self.changes = changes

    def __getattr__(self, name: str) -> Change:
        try:
            return self.changes[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MoneyDiff) and self.changes == other.changes

    def __repr__(self) -> str:
        return f"MoneyDiff({self.changes!r})"

    @classmethod
    def between(cls, old: kuf.Amounts | None, new: kuf.Amounts | None) -> MoneyDiff:
        """``None`` (the measure, year or group does not exist on that side) counts as zero."""
        old = old or _ZERO_AMOUNTS
        new = new or _ZERO_AMOUNTS
        return cls({name: Change(getattr(old, name), getattr(new, name)) for name in MONEY_FIELDS})

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes.values())

    @property
    def is_empty(self) -> bool:
        """No money on either side."""
        return not any(change.old or change.new for change in self.changes.values())

    @classmethod
    def of_measures(cls, items: Iterable[MeasureDiff]) -> MoneyDiff:
        """The money of several measures together, in both states (``kuf.Amounts.sum`` of each side)."""
        items = list(items)
        return cls.between(
            kuf.Amounts.sum(item.old.total for item in items if item.old),
            kuf.Amounts.sum(item.new.total for item in items if item.new),
        )


@dataclass(frozen=True)
class FieldChange:
    """A changed profile column: its key (see ``PROFILE_FIELDS``) and the compared values."""

    key: str
    old: ProfileValue
    new: ProfileValue


@dataclass
class MeasureDiff:
    """One measure in both states. ``old`` is None for an added measure, ``new`` for a removed one.
    ``years`` holds every year with money on either side, in order (computed when first asked for:
    most measures of a comparison are unchanged, and nobody looks at their years)."""

    uid: str
    state: str
    old: kuf.KufRow | None
    new: kuf.KufRow | None
    fields: list[FieldChange]
    total: MoneyDiff
    _years: dict[int, MoneyDiff] | None = field(default=None, repr=False, compare=False)

    @property
    def years(self) -> dict[int, MoneyDiff]:
        if self._years is None:
            old_years = self.old.by_year if self.old else {}
            new_years = self.new.by_year if self.new else {}
            self._years = {
                year: MoneyDiff.between(old_years.get(year), new_years.get(year))
                for year in sorted(old_years.keys() | new_years.keys())
            }
        return self._years

    @property
    def row(self) -> kuf.KufRow:
        """The row to name the measure by: the new one, or the old one for a removed measure."""
        row = self.new or self.old
        assert row is not None
        return row

    @property
    def moved(self) -> bool:
        """Moved to another action field."""
        return any(change.key == "action_field" for change in self.fields)

    @property
    def money_changed(self) -> bool:
        """Any money cell differs (also columns not compared here, such as the split of the grant
        between programmes); always true for an added or removed measure."""
        if self.old is None or self.new is None:
            return True
        return not _same_money(self.old, self.new)


@dataclass
class GroupDiff:
    """The subtotal of one action field in both states."""

    label: kuf.Label
    total: MoneyDiff
    years: dict[int, MoneyDiff]


@dataclass
class KufDiff:
    years: list[int]
    measures: list[MeasureDiff]  # new KuF order, then the removed measures in old KuF order
    action_fields: list[GroupDiff]
    by_year: dict[int, MoneyDiff]
    total: MoneyDiff
    counts: dict[str, int] = field(default_factory=dict)  # by state

    def _of(self, state: str) -> list[MeasureDiff]:
        return [item for item in self.measures if item.state == state]

    @property
    def added(self) -> list[MeasureDiff]:
        return self._of(ADDED)

    @property
    def removed(self) -> list[MeasureDiff]:
        return self._of(REMOVED)

    @property
    def changed(self) -> list[MeasureDiff]:
        return self._of(CHANGED)

    @property
    def unchanged(self) -> list[MeasureDiff]:
        return self._of(UNCHANGED)

    @property
    def added_total(self) -> MoneyDiff:
        """The money of the added measures together (on the new side)."""
        return MoneyDiff.of_measures(self.added)

    @property
    def removed_total(self) -> MoneyDiff:
        """The money of the removed measures together (on the old side)."""
        return MoneyDiff.of_measures(self.removed)

    @property
    def has_changes(self) -> bool:
        return any(self.counts.get(state) for state in (ADDED, REMOVED, CHANGED)) or self.total.changed

    @property
    def summary(self) -> str:
        return diff_summary(self)


def _money_key(cell: kuf.Amounts | None) -> tuple:
    """Everything a money cell shows, for comparing; a missing cell equals an all-zero one."""
    if cell is None:
        return ()
    grants = tuple(sorted((code, value) for code, value in cell.grants_by_programme.items() if value))
    values = tuple(getattr(cell, name) for name in columns.AMOUNTS)
    if not grants and not any(values):
        return ()
    return (*values, grants)


def _same_money(old: kuf.KufRow, new: kuf.KufRow) -> bool:
    if old.by_year == new.by_year:  # the usual case, quickly
        return True
    years = old.by_year.keys() | new.by_year.keys()
    return all(_money_key(old.by_year.get(year)) == _money_key(new.by_year.get(year)) for year in years)


def _field_changes(old: kuf.KufRow, new: kuf.KufRow) -> list[FieldChange]:
    old_values, new_values = profile_values(old), profile_values(new)
    return [
        FieldChange(key=key, old=old_values[key], new=new_values[key])
        for key in PROFILE_FIELDS
        if old_values[key] != new_values[key]
    ]


def _measure_diff(uid: str, old: kuf.KufRow | None, new: kuf.KufRow | None) -> MeasureDiff:
    if old is None:
        state, fields = ADDED, []
    elif new is None:
        state, fields = REMOVED, []
    else:
        fields = _field_changes(old, new)
        state = CHANGED if fields or not _same_money(old, new) else UNCHANGED
    return MeasureDiff(
        uid=uid,
        state=state,
        old=old,
        new=new,
        fields=fields,
        total=MoneyDiff.between(old.total if old else None, new.total if new else None),
    )


@dataclass
class _Sums:
    total: kuf.Amounts = field(default_factory=kuf.Amounts)
    by_year: dict[int, kuf.Amounts] = field(default_factory=dict)

    def add(self, row: kuf.KufRow) -> None:
        self.total.add(row.total)
        for year, cell in row.by_year.items():
            if year not in self.by_year:
                self.by_year[year] = kuf.Amounts()
            self.by_year[year].add(cell)


def _sums_by_field(rows: Iterable[kuf.KufRow]) -> tuple[dict[str, _Sums], dict[str, kuf.Label]]:
    sums: dict[str, _Sums] = {}
    labels: dict[str, kuf.Label] = {}
    for row in rows:
        label = row.measure.action_field
        labels.setdefault(label.key, label)
        sums.setdefault(label.key, _Sums()).add(row)
    return sums, labels


def _years_diff(old: _Sums | None, new: _Sums | None, years: Sequence[int]) -> dict[int, MoneyDiff]:
    return {
        year: MoneyDiff.between(
            old.by_year.get(year) if old else None, new.by_year.get(year) if new else None
        )
        for year in years
    }


def kuf_diff(*, old: Sequence[kuf.KufRow], new: Sequence[kuf.KufRow], years: Iterable[int] = ()) -> KufDiff:
    """Compare two states of a KuF (see the module docstring).

    ``years`` are the programme years to show in any case (usually both states' years); years with
    money on either side are added, so the year columns always add up to the totals.
    """
    old_by_uid = {row.measure.uid: row for row in old}
    new_by_uid = {row.measure.uid: row for row in new}
    measures = [_measure_diff(uid, old_by_uid.get(uid), row) for uid, row in new_by_uid.items()]
    measures += [_measure_diff(uid, row, None) for uid, row in old_by_uid.items() if uid not in new_by_uid]
    counts = dict.fromkeys((ADDED, REMOVED, CHANGED, UNCHANGED), 0)
    for item in measures:
        counts[item.state] += 1

    old_sums, old_labels = _sums_by_field(old)
    new_sums, new_labels = _sums_by_field(new)
    all_old, all_new = _Sums(), _Sums()
    for sums, total in ((old_sums, all_old), (new_sums, all_new)):
        for group in sums.values():
            total.total.add(group.total)
            for year, cell in group.by_year.items():
                total.by_year.setdefault(year, kuf.Amounts()).add(cell)
    all_years = sorted(set(years) | all_old.by_year.keys() | all_new.by_year.keys())

    labels = {**old_labels, **new_labels}  # the new title and order win
    action_fields = [
        GroupDiff(
            label=label,
            total=MoneyDiff.between(
                old_sums[key].total if key in old_sums else None,
                new_sums[key].total if key in new_sums else None,
            ),
            years=_years_diff(old_sums.get(key), new_sums.get(key), all_years),
        )
        for key, label in sorted(labels.items(), key=lambda item: (item[1].order, item[0]))
    ]
    return KufDiff(
        years=all_years,
        measures=measures,
        action_fields=action_fields,
        by_year=_years_diff(all_old, all_new, all_years),
        total=MoneyDiff.between(all_old.total, all_new.total),
        counts=counts,
    )


# Below this amount a change reads better in euros than as "0,04 Mio. €".
_SMALL = Decimal("100000")


def format_eur_signed(value: Decimal, unit: str = "EUR") -> str:
    """A difference with its sign: ``+1.234,56 €``, ``-1.234,56 €``, ``0,00 €`` (see ``format_eur``)."""
    text = format_eur(value, unit)
    return f"+{text}" if value > 0 else text


def diff_summary(result: KufDiff) -> str:
    """One line for the top of the comparison, such as
    "+1,23 Mio. € Gesamtkosten, +0,80 Mio. € Zuwendungen, 3 Maßnahmen neu, 1 entfallen, 5 geändert"."""
    gross, grant = result.total.gross.diff, result.total.grant.diff
    unit = "MEUR" if max(abs(gross), abs(grant)) >= _SMALL else "EUR"
    parts = [
        f"{format_eur_signed(gross, unit)} {_('Gesamtkosten')}",
        f"{format_eur_signed(grant, unit)} {_('Zuwendungen')}",
    ]
    added, removed, changed = (result.counts[state] for state in (ADDED, REMOVED, CHANGED))
    if added:
        parts.append(ngettext("%(count)s Maßnahme neu", "%(count)s Maßnahmen neu", added) % {"count": added})
    if removed:
        parts.append(
            (
                ngettext("%(count)s entfallen", "%(count)s entfallen", removed)
                if added
                else ngettext("%(count)s Maßnahme entfallen", "%(count)s Maßnahmen entfallen", removed)
            )
            % {"count": removed}
        )
    if changed:
        parts.append(
            (
                ngettext("%(count)s geändert", "%(count)s geändert", changed)
                if added or removed
                else ngettext("%(count)s Maßnahme geändert", "%(count)s Maßnahmen geändert", changed)
            )
            % {"count": changed}
        )
    if not (added or removed or changed):
        parts.append(_("keine Maßnahme geändert"))
    return ", ".join(parts)
