from decimal import Decimal

import pytest

from projects.fields import GermanDecimalField
from projects.parsing import parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1.234.567", "1234567"),
        ("1234.56", "1234.56"),
        ("12,5 %", "12.5"),
        ("60 %", "60"),
        ("1.234,56 €", "1234.56"),
        ("-1.000,00", "-1000.00"),
        (" 2\u00a0500,00 ", "2500.00"),
        ("0,125", "0.125"),
    ],
)
def test_german_and_plain_notation(text, expected):
    assert parse_decimal(text) == Decimal(expected)


def test_empty_is_none_and_garbage_is_an_error():
    assert parse_decimal("") is None
    assert parse_decimal("  ") is None
    for bad in ("zwölf", "1,2,3", "1.2.3,4,5", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            parse_decimal(bad)


def test_form_field_reads_german_and_reports_german_errors():
    field = GermanDecimalField(max_digits=14, decimal_places=2)
    assert field.clean("1.234,56") == Decimal("1234.56")
    with pytest.raises(Exception) as error:
        field.clean("viel")
    assert "Zahl" in str(error.value)
    assert field.widget.format_value(Decimal("1234567.5")) == "1.234.567,50"
