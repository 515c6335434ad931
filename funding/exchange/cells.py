"""Reading one cell in the kind of its column (``layouts.Column.kind``): a typed value, or ``CellError``
with a German message for the row and column.

German numbers (``1.234,56``, ``12,5 %``) and numbers as a spreadsheet stores them (with a percent
format: the fraction) are understood; money is a ``Decimal`` in cents, a rate a ``Decimal`` between 0
and 100, never a float. Choice columns take the German or English label, the stored value or, for
numbered choices, the leading number.
"""

from __future__ import annotations

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.formatting import format_eur, format_number
from projects.parsing import parse_decimal
from projects.validators import TextLengthValidator

from .layouts import (
    CHOICE,
    CODE,
    CODES,
    INTEGER,
    MONEY,
    PERCENT,
    TEXT,
    UID,
    YEAR,
    Column,
    choice_labels_de,
    choice_map,
    normalize_header,
    numbered_choice,
)
from .tables import NUMBER, Cell, is_formula

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MONEY_LIMIT = Decimal("1000000000000")  # 14 digits, two of them decimals
INTEGER_LIMIT = 2**31 - 1  # the largest whole number every database stores (``PositiveIntegerField``)
PERCENT_SANITY = Decimal(10**6)  # far beyond any rate: refused before any arithmetic on it
FLOAT_TOLERANCE = Decimal("0.000001")  # what a spreadsheet's binary arithmetic may add to a cent value
_NUMBERED_CHOICE = re.compile(r"^(\d+)\b")


class CellError(ValueError):
    pass


# Messages passed around before an error is known: translated only when shown.
NOT_A_YEAR = gettext_lazy("Bitte eine Jahreszahl angeben, z. B. 2026.")
NOT_AN_INTEGER = gettext_lazy("Bitte eine ganze Zahl angeben.")
TOO_MANY_DECIMALS = gettext_lazy("Bitte höchstens zwei Nachkommastellen angeben.")


def _number(cell: Cell) -> tuple[Decimal, bool]:
    """A cell's number and whether it came with a percent format; ``CellError`` if it is no finite
    number (``NaN`` and infinity are none)."""
    if isinstance(cell, list):
        if cell[0] != NUMBER:
            raise CellError
        try:
            value, percent_format = Decimal(cell[1]), bool(cell[2])
        except (InvalidOperation, TypeError, ValueError):
            raise CellError from None
    else:
        try:
            value, percent_format = parse_decimal(cell), False
        except ValueError:
            raise CellError from None
    if value is None or not value.is_finite():
        raise CellError
    return value, percent_format


def _cents(value: Decimal, message) -> Decimal:
    """``value`` rounded to cents; ``CellError(message)`` if that changes more than a float's error.
    Only for values whose size is checked: rounding a huge number overflows the decimal context."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(rounded - value) > FLOAT_TOLERANCE:
        raise CellError(str(message))
    return rounded


def _too_large_amount() -> CellError:
    return CellError(
        _("Der Betrag ist zu groß (höchstens %(max)s).") % {"max": format_eur(MONEY_LIMIT - CENT)}
    )


def parse_money(cell: Cell) -> Decimal:
    """An amount in cents, at least 0 and below ``MONEY_LIMIT``."""
    try:
        value, _pct = _number(cell)
    except CellError:
        raise CellError(_("Bitte einen Betrag angeben, z. B. 1.234,56.")) from None
    if value < 0:
        raise CellError(_("Der Betrag darf nicht negativ sein."))
    if value >= MONEY_LIMIT:  # before rounding: see ``_cents``
        raise _too_large_amount()
    value = _cents(value, TOO_MANY_DECIMALS)
    if value >= MONEY_LIMIT:
        raise _too_large_amount()
    return value


def parse_percent(cell: Cell) -> Decimal:
    """A rate in percent with two decimals, 0 to 100; a cell with a percent format holds the fraction."""
    try:
        value, percent_format = _number(cell)
    except CellError:
        raise CellError(_("Bitte einen Prozentsatz angeben, z. B. 12,5 %.")) from None
    out_of_range = CellError(_("Ein Prozentsatz muss zwischen 0 und 100 liegen (Angabe in Prozent)."))
    if value.copy_abs() > PERCENT_SANITY:  # before any arithmetic: see ``_cents``
        raise out_of_range
    if percent_format:
        value *= HUNDRED
    value = _cents(value, TOO_MANY_DECIMALS)
    if not 0 <= value <= HUNDRED:
        raise out_of_range
    return value


def _integer(cell: Cell, message, too_large) -> int:
    """A whole number below ``INTEGER_LIMIT`` in size (``too_large``: the message beyond)."""
    try:
        value, _pct = _number(cell)
    except CellError:
        raise CellError(str(message)) from None
    if value.copy_abs() > INTEGER_LIMIT:  # before ``int``: a huge exponent would take forever
        raise CellError(str(too_large))
    if value != value.to_integral_value():
        raise CellError(str(message))
    return int(value)


def parse_year(cell: Cell) -> int:
    year_range = _("Bitte ein Jahr zwischen 2000 und 2100 angeben.")
    year = _integer(cell, NOT_A_YEAR, year_range)
    if not 2000 <= year <= 2100:
        raise CellError(year_range)
    return year


def parse_integer(cell: Cell) -> int:
    too_large = _("Die Zahl ist zu groß (höchstens %(max)s).") % {"max": format_number(INTEGER_LIMIT, 0)}
    value = _integer(cell, NOT_AN_INTEGER, too_large)
    if value < 0:
        raise CellError(_("Die Zahl darf nicht negativ sein."))
    return value


def parse_text(cell: Cell, column: Column) -> str:
    if isinstance(cell, list):
        text = cell[1]
        if cell[0] == NUMBER and text.endswith(".0"):  # Excel stores "2025" typed as a number
            text = text[:-2]
    else:
        text = cell or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if column.kind == CODE and "\n" in text:
        raise CellError(_("Ein Kürzel darf keinen Zeilenumbruch enthalten."))
    if column.max_length:
        try:  # the model's rule and message (the editor and the admin say the same)
            TextLengthValidator(column.max_length)(text)
        except ValidationError as error:
            raise CellError(error.messages[0]) from None
    return text


def parse_choice(cell: Cell, column: Column) -> object:
    mapping = choice_map(column.key, translation.get_language() or "")
    text = parse_text(cell, column)
    key = normalize_header(text)
    if key in mapping:
        return mapping[key]
    numbered = _NUMBERED_CHOICE.match(key)
    value = numbered_choice(column.key, numbered.group(1)) if numbered else None
    if value is not None:
        return value
    raise CellError(
        _("Unbekannter Wert „%(value)s“. Erlaubt: %(allowed)s.")
        % {"value": text, "allowed": choice_labels_de(column.key)}
    )


def parse_codes(cell: Cell, column: Column) -> tuple[str, ...]:
    text = parse_text(cell, column)
    return tuple(dict.fromkeys(code.strip() for code in re.split(r"[,;\n]", text) if code.strip()))


def parse_uid(cell: Cell, column: Column) -> str:
    text = parse_text(cell, column)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise CellError(
            _("Die Kennung ist ungültig; lassen Sie die Spalte für neue Maßnahmen leer.")
        ) from None


_PARSERS = {
    MONEY: lambda cell, column: parse_money(cell),
    PERCENT: lambda cell, column: parse_percent(cell),
    YEAR: lambda cell, column: parse_year(cell),
    INTEGER: lambda cell, column: parse_integer(cell),
    CHOICE: parse_choice,
    CODES: parse_codes,
    UID: parse_uid,
}


def parse_cell(column: Column, cell: Cell) -> object:
    """The typed value of a cell (``None`` for an empty one), or ``CellError`` with a German message.
    A formula is refused whatever its result: the import takes values, not a spreadsheet's
    calculation (which a file may also hold stale, or not at all)."""
    if is_formula(cell):
        raise CellError(_("Formeln werden nicht übernommen; bitte den Wert eintragen."))
    empty = cell is None or (isinstance(cell, str) and not cell.strip())
    if empty:
        if not column.blank:
            raise CellError(_("Dieses Feld darf nicht leer sein."))
        return "" if column.kind in (TEXT, CODE) else None
    return _PARSERS.get(column.kind, parse_text)(cell, column)
