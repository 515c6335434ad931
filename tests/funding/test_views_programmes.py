"""Funding programmes (admins) and the funding rates of a concept's municipalities (editors), in the
browser; and ``load_programmes`` for a fresh installation."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from funding.models import FundingProgramme, MunicipalRate
from funding.programmes.selectors import rate_grid
from funding.programmes.services import encode_rates
from projects.models import ConceptMembership
from tests import factories as f
from tests.pages import page_queries

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


def _programme_data(**changes) -> dict:
    return {
        "code": "ZIO",
        "name": "Zukunftsfähige Innenstädte",
        "level": "state",
        "urban_programme": "",
        "default_rate": "90",
        "max_rate": "90",
        "description": "",
        **changes,
    }


def test_admin_creates_and_changes_a_programme(admin_client):
    response = admin_client.post(
        reverse("funding:programme_create"), _programme_data(default_rate="62,5"), follow=True
    )
    assert response.redirect_chain == [(reverse("funding:programme_list"), 302)]
    programme = FundingProgramme.objects.get(code="ZIO")
    assert programme.default_rate == Decimal("62.5")
    body = response.content.decode()
    assert "62,5 %" in body and "Zukunftsfähige Innenstädte" in body

    edit = reverse("funding:programme_edit", kwargs={"pk": programme.pk})
    assert 'value="62,50"' in admin_client.get(edit).content.decode()
    assert admin_client.post(edit, _programme_data(name="ZIO NRW")).status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.default_rate) == ("ZIO NRW", Decimal("90"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "lz"}, "code", "Das Kürzel „LZ“ hat schon das Programm „Lebendige Zentren“."),
        (
            {"default_rate": "95", "max_rate": "90"},
            "default_rate",
            "Der Regelfördersatz darf den Höchstfördersatz nicht übersteigen.",
        ),
        ({"max_rate": "120"}, "max_rate", "100"),
        ({"default_rate": "-5"}, "default_rate", "Ein Prozentsatz darf nicht negativ sein."),
        ({"default_rate": "viel"}, "default_rate", "Bitte eine Zahl eingeben."),
        ({"name": ""}, "name", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_programme_input_saves_nothing(admin_client, changes, field, message):
    f.make_programme(code="LZ", name="Lebendige Zentren")
    count = FundingProgramme.objects.count()
    response = admin_client.post(reverse("funding:programme_create"), _programme_data(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context[
        "form"
    ].errors
    assert FundingProgramme.objects.count() == count


def test_max_rate_cannot_fall_below_a_municipal_rate(admin_client):
    programme = f.make_programme(code="LZ", max_rate=Decimal("80"))
    f.make_rate(f.make_municipality(name="Ostervenne"), programme, 2026, "80")
    response = admin_client.post(
        reverse("funding:programme_edit", kwargs={"pk": programme.pk}),
        _programme_data(code="LZ", default_rate="60", max_rate="70"),
    )
    assert response.status_code == 200
    assert (
        "Ostervenne hat 2026 schon einen Fördersatz von 80 % in diesem Programm." in response.content.decode()
    )
    programme.refresh_from_db()
    assert programme.max_rate == Decimal("80")


def test_programme_list_query_count_does_not_grow(admin_client):
    url = reverse("funding:programme_list")
    f.make_programme()
    few = page_queries(admin_client, url)
    for _ in range(10):
        f.make_programme()
    # session, user, programmes with their counts
    assert page_queries(admin_client, url) == few


# --- rates -----------------------------------------------------------------------------------------


@pytest.fixture
def rates_setup(client):
    hallenbeck, ostervenne = f.make_municipality(name="Hallenbeck"), f.make_municipality(name="Ostervenne")
    concept = f.make_concept([hallenbeck, ostervenne], year_from=2025, year_to=2027)
    lz = f.make_programme(code="LZ", default_rate=Decimal("60"), max_rate=Decimal("80"))
    editor = f.make_editor(concept, "planung")
    client.force_login(editor)
    return concept, hallenbeck, ostervenne, lz


def _url(concept) -> str:
    return reverse("funding:rate_table", kwargs={"slug": concept.slug})


def _rate_data(concept, cells: dict) -> dict:
    """The page as posted: every cell of the grid (``cells`` maps (municipality, programme, year) to the
    typed text, the rest as stored) plus the rates as loaded."""
    grid = rate_grid(concept=concept)
    data = {"loaded": encode_rates(grid.rates)}
    for key in grid.cells():
        stored = grid.rates.get(key)
        data["rate-{}-{}-{}".format(*key)] = str(stored).replace(".", ",") if stored is not None else ""
    for (municipality, programme, year), text in cells.items():
        data[f"rate-{municipality.pk}-{programme.pk}-{year}"] = text
    return data


def test_editor_sets_changes_and_clears_rates(client, rates_setup):
    concept, hallenbeck, ostervenne, lz = rates_setup
    f.make_rate(hallenbeck, lz, 2025, "70")
    f.make_rate(ostervenne, lz, 2025, "80")
    page = client.get(_url(concept))
    body = page.content.decode()
    assert page.context["section"] == "rates"
    assert 'value="70,00"' in body and "<caption>Ostervenne</caption>" in body
    data = _rate_data(
        concept, {(hallenbeck, lz, 2025): "65", (hallenbeck, lz, 2026): "62,5", (ostervenne, lz, 2025): ""}
    )
    response = client.post(_url(concept), data, follow=True)
    assert response.redirect_chain == [(_url(concept), 302)]
    assert "Die Fördersätze wurden gespeichert (3 Änderungen)." in response.content.decode()
    stored = {
        (r.municipality.name, r.year): r.rate for r in MunicipalRate.objects.select_related("municipality")
    }
    assert stored == {("Hallenbeck", 2025): Decimal("65"), ("Hallenbeck", 2026): Decimal("62.5")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "85",
            "Hallenbeck, LZ, 2026: Der Fördersatz muss zwischen 0 und 80 % liegen (Höchstsatz des Programms).",
        ),
        ("-1", "Hallenbeck, LZ, 2026: Der Fördersatz muss zwischen 0 und 80 % liegen"),
        ("sechzig", "Bitte einen Prozentsatz wie 60 oder 62,5 eingeben."),
    ],
)
def test_bad_rate_saves_nothing(client, rates_setup, text, message):
    concept, hallenbeck, ostervenne, lz = rates_setup
    data = _rate_data(concept, {(ostervenne, lz, 2025): "70", (hallenbeck, lz, 2026): text})
    response = client.post(_url(concept), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Es wurde nichts gespeichert." in body
    assert not MunicipalRate.objects.exists()


def test_two_editors_never_overwrite_each_others_rates(client, rates_setup):
    concept, hallenbeck, _ostervenne, lz = rates_setup
    loaded_by_a = _rate_data(concept, {(hallenbeck, lz, 2027): "75"})
    other = f.make_editor(concept, "kollege")
    client_b = Client()
    client_b.force_login(other)
    assert (
        client_b.post(_url(concept), _rate_data(concept, {(hallenbeck, lz, 2027): "70"})).status_code == 302
    )

    response = client.post(_url(concept), loaded_by_a)
    assert response.status_code == 200
    changes = [(c.label, c.loaded, c.current) for c in response.context["conflict"].changes]
    assert changes == [("Hallenbeck, LZ, 2027", "–", "70 %")]
    assert MunicipalRate.objects.get().rate == Decimal("70")
    body = response.content.decode()
    assert 'value="75"' in body  # A's input is kept
    # Saving again (the page now carries the current rates as its base) applies A's input.
    again = {**loaded_by_a, "loaded": response.context["form"]["loaded"].value()}
    assert client.post(_url(concept), again).status_code == 302
    assert MunicipalRate.objects.get().rate == Decimal("75")


def test_changing_a_rate_resets_a_signoff_and_says_so(client, rates_setup):
    concept, hallenbeck, _ostervenne, lz = rates_setup
    f.make_rate(hallenbeck, lz, 2025, "70")
    measure = f.make_measure(concept, code="A.1", municipality=hallenbeck, start_year=2025, end_year=2025)
    f.make_cost_line(measure, year=2025, gross=Decimal("100000"))
    f.make_module(measure, lz, rate=None)
    reviewer = f.make_user("pruefung")
    f.make_membership(concept, reviewer, Role.REVIEWER, municipality=hallenbeck)
    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    kuf = reverse("funding:kuf_table", kwargs={"slug": concept.slug})
    reviews = reviewer_client.get(kuf).context["reviews"]
    seen = next(review for review in reviews if review.municipality == hallenbeck).rows_hash
    signoff = reverse("funding:kuf_signoff", kwargs={"slug": concept.slug, "municipality_pk": hallenbeck.pk})
    assert reviewer_client.post(signoff, {"state": "approved", "seen": seen}).status_code == 302

    response = client.post(_url(concept), _rate_data(concept, {(hallenbeck, lz, 2025): "60"}), follow=True)
    assert "Die Prüfung der KuF von Hallenbeck" in response.content.decode()
    assert "A.1" in response.content.decode()


def test_rate_page_query_count_does_not_grow(client, rates_setup):
    concept, hallenbeck, ostervenne, lz = rates_setup
    f.make_rate(hallenbeck, lz, 2025, "70")
    few = page_queries(client, _url(concept))
    for _ in range(3):
        programme = f.make_programme()
        f.make_rate(ostervenne, programme, 2026, "50")
    concept.municipalities.add(f.make_municipality(name="Sürenbruch"))
    # session, user, concept, roles, then municipalities, the concepts sharing their rates, programmes,
    # rates: the same however many
    assert page_queries(client, _url(concept)) == few


def test_load_programmes_creates_the_standard_programmes_once():
    out = StringIO()
    call_command("load_programmes", stdout=out)
    assert {"LZ", "SZ", "WNE", "EFRE-KA", "KFW432"} <= set(
        FundingProgramme.objects.values_list("code", flat=True)
    )
    count = FundingProgramme.objects.count()
    FundingProgramme.objects.filter(code="LZ").update(default_rate=Decimal("55"))
    call_command("load_programmes", stdout=StringIO())
    assert FundingProgramme.objects.count() == count
    assert FundingProgramme.objects.get(code="LZ").default_rate == Decimal("55")  # left as it was
    assert "neu angelegt" in out.getvalue()


def test_programme_form_pages_query_counts(admin_client, django_assert_num_queries):
    programme = f.make_programme(code="LZ")
    for _ in range(5):
        f.make_rate(f.make_municipality(), programme, 2026, "70")
    # session, user
    with django_assert_num_queries(2):
        assert admin_client.get(reverse("funding:programme_create")).status_code == 200
    # session, user, the programme
    with django_assert_num_queries(3):
        assert (
            admin_client.get(reverse("funding:programme_edit", kwargs={"pk": programme.pk})).status_code
            == 200
        )
