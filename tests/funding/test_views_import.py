"""The editor's import pages: upload → preview → confirm, refusals, the session token, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.exchange import views as exchange_views
from funding.models import CostLine
from measures.models import Measure
from projects.models import ConceptMembership
from tests import factories as f
from tests.excel import (
    confirm_data,
    kuf_concept,
    measure_list_workbook,
    pending_token,
    workbook_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


@pytest.fixture
def setup(client):
    concept, _programmes = kuf_concept(2)
    editor = f.make_editor(concept)
    client.force_login(editor)
    return concept, editor


def _upload(client, concept, workbook, name="Maßnahmen.xlsx"):
    upload = xlsx_upload(workbook_bytes(workbook), name)
    return client.post(reverse("funding:import_upload", args=[concept.slug]), {"file": upload})


def _confirm(client, concept, upload, preview, **kwargs):
    """Press "Änderungen übernehmen" on the ``preview`` of ``upload``."""
    return client.post(
        reverse("funding:import_preview", args=[concept.slug]), confirm_data(upload, preview), **kwargs
    )


def _cost_cell(workbook, row=2):
    return workbook["Kostenzeilen"].cell(row=row, column=5)


def test_upload_preview_confirm(client, setup):
    concept, editor = setup
    page = client.get(reverse("funding:import_upload", args=[concept.slug]))
    assert page.status_code == 200
    assert reverse("reports:measures_xlsx", args=[concept.slug]) in page.content.decode()

    workbook = measure_list_workbook(concept)
    _cost_cell(workbook).value = 7777
    response = _upload(client, concept, workbook)
    assert response.status_code == 302
    preview_url = response.url
    assert preview_url.startswith(reverse("funding:import_preview", args=[concept.slug]) + "?datei=")

    preview = client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "1.005,33 € → 7.777,00 €" in html
    assert "Änderungen übernehmen" in html
    context = preview.context
    assert context["counts"]["changed"] == 1

    response = _confirm(client, concept, response, preview)
    assert response.status_code == 302
    assert response.url == reverse("funding:measure_list", args=[concept.slug])
    line = CostLine.objects.get(measure__concept=concept, measure__code="M001", year=2025)
    assert line.gross == 7777
    assert line.history.latest().history_user == editor
    # The token is used up: the preview goes back to the upload.
    again = client.get(preview_url)
    assert again.status_code == 302 and again.url == reverse("funding:import_upload", args=[concept.slug])


def test_errors_are_shown_with_row_and_column_and_no_confirm_button(client, setup):
    concept, _editor = setup
    workbook = measure_list_workbook(concept)
    workbook["Maßnahmen"].cell(row=2, column=3).value = "HF9"
    _cost_cell(workbook, row=3).value = "-5"
    response = _upload(client, concept, workbook)
    preview = client.get(response.url)
    html = preview.content.decode()
    assert "Unbekanntes Handlungsfeld „HF9“" in html
    assert "Der Betrag darf nicht negativ sein." in html
    errors = [(i.sheet, i.row, i.column) for i in preview.context["errors"]]
    assert errors == [("Maßnahmen", 2, "Handlungsfeld"), ("Kostenzeilen", 3, "Gesamtkosten")]
    assert "Änderungen übernehmen" not in html
    # A forged confirmation applies nothing either.
    before = list(CostLine.objects.values_list("pk", "gross"))
    forged = _confirm(client, concept, response, preview)
    assert forged.status_code == 409
    assert "Die Datei enthält Fehler; es wurde nichts übernommen." in forged.content.decode()
    assert list(CostLine.objects.values_list("pk", "gross")) == before


def test_a_stale_preview_is_not_applied(client, setup):
    concept, _editor = setup
    workbook = measure_list_workbook(concept)
    _cost_cell(workbook).value = 5000
    response = _upload(client, concept, workbook)
    preview = client.get(response.url)
    CostLine.objects.filter(measure__code="M001", year=2025).update(gross=4000)
    stale = _confirm(client, concept, response, preview)
    assert stale.status_code == 409
    assert "seit der Vorschau geändert" in stale.content.decode()
    assert "4.000,00 € → 5.000,00 €" in stale.content.decode()  # the new preview
    assert CostLine.objects.get(measure__code="M001", year=2025).gross == 4000


def test_the_preview_plan_is_kept_and_applied_without_planning_again(client, setup, monkeypatch):
    """The preview keeps its plan in the session (nothing of it comes from the browser); confirming
    applies that plan as it is."""
    concept, editor = setup
    workbook = measure_list_workbook(concept)
    _cost_cell(workbook).value = 7777
    response = _upload(client, concept, workbook)
    preview = client.get(response.url)
    kept = client.session[exchange_views.SESSION_KEY][pending_token(response)]["plan"]
    assert kept["digest"] == preview.context["plan"].digest
    assert kept["counts"]["changed"] == 1

    def no_planning(**kwargs):
        raise AssertionError("the confirmation planned the file again")

    monkeypatch.setattr(exchange_views.imports, "import_plan", no_planning)
    done = _confirm(client, concept, response, preview)

    assert done.status_code == 302
    line = CostLine.objects.get(measure__concept=concept, measure__code="M001", year=2025)
    assert (line.gross, line.history.latest().history_user) == (7777, editor)


def test_a_pending_import_without_a_kept_plan_is_planned_on_confirmation(client, setup):
    """An import uploaded before plans were kept (its session entry has the file only) still applies,
    if its plan is the one the preview showed."""
    concept, _editor = setup
    workbook = measure_list_workbook(concept)
    _cost_cell(workbook).value = 7777
    response = _upload(client, concept, workbook)
    preview = client.get(response.url)
    session = client.session
    del session[exchange_views.SESSION_KEY][pending_token(response)]["plan"]
    session.save()

    assert _confirm(client, concept, response, preview).status_code == 302
    assert CostLine.objects.get(measure__concept=concept, measure__code="M001", year=2025).gross == 7777


def test_unchanged_file_offers_nothing_to_apply(client, setup):
    concept, _editor = setup
    preview = client.get(_upload(client, concept, measure_list_workbook(concept)).url)
    html = preview.content.decode()
    assert "keine Änderungen" in html
    assert "Änderungen übernehmen" not in html


def test_cancel_drops_the_pending_file(client, setup):
    concept, _editor = setup
    token = pending_token(_upload(client, concept, measure_list_workbook(concept)))
    cancelled = client.post(
        reverse("funding:import_preview", args=[concept.slug]), {"datei": token, "cancel": "1"}
    )
    assert cancelled.status_code == 302
    assert exchange_views.SESSION_KEY in client.session
    assert token not in client.session[exchange_views.SESSION_KEY]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.pdf", b"%PDF", "Bitte eine .xlsx- oder .csv-Datei hochladen."),
        ("liste.xlsx", b"kein zip", "Die Datei ist keine lesbare Excel-Arbeitsmappe."),
        ("liste.csv", b"Foo;Bar\n1;2\n", "Die Kopfzeile passt zu keinem bekannten Aufbau."),
    ],
)
def test_bad_files_are_refused_at_the_upload(client, setup, name, content, message):
    concept, _editor = setup
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("funding:import_upload", args=[concept.slug]), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert exchange_views.SESSION_KEY not in client.session


def test_too_large_files_are_refused(client, setup, monkeypatch):
    concept, _editor = setup
    monkeypatch.setattr("funding.exchange.forms.MAX_UPLOAD_BYTES", 10)
    upload = SimpleUploadedFile("liste.csv", b"Kuerzel;Jahr;Kostengruppe;Gesamtkosten\n")
    response = client.post(reverse("funding:import_upload", args=[concept.slug]), {"file": upload})
    assert response.status_code == 400
    assert "Die Datei ist größer als" in response.content.decode()


def test_csv_upload(client, setup):
    concept, _editor = setup
    data = "Kürzel;Jahr;Kostengruppe;Gesamtkosten\r\nM002;2028;9;1.234,56\r\n".encode("cp1252")
    response = client.post(
        reverse("funding:import_upload", args=[concept.slug]),
        {"file": SimpleUploadedFile("kosten.csv", data)},
    )
    preview = client.get(response.url)
    assert preview.context["counts"] == {"new": 1, "changed": 0, "unchanged": 0, "deleted": 3, "error": 0}


def test_a_token_belongs_to_its_concept_and_session(client, setup):
    concept, editor = setup
    other, _ = kuf_concept(1)
    f.make_membership(other, editor, Role.EDITOR)
    token = pending_token(_upload(client, concept, measure_list_workbook(concept)))
    wrong = client.get(reverse("funding:import_preview", args=[other.slug]), {"datei": token})
    assert wrong.status_code == 302
    client.logout()
    client.force_login(f.make_editor(concept))
    assert (
        client.get(reverse("funding:import_preview", args=[concept.slug]), {"datei": token}).status_code
        == 302
    )


def test_only_editors_may_import(client):
    concept, _programmes = kuf_concept(1)
    url = reverse("funding:import_upload", args=[concept.slug])
    for role in (Role.REVIEWER, Role.FUNDER, Role.MODERATOR):
        user = f.make_user()
        f.make_membership(concept, user, role)
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_measure_list_links_to_import_and_export(client, setup):
    concept, _editor = setup
    html = client.get(reverse("funding:measure_list", args=[concept.slug])).content.decode()
    assert reverse("funding:import_upload", args=[concept.slug]) in html
    assert reverse("reports:measures_xlsx", args=[concept.slug]) in html
    assert Measure.objects.filter(concept=concept).count() == 2


def test_an_import_that_resets_a_signoff_tells_the_editor(client, setup):
    concept, _editor = setup
    reviewer = f.make_user()
    for name in ("Hallenbeck", "Rheinwerth"):
        f.make_signoff(concept, concept.municipalities.get(name=name), reviewer)
    workbook = measure_list_workbook(concept)
    _cost_cell(workbook).value = 7777  # M001 of Hallenbeck; Rheinwerth's rows stay as they are
    response = _upload(client, concept, workbook)
    preview = client.get(response.url)

    done = _confirm(client, concept, response, preview, follow=True)

    warnings = [str(m) for m in done.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Die Prüfung der KuF von Hallenbeck („geprüft“) ist zurückgesetzt, weil sich diese Zeilen "
        "geändert haben: M001. Die Kommune muss erneut prüfen."
    ]


# --- Queries ---------------------------------------------------------------------------------------

# The import pages, whatever the number of measures:
#  every page: 1. session  2. user  3. concept  4. the user's roles in it
#  upload (POST): then the session with the parsed file saved (savepoint, update, release)
#  preview: then ``imports.load_state`` (seven: the concept's structure, programmes, measures, their
#  quarters and goals, cost lines, financing modules, per-year amounts), and the session saved with the
#  plan it shows (savepoint, update, release)
#  confirm: then savepoint, the seven reads again (the basis of the stored plan, with the measures
#  locked; the plan is not made again), a savepoint around the writes (a code another save took
#  meanwhile is then reported, ``projects.integrity``), the touched measures' new version (one UPDATE),
#  their history, the history of their quarters and goals, the changed cost lines (one batched UPDATE),
#  their history, the concept's data version moved on (the cached KuF), release twice, whether a
#  sign-off of the touched municipalities exists, and the session saved (savepoint, update, release)
PAGE = 4
LOAD_STATE = 7
UPLOAD_PAGE_QUERIES = PAGE
UPLOAD_QUERIES = PAGE + 3
PREVIEW_QUERIES = PAGE + LOAD_STATE + 3
CONFIRM_QUERIES = PAGE + 1 + LOAD_STATE + 10 + 1 + 3


def _every_measure_changed(concept):
    """The measure list with the first cost line of every measure set to 7.777 €."""
    workbook = measure_list_workbook(concept)
    costs = workbook["Kostenzeilen"]
    for row in range(2, costs.max_row + 1, 3):
        costs.cell(row=row, column=5).value = 7777
    return workbook


@pytest.mark.parametrize("count", [2, 20])
def test_import_pages_query_count_does_not_grow(client, django_assert_num_queries, count):
    concept, _programmes = kuf_concept(count)
    client.force_login(f.make_editor(concept))
    workbook = _every_measure_changed(concept)

    with django_assert_num_queries(UPLOAD_PAGE_QUERIES):
        assert client.get(reverse("funding:import_upload", args=[concept.slug])).status_code == 200
    with django_assert_num_queries(UPLOAD_QUERIES):
        response = _upload(client, concept, workbook)
    with django_assert_num_queries(PREVIEW_QUERIES):
        preview = client.get(response.url)
    assert preview.context["counts"]["changed"] == count
    with django_assert_num_queries(CONFIRM_QUERIES):
        done = _confirm(client, concept, response, preview)

    assert done.status_code == 302
    assert CostLine.objects.filter(measure__concept=concept, year=2025, gross=7777).count() == count
