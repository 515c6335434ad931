"""The one place where numbers, money, percentages and dates become German text.

Templates reach these through the ``ihk_format`` template tags; exports and reports call them directly.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}
_FORMATS = {places: f",.{places}f" for places in range(7)}


def format_number(value: Decimal | int | None, places: int = 2) -> str:
    """German number text with thousands dots and a decimal comma, rounded half-up: 1.234,56."""
    if value is None:
        return ""
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    rounded = (value if type(value) is Decimal else Decimal(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # "0,00", never "-0,00"
    # Python groups with "," and separates decimals with "."; German is the other way round. (Called
    # for every amount of every page and file: str.replace is twice as fast as str.translate here.)
    integer, point, decimals = format(rounded, _FORMATS.get(places) or f",.{places}f").partition(".")
    return integer.replace(",", ".") + ("," if point else "") + decimals


def format_eur(value: Decimal | int | None, unit: str = "EUR") -> str:
    """Money as German users write it.

    ``unit="EUR"`` gives ``1.234.567,89 €``; ``"TEUR"`` gives ``1.234,6 T€``; ``"MEUR"`` gives
    ``1,23 Mio. €``. ``None`` gives an empty string (an empty cell, not a zero).

    Only the text is rounded, each value on its own: the arithmetic stays in cents, so in ``T€`` the
    shown cells of a column may differ from the shown total by a few 0,1 T€ (the KuF page says so).
    """
    if value is None:
        return ""
    if type(value) is not Decimal:
        value = Decimal(value)
    if unit == "TEUR":
        return f"{format_number(value / 1000, 1)} T€"
    if unit == "MEUR":
        return f"{format_number(value / 1_000_000, 2)} Mio. €"
    return f"{format_number(value, 2)} €"


def format_percent(value: Decimal | int | None) -> str:
    """A percentage with German decimals, trailing zeros dropped: 60 %, 62,5 %."""
    if value is None:
        return ""
    text = format_number(Decimal(value), 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %"


def format_date(value: datetime.date | None) -> str:
    """TT.MM.JJJJ."""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y")
