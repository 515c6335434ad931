"""Adding a municipality from the editor, and going back where the user came from."""

import pytest
from django.urls import reverse

from projects.models import Municipality
from tests import factories as f
from tests.pages import assert_form_error, messages_of

pytestmark = pytest.mark.django_db

URL = "/kommunen/new/"


def _data(**changes) -> dict:
    return {"name": "Sürenbruch", "ags": "05958044", "state": "NW", "population": "8000", **changes}


def test_url():
    assert reverse("projects:municipality_create") == URL


def test_create_municipality_returns_to_next(client, editor):
    back = "/konzepte/x/edit/"
    page = client.get(f"{URL}?next={back}").content.decode()
    assert f'name="next" value="{back}"' in page
    response = client.post(URL, {**_data(budget_protection="on"), "next": back})
    assert response.status_code == 302 and response.url == back
    municipality = Municipality.objects.get(ags="05958044")
    assert municipality.budget_protection and municipality.population == 8000
    response = client.get(reverse("projects:dashboard"))
    assert messages_of(response) == ["Die Kommune „Sürenbruch“ wurde angelegt."]


@pytest.mark.parametrize("unsafe", ["https://example.org/", "//example.org/", "javascript:alert(1)"])
def test_unsafe_next_goes_to_dashboard(client, editor, unsafe):
    response = client.post(URL, {**_data(), "next": unsafe})
    assert response.status_code == 302 and response.url == reverse("projects:dashboard")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ags": "1234"}, "ags", "Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."),
        ({"ags": "0595800X"}, "ags", "Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."),
        ({"ags": "05958004"}, "ags", "Diesen Gemeindeschlüssel hat schon die Kommune „Hallenbeck“."),
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
        ({"population": "-1"}, "population", "Dieser Wert muss größer oder gleich 0 sein."),
        ({"state": "XX"}, "state", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_municipality_bad_input(client, editor, changes, field, message):
    f.make_municipality(name="Hallenbeck", ags="05958004")
    count = Municipality.objects.count()
    assert_form_error(client.post(URL, _data(**changes)), field, message)
    assert Municipality.objects.count() == count
