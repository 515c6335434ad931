"""Free texts have a length limit, named in the message, on every path: the editor's forms, the admin and
``full_clean`` (which the services and the Excel import run). A POST too large for the server gets a
German page, not a bare error.

The measure editor's side is in ``tests/funding/test_views_measure_text_limits.py``.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.fields import LimitedTextField
from projects.formatting import format_number
from projects.models import Concept, Quarter, SwotEntry
from projects.validators import LONG_TEXT, SHORT_TEXT
from tests import factories as f
from tests.projects.test_views_concept import _edit_data

pytestmark = pytest.mark.django_db

LONG_MESSAGE = "Der Text ist zu lang: 20.001 Zeichen, erlaubt sind höchstens 20.000."
SHORT_MESSAGE = "Der Text ist zu lang: 5.001 Zeichen, erlaubt sind höchstens 5.000."


def _limited_fields() -> list[tuple[str, str]]:
    return [
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, LimitedTextField) and not model.__name__.startswith("Historical")
    ]


def test_every_free_text_of_the_app_has_a_limit():
    """No plain TextField is left in our apps."""
    unlimited = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"projects", "measures", "funding", "participation"}
        and not model.__name__.startswith("Historical")  # the history's own bookkeeping
        for field in model._meta.fields
        if type(field).__name__ == "TextField"
    ]
    assert unlimited == []
    assert ("measures.Measure", "description") in _limited_fields()


@pytest.mark.parametrize(("label", "name"), _limited_fields())
def test_full_clean_refuses_a_text_over_the_limit(label, name):
    model = apps.get_model(label)
    field = model._meta.get_field(name)
    instance = model(**{name: "x" * (field.max_length + 1)})
    with pytest.raises(ValidationError) as error:
        instance.clean_fields(exclude=[other.name for other in model._meta.fields if other.name != name])
    limit, length = format_number(field.max_length, 0), format_number(field.max_length + 1, 0)
    assert error.value.message_dict[name] == [
        f"Der Text ist zu lang: {length} Zeichen, erlaubt sind höchstens {limit}."
    ]
    model(**{name: "x" * field.max_length}).clean_fields(
        exclude=[other.name for other in model._meta.fields if other.name != name]
    )


def test_concept_vision_over_the_limit_is_refused(client, edited_concept):
    concept, hallenbeck = edited_concept
    url = reverse("projects:concept_edit", kwargs={"slug": concept.slug})
    data = _edit_data(concept, [(hallenbeck, "lead")], vision="x" * (LONG_TEXT + 1))
    data["municipalities-INITIAL_FORMS"] = 1
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["vision"] == [LONG_MESSAGE]
    assert 'maxlength="20000"' in response.content.decode()
    concept.refresh_from_db()
    assert (concept.vision, concept.version) == ("", 1)


def test_quarter_analysis_and_swot_text_over_the_limit_are_refused(client, edited_concept):
    concept, hallenbeck = edited_concept
    quarter_data = {"municipality": hallenbeck.pk, "code": "Q1", "name": "Innenstadt", "programme": "LZ"}
    response = client.post(
        reverse("projects:quarter_create", kwargs={"slug": concept.slug}),
        {**quarter_data, "order": "1", "analysis": "x" * (LONG_TEXT + 1)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["analysis"] == [LONG_MESSAGE]
    assert not Quarter.objects.exists()

    response = client.post(
        reverse("projects:swot_create", kwargs={"slug": concept.slug}),
        {"kind": "S", "text": "x" * (SHORT_TEXT + 1)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [SHORT_MESSAGE]
    assert not SwotEntry.objects.exists()


def test_admin_refuses_a_text_over_the_limit(admin_client):
    concept = f.make_concept(title="IHK Teststadt")
    url = reverse("admin:projects_concept_change", args=[concept.pk])
    page = admin_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    response = admin_client.post(url, {**data, "summary": "x" * (LONG_TEXT + 1)})
    assert response.status_code == 200
    assert LONG_MESSAGE in response.content.decode()
    assert Concept.objects.get().summary == ""


# --- a POST larger than the server takes -------------------------------------------------------------


def test_a_post_too_large_gets_a_german_page(client, edited_concept, settings):
    concept, _hallenbeck = edited_concept
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    url = reverse("projects:swot_create", kwargs={"slug": concept.slug})
    response = client.post(url, {"kind": "S", "text": "x" * 60_000})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="de"' in body
    assert "Die gesendeten Daten sind zu umfangreich" in body
    assert "Es wurde nichts gespeichert." in body
    assert not SwotEntry.objects.exists()


def test_too_many_fields_get_a_german_page(client, edited_concept, settings):
    concept, _hallenbeck = edited_concept
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    url = reverse("projects:swot_create", kwargs={"slug": concept.slug})
    response = client.post(url, {"kind": "S", "text": "x", **{f"feld{n}": "1" for n in range(20)}})
    assert response.status_code == 400
    assert "Die gesendeten Daten sind zu umfangreich" in response.content.decode()
