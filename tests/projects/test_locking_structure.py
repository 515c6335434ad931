"""No lost edits on the concept's structure: quarters, action fields with their goals, SWOT entries.

Two editors open the same object; the second save is refused with what changed meanwhile, keeps the
typed input and applies it only when saved again. The same rules as for the concept's basics and the
measures (``projects.locking``).
"""

import pytest
from django.test import Client

from projects.models import Goal, Quarter, SwotEntry
from tests import factories as f
from tests.pages import concept_url
from tests.projects.action_field_page import edit_data, goal_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    """An unpublished concept with one municipality; ``client`` is editor A, the second client editor B."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], published=False)
    client.force_login(f.make_editor(concept, "editor-a"))
    client_b = Client()
    client_b.force_login(f.make_editor(concept, "kollege"))
    return concept, hallenbeck, client_b


def _quarter_data(quarter: Quarter, **changes) -> dict:
    data = {
        "municipality": quarter.municipality_id,
        "code": quarter.code,
        "name": quarter.name,
        "programme": quarter.programme,
        "area_ha": "",
        "population": "",
        "analysis": quarter.analysis,
        "boundary": "",
        "order": quarter.order,
        "version": quarter.version,
    }
    data.update(changes)
    return data


def _changes(response) -> list[tuple[str, str, str]]:
    return [(change.label, change.old, change.new) for change in response.context["conflict"].changes]


def test_quarter_conflict_shows_changes_keeps_input_and_applies_on_second_save(client, setup):
    concept, hallenbeck, client_b = setup
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", name="Innenstadt", analysis="")
    url = concept_url("projects:quarter_edit", concept, quarter.pk)
    assert client.get(url).context["form"].initial["version"] == 1
    data_a = _quarter_data(quarter, analysis="Analyse von A")

    response_b = client_b.post(url, _quarter_data(quarter, name="Mitte"))
    assert response_b.status_code == 302

    response = client.post(url, data_a)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="conflict"' in body and "kollege hat am" in body
    assert _changes(response) == [("Name", "Innenstadt", "Mitte")]
    assert "Analyse von A</textarea>" in body  # A's input is kept
    assert 'name="version" value="2"' in body
    quarter.refresh_from_db()
    assert (quarter.name, quarter.analysis, quarter.version) == ("Mitte", "", 2)

    # Saving again applies A's input deliberately (over B's change, which A has now seen).
    response = client.post(url, dict(data_a, version=2))
    assert response.status_code == 302
    quarter.refresh_from_db()
    assert (quarter.name, quarter.analysis, quarter.version) == ("Innenstadt", "Analyse von A", 3)


def test_quarter_edit_without_version_or_after_deletion_saves_nothing(client, setup):
    concept, hallenbeck, _client_b = setup
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", name="Innenstadt")
    data = _quarter_data(quarter, name="Neu")
    del data["version"]
    response = client.post(concept_url("projects:quarter_edit", concept, quarter.pk), data)
    assert response.status_code == 200
    assert "Versionsangabe fehlt" in response.content.decode()
    quarter.refresh_from_db()
    assert quarter.name == "Innenstadt"


def test_swot_conflict_lists_the_other_change(client, setup):
    concept, _hallenbeck, client_b = setup
    entry = f.make_swot(concept, kind="S", text="Gute Lage")
    url = concept_url("projects:swot_edit", concept, entry.pk)
    data = {"kind": "S", "text": "Gute Lage", "action_field": "", "quarter": "", "version": 1}

    assert client_b.post(url, dict(data, text="Sehr gute Lage")).status_code == 302
    response = client.post(url, dict(data, kind="O"))
    assert response.status_code == 200
    assert _changes(response) == [("Text", "Gute Lage", "Sehr gute Lage")]
    entry.refresh_from_db()
    assert (entry.kind, entry.text) == ("S", "Sehr gute Lage")

    assert client.post(url, dict(data, kind="O", version=2)).status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.text, entry.version) == ("O", "Gute Lage", 3)


def test_action_field_conflict_names_goal_changes(client, setup):
    concept, _hallenbeck, client_b = setup
    action_field = f.make_action_field(concept, code="HF3", title="Grün")
    first = f.make_goal(action_field, code="Z1", title="Entsiegelung", order=1)
    second = f.make_goal(action_field, code="Z2", title="Hitzeschutz", order=2)
    url = concept_url("projects:action_field_edit", concept, action_field.pk)
    data_a = edit_data(
        action_field, [goal_row(first), goal_row(second)], extra=0, title="Grün, Klima, Wasser"
    )

    changed_by_b = edit_data(
        action_field, [goal_row(first), goal_row(second, title="Hitzeschutz im Quartier")], extra=0
    )
    assert client_b.post(url, changed_by_b).status_code == 302

    response = client.post(url, data_a)
    assert response.status_code == 200
    assert ("Ziel Z2: Titel", "Hitzeschutz", "Hitzeschutz im Quartier") in _changes(response)
    action_field.refresh_from_db()
    assert action_field.title == "Grün"
    assert Goal.objects.get(pk=second.pk).title == "Hitzeschutz im Quartier"

    response = client.post(url, dict(data_a, version=action_field.version))
    assert response.status_code == 302
    action_field.refresh_from_db()
    assert action_field.title == "Grün, Klima, Wasser"


def test_moving_a_goal_makes_an_open_action_field_page_stale(client, setup):
    concept, _hallenbeck, client_b = setup
    action_field = f.make_action_field(concept, code="HF3")
    first = f.make_goal(action_field, code="Z1", order=1)
    second = f.make_goal(action_field, code="Z2", order=2)
    data_a = edit_data(action_field, [goal_row(first), goal_row(second)], extra=0, title="Neu von A")

    moved = client_b.post(concept_url("projects:goal_move", concept, second.pk), {"direction": "up"})
    assert moved.status_code == 302
    response = client.post(concept_url("projects:action_field_edit", concept, action_field.pk), data_a)
    assert response.status_code == 200
    assert ("Ziel Z2: Reihenfolge", "2", "1") in _changes(response)
    assert list(
        Goal.objects.filter(action_field=action_field).order_by("order").values_list("code", flat=True)
    ) == [
        "Z2",
        "Z1",
    ]


def test_saving_an_entry_deleted_meanwhile_says_so(client, setup):
    concept, _hallenbeck, _client_b = setup
    entry = f.make_swot(concept, kind="S", text="Gute Lage")
    url = concept_url("projects:swot_edit", concept, entry.pk)
    page = client.get(url)
    assert page.status_code == 200
    SwotEntry.objects.filter(pk=entry.pk).delete()
    response = client.post(url, {"kind": "S", "text": "Neu", "action_field": "", "quarter": "", "version": 1})
    # The entry is gone: the page says so (the access helper answers 404 before any save is tried).
    assert response.status_code == 404
