"""'Meine Konzepte': the concepts a person works on, with roles, state and last change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure
from projects.models import Concept, ConceptMembership
from tests import factories as f
from tests.pages import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role
URL = "/mein/"


def test_url():
    assert reverse("projects:dashboard") == URL


def test_dashboard_lists_my_concepts_with_roles_and_links(client):
    user = f.make_user()
    edited = f.make_concept(title="IHK Bearbeitet", published=False)
    reviewed = f.make_concept(title="IHK Geprüft")
    f.make_concept(title="IHK Fremd")
    f.make_membership(edited, user, Role.EDITOR)
    f.make_membership(reviewed, user, Role.REVIEWER)
    f.make_membership(reviewed, user, Role.FUNDER)
    f.make_measure(edited)
    f.make_measure(edited)
    client.force_login(user)
    response = client.get(URL)
    rows = {concept.title: concept for concept in response.context["concepts"]}
    assert set(rows) == {"IHK Bearbeitet", "IHK Geprüft"}
    assert rows["IHK Bearbeitet"].role_labels == ["Bearbeitung (Planungsbüro)"]
    assert sorted(rows["IHK Geprüft"].role_labels) == ["Fördermittelgeber", "Prüfung (Kommune)"]
    assert rows["IHK Bearbeitet"].measure_count == 2
    assert (rows["IHK Bearbeitet"].can_edit, rows["IHK Geprüft"].can_edit) == (True, False)
    body = response.content.decode()
    assert reverse("projects:concept_edit", kwargs={"slug": edited.slug}) in body
    assert reverse("projects:concept_edit", kwargs={"slug": reviewed.slug}) not in body
    assert reviewed.get_absolute_url() in body
    assert "Neues Konzept anlegen" not in body
    assert "Neue Kommune anlegen" in body  # an editor may add municipalities


def test_dashboard_for_admin_lists_all_and_offers_new_concept(client, admin_user):
    f.make_concept(title="IHK Eins")
    f.make_concept(title="IHK Zwei", published=False)
    client.force_login(admin_user)
    response = client.get(URL)
    assert [concept.title for concept in response.context["concepts"]] == ["IHK Eins", "IHK Zwei"]
    assert response.context["concepts"][0].role_labels == ["Administration"]
    assert "Neues Konzept anlegen" in response.content.decode()


def test_last_change_is_latest_of_concept_and_measures(client):
    user = f.make_user()
    concept = f.make_concept()
    f.make_membership(concept, user, Role.FUNDER)
    old = timezone.make_aware(datetime.datetime(2025, 1, 2, 10, 0))
    new = timezone.make_aware(datetime.datetime(2025, 3, 4, 15, 30))
    Concept.objects.filter(pk=concept.pk).update(updated_at=old)
    client.force_login(user)
    assert client.get(URL).context["concepts"][0].last_change == old
    measure = f.make_measure(concept)
    Measure.objects.filter(pk=measure.pk).update(updated_at=new)
    measure.action_field.history.update(history_date=old)  # the factory's action field is older
    response = client.get(URL)
    assert response.context["concepts"][0].last_change == new
    assert "04.03.2025 15:30" in response.content.decode()  # local time, German date


def test_last_change_counts_structure_edits_and_deletions(client):
    user = f.make_user()
    concept = f.make_concept()
    f.make_membership(concept, user, Role.EDITOR)
    old = timezone.make_aware(datetime.datetime(2025, 1, 2, 10, 0))
    Concept.objects.filter(pk=concept.pk).update(updated_at=old)
    client.force_login(user)
    entry = f.make_swot(concept, text="Leerstand")
    entry.history.update(history_date=old)
    assert client.get(URL).context["concepts"][0].last_change == old
    entry.delete()  # a deletion is a change too
    last_change = client.get(URL).context["concepts"][0].last_change
    assert last_change > old
    quarter = f.make_quarter(concept)
    newest = quarter.history.latest("history_date").history_date
    assert client.get(URL).context["concepts"][0].last_change == newest


def test_dashboard_query_count_does_not_grow(client, django_assert_num_queries):
    user = f.make_user()
    client.force_login(user)

    def build(n: int) -> None:
        for _ in range(n):
            concept = f.make_concept()
            f.make_membership(concept, user, Role.EDITOR)
            f.make_membership(concept, user, Role.FUNDER)
            f.make_membership(concept, f.make_user(), Role.REVIEWER)
            f.make_measure(concept)
            f.make_measure(concept)

    # Queries: session (1), user (1), concepts with measure count and last change (1), the user's
    # memberships in them (1), the user's roles for the edit permission (1, once for all concepts),
    # the user's and their groups' model permissions for "projects.add_concept" (2, Django's
    # ModelBackend), whether the user edits any concept (1, for "Neue Kommune anlegen").
    response = assert_queries_do_not_grow(
        client, URL, build, queries=7, django_assert_num_queries=django_assert_num_queries
    )
    assert len(response.context["concepts"]) == 20
