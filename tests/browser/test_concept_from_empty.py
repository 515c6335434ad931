"""A concept built from nothing in the browser alone: the admin sets it up, the planning office fills it,
the public reads it. No Django admin, no fixtures beyond the two accounts."""

import re

import pytest
from playwright.sync_api import expect

from measures.models import Measure
from projects.models import Concept
from tests import factories as f
from tests.browser.steps import assert_no_csp_errors, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_concept_from_empty_in_the_browser(live_server, page):
    base = live_server.url
    f.make_user("chefin", password="Admin-geheim-2026", is_superuser=True, is_staff=True)
    f.make_user("planerin", password="Sehr-geheim-2026")

    # The admin: a funding programme, an empty concept, the planning office as editor.
    log_in(page, base, "chefin", "Admin-geheim-2026")
    page.get_by_role("link", name="Förderprogramme").click()
    page.get_by_role("link", name="Neues Förderprogramm").click()
    page.get_by_label("Kürzel").fill("LZ")
    page.get_by_label("Name").fill("Lebendige Zentren")
    page.get_by_label("Ebene").select_option("federal")
    page.get_by_label("Städtebauförderprogramm").select_option("LZ")
    page.get_by_label("Regelfördersatz (%)").fill("60")
    page.get_by_label("Höchstfördersatz (%)").fill("80")
    page.get_by_role("button", name="Förderprogramm speichern").click()
    expect(page.get_by_text("Das Förderprogramm „LZ – Lebendige Zentren“ wurde gespeichert.")).to_be_visible()

    page.goto(f"{base}/mein/")
    page.get_by_role("link", name="Neues Konzept anlegen").click()
    page.get_by_label("Titel").fill("IHK Ortsmitte Sürenbruch")
    page.get_by_label("Kurzname (URL)").fill("ihk-suerenbruch")
    page.get_by_label("Programmjahre von").fill("2026")
    page.get_by_label("Programmjahre bis").fill("2030")
    page.get_by_role("button", name="Konzept anlegen").click()
    expect(page.get_by_text("Das Konzept „IHK Ortsmitte Sürenbruch“ wurde angelegt.")).to_be_visible()
    page.get_by_role("link", name="Rollen").click()
    page.get_by_label("Benutzername").fill("planerin")
    page.get_by_role("combobox", name=re.compile(r"^Rolle")).select_option("editor")
    page.get_by_role("button", name="Rolle vergeben").click()
    expect(page.get_by_text("planerin hat jetzt die Rolle")).to_be_visible()
    log_out(page)

    # The planning office fills it.
    log_in(page, base, "planerin", "Sehr-geheim-2026")
    page.get_by_role("link", name="IHK Ortsmitte Sürenbruch bearbeiten").click()
    page.get_by_role("link", name="Neue Kommune anlegen").click()
    page.get_by_label("Name").fill("Sürenbruch")
    page.get_by_label("Amtlicher Gemeindeschlüssel").fill("05958044")
    page.get_by_role("button", name="Kommune anlegen").click()
    expect(page.get_by_text("Die Kommune „Sürenbruch“ wurde angelegt.")).to_be_visible()
    page.get_by_label("Kommune (Zeile 1)").select_option(label="Sürenbruch")
    page.get_by_label("Rolle (Zeile 1)").select_option("lead")
    page.get_by_label("Zusammenfassung").fill("Die Ortsmitte wird belebt.")
    page.get_by_label("Veröffentlicht").check()
    page.get_by_role("button", name="Stammdaten speichern").click()
    expect(page.get_by_text("Die Stammdaten wurden gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Quartiere").click()
    page.get_by_role("link", name="Neues Quartier").click()
    page.get_by_label("Kürzel").fill("Q8")
    page.get_by_label(re.compile(r"^Name")).fill("Sürenbruch Ortsmitte")
    page.get_by_label("Kommune").select_option(label="Sürenbruch")
    page.get_by_role("button", name="Quartier anlegen").click()
    expect(page.get_by_text("Das Quartier „Q8 Sürenbruch Ortsmitte“ wurde angelegt.")).to_be_visible()

    page.get_by_role("link", name="Handlungsfelder und Ziele").click()
    page.get_by_role("link", name="Neues Handlungsfeld").click()
    page.get_by_label("Kürzel").fill("HF1")
    page.get_by_label("Titel").fill("Zentren und Nutzungsvielfalt")
    page.get_by_role("button", name="Handlungsfeld anlegen").click()
    page.get_by_label("Kürzel (Zeile 1)").fill("Z1")
    page.get_by_label("Titel (Zeile 1)").fill("Weniger Leerstand")
    page.get_by_role("button", name="HF1 und Ziele speichern").click()
    expect(
        page.get_by_text("Das Handlungsfeld „HF1 Zentren und Nutzungsvielfalt“ wurde gespeichert.")
    ).to_be_visible()

    page.get_by_role("link", name="SWOT").click()
    page.goto(f"{base}/konzepte/ihk-suerenbruch/swot/new/?kind=W")
    page.get_by_label("Text").fill("Leerstand im Erdgeschoss")
    page.get_by_role("button", name="SWOT-Eintrag anlegen").click()
    expect(page.get_by_text("wurde angelegt")).to_be_visible()

    page.get_by_role("link", name="Fördersätze").click()
    page.get_by_label("Sürenbruch, LZ, 2027 (%)").fill("70")
    page.get_by_role("button", name="Fördersätze speichern").click()
    expect(page.get_by_text("Die Fördersätze wurden gespeichert (1 Änderung).")).to_be_visible()

    page.get_by_role("link", name="Maßnahmen").click()
    page.get_by_role("link", name="Neue Maßnahme").click()
    page.get_by_label("Kürzel").first.fill("HF1-M01")
    page.get_by_label("Titel").fill("Umgestaltung Marktplatz")
    page.get_by_label("Handlungsfeld").select_option(label="HF1 Zentren und Nutzungsvielfalt")
    page.get_by_label("Federführende Kommune").select_option(label="Sürenbruch")
    page.get_by_label("Beginn").fill("2027")
    page.get_by_label(re.compile(r"^Ende")).fill("2027")
    page.get_by_label("Kostengruppe (Kostenzeile 1)").select_option("9")
    page.get_by_label("Jahr (Kostenzeile 1)").select_option("2027")
    page.get_by_label("Gesamtkosten (brutto) (Kostenzeile 1)").fill("200.000,00")
    page.get_by_label("Programm (Baustein 1)").select_option(label="LZ – Lebendige Zentren")
    page.get_by_label("Anteil an den förderfähigen Kosten (%) (Baustein 1)").fill("100")
    expect(page.locator("#totals [data-total=grant]")).to_have_text("140.000,00 €")  # 70 % of 200.000 €
    page.get_by_role("button", name="Maßnahme speichern").click()
    expect(page.get_by_text("Die Maßnahme HF1-M01 wurde gespeichert.")).to_be_visible()
    log_out(page)

    # The public reads it, without an account.
    page.goto(f"{base}/")
    page.get_by_role("link", name="IHK Ortsmitte Sürenbruch").click()
    expect(page.get_by_role("rowheader", name="Umgestaltung Marktplatz")).to_be_visible()
    expect(page.locator(".totals").get_by_text("140.000,00 €")).to_be_visible()
    expect(page.get_by_text("Leerstand im Erdgeschoss")).to_be_visible()

    concept = Concept.objects.get(slug="ihk-suerenbruch")
    assert concept.published and concept.quarters.count() == 1
    assert Measure.objects.get(concept=concept).code == "HF1-M01"
    assert_no_csp_errors(page)
