"""Action fields and their goals: create, edit with the goals table, delete, reorder."""

import pytest

from projects.models import ActionField, Goal, SwotEntry
from tests import factories as f
from tests.pages import assert_queries_do_not_grow, concept_url, messages_of
from tests.projects.action_field_page import edit_data, goal_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept(edited_concept):
    return edited_concept[0]


def test_create_action_field_goes_last_and_on_to_its_goals(client, concept):
    f.make_action_field(concept, code="HF1", order=1)
    response = client.post(
        concept_url("projects:action_field_create", concept),
        {"code": "HF2", "title": "Öffentlicher Raum", "description": "", "colour": "#336699"},
        follow=True,
    )
    created = ActionField.objects.get(concept=concept, code="HF2")
    assert response.redirect_chain == [(concept_url("projects:action_field_edit", concept, created.pk), 302)]
    assert "Das Handlungsfeld „HF2 Öffentlicher Raum“ wurde angelegt." in messages_of(response)[0]
    assert created.order == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "HF1"}, "code", "Das Kürzel „HF1“ ist in diesem Konzept schon vergeben."),
        ({"colour": "blau"}, "colour", "Bitte eine Farbe im Format #RRGGBB angeben."),
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_create_action_field_bad_input(client, concept, changes, field, message):
    f.make_action_field(concept, code="HF1")
    data = {"code": "HF2", "title": "Neu", "description": "", "colour": "#336699", **changes}
    response = client.post(concept_url("projects:action_field_create", concept), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert ActionField.objects.filter(concept=concept).count() == 1


def test_edit_action_field_adds_changes_deletes_and_orders_goals(client, concept):
    action_field = f.make_action_field(concept, code="HF3", title="Grün")
    heat = f.make_goal(action_field, code="Z1", title="Hitzeschutz", order=1)
    sponge = f.make_goal(action_field, code="Z2", title="Schwammstadt", order=2)
    gone = f.make_goal(action_field, code="Z3", title="Alt", order=3)
    page = client.get(concept_url("projects:action_field_edit", concept, action_field.pk))
    assert [form.initial["code"] for form in page.context["formset"].forms[:3]] == ["Z1", "Z2", "Z3"]
    assert len(page.context["formset"].forms) == 5  # three goals, two empty rows
    data = edit_data(
        action_field,
        [
            goal_row(heat, order=5),
            goal_row(sponge, title="Schwammstadt-Prinzip"),
            goal_row(gone, DELETE=True),
            {"code": "Z4", "title": "Entsiegelung", "order": "1"},
        ],
        title="Grün, Klima, Wasser",
    )
    response = client.post(
        concept_url("projects:action_field_edit", concept, action_field.pk), data, follow=True
    )
    assert response.redirect_chain == [
        (concept_url("projects:action_field_list", concept) + f"#action-field-{action_field.pk}", 302)
    ]
    assert messages_of(response) == ["Das Handlungsfeld „HF3 Grün, Klima, Wasser“ wurde gespeichert."]
    goals = list(action_field.goals.order_by("order").values_list("code", "title", "order"))
    assert goals == [("Z4", "Entsiegelung", 1), ("Z2", "Schwammstadt-Prinzip", 2), ("Z1", "Hitzeschutz", 3)]
    assert not Goal.objects.filter(pk=gone.pk).exists()


def test_edit_goals_may_swap_codes(client, concept):
    action_field = f.make_action_field(concept)
    first = f.make_goal(action_field, code="Z1", order=1)
    second = f.make_goal(action_field, code="Z2", order=2)
    data = edit_data(action_field, [goal_row(first, code="Z2"), goal_row(second, code="Z1")])
    assert (
        client.post(concept_url("projects:action_field_edit", concept, action_field.pk), data).status_code
        == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.code, second.code) == ("Z2", "Z1")


def test_edit_refuses_duplicate_goal_code_and_saves_nothing(client, concept):
    action_field = f.make_action_field(concept, title="Alt")
    goal = f.make_goal(action_field, code="Z1", title="Bleibt")
    data = edit_data(action_field, [goal_row(goal), {"code": "Z1", "title": "Doppelt"}], title="Neu")
    response = client.post(concept_url("projects:action_field_edit", concept, action_field.pk), data)
    assert response.status_code == 200
    row = response.context["formset"].forms[1]
    assert row.errors["code"] == ["Das Kürzel „Z1“ kommt in diesem Handlungsfeld mehrfach vor."]
    body = response.content.decode()
    assert "Bitte prüfen Sie die markierten Zeilen: 1, 2." in body
    assert 'id="id_goals-1-code_error"' in body
    action_field.refresh_from_db()
    assert action_field.title == "Alt"
    assert list(action_field.goals.values_list("title", flat=True)) == ["Bleibt"]


def test_edit_incomplete_goal_row_is_refused(client, concept):
    action_field = f.make_action_field(concept)
    data = edit_data(action_field, [{"code": "Z1", "title": ""}])
    response = client.post(concept_url("projects:action_field_edit", concept, action_field.pk), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["title"] == ["Dieses Feld ist zwingend erforderlich."]
    assert not Goal.objects.exists()


def test_delete_action_field_refused_while_measures_use_it(client, concept):
    action_field = f.make_action_field(concept, code="HF2")
    f.make_measure(concept, action_field)
    page = client.get(concept_url("projects:action_field_delete", concept, action_field.pk)).content.decode()
    assert "HF2 kann nicht gelöscht werden: 1 Maßnahme gehört noch zu diesem Handlungsfeld." in page
    assert "endgültig löschen" not in page
    response = client.post(concept_url("projects:action_field_delete", concept, action_field.pk), follow=True)
    assert response.redirect_chain == [(concept_url("projects:action_field_list", concept), 302)]
    assert (
        "HF2 kann nicht gelöscht werden: 1 Maßnahme gehört noch zu diesem Handlungsfeld."
        in messages_of(response)[0]
    )
    assert ActionField.objects.filter(pk=action_field.pk).exists()


def test_delete_action_field_with_goals_and_swot_and_renumbers(client, concept):
    first = f.make_action_field(concept, code="HF1", order=1)
    doomed = f.make_action_field(concept, code="HF2", order=2)
    last = f.make_action_field(concept, code="HF3", order=3)
    f.make_goal(doomed)
    f.make_swot(concept, action_field=doomed)
    page = client.get(concept_url("projects:action_field_delete", concept, doomed.pk)).content.decode()
    assert (
        "1 Ziel wird mitgelöscht." in page
        and "1 SWOT-Eintrag zu diesem Handlungsfeld wird mitgelöscht." in page
    )
    response = client.post(concept_url("projects:action_field_delete", concept, doomed.pk), follow=True)
    assert messages_of(response) == [f"Das Handlungsfeld „{doomed}“ wurde gelöscht."]
    assert list(concept.action_fields.order_by("order").values_list("pk", "order")) == [
        (first.pk, 1),
        (last.pk, 2),
    ]
    assert not Goal.objects.exists() and not SwotEntry.objects.exists()


def test_move_action_fields_up_and_down_renumbers_contiguously(client, concept):
    # Gaps and ties in the stored order are fixed by the first move.
    one = f.make_action_field(concept, code="HF1", order=10)
    two = f.make_action_field(concept, code="HF2", order=20)
    three = f.make_action_field(concept, code="HF3", order=20)

    def codes():
        return list(concept.action_fields.order_by("order").values_list("code", "order"))

    response = client.post(
        concept_url("projects:action_field_move", concept, three.pk), {"direction": "up"}, follow=True
    )
    assert response.redirect_chain == [
        (concept_url("projects:action_field_list", concept) + f"#action-field-{three.pk}", 302)
    ]
    assert messages_of(response) == [f"„{three}“ steht jetzt eine Stelle weiter oben."]
    assert codes() == [("HF1", 1), ("HF3", 2), ("HF2", 3)]
    client.post(
        concept_url("projects:action_field_move", concept, one.pk), {"direction": "down"}, follow=True
    )
    assert codes() == [("HF3", 1), ("HF1", 2), ("HF2", 3)]
    response = client.post(
        concept_url("projects:action_field_move", concept, two.pk), {"direction": "down"}, follow=True
    )
    assert messages_of(response) == [f"„{two}“ steht schon am Rand der Liste."]
    assert codes() == [("HF3", 1), ("HF1", 2), ("HF2", 3)]
    response = client.post(
        concept_url("projects:action_field_move", concept, two.pk), {"direction": "sideways"}, follow=True
    )
    assert "Es wurde nichts verschoben." in messages_of(response)[0]
    assert codes() == [("HF3", 1), ("HF1", 2), ("HF2", 3)]
    # The list shows the buttons that say what they do, without "up" for the first.
    body = response.content.decode()
    assert "HF1 nach oben verschieben" in body and "HF3 nach oben verschieben" not in body


def test_move_goal_within_its_action_field(client, concept):
    action_field = f.make_action_field(concept, code="HF1")
    other_field = f.make_action_field(concept, code="HF2")
    first = f.make_goal(action_field, code="Z1", order=1)
    second = f.make_goal(action_field, code="Z2", order=2)
    elsewhere = f.make_goal(other_field, code="Z9", order=1)
    response = client.post(
        concept_url("projects:goal_move", concept, second.pk), {"direction": "up"}, follow=True
    )
    assert response.redirect_chain == [
        (concept_url("projects:action_field_list", concept) + f"#goal-{second.pk}", 302)
    ]
    assert list(action_field.goals.order_by("order").values_list("code", "order")) == [("Z2", 1), ("Z1", 2)]
    elsewhere.refresh_from_db()
    assert elsewhere.order == 1
    assert "Ziel Z1 (HF1) nach oben verschieben" in response.content.decode()
    first.refresh_from_db()
    assert first.order == 2


def test_action_field_list_query_count_does_not_grow(client, concept, django_assert_num_queries):
    def build(n: int) -> None:
        for _ in range(n):
            action_field = f.make_action_field(concept)
            f.make_goal(action_field)
            f.make_goal(action_field)
            f.make_measure(concept, action_field)

    url = concept_url("projects:action_field_list", concept)
    # Queries: session (1), user (1), concept (1), the user's roles (1), action fields with measure
    # counts (1), their goals (1).
    response = assert_queries_do_not_grow(
        client, url, build, queries=6, django_assert_num_queries=django_assert_num_queries
    )
    assert len(response.context["action_fields"]) == 20
