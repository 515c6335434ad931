from datetime import date
from decimal import Decimal

from projects.formatting import format_date, format_eur, format_number, format_percent


def test_money_is_german_with_thousands_dots_and_half_up_cents():
    assert format_eur(Decimal("1234567.891")) == "1.234.567,89 €"
    assert format_eur(Decimal("0.125")) == "0,13 €"
    assert format_eur(Decimal("-1234.5")) == "-1.234,50 €"
    assert format_eur(0) == "0,00 €"
    assert format_eur(None) == ""
    assert format_eur(Decimal("1234567.89"), "TEUR") == "1.234,6 T€"
    assert format_eur(Decimal("1234567.89"), "MEUR") == "1,23 Mio. €"


def test_numbers_percent_and_dates():
    assert format_number(Decimal("38000"), 0) == "38.000"
    assert format_number(Decimal("999.995"), 2) == "1.000,00"
    assert format_percent(Decimal("60.00")) == "60 %"
    assert format_percent(Decimal("62.50")) == "62,5 %"
    assert format_date(date(2025, 9, 1)) == "01.09.2025"
