"""The KuF review: sign-off per municipality, its reset on later changes, comments on rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.kuf import selectors as kuf_selectors
from funding.models import KufComment, KufSignoff
from funding.versions import fingerprint
from projects.models import ConceptMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
Role = ConceptMembership.Role
D = Decimal


@pytest.fixture
def setup():
    hallenbeck = f.make_municipality(name="Hallenbeck")
    rheinwerth = f.make_municipality(name="Rheinwerth")
    concept = f.make_concept([hallenbeck, rheinwerth], published=False)
    field = f.make_action_field(concept, code="HF1")
    lz = f.make_programme(code="LZ")
    measures = {}
    for code, municipality in (("H1", hallenbeck), ("H2", hallenbeck), ("R1", rheinwerth)):
        measure = f.make_measure(concept, field, code=code, municipality=municipality)
        f.make_cost_line(measure, year=2025, gross="1000.00")
        f.make_module(measure, lz, rate="70")
        measures[code] = measure
    reviewer = f.make_user("pruefung-hallenbeck")
    f.make_membership(concept, reviewer, Role.REVIEWER, municipality=hallenbeck)
    editor = f.make_editor(concept, "planung")
    return {
        "concept": concept,
        "hallenbeck": hallenbeck,
        "rheinwerth": rheinwerth,
        "measures": measures,
        "reviewer": reviewer,
        "editor": editor,
    }


def _kuf(client, s):
    return client.get(reverse("funding:kuf_table", args=[s["concept"].slug]))


def _review(response, name):
    return next(r for r in response.context["reviews"] if r.municipality.name == name)


def _sign(client, s, municipality, state="approved", reason="", seen=None):
    if seen is None:
        seen = _review(_kuf(client, s), municipality.name).rows_hash
    url = reverse("funding:kuf_signoff", args=[s["concept"].slug, municipality.pk])
    return client.post(url, {"state": state, "reason": reason, "seen": seen}, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_reviewer_signs_off_own_municipality_and_editor_sees_it(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    response = _kuf(client, s)
    assert _review(response, "Hallenbeck").can_review
    assert not _review(response, "Rheinwerth").can_review
    assert (
        'action="{}"'.format(reverse("funding:kuf_signoff", args=[s["concept"].slug, s["rheinwerth"].pk]))
        not in response.content.decode()
    )
    response = _sign(client, s, s["hallenbeck"])
    assert _messages(response) == ["Die KuF-Zeilen von Hallenbeck sind als geprüft freigegeben."]
    signoff = KufSignoff.objects.get()
    assert (signoff.state, signoff.created_by, signoff.municipality) == (
        "approved",
        s["reviewer"],
        s["hallenbeck"],
    )
    assert {entry["code"] for entry in signoff.fingerprints.values()} == {"H1", "H2"}
    client.force_login(s["editor"])
    response = _kuf(client, s)
    assert _review(response, "Hallenbeck").state == "approved"
    assert _review(response, "Rheinwerth").state == "open"
    assert not _review(response, "Hallenbeck").can_review


def test_signing_off_another_municipality_is_refused(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    response = client.post(
        reverse("funding:kuf_signoff", args=[s["concept"].slug, s["rheinwerth"].pk]),
        {"state": "approved", "seen": "x"},
    )
    assert response.status_code == 403
    client.force_login(s["editor"])
    response = client.post(
        reverse("funding:kuf_signoff", args=[s["concept"].slug, s["hallenbeck"].pk]),
        {"state": "approved", "seen": "x"},
    )
    assert response.status_code == 403
    assert not KufSignoff.objects.exists()


def test_change_request_needs_a_reason(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    response = _sign(client, s, s["hallenbeck"], state="changes", reason="  ")
    assert _messages(response) == ["Bitte begründen Sie, welche Änderung Sie erbitten."]
    assert not KufSignoff.objects.exists()
    response = _sign(client, s, s["hallenbeck"], state="changes", reason="H2 fehlt die Förderung 2026.")
    assert _messages(response) == ["Für die KuF-Zeilen von Hallenbeck ist eine Änderung erbeten."]
    assert _review(_kuf(client, s), "Hallenbeck").state == "changes"
    assert "H2 fehlt die Förderung 2026." in _kuf(client, s).content.decode()


def test_verdict_on_rows_that_changed_since_loading_is_refused(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    seen = _review(_kuf(client, s), "Hallenbeck").rows_hash
    f.make_cost_line(s["measures"]["H1"], year=2026, gross="5.00")
    response = _sign(client, s, s["hallenbeck"], seen=seen)
    assert "haben sich geändert, seit Sie die Seite geladen haben" in _messages(response)[0]
    assert not KufSignoff.objects.exists()


def test_a_later_change_resets_the_sign_off_and_says_which_row(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    _sign(client, s, s["hallenbeck"])
    # A change in another municipality leaves Hallenbeck's sign-off alone.
    f.make_cost_line(s["measures"]["R1"], year=2026, gross="5.00")
    assert _review(_kuf(client, s), "Hallenbeck").state == "approved"
    # A change of H2 resets it.
    client.force_login(s["editor"])
    h2 = s["measures"]["H2"]
    line = h2.cost_lines.get()
    line.gross = D("1200.00")
    line.save()
    response = _kuf(client, s)
    review = _review(response, "Hallenbeck")
    assert (review.state, review.changed) == ("reset", ["H2"])
    body = response.content.decode()
    assert "zurückgesetzt" in body
    assert "seit der Prüfung geändert:" in body
    # Removing a row resets it too.
    s["measures"]["H1"].delete()
    assert _review(_kuf(client, s), "Hallenbeck").changed == ["H1", "H2"]


def test_fingerprints_match_the_kuf_rows():
    """A sign-off stays valid as long as nothing a reviewer sees has changed."""
    concept = f.make_concept()
    measure = f.make_measure(concept)
    f.make_cost_line(measure, year=2025, gross="1000.00")
    before = {
        row.measure.uid: fingerprint.fingerprint(row)
        for row in kuf_selectors.kuf_rows_for_concept(concept=concept)
    }
    after = {
        row.measure.uid: fingerprint.fingerprint(row)
        for row in kuf_selectors.kuf_rows_for_concept(concept=concept)
    }
    assert before == after


def test_reviewer_comments_on_own_rows_and_editor_resolves(client, setup):
    s = setup
    h1, r1 = s["measures"]["H1"], s["measures"]["R1"]
    client.force_login(s["reviewer"])
    url = reverse("funding:kuf_row_comments", args=[s["concept"].slug, h1.pk])
    response = client.post(url, {"text": "Ist der Ansatz 2025 realistisch?"}, follow=True)
    assert _messages(response) == ["Ihr Kommentar wurde gespeichert."]
    comment = KufComment.objects.get()
    assert (comment.measure, comment.author, comment.is_open) == (h1, s["reviewer"], True)
    # Empty comments are refused; other municipalities' rows are not the reviewer's to comment on.
    response = client.post(url, {"text": "   "})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    other = reverse("funding:kuf_row_comments", args=[s["concept"].slug, r1.pk])
    assert client.get(other).status_code == 200  # reading is fine
    assert client.post(other, {"text": "Hallo"}).status_code == 403
    assert KufComment.objects.count() == 1
    # The KuF shows the open comment on the row and per municipality.
    client.force_login(s["editor"])
    response = _kuf(client, s)
    assert _review(response, "Hallenbeck").open_comments == 1
    row = next(item for g in response.context["groups"] for item in g.rows if item.row.measure.code == "H1")
    assert row.open_comments == 1
    assert "1 offener Kommentar" in response.content.decode()
    # The editor resolves it.
    resolve = reverse("funding:kuf_comment_resolve", args=[s["concept"].slug, comment.pk])
    response = client.post(resolve, follow=True)
    assert _messages(response) == ["Der Kommentar ist als erledigt markiert."]
    comment.refresh_from_db()
    assert comment.resolved_by == s["editor"]
    assert _review(_kuf(client, s), "Hallenbeck").open_comments == 0


def test_only_author_editor_or_admin_resolve(client, setup):
    s = setup
    comment = KufComment.objects.create(
        concept=s["concept"], measure=s["measures"]["H1"], text="Von der Planung", author=s["editor"]
    )
    client.force_login(s["reviewer"])
    url = reverse("funding:kuf_comment_resolve", args=[s["concept"].slug, comment.pk])
    assert client.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.is_open
    own = KufComment.objects.create(
        concept=s["concept"], measure=s["measures"]["H1"], text="Eigener", author=s["reviewer"]
    )
    url = reverse("funding:kuf_comment_resolve", args=[s["concept"].slug, own.pk])
    assert client.post(url).status_code == 302
    own.refresh_from_db()
    assert not own.is_open


def test_comments_page_query_count_does_not_grow(client, setup):
    s = setup
    h1 = s["measures"]["H1"]
    url = reverse("funding:kuf_row_comments", args=[s["concept"].slug, h1.pk])
    client.force_login(s["editor"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(20):
        KufComment.objects.create(concept=s["concept"], measure=h1, text=f"K{i}", author=f.make_user())
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def test_editor_saving_a_signed_off_row_is_told_about_the_reset(client, setup):
    s = setup
    client.force_login(s["reviewer"])
    _sign(client, s, s["hallenbeck"])
    client.force_login(s["editor"])
    h1 = s["measures"]["H1"]
    url = reverse("funding:measure_delete", args=[s["concept"].slug, h1.pk])
    response = client.post(url, follow=True)
    assert _messages(response)[-1] == (
        "Die Prüfung der KuF von Hallenbeck („geprüft“) ist zurückgesetzt, weil sich diese Zeilen "
        "geändert haben: H1. Die Kommune muss erneut prüfen."
    )
