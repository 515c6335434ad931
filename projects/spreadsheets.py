"""What every spreadsheet file of the app shares, whichever app writes or reads it: the escaping of
text that a spreadsheet program would run as a formula, and the number formats of the cells.

The workbooks of ``ihk/reports/xlsx.py``, the admin's export (``funding.exchange.resources``) and the import
(``funding.exchange.imports``, which drops the CSV escape again) all use these definitions, so a sheet looks the
same and is escaped the same from wherever it comes. No ORM, no request, no openpyxl import: a cell is
anything with openpyxl's ``value``, ``data_type`` and ``quotePrefix``.
"""

from __future__ import annotations

import re
from typing import Any

# Text a spreadsheet program could read as a formula or command (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Control characters the xlsx format cannot hold (openpyxl would refuse the whole file).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Number formats of the cells.
EUR_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0 %"  # reports: one decimal
PERCENT_DATA_FORMAT = "0.00 %"  # data sheets: two decimals, as the database stores rates
INTEGER_FORMAT = "0"
DATE_FORMAT = "DD.MM.YYYY"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula or command."""
    return text.startswith(FORMULA_PREFIXES)


def write_text(cell: Any, text: str) -> None:
    """Put ``text`` in an openpyxl ``cell`` as a string, whatever it looks like: control characters the
    format cannot hold are dropped, and formula-like text gets Excel's apostrophe prefix."""
    text = ILLEGAL_CHARACTERS.sub("", text)
    cell.value = text
    # openpyxl takes a string starting with "=" for a formula; the explicit type keeps it a string.
    cell.data_type = "s"
    if is_formula_like(text):
        # Excel's apostrophe: the text stays text even when someone edits the cell.
        cell.quotePrefix = True
