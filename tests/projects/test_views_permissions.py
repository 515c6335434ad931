"""Writes to the concept editor by people without the right: refused, and nothing changes.

The status of every view for every role is in ``tests/test_permission_matrix.py``.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from projects.models import ActionField, ConceptMembership, Quarter, SwotEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role
ROLES = ("anonymous", "outsider", "other_editor", "reviewer", "funder", "moderator", "editor", "admin")
EDITORS = {"editor", "admin"}
ADMINS = {"admin"}
MEMBERS = {"editor", "reviewer", "funder", "moderator", "admin"}


@dataclass
class World:
    concept: object
    quarter: Quarter
    action_field: ActionField
    goal: object
    entry: SwotEntry
    membership: ConceptMembership
    users: dict


@pytest.fixture(params=[False, True], ids=["unpublished", "published"])
def world(request, admin_user) -> World:
    concept = f.make_concept(published=request.param)
    action_field = f.make_action_field(concept)
    quarter = f.make_quarter(concept)
    users = {"anonymous": None, "outsider": f.make_user(), "admin": admin_user}
    other_editor = f.make_editor(f.make_concept(published=False))
    users["other_editor"] = other_editor
    memberships = {}
    for role in (Role.EDITOR, Role.REVIEWER, Role.FUNDER, Role.MODERATOR):
        users[role.value] = f.make_user()
        memberships[role.value] = f.make_membership(concept, users[role.value], role)
    return World(
        concept=concept,
        quarter=quarter,
        action_field=action_field,
        goal=f.make_goal(action_field),
        entry=f.make_swot(concept),
        membership=memberships["funder"],
        users=users,
    )


def _kwargs(world: World, key: str | None) -> dict:
    kwargs = {"slug": world.concept.slug}
    if key:
        kwargs["pk"] = getattr(world, key).pk
    return kwargs


def _login(client, world: World, role: str) -> None:
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])


def _expected(world: World, role: str, allowed: set[str]) -> int:
    """200 if allowed; 302 (login) for anonymous; 403 if the user may read the concept; else 404."""
    if role == "anonymous":
        return 302
    if role in allowed:
        return 200
    return 403 if world.concept.published or role in MEMBERS else 404


@pytest.mark.parametrize("name", ["quarter_delete", "action_field_delete", "swot_delete"])
def test_delete_refused_to_everyone_but_editors_and_admins(client, world, name):
    key = {"quarter_delete": "quarter", "action_field_delete": "action_field", "swot_delete": "entry"}[name]
    url = reverse(f"projects:{name}", kwargs=_kwargs(world, key))
    obj = getattr(world, key)
    for role in ("anonymous", "outsider", "other_editor", "reviewer", "funder", "moderator"):
        _login(client, world, role)
        response = client.post(url)
        assert response.status_code == _expected(world, role, EDITORS), role
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_write_posts_are_refused_to_readers(client, world):
    """A reviewer may read the concept but not change it: 403 and nothing stored."""
    _login(client, world, "reviewer")
    url = reverse("projects:quarter_create", kwargs=_kwargs(world, None))
    response = client.post(url, {"code": "QX", "name": "Neu", "municipality": world.quarter.municipality_id})
    assert response.status_code == 403
    assert not Quarter.objects.filter(code="QX").exists()


def test_objects_of_another_concept_are_not_found(client, world):
    """A pk from another concept under this concept's slug is 404, even for its editor."""
    other = f.make_concept()
    foreign_quarter = f.make_quarter(other)
    _login(client, world, "editor")
    url = reverse("projects:quarter_edit", kwargs={"slug": world.concept.slug, "pk": foreign_quarter.pk})
    assert client.get(url).status_code == 404
