"""A measure's location (GeoJSON) through the measure editor: whatever is typed or pasted, a German
message at the field and nothing saved, never a server error. The cases are those of
``tests/projects/test_geojson.py``."""

import pytest
from django.urls import reverse

from measures.models import Measure
from tests.funding.editor_page import create_url, edit_post, full_post
from tests.projects.test_geojson import BAD_TEXTS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("label", "text", "message"), BAD_TEXTS, ids=[row[0] for row in BAD_TEXTS])
def test_measure_editor_refuses_bad_geojson(client, s, label, text, message):
    response = client.post(create_url(s), full_post(s, location=text))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["location"])
    assert message in errors, errors
    assert not Measure.objects.exists()

    assert client.post(create_url(s), full_post(s)).status_code == 302
    measure = Measure.objects.get()
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    response = client.post(url, edit_post(measure, s, location=text))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["location"])
    measure.refresh_from_db()
    assert (measure.location, measure.version) == (None, 1)


def test_a_measure_without_location_shows_an_empty_box(client, s):
    assert client.post(create_url(s), full_post(s)).status_code == 302
    measure = Measure.objects.get()
    assert measure.location is None
    page = client.get(reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk]))
    assert page.context["form"]["location"].value() in (None, "")
    assert "null</textarea>" not in page.content.decode()
