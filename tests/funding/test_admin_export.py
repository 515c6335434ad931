"""The admin's export (django-import-export, ``funding.exchange.resources``): measures, cost lines and financing
modules of one concept as CSV and .xlsx, through the export view and the action; the files re-import
through ``funding.exchange.imports`` with every row unchanged; the .xlsx sheet is the editor's measure list cell
by cell (values and number formats); formula-like text is escaped; a selection of several concepts or of part of a measure's rows is
refused with a message; the view permission; a fixed number of queries however many rows."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission

from funding.exchange import imports, resources
from funding.models import CostLine, FinancingModule
from measures.models import Measure
from tests import factories
from tests.admin_helpers import admin_url
from tests.excel import (
    FORMULA_TEXTS,
    XLSX_TYPE,
    kuf_concept,
    measure_list_workbook,
    open_workbook,
    with_formula_texts,
)

pytestmark = pytest.mark.django_db

FORMATS = {"xlsx": "0", "csv": "1"}  # the index of each format in the export form
MODELS = {imports.MEASURES: Measure, imports.COSTS: CostLine, imports.MODULES: FinancingModule}
CONCEPT_FILTER = {Measure: "concept__id__exact", CostLine: "measure__concept__id__exact"}
CONCEPT_FILTER[FinancingModule] = CONCEPT_FILTER[CostLine]


def _export(client, model, concept=None, fmt: str = "xlsx", **params):
    """POST the export form of ``model``'s admin, filtered to ``concept``."""
    query = f"?{CONCEPT_FILTER[model]}={concept.pk}" if concept else ""
    return client.post(
        admin_url(model, "export") + query, {"format": FORMATS[fmt], "resource": "0", **params}
    )


def _export_selected(client, model, objects, fmt: str = "xlsx"):
    """The action "export selected …": the form page, then its POST with the chosen rows."""
    pks = [str(obj.pk) for obj in objects]
    page = client.post(
        admin_url(model, "changelist"), {"action": "export_admin_action", "_selected_action": pks}
    )
    assert page.status_code == 200
    assert page.context["form"].initial["export_items"] == [obj.pk for obj in objects]
    return client.post(
        admin_url(model, "export"), {"format": FORMATS[fmt], "resource": "0", "export_items": pks}
    )


def _parse(response, fmt: str) -> imports.ParsedFile:
    assert response.status_code == 200, response.content[:2000]
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    return imports.read_upload(name=name, data=response.content)


def _plan(concept, response, fmt: str) -> imports.ImportPlan:
    return imports.import_plan(concept=concept, parsed=_parse(response, fmt))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# --- Round trip ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", [imports.MEASURES, imports.COSTS, imports.MODULES])
def test_export_reimports_unchanged(client, admin_user, fmt, kind):
    concept, _programmes = kuf_concept(3)
    kuf_concept(1)  # another concept, filtered out
    with_formula_texts(concept)
    client.force_login(admin_user)

    response = _export(client, MODELS[kind], concept, fmt)

    parsed = _parse(response, fmt)
    assert [table.kind for table in parsed.tables] == [kind]
    plan = imports.import_plan(concept=concept, parsed=parsed)
    assert plan.ok, plan.errors
    rows = {imports.MEASURES: 3, imports.COSTS: 9, imports.MODULES: 9}[kind]
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": rows, "deleted": 0, "error": 0}
    expected_type = XLSX_TYPE if fmt == "xlsx" else "text/csv"
    assert response["Content-Type"] == expected_type
    sheet = imports.LAYOUT_BY_KIND[kind].sheet.replace("ß", "ss")
    assert f'filename="{concept.slug}-{sheet}-' in response["Content-Disposition"]


@pytest.mark.parametrize("kind", [imports.MEASURES, imports.COSTS, imports.MODULES])
def test_xlsx_export_is_the_editors_sheet_cell_by_cell(client, admin_user, kind):
    """Headers, values, cell types and number formats (euros, rates as "0.00 %" of the fraction) are
    those of the editor's measure list, so the same sheet looks the same from both."""
    concept, _programmes = kuf_concept(2)
    with_formula_texts(concept)
    client.force_login(admin_user)

    workbook = open_workbook(_export(client, MODELS[kind], concept).content)

    sheet = imports.LAYOUT_BY_KIND[kind].sheet
    assert workbook.sheetnames == [sheet]
    editor = measure_list_workbook(concept)[sheet]

    def cells(ws):
        return [
            [(cell.value, cell.data_type, cell.quotePrefix, cell.number_format) for cell in row]
            for row in ws.iter_rows(max_col=ws.max_column)
        ]

    exported = cells(workbook.active)
    assert exported == cells(editor)
    # The formats are really there: a rate of 40 % is stored as 0.4 and shown with two decimals.
    formats = {value: number_format for row in exported[1:] for value, _t, _q, number_format in row}
    if kind == imports.MODULES:
        assert formats[0.4] == "0.00 %"
        assert formats[100.1] == '#,##0.00 "€"'
    if kind == imports.COSTS:
        assert formats[2025] == "0"
        assert formats[1005.33] == '#,##0.00 "€"'


def test_csv_export_writes_german_numbers_and_the_editors_codes(client, admin_user):
    concept, programmes = kuf_concept(2)
    client.force_login(admin_user)

    measures = _csv_rows(_export(client, Measure, concept, "csv").content)
    costs = _csv_rows(_export(client, CostLine, concept, "csv").content)
    modules = _csv_rows(_export(client, FinancingModule, concept, "csv").content)

    assert measures[0] == [column.header for column in imports.MEASURE_LAYOUT.columns]
    first = dict(zip(measures[0], measures[1], strict=True))
    assert (first["Kürzel"], first["Handlungsfeld"], first["Quartiere"], first["Ziele"]) == (
        "M001",
        "HF1",
        "Q1",
        "Z1.1",
    )
    assert (first["Kommune"], first["Beginn"], first["Ende"]) == ("Hallenbeck", "2025", "2028")
    line = dict(zip(costs[0], costs[1], strict=True))
    assert (line["Jahr"], line["Gesamtkosten"], line["davon nicht förderfähig"]) == (
        "2025",
        "1.005,33",
        "0,33",
    )
    assert modules[0][: len(imports.MODULE_LAYOUT.columns)] == [
        c.header for c in imports.MODULE_LAYOUT.columns
    ]
    assert modules[0][len(imports.MODULE_LAYOUT.columns) :] == [f"Betrag {year}" for year in concept.years]
    grant, _lz, third = (dict(zip(modules[0], row, strict=True)) for row in modules[1:4])
    assert (grant["Programm"], grant["Anteil (%)"], grant["Satz (%)"]) == (
        programmes["efre"].code,
        "40 %",
        "",
    )
    assert (third["Art"], third["Geldgeber"], third["Betrag 2025"], third["Betrag 2026"]) == (
        "Mittel Dritter",
        "Stiftung",
        "100,10",
        "50,05",
    )


def test_measure_admin_action_exports_the_selected_measures(client, admin_user):
    concept, _programmes = kuf_concept(3)
    chosen = list(Measure.objects.filter(concept=concept, code__in=["M001", "M003"]).order_by("code"))
    client.force_login(admin_user)

    for fmt in ("xlsx", "csv"):
        plan = _plan(concept, _export_selected(client, Measure, chosen, fmt), fmt)

        assert plan.ok
        assert [outcome.key for outcome in plan.outcomes] == ["M001", "M003"]
        assert plan.counts["unchanged"] == 2


def test_cost_line_and_module_actions_export_all_rows_of_the_chosen_measures(client, admin_user):
    concept, _programmes = kuf_concept(3)
    measure = Measure.objects.get(concept=concept, code="M002")
    client.force_login(admin_user)

    for model, count in ((CostLine, 3), (FinancingModule, 3)):
        chosen = list(model.objects.filter(measure=measure))
        plan = _plan(concept, _export_selected(client, model, chosen, "csv"), "csv")

        assert plan.ok
        assert plan.counts == {"new": 0, "changed": 0, "unchanged": count, "deleted": 0, "error": 0}


# --- Formula-like text -------------------------------------------------------------------------------


def test_formula_like_text_is_escaped_and_still_reimports_unchanged(client, admin_user):
    concept, _programmes = kuf_concept(1)
    with_formula_texts(concept)
    client.force_login(admin_user)

    ws = open_workbook(_export(client, Measure, concept).content).active
    headers = [cell.value for cell in ws[1]]
    for name, text in FORMULA_TEXTS.items():
        cell = ws.cell(row=2, column=headers.index(imports.MEASURE_LAYOUT.column(name).header) + 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    ordinary = ws.cell(row=2, column=headers.index("Kürzel") + 1)
    assert (ordinary.value, ordinary.quotePrefix) == ("M001", False)

    rows = _csv_rows(_export(client, Measure, concept, "csv").content)
    row = dict(zip(rows[0], rows[1], strict=True))
    for name, text in FORMULA_TEXTS.items():
        assert row[imports.MEASURE_LAYOUT.column(name).header] == f"'{text}"
    assert row["Kürzel"] == "M001"
    costs = _csv_rows(_export(client, CostLine, concept, "csv").content)
    assert dict(zip(costs[0], costs[1], strict=True))["Bemerkung"] == "'=SUMME(A1:A9)"
    # Numbers are not text: nothing to escape.
    assert all(not cell.startswith("'") for line in costs[1:] for cell in line[2:6])


def test_django_import_export_own_escaping_is_off(settings):
    """Its escaping drops the "=" and turns empty cells into "None"; our formats escape losslessly."""
    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is False
    assert "import_export" in settings.INSTALLED_APPS


# --- Refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Measure, CostLine, FinancingModule])
def test_several_concepts_are_refused_with_a_message(client, admin_user, model):
    first, _programmes = kuf_concept(1)
    second, _ = kuf_concept(1, title_prefix="Zweite")
    second.title = "IHK Zweitstadt"
    second.save()
    client.force_login(admin_user)

    response = _export(client, model)  # the whole list, both concepts

    assert response.status_code == 200
    assert response.get("Content-Disposition") is None
    messages = _messages(response)
    assert len(messages) == 1
    assert "Die Auswahl umfasst Einträge aus 2 Konzepten" in messages[0]
    assert "IHK Zweitstadt" in messages[0] and first.title in messages[0]
    assert "nach „Konzept“" in messages[0]
    # Choosing rows of both concepts by the action is refused the same way.
    objects = list(model.objects.all())
    response = client.post(
        admin_url(model, "export"),
        {"format": "1", "resource": "0", "export_items": [str(obj.pk) for obj in objects]},
    )
    assert response.get("Content-Disposition") is None
    assert "2 Konzepten" in _messages(response)[0]


@pytest.mark.parametrize(
    ("model", "words"),
    [(CostLine, "Teil der Kostenzeilen der Maßnahmen M001"), (FinancingModule, "Finanzierungsbausteine")],
)
def test_part_of_a_measures_rows_is_refused_with_a_message(client, admin_user, model, words):
    """The import replaces a named measure's cost lines (modules): the others would be deleted."""
    concept, _programmes = kuf_concept(2)
    client.force_login(admin_user)
    first = model.objects.filter(measure__code="M001").order_by("pk").first()

    response = client.post(
        admin_url(model, "export"), {"format": "1", "resource": "0", "export_items": [str(first.pk)]}
    )

    assert response.get("Content-Disposition") is None
    messages = _messages(response)
    assert words in messages[0] and "gelöscht" in messages[0]
    # Filtered by year, the cost lines are partial as well.
    if model is CostLine:
        response = client.post(
            admin_url(CostLine, "export") + f"?measure__concept__id__exact={concept.pk}&year=2025",
            {"format": "0", "resource": "0"},
        )
        assert response.get("Content-Disposition") is None
        assert "M001, M002" in _messages(response)[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "7", "resource": "0"}, "7 ist keine gültige Auswahl."),
        ({"format": "csv", "resource": "0"}, "csv ist keine gültige Auswahl."),
        # The resource is a hidden field: the form says so above the fields.
        ({"format": "0", "resource": "5"}, "Die Auswahl der Tabelle ist ungültig; es wurde keine Datei"),
        ({"format": "1", "resource": "-1"}, "Die Auswahl der Tabelle ist ungültig; es wurde keine Datei"),
        ({"resource": "0"}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_a_tampered_format_or_resource_is_refused_without_a_file(client, admin_user, data, message):
    concept, _programmes = kuf_concept(1)
    client.force_login(admin_user)

    response = client.post(admin_url(Measure, "export") + f"?concept__id__exact={concept.pk}", data)

    assert response.status_code == 200
    assert response.get("Content-Disposition") is None
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()  # at the field of the export form shown again


def test_an_empty_selection_gives_the_header_row(client, admin_user):
    concept = factories.make_concept()
    client.force_login(admin_user)

    rows = _csv_rows(_export(client, FinancingModule, concept, "csv").content)

    assert rows == [[column.header for column in imports.MODULE_LAYOUT.columns]]


def test_selection_helper_refuses_directly():
    """``export_table`` itself refuses (whatever calls it), not only the admin view."""
    kuf_concept(1)
    kuf_concept(1)
    with pytest.raises(resources.ExportRefused):
        resources.export_table(queryset=Measure.objects.all(), kind=imports.MEASURES)


# --- Permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [Measure, CostLine, FinancingModule])
def test_export_needs_the_view_permission(client, model):
    concept, _programmes = kuf_concept(1)
    # Anonymous and non-staff users go to the admin's login.
    client.force_login(factories.make_user())
    response = _export(client, model, concept)
    assert response.status_code == 302 and "/admin/login/" in response.url
    # Staff who may change but not view the model: no export, no action, no link.
    staff = factories.make_user(is_staff=True)
    codename = f"change_{model._meta.model_name}"
    staff.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(staff)
    assert _export(client, model, concept).status_code == 403
    assert client.get(admin_url(model, "export")).status_code == 403
    page = client.get(admin_url(model, "changelist"))
    assert page.status_code == 200
    assert "export_admin_action" not in page.content.decode()
    assert admin_url(model, "export") not in page.content.decode()
    # With the view permission: the link, the action and the file.
    staff.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
    staff = type(staff).objects.get(pk=staff.pk)  # forget the cached permissions
    client.force_login(staff)
    page = client.get(admin_url(model, "changelist"))
    assert "export_admin_action" in page.content.decode()
    assert admin_url(model, "export") in page.content.decode()
    assert client.get(admin_url(model, "export")).status_code == 200
    assert _export(client, model, concept)["Content-Type"] == XLSX_TYPE


def test_export_page_lists_the_import_columns_and_offers_no_column_choice(client, admin_user):
    client.force_login(admin_user)

    response = client.get(admin_url(FinancingModule, "export"))

    content = response.content.decode()
    assert "Betrag &lt;Jahr&gt;" in content and "Anteil (%)" in content
    assert not getattr(response.context["form"], "is_selectable_fields_form", False)
    assert [label for _value, label in response.context["form"].fields["format"].choices] == [
        "---",
        "xlsx",
        "csv",
    ]


def test_measure_list_keeps_the_import_link_and_adds_the_export(client, admin_user):
    kuf_concept(1)
    client.force_login(admin_user)

    content = client.get(admin_url(Measure, "changelist")).content.decode()

    assert "Import aus Excel/CSV" in content
    assert admin_url(Measure, "export") in content
    assert "export_admin_action" in content


# --- Queries -----------------------------------------------------------------------------------------


# The export view (a POST of the export form), whatever the number of rows:
#  1. session  2. user
#  then the choices of the list's related filters (measures: concept, action field, municipality;
#  cost lines: concept; financing modules: programme, concept),
#  the selection (id, measure and concept of each row), the concept, ``imports.load_state`` (seven:
#  the concept's structure, programmes, measures, their quarters and goals, cost lines, modules,
#  per-year amounts) and the concept's slug for the file name.
LOAD_STATE = 7
QUERIES = {
    Measure: 2 + 3 + 1 + 1 + LOAD_STATE + 1,
    CostLine: 2 + 1 + 1 + 1 + LOAD_STATE + 1,
    FinancingModule: 2 + 2 + 1 + 1 + LOAD_STATE + 1,
}


@pytest.mark.parametrize("model", [Measure, CostLine, FinancingModule])
@pytest.mark.parametrize("count", [2, 12])
def test_export_query_count_does_not_grow(client, admin_user, django_assert_num_queries, model, count):
    concept, _programmes = kuf_concept(count)
    client.force_login(admin_user)

    with django_assert_num_queries(QUERIES[model]):
        response = _export(client, model, concept, "csv")

    assert response.status_code == 200
    per_measure = {Measure: 1, CostLine: 3, FinancingModule: 3}[model]
    assert len(_csv_rows(response.content)) == 1 + count * per_measure
