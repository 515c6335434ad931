"""The KuF page's HTML table, the KuF workbook (read back) and the comparison of two states show the same
figures, column by column of the one column spec (``funding.kuf.columns``), for random concepts.

No database: the rows are computed from random input, as in ``tests/funding/test_kuf.py``.
"""

import dataclasses
import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from funding import kuf
from funding.kuf import columns
from funding.review.table import present_table
from funding.versions import diff
from ihk.reports import selectors, xlsx
from projects.formatting import format_eur
from tests.excel import cents, header_row, open_workbook
from tests.funding.html_tables import body_rows
from tests.funding.test_kuf import YEARS, grant, measure, measure_inputs

CAPTION = "KuF Zufall"


def _random_rows():
    """Random measures with distinct codes; the uid is the code, so that old and new states share some."""
    return st.lists(st.integers(0, 15), min_size=1, max_size=6, unique=True).flatmap(
        lambda ids: st.tuples(
            *(measure_inputs(f"M{i:03d}").map(lambda m: dataclasses.replace(m, uid=m.code)) for i in ids)
        )
    )


def _html(table: kuf.KufTable, unit: str, year_value: str) -> str:
    groups, html = present_table(table, checks={}, comments={}, unit=unit, year_value=year_value)
    body = [f"<table><caption>{CAPTION}</caption><tr>{html.header_cells()}</tr>"]
    for group in groups:
        body.append(group.rows_html)
    body.append(
        f'<tr class="total"><th colspan="{columns.leading_columns()}">Summe</th>{html.totals_html(table.total, table.by_year)}</tr>'
    )
    return "".join(body) + "</table>"


def _workbook_rows(data: bytes) -> tuple[list[str], dict[str, dict[str, object]]]:
    ws = open_workbook(data)["Übersicht"]
    header = header_row(ws)
    names = [cell.value for cell in ws[header]]
    rows = {}
    for row in ws.iter_rows(min_row=header + 1, values_only=True):
        if row[0] and str(row[0]).startswith("M"):
            rows[row[0]] = dict(zip(names, row, strict=False))
    return names, rows


@settings(max_examples=25, deadline=None)
@given(
    _random_rows(),
    _random_rows(),
    st.sampled_from([columns.EUR, columns.TEUR]),
    st.sampled_from(list(columns.YEAR_VALUES)),
)
def test_html_workbook_and_comparison_show_the_same_figures(old_measures, new_measures, unit, year_value):
    rows = [kuf.compute_row(measure) for measure in new_measures]
    table = kuf.build_table(rows, years=YEARS)
    by_code = {row.measure.code: row for row in rows}

    # The page: one header per column of the spec (years expanded), each row's cells by the spec.
    html_rows = body_rows(_html(table, unit, year_value), CAPTION)
    headers = [column.header for column in columns.COLUMNS if column.kind != columns.YEARS]
    year_at = next(i for i, column in enumerate(columns.COLUMNS) if column.kind == columns.YEARS)
    expected_header = [*headers[:year_at], *(str(year) for year in table.years), *headers[year_at:]]
    assert html_rows[0] == expected_header
    shown = {cells[0]: dict(zip(expected_header, cells, strict=True)) for cells in html_rows[1:-1]}
    assert set(shown) == set(by_code)

    # The workbook: the same columns under their long labels, the values as numbers.
    report = selectors.kuf_report(
        concept_title="Zufall",
        concept_slug="zufall",
        municipalities=["Hallenbeck"],
        rows=rows,
        checks={},
        years=YEARS,
        version="Test",
        date=datetime.date(2026, 12, 4),
        year_value=year_value,
        unit=unit,
    )
    names, workbook = _workbook_rows(xlsx.kuf_xlsx(report))
    assert names[: len(columns.COLUMNS) - 1 + len(table.years)] == [
        *(str(c.label) for c in columns.COLUMNS[:year_at]),
        *(str(year) for year in table.years),
        *(str(c.label) for c in columns.COLUMNS[year_at + 1 :]),
    ]
    assert set(workbook) == set(by_code)

    # The comparison of a random old state with these rows.
    old_rows = [kuf.compute_row(measure) for measure in old_measures]
    result = diff.kuf_diff(old=old_rows, new=rows, years=YEARS)
    compared = {item.row.measure.code: item for item in result.measures if item.new is not None}

    for code, row in by_code.items():
        for column in columns.MONEY_COLUMNS:
            value = getattr(row.total, column.amount)
            assert shown[code][column.header] == format_eur(value, unit), (code, column.key)
            assert cents(workbook[code][str(column.label)] or 0) == value, (code, column.key)
            if column.compared:
                assert getattr(compared[code].total, column.amount).new == value, (code, column.key)
        for year in table.years:
            value = getattr(row.by_year[year], year_value) if year in row.by_year else None
            assert shown[code][str(year)] == format_eur(value, unit), (code, year)
            assert (cents(workbook[code][str(year)]) if value is not None else None) == value, (code, year)
            if year in row.by_year and year_value in diff.MONEY_FIELDS:
                assert getattr(compared[code].years[year], year_value).new == value
        for column in columns.COMPARED_PROFILE:
            if column.kind == columns.TEXT:
                assert shown[code][column.header] == " ".join(column.row_text(row).split())
                assert (workbook[code][str(column.label)] or "") == column.row_text(row)

    # The totals: the page's total row and the comparison's grand total.
    total = dict(zip(expected_header[columns.leading_columns() - 1 :], html_rows[-1], strict=False))
    for column in columns.MONEY_COLUMNS:
        assert total[column.header] == format_eur(getattr(table.total, column.amount), unit)
        if column.compared:
            assert getattr(result.total, column.amount).new == getattr(table.total, column.amount)


def test_t_euro_workbook_shows_thousands_and_says_rounding_differences_are_possible():
    row = kuf.compute_row(
        measure("M001", [kuf.CostInput(9, 2025, Decimal("123456.78"))], [grant("LZ", "62.25", [2025])])
    )
    report = selectors.kuf_report(
        concept_title="T€",
        concept_slug="teur",
        municipalities=["Hallenbeck"],
        rows=[row],
        checks={},
        years=YEARS,
        version="Test",
        date=datetime.date(2026, 12, 4),
        unit=columns.TEUR,
    )
    ws = open_workbook(xlsx.kuf_xlsx(report))["Übersicht"]
    header = header_row(ws)
    names = {cell.value: cell.column for cell in ws[header]}
    gross = ws.cell(row=header + 2, column=names["Gesamtkosten"])
    assert cents(gross.value) == Decimal("123456.78")  # the value stays in euros …
    assert gross.number_format == '#,##0.0, "T€"'  # … shown in thousands
    notes = [ws.cell(row=r, column=2).value for r in range(2, header)]
    assert columns.unit_note(columns.TEUR) in notes
    assert ws.cell(row=header + 2, column=names["Fördersatz"]).number_format == "0.00 %"
