"""Double submits: two requests create the same municipality, code or role at the same time. Both pass
the duplicate check; the database refuses the second insert. The loser gets the normal "already exists"
message (the one the sequential case shows), never a server error, and nothing of it is saved.

The race is simulated (``tests.races.clash_after_validation``): the other request's row lands between the
check and the insert. ``tests/funding/test_races.py`` does the same for programmes and measures.
"""

import pytest
from django.urls import reverse

from projects.models import (
    ActionField,
    ConceptMembership,
    Municipality,
    Organisation,
    Quarter,
)
from tests import factories as f
from tests.races import assert_race_answers_like_a_duplicate

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


def test_two_creates_of_one_municipality(client, editor):
    assert_race_answers_like_a_duplicate(
        client,
        url=reverse("projects:municipality_create"),
        data={"name": "Rheinwerth", "ags": "05958004", "state": "NW", "population": "24000"},
        model=Municipality,
        clash=lambda: Municipality(name="Rheinwerth (Stadt)", ags="05958004", state="NW"),
        field="ags",
    )


def test_two_creates_of_one_organisation(client, editor):
    assert_race_answers_like_a_duplicate(
        client,
        url=reverse("projects:organisation_create"),
        data={"name": "Stadtplanung Nord", "kind": "planning_office", "city": "", "website": ""},
        model=Organisation,
        clash=lambda: Organisation(name="Stadtplanung Nord"),
        field="name",
    )


def test_two_creates_of_one_concept_slug(admin_client):
    from projects.models import Concept

    assert_race_answers_like_a_duplicate(
        admin_client,
        url=reverse("projects:concept_create"),
        data={"title": "IHK Neu", "slug": "ihk-neu", "kind": "IHK", "year_from": "2025", "year_to": "2030"},
        model=Concept,
        clash=lambda: Concept(title="IHK Neu (andere)", slug="ihk-neu", year_from=2025, year_to=2030),
        field="slug",
    )


def _quarter_data(municipality, **changes) -> dict:
    return {
        "municipality": municipality.pk,
        "code": "Q1",
        "name": "Innenstadt",
        "programme": "LZ",
        "order": "1",
        **changes,
    }


def test_two_creates_of_one_quarter_code(client, edited_concept):
    concept, hallenbeck = edited_concept
    assert_race_answers_like_a_duplicate(
        client,
        url=reverse("projects:quarter_create", kwargs={"slug": concept.slug}),
        data=_quarter_data(hallenbeck),
        model=Quarter,
        clash=lambda: Quarter(concept=concept, municipality=hallenbeck, code="Q1", name="Altstadt"),
        field="code",
    )


def test_renaming_a_quarter_to_a_code_just_taken(client, edited_concept):
    concept, hallenbeck = edited_concept
    quarter = f.make_quarter(concept, hallenbeck, code="Q9", name="Innenstadt")
    assert_race_answers_like_a_duplicate(
        client,
        url=reverse("projects:quarter_edit", kwargs={"slug": concept.slug, "pk": quarter.pk}),
        data=_quarter_data(hallenbeck, version=quarter.version),
        model=Quarter,
        clash=lambda: Quarter(concept=concept, municipality=hallenbeck, code="Q1", name="Altstadt"),
        field="code",
    )
    quarter.refresh_from_db()
    assert (quarter.code, quarter.version) == ("Q9", 1)


def test_two_creates_of_one_action_field_code(client, edited_concept):
    concept, _hallenbeck = edited_concept
    assert_race_answers_like_a_duplicate(
        client,
        url=reverse("projects:action_field_create", kwargs={"slug": concept.slug}),
        data={"code": "HF1", "title": "Zentren", "description": "", "colour": "#2F6F8F"},
        model=ActionField,
        clash=lambda: ActionField(concept=concept, code="HF1", title="Zentren (andere)", order=9),
        field="code",
    )


def test_two_people_given_the_same_role_at_once(admin_client):
    concept = f.make_concept()
    member = f.make_user("planerin")
    assert_race_answers_like_a_duplicate(
        admin_client,
        url=reverse("projects:membership_list", kwargs={"slug": concept.slug}),
        data={"user": "planerin", "role": Role.EDITOR, "municipality": ""},
        model=ConceptMembership,
        clash=lambda: ConceptMembership(concept=concept, user=member, role=Role.EDITOR),
        field="user",
    )
