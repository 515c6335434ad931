"""Template filters for numbers, money, percentages and dates: thin wrappers of projects.formatting."""

from django import template

from projects import formatting

register = template.Library()


@register.filter
def eur(value, unit: str = "EUR") -> str:
    """{{ amount|eur }} -> 1.234,56 €; {{ amount|eur:"TEUR" }} -> 1,2 T€."""
    return formatting.format_eur(value, unit)


@register.filter
def percent(value) -> str:
    return formatting.format_percent(value)


@register.filter
def number(value, places: int = 0) -> str:
    return formatting.format_number(value, int(places))


@register.filter
def de_date(value) -> str:
    return formatting.format_date(value)
