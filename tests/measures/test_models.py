import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from measures.models import Measure
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_measure_code_unique_per_concept_and_stable_id_apart_from_code():
    concept = f.make_concept()
    measure = f.make_measure(concept, code="A.1.3")
    refused(lambda: f.make_measure(concept, code="A.1.3"))
    f.make_measure(f.make_concept(), code="A.1.3")
    uid = measure.uid
    assert isinstance(uid, uuid.UUID)
    measure.code = "C1neu"
    measure.save()
    measure.refresh_from_db()
    assert measure.uid == uid


def test_end_before_start_is_refused():
    concept = f.make_concept()
    refused(lambda: f.make_measure(concept, start_year=2027, end_year=2025))
    measure = f.make_measure(concept)
    measure.start_year, measure.end_year = 2027, 2025
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Ende" in str(error.value)


def test_hoai_phase_and_priority_ranges():
    concept = f.make_concept()
    refused(lambda: f.make_measure(concept, hoai_phase=10))
    refused(lambda: f.make_measure(concept, priority=4))


def test_action_field_of_another_concept_is_refused():
    concept, other = f.make_concept(), f.make_concept()
    foreign = f.make_action_field(other)
    measure = Measure(
        concept=concept,
        action_field=foreign,
        municipality=concept.municipalities.first(),
        code="X1",
        title="X",
        start_year=2025,
        end_year=2026,
    )
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "anderen Konzept" in str(error.value)


def test_lead_municipality_must_take_part_in_the_concept():
    concept = f.make_concept()
    measure = f.make_measure(concept)
    measure.municipality = f.make_municipality(name="Fremdstadt")
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "nicht beteiligt" in str(error.value)
