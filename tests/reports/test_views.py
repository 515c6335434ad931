"""The download views: who gets which file, the KuF page's filters and ``stand``, the comparison, and
a fixed number of queries however many measures."""

import pytest
from django.urls import reverse

from funding.versions import services as versions_services
from projects.models import ConceptMembership
from tests import factories as f
from tests.excel import columns, header_row, kuf_concept, open_workbook

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _login(client, concept, role=Role.FUNDER):
    user = f.make_user()
    f.make_membership(concept, user, role)
    client.force_login(user)
    return user


def test_kuf_download(client):
    concept, _programmes = kuf_concept(3)
    _login(client, concept)
    response = client.get(reverse("reports:kuf_xlsx", args=[concept.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(f'attachment; filename="{concept.slug}-KuF-')
    assert "no-store" in response["Cache-Control"]
    wb = open_workbook(response.content)
    assert wb.sheetnames == ["Übersicht", "Hallenbeck", "Rheinwerth", "Prüfhinweise"]


def test_kuf_download_takes_the_kuf_page_filters(client):
    concept, _programmes = kuf_concept(4)
    _login(client, concept, Role.REVIEWER)
    url = reverse("reports:kuf_xlsx", args=[concept.slug])
    response = client.get(url, {"kommune": "Hallenbeck", "jahr_von": "2026", "jahreswert": "grant"})
    ws = open_workbook(response.content)["Übersicht"]
    header = header_row(ws)
    codes = [ws.cell(row=r, column=1).value for r in range(header + 1, ws.max_row + 1)]
    assert [code for code in codes if code] == ["M001", "M003"]
    assert "2025" not in columns(ws, header)
    meta = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, header)}
    assert meta["Jahresscheiben"] == "Zuwendung"
    assert meta["Filter"] == "Kommune: Hallenbeck; Jahre: 2026–…"
    # Invalid filter values fall back to "everything", as on the KuF page, and the title block says so.
    response = client.get(url, {"kommune": "Nirgendwo", "jahr_von": "x", "handlungsfeld": "HF1"})
    assert response.status_code == 200
    ws = open_workbook(response.content)["Übersicht"]
    header = header_row(ws)
    meta = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(2, header)}
    assert meta["Filter"] == "Handlungsfeld: HF1"
    assert meta["Hinweis"] == (
        "Ungültige Filterangaben wurden nicht angewandt: Kommune „Nirgendwo“; Jahre von „x“."
    )
    codes = [ws.cell(row=r, column=1).value for r in range(header + 1, ws.max_row + 1)]
    assert [code for code in codes if code] == ["M001", "M003"]
    # A valid filter gets no such note.
    valid = open_workbook(client.get(url, {"kommune": "Hallenbeck"}).content)["Übersicht"]
    assert "Hinweis" not in [valid.cell(row=r, column=1).value for r in range(2, header_row(valid))]


def test_kuf_download_of_a_frozen_version(client):
    concept, _programmes = kuf_concept(2)
    version = versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    other, _ = kuf_concept(1)
    foreign = versions_services.kuf_version_freeze(concept=other, name="Fremd", user=None)
    _login(client, concept)
    url = reverse("reports:kuf_xlsx", args=[concept.slug])
    response = client.get(url, {"stand": version.pk})
    assert response.status_code == 200
    assert f'filename="{concept.slug}-KuF-antrag-2026.xlsx"' in response["Content-Disposition"]
    ws = open_workbook(response.content)["Übersicht"]
    assert ws.cell(row=4, column=2).value == "Antrag 2026"
    assert client.get(url, {"stand": foreign.pk}).status_code == 404
    assert client.get(url, {"stand": "abc"}).status_code == 404


def test_comparison_download(client):
    concept, _programmes = kuf_concept(2)
    _login(client, concept)
    url = reverse("reports:kuf_diff_xlsx", args=[concept.slug])
    assert client.get(url).status_code == 404  # no frozen version yet
    first = versions_services.kuf_version_freeze(concept=concept, name="Stand 01.09.2025", user=None)
    second = versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    response = client.get(url, {"alt": first.pk, "neu": second.pk})
    assert response.status_code == 200
    ws = open_workbook(response.content)["Vergleich"]
    assert ws.cell(row=2, column=2).value.startswith("Stand 01.09.2025")
    assert ws.cell(row=3, column=2).value.startswith("Antrag 2026")
    assert client.get(url, {"alt": "999999"}).status_code == 404


def test_measure_list_download(client):
    concept, _programmes = kuf_concept(2)
    _login(client, concept, Role.EDITOR)
    response = client.get(reverse("reports:measures_xlsx", args=[concept.slug]))
    assert response.status_code == 200
    assert open_workbook(response.content).sheetnames == ["Maßnahmen", "Kostenzeilen", "Finanzierung"]


def test_moderators_and_outsiders_may_not_download(client):
    concept, _programmes = kuf_concept(1)
    url = reverse("reports:kuf_xlsx", args=[concept.slug])
    _login(client, concept, Role.MODERATOR)
    assert client.get(url).status_code == 403
    client.force_login(f.make_user())
    assert client.get(url).status_code == 403  # published concept: readable, not downloadable
    concept.published = False
    concept.save()
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_concept_page_offers_the_downloads_to_those_who_may(client):
    concept, _programmes = kuf_concept(1)
    page = reverse("site:concept_detail", args=[concept.slug])
    kuf_url = reverse("reports:kuf_xlsx", args=[concept.slug])
    assert kuf_url not in client.get(page).content.decode()
    _login(client, concept, Role.MODERATOR)
    assert kuf_url not in client.get(page).content.decode()
    _login(client, concept, Role.FUNDER)
    html = client.get(page).content.decode()
    assert kuf_url in html
    assert reverse("reports:measures_xlsx", args=[concept.slug]) in html


def _export_queries(client, concept, name, django_assert_num_queries, count, **params):
    with django_assert_num_queries(count):
        response = client.get(reverse(name, args=[concept.slug]), params)
    assert response.status_code == 200


def test_query_counts_do_not_grow(client, django_assert_num_queries):
    small, _ = kuf_concept(5)
    large, _ = kuf_concept(50)
    user = f.make_user()
    for concept in (small, large):
        f.make_membership(concept, user, Role.FUNDER)
        versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=None)
    client.force_login(user)
    for concept in (small, large):
        # KuF: session (1), user (1), concept (1), roles (1); the concept's data version (1), the cached
        # KuF (1, a miss); measures, quarters, cost lines, modules, module years, rates (6); approvals
        # (1); storing the KuF in the database cache (5: entry count, savepoint, key, insert, release);
        # participating municipalities (1)
        _export_queries(client, concept, "reports:kuf_xlsx", django_assert_num_queries, 19)
        # Again: the KuF's data version instead of 13 queries (this process keeps the KuF it used last)
        _export_queries(client, concept, "reports:kuf_xlsx", django_assert_num_queries, 6)
        # A version: session, user, concept, roles (4); the version (1), its rows: the cache (1, a
        # miss), the rows (1), storing them (5); municipalities (1)
        version = concept.kuf_versions.get()
        _export_queries(client, concept, "reports:kuf_xlsx", django_assert_num_queries, 13, stand=version.pk)
        # Comparison: session, user, concept, roles (4); versions (1), the version's rows from the
        # cache (1), the current KuF's data version (1)
        _export_queries(client, concept, "reports:kuf_diff_xlsx", django_assert_num_queries, 7)
        # Measure list: session, user, concept, roles (4); the concept's structure (action fields,
        # municipalities, quarters, goals: one query), programmes, measures, their quarters and goals
        # (one query), cost lines, modules, per-year amounts (7)
        _export_queries(client, concept, "reports:measures_xlsx", django_assert_num_queries, 11)
