"""Bad input that used to crash the Excel/CSV import or mislead its users: numbers too large, NaN or
infinite; workbooks that are no readable workbook; formulas; texts over the limit; files built to take
minutes to read. Each gives a German message (at sheet, row and column where there is one) and saves
nothing."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from funding.exchange import imports
from funding.models import CostLine, FinancingModule
from measures.models import Measure
from tests import factories as f
from tests.admin_helpers import admin_url
from tests.excel import (
    column_of,
    db_snapshot,
    kuf_concept,
    measure_list_workbook,
    plan_errors,
    plan_for,
    refused_apply,
    workbook_bytes,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

UNREADABLE = "Die Datei ist keine lesbare Excel-Arbeitsmappe."
FORMULA = "Formeln werden nicht übernommen; bitte den Wert eintragen."
NOT_AN_AMOUNT = "Bitte einen Betrag angeben, z. B. 1.234,56."
TOO_LARGE = "Der Betrag ist zu groß (höchstens 999.999.999.999,99 €)."
NOT_A_RATE = "Bitte einen Prozentsatz angeben, z. B. 12,5 %."
RATE_RANGE = "Ein Prozentsatz muss zwischen 0 und 100 liegen (Angabe in Prozent)."


def _refused_and_nothing_saved(concept, plan) -> None:
    before = db_snapshot(concept)
    refused_apply(concept, plan)
    assert db_snapshot(concept) == before


# --- Raw workbooks: the zip parts written directly ---------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def raw_xlsx(sheet_xml: bytes, *, shared: bytes | None = None, sheet: str = "Kostenzeilen") -> bytes:
    """A minimal .xlsx with one worksheet (``sheet_xml`` as it is, well-formed or not) and optionally a
    shared-strings part, written without openpyxl so that any content can be put in."""
    shared_type = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    shared_rel = (
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else ""
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f"{shared_type if shared else ''}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared:
        parts["xl/sharedStrings.xml"] = shared
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


COST_HEADER = (
    '<row r="1">'
    + _text("A1", "Kürzel")
    + _text("B1", "Jahr")
    + _text("C1", "Kostengruppe")
    + _text("D1", "Gesamtkosten")
    + "</row>"
)


def cost_sheet(gross_cell: str, *, dimension: str = "", rows: str = "") -> bytes:
    """The sheet "Kostenzeilen" with a header and one row for M001 in 2025, section 9, whose
    "Gesamtkosten" cell (D2) is ``gross_cell`` (raw XML)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{COST_HEADER}'
        f'<row r="2">{_text("A2", "M001")}<c r="B2"><v>2025</v></c><c r="C2"><v>9</v></c>{gross_cell}</row>'
        f"{rows}</sheetData></worksheet>"
    ).encode()


# --- Numbers too large, NaN, infinite ----------------------------------------------------------------

NUMBER_CASES = [
    # (sheet, header, value written to the cell, expected message)
    ("Kostenzeilen", "Gesamtkosten", 1e26, TOO_LARGE),
    ("Kostenzeilen", "Gesamtkosten", "1e26", TOO_LARGE),
    ("Kostenzeilen", "Gesamtkosten", "1e309", TOO_LARGE),
    ("Kostenzeilen", "Gesamtkosten", "NaN", NOT_AN_AMOUNT),
    ("Kostenzeilen", "Gesamtkosten", "inf", NOT_AN_AMOUNT),
    ("Kostenzeilen", "Gesamtkosten", "-Infinity", NOT_AN_AMOUNT),
    ("Kostenzeilen", "davon nicht förderfähig", "1e309", TOO_LARGE),
    ("Finanzierung", "Satz (%)", 1e26, RATE_RANGE),
    ("Finanzierung", "Satz (%)", "1e309", RATE_RANGE),
    ("Finanzierung", "Satz (%)", "NaN", NOT_A_RATE),
    ("Finanzierung", "Satz (%)", "inf", NOT_A_RATE),
    ("Finanzierung", "Satz (%)", "-Infinity", NOT_A_RATE),
    ("Finanzierung", "Anteil (%)", "1e26", RATE_RANGE),
    ("Finanzierung", "Fester Betrag", 1e26, TOO_LARGE),
    ("Finanzierung", "Betrag 2025", "1e309", TOO_LARGE),
    ("Maßnahmen", "Reihenfolge", "1e309", "Die Zahl ist zu groß (höchstens 2.147.483.647)."),
    ("Maßnahmen", "Kostenstand", "1e309", "Bitte ein Jahr zwischen 2000 und 2100 angeben."),
]


@pytest.mark.parametrize(("sheet", "header", "value", "message"), NUMBER_CASES, ids=str)
def test_numbers_too_large_nan_or_infinite_are_cell_errors(sheet, header, value, message):
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    ws = workbook[sheet]
    ws.cell(row=2, column=column_of(ws, header)).value = value
    data = workbook_bytes(workbook)
    plan = plan_for(concept, data)
    assert (sheet, 2, header, message) in plan_errors(plan)
    _refused_and_nothing_saved(concept, plan)


@pytest.mark.parametrize(
    ("value", "message"),
    [("1e309", TOO_LARGE), ("1E+26", TOO_LARGE), ("NaN", NOT_AN_AMOUNT), ("-Infinity", NOT_AN_AMOUNT)],
)
def test_numbers_too_large_nan_or_infinite_in_a_csv(value, message):
    concept, _programmes = kuf_concept(1)
    data = f"Kürzel;Jahr;Kostengruppe;Gesamtkosten\r\nM001;2025;9;{value}\r\n".encode()
    plan = plan_for(concept, data, name="Kostenzeilen.csv")
    assert plan_errors(plan) == [("Kostenzeilen", 2, "Gesamtkosten", message)]
    _refused_and_nothing_saved(concept, plan)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('<c r="D2"><v>1e26</v></c>', TOO_LARGE),
        ('<c r="D2"><v>1e309</v></c>', NOT_AN_AMOUNT),  # the reader makes it infinite
        ('<c r="D2"><v>-1e309</v></c>', NOT_AN_AMOUNT),
    ],
)
def test_numeric_cells_too_large_or_infinite(raw, message):
    concept, _programmes = kuf_concept(1)
    data = raw_xlsx(cost_sheet(raw))
    plan = plan_for(concept, data)
    assert ("Kostenzeilen", 2, "Gesamtkosten", message) in plan_errors(plan)
    _refused_and_nothing_saved(concept, plan)


# Cells as the reader keeps them: text, or a number (its text, percent format) as a spreadsheet holds it.
_number_texts = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?[0-9.,]{0,20}([eE][+-]?[0-9]{1,12})?( ?%| ?€)?", fullmatch=True),
    st.sampled_from(
        [
            "NaN",
            "sNaN",
            "inf",
            "-Infinity",
            "1e309",
            "1e999999999",
            "-0",
            "0,005",
            "1e-9999999999",
            "9" * 5000,
        ]
    ),
)
_cells = st.one_of(
    st.none(),
    _number_texts,
    st.tuples(st.floats(allow_nan=True, allow_infinity=True).map(repr) | _number_texts, st.booleans()).map(
        lambda pair: ["n", pair[0], pair[1]]
    ),
)


@settings(max_examples=300, deadline=None)
@given(cell=_cells, kind=st.sampled_from([imports.MONEY, imports.PERCENT, imports.YEAR, imports.INTEGER]))
@example(cell=["n", "1e999999999", False], kind=imports.INTEGER)
@example(cell="1e999999999", kind=imports.YEAR)
@example(cell=["n", "nan", True], kind=imports.PERCENT)
def test_number_parser_gives_a_value_or_a_cell_error_never_a_float(cell, kind):
    """Whatever a cell holds, an amount or rate column gives a finite ``Decimal`` within its limits
    (cents; a rate 0–100), a year or whole number an ``int``, or a ``CellError`` with a message."""
    column = imports.Column("value", "Wert", kind)
    try:
        value = imports.parse_cell(column, cell)
    except imports.CellError as error:
        assert str(error)  # a message for the row and column
        return
    if value is None:
        return
    assert not isinstance(value, float)
    if kind in (imports.MONEY, imports.PERCENT):
        assert isinstance(value, Decimal) and value.is_finite()
        assert value == value.quantize(Decimal("0.01"))
        assert Decimal(0) <= value < (Decimal(101) if kind == imports.PERCENT else Decimal(10**12))
    else:
        assert isinstance(value, int)
        assert 0 <= value < 2**31


# --- Files that are no readable workbook -------------------------------------------------------------


def _zip(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


def _with_sheet(data: bytes, sheet_xml: bytes) -> bytes:
    """``data`` (an .xlsx) with its first worksheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(
                info.filename, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else content
            )
    return out.getvalue()


def _measure_list(truncate: bool) -> bytes:
    concept, _programmes = kuf_concept(1)
    data = workbook_bytes(measure_list_workbook(concept))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return _with_sheet(data, sheet[: len(sheet) // 2] if truncate else b"kein XML, nur Text")


UNREADABLE_FILES = {
    "truncated sheet": lambda: _measure_list(truncate=True),
    "sheet not XML": lambda: _measure_list(truncate=False),
    "numeric cell not a number": lambda: raw_xlsx(cost_sheet('<c r="D2"><v>inf</v></c>')),
    "zip but no workbook": lambda: _zip(notes__readme_txt=b"Hallo", data__values_csv=b"1;2"),
    "zip with a broken workbook part": lambda: _with_workbook_xml(b"<workbook"),
    "random bytes": lambda: bytes(range(256)) * 40,
    "empty": lambda: b"",
}


def _with_workbook_xml(content: bytes) -> bytes:
    data = raw_xlsx(cost_sheet("<c/>"))
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip(
        **{
            n.replace("/", "__"): content if n == "xl/workbook.xml" else source.read(n)
            for n in source.namelist()
        }
    )


@pytest.mark.parametrize("case", list(UNREADABLE_FILES))
def test_an_unreadable_workbook_gives_one_message(case):
    data = UNREADABLE_FILES[case]()
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [UNREADABLE]


@pytest.fixture
def editor(client):
    concept, _programmes = kuf_concept(1)
    client.force_login(f.make_editor(concept))
    return concept


@pytest.mark.parametrize("case", ["truncated sheet", "random bytes", "empty", "numeric cell not a number"])
def test_the_editor_upload_refuses_an_unreadable_workbook(client, editor, case):
    upload = xlsx_upload(UNREADABLE_FILES[case]())
    before = db_snapshot(editor)
    response = client.post(reverse("funding:import_upload", args=[editor.slug]), {"file": upload})
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
    assert db_snapshot(editor) == before


@pytest.mark.parametrize("case", ["sheet not XML", "zip but no workbook", "empty"])
def test_the_admin_upload_refuses_an_unreadable_workbook(client, admin_user, case):
    concept, _programmes = kuf_concept(1)
    client.force_login(admin_user)
    upload = xlsx_upload(UNREADABLE_FILES[case]())
    before = db_snapshot(concept)
    response = client.post(admin_url(Measure, "import"), {"concept": concept.pk, "file": upload})
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
    assert db_snapshot(concept) == before


# --- Formulas ----------------------------------------------------------------------------------------


def test_a_formula_is_named_not_read_as_empty():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    measures, costs = workbook["Maßnahmen"], workbook["Kostenzeilen"]
    measures.cell(row=2, column=column_of(measures, "Titel")).value = '=HYPERLINK("http://x","Titel")'
    costs.cell(row=2, column=column_of(costs, "Gesamtkosten")).value = "=1+2"
    data = workbook_bytes(workbook)
    plan = plan_for(concept, data)
    assert plan_errors(plan) == [
        ("Maßnahmen", 2, "Titel", FORMULA),
        ("Kostenzeilen", 2, "Gesamtkosten", FORMULA),
    ]
    _refused_and_nothing_saved(concept, plan)


def test_a_formula_with_a_stored_result_is_named_too():
    """Excel saves a formula's last result with it; the import still does not take it silently."""
    concept, _programmes = kuf_concept(1)
    plan = plan_for(concept, raw_xlsx(cost_sheet('<c r="D2"><f>1000+2</f><v>1002</v></c>')))
    assert plan_errors(plan) == [("Kostenzeilen", 2, "Gesamtkosten", FORMULA)]


def test_formula_looking_text_is_still_text():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    measures = workbook["Maßnahmen"]
    cell = measures.cell(row=2, column=column_of(measures, "Titel"))
    cell.value = "=kein Formel"
    cell.data_type = "s"
    plan = plan_for(concept, workbook_bytes(workbook))
    assert plan.ok, plan_errors(plan)
    assert plan.count("changed") == 1


# --- Texts over the limit ----------------------------------------------------------------------------


def test_a_text_over_its_limit_is_named_with_the_limit():
    concept, _programmes = kuf_concept(1)
    workbook = measure_list_workbook(concept)
    measures, costs = workbook["Maßnahmen"], workbook["Kostenzeilen"]
    measures.cell(row=2, column=column_of(measures, "Beschreibung")).value = "x" * 20_001
    costs.cell(row=2, column=column_of(costs, "Bemerkung")).value = "x" * 301
    data = workbook_bytes(workbook)
    plan = plan_for(concept, data)
    assert plan_errors(plan) == [
        (
            "Maßnahmen",
            2,
            "Beschreibung",
            "Der Text ist zu lang: 20.001 Zeichen, erlaubt sind höchstens 20.000.",
        ),
        ("Kostenzeilen", 2, "Bemerkung", "Der Text ist zu lang: 301 Zeichen, erlaubt sind höchstens 300."),
    ]
    _refused_and_nothing_saved(concept, plan)


def test_every_text_column_has_the_limit_of_its_model_field():
    """The layout takes each text column's limit from the model field, so the file, the editor and
    the admin refuse the same texts."""
    for layout in imports.LAYOUTS:
        for column in layout.columns:
            if column.kind in (imports.TEXT, imports.CODE):
                assert column.max_length, (layout.sheet, column.header)
    assert (
        imports.MEASURE_LAYOUT.column("description").max_length
        == Measure._meta.get_field("description").max_length
    )


def _model_field(layout, column):
    """The model field a column of ``layout`` holds as it is (None: a look-up, or no field)."""
    model = {imports.MEASURES: Measure, imports.COSTS: CostLine, imports.MODULES: FinancingModule}[
        layout.kind
    ]
    try:
        field = model._meta.get_field(column.key)
    except FieldDoesNotExist:
        return None
    return None if field.is_relation or not field.editable else field


# Values at and beyond the limits the model fields declare (lengths, ranges, digits, choices).
_CANDIDATES = [
    -1,
    Decimal("-0.01"),
    0,
    Decimal("12.345"),
    Decimal("99.99"),
    100,
    Decimal("100.01"),
    1999,
    2000,
    2100,
    2101,
    10**12 - Decimal("0.01"),
    10**12,
    2**31,
    "zzz",
    "",
]


def _cell(value):
    return value if isinstance(value, str) else ["n", str(value), False]


def test_each_column_refuses_what_its_model_field_refuses():
    """The import checks a row's cells on plain values, by a reader made once per column
    (``cells.column_reader``), not by a model instance per row: whatever the model field's own
    validation refuses (too long, out of range, too many digits, no choice), the reader refuses too,
    with the import's message."""
    checked = 0
    for layout in imports.LAYOUTS:
        for column in layout.columns:
            field = _model_field(layout, column)
            if field is None or column.kind in (imports.UID, imports.INFO):
                continue
            candidates = [*_CANDIDATES, "x" * ((column.max_length or 10) + 1)]
            for value in candidates:
                if value == "" and field.has_default():
                    continue  # an empty cell stands for the default, as in the editor
                empty = value == "" and column.kind not in (imports.TEXT, imports.CODE)
                try:
                    field.clean(None if empty else value, None)
                except ValidationError:
                    with pytest.raises(imports.CellError):
                        imports.parse_cell(column, _cell(value))
                    checked += 1
    assert checked > 100


# --- Files built to take long ------------------------------------------------------------------------


def test_a_million_shared_strings_are_refused_before_reading():
    shared = (
        f'<sst xmlns="{_MAIN}"><si><t>M001</t></si>'.encode() + b"<si><t>x</t></si>" * 1_000_000 + b"</sst>"
    )
    data = raw_xlsx(cost_sheet('<c r="D2"><v>100</v></c>'), shared=shared)
    assert len(data) < imports.MAX_UPLOAD_BYTES
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Die Datei enthält mehr als 500.000 Texte; bitte teilen Sie sie auf."
    ]


def test_a_sheet_declaring_too_many_rows_is_refused_before_reading():
    data = raw_xlsx(cost_sheet('<c r="D2"><v>100</v></c>', dimension="A1:D2000000"))
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Das Blatt „Kostenzeilen“ hat mehr als 50.000 Zeilen; bitte teilen Sie es auf."
    ]


def test_a_sheet_with_a_row_far_below_is_refused_while_reading():
    far = f'<row r="1048576">{_text("A1048576", "M001")}</row>'
    data = raw_xlsx(cost_sheet('<c r="D2"><v>100</v></c>', rows=far))
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Das Blatt „Kostenzeilen“ hat mehr als 50.000 Zeilen; bitte teilen Sie es auf."
    ]


def test_a_sheet_with_too_many_cells_is_refused_while_reading():
    wide = "".join(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(3, 60))
    data = raw_xlsx(cost_sheet('<c r="D2"><v>100</v></c>', rows=wide))
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Die Datei hat mehr als 500.000 Zellen; bitte teilen Sie sie auf."
    ]


def test_a_csv_with_too_many_cells_is_refused():
    data = ("Kürzel;Jahr;Kostengruppe;Gesamtkosten\r\n" + ";" * 600_000 + "\r\n").encode()
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Kostenzeilen.csv", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Die Datei hat mehr als 500.000 Zellen; bitte teilen Sie sie auf."
    ]


def test_a_csv_field_longer_than_the_csv_reader_takes_is_refused():
    data = (
        "Kürzel;Jahr;Kostengruppe;Gesamtkosten;Bemerkung\r\nM001;2025;9;1;" + "x" * 200_000 + "\r\n"
    ).encode()
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Kostenzeilen.csv", data=data)
    assert [issue.message for issue in error.value.issues] == ["Die CSV-Datei ist in Zeile 2 nicht lesbar."]


def test_an_archive_that_unpacks_to_too_much_is_refused_before_reading():
    data = raw_xlsx(cost_sheet('<c r="D2"><v>100</v></c>', rows=" " * (61 * 1024 * 1024)))
    assert len(data) < imports.MAX_UPLOAD_BYTES
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(name="Maßnahmen.xlsx", data=data)
    assert [issue.message for issue in error.value.issues] == [
        "Die Excel-Datei ist entpackt größer als 60 MB."
    ]
