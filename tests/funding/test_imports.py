"""The Excel/CSV import: round trip with the export, every kind of bad input (a message at the cell,
nothing applied), German numbers, text that looks like a formula, history, and a fixed number of
queries however many rows."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from funding.editor.selectors import measure_history
from funding.exchange import imports, reading
from funding.models import CostLine, FinancingModule, FinancingYear, FundingProgramme
from ihk.reports import selectors, xlsx
from measures.models import Measure
from projects import spreadsheets
from projects.formatting import format_number, format_percent
from projects.models import Concept
from tests import factories as f
from tests.excel import (
    column_of,
    db_snapshot,
    kuf_concept,
    measure_list_workbook,
    open_workbook,
    plan_errors,
    plan_for,
    refused_apply,
    with_formula_texts,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------------------


def apply(concept, data: bytes, user=None, name: str = "Maßnahmen.xlsx") -> imports.ImportPlan:
    """Preview ``data`` and confirm it: the preview's plan, applied."""
    parsed = imports.read_upload(name=name, data=data)
    plan = imports.import_plan(concept=concept, parsed=parsed)
    assert plan.ok, plan_errors(plan)
    imports.import_apply(concept=concept, plan=plan.stored(), digest=plan.digest, user=user)
    return plan


def set_cell(ws, row: int, header: str, value) -> None:
    ws.cell(row=row, column=column_of(ws, header)).value = value


def row_of(ws, code: str, start: int = 2) -> int:
    return next(r for r in range(start, ws.max_row + 1) if ws.cell(row=r, column=1).value == code)


def german_csv(ws, encoding: str = "utf-8-sig") -> bytes:
    """A sheet as German Excel saves it as CSV: semicolons, 1.234,56 and 12,5 %."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in ws.iter_rows():
        values = []
        for cell in row:
            value = cell.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                if "%" in cell.number_format:
                    value = format_percent(Decimal(repr(value)) * 100)
                elif "€" in cell.number_format:
                    value = format_number(Decimal(repr(value)))
            values.append("" if value is None else value)
        writer.writerow(values)
    return out.getvalue().encode(encoding)


# --- Round trip ------------------------------------------------------------------------------------


def test_exported_workbook_reimports_unchanged():
    concept, _programmes = kuf_concept(4)
    with_formula_texts(concept)
    before = db_snapshot(concept)
    plan = plan_for(concept, workbook_bytes(measure_list_workbook(concept)))
    assert plan.ok, plan_errors(plan)
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 4 + 12 + 12, "deleted": 0, "error": 0}
    assert not plan.has_changes
    # Nothing to apply is fine, a wrong digest is not.
    refused_apply(concept, plan, digest="stale")
    assert db_snapshot(concept) == before


def test_german_csv_reimports_unchanged():
    concept, _programmes = kuf_concept(3)
    with_formula_texts(concept)
    workbook = measure_list_workbook(concept)
    for sheet, encoding in (
        ("Maßnahmen", "utf-8-sig"),
        ("Kostenzeilen", "cp1252"),
        ("Finanzierung", "utf-8-sig"),
    ):
        data = german_csv(workbook[sheet], encoding)
        plan = plan_for(concept, data, name=f"{sheet}.csv")
        assert plan.ok, plan_errors(plan)
        assert {outcome.status for outcome in plan.outcomes} == {"unchanged"}, sheet


def test_formula_looking_text_comes_back_as_text():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    ws = workbook["Maßnahmen"]
    set_cell(ws, 2, "Titel", "=1+1")
    set_cell(ws, 2, "Träger", "@SUMME(A1)")
    ws.cell(row=2, column=column_of(ws, "Titel")).data_type = "s"
    ws.cell(row=2, column=column_of(ws, "Träger")).data_type = "s"
    apply(concept, workbook_bytes(workbook))
    measure = Measure.objects.get(concept=concept, code="M001")
    assert (measure.title, measure.responsible_body) == ("=1+1", "@SUMME(A1)")
    # Exported again, still text, and again unchanged.
    assert plan_for(concept, workbook_bytes(measure_list_workbook(concept))).counts["unchanged"] == 1 + 3 + 3


# --- Applying changes --------------------------------------------------------------------------------


def test_changes_are_previewed_applied_and_recorded_in_the_history():
    concept, programmes = kuf_concept(2)
    user = f.make_user()
    workbook = measure_list_workbook(concept)
    measures, costs, modules = workbook["Maßnahmen"], workbook["Kostenzeilen"], workbook["Finanzierung"]
    set_cell(measures, 2, "Titel", "Marktplatz neu")
    set_cell(measures, 2, "Quartiere", "Q1, Q2")
    measures.append(["M100", "Neuer Park", "HF2", "Rheinwerth", "Q2", "Z2.1", "Stadt Rheinwerth"])
    set_cell(measures, measures.max_row, "Beginn", 2026)
    set_cell(measures, measures.max_row, "Ende", 2027)
    set_cell(costs, 2, "Gesamtkosten", "2.000,50")  # M001 2025 KG 9, typed as German text
    costs.delete_rows(row_of(costs, "M002") + 2)  # M002 2027 KG 11
    costs.append(["M100", None, 2026, 9, 10000, 0, "Planung"])
    costs.append(["M100", None, 2027, "9 Baumaßnahmen", "25.000", None, None])
    modules.append(["M100", None, "Zuwendung", programmes["lz"].code, None, 50, None, None])

    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan.ok, plan_errors(plan)
    by_key = {(o.kind, o.key): o for o in plan.outcomes}
    changed = by_key[("measures", "M001")]
    assert changed.status == "changed"
    assert [(c.column, c.old, c.new) for c in changed.changes] == [
        ("Titel", "Maßnahme 1", "Marktplatz neu"),
        ("Quartiere", "Q1", "Q1, Q2"),
    ]
    assert by_key[("measures", "M100")].status == "new"
    line = by_key[("costs", "M001 · 2025 · KG 9")]
    assert (line.status, [(c.column, c.old, c.new) for c in line.changes]) == (
        "changed",
        [("Gesamtkosten", "1.005,33 €", "2.000,50 €")],
    )
    assert by_key[("costs", "M002 · 2027 · KG 11")].status == "deleted"
    assert by_key[("costs", "M100 · 2027 · KG 9")].status == "new"
    assert by_key[("modules", f"M100 · {programmes['lz'].code}")].status == "new"
    versions_before = dict(Measure.objects.filter(concept=concept).values_list("code", "version"))

    # The preview's plan, stored (as the page keeps it), applied as it is.
    parsed = imports.read_upload(name="Änderungen.xlsx", data=workbook_bytes(workbook))
    stored = imports.StoredPlan.from_json(
        json.loads(json.dumps(imports.import_plan(concept=concept, parsed=parsed).stored().to_json()))
    )
    imports.import_apply(concept=concept, plan=stored, digest=plan.digest, user=user)

    m001 = Measure.objects.get(concept=concept, code="M001")
    assert m001.title == "Marktplatz neu"
    assert sorted(m001.quarters.values_list("code", flat=True)) == ["Q1", "Q2"]
    assert m001.version == versions_before["M001"] + 1
    assert m001.cost_lines.get(year=2025).gross == Decimal("2000.50")
    m002 = Measure.objects.get(concept=concept, code="M002")
    assert m002.version == versions_before["M002"] + 1  # only its money changed, still a new version
    assert not m002.cost_lines.filter(year=2027).exists()
    m100 = Measure.objects.get(concept=concept, code="M100")
    assert (m100.title, m100.start_year, m100.end_year, m100.municipality.name) == (
        "Neuer Park",
        2026,
        2027,
        "Rheinwerth",
    )
    assert list(m100.goals.values_list("code", flat=True)) == ["Z2.1"]
    assert sorted(m100.cost_lines.values_list("year", "gross")) == [
        (2026, Decimal("10000.00")),
        (2027, Decimal("25000.00")),
    ]
    module = m100.financing_modules.get()
    assert (module.programme, module.cost_share, module.rate) == (programmes["lz"], Decimal("50.00"), None)

    # The history shows the import like an edit in the browser, naming the user.
    entries = measure_history(measure=m001)
    latest = [entry for entry in entries if entry.date == entries[0].date]
    assert {entry.user for entry in latest} == {user.username}
    labels = {entry.object_label: entry for entry in latest}
    profile = labels["Steckbrief"]
    assert {(c.label, c.old, c.new) for c in profile.changes} == {
        ("Titel", "Maßnahme 1", "Marktplatz neu"),
        ("Quartiere", "Q1", "Q1, Q2"),
    }
    assert labels["Kostenzeile 2025, KG 9"].changes[0].new == "2.000,50"
    deleted = [e for e in measure_history(measure=m002) if e.kind == "-"]
    assert [e.object_label for e in deleted] == ["Kostenzeile 2027, KG 11"]
    created = measure_history(measure=m100)
    assert {e.kind for e in created} == {"+"} and {e.user for e in created} == {user.username}
    assert CostLine.history.filter(history_change_reason="Import aus Änderungen.xlsx").count() == 4

    # The same file again changes nothing.
    again = plan_for(concept, workbook_bytes(workbook))
    assert not again.has_changes and again.ok


def test_new_measure_with_modules_and_year_amounts():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    workbook["Maßnahmen"].append(["M200", "Fonds", "HF1", "Hallenbeck", None, None, None])
    set_cell(workbook["Maßnahmen"], 3, "Beginn", 2025)
    set_cell(workbook["Maßnahmen"], 3, "Ende", 2026)
    workbook["Kostenzeilen"].append(["M200", None, 2025, 10, 1000, 0, None])
    modules = workbook["Finanzierung"]
    modules.append(["M200", None, "Mittel Dritter", None, "Stiftung", None, None, None])
    set_cell(modules, modules.max_row, "Betrag 2025", 300)
    set_cell(modules, modules.max_row, "Betrag 2026", 200)
    apply(concept, workbook_bytes(workbook))
    module = FinancingModule.objects.get(measure__code="M200", measure__concept=concept)
    assert dict(module.years.values_list("year", "amount")) == {
        2025: Decimal("300.00"),
        2026: Decimal("200.00"),
    }
    assert FinancingYear.history.filter(module_id=module.pk, history_type="+").count() == 2


def test_measure_matched_by_its_id_may_change_its_code():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    set_cell(workbook["Maßnahmen"], 2, "Kürzel", "HF1-M01")
    for sheet in ("Kostenzeilen", "Finanzierung"):
        ws = workbook[sheet]
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=1).value = "HF1-M01"
    plan = apply(concept, workbook_bytes(workbook))
    assert plan.count("changed") == 1 and plan.count("new") == 0
    measure = Measure.objects.get(concept=concept)
    assert measure.code == "HF1-M01" and measure.cost_lines.count() == 3


def test_percent_formats_and_german_numbers():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    ws = workbook["Finanzierung"]
    cell = ws.cell(row=2, column=column_of(ws, "Anteil (%)"))
    cell.value, cell.number_format = 0.125, "0.0%"  # typed "12,5 %" in German Excel
    set_cell(ws, 3, "Anteil (%)", "37,5 %")
    set_cell(ws, 3, "Satz (%)", "62,5")
    set_cell(workbook["Kostenzeilen"], 2, "Gesamtkosten", "1.234.567,89 €")
    set_cell(workbook["Kostenzeilen"], 3, "Gesamtkosten", 0.1 + 0.2)  # a spreadsheet's binary sum
    set_cell(workbook["Kostenzeilen"], 3, "davon nicht förderfähig", 0)
    apply(concept, workbook_bytes(workbook))
    shares = list(
        FinancingModule.objects.filter(measure__concept=concept)
        .order_by("order")
        .values_list("cost_share", "rate")
    )
    assert shares[:2] == [(Decimal("12.50"), None), (Decimal("37.50"), Decimal("62.50"))]
    grosses = list(
        CostLine.objects.filter(measure__concept=concept).order_by("year").values_list("gross", flat=True)
    )
    assert grosses[:2] == [Decimal("1234567.89"), Decimal("0.30")]


# --- Bad input ---------------------------------------------------------------------------------------


def _edit(workbook, sheet: str, row: int, header: str, value) -> None:
    set_cell(workbook[sheet], row, header, value)


BAD_INPUT = [
    ("Maßnahmen", 2, "Handlungsfeld", "HF9", "Unbekanntes Handlungsfeld „HF9“. Vorhanden: HF1, HF2."),
    ("Maßnahmen", 2, "Titel", None, "Dieses Feld darf nicht leer sein."),
    (
        "Maßnahmen",
        2,
        "Kommune",
        "Nirgendwo",
        "Die Kommune „Nirgendwo“ ist an diesem Konzept nicht beteiligt.",
    ),
    ("Maßnahmen", 2, "Quartiere", "Q1, Q9", "Unbekannte Quartiere: Q9."),
    ("Maßnahmen", 2, "Ziele", "Z9", "Unbekanntes Ziel „Z9“."),
    ("Maßnahmen", 2, "Status", "vielleicht", None),
    ("Maßnahmen", 2, "Priorität", "P7", None),
    ("Maßnahmen", 2, "Beginn", "irgendwann", "Bitte eine Jahreszahl angeben, z. B. 2026."),
    ("Maßnahmen", 2, "Ende", 2024, "Das Ende darf nicht vor dem Beginn liegen."),
    (
        "Maßnahmen",
        2,
        "Beginn",
        2019,
        "Beginn 2019 liegt außerhalb der Programmjahre des Konzepts (2024–2030).",
    ),
    ("Maßnahmen", 2, "Ende", 2040, "Ende 2040 liegt außerhalb der Programmjahre des Konzepts (2024–2030)."),
    (
        "Maßnahmen",
        2,
        "Kennung",
        "kein-uuid",
        "Die Kennung ist ungültig; lassen Sie die Spalte für neue Maßnahmen leer.",
    ),
    (
        "Maßnahmen",
        2,
        "Kennung",
        "00000000-0000-4000-8000-000000000000",
        "Zu dieser Kennung gibt es keine Maßnahme in diesem Konzept.",
    ),
    ("Maßnahmen", 3, "Kürzel", "M001", "Das Kürzel „M001“ kommt mehrfach vor (auch in Zeile 2)."),
    ("Maßnahmen", 2, "Reihenfolge", -3, "Die Zahl darf nicht negativ sein."),
    (
        "Kostenzeilen",
        2,
        "Jahr",
        2035,
        "Das Jahr 2035 liegt außerhalb der Programmjahre des Konzepts (2024–2030).",
    ),
    (
        "Kostenzeilen",
        2,
        "Jahr",
        2029,
        "Das Jahr 2029 liegt außerhalb des Zeitraums der Maßnahme (2025–2028).",
    ),
    ("Kostenzeilen", 2, "Gesamtkosten", -100, "Der Betrag darf nicht negativ sein."),
    ("Kostenzeilen", 2, "Gesamtkosten", "-1.234,56", "Der Betrag darf nicht negativ sein."),
    ("Kostenzeilen", 2, "Gesamtkosten", "viel", "Bitte einen Betrag angeben, z. B. 1.234,56."),
    ("Kostenzeilen", 2, "Gesamtkosten", "12,345", "Bitte höchstens zwei Nachkommastellen angeben."),
    ("Kostenzeilen", 2, "Gesamtkosten", None, "Dieses Feld darf nicht leer sein."),
    (
        "Kostenzeilen",
        2,
        "Gesamtkosten",
        10**13,
        "Der Betrag ist zu groß (höchstens 999.999.999.999,99 €).",
    ),
    (
        "Kostenzeilen",
        2,
        "davon nicht förderfähig",
        999999,
        "Der nicht förderfähige Anteil darf die Gesamtkosten nicht übersteigen.",
    ),
    ("Kostenzeilen", 2, "Kostengruppe", 12, None),
    ("Kostenzeilen", 2, "Kürzel", "M999", "Unbekannte Maßnahme „M999“ in diesem Konzept."),
    ("Finanzierung", 2, "Programm", "XYZ", "Unbekanntes Förderprogramm „XYZ“."),
    ("Finanzierung", 2, "Satz (%)", "95 %", "Der Satz übersteigt den Höchstfördersatz des Programms (90 %)."),
    (
        "Finanzierung",
        2,
        "Satz (%)",
        "120 %",
        "Ein Prozentsatz muss zwischen 0 und 100 liegen (Angabe in Prozent).",
    ),
    ("Finanzierung", 2, "Anteil (%)", "80 %", None),  # 80 % + 60 % of the eligible cost
    ("Finanzierung", 4, "Programm", "{lz}", "Nur Zuwendungen haben ein Förderprogramm."),
    (
        "Finanzierung",
        4,
        "Satz (%)",
        "50 %",
        "Bitte entweder einen Satz oder feste Beträge angeben, nicht beides.",
    ),
    (
        "Finanzierung",
        4,
        "Fester Betrag",
        1000,
        "Die Jahresscheiben ergeben zusammen 150,15 €, der feste Betrag ist 1.000,00 €. Bitte entweder einen "
        "Gesamtbetrag oder Jahresscheiben angeben.",
    ),
    ("Finanzierung", 2, "Art", "Spende", None),
    (
        "Finanzierung",
        4,
        "Betrag 2024",
        10,
        "Das Jahr 2024 liegt außerhalb des Zeitraums der Maßnahme (2025–2028).",
    ),
]


@pytest.mark.parametrize(("sheet", "row", "header", "value", "message"), BAD_INPUT, ids=lambda v: str(v))
def test_bad_input_gives_its_message_and_changes_nothing(sheet, row, header, value, message):
    concept, programmes = kuf_concept(2)
    workbook = measure_list_workbook(concept)
    if header == "Satz (%)" and value == "95 %":
        set_cell(workbook[sheet], row, "Anteil (%)", "40 %")
    if isinstance(value, str) and "{lz}" in value:
        value = programmes["lz"].code
    _edit(workbook, sheet, row, header, value)
    data = workbook_bytes(workbook)
    before = db_snapshot(concept)
    plan = plan_for(concept, data)
    assert not plan.ok
    found = [issue for issue in plan.errors if issue.sheet == sheet and issue.row == row]
    assert found, plan_errors(plan)
    if header == "Anteil (%)":
        assert found[0].column == "Anteil (%)"
        assert "doppelt gefördert" in found[0].message
    else:
        assert found[0].column == header
        if message is None:
            assert found[0].message.startswith("Unbekannter Wert")
        else:
            assert found[0].message == message
    refused = refused_apply(concept, plan)
    assert refused.message == "Die Datei enthält Fehler; es wurde nichts übernommen."
    assert db_snapshot(concept) == before


def test_a_new_measure_outside_the_programme_years_is_refused():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    measures = workbook["Maßnahmen"]
    measures.append(["M300", "Zu lang", "HF1", "Hallenbeck"])
    set_cell(measures, 3, "Beginn", 2019)
    set_cell(measures, 3, "Ende", 2040)
    before = db_snapshot(concept)
    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan_errors(plan) == [
        ("Maßnahmen", 3, "Beginn", "Beginn 2019 liegt außerhalb der Programmjahre des Konzepts (2024–2030)."),
        ("Maßnahmen", 3, "Ende", "Ende 2040 liegt außerhalb der Programmjahre des Konzepts (2024–2030)."),
    ]
    assert db_snapshot(concept) == before


def test_a_stored_period_outside_the_programme_years_still_reimports_unchanged():
    """The editor accepts such periods; only a new or changed one is refused by the import."""
    concept, _programmes = kuf_concept(1)
    Measure.objects.filter(concept=concept).update(start_year=2019, end_year=2040)
    plan = plan_for(concept, workbook_bytes(measure_list_workbook(concept)))
    assert plan.ok, plan_errors(plan)
    assert not plan.has_changes


def test_every_bad_cell_of_a_row_is_named():
    concept, _programmes = kuf_concept(2)
    workbook = measure_list_workbook(concept)
    set_cell(workbook["Kostenzeilen"], 2, "Jahr", 2035)
    set_cell(workbook["Kostenzeilen"], 2, "Gesamtkosten", -5)
    set_cell(workbook["Kostenzeilen"], 3, "Kürzel", "M999")
    set_cell(workbook["Kostenzeilen"], 3, "Jahr", 2031)
    measures = workbook["Maßnahmen"]
    set_cell(measures, 2, "Handlungsfeld", "HF9")
    set_cell(measures, 2, "Kommune", "Nirgendwo")
    set_cell(measures, 2, "Ende", 2024)
    set_cell(measures, 3, "Ziele", "Z9")
    set_cell(measures, 3, "Reihenfolge", -1)
    plan = plan_for(concept, workbook_bytes(workbook))
    assert sorted(plan_errors(plan)) == sorted(
        [
            ("Maßnahmen", 2, "Handlungsfeld", "Unbekanntes Handlungsfeld „HF9“. Vorhanden: HF1, HF2."),
            ("Maßnahmen", 2, "Kommune", "Die Kommune „Nirgendwo“ ist an diesem Konzept nicht beteiligt."),
            ("Maßnahmen", 2, "Ende", "Das Ende darf nicht vor dem Beginn liegen."),
            ("Maßnahmen", 3, "Reihenfolge", "Die Zahl darf nicht negativ sein."),
            ("Maßnahmen", 3, "Ziele", "Unbekanntes Ziel „Z9“."),
            ("Kostenzeilen", 2, "Gesamtkosten", "Der Betrag darf nicht negativ sein."),
            (
                "Kostenzeilen",
                2,
                "Jahr",
                "Das Jahr 2035 liegt außerhalb der Programmjahre des Konzepts (2024–2030).",
            ),
            ("Kostenzeilen", 3, "Kürzel", "Unbekannte Maßnahme „M999“ in diesem Konzept."),
            (
                "Kostenzeilen",
                3,
                "Jahr",
                "Das Jahr 2031 liegt außerhalb der Programmjahre des Konzepts (2024–2030).",
            ),
        ]
    )


def test_one_bad_row_stops_every_other_row():
    concept, _programmes = kuf_concept(2)
    workbook = measure_list_workbook(concept)
    set_cell(workbook["Maßnahmen"], 2, "Titel", "Neuer Titel")  # fine
    set_cell(workbook["Kostenzeilen"], 3, "Gesamtkosten", -1)  # wrong
    before = db_snapshot(concept)
    data = workbook_bytes(workbook)
    plan = plan_for(concept, data)
    assert plan.count("changed") == 1 and plan.count("error") == 1
    refused_apply(concept, plan)
    assert db_snapshot(concept) == before


def test_a_changed_database_since_the_preview_is_refused():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    set_cell(workbook["Kostenzeilen"], 2, "Gesamtkosten", 5000)
    data = workbook_bytes(workbook)
    plan = plan_for(concept, data)
    CostLine.objects.filter(measure__concept=concept, year=2025).update(gross=Decimal("4000.00"))
    assert "seit der Vorschau geändert" in refused_apply(concept, plan).message
    assert CostLine.objects.get(measure__concept=concept, year=2025).gross == Decimal("4000.00")


def _stale(concept, change) -> None:
    """Make ``change`` (a name of ``STALE``) to ``concept``'s data, as someone could after a preview."""
    m001 = Measure.objects.get(concept=concept, code="M001")
    lines = CostLine.objects.filter(measure=m001)
    if change == "measure saved":
        Measure.objects.filter(pk=m001.pk).update(version=F("version") + 1)
    elif change == "line deleted":
        lines.filter(year=2027).delete()
    elif change == "line added":
        f.make_cost_line(m001, year=2028, section=9, gross="10.00", ineligible="0", note="")
    elif change == "module changed":
        FinancingModule.objects.filter(measure=m001, kind="third_party").update(source="Stadtwerke")
    elif change == "quarter removed":
        m001.quarters.clear()
    elif change == "maximum rate lowered":
        FundingProgramme.objects.filter(default_rate__lte=65).update(max_rate=Decimal("65.00"))
    elif change == "action field renamed":
        concept.action_fields.filter(code="HF1").update(code="HF9")
    elif change == "programme years":
        Concept.objects.filter(pk=concept.pk).update(year_to=2029)


STALE = [
    "measure saved",
    "line deleted",
    "line added",
    "module changed",
    "quarter removed",
    "maximum rate lowered",
    "action field renamed",
    "programme years",
]


@pytest.mark.parametrize("change", STALE)
def test_the_kept_plan_is_refused_when_what_it_was_made_from_changed(change):
    """Confirming applies the preview's plan without planning again, so it checks first that the
    measures the file names (their fields, quarters and goals, cost lines, modules, per-year amounts)
    and the concept's structure, programmes and programme years are as the plan found them."""
    concept, _programmes = kuf_concept(2)
    workbook = measure_list_workbook(concept)
    set_cell(workbook["Kostenzeilen"], 2, "Gesamtkosten", 5000)
    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan.ok and plan.has_changes
    _stale(concept, change)
    before = db_snapshot(concept)
    concept = Concept.objects.get(pk=concept.pk)  # as the confirmation's request loads it

    assert "seit der Vorschau geändert" in refused_apply(concept, plan).message
    assert db_snapshot(concept) == before


def test_a_change_to_a_measure_the_file_does_not_name_does_not_stop_it():
    concept, _programmes = kuf_concept(2)
    workbook = measure_list_workbook(concept)
    del workbook["Maßnahmen"]
    del workbook["Finanzierung"]
    costs = workbook["Kostenzeilen"]
    costs.delete_rows(row_of(costs, "M002"), 3)  # the file names M001 only
    set_cell(costs, 2, "Gesamtkosten", 5000)
    plan = plan_for(concept, workbook_bytes(workbook))
    m002 = Measure.objects.get(concept=concept, code="M002")
    Measure.objects.filter(pk=m002.pk).update(title="Anders", version=F("version") + 1)
    CostLine.objects.filter(measure=m002).update(gross=Decimal("100.00"))

    imports.import_apply(concept=concept, plan=plan.stored(), digest=plan.digest, user=None)

    assert CostLine.objects.get(measure__code="M001", measure__concept=concept, year=2025).gross == 5000


def test_every_written_row_has_its_history_record_as_stored():
    """The history records, written in bulk, hold what a save in the browser would record: the row as
    stored (a deleted row: as it was), the importing user, the file as the reason; a measure's record
    lists its quarters and goals."""
    concept, _programmes = kuf_concept(2)
    user = f.make_user()
    workbook = measure_list_workbook(concept)
    measures, costs, modules = workbook["Maßnahmen"], workbook["Kostenzeilen"], workbook["Finanzierung"]
    set_cell(measures, 2, "Quartiere", "Q1, Q2")
    deleted = CostLine.objects.get(measure__concept=concept, measure__code="M002", year=2027)
    costs.delete_rows(row_of(costs, "M002") + 2)
    set_cell(costs, 2, "Gesamtkosten", "2.000,50")
    costs.append(["M001", None, 2028, 9, 10, 0, "neu"])
    modules.append(["M001", None, "Mittel Dritter", None, "Stiftung Zwei"])
    set_cell(modules, modules.max_row, "Betrag 2026", 100)
    apply(concept, workbook_bytes(workbook), user=user, name="Stand.xlsx")

    for model in (Measure, CostLine, FinancingModule, FinancingYear):
        records = model.history.filter(history_change_reason="Import aus Stand.xlsx")
        assert records.exists(), model
        assert {(r.history_user_id, r.history_type) for r in records} <= {
            (user.pk, "+"),
            (user.pk, "~"),
            (user.pk, "-"),
        }
        tracked = [field.attname for field in model.history.model.tracked_fields]
        for record in records.exclude(history_type="-"):
            row = model.objects.filter(pk=record.id).values(*tracked).get()
            assert {name: getattr(record, name) for name in tracked} == row, (model, record.history_type)
    gone = CostLine.history.get(id=deleted.pk, history_type="-")
    assert (gone.year, gone.section, gone.gross, gone.ineligible) == (
        deleted.year,
        deleted.section,
        deleted.gross,
        deleted.ineligible,
    )
    for measure in Measure.objects.filter(concept=concept):
        record = measure.history.filter(history_change_reason="Import aus Stand.xlsx").get()
        assert record.history_type == "~" and record.version == measure.version
        assert sorted(q.quarter_id for q in record.quarters.all()) == sorted(
            measure.quarters.values_list("pk", flat=True)
        )
        assert sorted(g.goal_id for g in record.goals.all()) == sorted(
            measure.goals.values_list("pk", flat=True)
        )


def test_narrowing_a_period_must_not_strand_stored_costs():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    del workbook["Kostenzeilen"]
    del workbook["Finanzierung"]
    set_cell(workbook["Maßnahmen"], 2, "Ende", 2026)
    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan_errors(plan) == [
        (
            "Maßnahmen",
            2,
            "Ende",
            "Die Maßnahme hat Kosten oder Jahresscheiben in 2027, außerhalb des neuen Zeitraums 2025–2026.",
        )
    ]


def test_a_workbook_of_another_concept_is_refused_by_its_ids():
    concept, _programmes = kuf_concept(1)
    other, _ = kuf_concept(1)
    plan = plan_for(concept, workbook_bytes(measure_list_workbook(other)))
    assert (
        "Maßnahmen",
        2,
        "Kennung",
        "Zu dieser Kennung gibt es keine Maßnahme in diesem Konzept.",
    ) in plan_errors(plan)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("liste.txt", b"x", "Bitte eine .xlsx- oder .csv-Datei hochladen."),
        ("liste.xlsx", b"not a zip", "Die Datei ist keine lesbare Excel-Arbeitsmappe."),
        ("liste.csv", b"Name;Wert\nA;1\n", "Die Kopfzeile passt zu keinem bekannten Aufbau."),
    ],
)
def test_unreadable_files_are_refused(name, data, message):
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name=name, data=data)
    assert error.value.issues[0].message.startswith(message)


def test_wrong_sheet_layout_names_the_missing_columns():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    workbook["Kostenzeilen"].delete_cols(column_of(workbook["Kostenzeilen"], "Jahr"))
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="x.xlsx", data=workbook_bytes(workbook))
    assert [(i.sheet, i.row, i.column, i.message) for i in error.value.issues] == [
        ("Kostenzeilen", 1, "Jahr", "Die Spalte „Jahr“ fehlt in der Kopfzeile des Blatts „Kostenzeilen“.")
    ]


def test_a_kuf_report_is_not_an_import_file():
    concept, _programmes = kuf_concept(1)
    data = xlsx.kuf_xlsx(selectors.kuf_report_for_concept(concept=concept))
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="KuF.xlsx", data=data)
    assert error.value.issues[0].message.startswith(
        "Die Datei enthält kein Blatt „Maßnahmen“, „Kostenzeilen“ oder „Finanzierung“."
    )


def test_duplicate_columns_and_title_rows_above_the_header():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    ws = workbook["Kostenzeilen"]
    ws.insert_rows(1, amount=2)
    ws["A1"] = "Kostenzeilen des Konzepts"
    assert plan_for(concept, workbook_bytes(workbook)).ok  # the header may sit below a title block
    ws.cell(row=3, column=ws.max_column + 1).value = "Jahr"
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="x.xlsx", data=workbook_bytes(workbook))
    assert error.value.issues[0].message == "Die Spalte kommt in der Kopfzeile mehrfach vor."


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    concept, _programmes = kuf_concept(2)
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="x.xlsx", data=workbook_bytes(measure_list_workbook(concept)))
    assert "mehr als 3 Datenzeilen" in error.value.issues[0].message


def test_parsed_file_survives_json():
    concept, _programmes = kuf_concept(1)
    parsed = imports.read_upload(name="x.xlsx", data=workbook_bytes(measure_list_workbook(concept)))
    import json

    again = imports.ParsedFile.from_json(json.loads(json.dumps(parsed.to_json())))
    assert (
        imports.import_plan(concept=concept, parsed=again).digest
        == imports.import_plan(concept=concept, parsed=parsed).digest
    )


# --- Queries ---------------------------------------------------------------------------------------


def _changed_file(concept) -> bytes:
    workbook = measure_list_workbook(concept)
    measures, costs = workbook["Maßnahmen"], workbook["Kostenzeilen"]
    for r in range(2, measures.max_row + 1):
        measures.cell(row=r, column=column_of(measures, "Titel")).value = f"Neu {r}"
    for r in range(2, costs.max_row + 1, 3):
        costs.cell(row=r, column=column_of(costs, "Gesamtkosten")).value = 1234
    costs.append(["M001", None, 2026, 10, 1, 0, None])
    return workbook_bytes(workbook)


def test_query_counts_of_preview_and_apply_do_not_grow(django_assert_num_queries):
    small, _ = kuf_concept(5)
    large, _ = kuf_concept(50)
    counts = []
    for concept in (small, large):
        parsed = imports.read_upload(name="x.xlsx", data=_changed_file(concept))
        # the concept's structure (action fields, municipalities, quarters, goals), programmes,
        # measures, their quarters and goals, cost lines, modules, per-year amounts
        with django_assert_num_queries(7):
            plan = imports.import_plan(concept=concept, parsed=parsed)
        with CaptureQueriesContext(connection) as queries:
            imports.import_apply(concept=concept, plan=plan.stored(), digest=plan.digest, user=None)
        counts.append(len(queries))
    # Applying the stored plan: savepoint, the 7 reads again (its basis; the plan is not made again),
    # then one statement per table and kind of write: savepoint, the changed titles (one UPDATE), the
    # new versions, the measures' history, their quarters' and goals' history (2), the new cost line and
    # its history, the changed cost lines and their history, the concept's data version, release (2).
    # The history is copied in the database (``INSERT … SELECT``), so no record's columns count against
    # SQLite's 999 parameters. A query per row would add at least 45.
    assert counts == [21, 21]


def test_csv_with_a_missing_column_names_it():
    data = "Kürzel;Jahr;Gesamtkosten\r\nM001;2025;1.000,00\r\n".encode()
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="kosten.csv", data=data)
    assert [(i.sheet, i.row, i.column) for i in error.value.issues] == [("Kostenzeilen", 1, "Kostengruppe")]


def test_missing_optional_columns_keep_the_stored_values():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    costs = workbook["Kostenzeilen"]
    costs.delete_cols(column_of(costs, "Bemerkung"))
    costs.delete_cols(column_of(costs, "davon nicht förderfähig"))
    set_cell(costs, 2, "Gesamtkosten", 2000)
    measures = workbook["Maßnahmen"]
    for header in ("Beschreibung", "Status", "Kennung"):
        measures.delete_cols(column_of(measures, header))
    plan = apply(concept, workbook_bytes(workbook))
    assert plan.counts["changed"] == 1
    line = CostLine.objects.get(measure__concept=concept, year=2025)
    assert (line.gross, line.ineligible, line.note) == (Decimal("2000.00"), Decimal("0.33"), "Zeile 2025")
    set_cell(costs, 2, "Gesamtkosten", "0,10")
    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan_errors(plan) == [
        (
            "Kostenzeilen",
            2,
            "Gesamtkosten",
            "Der nicht förderfähige Anteil (0,33 €) darf die Gesamtkosten nicht übersteigen.",
        )
    ]


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(
        st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False),
        min_size=1,
        max_size=5,
    ),
    rate=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
)
def test_amounts_and_rates_survive_the_workbook_to_the_cent(amounts, rate):
    """Whatever cent amount and rate the export writes, the import reads exactly the same Decimal."""
    money = spreadsheets.Column("Gesamtkosten", spreadsheets.EUR)
    percent = spreadsheets.Column(
        "Satz (%)", spreadsheets.PERCENT, number_format=spreadsheets.PERCENT_DATA_FORMAT
    )
    data = spreadsheets.write_workbook(
        [
            spreadsheets.Sheet(
                "Test", [money, percent], [spreadsheets.Block(rows=[[amount, rate] for amount in amounts])]
            )
        ]
    )
    ws = open_workbook(data)["Test"]
    for row, amount in enumerate(amounts, start=2):
        amount_cell = ws.cell(row=row, column=1)
        rate_cell = ws.cell(row=row, column=2)
        money_column = imports.Column("gross", "Gesamtkosten", imports.MONEY)
        percent_column = imports.Column("rate", "Satz (%)", imports.PERCENT)
        assert (
            imports.parse_cell(money_column, reading.xlsx_cell(amount_cell.value, amount_cell.number_format))
            == amount
        )
        assert (
            imports.parse_cell(percent_column, reading.xlsx_cell(rate_cell.value, rate_cell.number_format))
            == rate
        )


def test_module_order_changes_only_when_the_file_reorders():
    concept, _programmes = kuf_concept(1)
    FinancingModule.objects.filter(measure__concept=concept).update(order=0)  # older data: all 0
    workbook = measure_list_workbook(concept)
    assert not plan_for(concept, workbook_bytes(workbook)).has_changes
    modules = workbook["Finanzierung"]
    first = [cell.value for cell in modules[2]]
    second = [cell.value for cell in modules[3]]
    for index, value in enumerate(second, start=1):
        modules.cell(row=2, column=index).value = value
    for index, value in enumerate(first, start=1):
        modules.cell(row=3, column=index).value = value
    plan = plan_for(concept, workbook_bytes(workbook))
    assert [
        (o.row, [(c.column, c.old, c.new) for c in o.changes]) for o in plan.outcomes if o.status == "changed"
    ] == [
        (2, [("Reihenfolge", "0", "1")]),
        (3, [("Reihenfolge", "0", "2")]),
        (4, [("Reihenfolge", "0", "3")]),
    ]
