"""The measure editor: profile, cost lines and financing on one page, live totals, conflicts, history."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from funding.models import CostLine, FinancingModule
from measures.models import Measure
from tests import factories as f
from tests.funding.editor_page import create_url, edit_post, full_post
from tests.funding.html_tables import body_rows
from tests.pages import page_queries

pytestmark = pytest.mark.django_db


def test_editor_creates_a_measure_with_costs_and_financing(client, s):
    response = client.post(create_url(s), full_post(s))
    assert response.status_code == 302, response.content.decode()[:3000]
    measure = Measure.objects.get(code="HF1-M01")
    assert list(measure.goals.all()) == [s["goal"]]
    assert measure.cost_lines.count() == 2
    assert measure.cost_lines.get(year=2026).ineligible == Decimal("0.50")
    module = measure.financing_modules.get()
    assert module.programme == s["lz"] and module.rate is None
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "150.000,50 €" in body  # gross
    assert "105.000,00 €" in body  # grant: 70 % of 150.000,00 eligible
    assert "45.000,50 €" in body  # municipal share
    # The new measure is on the (internal) measure list and on the concept page.
    assert "HF1-M01" in client.get(reverse("funding:measure_list", args=[s["concept"].slug])).content.decode()
    assert "Umgestaltung Marktplatz" in client.get(s["concept"].get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"costs": [{"section": "9", "year": "2025", "gross": "-5,00", "ineligible": "0"}]}, "nicht negativ"),
        ({"start_year": "2027", "end_year": "2025"}, "Das Ende darf nicht vor dem Beginn liegen."),
        ({"start_year": "2019"}, "Beginn 2019 liegt außerhalb der Programmjahre des Konzepts (2024–2030)."),
        ({"end_year": "2040"}, "Ende 2040 liegt außerhalb der Programmjahre des Konzepts (2024–2030)."),
        ({"action_field": "999999"}, "Dieses Handlungsfeld gibt es in diesem Konzept nicht."),
        (
            {"costs": [{"section": "9", "year": "2025", "gross": "10", "ineligible": "20"}]},
            "nicht übersteigen",
        ),
        (
            {"costs": [{"section": "9", "year": "2029", "gross": "10", "ineligible": "0"}]},
            "außerhalb des Zeitraums",
        ),
        ({"costs": [{"section": "9", "year": "2025", "gross": "viel", "ineligible": "0"}]}, "Zahl"),
        (
            {"modules": [{"kind": "grant", "programme": "", "rate": "60"}]},
            "braucht ein Förderprogramm",
        ),
        (
            {"modules": [{"kind": "grant", "programme": "LZ", "cost_share": "100", "rate": "95"}]},
            "Höchstfördersatz",
        ),
        (
            {
                "modules": [
                    {"kind": "grant", "programme": "LZ", "cost_share": "60"},
                    {"kind": "grant", "programme": "LZ", "cost_share": "50"},
                ]
            },
            "doppelt gefördert",
        ),
        ({"code": ""}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_input_is_shown_in_german_and_nothing_is_saved(client, s, change, message):
    for module in change.get("modules", []):
        if module.get("programme") == "LZ":
            module["programme"] = str(s["lz"].pk)
    costs, modules = change.pop("costs", None), change.pop("modules", None)
    response = client.post(create_url(s), full_post(s, costs=costs, modules=modules, **change))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Es wurde nichts gespeichert." in body
    assert not Measure.objects.exists()
    assert not CostLine.objects.exists()
    assert not FinancingModule.objects.exists()


def test_errors_are_tied_to_their_inputs_for_screen_readers(client, s):
    """An invalid input says so (aria-invalid) and points at its message (aria-describedby)."""
    costs = [{"section": "9", "year": "2025", "gross": "-5", "ineligible": "0"}]
    body = client.post(create_url(s), full_post(s, costs=costs, title="")).content.decode()
    for auto_id in ("id_title", "id_costs-0-gross"):
        match = re.search(rf'<(?:input|textarea|select)[^>]*id="{auto_id}"[^>]*>', body)
        assert match, auto_id
        assert 'aria-invalid="true"' in match.group(0)
        assert f'aria-describedby="{auto_id}_error"' in match.group(0)
        assert f'id="{auto_id}_error"' in body


# A JPEG with a camera maker and a GPS position in its EXIF data.
CAMERA_EXIF = {0x8825: {1: "N", 2: (51.0, 27.0, 0.0)}, 0x010F: "Kamerahersteller"}


def test_image_is_reencoded_downscaled_and_stripped(client, s):
    upload = SimpleUploadedFile(
        "foto.jpg", f.png_bytes((3000, 2000), fmt="JPEG", exif=CAMERA_EXIF), content_type="image/jpeg"
    )
    data = full_post(s, image_alt="Marktplatz heute")
    data["image"] = upload
    response = client.post(create_url(s), data)
    assert response.status_code == 302
    measure = Measure.objects.get()
    with Image.open(measure.image.path) as stored:
        assert max(stored.size) == 1600
        assert stored.format == "JPEG"
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("brief.pdf", b"%PDF-1.4 not an image", "Bild"),
        ("bild.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "Bild"),
    ],
)
def test_wrong_image_type_is_refused(client, s, name, content, message):
    data = full_post(s, image_alt="x")
    data["image"] = SimpleUploadedFile(name, content)
    body = client.post(create_url(s), data).content.decode()
    assert message in body and "Es wurde nichts gespeichert." in body
    assert not Measure.objects.exists()


def test_oversized_image_is_refused(client, s, monkeypatch):
    monkeypatch.setattr("measures.images.MAX_UPLOAD_BYTES", 1000)
    data = full_post(s, image_alt="x")
    data["image"] = SimpleUploadedFile("gross.png", f.png_bytes((400, 400)), content_type="image/png")
    body = client.post(create_url(s), data).content.decode()
    assert "zu groß" in body
    assert not Measure.objects.exists()


def test_image_needs_alt_text(client, s):
    data = full_post(s)
    data["image"] = SimpleUploadedFile("bild.png", f.png_bytes(), content_type="image/png")
    body = client.post(create_url(s), data).content.decode()
    assert "Alternativtext" in body
    assert not Measure.objects.exists()


def _saved_measure(client, s):
    client.post(create_url(s), full_post(s))
    return Measure.objects.get(code="HF1-M01")


def test_second_save_gets_a_conflict_and_keeps_its_input(client, s):
    measure = _saved_measure(client, s)
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    form_of_a = edit_post(measure, s, title="Titel von A")
    form_of_b = edit_post(measure, s, title="Titel von B")
    colleague = f.make_editor(s["concept"], "kollege")

    client.force_login(colleague)
    assert client.post(url, form_of_b).status_code == 302

    client.force_login(s["editor"])
    response = client.post(url, form_of_a)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Jemand anderes hat diese Maßnahme gespeichert" in body
    assert "Titel von B" in body  # what changed meanwhile
    assert 'value="Titel von A"' in body  # the user's input is kept
    measure.refresh_from_db()
    assert measure.title == "Titel von B"  # nothing overwritten

    # Saving again (the form now carries the current version) applies A's input deliberately.
    form_of_a["version"] = str(measure.version)
    assert client.post(url, form_of_a).status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Titel von A"


def test_history_lists_who_changed_what_field_by_field(client, s):
    measure = _saved_measure(client, s)
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    data = edit_post(measure, s, title="Neuer Titel")
    data["costs-0-gross"] = "120.000,00"
    data["costs-1-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    body = client.get(
        reverse("funding:measure_history", args=[s["concept"].slug, measure.pk])
    ).content.decode()
    assert "planerin" in body
    assert "Umgestaltung Marktplatz" in body and "Neuer Titel" in body  # old and new title
    assert "100.000,00" in body and "120.000,00" in body  # old and new gross of the 2025 line
    assert "Kostenzeile 2026, KG 9 – gelöscht" in body
    assert "Steckbrief – angelegt" in body


def test_adding_a_row_without_javascript_keeps_input_and_saves_nothing(client, s):
    data = full_post(s)
    data["_action"] = "add_cost"
    response = client.post(create_url(s), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="costs-TOTAL_FORMS" value="3"' in body
    assert 'value="Umgestaltung Marktplatz"' in body
    assert "150.000,50 €" in body  # totals recalculated from the input
    assert not Measure.objects.exists()


def test_preview_returns_totals_of_unsaved_input(client, s):
    url = reverse("funding:measure_create_preview", args=[s["concept"].slug])
    data = full_post(
        s,
        modules=[
            {"kind": "grant", "programme": str(s["lz"].pk), "cost_share": "100"},
            {"kind": "municipal", "programme": "", "cost_share": "100", "amount": "10.000,00"},
        ],
    )
    response = client.post(url, data, headers={"hx-request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section id="totals"')
    assert "105.000,00 €" in body  # grant
    assert "35.000,50 €" in body  # gap: 150.000,50 − 105.000 − 10.000 municipal funds
    assert not Measure.objects.exists()


def test_delete_removes_measure_and_keeps_history(client, s):
    measure = _saved_measure(client, s)
    url = reverse("funding:measure_delete", args=[s["concept"].slug, measure.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Measure.objects.exists()
    assert Measure.history.filter(history_type="-").count() == 1


def test_editor_query_count_does_not_grow_with_rows(client, s):
    # Same kinds of rows, few and many: queries must not depend on how many.
    small = f.make_measure(s["concept"], s["field"], code="S1", municipality=s["municipality"])
    large = f.make_measure(s["concept"], s["field"], code="L1", municipality=s["municipality"])
    for measure, years, sections, copies in (
        (small, [2025], (9,), 1),
        (large, range(2024, 2031), (7, 9, 11), 6),
    ):
        for year in years:
            for section in sections:
                f.make_cost_line(measure, year=year, section=section)
        for _ in range(copies):
            f.make_indicator(measure)
            f.make_module(measure, s["lz"], cost_share="10")
            f.make_module(
                measure, kind="third_party", amount=None, year_amounts={2025: "50.00", 2026: "50.00"}
            )
    for _ in range(30):
        f.make_user()
    slug = s["concept"].slug
    page_queries(client, reverse("funding:measure_edit", args=[slug, small.pk]))  # warm-up
    assert page_queries(client, reverse("funding:measure_edit", args=[slug, small.pk])) == page_queries(
        client, reverse("funding:measure_edit", args=[slug, large.pk])
    )
    history_small = page_queries(client, reverse("funding:measure_history", args=[slug, small.pk]))
    history_large = page_queries(client, reverse("funding:measure_history", args=[slug, large.pk]))
    assert history_small == history_large
    list_url = reverse("funding:measure_list", args=[slug])
    before = page_queries(client, list_url)
    for i in range(10):
        m = f.make_measure(s["concept"], s["field"], code=f"X{i}", municipality=s["municipality"])
        f.make_cost_line(m, year=2025)
    assert page_queries(client, list_url) == before


@pytest.mark.parametrize(
    ("role", "edit_status", "read_status"),
    [
        ("anonymous", 302, 302),
        ("editor", 200, 200),
        ("other_editor", 404, 404),
        ("reviewer", 403, 200),
        ("funder", 403, 200),
        ("moderator", 403, 200),
        ("admin", 200, 200),
    ],
)
def test_permissions(client, s, role, edit_status, read_status):
    measure = f.make_measure(s["concept"], s["field"], municipality=s["municipality"])
    client.logout()
    user = None
    if role == "editor":
        user = s["editor"]
    elif role == "other_editor":
        user = f.make_editor(f.make_concept())
    elif role in ("reviewer", "funder", "moderator"):
        user = f.make_user()
        f.make_membership(s["concept"], user, role)
    elif role == "admin":
        user = f.make_user(is_superuser=True, is_staff=True)
    if user:
        client.force_login(user)
    slug = s["concept"].slug
    for name, args in (
        ("funding:measure_create", [slug]),
        ("funding:measure_edit", [slug, measure.pk]),
        ("funding:measure_delete", [slug, measure.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == edit_status, name
    for name, args in (
        ("funding:measure_preview", [slug, measure.pk]),
        ("funding:measure_delete", [slug, measure.pk]),
    ):
        expected = 200 if (name.endswith("preview") and edit_status == 200) else edit_status
        if name.endswith("delete") and edit_status == 200:
            continue  # deleting is tested on its own
        assert client.post(reverse(name, args=args), {}).status_code == expected, name
    for name, args in (("funding:measure_list", [slug]), ("funding:measure_history", [slug, measure.pk])):
        assert client.get(reverse(name, args=args)).status_code == read_status, name
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_measure_list_shows_a_gap_and_over_financing_apart(client, s):
    short = f.make_measure(s["concept"], s["field"], code="HF1-M01", municipality=s["municipality"])
    f.make_cost_line(short, year=2025, gross="1000.00")
    f.make_module(short, kind="municipal", amount="900", year_amounts={2025: "900"})
    over = f.make_measure(s["concept"], s["field"], code="HF1-M02", municipality=s["municipality"])
    f.make_cost_line(over, year=2025, gross="1000.00")
    f.make_module(over, kind="municipal", amount="1100", year_amounts={2025: "1100"})
    body = client.get(reverse("funding:measure_list", args=[s["concept"].slug])).content.decode()
    rows = body_rows(body, "HF1 Zentren")
    gap = rows[0].index("Lücke")
    assert rows[1][gap] == "100,00 €"  # HF1-M01: 100 € missing
    assert rows[2][gap] == "0,00 € überfinanziert 100,00 €"  # HF1-M02: 100 € too much
    assert rows[3][-2] == "100,00 € überfinanziert 100,00 €"  # the sum: both, never netted out
