"""The programme years of a concept cannot be shortened below years that still hold costs or
financing: the concept editor and the admin refuse it, naming the measures."""

import pytest
from django.urls import reverse

from projects.models import Concept
from tests import factories as f
from tests.projects.test_views_concept import _edit_data, _edit_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept_with_money(client):
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], year_from=2024, year_to=2030, published=False)
    field = f.make_action_field(concept, code="HF1")
    early = f.make_measure(concept, field, code="HF1-M01", start_year=2024, end_year=2026)
    f.make_cost_line(early, year=2024, gross="1000.00")
    late = f.make_measure(concept, field, code="HF1-M02", start_year=2027, end_year=2030)
    f.make_cost_line(late, year=2028, gross="1000.00")
    f.make_module(late, f.make_programme(code="LZ"), amount="500", year_amounts={2030: "500"})
    editor = f.make_editor(concept, "planerin")
    client.force_login(editor)
    return concept, hallenbeck


def test_shortening_below_costs_is_refused_with_the_measures(client, concept_with_money):
    concept, hallenbeck = concept_with_money
    response = client.post(_edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], year_from=2025))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["year_from"]
    assert message == (
        "Die Programmjahre lassen sich nicht auf 2025–2030 ändern: Diese Maßnahmen haben noch Kosten oder "
        "Finanzierung außerhalb dieser Jahre: HF1-M01 (2024). Bitte verschieben oder löschen Sie diese "
        "Beträge zuerst."
    )
    response = client.post(_edit_url(concept), _edit_data(concept, [(hallenbeck, "lead")], year_to=2029))
    assert "HF1-M02 (2030)" in response.context["form"].errors["year_to"][0]
    concept.refresh_from_db()
    assert (concept.year_from, concept.year_to, concept.version) == (2024, 2030, 1)


def test_widening_or_shortening_to_years_without_money_is_fine(client, concept_with_money):
    concept, hallenbeck = concept_with_money
    data = _edit_data(concept, [(hallenbeck, "lead")], year_from=2023, year_to=2030)
    assert client.post(_edit_url(concept), data).status_code == 302
    concept.refresh_from_db()
    data = _edit_data(concept, [(hallenbeck, "lead")], year_from=2024, year_to=2030)
    assert client.post(_edit_url(concept), data).status_code == 302
    assert Concept.objects.get(pk=concept.pk).years == list(range(2024, 2031))


def test_the_admin_refuses_it_too(client, concept_with_money, admin_user):
    concept, _hallenbeck = concept_with_money
    client.force_login(admin_user)
    url = reverse("admin:projects_concept_change", args=[concept.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(_admin_inline_management(client.get(url).context))
    data["year_from"] = 2026
    response = client.post(url, data)
    assert response.status_code == 200
    assert "HF1-M01 (2024)" in response.content.decode()
    concept.refresh_from_db()
    assert concept.year_from == 2024


def _admin_inline_management(context) -> dict:
    data = {}
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    return data
