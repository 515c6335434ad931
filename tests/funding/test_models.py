from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BaseConstraint, CheckConstraint

from funding.models import CostLine, FinancingModule, FundingProgramme, MunicipalRate
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def measure():
    return f.make_measure(f.make_concept())


def test_cost_amounts_not_negative_and_ineligible_within_gross(measure):
    refused(lambda: f.make_cost_line(measure, gross="-1.00"))
    refused(lambda: f.make_cost_line(measure, gross="100.00", ineligible="-1.00"))
    refused(lambda: f.make_cost_line(measure, gross="100.00", ineligible="100.01"))
    refused(lambda: f.make_cost_line(measure, section=6))
    line = CostLine(measure=measure, section=9, year=2025, gross=Decimal("-5"), ineligible=Decimal("0"))
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "nicht negativ" in str(error.value)


def test_rates_between_0_and_100_percent():
    refused(lambda: f.make_programme(default_rate=Decimal("60"), max_rate=Decimal("101")))
    refused(lambda: f.make_programme(default_rate=Decimal("90"), max_rate=Decimal("80")))
    programme = f.make_programme()
    municipality = f.make_municipality()
    refused(lambda: f.make_rate(municipality, programme, 2025, "-1"))
    refused(lambda: f.make_rate(municipality, programme, 2025, "100.5"))
    f.make_rate(municipality, programme, 2025, "70")
    refused(lambda: f.make_rate(municipality, programme, 2025, "60"))  # one rate per year
    with pytest.raises(ValidationError) as error:
        MunicipalRate(
            municipality=municipality, programme=programme, year=2026, rate=Decimal("120")
        ).full_clean()
    assert "höchstens 100" in str(error.value)
    with pytest.raises(ValidationError):
        FundingProgramme(
            code="X", name="X", level="eu", default_rate=Decimal("90"), max_rate=Decimal("80")
        ).full_clean()


def test_financing_module_shapes(measure):
    programme = f.make_programme()
    refused(lambda: f.make_module(measure, kind="grant"))  # grant without programme
    refused(lambda: f.make_module(measure, programme, kind="third_party"))  # third party with programme
    refused(lambda: f.make_module(measure, programme, rate="60", amount="100.00"))  # both rate and amount
    refused(lambda: f.make_module(measure, programme, rate="101"))
    refused(lambda: f.make_module(measure, programme, cost_share="-1"))
    refused(lambda: f.make_module(measure, kind="third_party", amount="-1.00"))
    module = FinancingModule(measure=measure, kind="grant", rate=Decimal("60"), amount=Decimal("5"))
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "Förderprogramm" in str(error.value)
    module = f.make_module(measure, kind="third_party", year_amounts={2025: "10.00"})
    refused(lambda: module.years.create(year=2025, amount=Decimal("1.00")))
    refused(lambda: module.years.create(year=2026, amount=Decimal("-1.00")))


def test_constraint_violations_read_as_german_sentences(measure):
    """The admin validates the database constraints; their messages must say what is wrong."""
    for model in apps.get_models():
        if model._meta.app_label not in ("projects", "measures", "funding", "participation"):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                message = str(constraint.violation_error_message)
                assert message != str(BaseConstraint.default_violation_error_message), constraint.name
                # Django formats the message with the constraint's name: a bare "%" would crash.
                assert "%%" not in constraint.get_violation_error_message(), constraint.name
    measure.start_year, measure.end_year = 2028, 2026
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Das Ende darf nicht vor dem Beginn liegen." in error.value.messages
