"""Constraints of the concept models: the database refuses bad values, full_clean explains them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import ActionField, Concept, ConceptMembership, Municipality, Quarter, SwotEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_ags_must_be_eight_digits():
    refused(lambda: Municipality.objects.create(name="Kurz", ags="0511"))
    refused(lambda: Municipality.objects.create(name="Buchstaben", ags="05ab1234"))
    with pytest.raises(ValidationError) as error:
        Municipality(name="Kurz", ags="0511").full_clean()
    assert "8 Ziffern" in str(error.value)
    Municipality(name="Gut", ags="05111000").full_clean()


def test_ags_is_unique():
    f.make_municipality(ags="05111000")
    refused(lambda: f.make_municipality(ags="05111000"))


def test_concept_years_must_be_ordered():
    refused(lambda: Concept.objects.create(title="X", slug="x", year_from=2030, year_to=2024))
    with pytest.raises(ValidationError) as error:
        Concept(title="X", slug="x", year_from=2030, year_to=2024).full_clean()
    assert "Endjahr" in str(error.value)
    assert Concept(title="X", slug="x", year_from=2024, year_to=2030).years[-1] == 2030


def test_codes_are_unique_per_concept_not_globally():
    concept, other = f.make_concept(), f.make_concept()
    f.make_action_field(concept, code="HF1")
    f.make_action_field(other, code="HF1")
    refused(lambda: ActionField.objects.create(concept=concept, code="HF1", title="Doppelt"))
    f.make_quarter(concept, code="Q1")
    f.make_quarter(other, code="Q1")
    refused(lambda: f.make_quarter(concept, code="Q1"))
    field = concept.action_fields.get()
    f.make_goal(field, code="Z1")
    refused(lambda: f.make_goal(field, code="Z1"))


def test_quarter_area_not_negative_and_municipality_must_take_part():
    concept = f.make_concept()
    refused(lambda: f.make_quarter(concept, area_ha=-1))
    outsider = f.make_municipality()
    quarter = Quarter(concept=concept, municipality=outsider, code="QX", name="Fremd")
    with pytest.raises(ValidationError) as error:
        quarter.full_clean()
    assert "nicht beteiligt" in str(error.value)


def test_boundary_must_be_geojson():
    concept = f.make_concept()
    quarter = Quarter(
        concept=concept, municipality=concept.municipalities.first(), code="Q9", name="Q", boundary={"a": 1}
    )
    with pytest.raises(ValidationError) as error:
        quarter.full_clean()
    assert "GeoJSON" in str(error.value)
    quarter.boundary = {
        "type": "Polygon",
        "coordinates": [[[7.0, 51.0], [7.1, 51.0], [7.0, 51.1], [7.0, 51.0]]],
    }
    quarter.full_clean()


def test_colour_must_be_hex():
    concept = f.make_concept()
    with pytest.raises(ValidationError):
        ActionField(concept=concept, code="HF9", title="T", colour="blau").full_clean()


def test_swot_entry_must_stay_in_its_concept():
    concept, other = f.make_concept(), f.make_concept()
    foreign_field = f.make_action_field(other)
    entry = SwotEntry(concept=concept, kind="S", text="Stärke", action_field=foreign_field)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "anderen Konzept" in str(error.value)


def test_reviewer_membership_needs_a_municipality():
    concept = f.make_concept()
    user = f.make_user()
    refused(
        lambda: ConceptMembership.objects.create(
            concept=concept, user=user, role=ConceptMembership.Role.REVIEWER, municipality=None
        )
    )
    f.make_membership(concept, user, ConceptMembership.Role.REVIEWER)
