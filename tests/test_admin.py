"""The Django admin: every model of our apps registered and opening, measure totals from the KuF and
their query count, the import through ``funding.exchange.imports`` (with its permission), version bumps on
admin saves, the editor's image and concept rules, read-only KuF versions and sign-offs."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from funding.access import IMPORT_PERMISSIONS
from funding.editor import services as editor_services
from funding.exchange import views as exchange_views
from funding.kuf.selectors import kuf_rows_for_concept
from funding.models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    KufComment,
    KufSignoff,
    KufVersion,
    KufVersionRow,
)
from funding.review import services as review_services
from funding.versions import services as versions_services
from measures.models import Indicator, Measure
from participation.models import Comment
from projects.formatting import format_eur
from projects.locking import EditConflict
from projects.models import Concept, ConceptMembership
from tests import factories
from tests.admin_helpers import admin_url
from tests.excel import (
    confirm_data,
    db_snapshot,
    kuf_concept,
    measure_list_workbook,
    pending_token,
    workbook_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

OUR_APPS = ("projects", "measures", "funding", "participation")


def _our_models() -> list:
    """Every concrete model of our apps, without django-simple-history's records and m2m tables."""
    return [
        model
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


@pytest.fixture
def sample_data(admin_user):
    """At least one object of every model, so each changelist has a row and each change page exists."""
    hallenbeck = factories.make_municipality(name="Hallenbeck")
    concept = factories.make_concept(
        municipalities=[hallenbeck], lead_organisation=factories.make_organisation(name="Wasserverband")
    )
    quarter = factories.make_quarter(concept, code="Q1", name="Innenstadt")
    action_field = factories.make_action_field(concept, code="HF1")
    goal = factories.make_goal(action_field)
    factories.make_swot(concept, action_field=action_field, quarter=quarter)
    factories.make_membership(concept, factories.make_user(), ConceptMembership.Role.REVIEWER)
    measure = factories.make_measure(concept, action_field, code="A.1.1", title="Marktplatz")
    measure.goals.add(goal)
    measure.quarters.add(quarter)
    Indicator.objects.create(measure=measure, name="Entsiegelte Fläche", unit="m²", target_value=500)
    programme = factories.make_programme(code="LZ")
    factories.make_rate(hallenbeck, programme, 2025, "70")
    factories.make_cost_line(measure, gross="100000.00")
    factories.make_module(measure, programme, amount="50000", year_amounts={2025: "50000"})
    ApprovalNotice.objects.create(
        concept=concept,
        municipality=hallenbeck,
        programme=programme,
        year=2025,
        amount=Decimal("70000.00"),
        date=datetime.date(2025, 10, 1),
        reference="35.01-2025/1",
    )
    factories.make_comment(measure, status=Comment.Status.PENDING)
    versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=admin_user)
    factories.make_signoff(concept, hallenbeck, admin_user)
    review_services.kuf_comment_create(measure=measure, text="Stimmt die Summe?", user=admin_user)
    Group.objects.create(name="Planungsbüro")
    return {"concept": concept, "measure": measure}


def test_every_model_of_our_apps_is_registered():
    missing = [model._meta.label for model in _our_models() if model not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", _our_models(), ids=lambda model: model._meta.label)
def test_every_model_of_our_apps_opens(client, admin_user, sample_data, model):
    client.force_login(admin_user)
    model_admin = admin.site._registry[model]

    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1, "the sample data should fill every changelist"
    # Records written once by their own workflow (frozen versions, verdicts, row comments) cannot be
    # added here.
    add = client.get(admin_url(model, "add"))
    request = changelist.wsgi_request
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.first()
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "model",
    # django-axes registers read-only logs of its own; they are not ours to test.
    [model for model in admin.site._registry if model._meta.app_label not in (*OUR_APPS, "axes")],
    ids=lambda model: model._meta.label,
)
def test_other_registered_models_open(client, admin_user, sample_data, model):
    client.force_login(admin_user)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200


# --- Measure totals ----------------------------------------------------------------------------------


def test_measure_changelist_shows_the_kuf_figures(client, admin_user):
    concept, _programmes = kuf_concept(2)
    empty = factories.make_measure(concept, code="LEER")  # no costs at all
    client.force_login(admin_user)

    response = client.get(admin_url(Measure, "changelist"))

    content = response.content.decode()
    rows = {row.measure.code: row.total for row in kuf_rows_for_concept(concept=concept)}
    by_code = {measure.code: measure for measure in response.context["cl"].result_list}
    for code in ("M001", "M002"):
        total = rows[code]
        assert by_code[code].kuf_row.total == total
        for amount in (total.gross, total.eligible, total.grant, total.municipal_share):
            assert format_eur(amount) in content
    assert by_code[empty.code].kuf_row.total.gross == Decimal("0.00")
    for header in ("Gesamtkosten", "Förderfähig", "Zuwendung", "Eigenanteil", "Finanzierungslücke"):
        assert header in content


def test_measure_changelist_gap_and_rates_of_several_concepts(client, admin_user):
    """Two concepts on one page: each measure gets its own municipality's rate, and a gap shows."""
    first, _programmes = kuf_concept(1)
    second, _ = kuf_concept(1)
    measure = Measure.objects.get(concept=second)
    FinancingModule.objects.filter(measure=measure, kind="third_party").delete()
    client.force_login(admin_user)

    response = client.get(admin_url(Measure, "changelist"))

    shown = {m.pk: m.kuf_row.total for m in response.context["cl"].result_list}
    for concept in (first, second):
        for row in kuf_rows_for_concept(concept=concept):
            assert shown[row.measure.id] == row.total


def _measures_with_costs(count: int) -> None:
    concept = factories.make_concept()
    programme = factories.make_programme()
    for _ in range(count):
        measure = factories.make_measure(concept)
        factories.make_cost_line(measure, year=2025, gross="80000.00")
        factories.make_cost_line(measure, year=2026, gross="20000.00", ineligible="500.00")
        factories.make_module(measure, programme)


# Measure changelist, whatever the number of measures:
#  1. session  2. user
#  3.-5. choices of the concept, action field and municipality filters
#  6. COUNT of the filtered measures  7. COUNT of all measures (the "x of y" in the header)
#  8. the page of measures, joined to concept, action field and municipality, with the totals used
#     for sorting as correlated subqueries
#  9.-14. the KuF rows of the page's measures (``kuf_rows_for_measures``): measures, quarters, cost
#     lines, financing modules, per-year amounts, rates of their municipalities
MEASURE_CHANGELIST_QUERIES = 14


@pytest.mark.parametrize("count", [2, 20])
def test_measure_changelist_query_count_does_not_grow(client, admin_user, django_assert_num_queries, count):
    _measures_with_costs(count)
    client.force_login(admin_user)

    with django_assert_num_queries(MEASURE_CHANGELIST_QUERIES):
        response = client.get(admin_url(Measure, "changelist"))

    assert len(response.context["cl"].result_list) == count


# --- Import ----------------------------------------------------------------------------------------


def _admin_upload(client, concept, data: bytes, name="Maßnahmen.xlsx"):
    return client.post(admin_url(Measure, "import"), {"concept": concept.pk, "file": xlsx_upload(data, name)})


def _admin_confirm(client, concept, upload, preview, **kwargs):
    """Press "Änderungen übernehmen" on the admin's ``preview`` of ``upload``."""
    return client.post(
        admin_url(Measure, "import_preview", concept.pk), confirm_data(upload, preview), **kwargs
    )


def test_admin_import_previews_and_applies_through_the_editor_import(client, admin_user):
    concept, _programmes = kuf_concept(2)
    client.force_login(admin_user)
    changelist = client.get(admin_url(Measure, "changelist")).content.decode()
    assert admin_url(Measure, "import") in changelist
    concept_page = client.get(admin_url(Concept, "change", concept.pk)).content.decode()
    assert f"{admin_url(Measure, 'import')}?konzept={concept.pk}" in concept_page
    assert reverse("reports:measures_xlsx", args=[concept.slug]) in concept_page
    upload = client.get(admin_url(Measure, "import"), {"konzept": concept.pk})
    assert upload.status_code == 200
    assert upload.context["form"]["concept"].value() == concept.pk

    # The editor's export, with a German number typed as text: the same columns re-import.
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].cell(row=2, column=5).value = "1.234,56"
    response = _admin_upload(client, concept, workbook_bytes(workbook))
    assert response.status_code == 302
    assert response.url.startswith(admin_url(Measure, "import_preview", concept.pk) + "?datei=")

    preview = client.get(response.url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "1.005,33 € → 1.234,56 €" in html
    assert "Änderungen übernehmen" in html
    assert preview.context["counts"]["changed"] == 1
    version_before = Measure.objects.get(concept=concept, code="M001").version

    done = _admin_confirm(client, concept, response, preview)
    assert done.status_code == 302
    assert done.url == f"{admin_url(Measure, 'changelist')}?concept__id__exact={concept.pk}"
    line = CostLine.objects.get(measure__concept=concept, measure__code="M001", year=2025)
    assert line.gross == Decimal("1234.56")
    assert line.history.latest().history_user == admin_user
    assert Measure.objects.get(concept=concept, code="M001").version == version_before + 1


def test_admin_import_shows_every_error_and_saves_nothing(client, admin_user):
    concept, _programmes = kuf_concept(2)
    client.force_login(admin_user)
    workbook = measure_list_workbook(concept)
    costs = workbook["Kostenzeilen"]
    costs.cell(row=2, column=3).value = 2035  # Jahr
    costs.cell(row=2, column=5).value = -5  # Gesamtkosten
    before = db_snapshot(concept)

    response = _admin_upload(client, concept, workbook_bytes(workbook))
    preview = client.get(response.url)

    errors = [(i.sheet, i.row, i.column, i.message) for i in preview.context["errors"]]
    assert errors == [
        ("Kostenzeilen", 2, "Gesamtkosten", "Der Betrag darf nicht negativ sein."),
        (
            "Kostenzeilen",
            2,
            "Jahr",
            "Das Jahr 2035 liegt außerhalb der Programmjahre des Konzepts (2024–2030).",
        ),
    ]
    assert "Änderungen übernehmen" not in preview.content.decode()
    forged = _admin_confirm(client, concept, response, preview)
    assert forged.status_code == 409
    assert "Die Datei enthält Fehler; es wurde nichts übernommen." in forged.content.decode()
    assert db_snapshot(concept) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("liste.pdf", b"%PDF", "Bitte eine .xlsx- oder .csv-Datei hochladen."),
        ("liste.xlsx", b"kein zip", "Die Datei ist keine lesbare Excel-Arbeitsmappe."),
        ("liste.csv", "Konzept;Maßnahme\n1;2\n".encode(), "Die Kopfzeile passt zu keinem bekannten Aufbau."),
    ],
)
def test_admin_import_refuses_a_bad_file(client, admin_user, name, content, message):
    concept, _programmes = kuf_concept(1)
    client.force_login(admin_user)
    before = db_snapshot(concept)

    response = _admin_upload(client, concept, content, name=name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert exchange_views.SESSION_KEY not in client.session
    assert db_snapshot(concept) == before


def test_admin_import_needs_a_concept(client, admin_user):
    client.force_login(admin_user)
    response = client.post(admin_url(Measure, "import"), {"file": SimpleUploadedFile("x.csv", b"a")})
    assert response.status_code == 400
    assert response.context["form"].errors["concept"]


def test_admin_import_refuses_a_concept_that_does_not_exist(client, admin_user):
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].cell(row=2, column=5).value = 7777
    client.force_login(admin_user)
    before = db_snapshot(concept)

    response = client.post(
        admin_url(Measure, "import"),
        {
            "concept": 999999,
            "file": xlsx_upload(workbook_bytes(workbook), "M.xlsx"),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["concept"] == ["Bitte ein vorhandenes Konzept wählen."]
    assert "Bitte ein vorhandenes Konzept wählen." in response.content.decode()
    assert exchange_views.SESSION_KEY not in client.session
    assert db_snapshot(concept) == before


def _admin_preview(client, concept, workbook):
    """Upload ``workbook`` for ``concept`` in the admin and open the preview: (token, preview)."""
    response = _admin_upload(client, concept, workbook_bytes(workbook))
    assert response.status_code == 302
    return pending_token(response), client.get(response.url)


def test_admin_import_refuses_a_stale_preview_and_a_wrong_digest(client, admin_user):
    concept, _programmes = kuf_concept(2)
    client.force_login(admin_user)
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].cell(row=2, column=5).value = 5000  # M001, 2025
    token, preview = _admin_preview(client, concept, workbook)
    url = admin_url(Measure, "import_preview", concept.pk)

    wrong = client.post(url, {"datei": token, "digest": "gefälscht", "apply": "1"})
    assert wrong.status_code == 409
    assert "seit der Vorschau geändert" in wrong.content.decode()

    CostLine.objects.filter(measure__concept=concept, measure__code="M001", year=2025).update(gross=4000)
    before = db_snapshot(concept)
    stale = client.post(url, {"datei": token, "digest": preview.context["plan"].digest, "apply": "1"})

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "seit der Vorschau geändert" in html
    assert "4.000,00 € → 5.000,00 €" in html  # the new preview, with what is stored now
    assert db_snapshot(concept) == before
    assert token in client.session[exchange_views.SESSION_KEY]  # kept: the new preview may be applied


def test_admin_import_token_belongs_to_its_concept(client, admin_user):
    concept, _programmes = kuf_concept(1)
    other, _ = kuf_concept(1)
    client.force_login(admin_user)
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].cell(row=2, column=5).value = 7777
    token, preview = _admin_preview(client, concept, workbook)
    before = db_snapshot(other), db_snapshot(concept)
    other_url = admin_url(Measure, "import_preview", other.pk)
    other_upload = f"{admin_url(Measure, 'import')}?konzept={other.pk}"

    shown = client.get(other_url, {"datei": token})
    applied = client.post(
        other_url, {"datei": token, "digest": preview.context["plan"].digest, "apply": "1"}, follow=True
    )

    assert shown.status_code == 302 and shown.url == other_upload
    assert applied.redirect_chain == [(other_upload, 302)]
    assert any("nicht mehr vorhanden" in str(message) for message in applied.context["messages"])
    assert (db_snapshot(other), db_snapshot(concept)) == before
    assert token in client.session[exchange_views.SESSION_KEY]  # still there for its own concept


def test_admin_import_permission(client):
    concept, _programmes = kuf_concept(1)
    pages = [
        ("get", admin_url(Measure, "import"), {}),
        ("post", admin_url(Measure, "import"), {"concept": concept.pk}),
        ("get", admin_url(Measure, "import_preview", concept.pk), {"datei": "x"}),
        ("post", admin_url(Measure, "import_preview", concept.pk), {"datei": "x", "apply": "1"}),
    ]
    # Anonymous and non-staff users go to the admin's login.
    plain = factories.make_user()
    for user in (None, plain):
        client.logout()
        if user:
            client.force_login(user)
        for method, url, data in pages:
            response = getattr(client, method)(url, data)
            assert response.status_code == 302 and "/admin/login/" in response.url
    # Staff without the rights: refused, even as the concept's editor.
    staff = factories.make_editor(concept, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_measure", "add_measure", "change_measure", "view_concept"]
        )
    )
    client.force_login(staff)
    for method, url, data in pages:
        assert getattr(client, method)(url, data).status_code == 403
    assert "Import aus Excel/CSV" not in client.get(admin_url(Measure, "changelist")).content.decode()
    # The concept's page offers no import that would answer 403.
    assert "Import aus Excel/CSV" not in client.get(admin_url(Concept, "change", concept.pk)).content.decode()
    # Staff with the model permissions of every write the import makes.
    for name in IMPORT_PERMISSIONS:
        app_label, codename = name.split(".")
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    staff = type(staff).objects.get(pk=staff.pk)  # forget the cached permissions
    client.force_login(staff)
    assert client.get(admin_url(Measure, "import")).status_code == 200
    assert "Import aus Excel/CSV" in client.get(admin_url(Measure, "changelist")).content.decode()
    assert "Import aus Excel/CSV" in client.get(admin_url(Concept, "change", concept.pk)).content.decode()
    response = _admin_upload(client, concept, workbook_bytes(measure_list_workbook(concept)))
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    # An unknown concept in the URL is a 404.
    assert client.get(admin_url(Measure, "import_preview", 999999), {"datei": "x"}).status_code == 404


def test_admin_import_warns_of_reset_signoffs(client, admin_user):
    concept, _programmes = kuf_concept(2)
    factories.make_signoff(concept, concept.municipalities.get(name="Hallenbeck"), admin_user)
    client.force_login(admin_user)
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].cell(row=2, column=5).value = 7777  # M001, Hallenbeck
    response = _admin_upload(client, concept, workbook_bytes(workbook))
    preview = client.get(response.url)

    done = _admin_confirm(client, concept, response, preview, follow=True)

    texts = [str(message) for message in done.context["messages"]]
    assert any("Die Prüfung der KuF von Hallenbeck („geprüft“) ist zurückgesetzt" in t for t in texts)
    assert any("M001" in t for t in texts if "zurückgesetzt" in t)


# The admin's import pages (as a superuser: no permission queries), whatever the number of measures:
#  every page: 1. session  2. user
#  upload page: 3. the concept chosen in advance (``?konzept=``)  4. the concepts of the choice field
#  upload (POST): 3. the chosen concept (the form's choice field), then the session with the parsed
#  file saved (savepoint, update, release)
#  preview: 3. concept, then ``imports.load_state`` (seven: the concept's structure, programmes,
#  measures, their quarters and goals, cost lines, financing modules, per-year amounts), and the session
#  saved with the plan it shows (savepoint, update, release)
#  apply: 3. concept, savepoint, the seven reads again (the basis of the stored plan, with the measures
#  locked; the plan is not made again), a savepoint around the writes (for a code taken meanwhile,
#  ``projects.integrity``), the touched measures' new version (one UPDATE), their history, the history
#  of their quarters and goals, the changed cost lines (one batched UPDATE), their history, the
#  concept's data version moved on (the cached KuF), release twice, whether a sign-off of the touched
#  municipalities exists, and the session saved (savepoint, update, release)
LOAD_STATE = 7
ADMIN_UPLOAD_PAGE_QUERIES = 4
ADMIN_UPLOAD_QUERIES = 3 + 3
ADMIN_PREVIEW_QUERIES = 3 + LOAD_STATE + 3
ADMIN_APPLY_QUERIES = 3 + 1 + LOAD_STATE + 10 + 1 + 3


@pytest.mark.parametrize("count", [2, 20])
def test_admin_import_query_count_does_not_grow(client, admin_user, django_assert_num_queries, count):
    concept, _programmes = kuf_concept(count)
    workbook = measure_list_workbook(concept)
    costs = workbook["Kostenzeilen"]
    for row in range(2, costs.max_row + 1, 3):  # the 2025 line of every measure
        costs.cell(row=row, column=5).value = 7777
    client.force_login(admin_user)

    with django_assert_num_queries(ADMIN_UPLOAD_PAGE_QUERIES):
        assert client.get(admin_url(Measure, "import"), {"konzept": concept.pk}).status_code == 200
    with django_assert_num_queries(ADMIN_UPLOAD_QUERIES):
        response = _admin_upload(client, concept, workbook_bytes(workbook))
    with django_assert_num_queries(ADMIN_PREVIEW_QUERIES):
        preview = client.get(response.url)
    assert preview.context["counts"]["changed"] == count
    with django_assert_num_queries(ADMIN_APPLY_QUERIES):
        done = _admin_confirm(client, concept, response, preview)

    assert done.status_code == 302
    assert CostLine.objects.filter(measure__concept=concept, year=2025, gross=7777).count() == count


# --- Admin saves and versions ----------------------------------------------------------------------


def _form_data(response) -> dict:
    """The POST data of an admin change page as it is shown (main form and every inline)."""
    data: dict = {}

    def add(form) -> None:
        for bound in form:
            if bound.widget_type in ("clearablefile", "file"):
                continue
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data


def test_admin_save_moves_the_version_and_the_editor_gets_a_conflict(client, admin_user):
    concept, _programmes = kuf_concept(1)
    measure = Measure.objects.get(concept=concept)
    opened = measure.version  # an editor opens the measure
    client.force_login(admin_user)
    page = client.get(admin_url(Measure, "change", measure.pk))
    data = _form_data(page)
    data["title"] = "Im Admin geändert"

    response = client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert (measure.title, measure.version) == ("Im Admin geändert", opened + 1)
    with pytest.raises(EditConflict) as conflict:
        editor_services.measure_save(
            concept=concept,
            measure=measure,
            profile={"title": "Im Editor geändert"},
            cost_lines=[],
            modules=[],
            expected_version=opened,
            user=None,
        )
    assert [change.label for change in conflict.value.changes] == ["Titel"]
    assert Measure.objects.get(pk=measure.pk).title == "Im Admin geändert"


def test_inline_cost_line_change_moves_the_measure_version(client, admin_user):
    concept, _programmes = kuf_concept(1)
    measure = Measure.objects.get(concept=concept)
    client.force_login(admin_user)
    data = _form_data(client.get(admin_url(Measure, "change", measure.pk)))
    prefix = next(key for key in data if key.endswith("-0-gross")).rsplit("-0-", 1)[0]
    data[f"{prefix}-0-gross"] = "9999.00"

    response = client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).version == measure.version + 1
    assert measure.cost_lines.filter(gross=Decimal("9999.00")).exists()


def test_cost_line_saved_and_deleted_on_its_own_page_moves_the_measure_version(client, admin_user):
    concept, _programmes = kuf_concept(1)
    measure = Measure.objects.get(concept=concept)
    line = measure.cost_lines.first()
    client.force_login(admin_user)
    data = _form_data(client.get(admin_url(CostLine, "change", line.pk)))
    data["gross"] = "12345.00"

    assert client.post(admin_url(CostLine, "change", line.pk), data).status_code == 302
    assert Measure.objects.get(pk=measure.pk).version == measure.version + 1
    assert client.post(admin_url(CostLine, "delete", line.pk), {"post": "yes"}).status_code == 302
    assert Measure.objects.get(pk=measure.pk).version == measure.version + 2
    assert not CostLine.objects.filter(pk=line.pk).exists()


def test_a_stale_admin_form_is_refused_once_then_applied(client, admin_user):
    concept = factories.make_concept(title="Alt")
    client.force_login(admin_user)
    data = _form_data(client.get(admin_url(Concept, "change", concept.pk)))
    Concept.objects.filter(pk=concept.pk).update(version=concept.version + 1)  # someone saved meanwhile
    data["title"] = "Aus dem Admin"

    refused = client.post(admin_url(Concept, "change", concept.pk), data)

    assert refused.status_code == 200
    assert "Jemand hat diesen Eintrag gespeichert" in refused.content.decode()
    assert Concept.objects.get(pk=concept.pk).title == "Alt"
    data["loaded_version"] = refused.context["adminform"].form["loaded_version"].value()
    assert client.post(admin_url(Concept, "change", concept.pk), data).status_code == 302
    concept.refresh_from_db()
    assert (concept.title, concept.version) == ("Aus dem Admin", 3)


def _image(size=(2400, 1200), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    image.save(buffer, fmt, exif=exif.tobytes())
    return buffer.getvalue()


def test_admin_image_upload_is_sanitised_like_in_the_editor(client, admin_user, monkeypatch):
    concept, _programmes = kuf_concept(1)
    measure = Measure.objects.get(concept=concept)
    client.force_login(admin_user)
    data = _form_data(client.get(admin_url(Measure, "change", measure.pk)))
    data["image_alt"] = "Marktplatz"
    data["image"] = SimpleUploadedFile("foto.jpg", _image(), content_type="image/jpeg")

    assert client.post(admin_url(Measure, "change", measure.pk), data).status_code == 302
    measure.refresh_from_db()
    with Image.open(measure.image.path) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()
    page = client.get(admin_url(Measure, "change", measure.pk)).content.decode()
    assert f'href="{measure.image_url}"'.replace("&", "&amp;") in page  # the checked view, not /media/
    assert 'href="/media/' not in page

    monkeypatch.setattr("measures.images.MAX_UPLOAD_BYTES", 100)
    data = _form_data(client.get(admin_url(Measure, "change", measure.pk)))
    data["image"] = SimpleUploadedFile("gross.png", _image(fmt="PNG"), content_type="image/png")
    refused = client.post(admin_url(Measure, "change", measure.pk), data)
    assert refused.status_code == 200
    assert "Das Bild ist zu groß" in refused.content.decode()


def test_admin_refuses_links_into_another_concept(client, admin_user):
    concept, _programmes = kuf_concept(1)
    other, _ = kuf_concept(1)
    measure = Measure.objects.get(concept=concept)
    foreign_goal = other.action_fields.first().goals.first()
    foreign_quarter = other.quarters.first()
    foreign_measure = Measure.objects.get(concept=other)
    client.force_login(admin_user)
    data = _form_data(client.get(admin_url(Measure, "change", measure.pk)))
    data.update(
        goals=[str(foreign_goal.pk)], quarters=[str(foreign_quarter.pk)], related=str(foreign_measure.pk)
    )
    before = (measure.version, list(measure.goals.all()), list(measure.quarters.all()))

    response = client.post(admin_url(Measure, "change", measure.pk), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    for name in ("goals", "quarters", "related"):
        assert errors[name] == ["Auswahl aus einem anderen Konzept ist nicht zulässig."]
    measure.refresh_from_db()
    assert (measure.version, list(measure.goals.all()), list(measure.quarters.all())) == before


# --- KuF versions, sign-offs, comments -----------------------------------------------------------


def test_kuf_version_admin_is_read_only_and_deletes_whole_versions(client, admin_user):
    concept, _programmes = kuf_concept(2)
    version = versions_services.kuf_version_freeze(concept=concept, name="Antrag 2026", user=admin_user)
    client.force_login(admin_user)

    changelist = client.get(admin_url(KufVersion, "changelist"))
    assert [v.row_count for v in changelist.context["cl"].result_list] == [2]
    page = client.get(admin_url(KufVersion, "change", version.pk))
    assert page.status_code == 200
    assert "M001" in page.content.decode()
    assert client.post(admin_url(KufVersion, "change", version.pk), {"name": "Anders"}).status_code == 403
    assert client.get(admin_url(KufVersionRow, "delete", version.rows.first().pk)).status_code == 403

    response = client.post(admin_url(KufVersion, "delete", version.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not KufVersion.objects.filter(pk=version.pk).exists()
    assert not KufVersionRow.objects.filter(version_id=version.pk).exists()


def test_signoffs_and_comments_have_list_columns_filters_and_search(client, admin_user, sample_data):
    client.force_login(admin_user)
    signoffs = client.get(
        admin_url(KufSignoff, "changelist"), {"q": "Hallenbeck", "state__exact": "approved"}
    )
    assert signoffs.context["cl"].result_count == 1
    assert "Geprüfte Zeilen" in signoffs.content.decode()
    comments = client.get(admin_url(KufComment, "changelist"), {"q": "Summe", "resolved_at__isempty": "1"})
    assert comments.context["cl"].result_count == 1
    comment = KufComment.objects.get()
    assert client.get(admin_url(KufComment, "change", comment.pk)).status_code == 200


def _review_records(admin_user, count: int):
    """A concept with ``count`` measures, ``count`` frozen versions of them, ``count`` sign-offs of
    each of its two municipalities and a KuF comment on every measure. Returns the newest version."""
    hallenbeck = factories.make_municipality(name="Hallenbeck")
    rheinwerth = factories.make_municipality(name="Rheinwerth")
    concept = factories.make_concept([hallenbeck, rheinwerth])
    measures = factories.make_costed_measures(concept, count, factories.make_programme(), bulk=True)
    for number in range(count):
        version = versions_services.kuf_version_freeze(
            concept=concept, name=f"Stand {number}", user=admin_user
        )
    rows = kuf_rows_for_concept(concept=concept)
    for _number in range(count):
        for municipality in (hallenbeck, rheinwerth):
            factories.make_signoff(concept, municipality, admin_user, rows=rows)
    for measure in measures:
        review_services.kuf_comment_create(measure=measure, text="Stimmt die Summe?", user=admin_user)
    return version


# The read-only KuF records in the admin, whatever their number (every list shows at most 100 rows):
#  every page: 1. session  2. user
#  KuF versions: 3. choices of the concept filter  4. COUNT of the filtered versions  5. COUNT of all
#  (the "x of y")  6. the page of versions with their row counts, joined to the concept  7.-8. the
#  date hierarchy (first and last day, the days with versions)
#  rows of versions: 3. choices of the concept filter  4. choices of the version filter  5.-6. the two
#  COUNTs  7. the page of rows, joined to their version
#  sign-offs: 3.-4. choices of the concept and municipality filters  5.-6. the two COUNTs  7. the page,
#  joined to concept, municipality and reviewer  8.-9. the date hierarchy
#  KuF comments: 3. choices of the concept filter  4.-5. the two COUNTs  6. the page, joined to
#  measure, concept, author and who resolved it  7.-8. the date hierarchy
#  a version's page: 3. the version  4. its rows (the inline, joined to the version)  5. its concept
#  (the read-only field)
REVIEW_QUERIES = {KufVersion: 8, KufVersionRow: 7, KufSignoff: 9, KufComment: 8}
VERSION_PAGE_QUERIES = 5


@pytest.mark.parametrize("count", [2, 20])
def test_kuf_review_records_query_count_does_not_grow(client, admin_user, django_assert_num_queries, count):
    version = _review_records(admin_user, count)
    client.force_login(admin_user)
    client.get(admin_url(KufVersion, "change", version.pk))  # fills the cache of content types

    for model, queries in REVIEW_QUERIES.items():
        with django_assert_num_queries(queries):
            response = client.get(admin_url(model, "changelist"))
        expected = {KufVersion: count, KufVersionRow: count * count, KufSignoff: 2 * count}.get(model, count)
        assert response.context["cl"].result_count == expected, model
    with django_assert_num_queries(VERSION_PAGE_QUERIES):
        page = client.get(admin_url(KufVersion, "change", version.pk))

    inline = page.context["inline_admin_formsets"][0]
    assert len(inline.formset.forms) == count
    assert page.content.decode().count(f"{version.name}: M") == count  # each row named, with its version


def test_comment_actions_publish_and_reject(client, admin_user):
    measure = factories.make_measure(factories.make_concept())
    first = factories.make_comment(measure, status=Comment.Status.PENDING)
    second = factories.make_comment(measure, status=Comment.Status.PENDING)
    client.force_login(admin_user)
    changelist = admin_url(Comment, "changelist")

    client.post(changelist, {"action": "publish", "_selected_action": [first.pk, second.pk]})
    response = client.post(changelist, {"action": "reject", "_selected_action": [second.pk]}, follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Comment.Status.PUBLISHED, Comment.Status.REJECTED)
    assert "1 Anmerkung wurde abgelehnt." in response.content.decode()


def test_django_import_export_exports_but_never_imports(client, admin_user):
    """The admin imports only through ``funding.exchange.imports`` (no second, weaker import); the export of
    measures, cost lines and financing modules is django-import-export's, in the import's columns
    (``tests/funding/test_admin_export.py``)."""
    client.force_login(admin_user)
    for model in (Measure, CostLine, FinancingModule):
        model_admin = admin.site._registry[model]
        assert not hasattr(model_admin, "import_action")
        assert hasattr(model_admin, "export_action")
    content = client.get(admin_url(Measure, "changelist")).content.decode()
    assert admin_url(Measure, "export") in content
    assert admin_url(Measure, "import") in content  # the thorough import's page
