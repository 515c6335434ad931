"""Quarters of a concept: list, create, edit, delete, and every refusal."""

from decimal import Decimal

import pytest

from projects.models import Quarter, SwotEntry
from tests import factories as f
from tests.pages import concept_url, messages_of

pytestmark = pytest.mark.django_db


def _data(municipality, **changes) -> dict:
    data = {
        "municipality": municipality.pk,
        "code": "Q1",
        "name": "Hallenbeck Innenstadt",
        "programme": "LZ",
        "area_ha": "1.234,5",
        "population": "6200",
        "analysis": "Leerstand im Erdgeschoss.",
        "boundary": '{"type": "Polygon", "coordinates": [[[7.1, 51.5], [7.2, 51.5], [7.2, 51.6], [7.1, 51.5]]]}',
        "order": "1",
    }
    data.update(changes)
    return data


def test_create_quarter(client, edited_concept):
    concept, hallenbeck = edited_concept
    response = client.post(concept_url("projects:quarter_create", concept), _data(hallenbeck), follow=True)
    assert response.redirect_chain == [(concept_url("projects:quarter_list", concept), 302)]
    assert messages_of(response) == ["Das Quartier „Q1 Hallenbeck Innenstadt“ wurde angelegt."]
    quarter = Quarter.objects.get(concept=concept)
    assert quarter.area_ha == Decimal("1234.50")  # German notation read
    assert quarter.boundary["type"] == "Polygon"
    assert "1.234,50" in response.content.decode()  # and shown German in the list


def test_edit_quarter_shows_german_numbers_and_saves(client, edited_concept):
    concept, hallenbeck = edited_concept
    quarter = f.make_quarter(
        concept,
        hallenbeck,
        code="Q1",
        area_ha=Decimal("42.50"),
        boundary={"type": "Point", "coordinates": [7, 51]},
    )
    page = client.get(concept_url("projects:quarter_edit", concept, quarter.pk))
    body = page.content.decode()
    assert page.context["section"] == "quarters"
    assert 'value="42,50"' in body
    assert "&quot;type&quot;: &quot;Point&quot;" in body
    response = client.post(
        concept_url("projects:quarter_edit", concept, quarter.pk),
        _data(hallenbeck, name="Neuer Name", boundary="", version=quarter.version),
    )
    assert response.status_code == 302
    quarter.refresh_from_db()
    assert quarter.name == "Neuer Name"
    assert quarter.boundary is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"area_ha": "-3"}, "area_ha", "Die Fläche darf nicht negativ sein."),
        ({"area_ha": "viel"}, "area_ha", "Bitte eine Zahl eingeben."),
        (
            {"boundary": '{"type": "Polygon", '},
            "boundary",
            "Das ist kein gültiges JSON. Bitte den GeoJSON-Text prüfen.",
        ),
        ({"boundary": '{"type": "Kreis"}'}, "boundary", "Bitte gültiges GeoJSON angeben"),
        ({"code": "Q9"}, "code", "Das Kürzel „Q9“ ist in diesem Konzept schon vergeben."),
        ({"code": ""}, "code", "Dieses Feld ist zwingend erforderlich."),
        ({"population": "-5"}, "population", "Dieser Wert muss größer oder gleich 0 sein."),
    ],
)
def test_quarter_bad_input_shows_message_at_field_and_saves_nothing(
    client, edited_concept, changes, field, message
):
    concept, hallenbeck = edited_concept
    f.make_quarter(concept, hallenbeck, code="Q9")
    response = client.post(concept_url("projects:quarter_create", concept), _data(hallenbeck, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    assert "Es wurde nichts gespeichert." in body
    assert f'id="id_{field}_error"' in body  # shown at the field
    assert Quarter.objects.filter(concept=concept).count() == 1


def test_quarter_bad_input_on_edit_keeps_stored_values(client, edited_concept):
    concept, hallenbeck = edited_concept
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", name="Alt")
    response = client.post(
        concept_url("projects:quarter_edit", concept, quarter.pk),
        _data(hallenbeck, name="Neu", area_ha="-1", version=quarter.version),
    )
    assert response.status_code == 200
    assert response.context["quarter"].name == "Alt"  # the heading shows what is stored
    assert 'value="Neu"' in response.content.decode()  # the form what was typed
    quarter.refresh_from_db()
    assert quarter.name == "Alt"


def test_quarter_municipality_must_participate(client, edited_concept):
    concept, hallenbeck = edited_concept
    elsewhere = f.make_municipality(name="Anderswo")
    response = client.post(concept_url("projects:quarter_create", concept), _data(elsewhere))
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]  # not among the choices offered
    assert not Quarter.objects.exists()
    options = response.context["form"].fields["municipality"].queryset
    assert list(options) == [hallenbeck]


def test_delete_quarter_unlinks_measures_and_says_so(client, edited_concept):
    concept, hallenbeck = edited_concept
    quarter = f.make_quarter(concept, hallenbeck, code="Q1")
    measure = f.make_measure(concept)
    measure.quarters.add(quarter)
    f.make_swot(concept, quarter=quarter)
    page = client.get(concept_url("projects:quarter_delete", concept, quarter.pk)).content.decode()
    assert "1 Maßnahme ist diesem Quartier zugeordnet. Sie bleibt erhalten" in page
    assert "1 SWOT-Eintrag zu diesem Quartier wird mitgelöscht." in page
    assert "Quartier Q1 endgültig löschen" in page
    response = client.post(concept_url("projects:quarter_delete", concept, quarter.pk), follow=True)
    assert response.redirect_chain == [(concept_url("projects:quarter_list", concept), 302)]
    assert messages_of(response) == [f"Das Quartier „{quarter}“ wurde gelöscht."]
    assert not Quarter.objects.filter(pk=quarter.pk).exists()
    assert not measure.quarters.exists()
    measure.refresh_from_db()  # the measure itself stays
    assert not SwotEntry.objects.exists()


def test_quarter_list_query_count_does_not_grow(client, edited_concept, django_assert_num_queries):
    concept, hallenbeck = edited_concept
    url = concept_url("projects:quarter_list", concept)
    for _ in range(2):
        f.make_quarter(concept, hallenbeck)
    # Queries: session (1), user (1), concept (1), the user's roles for the permission check (1),
    # quarters with municipality (1).
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for _ in range(18):
        f.make_quarter(concept, f.make_municipality())
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["quarters"]) == 20
