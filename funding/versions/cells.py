"""How a frozen version stores the money of a year cell (``KufVersionRow.by_year``): every money column
of the KuF (``funding.kuf.columns.AMOUNTS``) as plain decimal text, the grants by programme and the
eligible cost each programme covers. Writing and reading share this one module.

Versions frozen before a column existed lack its key: it reads as zero. Before gap and over-financing
were kept apart, an over-financed cell stored a negative gap: it reads as over-financing. Before the
programmes' eligible cost was stored (``bases``), a cell has none: grouped by programme, such a row
then stands whole under its programme with the largest grant (``kuf.programme_parts``).
"""

from decimal import Decimal

from funding import kuf
from funding.kuf.columns import AMOUNTS

ZERO_TEXT = "0.00"


def _text(value: Decimal) -> str:
    """A Decimal as plain text ("1234.50"), never in exponent notation."""
    return format(value, "f")


def cell_json(cell: kuf.Amounts) -> dict:
    data: dict = {name: _text(getattr(cell, name)) for name in AMOUNTS}
    data["grants"] = {code: _text(value) for code, value in cell.grants_by_programme.items()}
    data["bases"] = {code: _text(value) for code, value in cell.bases_by_programme.items()}
    return data


def cell_from_json(data: dict) -> kuf.Amounts:
    cell = kuf.Amounts(
        **{name: Decimal(data.get(name, ZERO_TEXT)) for name in AMOUNTS},
        grants_by_programme={code: Decimal(value) for code, value in data.get("grants", {}).items()},
        bases_by_programme={code: Decimal(value) for code, value in data.get("bases", {}).items()},
    )
    if cell.gap < 0:
        cell.gap, cell.over = kuf.ZERO, -cell.gap
    return cell
