"""The acceptance check of the foundation: the demo IIHK's page shows totals that equal an independent
sum of its cost lines."""

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from funding.models import CostLine
from projects.formatting import format_eur
from projects.models import Concept

pytestmark = pytest.mark.django_db


def test_demo_concept_page_totals_equal_the_cost_lines(client):
    call_command("load_demo", "--allow-production", stdout=open("/dev/null", "w"))  # noqa: SIM115
    concept = Concept.objects.get(slug="iihk-lippe-wesseltal-2030")
    sums = CostLine.objects.filter(measure__concept=concept).aggregate(
        gross_sum=Sum("gross"), eligible_sum=Sum(F("gross") - F("ineligible"))
    )
    body = client.get(concept.get_absolute_url()).content.decode()
    assert f'<dd class="money">{format_eur(sums["gross_sum"])}</dd>' in body
    assert f'<dd class="money">{format_eur(sums["eligible_sum"])}</dd>' in body
    for municipality in concept.municipalities.all():
        gross = CostLine.objects.filter(
            measure__concept=concept, measure__municipality=municipality
        ).aggregate(total=Sum("gross"))["total"]
        assert format_eur(gross) in body, municipality.name
