"""Who may open which page of the concept editor, for every view and every role.

Anonymous users go to the login page. People who may not even read the concept get 404 (an unpublished
concept stays invisible), people who may read it but not do this get 403.
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
    other_editor = f.make_user()
    f.make_membership(f.make_concept(published=False), other_editor, Role.EDITOR)
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


# name, object the URL points at (None: the concept), roles allowed
EDITOR_PAGES = [
    ("concept_edit", None, EDITORS),
    ("quarter_list", None, EDITORS),
    ("quarter_create", None, EDITORS),
    ("quarter_edit", "quarter", EDITORS),
    ("quarter_delete", "quarter", EDITORS),
    ("action_field_list", None, EDITORS),
    ("action_field_create", None, EDITORS),
    ("action_field_edit", "action_field", EDITORS),
    ("action_field_delete", "action_field", EDITORS),
    ("swot_list", None, EDITORS),
    ("swot_create", None, EDITORS),
    ("swot_edit", "entry", EDITORS),
    ("swot_delete", "entry", EDITORS),
    ("membership_list", None, ADMINS),
]
# POST-only views: name, object, data, roles allowed
EDITOR_ACTIONS = [
    ("action_field_move", "action_field", {"direction": "down"}, EDITORS),
    ("goal_move", "goal", {"direction": "down"}, EDITORS),
    ("membership_delete", "membership", {}, ADMINS),
]


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


def _assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key", "allowed"), EDITOR_PAGES, ids=[page[0] for page in EDITOR_PAGES])
def test_editor_page_permissions(client, world, name, key, allowed):
    url = reverse(f"projects:{name}", kwargs=_kwargs(world, key))
    for role in ROLES:
        _login(client, world, role)
        response = client.get(url)
        expected = _expected(world, role, allowed)
        assert response.status_code == expected, (role, response.status_code)
        if expected == 302:
            _assert_login_redirect(response)


@pytest.mark.parametrize(
    ("name", "key", "data", "allowed"), EDITOR_ACTIONS, ids=[action[0] for action in EDITOR_ACTIONS]
)
def test_editor_action_permissions(client, world, name, key, data, allowed):
    url = reverse(f"projects:{name}", kwargs=_kwargs(world, key))
    _login(client, world, "admin")
    assert client.get(url).status_code == 405  # POST only
    for role in ROLES:
        _login(client, world, role)
        response = client.post(url, data)
        expected = _expected(world, role, allowed)
        if expected == 200:  # allowed: done, back to the list
            assert response.status_code == 302, role
            assert not response.url.startswith(reverse("login"))
        else:
            assert response.status_code == expected, (role, response.status_code)
        if expected == 302:
            _assert_login_redirect(response)


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


def test_dashboard_needs_login_only(client, world):
    url = reverse("projects:dashboard")
    for role in ROLES:
        _login(client, world, role)
        response = client.get(url)
        if role == "anonymous":
            _assert_login_redirect(response)
        else:
            assert response.status_code == 200, role


def test_concept_create_is_for_admins(client, world):
    url = reverse("projects:concept_create")
    for role in ROLES:
        _login(client, world, role)
        response = client.get(url)
        if role == "anonymous":
            _assert_login_redirect(response)
        else:
            assert response.status_code == (200 if role == "admin" else 403), role


def test_municipality_create_is_for_admins_and_editors_of_any_concept(client, world):
    url = reverse("projects:municipality_create")
    for role in ROLES:
        _login(client, world, role)
        response = client.get(url)
        if role == "anonymous":
            _assert_login_redirect(response)
        else:
            allowed = role in {"admin", "editor", "other_editor"}
            assert response.status_code == (200 if allowed else 403), role


def test_objects_of_another_concept_are_not_found(client, world):
    """A pk from another concept under this concept's slug is 404, even for its editor."""
    other = f.make_concept()
    foreign_quarter = f.make_quarter(other)
    _login(client, world, "editor")
    url = reverse("projects:quarter_edit", kwargs={"slug": world.concept.slug, "pk": foreign_quarter.pk})
    assert client.get(url).status_code == 404
