"""The KuF's column spec (``funding.kuf.columns``) for templates that lay out money by hand, such as the
measure editor's totals: ``{% kuf_money_columns as columns %}`` and ``cell|amount:column.amount``."""

from django import template

from funding.kuf import columns

register = template.Library()


@register.simple_tag
def kuf_money_columns() -> tuple[columns.KufColumn, ...]:
    """The KuF's money columns, in order."""
    return columns.MONEY_COLUMNS


@register.filter
def amount(cell, name: str):
    """The ``Amounts`` field ``name`` of a cell, row total or subtotal."""
    return getattr(cell, name)
