"""The public pages: the list of published concepts and a concept's overview."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import ConceptMembership
from tests import factories as f
from tests.pages import page_queries

pytestmark = pytest.mark.django_db


def build_concept(n_measures: int, **fields):
    """A concept with two municipalities, quarters, goals, SWOT and ``n_measures`` funded measures."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    rheinwerth = f.make_municipality(name="Rheinwerth")
    concept = f.make_concept([hallenbeck, rheinwerth], **fields)
    quarter = f.make_quarter(concept, hallenbeck)
    f.make_quarter(concept, rheinwerth)
    fields_ = [f.make_action_field(concept), f.make_action_field(concept)]
    for action_field in fields_:
        f.make_goal(action_field)
        f.make_swot(concept, action_field=action_field)
    programme = f.make_programme(code=f"LZ{concept.pk}")
    f.make_rate(hallenbeck, programme, 2025, "70")
    for i in range(n_measures):
        municipality = hallenbeck if i % 2 == 0 else rheinwerth
        measure = f.make_measure(concept, fields_[i % 2], municipality=municipality)
        measure.quarters.add(quarter)
        f.make_cost_line(measure, year=2025, gross="100000.00")
        f.make_cost_line(measure, year=2026, gross="50000.50", ineligible="0.50")
        f.make_module(measure, programme)
        f.make_module(measure, kind="third_party", source="Privat", amount="10000.00")
    return concept


def test_home_lists_published_concepts_only(client):
    build_concept(2, title="IHK Sichtbar", slug="sichtbar")
    build_concept(1, title="IHK Entwurf", slug="entwurf", published=False)
    response = client.get(reverse("site:concept_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "IHK Sichtbar" in body
    assert "IHK Entwurf" not in body
    assert "300.001,00 €" in body  # 2 measures × (100.000,00 + 50.000,50)


def test_concept_page_shows_structure_and_formatted_totals(client):
    concept = build_concept(2)
    response = client.get(concept.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hallenbeck" in body and "Rheinwerth" in body
    for action_field in concept.action_fields.all():
        assert action_field.title in body
        for goal in action_field.goals.all():
            assert goal.title in body
    for measure in concept.measures.all():
        assert measure.title in body
    # Gross 2 × 150.000,50; Hallenbeck's measure gets 70 % in 2025 from its rate table, 60 % default
    # otherwise; Rheinwerth's measure gets the 60 % default in both years.
    assert "300.001,00 €" in body
    assert "300.000,00 €" in body  # eligible: 0,50 € of each measure is ineligible
    assert "190.000,00 €" in body  # grants: 70.000 + 30.000 + 60.000 + 30.000
    assert "20.000,00 €" in body  # third-party money
    assert "90.001,00 €" in body  # municipal share: 300.001 − 190.000 − 20.000


def test_unpublished_concept_is_hidden_but_visible_to_members_and_admin(client, admin_user):
    concept = build_concept(1, published=False)
    assert client.get(concept.get_absolute_url()).status_code == 404
    outsider = f.make_user()
    client.force_login(outsider)
    assert client.get(concept.get_absolute_url()).status_code == 404
    member = f.make_user()
    f.make_membership(concept, member, ConceptMembership.Role.FUNDER)
    client.force_login(member)
    assert client.get(concept.get_absolute_url()).status_code == 200
    client.force_login(admin_user)
    assert client.get(concept.get_absolute_url()).status_code == 200


def test_unknown_concept_is_404(client):
    assert client.get(reverse("site:concept_detail", kwargs={"slug": "gibt-es-nicht"})).status_code == 404


def test_home_query_count_does_not_grow_with_concepts(client):
    build_concept(1)
    small = page_queries(client, reverse("site:concept_list"))
    for _ in range(5):
        build_concept(3)
    large = page_queries(client, reverse("site:concept_list"))
    # Queries: concepts with lead body, measure count and gross subquery (1), participations with
    # municipalities (1). Anonymous: no session or user query.
    assert small == large == 2


def test_concept_page_query_count_does_not_grow_with_measures(client):
    small_concept = build_concept(2)
    large_concept = build_concept(40)
    small = page_queries(client, small_concept.get_absolute_url())
    large = page_queries(client, large_concept.get_absolute_url())
    # Queries: concept (1), the whole page in the cache (1, a miss), its body in the cache (1, a miss);
    # participations (1), quarters (1), action fields (1), goals (1), SWOT (1); the KuF: its data
    # version (1), the cache (1, a miss), measures (1), quarters (1), cost lines (1), modules with
    # programme (1), module years (1), municipal rates (1), approvals for the checks (1), storing it in
    # the database cache (5); storing the body (5) and the page (5).
    assert small == large == 32
    # Until the concept's data changes, a visitor's page is the concept and the cached page.
    assert page_queries(client, small_concept.get_absolute_url()) == 2
    assert page_queries(client, large_concept.get_absolute_url()) == 2


def test_a_page_kept_for_everyone_carries_each_visitors_own_csrf_token():
    concept = build_concept(1)
    tokens = []
    for _visitor in range(2):
        visitor = Client(enforce_csrf_checks=True)
        body = visitor.get(concept.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        tokens.append(token)
        # The language switch of the kept page works for this visitor (no 403).
        response = visitor.post(
            "/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token, "next": "/"}
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_signed_in_users_never_get_the_page_kept_for_visitors(client):
    concept = build_concept(1)
    assert "Anmelden" in client.get(concept.get_absolute_url()).content.decode()  # kept now
    user = f.make_user("leserin")
    f.make_membership(concept, user, "funder")
    client.force_login(user)
    body = client.get(concept.get_absolute_url()).content.decode()
    assert "Abmelden (leserin)" in body and "KuF als Excel" in body


def test_pages_have_landmarks_and_language(client):
    concept = build_concept(1)
    body = client.get(concept.get_absolute_url()).content.decode()
    assert '<html lang="de">' in body
    assert '<main id="main"' in body and "<nav" in body and "<header" in body and "<footer" in body
    assert 'href="#main"' in body
    assert "<script" not in body  # nothing inline, nothing external
    assert 'label for="language-select"' in body


def test_pages_switch_to_english(client):
    concept = build_concept(1)
    response = client.get(concept.get_absolute_url(), headers={"accept-language": "en"})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Total cost" in body


def test_the_cached_concept_page_follows_every_change_at_once(client):
    concept = build_concept(1)
    url = concept.get_absolute_url()
    assert "100.000,00 €" in client.get(url).content.decode()  # cached now
    measure = concept.measures.get()
    measure.title = "Neuer Titel der Maßnahme"
    measure.save()
    line = measure.cost_lines.get(year=2025)
    line.gross = Decimal("200000.00")
    line.save()
    body = client.get(url).content.decode()
    assert "Neuer Titel der Maßnahme" in body
    assert "250.000,50 €" in body  # the new gross total: 200.000,00 + 50.000,50
    # In English the body is its own cache entry.
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Neuer Titel der Maßnahme" in english and "Costs and financing at a glance" in english
