"""Creating a concept and editing its basics and municipalities, including the edit conflict."""

import pytest
from django.urls import reverse

from projects.models import Concept, ConceptMembership, ConceptMunicipality
from tests import factories as f
from tests.pages import assert_form_error, messages_of, page_queries

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


def _edit_url(concept: Concept) -> str:
    return reverse("projects:concept_edit", kwargs={"slug": concept.slug})


def _edit_data(concept: Concept, participations: list[tuple], **changes) -> dict:
    """The edit form as the browser sends it: the concept's values, ``changes`` and the municipality rows
    (``(municipality, role)`` or ``(municipality, role, delete)``), plus two empty extra rows."""
    data = {
        "title": concept.title,
        "kind": concept.kind,
        "summary": concept.summary,
        "vision": concept.vision,
        "year_from": concept.year_from,
        "year_to": concept.year_to,
        "status": concept.status,
        "lead_organisation": concept.lead_organisation_id or "",
        "planning_office": concept.planning_office_id or "",
        "version": concept.version,
    }
    if concept.published:
        data["published"] = "on"
    data.update(changes)
    rows = [*participations, (None, ConceptMunicipality.Role.MEMBER), (None, ConceptMunicipality.Role.MEMBER)]
    data.update(
        {
            "municipalities-TOTAL_FORMS": len(rows),
            "municipalities-INITIAL_FORMS": len(participations),
            "municipalities-MIN_NUM_FORMS": 0,
            "municipalities-MAX_NUM_FORMS": 100,
        }
    )
    for index, (municipality, role, *delete) in enumerate(rows):
        data[f"municipalities-{index}-municipality"] = municipality.pk if municipality else ""
        data[f"municipalities-{index}-role"] = role
        if delete and delete[0]:
            data[f"municipalities-{index}-DELETE"] = "on"
    return data


@pytest.fixture
def editor_setup(client):
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], title="IIHK Lippe-Wesseltal", published=False)
    editor = f.make_editor(concept, "planerin")
    client.force_login(editor)
    return concept, hallenbeck, editor


# --- Create ----------------------------------------------------------------------------------------


def test_admin_creates_empty_concept_without_becoming_member(client, admin_user):
    office = f.make_organisation(name="Stadtplanung Nord")
    client.force_login(admin_user)
    response = client.post(
        reverse("projects:concept_create"),
        {
            "title": "IHK Innenstadt Rheinwerth",
            "slug": "ihk-rheinwerth",
            "kind": "IHK",
            "year_from": 2025,
            "year_to": 2032,
            "lead_organisation": "",
            "planning_office": office.pk,
        },
        follow=True,
    )
    concept = Concept.objects.get(slug="ihk-rheinwerth")
    assert response.redirect_chain[-1][0] == _edit_url(concept)
    assert "Das Konzept „IHK Innenstadt Rheinwerth“ wurde angelegt." in messages_of(response)[0]
    assert concept.planning_office == office
    assert not concept.published
    assert not concept.memberships.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_to": 2020}, "year_to", "Das Endjahr darf nicht vor dem Anfangsjahr liegen."),
        ({"slug": "vergeben"}, "slug", "Der Kurzname „vergeben“ ist schon vergeben."),
        ({"slug": "new"}, "slug", "Dieser Kurzname ist reserviert."),
        ({"slug": "mit leerzeichen"}, "slug", "Kürzel"),
        ({"year_from": 1999}, "year_from", "Bitte ein Jahr ab 2000 angeben."),
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_concept_create_bad_input(client, admin_user, changes, field, message):
    f.make_concept(slug="vergeben")
    client.force_login(admin_user)
    data = {"title": "Neu", "slug": "neu", "kind": "IHK", "year_from": 2025, "year_to": 2030, **changes}
    assert_form_error(client.post(reverse("projects:concept_create"), data), field, message)
    assert Concept.objects.count() == 1


# --- Edit ------------------------------------------------------------------------------------------


def test_edit_form_shows_basics_municipalities_and_two_empty_rows(client, editor_setup):
    concept, _hallenbeck, _editor = editor_setup
    response = client.get(_edit_url(concept))
    assert response.status_code == 200
    assert response.context["section"] == "basics"
    assert response.context["concept"] == concept
    formset = response.context["formset"]
    assert len(formset.forms) == 3  # one municipality + two empty rows for adding without JavaScript
    body = response.content.decode()
    assert 'name="version" value="1"' in body
    assert "Kommune (Zeile 1)" in body  # every input in the table is labelled
    assert '<caption class="visually-hidden">Beteiligte Kommunen und ihre Rolle</caption>' in body


def test_edit_saves_basics_and_adds_municipality(client, editor_setup):
    concept, hallenbeck, editor = editor_setup
    rheinwerth = f.make_municipality(name="Rheinwerth")
    data = _edit_data(
        concept,
        [(hallenbeck, "lead")],
        title="IIHK Lippe-Wesseltal 2030",
        kind="IIHK",
        vision="Zwei Städte, ein Fluss.",
        published="on",
    )
    data["municipalities-1-municipality"] = rheinwerth.pk
    response = client.post(_edit_url(concept), data, follow=True)
    assert response.redirect_chain == [(_edit_url(concept), 302)]
    assert messages_of(response) == ["Die Stammdaten wurden gespeichert."]
    concept.refresh_from_db()
    assert (concept.title, concept.kind, concept.vision, concept.published) == (
        "IIHK Lippe-Wesseltal 2030",
        "IIHK",
        "Zwei Städte, ein Fluss.",
        True,
    )
    assert concept.version == 2
    assert concept.history.first().history_user == editor
    assert set(concept.participations.values_list("municipality__name", "role")) == {
        ("Hallenbeck", "lead"),
        ("Rheinwerth", "member"),
    }


def test_edit_removes_unused_municipality_and_changes_role(client, editor_setup):
    concept, hallenbeck, _editor = editor_setup
    rheinwerth = f.make_municipality(name="Rheinwerth")
    ConceptMunicipality.objects.create(concept=concept, municipality=rheinwerth)
    data = _edit_data(concept, [(hallenbeck, "lead", True), (rheinwerth, "lead")])
    response = client.post(_edit_url(concept), data)
    assert response.status_code == 302
    assert list(concept.participations.values_list("municipality__name", "role")) == [("Rheinwerth", "lead")]


@pytest.mark.parametrize("used_by", ["quarter", "measure"])
def test_edit_refuses_to_remove_municipality_in_use(client, editor_setup, used_by):
    concept, hallenbeck, _editor = editor_setup
    if used_by == "quarter":
        f.make_quarter(concept, hallenbeck)
    else:
        f.make_measure(concept, municipality=hallenbeck)
    data = _edit_data(concept, [(hallenbeck, "lead", True)], title="Neuer Titel")
    response = client.post(_edit_url(concept), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hallenbeck kann nicht entfernt werden" in body
    assert "Es wurde nichts gespeichert." in body
    concept.refresh_from_db()
    assert concept.title == "IIHK Lippe-Wesseltal" and concept.version == 1
    assert concept.participations.filter(municipality=hallenbeck).exists()
    assert response.context["concept"].title == "IIHK Lippe-Wesseltal"  # the page header shows what is stored


def test_edit_refuses_municipality_twice_and_end_before_start(client, editor_setup):
    concept, hallenbeck, _editor = editor_setup
    data = _edit_data(concept, [(hallenbeck, "lead")], year_from=2030, year_to=2024)
    data["municipalities-1-municipality"] = hallenbeck.pk
    response = client.post(_edit_url(concept), data)
    assert response.status_code == 200
    assert response.context["form"].errors["year_to"] == [
        "Das Endjahr darf nicht vor dem Anfangsjahr liegen."
    ]
    row = response.context["formset"].forms[1]
    assert row.errors["municipality"] == [
        "Hallenbeck ist mehrfach eingetragen. Jede Kommune bitte nur einmal."
    ]
    assert "Bitte prüfen Sie die markierten Zeilen: 1, 2." in response.content.decode()
    concept.refresh_from_db()
    assert (concept.year_from, concept.year_to, concept.version) == (2024, 2030, 1)
    assert concept.participations.count() == 1


def test_edit_conflict_keeps_input_lists_changes_and_applies_on_second_save(client, editor_setup):
    concept, hallenbeck, _editor = editor_setup
    # A (the logged-in editor) loads the form at version 1.
    loaded = client.get(_edit_url(concept)).context["form"]
    assert loaded.initial["version"] == 1
    data_a = _edit_data(concept, [(hallenbeck, "lead")], vision="Leitbild von A")
    # B saves meanwhile.
    other = f.make_editor(concept, "kollege")
    client_b = client.__class__()
    client_b.force_login(other)
    assert (
        client_b.post(
            _edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], title="Titel von B")
        ).status_code
        == 302
    )

    # A saves: conflict, nothing overwritten, A's input still in the form, B's change listed.
    response = client.post(_edit_url(concept), data_a)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="conflict"' in body
    assert "kollege hat am" in body
    changes = [(change.label, change.old, change.new) for change in response.context["conflict"].changes]
    assert changes == [("Titel", "IIHK Lippe-Wesseltal", "Titel von B")]
    assert "Titel von B" in body and "Bitte prüfen Sie Ihre Eingaben und speichern Sie erneut." in body
    assert "Leitbild von A</textarea>" in body
    assert 'name="version" value="2"' in body
    concept.refresh_from_db()
    assert (concept.title, concept.vision, concept.version) == ("Titel von B", "", 2)

    # A saves again (the form now carries version 2): A's input applies.
    again = dict(data_a, version=2)
    response = client.post(_edit_url(concept), again)
    assert response.status_code == 302
    concept.refresh_from_db()
    assert (concept.title, concept.vision, concept.version) == ("IIHK Lippe-Wesseltal", "Leitbild von A", 3)


def test_concept_history_lists_who_changed_which_text(client, editor_setup):
    concept, hallenbeck, editor = editor_setup
    client.post(_edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], vision="Alt und grau."))
    concept.refresh_from_db()
    client.post(_edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], vision="Grün am Fluss."))
    url = reverse("projects:concept_history", kwargs={"slug": concept.slug})
    response = client.get(url)
    assert response.status_code == 200
    entries = response.context["entries"]
    newest = entries[0]
    assert newest.user == editor.get_username()
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("Leitbild", "Alt und grau.", "Grün am Fluss.")
    ]
    body = response.content.decode()
    assert "Grün am Fluss." in body
    assert "Alt und grau." in body


def test_concept_history_query_count_does_not_grow(client, editor_setup):
    concept, hallenbeck, _editor = editor_setup
    url = reverse("projects:concept_history", kwargs={"slug": concept.slug})

    before = page_queries(client, url)
    for text in ("Eins", "Zwei", "Drei", "Vier"):
        concept.refresh_from_db()
        client.post(_edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], vision=text))
    assert page_queries(client, url) == before


def test_concept_history_covers_quarters_action_fields_goals_and_swot(client, editor_setup):
    concept, hallenbeck, editor = editor_setup
    url = reverse("projects:concept_history", kwargs={"slug": concept.slug})

    # One of each first (so every query runs), then more: the count stays.
    first_field = f.make_action_field(concept, code="HF1")
    f.make_goal(first_field, code="Z0")
    f.make_quarter(concept, hallenbeck, code="Q0")
    before = page_queries(client, url)
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", name="Innenstadt")
    quarter.name = "Mitte"
    quarter._history_user = editor
    quarter.save()
    action_field = f.make_action_field(concept, code="HF9")
    f.make_goal(action_field, code="Z1", title="Weniger Leerstand")
    f.make_swot(concept, kind="T", text="Online-Handel")
    assert page_queries(client, url) == before  # a fixed number of queries however long the history

    entries = client.get(url).context["entries"]
    labels = {(entry.object_label, entry.kind_label) for entry in entries}
    assert {
        ("Quartier Q1", "geändert"),
        ("Quartier Q1", "angelegt"),
        ("Handlungsfeld HF9", "angelegt"),
        ("Ziel HF9/Z1", "angelegt"),
        ("SWOT: Online-Handel", "angelegt"),
    } <= labels
    renamed = next(entry for entry in entries if entry.object_label == "Quartier Q1" and entry.kind == "~")
    assert [(c.label, c.old, c.new) for c in renamed.changes] == [("Name", "Innenstadt", "Mitte")]
    assert renamed.user == editor.get_username()


@pytest.mark.parametrize("total", ["0", "2"])
def test_a_municipality_leaves_only_when_marked(client, editor_setup, total):
    # A crafted (or half-loaded) page whose table leaves out a stored municipality used to drop it.
    concept, hallenbeck, _editor = editor_setup
    ConceptMunicipality.objects.create(concept=concept, municipality=f.make_municipality(name="Rheinwerth"))
    data = _edit_data(concept, [(hallenbeck, "lead")])
    data["municipalities-TOTAL_FORMS"] = total
    data["municipalities-INITIAL_FORMS"] = "0"
    if total == "0":
        data = {key: value for key, value in data.items() if not key.startswith("municipalities-0")}
    response = client.post(_edit_url(concept), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rheinwerth fehlt in der Liste, ohne zum Entfernen markiert zu sein" in body
    names = set(concept.participations.values_list("municipality__name", flat=True))
    assert names == {"Hallenbeck", "Rheinwerth"}
    concept.refresh_from_db()
    assert concept.version == 1
