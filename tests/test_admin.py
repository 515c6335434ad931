"""The Django admin: every registered model opens, measure totals, query counts, import and export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.models import ApprovalNotice, CostLine
from funding.resources import CostLineResource
from measures.models import Indicator, Measure
from measures.resources import MeasureResource
from participation.models import Comment
from projects.models import ConceptMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _format_index(formats, title: str) -> str:
    """The form value import-export expects for a file format: its index in the admin's format list."""
    return str([file_format().get_title() for file_format in formats].index(title))


def _export_form(admin_class, resource_class, title: str) -> dict[str, str]:
    """POST data of the export form: one resource, one format, every field ticked."""
    data = {"resource": "0", "format": _format_index(admin_class.get_export_formats(), title)}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    return data


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
    Group.objects.create(name="Planungsbüro")
    return {"concept": concept, "measure": measure}


@pytest.mark.parametrize(
    "model",
    # django-axes registers read-only logs of its own; they are not ours to test.
    [model for model in admin.site._registry if model._meta.app_label != "axes"],
    ids=lambda model: model._meta.label,
)
def test_every_registered_model_opens(client, admin_user, sample_data, model):
    client.force_login(admin_user)

    changelist = client.get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1, "the sample data should fill every changelist"
    assert client.get(_url(model, "add")).status_code == 200

    obj = model._default_manager.first()
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


def test_measure_changelist_shows_totals(client, admin_user):
    concept = factories.make_concept()
    measure = factories.make_measure(concept)
    factories.make_cost_line(measure, year=2025, gross="100000.00", ineligible="10000.00")
    factories.make_cost_line(measure, year=2026, gross="50000.50")
    # Two modules: a join over both relations would count every cost line twice.
    programme = factories.make_programme()
    factories.make_module(measure, programme, cost_share="60")
    factories.make_module(measure, kind="third_party", source="Stiftung", amount="5000")
    factories.make_measure(concept, code="LEER")  # no costs at all
    client.force_login(admin_user)

    response = client.get(_url(Measure, "changelist"))

    content = response.content.decode()
    assert "150.000,50 €" in content
    assert "140.000,50 €" in content
    rows = {row.code: row for row in response.context["cl"].result_list}
    assert rows[measure.code].gross_total == Decimal("150000.50")
    assert rows[measure.code].eligible_total == Decimal("140000.50")
    assert rows[measure.code].module_count == 2
    assert (rows["LEER"].gross_total, rows["LEER"].module_count) == (Decimal("0.00"), 0)


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
#  8. the page of measures, joined to concept, action field and municipality, with the three
#     totals as correlated subqueries
MEASURE_CHANGELIST_QUERIES = 8


@pytest.mark.parametrize("count", [2, 20])
def test_measure_changelist_query_count_does_not_grow(client, admin_user, django_assert_num_queries, count):
    _measures_with_costs(count)
    client.force_login(admin_user)

    with django_assert_num_queries(MEASURE_CHANGELIST_QUERIES):
        response = client.get(_url(Measure, "changelist"))

    assert len(response.context["cl"].result_list) == count


# Measure export (CSV), whatever the number of measures:
#  1. session  2. user
#  3.-5. choices of the concept, action field and municipality filters (import-export builds the
#        changelist to apply the current filters to the export)
#  6. COUNT of the measures (import-export pages through the rows because quarters are prefetched)
#  7. the measures, joined to concept, action field and municipality, with the totals
#  8. the quarters of all measures (prefetch)
MEASURE_EXPORT_QUERIES = 8


@pytest.mark.parametrize("count", [2, 20])
def test_measure_export_query_count_does_not_grow(client, admin_user, django_assert_num_queries, count):
    _measures_with_costs(count)
    client.force_login(admin_user)
    measure_admin = admin.site._registry[Measure]
    data = _export_form(measure_admin, MeasureResource, "csv")

    with django_assert_num_queries(MEASURE_EXPORT_QUERIES):
        response = client.post(_url(Measure, "export"), data)

    assert response.status_code == 200
    assert len(tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")) == count


def test_measure_export_csv(client, admin_user, sample_data):
    client.force_login(admin_user)
    measure_admin = admin.site._registry[Measure]

    response = client.post(_url(Measure, "export"), _export_form(measure_admin, MeasureResource, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    dataset = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    measure = sample_data["measure"]
    assert row["Konzept"] == measure.concept.slug
    assert row["Kürzel"] == "A.1.1"
    assert row["Handlungsfeld"] == "HF1"
    assert row["Quartiere"] == "Q1"
    assert row["Kommune (AGS)"] == measure.municipality.ags
    assert row["Kennung"] == str(measure.uid)


def test_cost_line_export_xlsx(client, admin_user, sample_data):
    client.force_login(admin_user)
    cost_line_admin = admin.site._registry[CostLine]

    response = client.post(_url(CostLine, "export"), _export_form(cost_line_admin, CostLineResource, "xlsx"))

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, first = (list(row) for row in sheet.iter_rows(max_row=2, values_only=True))
    row = dict(zip(header, first, strict=True))
    assert row["Konzept"] == sample_data["concept"].slug
    assert row["Maßnahme"] == "A.1.1"
    assert Decimal(str(row["Gesamtkosten"])) == Decimal("100000")


def _import_cost_lines(client, csv_text: str):
    """Step 1 of the admin import: upload, dry run, and the confirm form if the file is valid."""
    cost_line_admin = admin.site._registry[CostLine]
    return client.post(
        _url(CostLine, "import"),
        {
            "resource": "0",
            "format": _format_index(cost_line_admin.get_import_formats(), "csv"),
            "import_file": SimpleUploadedFile("kosten.csv", csv_text.encode("utf-8"), "text/csv"),
        },
    )


COST_LINE_HEADER = "Konzept,Maßnahme,Kostengruppe,Jahr,Gesamtkosten,davon nicht förderfähig,Bemerkung\n"


def test_cost_line_import_creates_lines_in_the_right_concept(client, admin_user):
    concept = factories.make_concept(slug="iihk-lippe")
    measure = factories.make_measure(concept, code="A.1")
    # Same code in another concept: the concept column decides which measure is meant.
    other = factories.make_measure(factories.make_concept(slug="ihk-rheinwerth"), code="A.1")
    client.force_login(admin_user)
    csv_text = COST_LINE_HEADER + (
        'iihk-lippe,A.1,9,2025,"120000,00",0,Planung\niihk-lippe,A.1,8,2026,80000.50,"1000,50",\n'
    )

    preview = _import_cost_lines(client, csv_text)

    assert preview.status_code == 200
    assert not preview.context["result"].has_errors()
    assert not preview.context["result"].has_validation_errors()
    assert not CostLine.objects.exists(), "the first step is a dry run"
    confirm_form = preview.context["confirm_form"]

    response = client.post(_url(CostLine, "process_import"), confirm_form.initial)

    assert response.status_code == 302
    lines = list(measure.cost_lines.order_by("year").values_list("section", "year", "gross", "ineligible"))
    assert lines == [
        (9, 2025, Decimal("120000.00"), Decimal("0.00")),
        (8, 2026, Decimal("80000.50"), Decimal("1000.50")),
    ]
    assert not other.cost_lines.exists()


def test_cost_line_import_refuses_unknown_measure_and_bad_amounts(client, admin_user):
    factories.make_measure(factories.make_concept(slug="iihk-lippe"), code="A.1")
    client.force_login(admin_user)
    csv_text = COST_LINE_HEADER + "iihk-lippe,X.9,9,2025,1000,0,\niihk-lippe,A.1,9,2025,1000,2000,\n"

    preview = _import_cost_lines(client, csv_text)

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors()
    messages = " ".join(
        str(message)
        for invalid_row in result.invalid_rows
        for field_messages in invalid_row.error_dict.values()
        for message in field_messages
    )
    assert "„X.9“ wurde nicht gefunden" in messages
    assert "nicht förderfähige Anteil" in messages
    assert "confirm_form" not in preview.context
    assert not CostLine.objects.exists()


def test_measure_resource_import_is_keyed_by_concept_and_code():
    lippe = factories.make_concept(slug="iihk-lippe")
    rheinwerth = factories.make_concept(slug="ihk-rheinwerth")
    factories.make_action_field(lippe, code="HF1")
    hf1_rheinwerth = factories.make_action_field(rheinwerth, code="HF1")
    quarter = factories.make_quarter(rheinwerth, code="Q4")
    factories.make_quarter(lippe, code="Q1")
    existing = factories.make_measure(rheinwerth, hf1_rheinwerth, code="A.1", title="Alt")
    ags = rheinwerth.municipalities.get().ags
    dataset = tablib.Dataset(
        ["ihk-rheinwerth", "A.1", "Neu", "HF1", ags, "Q4", "2025", "2027"],
        ["ihk-rheinwerth", "A.2", "Zweite", "HF1", int(ags), "", "2026", "2026"],
        ["ihk-rheinwerth", "A.3", "Falsch", "HF1", ags, "Q1", "2026", "2026"],
        headers=[
            "Konzept",
            "Kürzel",
            "Titel",
            "Handlungsfeld",
            "Kommune (AGS)",
            "Quartiere",
            "Beginn",
            "Ende",
        ],
    )

    result = MeasureResource().import_data(
        dataset, dry_run=False, raise_errors=False, rollback_on_validation_errors=True
    )

    # Q1 belongs to the other concept: the third row is refused, and with it the whole file.
    assert [row.field_specific_errors for row in result.invalid_rows] == [
        {"quarters": ["Nicht gefunden (Quartiere / Fördergebiete): Q1"]}
    ]
    assert not Measure.objects.filter(code__in=["A.2", "A.3"]).exists()

    del dataset[2]
    result = MeasureResource().import_data(dataset, dry_run=False, raise_errors=False)

    assert not result.has_errors() and not result.has_validation_errors()
    existing.refresh_from_db()
    assert (existing.title, existing.action_field, existing.start_year) == ("Neu", hf1_rheinwerth, 2025)
    assert list(existing.quarters.all()) == [quarter]
    second = Measure.objects.get(concept=rheinwerth, code="A.2")
    assert second.action_field == hf1_rheinwerth
    assert second.municipality.ags == ags  # the number Excel makes of an AGS is padded again


def test_comment_actions_publish_and_reject(client, admin_user):
    measure = factories.make_measure(factories.make_concept())
    first = factories.make_comment(measure, status=Comment.Status.PENDING)
    second = factories.make_comment(measure, status=Comment.Status.PENDING)
    client.force_login(admin_user)
    changelist = _url(Comment, "changelist")

    client.post(changelist, {"action": "publish", "_selected_action": [first.pk, second.pk]})
    response = client.post(changelist, {"action": "reject", "_selected_action": [second.pk]}, follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Comment.Status.PUBLISHED, Comment.Status.REJECTED)
    assert "1 Anmerkung wurde abgelehnt." in response.content.decode()
