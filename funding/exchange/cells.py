"""Reading one cell in the kind of its column (``layouts.Column.kind``): a typed value, or ``CellError``
with a German message for the row and column. ``column_reader`` makes a column's reader once (its
length limit from the model field, its choices and labels, its messages), so a row is checked on plain
values, without a model instance: the kinds hold the model fields' ranges and digits (amounts at least
0, below 10^12, in cents; rates 0 to 100 with two decimals; years 2000 to 2100).

German numbers (``1.234,56``, ``12,5 %``) and numbers as a spreadsheet stores them (with a percent
format: the fraction) are understood; money is a ``Decimal`` in cents, a rate a ``Decimal`` between 0
and 100, never a float. Choice columns take the German or English label, the stored value or, for
numbered choices, the leading number.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
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
    numbered_choices,
)
from .tables import FORMULA, NUMBER, Cell

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


def _integer(cell: Cell, message, too_large: Callable[[], CellError]) -> int:
    """A whole number below ``INTEGER_LIMIT`` in size (``too_large``: the error beyond)."""
    try:
        value, _pct = _number(cell)
    except CellError:
        raise CellError(str(message)) from None
    if value.copy_abs() > INTEGER_LIMIT:  # before ``int``: a huge exponent would take forever
        raise too_large()
    if value != value.to_integral_value():
        raise CellError(str(message))
    return int(value)


def _year_range() -> CellError:
    return CellError(_("Bitte ein Jahr zwischen 2000 und 2100 angeben."))


def parse_year(cell: Cell) -> int:
    if isinstance(cell, list) and cell[0] == NUMBER and len(cell[1]) == 4 and cell[1].isdecimal():  # quick
        year = int(cell[1])
    else:
        year = _integer(cell, NOT_A_YEAR, _year_range)
    if not 2000 <= year <= 2100:
        raise _year_range()
    return year


def _too_large_number() -> CellError:
    return CellError(
        _("Die Zahl ist zu groß (höchstens %(max)s).") % {"max": format_number(INTEGER_LIMIT, 0)}
    )


def parse_integer(cell: Cell) -> int:
    if isinstance(cell, list) and cell[0] == NUMBER and cell[1].isdecimal() and len(cell[1]) < 10:
        return int(cell[1])  # the usual cell: quick (below ``INTEGER_LIMIT``, not negative)
    value = _integer(cell, NOT_AN_INTEGER, _too_large_number)
    if value < 0:
        raise CellError(_("Die Zahl darf nicht negativ sein."))
    return value


def _text(cell: Cell) -> str:
    if isinstance(cell, list):
        text = cell[1]
        if cell[0] == NUMBER and text.endswith(".0"):  # Excel stores "2025" typed as a number
            text = text[:-2]
    else:
        text = cell or ""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _text_reader(column: Column) -> Callable[[Cell], str]:
    """A text cell, checked against the column's kind and length limit (the model field's, with the
    model's message: the editor and the admin say the same)."""
    limit, code = column.max_length, column.kind == CODE

    def read(cell: Cell) -> str:
        text = _text(cell)
        if code and "\n" in text:
            raise CellError(_("Ein Kürzel darf keinen Zeilenumbruch enthalten."))
        if limit and len(text) > limit:
            try:
                TextLengthValidator(limit)(text)
            except ValidationError as error:
                raise CellError(error.messages[0]) from None
        return text

    return read


def _choice_reader(column: Column, language: str) -> Callable[[Cell], object]:
    """A choice cell: its German or English label, stored value or leading number; the map of what
    is understood made once per column and language."""
    mapping = choice_map(column.key, language)
    numbered = numbered_choices(column.key)
    text_of = _text_reader(column)

    def read(cell: Cell) -> object:
        text = text_of(cell)
        key = normalize_header(text)
        if key in mapping:
            return mapping[key]
        number = _NUMBERED_CHOICE.match(key)
        if number and number.group(1) in numbered:
            return numbered[number.group(1)]
        raise CellError(
            _("Unbekannter Wert „%(value)s“. Erlaubt: %(allowed)s.")
            % {"value": text, "allowed": choice_labels_de(column.key)}
        )

    return read


def _codes_reader(column: Column) -> Callable[[Cell], tuple[str, ...]]:
    text_of = _text_reader(column)

    def read(cell: Cell) -> tuple[str, ...]:
        text = text_of(cell)
        return tuple(dict.fromkeys(code.strip() for code in re.split(r"[,;\n]", text) if code.strip()))

    return read


def _uid_reader(column: Column) -> Callable[[Cell], str]:
    text_of = _text_reader(column)

    def read(cell: Cell) -> str:
        try:
            return str(uuid.UUID(text_of(cell)))
        except ValueError:
            raise CellError(
                _("Die Kennung ist ungültig; lassen Sie die Spalte für neue Maßnahmen leer.")
            ) from None

    return read


_NUMBER_PARSERS = {MONEY: parse_money, PERCENT: parse_percent, YEAR: parse_year, INTEGER: parse_integer}


def _kind_reader(column: Column, language: str) -> Callable[[Cell], object]:
    if column.kind in _NUMBER_PARSERS:
        return _NUMBER_PARSERS[column.kind]
    if column.kind == CHOICE:
        return _choice_reader(column, language)
    if column.kind == CODES:
        return _codes_reader(column)
    if column.kind == UID:
        return _uid_reader(column)
    return _text_reader(column)


@functools.lru_cache(maxsize=256)
def column_reader(column: Column, language: str) -> Callable[[Cell], object]:
    """The reader of ``column``'s cells: a cell's typed value (``None`` for an empty one, ``""`` in a
    text column), or ``CellError`` with a German message. Made once per column and language
    (``language``: the active one, which the choice labels depend on), so a row costs no look-up of
    limits, choices or messages. A formula is refused whatever its result: the import takes values,
    not a spreadsheet's calculation (which a file may also hold stale, or not at all)."""
    read = _kind_reader(column, language)
    blank, empty_value = column.blank, "" if column.kind in (TEXT, CODE) else None

    def reader(cell: Cell) -> object:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            if not blank:
                raise CellError(_("Dieses Feld darf nicht leer sein."))
            return empty_value
        if isinstance(cell, list) and cell[0] == FORMULA:
            raise CellError(_("Formeln werden nicht übernommen; bitte den Wert eintragen."))
        return read(cell)

    return reader


def parse_cell(column: Column, cell: Cell) -> object:
    """The typed value of a cell (``None`` for an empty one), or ``CellError`` with a German message
    (see ``column_reader``)."""
    return column_reader(column, translation.get_language() or "")(cell)
