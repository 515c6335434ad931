"""Rows added to the editor's tables and left empty are ignored on save, with and without htmx."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import CostLine, FinancingModule
from measures.models import Indicator, Measure
from tests.funding.editor_page import create_url, form_data, full_post, post_data

pytestmark = pytest.mark.django_db

EMPTY_COST = {"section": "", "year": "", "gross": "", "ineligible": "", "note": ""}
EMPTY_MODULE = {"kind": "grant", "programme": "", "source": "", "cost_share": "", "rate": "", "amount": ""}
EMPTY_INDICATOR = {"name": "", "unit": "", "baseline": "", "target_value": "", "target_year": ""}


def test_empty_extra_rows_without_javascript_are_ignored(client, s):
    """A plain form post whose extra rows came back with empty inputs (no ``0,00``, no ``100``)."""
    data = full_post(
        s,
        costs=[
            {"section": "9", "year": "2025", "gross": "100.000,00", "ineligible": "0"},
            EMPTY_COST,
        ],
        modules=[{"kind": "grant", "programme": str(s["lz"].pk), "cost_share": "100"}, EMPTY_MODULE],
    )
    data.update(
        {"indicators-TOTAL_FORMS": "1", **{f"indicators-0-{k}": v for k, v in EMPTY_INDICATOR.items()}}
    )
    response = client.post(create_url(s), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    measure = Measure.objects.get()
    assert measure.cost_lines.count() == 1
    assert measure.financing_modules.count() == 1
    assert not Indicator.objects.exists()


def test_a_half_filled_extra_row_is_still_checked(client, s):
    data = full_post(
        s,
        costs=[
            {"section": "9", "year": "2025", "gross": "100.000,00", "ineligible": "0"},
            {**EMPTY_COST, "gross": "5.000,00"},
        ],
    )
    body = client.post(create_url(s), data).content.decode()
    assert "Es wurde nichts gespeichert." in body and "Dieses Feld ist zwingend erforderlich." in body
    assert not Measure.objects.exists()


def test_row_added_without_javascript_and_left_empty_saves(client, s):
    measure = _saved(client, s)
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    page = client.get(url).content.decode()
    for action, prefix in (("add_cost", "costs"), ("add_module", "modules"), ("add_indicator", "indicators")):
        response = client.post(url, post_data(form_data(page), _action=action))
        assert response.status_code == 200
        page = response.content.decode()
        assert f'name="{prefix}-TOTAL_FORMS" value="' in page
    data = form_data(page)
    assert data["costs-TOTAL_FORMS"] == ["3"] and data["modules-TOTAL_FORMS"] == ["2"]
    assert data["indicators-TOTAL_FORMS"] == ["1"]
    response = client.post(url, post_data(data))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CostLine.objects.filter(measure=measure).count() == 2
    assert FinancingModule.objects.filter(measure=measure).count() == 1


def test_row_added_with_htmx_and_left_empty_saves(client, s):
    """htmx swaps only the table: the browser keeps the rest of the page and takes the new table."""
    measure = _saved(client, s)
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    page = form_data(client.get(url).content.decode())
    for action, table in (("add_cost", "money"), ("add_indicator", "indicators")):
        response = client.post(url, post_data(page, _action=action), headers={"hx-request": "true"})
        assert response.status_code == 200
        fragment = form_data(response.content.decode(), within=table)
        assert fragment, table
        page = {
            **{name: values for name, values in page.items() if name not in _names_of(page, table)},
            **fragment,
        }
    assert page["costs-TOTAL_FORMS"] == ["3"] and page["indicators-TOTAL_FORMS"] == ["1"]
    assert page["costs-2-ineligible"] == [""]  # the re-rendered new row: empty, not 0,00
    response = client.post(url, post_data(page))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CostLine.objects.filter(measure=measure).count() == 2
    assert not Indicator.objects.exists()


def _names_of(page: dict, table: str) -> set[str]:
    prefixes = ("costs-", "modules-") if table == "money" else ("indicators-",)
    return {name for name in page if name.startswith(prefixes)}


def _saved(client, s) -> Measure:
    assert client.post(create_url(s), full_post(s)).status_code == 302
    measure = Measure.objects.get()
    assert measure.cost_lines.get(year=2025).gross == Decimal("100000.00")
    return measure
