"""Roles in a concept: the admin's table and form."""

import pytest
from django.urls import reverse

from projects.models import ConceptMembership
from tests import factories as f
from tests.pages import assert_form_error, assert_queries_do_not_grow, messages_of

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


@pytest.fixture
def setup(client, admin_user):
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck])
    client.force_login(admin_user)
    return concept, hallenbeck


def _url(concept) -> str:
    return reverse("projects:membership_list", kwargs={"slug": concept.slug})


def test_admin_gives_roles_by_user_name(client, setup):
    concept, hallenbeck = setup
    f.make_user("planerin")
    f.make_user("pruefer")
    response = client.post(
        _url(concept), {"user": "planerin", "role": Role.EDITOR, "municipality": hallenbeck.pk}, follow=True
    )
    assert response.redirect_chain == [(_url(concept), 302)]
    assert messages_of(response) == ["planerin hat jetzt die Rolle „Bearbeitung (Planungsbüro)“."]
    editor = concept.memberships.get(user__username="planerin")
    assert editor.municipality is None  # only reviewers have a municipality
    response = client.post(
        _url(concept), {"user": "pruefer", "role": Role.REVIEWER, "municipality": hallenbeck.pk}, follow=True
    )
    body = response.content.decode()
    assert "Rolle „Prüfung (Kommune)“ von pruefer entfernen" in body
    assert "<td>Hallenbeck</td>" in body
    assert concept.memberships.get(user__username="pruefer").municipality == hallenbeck


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"user": "pruefer", "role": Role.REVIEWER, "municipality": ""},
            "municipality",
            "Für die Prüfung bitte die Kommune wählen",
        ),
        (
            {"user": "planerin", "role": Role.EDITOR},
            "user",
            "planerin hat diese Rolle in diesem Konzept schon.",
        ),
        (
            {"user": "niemand", "role": Role.EDITOR},
            "user",
            "Es gibt keine aktive Person mit diesem Benutzernamen.",
        ),
        (
            {"user": "inaktiv", "role": Role.EDITOR},
            "user",
            "Es gibt keine aktive Person mit diesem Benutzernamen.",
        ),
        (
            {"user": "pruefer", "role": Role.REVIEWER, "municipality": "foreign"},
            "municipality",
            "Bitte eine gültige Auswahl treffen.",
        ),
        ({"user": "pruefer", "role": "chef"}, "role", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_membership_bad_input(client, setup, data, field, message):
    concept, _hallenbeck = setup
    f.make_membership(concept, f.make_user("planerin"), Role.EDITOR)
    f.make_user("pruefer")
    f.make_user("inaktiv", is_active=False)
    if data.get("municipality") == "foreign":
        data = {**data, "municipality": f.make_municipality().pk}
    assert_form_error(client.post(_url(concept), data), field, message)
    assert concept.memberships.count() == 1


def test_membership_delete(client, setup):
    concept, _hallenbeck = setup
    membership = f.make_membership(concept, f.make_user("planerin"), Role.EDITOR)
    other = f.make_concept()
    url = reverse("projects:membership_delete", kwargs={"slug": other.slug, "pk": membership.pk})
    assert client.post(url).status_code == 404  # a role of another concept is not found under this one
    url = reverse("projects:membership_delete", kwargs={"slug": concept.slug, "pk": membership.pk})
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(_url(concept), 302)]
    assert messages_of(response) == ["planerin hat die Rolle „Bearbeitung (Planungsbüro)“ nicht mehr."]
    assert not concept.memberships.exists()
    assert membership.user.__class__.objects.filter(username="planerin").exists()


def test_membership_list_query_count_does_not_grow(client, setup, django_assert_num_queries):
    concept, hallenbeck = setup
    url = _url(concept)

    def build(n: int) -> None:
        for i in range(n):
            role = [Role.EDITOR, Role.REVIEWER, Role.FUNDER, Role.MODERATOR][i % 4]
            f.make_membership(
                concept, f.make_user(), role, municipality=hallenbeck if role == Role.REVIEWER else None
            )

    # Queries: session (1), user (1), concept (1), memberships with user and municipality (1), the
    # municipalities offered in the form (1). The admin's permission needs no query; the user name is
    # typed, so no list of all people is loaded.
    response = assert_queries_do_not_grow(
        client, url, build, queries=5, django_assert_num_queries=django_assert_num_queries
    )
    assert len(response.context["memberships"]) == 20
