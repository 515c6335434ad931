"""Writes for concepts and their structure: municipalities, quarters, action fields, goals, SWOT, roles.

Every function is keyword-only, validates with ``full_clean`` plus the rules below, and writes inside one
``transaction.atomic()``: it either stores everything or raises ``ValidationError`` and stores nothing.
Errors are keyed by field name, so a form can show each at its field. Functions that take rows (the
municipalities of a concept, the goals of an action field) key row errors as ``"<rows>.<index>.<field>"``
(the index into the list passed in) and errors about the list as a whole as ``"<rows>"``.

Two requests at the same time can both pass a duplicate check; the database's unique constraint then
refuses the second, which gets the same message as if it had come second (``projects.integrity``).

Permission checks are the caller's job (the views use ``projects.access``); ``user`` is recorded in the
change history where the model keeps one.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .integrity import duplicates_refused
from .locking import EditConflict, claim_version
from .models import (
    ActionField,
    Concept,
    ConceptMembership,
    ConceptMunicipality,
    Goal,
    Municipality,
    Organisation,
    Quarter,
    SwotEntry,
)
from .selectors import goal_changes_since

Direction = Literal["up", "down"]

# Fields a caller may set, per entity. Anything else in ``data`` is ignored.
CONCEPT_CREATE_FIELDS = (
    "title",
    "slug",
    "kind",
    "year_from",
    "year_to",
    "lead_organisation",
    "planning_office",
)
CONCEPT_UPDATE_FIELDS = (
    "title",
    "kind",
    "summary",
    "vision",
    "year_from",
    "year_to",
    "status",
    "published",
    "lead_organisation",
    "planning_office",
)
MUNICIPALITY_FIELDS = ("name", "ags", "state", "population", "budget_protection")
ORGANISATION_FIELDS = ("name", "kind", "city", "website")
QUARTER_FIELDS = (
    "municipality",
    "code",
    "name",
    "programme",
    "area_ha",
    "population",
    "analysis",
    "boundary",
    "order",
)
ACTION_FIELD_FIELDS = ("code", "title", "description", "colour")
SWOT_FIELDS = ("kind", "text", "action_field", "quarter")
# Slugs that would collide with the editor's own URLs (``konzepte/new/``).
RESERVED_SLUGS = frozenset({"new"})


@dataclass(frozen=True)
class ParticipationRow:
    """One participating municipality as the editor submits it; ``remove``: marked to leave."""

    municipality: Municipality
    role: str
    remove: bool = False


@dataclass(frozen=True)
class GoalRow:
    """One goal of an action field as the editor submits it. ``order`` None puts a new goal last."""

    code: str
    title: str
    description: str = ""
    order: int | None = None
    id: int | None = None
    delete: bool = False


# --- helpers ---------------------------------------------------------------------------------------


def _assign(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _validate(
    instance: models.Model, errors: Mapping[str, Any] | None = None, *, db_unique: bool = True
) -> None:
    """``full_clean`` plus our own ``errors``, raised together as one ``ValidationError``.

    Fields that already carry one of our errors are left out of the model's checks, so each field gets one
    clear message instead of also Django's generic text for the same unique or check constraint.
    ``db_unique=False`` skips the model's unique checks against the database, for rows whose uniqueness
    the caller has checked across the whole submission.
    """
    collected: dict[str, list] = {field: [message] for field, message in (errors or {}).items() if message}
    try:
        instance.full_clean(
            exclude=list(collected), validate_unique=db_unique, validate_constraints=db_unique
        )
    except ValidationError as error:
        error.update_error_dict(collected)
    if collected:
        raise ValidationError(collected)


def _prefixed(error: ValidationError, prefix: str) -> dict[str, list]:
    """The messages of ``error`` keyed ``"<prefix>.<field>"`` (non-field messages: ``"<prefix>"``)."""
    result: dict[str, list] = {}
    for field, messages in error.update_error_dict({}).items():
        key = prefix if field == NON_FIELD_ERRORS else f"{prefix}.{field}"
        result.setdefault(key, []).extend(messages)
    return result


def _merge(errors: dict[str, list], more: Mapping[str, list]) -> None:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(messages)


def _renumber(items: list) -> list:
    """Give ``items`` (in their new order) the orders 1..n; return those whose order changed."""
    changed = []
    for position, item in enumerate(items, start=1):
        if item.order != position:
            item.order = position
            changed.append(item)
    return changed


def _move(items: list, item: models.Model, direction: Direction) -> bool:
    """Swap ``item`` with its neighbour in ``items`` (in place). False if it already is at that end."""
    if direction not in ("up", "down"):
        return False
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(items):
        return False
    items[index], items[neighbour] = items[neighbour], items[index]
    return True


def _locked(queryset: models.QuerySet) -> list:
    """The rows of ``queryset``, locked until the transaction ends (PostgreSQL; SQLite locks the file)."""
    return list(queryset.select_for_update())


# --- municipalities --------------------------------------------------------------------------------


def municipality_create(*, data: Mapping[str, Any], user: AbstractBaseUser) -> Municipality:
    """Create a municipality from ``data`` (name, ags, state, population, budget_protection).

    Refuses an AGS that another municipality already has. Raises ``ValidationError`` keyed by field.
    """
    municipality = Municipality()
    _assign(municipality, data, MUNICIPALITY_FIELDS)
    with transaction.atomic():
        _validate(municipality, _municipality_clash(municipality))
        with duplicates_refused(lambda: _municipality_clash(municipality)):
            municipality.save()
    return municipality


def _municipality_clash(municipality: Municipality) -> dict[str, str]:
    existing = Municipality.objects.filter(ags=municipality.ags).first() if municipality.ags else None
    if existing is None:
        return {}
    return {"ags": _("Diesen Gemeindeschlüssel hat schon die Kommune „%(name)s“.") % {"name": existing.name}}


# --- organisations --------------------------------------------------------------------------------


def organisation_create(*, data: Mapping[str, Any], user: AbstractBaseUser) -> Organisation:
    """Create an organisation (planning office, lead body, …) from ``data`` (name, kind, city, website).

    Refuses a name another organisation already has (case-insensitive). Raises ``ValidationError``.
    """
    organisation = Organisation()
    _assign(organisation, data, ORGANISATION_FIELDS)
    organisation.name = (organisation.name or "").strip()
    with transaction.atomic():
        _validate(organisation, _organisation_clash(organisation))
        with duplicates_refused(lambda: _organisation_clash(organisation)):
            organisation.save()
    return organisation


def _organisation_clash(organisation: Organisation) -> dict[str, str]:
    name = organisation.name
    if name and Organisation.objects.filter(name__iexact=name).exists():
        return {"name": _("Die Organisation „%(name)s“ gibt es schon.") % {"name": name}}
    return {}


# --- concepts --------------------------------------------------------------------------------------


def concept_create(*, data: Mapping[str, Any], user: AbstractBaseUser) -> Concept:
    """Create an empty concept from ``data`` (title, slug, kind, year_from, year_to, lead_organisation,
    planning_office). The creating user gets no role in it: roles are assigned explicitly.

    Refuses a slug that is taken or reserved, and an end year before the start year.
    """
    concept = Concept()
    _assign(concept, data, CONCEPT_CREATE_FIELDS)
    errors = {}
    if concept.slug in RESERVED_SLUGS:
        errors["slug"] = _("Dieser Kurzname ist reserviert. Bitte einen anderen wählen.")
    else:
        errors = _slug_clash(concept)
    concept._history_user = user
    with transaction.atomic():
        _validate(concept, errors)
        with duplicates_refused(lambda: _slug_clash(concept)):
            concept.save()
    return concept


def _slug_clash(concept: Concept) -> dict[str, str]:
    if concept.slug and Concept.objects.filter(slug=concept.slug).exists():
        return {"slug": _("Der Kurzname „%(slug)s“ ist schon vergeben.") % {"slug": concept.slug}}
    return {}


def concept_update(
    *,
    concept: Concept,
    data: Mapping[str, Any],
    participations: list[ParticipationRow],
    expected_version: int,
    user: AbstractBaseUser,
) -> Concept:
    """Save the basics of ``concept`` (``CONCEPT_UPDATE_FIELDS`` from ``data``) and its participating
    municipalities, if nobody saved the concept since the user loaded ``expected_version``.

    ``participations`` are the page's rows: every stored municipality must be among them, either kept
    (with its role) or marked to leave (``remove``); new ones join. Refused, with nothing saved: a stored
    municipality the rows do not mention (a page that did not arrive in full, or a crafted request: a
    municipality leaves only when marked), a municipality listed twice, an end year before the start
    year, removing a municipality that still has quarters or measures in this concept. Raises ``EditConflict`` (from ``claim_version``) if the version moved on; the caller shows
    the changes and lets the user save again with the current version.
    """
    with transaction.atomic():
        claim_version(concept, expected_version=expected_version)
        _assign(concept, data, CONCEPT_UPDATE_FIELDS)
        errors: dict[str, list] = {}
        try:
            _validate(concept)
        except ValidationError as error:
            error.update_error_dict(errors)
        existing = {row.municipality_id: row for row in concept.participations.select_related("municipality")}
        stored_roles = {pk: row.role for pk, row in existing.items()}
        counts = Counter(row.municipality.pk for row in participations if not row.remove)
        marked = {row.municipality.pk for row in participations if row.remove}
        planned: list[ConceptMunicipality] = []
        for index, row in enumerate(participations):
            if row.remove:
                continue
            participation = existing.get(row.municipality.pk) or ConceptMunicipality(
                concept=concept, municipality=row.municipality
            )
            participation.role = row.role
            own = {}
            if counts[row.municipality.pk] > 1:
                own["municipality"] = _(
                    "%(name)s ist mehrfach eingetragen. Jede Kommune bitte nur einmal."
                ) % {"name": row.municipality.name}
            try:
                _validate(participation, own)
            except ValidationError as error:
                _merge(errors, _prefixed(error, f"participations.{index}"))
            planned.append(participation)
        leaving = [row for pk, row in existing.items() if pk not in counts]
        unmarked = sorted(row.municipality.name for row in leaving if row.municipality_id not in marked)
        if unmarked:
            errors.setdefault("participations", []).append(
                _(
                    "%(names)s fehlt in der Liste, ohne zum Entfernen markiert zu sein. Um eine Kommune zu "
                    "entfernen, setzen Sie bitte das Häkchen „Entfernen“; sonst laden Sie die Seite neu."
                )
                % {"names": ", ".join(unmarked)}
            )
        for participation in leaving:
            message = _removal_refused(concept, participation.municipality)
            if message:
                errors.setdefault("participations", []).append(message)
        if errors:
            raise ValidationError(errors)
        concept._history_user = user
        concept.save()
        ConceptMunicipality.objects.filter(pk__in=[row.pk for row in leaving]).delete()
        for participation in planned:
            if participation.pk is None:
                participation.save()
            elif stored_roles[participation.municipality_id] != participation.role:
                participation.save(update_fields=["role"])
    return concept


def _removal_refused(concept: Concept, municipality: Municipality) -> str:
    """Why ``municipality`` may not leave ``concept`` (quarters or measures still use it), or ''."""
    quarters = concept.quarters.filter(municipality=municipality).count()
    measures = concept.measures.filter(municipality=municipality).count()
    if not quarters and not measures:
        return ""
    parts = []
    if quarters:
        parts.append(ngettext("%(n)d Quartier", "%(n)d Quartiere", quarters) % {"n": quarters})
    if measures:
        parts.append(ngettext("%(n)d Maßnahme", "%(n)d Maßnahmen", measures) % {"n": measures})
    return _(
        "%(name)s kann nicht entfernt werden: Zu dieser Kommune gibt es in diesem Konzept noch %(what)s. "
        "Bitte diese zuerst löschen oder einer anderen Kommune zuordnen."
    ) % {"name": municipality.name, "what": _(" und ").join(parts)}


# --- quarters --------------------------------------------------------------------------------------


def _quarter_errors(quarter: Quarter) -> dict[str, str]:
    errors = {}
    if quarter.area_ha is not None and quarter.area_ha < 0:
        errors["area_ha"] = _("Die Fläche darf nicht negativ sein.")
    if (
        quarter.code
        and Quarter.objects.filter(concept_id=quarter.concept_id, code=quarter.code)
        .exclude(pk=quarter.pk)
        .exists()
    ):
        errors["code"] = _("Das Kürzel „%(code)s“ ist in diesem Konzept schon vergeben.") % {
            "code": quarter.code
        }
    return errors


def quarter_create(*, concept: Concept, data: Mapping[str, Any], user: AbstractBaseUser) -> Quarter:
    """Add a quarter to ``concept`` from ``data`` (``QUARTER_FIELDS``).

    Refused: a municipality not participating in the concept, a code already used in the concept, a
    negative area, a boundary that is not GeoJSON.
    """
    quarter = Quarter(concept=concept)
    _assign(quarter, data, QUARTER_FIELDS)
    quarter._history_user = user
    with transaction.atomic():
        _validate(quarter, _quarter_errors(quarter))
        with duplicates_refused(lambda: _quarter_errors(quarter)):
            quarter.save()
    return quarter


def quarter_update(
    *, quarter: Quarter, data: Mapping[str, Any], expected_version: int, user: AbstractBaseUser
) -> Quarter:
    """Change ``quarter`` from ``data`` (``QUARTER_FIELDS``) if nobody saved it since the user loaded
    ``expected_version``; same rules as ``quarter_create``. Raises ``EditConflict`` if the version
    moved on, ``ValidationError`` for bad input; either way nothing is saved."""
    with transaction.atomic():
        claim_version(quarter, expected_version=expected_version)
        _assign(quarter, data, QUARTER_FIELDS)
        _validate(quarter, _quarter_errors(quarter))
        quarter._history_user = user
        with duplicates_refused(lambda: _quarter_errors(quarter)):
            quarter.save()
    return quarter


def quarter_delete(*, quarter: Quarter, user: AbstractBaseUser) -> None:
    """Delete ``quarter``. Measures stay and lose only their link to it; its SWOT entries go with it."""
    quarter._history_user = user
    with transaction.atomic():
        quarter.delete()


# --- action fields and goals -----------------------------------------------------------------------


def _action_field_errors(action_field: ActionField) -> dict[str, str]:
    if (
        action_field.code
        and ActionField.objects.filter(concept_id=action_field.concept_id, code=action_field.code)
        .exclude(pk=action_field.pk)
        .exists()
    ):
        return {
            "code": _("Das Kürzel „%(code)s“ ist in diesem Konzept schon vergeben.")
            % {"code": action_field.code}
        }
    return {}


def action_field_create(*, concept: Concept, data: Mapping[str, Any], user: AbstractBaseUser) -> ActionField:
    """Add an action field (code, title, description, colour) to ``concept``, as the last one.

    Refused: a code already used in the concept, a colour not in the form ``#RRGGBB``.
    """
    action_field = ActionField(concept=concept)
    _assign(action_field, data, ACTION_FIELD_FIELDS)
    action_field._history_user = user
    with transaction.atomic():
        siblings = _locked(concept.action_fields.all())
        action_field.order = max((sibling.order for sibling in siblings), default=0) + 1
        _validate(action_field, _action_field_errors(action_field))
        with duplicates_refused(lambda: _action_field_errors(action_field)):
            action_field.save()
    return action_field


def action_field_update(
    *,
    action_field: ActionField,
    data: Mapping[str, Any],
    goals: list[GoalRow],
    expected_version: int,
    user: AbstractBaseUser,
) -> ActionField:
    """Change ``action_field`` (code, title, description, colour) and its goals in one go, if nobody
    saved the action field or its goals since the user loaded ``expected_version`` (else
    ``EditConflict``; moving a goal counts as a change too).

    ``goals`` are the submitted rows: rows with an ``id`` change or (``delete``) remove that goal, rows
    without add one; goals not mentioned stay as they are. Afterwards the goals are numbered 1..n in the
    order given by ``order`` (rows without an order go last). Refused, with nothing saved: a code used
    twice (in the concept for action fields, in the action field for goals), an incomplete row.
    """
    with transaction.atomic():
        try:
            claim_version(action_field, expected_version=expected_version)
        except EditConflict as conflict:
            conflict.changes += goal_changes_since(action_field=conflict.instance, version=expected_version)
            raise
        _assign(action_field, data, ACTION_FIELD_FIELDS)
        errors: dict[str, list] = {}
        try:
            _validate(action_field, _action_field_errors(action_field))
        except ValidationError as error:
            error.update_error_dict(errors)
        existing = {goal.pk: goal for goal in _locked(action_field.goals.all())}
        stored_codes = {pk: goal.code for pk, goal in existing.items()}
        deleted: list[Goal] = []
        kept: list[tuple[int, Goal, int | None]] = []
        for index, row in enumerate(goals):
            if row.id is not None and row.id not in existing:
                errors.setdefault("goals", []).append(
                    _("Ein Ziel gehört nicht (mehr) zu diesem Handlungsfeld. Bitte die Seite neu laden.")
                )
                continue
            goal = existing.pop(row.id) if row.id is not None else Goal(action_field=action_field)
            if row.delete:
                if goal.pk:
                    deleted.append(goal)
                continue
            goal.code, goal.title, goal.description = row.code, row.title, row.description
            kept.append((index, goal, row.order))
        untouched = list(existing.values())
        codes = Counter([goal.code for _index, goal, _order in kept] + [goal.code for goal in untouched])
        for index, goal, _order in kept:
            own = {}
            if codes[goal.code] > 1:
                own["code"] = _("Das Kürzel „%(code)s“ kommt in diesem Handlungsfeld mehrfach vor.") % {
                    "code": goal.code
                }
            try:
                _validate(goal, own, db_unique=False)
            except ValidationError as error:
                _merge(errors, _prefixed(error, f"goals.{index}"))
        if errors:
            raise ValidationError(errors)
        action_field._history_user = user
        with duplicates_refused(lambda: _action_field_errors(action_field)):
            action_field.save()
        for goal in deleted:
            goal._history_user = user
            goal.delete()
        # Codes may trade places (Z1 <-> Z2) and the unique constraint is checked row by row: park the
        # changed codes on a placeholder first.
        for _index, goal, _order in kept:
            if goal.pk and goal.code != stored_codes[goal.pk]:
                Goal.objects.filter(pk=goal.pk).update(code=f"~{goal.pk}")
        ordered = _goal_order(kept, untouched)
        _renumber(ordered)
        for goal in ordered:
            goal._history_user = user
            goal.save()
    return action_field


def _goal_order(kept: list[tuple[int, Goal, int | None]], untouched: list[Goal]) -> list[Goal]:
    """Goals in their new order: by the submitted order (none: last), ties in the order submitted."""
    last = 10**9
    keyed = [(order if order is not None else last, index, goal) for index, goal, order in kept]
    keyed += [(goal.order, -1, goal) for goal in untouched]
    return [goal for _order, _index, goal in sorted(keyed, key=lambda item: (item[0], item[1]))]


def action_field_delete(*, action_field: ActionField, user: AbstractBaseUser) -> None:
    """Delete ``action_field`` with its goals and SWOT entries, then number the rest 1..n.

    Refused (``ValidationError``) while measures belong to it: they must move to another field first.
    """
    with transaction.atomic():
        count = action_field.measures.count()
        if count:
            raise ValidationError(
                ngettext(
                    "%(code)s kann nicht gelöscht werden: %(n)d Maßnahme gehört noch zu diesem Handlungsfeld. "
                    "Bitte ordnen Sie sie zuerst einem anderen Handlungsfeld zu.",
                    "%(code)s kann nicht gelöscht werden: %(n)d Maßnahmen gehören noch zu diesem "
                    "Handlungsfeld. Bitte ordnen Sie sie zuerst einem anderen Handlungsfeld zu.",
                    count,
                )
                % {"code": action_field.code, "n": count},
                code="protected",
            )
        action_field._history_user = user
        action_field.delete()
        siblings = _locked(
            ActionField.objects.filter(concept_id=action_field.concept_id).order_by("order", "code", "pk")
        )
        ActionField.objects.bulk_update(_renumber(siblings), ["order"])


def action_field_move(*, action_field: ActionField, direction: Direction, user: AbstractBaseUser) -> bool:
    """Swap ``action_field`` with its neighbour above (``"up"``) or below (``"down"``) and number all
    action fields of the concept 1..n. Returns False (and changes nothing) at the top or bottom end."""
    with transaction.atomic():
        siblings = _locked(
            ActionField.objects.filter(concept_id=action_field.concept_id).order_by("order", "code", "pk")
        )
        moved = _move(siblings, action_field, direction)
        if moved:
            ActionField.objects.bulk_update(_renumber(siblings), ["order"])
    return moved


def goal_move(*, goal: Goal, direction: Direction, user: AbstractBaseUser) -> bool:
    """Swap ``goal`` with its neighbour within its action field and number the goals 1..n. Returns False
    (and changes nothing) at the top or bottom end."""
    with transaction.atomic():
        siblings = _locked(
            Goal.objects.filter(action_field_id=goal.action_field_id).order_by("order", "code", "pk")
        )
        moved = _move(siblings, goal, direction)
        if moved:
            for changed in _renumber(siblings):  # one by one, so the history records the new order
                changed._history_user = user
                changed.save(update_fields=["order"])
            # The goals' order is on the action field's edit page: a page opened before is now stale.
            action_field = ActionField.objects.select_for_update().get(pk=goal.action_field_id)
            action_field.version += 1
            action_field._history_user = user
            action_field.save()
    return moved


# --- SWOT ------------------------------------------------------------------------------------------


def swot_entry_create(*, concept: Concept, data: Mapping[str, Any], user: AbstractBaseUser) -> SwotEntry:
    """Add a SWOT entry (kind, text, optional action field and quarter of this concept), last of its kind."""
    entry = SwotEntry(concept=concept)
    _assign(entry, data, SWOT_FIELDS)
    entry._history_user = user
    with transaction.atomic():
        orders = concept.swot_entries.filter(kind=entry.kind).values_list("order", flat=True)
        entry.order = max(orders, default=0) + 1
        _validate(entry)
        entry.save()
    return entry


def swot_entry_update(
    *, entry: SwotEntry, data: Mapping[str, Any], expected_version: int, user: AbstractBaseUser
) -> SwotEntry:
    """Change ``entry`` from ``data`` if nobody saved it since the user loaded ``expected_version``
    (else ``EditConflict``); action field and quarter must belong to the entry's concept."""
    with transaction.atomic():
        claim_version(entry, expected_version=expected_version)
        _assign(entry, data, SWOT_FIELDS)
        _validate(entry)
        entry._history_user = user
        entry.save()
    return entry


def swot_entry_delete(*, entry: SwotEntry, user: AbstractBaseUser) -> None:
    """Delete ``entry``."""
    entry._history_user = user
    with transaction.atomic():
        entry.delete()


# --- roles -----------------------------------------------------------------------------------------


def membership_create(
    *,
    concept: Concept,
    member: AbstractBaseUser,
    role: str,
    municipality: Municipality | None,
    user: AbstractBaseUser,
) -> ConceptMembership:
    """Give ``member`` the ``role`` in ``concept``.

    Reviewers need one of the concept's municipalities (the one whose KuF rows they review); for the
    other roles a municipality means nothing and is not stored. Refused: the same role twice, an inactive
    person, a municipality that does not participate in the concept.
    """
    if role != ConceptMembership.Role.REVIEWER:
        municipality = None
    membership = ConceptMembership(concept=concept, user=member, role=role, municipality=municipality)
    errors = {}
    if member is not None and not member.is_active:
        errors["user"] = _("Diese Person ist deaktiviert und kann keine Rolle bekommen.")
    else:
        errors = _membership_clash(membership)
    if role == ConceptMembership.Role.REVIEWER:
        if municipality is None:
            errors["municipality"] = _(
                "Für die Prüfung bitte die Kommune wählen, deren KuF-Zeilen die Person prüft."
            )
        elif not concept.participations.filter(municipality=municipality).exists():
            errors["municipality"] = _("Die Kommune ist an diesem Konzept nicht beteiligt.")
    with transaction.atomic():
        _validate(membership, errors)
        with duplicates_refused(lambda: _membership_clash(membership)):
            membership.save()
    return membership


def _membership_clash(membership: ConceptMembership) -> dict[str, str]:
    member = membership.user if membership.user_id else None
    if (
        member is None
        or not membership.concept.memberships.filter(user=member, role=membership.role).exists()
    ):
        return {}
    return {"user": _("%(name)s hat diese Rolle in diesem Konzept schon.") % {"name": member.get_username()}}


def membership_delete(*, membership: ConceptMembership, user: AbstractBaseUser) -> None:
    """Take the role away. The person's account stays."""
    with transaction.atomic():
        membership.delete()
