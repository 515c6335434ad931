"""The pages of frozen KuF versions: the list with freezing, the comparison, and their query counts."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import CostLine, KufVersion, KufVersionRow
from funding.versions import services as versions_services
from measures.models import Measure
from projects.models import ConceptMembership
from tests import factories as f
from tests.funding.html_tables import tables

pytestmark = pytest.mark.django_db
Role = ConceptMembership.Role
D = Decimal


@pytest.fixture
def s():
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept(municipalities=[hallenbeck])
    hf1 = f.make_action_field(concept, code="HF1", title="Zentren", order=1)
    hf2 = f.make_action_field(concept, code="HF2", title="Grün", order=2)
    lz = f.make_programme(code="LZ", default_rate=D("60"))
    editor, reviewer = f.make_user("planung"), f.make_user("pruefung")
    f.make_membership(concept, editor, Role.EDITOR)
    f.make_membership(concept, reviewer, Role.REVIEWER, hallenbeck)
    return {"concept": concept, "hf1": hf1, "hf2": hf2, "lz": lz, "editor": editor, "reviewer": reviewer}


def _list_url(concept) -> str:
    return reverse("funding:kuf_version_list", args=[concept.slug])


def _compare_url(concept, **params) -> str:
    url = reverse("funding:kuf_compare", args=[concept.slug])
    return f"{url}?{urlencode(params)}" if params else url


def _freeze(s, name: str) -> KufVersion:
    return versions_services.kuf_version_freeze(concept=s["concept"], name=name, user=s["editor"])


# --- The list and freezing ------------------------------------------------------------------------------


def test_editor_freezes_the_current_state(client, s):
    f.make_costed_measures(s["concept"], 3, s["lz"], action_field=s["hf1"])
    client.force_login(s["editor"])

    response = client.post(_list_url(s["concept"]), {"name": "Antrag 2026", "note": "Für den Antrag"})

    assert response.status_code == 302 and response.url == _list_url(s["concept"])
    version = KufVersion.objects.get()
    assert (version.name, version.note, version.created_by) == ("Antrag 2026", "Für den Antrag", "planung")
    assert KufVersionRow.objects.filter(version=version).count() == 3
    page = client.get(response.url)
    body = page.content.decode()
    assert "Der Stand „Antrag 2026“ ist eingefroren." in body
    assert timezone.localtime(version.created_at).strftime("%d.%m.%Y %H:%M") in body
    assert "450.000,00 €" in body  # 3 × 150.000 € gross
    assert "261.000,00 €" in body  # 3 × 60 % of 145.000 € eligible
    table_url = reverse("funding:kuf_table", args=[s["concept"].slug]) + f"?stand={version.pk}"
    assert f'href="{table_url}"' in body
    assert "KuF dieses Stands" in body
    assert f'href="{_compare_url(s["concept"])}?alt={version.pk}&amp;neu=aktuell"' in body
    listed = page.context["versions"][0]
    assert (listed.row_count, listed.gross_total, listed.grant_total) == (3, D("450000.00"), D("261000.00"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Bitte geben Sie dem Stand einen Namen."),
        ("  ", "Bitte geben Sie dem Stand einen Namen."),
        ("Antrag 2026", "Einen Stand „Antrag 2026“ gibt es in diesem Konzept schon."),
        ("x" * 101, "höchstens 100 Zeichen"),
    ],
    ids=["empty", "blank", "duplicate", "too-long"],
)
def test_freeze_refuses_bad_names_at_the_field_and_saves_nothing(client, s, name, message):
    f.make_costed_measures(s["concept"], 2, s["lz"])
    _freeze(s, "Antrag 2026")
    client.force_login(s["editor"])

    response = client.post(_list_url(s["concept"]), {"name": name})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["name"] and message in errors["name"][0]
    body = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingaben. Es wurde nichts gespeichert." in body
    assert 'id="id_name_error"' in body
    assert KufVersion.objects.count() == 1 and KufVersionRow.objects.count() == 2


def test_only_editors_freeze_and_see_the_form(client, s):
    _freeze(s, "Stand 01.09.2025")
    client.force_login(s["reviewer"])

    page = client.get(_list_url(s["concept"]))
    assert page.status_code == 200
    assert "Stand 01.09.2025" in page.content.decode()
    assert "Aktuellen Stand einfrieren" not in page.content.decode()
    assert client.post(_list_url(s["concept"]), {"name": "Heimlich"}).status_code == 403

    client.logout()
    response = client.post(_list_url(s["concept"]), {"name": "Anonym"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert list(KufVersion.objects.values_list("name", flat=True)) == ["Stand 01.09.2025"]

    client.force_login(s["editor"])
    assert "Aktuellen Stand einfrieren" in client.get(_list_url(s["concept"])).content.decode()


# --- The comparison -------------------------------------------------------------------------------------


def _changes(s):
    """Freeze "Antrag 2025" over four measures, then: A.2 gets more costs in 2026 and 20.000 € of
    third-party money, A.3 moves to HF2, A.4 is deleted and B.1 (with 15.000 € third-party money) is
    added. Each measure costs 100.000 € in 2025 and 50.000 € (5.000 € ineligible) in 2026, 60 % grant."""
    concept, lz = s["concept"], s["lz"]
    measures = {}
    for code in ("A.1", "A.2", "A.3", "A.4"):
        (measures[code],) = f.make_costed_measures(concept, 1, lz, action_field=s["hf1"], code=code)
    old = _freeze(s, "Antrag 2025")
    CostLine.objects.filter(measure=measures["A.2"], year=2026).update(gross=D("150000.00"))
    f.make_module(measures["A.2"], kind="third_party", source="Stiftung", amount="20000")
    Measure.objects.filter(pk=measures["A.3"].pk).update(action_field=s["hf2"])
    measures["A.4"].delete()
    (park,) = f.make_costed_measures(concept, 1, lz, action_field=s["hf2"], code="B.1", title="Nordpark")
    f.make_module(park, kind="third_party", source="Land", amount="15000")
    return old


def test_the_kuf_page_shows_a_frozen_version_unchanged_by_later_edits(client, s):
    old = _changes(s)
    client.force_login(s["reviewer"])
    url = reverse("funding:kuf_table", args=[s["concept"].slug])

    frozen = client.get(url, {"stand": old.pk})
    live = client.get(url)

    assert frozen.status_code == 200 and frozen.context["version"] == old
    assert [row.measure.code for row in frozen.context["table"].rows] == ["A.1", "A.2", "A.3", "A.4"]
    assert frozen.context["table"].total.gross == D("600000.00")
    assert live.context["table"].total.gross == D("700000.00")
    assert "Antrag 2025" in frozen.content.decode()
    assert client.get(url, {"stand": 999_999}).status_code == 404


def test_compare_defaults_to_the_newest_version_against_the_current_state(client, s):
    _freeze(s, "Leer")
    old = _changes(s)
    client.force_login(s["reviewer"])

    response = client.get(_compare_url(s["concept"]))

    assert response.status_code == 200
    assert response.context["form"].cleaned_data == {"alt": str(old.pk), "neu": "aktuell", "betrag": "alle"}
    result = response.context["result"]
    assert [m.row.measure.code for m in result.added] == ["B.1"]
    assert [m.row.measure.code for m in result.removed] == ["A.4"]
    assert [m.row.measure.code for m in result.changed] == ["A.2", "A.3"]
    assert result.total.gross.diff == D("100000.00")  # +100.000 € for A.2, B.1 replaces A.4
    body = response.content.decode()
    assert (
        "+0,10 Mio. € Gesamtkosten, +0,06 Mio. € Zuwendungen, 1 Maßnahme neu, 1 entfallen, 2 geändert" in body
    )
    assert "Nordpark" in body
    assert "verschoben" in body
    assert "HF1 Zentren</td><td>HF2 Grün" in body  # the moved measure's field, old → new
    assert "1 Maßnahme ist unverändert." in body
    assert '<th scope="colgroup" colspan="3" class="num">Gesamtkosten</th>' in body
    assert "<caption>Summen je Handlungsfeld" in body
    assert "<script" not in body.split("<main", 1)[-1] and "style=" not in body


E = "0,00 €"
AMOUNTS = ["Gesamtkosten", "Zuwendungsfähige Kosten", "Zuwendung", "Eigenanteil", "Mittel Dritter"]
SAME_100K = ("100.000,00", "100.000,00", 0)


def _line(label: str, *figures: tuple) -> list[str]:
    """An expected row of a comparison table: per amount (old, new, difference in T€); ``0`` stands for
    0,00 €."""

    def eur(value) -> str:
        return E if value == 0 else f"{value} €"

    def signed(thousands: int) -> str:
        if not thousands:
            return E
        return f"{'+' if thousands > 0 else '-'}{abs(thousands)}.000,00 €"

    cells = [label]
    for old, new, change in figures:
        cells += [eur(old), eur(new), signed(change)]
    return cells


def test_compare_shows_every_amount_per_measure_and_year_with_subtotals(client, s):
    old = _changes(s)
    client.force_login(s["reviewer"])

    body = client.get(_compare_url(s["concept"], alt=old.pk, neu="aktuell")).content.decode()
    shown = tables(body)

    # A changed measure: old, new and difference of every amount, per year and in total.
    a2 = shown["Jahresscheiben von A.2"]
    assert a2[0] == ["Jahr", *AMOUNTS]
    assert a2[1] == ["alt", "neu", "Differenz"] * 5
    assert a2[2:] == [
        _line(
            "2025",
            SAME_100K,
            SAME_100K,
            ("60.000,00", "60.000,00", 0),
            ("40.000,00", "32.000,00", -8),
            (0, "8.000,00", 8),
        ),
        _line(
            "2026",
            ("50.000,00", "150.000,00", 100),
            ("45.000,00", "145.000,00", 100),
            ("27.000,00", "87.000,00", 60),
            ("23.000,00", "51.000,00", 28),
            (0, "12.000,00", 12),
        ),
        _line(
            "Summe",
            ("150.000,00", "250.000,00", 100),
            ("145.000,00", "245.000,00", 100),
            ("87.000,00", "147.000,00", 60),
            ("63.000,00", "83.000,00", 20),
            (0, "20.000,00", 20),
        ),
    ]
    # Added and removed measures: every amount per year on the side where they exist.
    added = shown["Neue Maßnahmen je Jahr (Beträge des neuen Stands)"]
    assert added == [
        ["Maßnahme / Jahr", *AMOUNTS],
        ["B.1 Nordpark · HF2 Grün · Hallenbeck · 2024–2030"],
        ["2025", "100.000,00 €", "100.000,00 €", "60.000,00 €", "30.000,00 €", "10.000,00 €"],
        ["2026", "50.000,00 €", "45.000,00 €", "27.000,00 €", "18.000,00 €", "5.000,00 €"],
        ["Summe", "150.000,00 €", "145.000,00 €", "87.000,00 €", "48.000,00 €", "15.000,00 €"],
        [
            "Summe der neuen Maßnahmen",
            "150.000,00 €",
            "145.000,00 €",
            "87.000,00 €",
            "48.000,00 €",
            "15.000,00 €",
        ],
    ]
    removed = shown["Entfallene Maßnahmen je Jahr (Beträge des alten Stands)"]
    assert removed[1][0].startswith("A.4 Maßnahme ")
    assert removed[1][0].endswith(" · HF1 Zentren · Hallenbeck · 2024–2030")
    assert removed[2:] == [
        ["2025", "100.000,00 €", "100.000,00 €", "60.000,00 €", "40.000,00 €", E],
        ["2026", "50.000,00 €", "45.000,00 €", "27.000,00 €", "23.000,00 €", E],
        ["Summe", "150.000,00 €", "145.000,00 €", "87.000,00 €", "63.000,00 €", E],
        ["Summe der entfallenen Maßnahmen", "150.000,00 €", "145.000,00 €", "87.000,00 €", "63.000,00 €", E],
    ]
    # Subtotals per action field and year: A.3 counts in HF1 before and in HF2 after its move.
    by_field_year = shown[
        "Summen je Handlungsfeld und Jahr (Jahre ohne Beträge in beiden Ständen ausgelassen)"
    ]
    assert by_field_year[2:] == [
        ["HF1 Zentren"],
        _line(
            "2025",
            ("400.000,00", "200.000,00", -200),
            ("400.000,00", "200.000,00", -200),
            ("240.000,00", "120.000,00", -120),
            ("160.000,00", "72.000,00", -88),
            (0, "8.000,00", 8),
        ),
        _line(
            "2026",
            ("200.000,00", "200.000,00", 0),
            ("180.000,00", "190.000,00", 10),
            ("108.000,00", "114.000,00", 6),
            ("92.000,00", "74.000,00", -18),
            (0, "12.000,00", 12),
        ),
        _line(
            "Summe HF1",
            ("600.000,00", "400.000,00", -200),
            ("580.000,00", "390.000,00", -190),
            ("348.000,00", "234.000,00", -114),
            ("252.000,00", "146.000,00", -106),
            (0, "20.000,00", 20),
        ),
        ["HF2 Grün"],
        _line(
            "2025",
            (0, "200.000,00", 200),
            (0, "200.000,00", 200),
            (0, "120.000,00", 120),
            (0, "70.000,00", 70),
            (0, "10.000,00", 10),
        ),
        _line(
            "2026",
            (0, "100.000,00", 100),
            (0, "90.000,00", 90),
            (0, "54.000,00", 54),
            (0, "41.000,00", 41),
            (0, "5.000,00", 5),
        ),
        _line(
            "Summe HF2",
            (0, "300.000,00", 300),
            (0, "290.000,00", 290),
            (0, "174.000,00", 174),
            (0, "111.000,00", 111),
            (0, "15.000,00", 15),
        ),
        _line(
            "Gesamtsumme",
            ("600.000,00", "700.000,00", 100),
            ("580.000,00", "680.000,00", 100),
            ("348.000,00", "408.000,00", 60),
            ("252.000,00", "257.000,00", 5),
            (0, "35.000,00", 35),
        ),
    ]
    # Per action field and per year: the same subtotals; the year table has every programme year.
    by_field = shown[
        "Summen je Handlungsfeld (eine verschobene Maßnahme zählt im alten Stand im alten, im neuen Stand "
        "im neuen Handlungsfeld)"
    ]
    assert [row[1:] for row in by_field[2:]] == [
        row[1:] for row in by_field_year[2:] if row[0].startswith("Summe") or row[0] == "Gesamtsumme"
    ]
    by_year = shown["Summen je Jahr"]
    assert [row[0] for row in by_year[2:]] == [*map(str, range(2024, 2031)), "Gesamtsumme"]
    assert by_year[3][1:4] == ["400.000,00 €", "400.000,00 €", E]  # 2025 gross
    assert by_year[-1] == by_field_year[-1]
    # The grand total at the top has every amount.
    total = shown["Gesamtsumme"]
    assert [row[0] for row in total[1:]] == AMOUNTS
    assert total[4] == ["Eigenanteil", "252.000,00 €", "257.000,00 €", "+5.000,00 €"]


def test_compare_shows_one_amount_when_chosen_and_refuses_an_unknown_one(client, s):
    old = _changes(s)
    client.force_login(s["reviewer"])

    body = client.get(_compare_url(s["concept"], alt=old.pk, neu="aktuell", betrag="third_party")).content
    shown = tables(body.decode())
    assert shown["Jahresscheiben von A.2"] == [
        ["Jahr", "Mittel Dritter"],
        ["alt", "neu", "Differenz"],
        ["2025", E, "8.000,00 €", "+8.000,00 €"],
        ["2026", E, "12.000,00 €", "+12.000,00 €"],
        ["Summe", E, "20.000,00 €", "+20.000,00 €"],
    ]
    assert shown["Neue Maßnahmen je Jahr (Beträge des neuen Stands)"][-1] == [
        "Summe der neuen Maßnahmen",
        "15.000,00 €",
    ]
    assert len(shown["Gesamtsumme"]) == 6  # the grand total keeps every amount

    response = client.get(_compare_url(s["concept"], alt=old.pk, neu="aktuell", betrag="float"))
    assert response.status_code == 200 and "result" not in response.context
    assert "Diesen Betrag gibt es im Vergleich nicht." in response.content.decode()


def test_compare_offers_its_excel_only_to_roles_that_download_reports(client, s):
    old = _changes(s)
    funder, moderator = f.make_user("foerderung"), f.make_user("moderation")
    f.make_membership(s["concept"], funder, Role.FUNDER)
    f.make_membership(s["concept"], moderator, Role.MODERATOR)
    xlsx = reverse("reports:kuf_diff_xlsx", args=[s["concept"].slug])
    link = f'href="{xlsx}?alt={old.pk}&amp;neu=aktuell"'

    for user, allowed in ((s["reviewer"], True), (funder, True), (s["editor"], True), (moderator, False)):
        client.force_login(user)
        body = client.get(_compare_url(s["concept"], alt=old.pk, neu="aktuell", betrag="grant")).content
        assert (link in body.decode()) is allowed, user
        download = client.get(f"{xlsx}?alt={old.pk}&neu=aktuell")
        assert download.status_code == (200 if allowed else 403), user
        if allowed:
            assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    # Without a valid comparison there is nothing to download.
    client.force_login(s["editor"])
    assert "kuf-vergleich.xlsx" not in client.get(_compare_url(s["concept"], neu="kaputt")).content.decode()


def test_compare_two_versions_and_a_version_with_itself(client, s):
    old = _changes(s)
    new = _freeze(s, "Antrag 2026")
    client.force_login(s["editor"])

    result = client.get(_compare_url(s["concept"], alt=old.pk, neu=new.pk)).context["result"]
    assert result.counts == {"added": 1, "removed": 1, "changed": 2, "unchanged": 1}
    reverse_result = client.get(_compare_url(s["concept"], alt=new.pk, neu=old.pk)).context["result"]
    assert reverse_result.total.gross.diff == -result.total.gross.diff
    same = client.get(_compare_url(s["concept"], alt=new.pk, neu="aktuell"))
    assert "keine Maßnahme geändert" in same.content.decode()
    assert not same.context["result"].has_changes


def test_compare_refuses_unknown_states_and_says_so_without_versions(client, s):
    other_version = versions_services.kuf_version_freeze(
        concept=f.make_concept(), name="Fremd", user=s["editor"]
    )
    client.force_login(s["editor"])

    response = client.get(_compare_url(s["concept"]))
    assert response.status_code == 200 and "result" not in response.context
    assert "Noch ist kein Stand eingefroren" in response.content.decode()

    _freeze(s, "Eigener Stand")
    for params in ({"alt": other_version.pk}, {"neu": "kaputt"}):
        response = client.get(_compare_url(s["concept"], **params))
        assert response.status_code == 200 and "result" not in response.context
        assert "Diesen Stand gibt es in diesem Konzept nicht." in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------------


def _count(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302)
    return len(queries)


def _insert_batches(count: int) -> int:
    fields = [field for field in KufVersionRow._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * count) or count
    return -(-count // batch)


def _counts(client, s, count: int) -> tuple[int, int, int]:
    concept = f.make_concept(slug=f"gross-{count}")
    f.make_membership(concept, s["editor"], Role.EDITOR)
    f.make_costed_measures(concept, count, s["lz"], bulk=True)
    old = versions_services.kuf_version_freeze(concept=concept, name="Alt", user=s["editor"])
    f.make_costed_measures(concept, count // 5, s["lz"], bulk=True)
    versions_services.kuf_version_freeze(concept=concept, name="Mittel", user=s["editor"])
    client.force_login(s["editor"])
    # Freezing: session, user, concept, roles, savepoint, name check, 6 for the live rows, approvals,
    # the version's id, savepoint, version, release, the concept's data version moved on, release; then
    # the rows' bulk INSERT (one statement on PostgreSQL, one per 34 rows on SQLite, which takes at most
    # 999 parameters per statement: not counted here).
    freeze = _count(client, "post", _list_url(concept), {"name": "Neu"}) - _insert_batches(count + count // 5)
    # The list: session, user, concept, roles, the versions with their sums.
    listing = _count(client, "get", _list_url(concept))
    # The comparison, with every amount: session, user, concept, roles, the versions, the old version
    # (the cache: a miss; its rows; storing them: 5), the live KuF (its data version, the cache: a miss,
    # the rows: 6, the approvals for the checks, storing it: 5).
    compare = _count(client, "get", _compare_url(concept, alt=old.pk, neu="aktuell"))
    return freeze, listing, compare


def test_query_counts_do_not_grow_with_the_measures(client, s):
    assert _counts(client, s, 5) == _counts(client, s, 50) == _counts(client, s, 500) == (19, 5, 26)
