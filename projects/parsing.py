"""Reading numbers the way German users type them: ``1.234,56``, ``1234,56``, ``12,5 %``, ``1234.56``."""

import re
from decimal import Decimal, InvalidOperation

_THOUSANDS_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_decimal(text: str | int | Decimal | None) -> Decimal | None:
    """A ``Decimal`` from German or plain notation; ``None`` for empty input; ``ValueError`` otherwise.

    A comma is the decimal separator and dots are thousands separators (``1.234,56``). Without a comma,
    dots in groups of three are thousands (``1.234.567``), a single other dot is a decimal point
    (``1234.56``, as browsers and spreadsheets send it). ``€``, ``%``, spaces and non-breaking spaces
    are ignored.
    """
    if text is None:
        return None
    if isinstance(text, Decimal | int):
        return Decimal(text)
    cleaned = str(text).strip().replace("€", "").replace("%", "")
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", cleaned)
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS_DOTS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value
