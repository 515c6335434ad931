"""Adding an organisation (planning office, lead body) from the editor, and going back."""

import pytest
from django.urls import reverse

from projects.models import ConceptMembership, Organisation
from tests import factories as f
from tests.pages import assert_form_error, messages_of, page_queries

pytestmark = pytest.mark.django_db

URL = "/organisationen/new/"


def _data(**changes) -> dict:
    return {
        "name": "Stadtplanung Nord GmbH",
        "kind": "planning_office",
        "city": "Hallenbeck",
        "website": "",
        **changes,
    }


def test_url_and_links():
    assert reverse("projects:organisation_create") == URL


def test_create_organisation_returns_to_next_and_is_offered_in_the_concept(client, editor):
    concept = f.make_concept()
    f.make_membership(concept, editor, ConceptMembership.Role.EDITOR)
    edit_url = reverse("projects:concept_edit", kwargs={"slug": concept.slug})
    assert f'href="{URL}?next=' in client.get(edit_url).content.decode()
    response = client.post(URL, {**_data(), "next": edit_url})
    assert response.status_code == 302 and response.url == edit_url
    organisation = Organisation.objects.get(name="Stadtplanung Nord GmbH")
    assert (organisation.kind, organisation.city) == ("planning_office", "Hallenbeck")
    page = client.get(edit_url)
    assert messages_of(page) == ["Die Organisation „Stadtplanung Nord GmbH“ wurde angelegt."]
    assert "Stadtplanung Nord GmbH" in page.content.decode()  # now among the choices


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
        ({"name": "planungsbüro west"}, "name", "Die Organisation „planungsbüro west“ gibt es schon."),
        ({"kind": "bank"}, "kind", "Bitte eine gültige Auswahl treffen."),
        ({"website": "kein link"}, "website", "Bitte eine gültige Adresse eingeben."),
    ],
)
def test_organisation_bad_input(client, editor, changes, field, message):
    f.make_organisation(name="Planungsbüro West")
    count = Organisation.objects.count()
    assert_form_error(client.post(URL, _data(**changes)), field, message)
    assert Organisation.objects.count() == count


def test_organisation_page_query_count(client, editor):
    # session, user, the user's roles (for the permission); nothing else
    assert page_queries(client, URL) == 3
