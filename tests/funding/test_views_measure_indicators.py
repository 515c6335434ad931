"""Indicators in the measure editor: a third growable table, saved with the measure, with history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from measures.models import Indicator, Measure
from tests.funding.editor_page import create_url, edit_post, full_post, rows

pytestmark = pytest.mark.django_db


def with_indicators(data: dict, items: list[dict], initial: int = 0) -> dict:
    return {**data, **rows("indicators", items, initial=initial)}


def test_indicators_are_created_edited_deleted_with_history(client, s):
    data = with_indicators(
        full_post(s),
        [
            {
                "name": "Entsiegelte Fläche",
                "unit": "m²",
                "baseline": "0",
                "target_value": "2.200",
                "target_year": "2026",
            },
            {"name": "Neue Bäume", "unit": "Anzahl", "target_value": "40"},
        ],
    )
    assert client.post(create_url(s), data).status_code == 302
    measure = Measure.objects.get()
    first = measure.indicators.get(name="Entsiegelte Fläche")
    assert first.target_value == Decimal("2200.00") and first.target_year == 2026 and first.unit == "m²"
    assert measure.indicators.get(name="Neue Bäume").baseline is None

    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    page = client.get(url).content.decode()
    assert 'value="Entsiegelte Fläche"' in page and 'value="2.200,00"' in page

    edit = edit_post(measure, s)
    edit["indicators-0-target_value"] = "2.500,00"
    edit["indicators-1-DELETE"] = "on"
    assert client.post(url, edit).status_code == 302
    assert list(measure.indicators.values_list("name", "target_value")) == [
        ("Entsiegelte Fläche", Decimal("2500.00"))
    ]

    history = client.get(reverse("funding:measure_history", args=[s["concept"].slug, measure.pk]))
    body = history.content.decode()
    assert "Indikator „Entsiegelte Fläche“ – geändert" in body
    assert "2.200,00" in body and "2.500,00" in body
    assert "Indikator „Neue Bäume“ – gelöscht" in body
    assert "Indikator „Neue Bäume“ – angelegt" in body
    assert Indicator.history.filter(history_user=s["editor"]).count() == 4


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"name": "Bäume", "target_value": "viele"}, "Bitte eine Zahl eingeben."),
        ({"name": "", "target_value": "10"}, "Dieses Feld ist zwingend erforderlich."),
        ({"name": "Bäume", "target_value": ""}, "Dieses Feld ist zwingend erforderlich."),
        (
            {"name": "Bäume", "target_value": "10", "target_year": "zwanzig"},
            "Bitte ein Jahr als Zahl angeben.",
        ),
        ({"name": "Bäume", "target_value": "10", "target_year": "1990"}, "Bitte ein Jahr ab 2000 angeben."),
        ({"name": "Bäume", "target_value": "10", "target_year": "2024"}, "liegt vor dem Beginn der Maßnahme"),
    ],
)
def test_bad_indicator_input_is_refused_in_german(client, s, item, message):
    response = client.post(create_url(s), with_indicators(full_post(s), [item]))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "Es wurde nichts gespeichert." in body
    assert not Measure.objects.exists() and not Indicator.objects.exists()


def test_two_indicators_with_one_name_are_refused(client, s):
    items = [{"name": "Bäume", "target_value": "10"}, {"name": "bäume ", "target_value": "20"}]
    body = client.post(create_url(s), with_indicators(full_post(s), items)).content.decode()
    assert "Den Indikator „bäume“ gibt es bei dieser Maßnahme zweimal." in body
    assert not Measure.objects.exists() and not Indicator.objects.exists()


def test_indicator_of_another_measure_cannot_be_taken_over(client, s):
    from tests import factories as f

    assert client.post(create_url(s), full_post(s)).status_code == 302
    measure = Measure.objects.get()
    other = f.make_measure(s["concept"], s["field"], code="X1", municipality=s["municipality"])
    foreign = f.make_indicator(other, name="Fremd", target_value="5")
    edit = edit_post(measure, s)
    edit.update(
        rows(
            "indicators",
            [{"id": str(foreign.pk), "measure": str(measure.pk), "name": "Meins", "target_value": "1"}],
            initial=1,
        )
    )
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    response = client.post(url, edit)
    # The foreign id is not one of this measure's rows, nor was it ever: refused, not offered as a new row.
    assert response.status_code == 400
    assert "Zeile 1 der Tabelle „Indikatoren“ gehört nicht zu dieser Maßnahme" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.measure == other and foreign.name == "Fremd"
    assert not measure.indicators.exists()
