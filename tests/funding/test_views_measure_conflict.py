"""The measure editor loses no edits: a colleague's changes to costs, financing, goals, indicators or
related measures, or rows they deleted, are shown field by field before anything is overwritten."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.editor import services as editor_services
from funding.models import CostLine
from measures.models import Indicator, Measure
from tests import factories as f
from tests.funding.editor_page import create_url, edit_post, form_data, full_post, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(s, client):
    """The shared setup (``tests/funding/conftest.py``) with measure HF1-M01 saved, its editor's URL,
    and a colleague who edits it too."""
    assert client.post(create_url(s), full_post(s)).status_code == 302
    s["measure"] = Measure.objects.get(code="HF1-M01")
    s["url"] = reverse("funding:measure_edit", args=[s["concept"].slug, s["measure"].pk])
    s["colleague"] = f.make_editor(s["concept"], "kollege")
    return s


def as_colleague(client, s, data):
    client.force_login(s["colleague"])
    response = client.post(s["url"], data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(s["editor"])


def cell(body: str, name: str) -> str:
    """The table cell holding the input ``name``."""
    match = re.search(
        rf'<td class="[^"]*">(?:(?!</td>).)*name="{re.escape(name)}"(?:(?!</td>).)*</td>', body, re.S
    )
    assert match, name
    return match.group(0)


def test_cost_change_of_a_colleague_is_shown_and_not_undone_silently(client, s):
    measure = s["measure"]
    form_of_a = edit_post(measure, s, title="Titel von A")  # A changes only the title
    form_of_b = edit_post(measure, s)
    form_of_b["costs-0-gross"] = "120.000,00"  # B changes only the 2025 cost line
    as_colleague(client, s, form_of_b)

    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    box = body[
        body.index('id="conflict"') : body.index("</div>", body.index("In der Zwischenzeit gespeichert"))
    ]
    assert "Kostenzeile 2025, KG 9 (geändert)" in box
    assert "100.000,00" in box and "120.000,00" in box and "kollege" in box
    assert "Geändert wurden Kosten oder Finanzierung" not in body
    # A's input is kept and the cell shows what is stored now.
    gross = cell(body, "costs-0-gross")
    assert "cell--conflict" in gross and "Gespeichert: 120.000,00" in gross
    assert 'value="100000.00"' in gross or 'value="100.000,00"' in gross
    assert "Gespeichert:" not in cell(body, "costs-1-gross")  # unchanged cells are not marked
    line = measure.cost_lines.get(year=2025)
    assert line.gross == Decimal("120000.00")
    measure.refresh_from_db()
    assert measure.title == "Umgestaltung Marktplatz"

    # Saving the page as it came back applies A's input deliberately.
    again = client.post(s["url"], post_data(form_data(body)))
    assert again.status_code == 302
    line.refresh_from_db()
    measure.refresh_from_db()
    assert measure.title == "Titel von A" and line.gross == Decimal("100000.00")


def test_financing_years_and_rows_added_meanwhile_are_shown_and_kept(client, s):
    measure = s["measure"]
    form_of_a = edit_post(measure, s, title="Titel von A")
    form_of_b = edit_post(measure, s)
    # B adds a cost line and a third-party module with year amounts.
    form_of_b.update(
        {
            "costs-TOTAL_FORMS": "3",
            "costs-2-section": "7",
            "costs-2-year": "2025",
            "costs-2-gross": "8.000,00",
            "costs-2-ineligible": "0",
            "modules-TOTAL_FORMS": "2",
            "modules-1-kind": "third_party",
            "modules-1-source": "Stiftung",
            "modules-1-year_2025": "1.000,00",
            "modules-1-year_2026": "2.000,00",
        }
    )
    as_colleague(client, s, form_of_b)

    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Kostenzeile 2025, KG 7 (angelegt)" in body and "8.000,00" in body
    assert "Finanzierung Stiftung, Jahresscheibe 2026 (angelegt)" in body
    assert body.count("Diese Zeile hat kollege inzwischen hinzugefügt") == 2
    assert 'name="costs-TOTAL_FORMS" value="3"' in body and 'name="costs-INITIAL_FORMS" value="3"' in body

    assert client.post(s["url"], post_data(form_data(body))).status_code == 302
    assert measure.cost_lines.count() == 3  # B's line survives A's deliberate save
    module = measure.financing_modules.get(kind="third_party")
    assert {y.year: y.amount for y in module.years.all()} == {
        2025: Decimal("1000.00"),
        2026: Decimal("2000.00"),
    }


def test_goal_change_of_a_colleague_is_listed(client, s):
    measure = s["measure"]
    second = f.make_goal(s["field"], code="Z1.2", title="Mehr Frequenz")
    form_of_a = edit_post(measure, s, description="Text von A")
    as_colleague(client, s, edit_post(measure, s, goals=[s["goal"].pk, second.pk]))

    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert re.search(r"<td>Ziele</td>\s*<td>Z1\.1</td>\s*<td>Z1\.1, Z1\.2</td>", body)
    assert "kollege" in body
    assert list(measure.goals.order_by("code").values_list("code", flat=True)) == ["Z1.1", "Z1.2"]


def test_cost_line_deleted_meanwhile_becomes_a_visible_conflict_and_a_new_row(client, s):
    measure = s["measure"]
    form_of_a = edit_post(measure, s)
    form_of_a["costs-1-gross"] = "60.000,00"  # A edits the 2026 line ...
    form_of_b = edit_post(measure, s)
    form_of_b["costs-1-DELETE"] = "on"  # ... which B deletes
    as_colleague(client, s, form_of_b)

    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Kostenzeile 2026, KG 9 wurde inzwischen von kollege gelöscht" in body
    assert "Kostenzeile 2026, KG 9 (gelöscht)" in body  # in the list of changes
    assert "fehlerhaft" not in body
    data = form_data(body)
    assert data["costs-INITIAL_FORMS"] == ["1"] and data["costs-TOTAL_FORMS"] == ["2"]
    assert data["costs-1-id"] == [""] and data["costs-1-gross"] == ["60.000,00"]
    assert measure.cost_lines.count() == 1

    assert client.post(s["url"], post_data(data)).status_code == 302
    assert sorted(measure.cost_lines.values_list("year", "gross")) == [
        (2025, Decimal("100000.00")),
        (2026, Decimal("60000.00")),
    ]


def test_row_deleted_without_a_new_version_is_still_a_conflict(client, s):
    """A row removed by another path (no new version) must not make every save fail or vanish."""
    measure = s["measure"]
    form_of_a = edit_post(measure, s)
    CostLine.objects.filter(measure=measure, year=2026).delete()
    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Diese Zeile gibt es inzwischen nicht mehr" in body
    assert measure.cost_lines.count() == 1
    assert client.post(s["url"], post_data(form_data(body))).status_code == 302
    assert measure.cost_lines.count() == 2


def test_removing_a_row_deleted_meanwhile_needs_no_conflict(client, s):
    measure = s["measure"]
    form_of_a = edit_post(measure, s)
    form_of_a["costs-1-DELETE"] = "on"
    CostLine.objects.filter(measure=measure, year=2026).delete()
    assert client.post(s["url"], form_of_a).status_code == 302
    assert measure.cost_lines.count() == 1


def test_row_errors_without_a_visible_input_are_shown(client, s):
    data = edit_post(s["measure"], s)
    data["costs-0-measure"] = "999999"  # tampered: the row claims another measure
    response = client.post(s["url"], data)
    body = response.content.decode()
    assert response.status_code == 200
    note = body[body.index('class="row-note"') :][:600]
    assert 'class="error"' in note
    assert s["measure"].cost_lines.get(year=2025).gross == Decimal("100000.00")


def test_related_measures_changed_through_another_measure_are_a_conflict(client, s):
    measure = s["measure"]
    other = f.make_measure(s["concept"], s["field"], code="HF1-M02", municipality=s["municipality"])
    form_of_a = edit_post(measure, s, title="Titel von A")
    form_of_a["related_seen"] = ""
    # B relates the other measure to this one by saving the other measure: this one's version stays.
    editor_services.measure_save(
        concept=s["concept"],
        measure=other,
        profile={"related": [measure]},
        cost_lines=[],
        modules=[],
        expected_version=other.version,
        user=s["colleague"],
    )
    measure.refresh_from_db()
    assert form_of_a["version"] == str(measure.version)

    response = client.post(s["url"], form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Die verwandten Maßnahmen wurden inzwischen geändert" in body and "HF1-M02" in body
    data = form_data(body)
    assert data["related_seen"] == [str(other.pk)]
    assert list(measure.related.all()) == [other]


def test_indicator_change_of_a_colleague_is_listed_and_marked(client, s):
    measure = s["measure"]
    indicator = f.make_indicator(measure, name="Entsiegelte Fläche", target_value="1000")
    form_of_a = edit_post(measure, s, title="Titel von A")
    form_of_b = edit_post(measure, s)
    form_of_b["indicators-0-target_value"] = "1.500,00"
    as_colleague(client, s, form_of_b)

    body = client.post(s["url"], form_of_a).content.decode()
    assert "Indikator „Entsiegelte Fläche“ (geändert)" in body
    assert "Gespeichert: 1.500,00" in cell(body, "indicators-0-target_value")
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("1500.00")
    assert Indicator.objects.count() == 1


def test_edit_without_version_is_refused(client, s):
    data = edit_post(s["measure"], s, title="Ohne Version")
    del data["version"]
    response = client.post(s["url"], data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Versionsangabe fehlt" in body and "Es wurde nichts gespeichert." in body
    s["measure"].refresh_from_db()
    assert s["measure"].title == "Umgestaltung Marktplatz"


def test_service_refuses_an_update_without_version(s):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Versionsangabe"):
        editor_services.measure_save(
            concept=s["concept"],
            measure=s["measure"],
            profile={"title": "Ohne Version"},
            cost_lines=[],
            modules=[],
            expected_version=None,
            user=s["editor"],
        )
    s["measure"].refresh_from_db()
    assert s["measure"].title == "Umgestaltung Marktplatz" and s["measure"].cost_lines.count() == 2
