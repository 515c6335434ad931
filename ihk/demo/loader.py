"""Loads the demo data files of ``data/`` (see the package's docstring) through the services that the
browser and the Excel import use, so every ``make run`` exercises them.

Per concept, in the order a planning office would build it:

1. the concept, its municipalities, quarters, action fields with goals and SWOT (``projects.services``),
   the municipalities' funding rates for its years (``municipal_rates_set``) and the demo users' roles
   (``membership_create``);
2. the approval notices (the model with ``full_clean``: there is no service for them);
3. each measure list through the Excel import, as the user ``AUTHOR`` (``read_upload`` →
   ``import_plan`` → ``import_apply``: all or nothing), then what the list has no columns for: the
   locations and related measures (the model with ``full_clean``: only the measure editor's
   ``measure_save`` writes them, and it wants the whole measure) and the indicators
   (``indicators_sync``); then, where the data says so, a frozen KuF version (``kuf_version_freeze``);
4. the residents' comments (the model with ``full_clean``: participation has no service that creates
   one with a past date and a reply).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

from funding.exchange.imports import ImportFileError, import_apply, import_plan, read_upload
from funding.models import ApprovalNotice, FundingProgramme
from funding.programmes.selectors import rate_grid
from funding.programmes.services import municipal_rates_set, standard_programmes_ensure
from funding.versions.services import kuf_version_freeze
from measures.services import IndicatorData, indicators_sync, measure_scope_errors
from participation.models import Comment
from projects import services as project_services
from projects.history import set_history_user
from projects.models import (
    ActionField,
    Concept,
    ConceptMunicipality,
    Municipality,
    Organisation,
    Quarter,
    SwotEntry,
)

DATA = Path(__file__).resolve().parent / "data"
IIHK_SLUG = "iihk-lippe-wesseltal-2030"
RHEINWERTH_SLUG = "ihk-innenstadt-rheinwerth"
# The demo concepts, loaded in this order; each is described by ``data/<slug>.yaml``.
CONCEPT_SLUGS = (IIHK_SLUG, RHEINWERTH_SLUG)
# The planning office's demo user: writes the concepts and imports their measure lists.
AUTHOR = "planung"
# The demo logins are printed by ``load_demo``; the command refuses to create them in production.
DEMO_PASSWORD_PREFIX = "Demo-2026!"  # noqa: S105 - public demo password, see load_demo
# Times in the data files are local times.
TIME_ZONE = ZoneInfo("Europe/Berlin")
SWOT_KINDS = {
    "strengths": SwotEntry.Kind.STRENGTH,
    "weaknesses": SwotEntry.Kind.WEAKNESS,
    "opportunities": SwotEntry.Kind.OPPORTUNITY,
    "threats": SwotEntry.Kind.THREAT,
}

Data = dict[str, Any]


class DemoDataError(Exception):
    """A data file is wrong: the import refused a measure list, or a code names nothing."""


class _Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role_label: str
    memberships: tuple[tuple[str, str, str | None], ...]  # concept slug, role, municipality name
    superuser: bool = False


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str
    created: bool


@dataclass(frozen=True)
class DemoResult:
    """What ``demo_load`` did: slugs of concepts built and skipped, and the demo logins."""

    created_concepts: tuple[str, ...]
    skipped_concepts: tuple[str, ...]
    logins: tuple[DemoLogin, ...]


@functools.cache
def _data(name: str) -> Data:
    """A YAML file of ``data/``, parsed once per process. Callers must not change what they get."""
    with (DATA / name).open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def _users() -> tuple[DemoUser, ...]:
    return tuple(
        DemoUser(
            username=entry["username"],
            first_name=entry["first_name"],
            last_name=entry["last_name"],
            role_label=entry["role"],
            memberships=tuple(
                (m["concept"], m["role"], m.get("municipality")) for m in entry.get("memberships", ())
            ),
            superuser=entry.get("superuser", False),
        )
        for entry in _data("shared.yaml")["users"]
    )


USERS: tuple[DemoUser, ...] = _users()


def demo_password(username: str) -> str:
    """The documented password of a demo user."""
    return f"{DEMO_PASSWORD_PREFIX}{username}"


def _decimal(value: object) -> Decimal:
    return Decimal(str(value))


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """A time of the data files (local, without zone) as an aware datetime."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=TIME_ZONE)


def _save(obj: models.Model, user: AbstractBaseUser | None = None) -> None:
    """Validate (``full_clean``) and save a row that no service writes; history names ``user``."""
    obj.full_clean()
    set_history_user(obj, user)
    obj.save()


# --- Shared master data ----------------------------------------------------------------------------


def _users_ensure() -> tuple[dict[str, AbstractBaseUser], set[str]]:
    """The demo users by username, and the usernames this call created. Existing accounts, and their
    passwords, stay as they are; a new one gets ``demo_password``. (No service creates accounts.)"""
    model = get_user_model()
    existing = {
        user.username: user for user in model.objects.filter(username__in=[u.username for u in USERS])
    }
    result, created = {}, set()
    for spec in USERS:
        user = existing.get(spec.username)
        if user is None:
            user = model(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.example.org",
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            user.set_password(demo_password(spec.username))
            _save(user)
            created.add(spec.username)
        result[spec.username] = user
    return result, created


def _shared_ensure(
    section: str, *, find: Callable[[dict], Any], create: Callable[..., Any], fields: tuple[str, ...], user
) -> dict[str, Any]:
    """The entries of ``section`` in ``shared.yaml`` by their name there: each one ``find`` returns (the
    stored object or None), else made by the service ``create`` from the entry's ``fields``."""
    result = {}
    for entry in _data("shared.yaml")[section]:
        obj = find(entry)
        if obj is None:
            obj = create(data={name: entry[name] for name in fields}, user=user)
        result[entry["name"]] = obj
    return result


def _municipalities_ensure(*, user: AbstractBaseUser) -> dict[str, Municipality]:
    """The municipalities of ``shared.yaml`` by their name there; found by AGS, else created."""
    return _shared_ensure(
        "municipalities",
        find=lambda entry: Municipality.objects.filter(ags=entry["ags"]).first(),
        create=project_services.municipality_create,
        fields=("name", "ags", "population", "budget_protection"),
        user=user,
    )


def _organisations_ensure(*, user: AbstractBaseUser) -> dict[str, Organisation]:
    """The organisations of ``shared.yaml`` by name; found by name, else created."""
    return _shared_ensure(
        "organisations",
        find=lambda entry: Organisation.objects.filter(name__iexact=entry["name"]).first(),
        create=project_services.organisation_create,
        fields=("name", "kind", "city", "website"),
        user=user,
    )


def _rates_ensure(
    concept: Concept, *, municipalities: dict[str, Municipality], user: AbstractBaseUser
) -> None:
    """The rates of ``shared.yaml`` of the concept's municipalities for its programme years, where the
    municipality has none yet, through the rate table's service."""
    grid = rate_grid(concept=concept)
    taking_part = {municipality.pk for municipality in grid.municipalities}
    programmes = {programme.code: programme.pk for programme in grid.programmes}
    wanted: dict[tuple[int, int, int], Decimal | None] = {}
    for entry in _data("shared.yaml")["municipalities"]:
        municipality = municipalities[entry["name"]]
        if municipality.pk not in taking_part:
            continue
        for rule in entry.get("rates", ()):
            first, last = rule["years"]
            for code in rule["programmes"]:
                for year in range(max(first, concept.year_from), min(last, concept.year_to) + 1):
                    key = (municipality.pk, programmes[code], year)
                    if key not in grid.rates:
                        wanted[key] = _decimal(rule["rate"])
    if wanted:
        municipal_rates_set(concept=concept, rates=wanted, loaded=grid.rates, user=user)


def _memberships_ensure(
    concept: Concept, *, users: dict[str, AbstractBaseUser], municipalities: dict[str, Municipality]
) -> None:
    """The demo users' roles in ``concept`` (``shared.yaml``), where missing."""
    existing = set(concept.memberships.values_list("user_id", "role"))
    for spec in USERS:
        member = users[spec.username]
        for slug, role, municipality in spec.memberships:
            if slug == concept.slug and (member.pk, role) not in existing:
                project_services.membership_create(
                    concept=concept,
                    member=member,
                    role=role,
                    municipality=municipalities[municipality] if municipality else None,
                    user=users[AUTHOR],
                )


# --- One concept -----------------------------------------------------------------------------------


def _structure_build(
    spec: Data,
    *,
    municipalities: dict[str, Municipality],
    organisations: dict[str, Organisation],
    user: AbstractBaseUser,
) -> Concept:
    """The concept with its municipalities, quarters, action fields with goals, and SWOT."""
    year_from, year_to = spec["years"]
    concept = project_services.concept_create(
        data={
            "title": spec["title"],
            "slug": spec["slug"],
            "kind": spec["kind"],
            "year_from": year_from,
            "year_to": year_to,
            "lead_organisation": organisations.get(spec.get("lead_organisation", "")),
            "planning_office": organisations.get(spec.get("planning_office", "")),
        },
        user=user,
    )
    project_services.concept_update(
        concept=concept,
        data={name: spec[name] for name in ("vision", "summary", "status", "published")},
        participations=[
            project_services.ParticipationRow(
                municipality=municipalities[name],
                role=ConceptMunicipality.Role.LEAD if index == 0 else ConceptMunicipality.Role.MEMBER,
            )
            for index, name in enumerate(spec["municipalities"])
        ],
        expected_version=concept.version,
        user=user,
    )
    quarters = {}
    for order, entry in enumerate(spec["quarters"], start=1):
        quarters[entry["code"]] = project_services.quarter_create(
            concept=concept,
            data={
                **{name: entry[name] for name in ("code", "name", "programme", "population", "analysis")},
                "municipality": municipalities[entry["municipality"]],
                "area_ha": _decimal(entry["area_ha"]),
                "boundary": {"type": "Polygon", "coordinates": [entry["boundary"]]},
                "order": order,
            },
            user=user,
        )
    for entry in spec["action_fields"]:
        action_field = project_services.action_field_create(
            concept=concept,
            data={name: entry[name] for name in ("code", "title", "description", "colour")},
            user=user,
        )
        project_services.action_field_update(
            action_field=action_field,
            data={},
            goals=[
                project_services.GoalRow(code=str(code), title=title)
                for code, title in entry["goals"].items()
            ],
            expected_version=action_field.version,
            user=user,
        )
        _swot_create(concept, entry.get("swot", {}), action_field=action_field, quarters=quarters, user=user)
    _swot_create(concept, spec.get("swot", {}), action_field=None, quarters=quarters, user=user)
    return concept


def _swot_create(
    concept: Concept,
    entries: dict[str, list],
    *,
    action_field: ActionField | None,
    quarters: dict[str, Quarter],
    user: AbstractBaseUser,
) -> None:
    """SWOT entries by kind; an entry is its text, or text and the code of the quarter it concerns."""
    for kind, items in entries.items():
        for item in items:
            text, quarter = (item, None) if isinstance(item, str) else (item["text"], item.get("quarter"))
            project_services.swot_entry_create(
                concept=concept,
                data={
                    "kind": SWOT_KINDS[kind],
                    "text": text,
                    "action_field": action_field,
                    "quarter": quarters[quarter] if quarter else None,
                },
                user=user,
            )


def _measure_list_import(concept: Concept, filename: str, *, user: AbstractBaseUser) -> None:
    """Import one measure list as a user would: read, plan, apply the plan the preview showed."""
    try:
        parsed = read_upload(name=filename, data=(DATA / filename).read_bytes())
    except ImportFileError as error:
        raise DemoDataError(f"{filename}: {error}") from error
    plan = import_plan(concept=concept, parsed=parsed)
    if not plan.ok:
        problems = "; ".join(f"{i.sheet} Zeile {i.row}, {i.column}: {i.message}" for i in plan.errors)
        raise DemoDataError(f"{filename}: Der Import lehnt ab: {problems}")
    import_apply(concept=concept, plan=plan.stored(), digest=plan.digest, user=user)


def _details_apply(
    concept: Concept, details: dict[str, Data], *, done: set[str], user: AbstractBaseUser
) -> None:
    """Location, related measures and indicators (``measures`` of the concept's YAML) of the measures
    that exist now and have not had theirs yet (``done``: the codes of the measures seen, updated here)."""
    measures = {measure.code: measure for measure in concept.measures.all()}
    new = [code for code in measures if code not in done]
    for code in new:
        measure, entry = measures[code], details.get(code, {})
        if "location" in entry:
            measure.location = {"type": "Point", "coordinates": list(entry["location"])}
            _save(measure, user)
        rows = [
            IndicatorData(
                name=row["name"],
                unit=str(row.get("unit", "")),
                baseline=None if row.get("baseline") is None else _decimal(row["baseline"]),
                target_value=_decimal(row["target"]),
                target_year=row.get("year"),
            )
            for row in entry.get("indicators", ())
        ]
        indicators_sync(measure=measure, rows=rows, user=user)
    done.update(new)
    # The relation is symmetrical: each pair once, as soon as both measures exist.
    pairs = {
        frozenset((code, str(other)))
        for code, entry in details.items()
        for other in entry.get("related", ())
        if code in new or str(other) in new
    }
    for pair in sorted(pairs, key=sorted):
        first, second = sorted(pair)
        if first in done and second in done:
            related = [measures[second]]
            errors = measure_scope_errors(concept=concept, measure=measures[first], related=related)
            if errors:
                raise DemoDataError(f"{concept.slug}.yaml, {first}: {errors}")
            measures[first].related.add(*related)


def _concept_load(
    spec: Data,
    *,
    users: dict[str, AbstractBaseUser],
    municipalities: dict[str, Municipality],
    organisations: dict[str, Organisation],
    programmes: dict[str, FundingProgramme],
) -> tuple[Concept, list[str]]:
    """Build one concept from its YAML and measure lists (see the module docstring). Returns the concept
    and the names of the KuF versions frozen."""
    author = users[AUTHOR]
    concept = _structure_build(spec, municipalities=municipalities, organisations=organisations, user=author)
    _rates_ensure(concept, municipalities=municipalities, user=author)
    _memberships_ensure(concept, users=users, municipalities=municipalities)
    for entry in spec.get("approval_notices", ()):
        notice = ApprovalNotice(
            concept=concept,
            municipality=municipalities[entry["municipality"]],
            programme=programmes[entry["programme"]],
            year=entry["year"],
            amount=_decimal(entry["amount"]),
            date=entry["date"],
            reference=str(entry["reference"]),
            note=entry.get("note", ""),
        )
        _save(notice)

    details = {str(code): entry or {} for code, entry in (spec.get("measures") or {}).items()}
    done: set[str] = set()
    frozen = []
    for step in spec["measure_lists"]:
        _measure_list_import(concept, step["file"], user=author)
        _details_apply(concept, details, done=done, user=author)
        freeze = step.get("freeze")
        if freeze:
            # Nobody in particular froze them: the applications predate the app.
            kuf_version_freeze(
                concept=concept,
                name=freeze["name"],
                note=freeze.get("note", ""),
                user=None,
                frozen_at=_local(freeze["at"]),
            )
            frozen.append(freeze["name"])
    related = {str(code) for entry in details.values() for code in entry.get("related", ())}
    unknown = sorted((set(details) | related) - done)
    if unknown:
        raise DemoDataError(f"{spec['slug']}.yaml: keine Maßnahme mit dem Kürzel {', '.join(unknown)}")

    measures = {measure.code: measure for measure in concept.measures.all()}
    for entry in spec.get("comments", ()):
        comment = Comment(
            measure=measures[str(entry["measure"])],
            author_name=entry.get("author", ""),
            text=entry["text"],
            status=entry["status"],
            reply=entry.get("reply", ""),
            replied_at=_local(entry.get("replied")),
            created_at=_local(entry["received"]),
        )
        _save(comment)
    return concept, frozen


# --- Entry points ----------------------------------------------------------------------------------


def _scope(spec: DemoUser, titles: dict[str, str]) -> str:
    if spec.superuser:
        return "alle Konzepte"
    parts = []
    for slug, _role, municipality in spec.memberships:
        title = titles.get(slug, slug)
        parts.append(f"{title} ({municipality})" if municipality else title)
    return "; ".join(parts)


def _logins(created: dict[str, bool]) -> tuple[DemoLogin, ...]:
    titles = {slug: _data(f"{slug}.yaml")["title"] for slug in CONCEPT_SLUGS}
    return tuple(
        DemoLogin(
            username=spec.username,
            password=demo_password(spec.username),
            role=spec.role_label,
            scope=_scope(spec, titles),
            created=created[spec.username],
        )
        for spec in USERS
        if spec.username in created
    )


def demo_logins() -> tuple[DemoLogin, ...]:
    """The logins of the demo users that exist now (read-only: creates and changes nothing)."""
    existing = get_user_model().objects.filter(username__in=[spec.username for spec in USERS])
    return _logins(dict.fromkeys(existing.values_list("username", flat=True), False))


def demo_load(*, stdout: _Writer | None = None) -> DemoResult:
    """Build the demo data of DOMAIN.md from ``data/``: the IIHK Lippe-Wesseltal 2030 and the IHK
    Innenstadt Rheinwerth.

    Contract:
    - Idempotent. Users (by username), municipalities (by AGS), organisations (by name), programmes
      (by code) and rates (by municipality, programme, year) are only created when missing; existing
      rows, and the passwords of existing users, are left untouched. A concept whose slug exists is
      skipped as a whole; only the demo users' missing roles in it are added.
    - Deterministic: the same files give the same demo (measure uids excepted: the import creates
      them, as for any new measure).
    - Everything goes through the services (see the module docstring) in one ``transaction.atomic()``:
      a failure, such as a measure list the import refuses (``DemoDataError``), leaves the database as
      it was.
    - Demo users get the known password ``demo_password(username)``. The caller decides whether that is
      acceptable (``load_demo`` refuses in production).
    - Progress notes (German) go to ``stdout`` if given.
    """

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    created: list[str] = []
    skipped: list[str] = []
    with transaction.atomic():
        users, new_users = _users_ensure()
        author = users[AUTHOR]
        municipalities = _municipalities_ensure(user=author)
        organisations = _organisations_ensure(user=author)
        programmes = standard_programmes_ensure()
        for slug in CONCEPT_SLUGS:
            spec = _data(f"{slug}.yaml")
            concept = Concept.objects.filter(slug=slug).first()
            if concept is not None:
                _memberships_ensure(concept, users=users, municipalities=municipalities)
                skipped.append(slug)
                say(f"Konzept „{spec['title']}“ ist bereits vorhanden und wird nicht verändert.")
                continue
            concept, frozen = _concept_load(
                spec,
                users=users,
                municipalities=municipalities,
                organisations=organisations,
                programmes=programmes,
            )
            created.append(slug)
            say(f"Konzept „{spec['title']}“ angelegt ({concept.measures.count()} Maßnahmen).")
            if frozen:
                names = " und ".join(f"„{name}“" for name in frozen)
                say(f"{'KuF-Stände' if len(frozen) > 1 else 'KuF-Stand'} {names} eingefroren.")
    logins = _logins({username: username in new_users for username in users})
    return DemoResult(created_concepts=tuple(created), skipped_concepts=tuple(skipped), logins=logins)
