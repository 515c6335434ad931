"""SWOT entries of a concept: grouped list, create, edit, delete."""

import pytest

from projects.models import SwotEntry
from tests import factories as f
from tests.pages import assert_queries_do_not_grow, concept_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept(client):
    """A published concept; ``client`` is logged in as its editor."""
    concept = f.make_concept(published=True)
    client.force_login(f.make_editor(concept))
    return concept


def test_swot_list_groups_by_kind(client, concept):
    f.make_swot(concept, kind=SwotEntry.Kind.THREAT, text="Abwanderung junger Menschen")
    f.make_swot(concept, kind=SwotEntry.Kind.STRENGTH, text="Historischer Marktplatz")
    response = client.get(concept_url("projects:swot_list", concept))
    groups = response.context["groups"]
    assert [group.heading for group in groups] == ["Stärken", "Schwächen", "Chancen", "Risiken"]
    assert [entry.text for entry in groups[0].entries] == ["Historischer Marktplatz"]
    assert [entry.text for entry in groups[3].entries] == ["Abwanderung junger Menschen"]
    body = response.content.decode()
    assert body.index("Historischer Marktplatz") < body.index("Abwanderung junger Menschen")
    assert response.context["section"] == "swot"


def test_create_edit_and_delete_swot_entry(client, concept):
    action_field = f.make_action_field(concept)
    quarter = f.make_quarter(concept)
    assert (
        client.get(concept_url("projects:swot_create", concept) + "?kind=O").context["form"].initial["kind"]
        == "O"
    )
    data = {
        "kind": "O",
        "text": "Bahnbrache als Flächenreserve",
        "action_field": action_field.pk,
        "quarter": quarter.pk,
    }
    response = client.post(concept_url("projects:swot_create", concept), data, follow=True)
    assert response.redirect_chain == [(concept_url("projects:swot_list", concept), 302)]
    assert messages_of(response) == [
        "Der SWOT-Eintrag „Chance: Bahnbrache als Flächenreserve“ wurde angelegt."
    ]
    entry = SwotEntry.objects.get()
    assert (entry.action_field, entry.quarter, entry.order) == (action_field, quarter, 1)

    response = client.post(
        concept_url("projects:swot_edit", concept, entry.pk),
        {**data, "kind": "W", "quarter": "", "version": entry.version},
        follow=True,
    )
    assert messages_of(response) == [
        "Der SWOT-Eintrag „Schwäche: Bahnbrache als Flächenreserve“ wurde gespeichert."
    ]
    entry.refresh_from_db()
    assert (entry.kind, entry.quarter) == ("W", None)

    assert (
        "SWOT-Eintrag endgültig löschen"
        in client.get(concept_url("projects:swot_delete", concept, entry.pk)).content.decode()
    )
    response = client.post(concept_url("projects:swot_delete", concept, entry.pk), follow=True)
    assert messages_of(response) == [
        "Der SWOT-Eintrag „Schwäche: Bahnbrache als Flächenreserve“ wurde gelöscht."
    ]
    assert not SwotEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "Dieses Feld ist zwingend erforderlich."),
        ("kind", "X", "Bitte eine gültige Auswahl treffen."),
        ("action_field", "foreign", "Bitte eine gültige Auswahl treffen."),
        ("quarter", "foreign", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_swot_bad_input(client, concept, field, value, message):
    other = f.make_concept()
    foreign = {"action_field": f.make_action_field(other).pk, "quarter": f.make_quarter(other).pk}
    data = {"kind": "S", "text": "Etwas", "action_field": "", "quarter": ""}
    data[field] = foreign[field] if value == "foreign" else value
    response = client.post(concept_url("projects:swot_create", concept), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not SwotEntry.objects.exists()


def test_swot_list_query_count_does_not_grow(client, concept, django_assert_num_queries):
    action_field = f.make_action_field(concept)
    quarter = f.make_quarter(concept)
    url = concept_url("projects:swot_list", concept)

    def build(n: int) -> None:
        for i in range(n):
            f.make_swot(concept, kind="SWOT"[i % 4], action_field=action_field, quarter=quarter)

    # Queries: session (1), user (1), concept (1), the user's roles (1), entries with action field and
    # quarter (1).
    response = assert_queries_do_not_grow(
        client, url, build, queries=5, django_assert_num_queries=django_assert_num_queries
    )
    assert sum(len(group.entries) for group in response.context["groups"]) == 20
