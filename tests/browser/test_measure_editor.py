"""An editor builds a measure in the browser, as a person would."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding.models import CostLine
from measures.models import Measure
from tests import factories as f
from tests.browser.steps import assert_no_csp_errors, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_creates_measure_with_costs_and_financing(live_server, page):
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept(
        [hallenbeck], title="IHK Browsertest", slug="browsertest", year_from=2024, year_to=2030
    )
    field = f.make_action_field(concept, code="HF1", title="Zentren")
    lz = f.make_programme(
        code="LZ", name="Lebendige Zentren", default_rate=Decimal("60"), max_rate=Decimal("80")
    )
    f.make_rate(hallenbeck, lz, 2025, "70")
    f.make_rate(hallenbeck, lz, 2026, "70")
    f.make_editor(concept, "planerin", password="Sehr-geheim-2026")

    log_in(page, live_server.url, "planerin", "Sehr-geheim-2026")

    page.goto(f"{live_server.url}/konzepte/browsertest/massnahmen/new/")
    page.get_by_label("Kürzel").first.fill("HF1-M01")
    page.get_by_label("Titel").fill("Umgestaltung Marktplatz")
    page.get_by_label("Handlungsfeld").select_option(str(field.pk))
    page.get_by_label("Federführende Kommune").select_option(str(hallenbeck.pk))
    page.get_by_label("Beginn").fill("2025")
    page.get_by_label(re.compile(r"^Ende")).fill("2026")

    # Two cost lines (the new page offers two empty rows).
    page.get_by_label("Kostengruppe (Kostenzeile 1)").select_option("9")
    page.get_by_label("Jahr (Kostenzeile 1)").select_option("2025")
    page.get_by_label("Gesamtkosten (brutto) (Kostenzeile 1)").fill("100.000,00")
    page.get_by_label("Kostengruppe (Kostenzeile 2)").select_option("9")
    page.get_by_label("Jahr (Kostenzeile 2)").select_option("2026")
    page.get_by_label("Gesamtkosten (brutto) (Kostenzeile 2)").fill("50.000,00")
    # A third row appears without reloading the page and is left empty: saving ignores it.
    page.get_by_role("button", name="Kostenzeile hinzufügen").click()
    third = page.get_by_label("Kostengruppe (Kostenzeile 3)")
    expect(third).to_be_visible()
    expect(third).to_be_focused()
    expect(page.get_by_label("Gesamtkosten (brutto) (Kostenzeile 1)")).to_have_value("100.000,00")

    # One financing module: LZ at the municipality's rate (70 %).
    page.get_by_label("Programm (Baustein 1)").select_option(str(lz.pk))
    page.get_by_label("Anteil an den förderfähigen Kosten (%) (Baustein 1)").fill("100")
    totals = page.locator("#totals")
    expect(totals.locator("[data-total=gross]")).to_have_text("150.000,00 €")
    expect(totals.locator("[data-total=grant]")).to_have_text("105.000,00 €")
    expect(totals.locator("[data-total=municipal_share]")).to_have_text("45.000,00 €")

    # One indicator in the row the new page offers; a second row is added and left empty.
    page.get_by_label("Indikator (Indikator 1)").fill("Umgestaltete Fläche")
    page.get_by_label("Zielwert (Indikator 1)").fill("4.800")
    page.get_by_role("button", name="Indikator hinzufügen").click()
    expect(page.get_by_label("Indikator (Indikator 2)")).to_be_focused()
    expect(page.get_by_label("Indikator (Indikator 1)")).to_have_value("Umgestaltete Fläche")

    page.get_by_role("button", name="Maßnahme speichern").click()
    expect(page.get_by_text("Die Maßnahme HF1-M01 wurde gespeichert.")).to_be_visible()
    measure = Measure.objects.get(code="HF1-M01")
    assert measure.cost_lines.count() == 2  # the empty third row was ignored
    assert list(measure.indicators.values_list("name", "target_value")) == [
        ("Umgestaltete Fläche", Decimal("4800.00"))
    ]
    assert sorted(CostLine.objects.filter(measure=measure).values_list("gross", flat=True)) == [
        Decimal("50000.00"),
        Decimal("100000.00"),
    ]

    page.goto(f"{live_server.url}/konzepte/browsertest/")
    expect(page.get_by_role("rowheader", name="Umgestaltung Marktplatz")).to_be_visible()
    expect(page.locator(".totals").get_by_text("105.000,00 €")).to_be_visible()
    assert_no_csp_errors(page)
