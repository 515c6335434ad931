"""The measure editor loses no rows through what a page posts: broken management data of a table, a
stored row the page does not mention, or a row id that is not one of the measure's is refused with a
message and changes nothing; a save that changes nothing leaves the version and the history alone.

Each case is run for the three growable tables: cost lines (``costs``), financing modules with their
year amounts (``modules``) and indicators (``indicators``).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding.editor import services as editor_services
from funding.models import CostLine, FinancingModule, FinancingYear
from measures.models import Indicator, Measure
from tests import factories as f
from tests.funding.editor_page import create_url, form_data, full_post, post_data, rows

pytestmark = pytest.mark.django_db

TABLES = ("costs", "modules", "indicators")
INCOMPLETE = "Die Seite ist unvollständig geladen"
FOREIGN = "gehört nicht zu dieser Maßnahme"


@pytest.fixture
def s(s, client):
    """The shared setup with measure HF1-M01 saved: two cost lines, an LZ grant and a third-party
    module with year amounts, two indicators; and the editor's URL."""
    data = full_post(
        s,
        modules=[
            {"kind": "grant", "programme": str(s["lz"].pk), "cost_share": "100"},
            {"kind": "third_party", "source": "Stiftung", "year_2025": "1.000,00", "year_2026": "2.000,00"},
        ],
    )
    data.update(
        rows(
            "indicators",
            [
                {"name": "Entsiegelte Fläche", "unit": "m²", "target_value": "2.200"},
                {"name": "Neue Bäume", "unit": "Anzahl", "target_value": "40"},
            ],
        )
    )
    response = client.post(create_url(s), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    s["measure"] = Measure.objects.get(code="HF1-M01")
    s["url"] = reverse("funding:measure_edit", args=[s["concept"].slug, s["measure"].pk])
    return s


def page(client, s) -> dict:
    """What the browser sends when the loaded editor is saved as it is."""
    return post_data(form_data(client.get(s["url"]).content.decode()))


def state() -> tuple:
    """Everything the editor can change, and the history: equal before and after means nothing changed."""
    return (
        list(Measure.objects.values_list("pk", "version", "title")),
        list(CostLine.objects.order_by("pk").values_list("pk", "measure_id", "year", "gross", "ineligible")),
        list(FinancingModule.objects.order_by("pk").values_list("pk", "measure_id", "kind", "cost_share")),
        list(FinancingYear.objects.order_by("pk").values_list("pk", "module_id", "year", "amount")),
        list(Indicator.objects.order_by("pk").values_list("pk", "measure_id", "name", "target_value")),
        Measure.history.count(),
        CostLine.history.count(),
        FinancingModule.history.count(),
        FinancingYear.history.count(),
        Indicator.history.count(),
    )


def assert_refused(response, before: tuple, message: str = INCOMPLETE) -> None:
    body = response.content.decode()
    assert response.status_code == 400, body[:3000]
    assert message in body
    assert "Es wurde nichts gespeichert" in body
    assert state() == before


def drop_row(data: dict, prefix: str, index: int) -> None:
    for key in [key for key in data if key.startswith(f"{prefix}-{index}-")]:
        del data[key]


# --- Broken management data ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", TABLES)
@pytest.mark.parametrize(
    "management",
    [
        {"TOTAL_FORMS": "-1"},
        {"TOTAL_FORMS": "0"},
        {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"},  # the page showed stored rows
        {"TOTAL_FORMS": None},
        {"INITIAL_FORMS": None},
        {"TOTAL_FORMS": None, "INITIAL_FORMS": None},
        {"TOTAL_FORMS": "zwei"},
        {"INITIAL_FORMS": "1,5"},
        {"INITIAL_FORMS": "-1"},
        {"INITIAL_FORMS": "9"},
        {"TOTAL_FORMS": "1001"},
        {"TOTAL_FORMS": "100000000"},
    ],
    ids=lambda management: ",".join(f"{key}={value}" for key, value in management.items()),
)
def test_broken_management_data_is_refused_and_changes_nothing(client, s, prefix, management):
    data = page(client, s)
    data["title"] = "Neuer Titel"
    for key, value in management.items():
        if value is None:
            del data[f"{prefix}-{key}"]
        else:
            data[f"{prefix}-{key}"] = value
    before = state()
    assert_refused(client.post(s["url"], data), before)


@pytest.mark.parametrize("prefix", TABLES)
def test_broken_management_data_is_refused_on_a_new_measure(client, s, prefix):
    data = full_post(s, code="HF1-M02")
    data[f"{prefix}-TOTAL_FORMS"] = "-1"
    before = state()
    assert_refused(client.post(create_url(s), data), before)


@pytest.mark.parametrize("prefix", TABLES)
def test_adding_a_row_to_a_broken_table_is_refused(client, s, prefix):
    data = page(client, s)
    data[f"{prefix}-TOTAL_FORMS"] = "-1"
    data["_action"] = {"costs": "add_cost", "modules": "add_module", "indicators": "add_indicator"}[prefix]
    before = state()
    assert_refused(client.post(s["url"], data), before)


@pytest.mark.parametrize("prefix", TABLES)
def test_refused_page_keeps_the_profile_input_and_shows_the_stored_rows(client, s, prefix):
    data = page(client, s)
    data["title"] = "Neuer Titel"
    data[f"{prefix}-TOTAL_FORMS"] = "-1"
    response = client.post(s["url"], data)
    assert response.status_code == 400
    shown = form_data(response.content.decode())
    assert shown["title"] == ["Neuer Titel"]
    stored = {"costs": CostLine, "modules": FinancingModule, "indicators": Indicator}[prefix]
    count = stored.objects.filter(measure=s["measure"]).count()
    assert shown[f"{prefix}-TOTAL_FORMS"] == [str(count)] and shown[f"{prefix}-INITIAL_FORMS"] == [str(count)]
    # Saving the page as it came back works.
    assert client.post(s["url"], post_data(shown)).status_code == 302
    s["measure"].refresh_from_db()
    assert s["measure"].title == "Neuer Titel"
    assert stored.objects.filter(measure=s["measure"]).count() == count


# --- Rows the page does not mention, or rows it never writes so --------------------------------------


def _leave_out_last_row(data: dict, prefix: str) -> None:
    """The row count says one row less and the last stored row is left out entirely."""
    last = int(data[f"{prefix}-TOTAL_FORMS"]) - 1
    drop_row(data, prefix, last)
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(last)


def _count_one_less(data: dict, prefix: str) -> None:
    """The row count says one row less than the page holds."""
    last = int(data[f"{prefix}-TOTAL_FORMS"]) - 1
    data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(last)


TAMPERED = {
    "stored row left out": _leave_out_last_row,
    "row input beyond the count": _count_one_less,
    "stored row without its id": lambda data, prefix: data.update({f"{prefix}-1-id": ""}),
    "one row posted twice": lambda data, prefix: data.update({f"{prefix}-1-id": data[f"{prefix}-0-id"]}),
    # a stored row behind the stored rows, where only new rows belong, would be saved twice
    "stored row among the new rows": lambda data, prefix: data.update({f"{prefix}-INITIAL_FORMS": "1"}),
}


@pytest.mark.parametrize("prefix", TABLES)
@pytest.mark.parametrize("tamper", TAMPERED.values(), ids=TAMPERED.keys())
def test_rows_the_page_never_posts_so_are_refused_and_change_nothing(client, s, prefix, tamper):
    data = page(client, s)
    tamper(data, prefix)
    before = state()
    assert_refused(client.post(s["url"], data), before)


@pytest.mark.parametrize("prefix", TABLES)
def test_rows_explicitly_removed_are_deleted_and_only_those(client, s, prefix):
    data = page(client, s)
    removed = int(data[f"{prefix}-1-id"])
    data[f"{prefix}-1-DELETE"] = "on"
    assert client.post(s["url"], data).status_code == 302
    model = {"costs": CostLine, "modules": FinancingModule, "indicators": Indicator}[prefix]
    assert list(model.objects.filter(measure=s["measure"]).values_list("pk", flat=True)) == [
        int(data[f"{prefix}-0-id"])
    ]
    assert not model.objects.filter(pk=removed).exists()


# --- Row ids that are not the measure's -------------------------------------------------------------


def _foreign_rows(s, where: str) -> dict[str, int]:
    """A cost line, a module and an indicator of another measure of this concept, of a measure of
    another concept, or ids that never existed."""
    if where == "nowhere":
        return {"costs": 999_001, "modules": 999_002, "indicators": 999_003}
    if where == "other_measure":
        other = f.make_measure(s["concept"], s["field"], code="X1", municipality=s["municipality"])
    else:
        concept = f.make_concept([s["municipality"]])
        other = f.make_measure(
            concept, f.make_action_field(concept), code="X1", municipality=s["municipality"]
        )
    return {
        "costs": f.make_cost_line(other, year=2025).pk,
        "modules": f.make_module(other, s["lz"]).pk,
        "indicators": f.make_indicator(other, name="Fremd").pk,
    }


@pytest.mark.parametrize("prefix", TABLES)
@pytest.mark.parametrize("where", ["other_measure", "other_concept", "nowhere"])
@pytest.mark.parametrize("remove", [False, True], ids=["edited", "removed"])
def test_row_id_that_is_not_the_measures_is_refused(client, s, prefix, where, remove):
    foreign = _foreign_rows(s, where)
    data = page(client, s)
    data[f"{prefix}-0-id"] = str(foreign[prefix])
    if remove:
        data[f"{prefix}-0-DELETE"] = "on"
    before = state()
    assert_refused(client.post(s["url"], data), before, message=FOREIGN)


@pytest.mark.parametrize("prefix", TABLES)
def test_row_id_on_a_new_measure_is_refused(client, s, prefix):
    foreign = _foreign_rows(s, "other_measure")
    data = {key: value for key, value in full_post(s, code="HF1-M02").items() if not key.startswith(prefix)}
    item = {
        "costs": {"section": "9", "year": "2025", "gross": "10,00", "ineligible": "0"},
        "modules": {"kind": "grant", "programme": str(s["lz"].pk), "cost_share": "100"},
        "indicators": {"name": "Bäume", "target_value": "5"},
    }[prefix]
    data.update(rows(prefix, [{**item, "id": str(foreign[prefix])}], initial=1))
    before = state()
    assert_refused(client.post(create_url(s), data), before, message=FOREIGN)


# --- Nothing changed ---------------------------------------------------------------------------------


def test_saving_without_a_change_keeps_the_version_and_writes_no_history(client, s):
    before = state()
    response = client.post(s["url"], page(client, s), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert state() == before
    # The user is told that there was nothing to save, not that something was saved.
    texts = [str(message) for message in response.context["messages"]]
    assert texts == [f"Die Maßnahme {s['measure'].code} ist unverändert; es gab nichts zu speichern."]


def test_line_breaks_as_browsers_send_them_are_no_change(client, s):
    Measure.objects.filter(pk=s["measure"].pk).update(description="Zeile eins\nZeile zwei")
    data = page(client, s)
    assert data["description"] == "Zeile eins\nZeile zwei"
    data["description"] = "Zeile eins\r\nZeile zwei"  # what a browser posts
    before = state()
    assert client.post(s["url"], data).status_code == 302
    assert state() == before


# --- The service ----------------------------------------------------------------------------------


def stored_modules(measure: Measure) -> list[editor_services.ModuleData]:
    """The measure's financing modules as stored, as the service takes them."""
    return [
        editor_services.ModuleData(
            id=module.pk,
            kind=module.kind,
            programme=module.programme,
            source=module.source,
            cost_share=module.cost_share,
            rate=module.rate,
            amount=module.amount,
            years={entry.year: entry.amount for entry in module.years.all()},
            order=module.order,
        )
        for module in measure.financing_modules.order_by("order")
    ]


def test_service_deletes_only_rows_it_is_told_to_remove(s):
    measure = s["measure"]
    lines = list(measure.cost_lines.order_by("year"))
    kept = editor_services.CostLineData(
        id=lines[0].pk, section=lines[0].section, year=lines[0].year, gross=Decimal("1.00")
    )
    modules = stored_modules(measure)
    arguments = {
        "concept": s["concept"],
        "measure": measure,
        "profile": {},
        "modules": modules,
        "expected_version": measure.version,
        "user": s["editor"],
    }
    before = state()
    with pytest.raises(ValidationError, match=INCOMPLETE):
        editor_services.measure_save(cost_lines=[kept], **arguments)
    assert state() == before
    editor_services.measure_save(cost_lines=[kept], removed={"costs": {lines[1].pk}}, **arguments)
    assert list(measure.cost_lines.values_list("pk", "gross")) == [(lines[0].pk, Decimal("1.00"))]
    assert measure.indicators.count() == 2


def test_service_refuses_a_row_of_another_measure_and_saves_nothing_unchanged(s):
    measure = s["measure"]
    other = f.make_measure(s["concept"], s["field"], code="X1", municipality=s["municipality"])
    foreign = f.make_cost_line(other, year=2025)
    arguments = {
        "concept": s["concept"],
        "measure": measure,
        "profile": {},
        "modules": [],
        "removed": {"modules": set(measure.financing_modules.values_list("pk", flat=True))},
        "expected_version": measure.version,
        "user": s["editor"],
    }
    row = editor_services.CostLineData(id=foreign.pk, section=9, year=2025, gross=Decimal("1.00"))
    before = state()
    with pytest.raises(ValidationError, match="Kostenzeile 1 gehört nicht zu dieser Maßnahme"):
        editor_services.measure_save(cost_lines=[row], **arguments)
    assert state() == before
    unchanged = [
        editor_services.CostLineData(
            id=line.pk, section=line.section, year=line.year, gross=line.gross, ineligible=line.ineligible
        )
        for line in measure.cost_lines.all()
    ]
    arguments["removed"] = {}
    arguments["modules"] = stored_modules(measure)
    assert editor_services.measure_save(cost_lines=unchanged, **arguments).version == measure.version
    assert state() == before


def test_a_stored_year_amount_outside_the_programme_years_is_shown_and_kept(client, s):
    # A module may hold an amount in a year the concept no longer lists (an import, older data): the
    # editor shows a column for it, and saving keeps it.
    Measure.objects.filter(pk=s["measure"].pk).update(end_year=2031)  # a period from before the rule
    module = s["measure"].financing_modules.first()
    FinancingYear.objects.create(module=module, year=2031, amount=Decimal("10.00"))
    data = page(client, s)
    index = next(
        i for i in range(int(data["modules-TOTAL_FORMS"])) if data.get(f"modules-{i}-id") == str(module.pk)
    )
    assert data[f"modules-{index}-year_2031"] == "10,00"
    assert client.post(s["url"], data).status_code == 302
    assert module.years.get(year=2031).amount == Decimal("10.00")
