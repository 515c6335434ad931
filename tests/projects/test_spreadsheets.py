"""The escaping every spreadsheet file of the app shares (``projects.spreadsheets``)."""

import pytest
from openpyxl import Workbook

from projects.spreadsheets import FORMULA_PREFIXES, is_formula_like, write_text


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_prefix_is_formula_like_and_written_as_quoted_text(prefix):
    cell = Workbook().active["A1"]
    text = f"{prefix}SUMME(A1:A9)"

    write_text(cell, text)

    assert is_formula_like(text)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", ["Marktplatz", "'=1+1", " =1+1", "49 201 12345", ""])
def test_other_text_is_plain_text(text):
    cell = Workbook().active["A1"]

    write_text(cell, text)

    assert not is_formula_like(text)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", False)


def test_control_characters_the_format_cannot_hold_are_dropped():
    cell = Workbook().active["A1"]

    write_text(cell, "Zeile\x00eins\x1f\nzwei\tdrei")

    assert cell.value == "Zeileeins\nzwei\tdrei"
