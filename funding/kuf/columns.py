"""The columns of the KuF: one declaration that every table, file and comparison of the KuF reads.

Each ``KufColumn`` says what it shows (``value``: raw and language-independent, read from a
``KufRow``), how it reads as text (``text``, or ``value_text`` where the text depends on the value
alone), its German header (``label``, and ``short`` where the KuF page needs a narrow one), its kind
(text, money, percent, integer), its width in a workbook, and whether the comparison of two states
compares it (``compared``). A money column names its ``Amounts`` field (``amount``): the row's value,
the year cells, the subtotals and the totals are all read from that field, and every money column is
summed. ``YEARS`` stands where the year columns go: one per programme year, each showing the money
column the user chooses (any money column).

The HTML KuF table (``funding.review.table``), the KuF workbook (``ihk.reports.xlsx``), the comparison
of versions (``funding.versions.diff``, its page and its workbook), the fingerprint of a row
(``funding.versions.fingerprint``) and the storage of a frozen version's year cells
(``funding.versions``) all read ``COLUMNS``. Adding a column here adds it to every one of them.

No ORM and no request; gettext for the headers and texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from measures.models import Measure
from projects.formatting import format_eur, format_percent

from .arithmetic import KufRow

TEXT = "text"
MONEY = "money"
PERCENT = "percent"
INTEGER = "integer"
YEARS = "years"

EUR = "EUR"
TEUR = "TEUR"
UNITS = {EUR: _("Euro"), TEUR: _("T€")}

EMPTY = "–"


def _joined(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


def rates_text(rates: tuple[Decimal, ...]) -> str:
    """One rate as "60 %", several as the range "60–70 %"."""
    if not rates:
        return ""
    if len(rates) == 1:
        return format_percent(rates[0])
    return f"{format_percent(rates[0])[:-2]}–{format_percent(rates[-1])}"


def programmes_text(row: KufRow) -> str:
    """The row's programmes; with several, each with its grant ("LZ 315.000,00 €, EFRE-KA …"), so
    that the grant of each programme is visible on the row."""
    if len(row.programmes) < 2:
        return _joined(row.programmes)
    grants = row.total.grants_by_programme
    return ", ".join(f"{code} {format_eur(grants.get(code, Decimal(0)))}" for code in row.programmes)


def _status_label(status: str) -> str:
    try:
        return str(Measure.Status(status).label)
    except ValueError:
        return status


@dataclass(frozen=True)
class KufColumn:
    key: str
    label: Promise | str
    kind: str = TEXT
    value: Callable[[KufRow], Any] | None = None  # not for money columns (see ``amount``)
    text: Callable[[KufRow], str] | None = None  # the row's value as text; default: ``str(value)``
    # The text of a raw value, where it depends on the value alone (instead of ``text``): equal values
    # give equal texts, so a table writes each distinct value once.
    value_text: Callable[[Any], str] | None = None
    short: Promise | str | None = None  # the KuF page's header, where ``label`` is too wide
    amount: str = ""  # a money column's ``Amounts`` field
    width: float = 12  # in a workbook
    compared: bool = False  # compared between two states of the KuF

    @property
    def header(self) -> str:
        """The header of the KuF page."""
        return str(self.short or self.label)

    @property
    def is_money(self) -> bool:
        return self.kind == MONEY

    def row_value(self, row: KufRow) -> Any:
        """The row's raw value: a money column's total, or the column's ``value``."""
        if self.amount:
            return getattr(row.total, self.amount)
        assert self.value is not None, self.key
        return self.value(row)

    def row_text(self, row: KufRow) -> str:
        """The row's value as German text (money in euros)."""
        if self.amount:
            return format_eur(getattr(row.total, self.amount))
        if self.text is not None:
            return self.text(row)
        value = self.row_value(row)
        if self.value_text is not None:
            return self.value_text(value)
        if isinstance(value, tuple):
            return _joined(value)
        return str(value)


def _money(
    key: str, label: Promise, *, short: Promise | None = None, width: float = 15, compared: bool = False
):
    return KufColumn(key, label, MONEY, short=short, amount=key, width=width, compared=compared)


COLUMNS: tuple[KufColumn, ...] = (
    KufColumn("code", _("Kürzel"), value=lambda row: row.measure.code, width=11, compared=True),
    KufColumn("title", _("Maßnahme"), value=lambda row: row.measure.title, width=40, compared=True),
    KufColumn(
        "action_field",
        _("Handlungsfeld"),
        short=_("HF"),
        value=lambda row: row.measure.action_field.key,
        width=9,
        compared=True,
    ),
    KufColumn(
        "municipality",
        _("Kommune"),
        value=lambda row: row.measure.municipality.key,
        text=lambda row: row.measure.municipality.title,
        width=16,
        compared=True,
    ),
    KufColumn(
        "quarters", _("Quartiere"), value=lambda row: tuple(row.measure.quarters), width=10, compared=True
    ),
    KufColumn(
        "sections", _("Kostengruppen"), short=_("KG"), value=lambda row: row.sections, width=9, compared=True
    ),
    KufColumn(
        "responsible_body",
        _("Träger"),
        value=lambda row: row.measure.responsible_body,
        width=18,
        compared=True,
    ),
    _money("gross", _("Gesamtkosten"), width=16, compared=True),
    _money("ineligible", _("davon nicht förderfähig"), short=_("nicht förderfähig")),
    _money("eligible", _("Zuwendungsfähige Kosten"), short=_("zuwendungsfähig"), width=16, compared=True),
    KufColumn(
        "programmes",
        _("Programm"),
        value=lambda row: row.programmes,
        text=programmes_text,
        width=14,
        compared=True,
    ),
    KufColumn(
        "rates",
        _("Fördersatz"),
        PERCENT,
        value=lambda row: row.rates,
        value_text=rates_text,
        width=10,
        compared=True,
    ),
    _money("grant", _("Zuwendung"), width=16, compared=True),
    _money("municipal_share", _("Eigenanteil"), compared=True),
    _money("third_party", _("Mittel Dritter"), compared=True),
    _money("gap", _("Finanzierungslücke")),
    _money("over", _("Überfinanzierung")),
    KufColumn("years", _("Jahresscheiben"), YEARS),
    KufColumn(
        "priority",
        _("Priorität"),
        short=_("Prio."),
        value=lambda row: row.measure.priority,
        value_text=lambda priority: f"P{priority}",
        width=8,
        compared=True,
    ),
    KufColumn(
        "period",
        _("Zeitraum"),
        value=lambda row: (row.measure.start_year, row.measure.end_year),
        value_text=lambda years: f"{years[0]}–{years[1]}",
        width=11,
        compared=True,
    ),
    KufColumn(
        "hoai_phase",
        _("Planungsstand (HOAI)"),
        INTEGER,
        short=_("LPH"),
        value=lambda row: row.measure.hoai_phase,
        width=10,
        compared=True,
    ),
    KufColumn(
        "status",
        _("Status"),
        value=lambda row: row.measure.status,
        value_text=_status_label,
        width=14,
        compared=True,
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}
MONEY_COLUMNS = tuple(column for column in COLUMNS if column.is_money)
# The ``Amounts`` fields of the money columns, in column order: what a year cell holds.
AMOUNTS = tuple(column.amount for column in MONEY_COLUMNS)
# The columns two states of the KuF are compared by: profile columns, and money columns per year.
COMPARED_PROFILE = tuple(column for column in COLUMNS if column.compared and not column.is_money)
COMPARED_MONEY = tuple(column for column in MONEY_COLUMNS if column.compared)
# What the year columns can show: any money column.
YEAR_VALUES = {column.amount: column.label for column in MONEY_COLUMNS}
DEFAULT_YEAR_VALUE = "gross"


def year_value_label(amount: str) -> str:
    return str(YEAR_VALUES.get(amount, amount))


def unit_note(unit: str) -> str:
    """What a reader must know about the unit of the amounts: in T€ every cell is rounded on its own,
    so a column's cells may not add up to its rounded total. Empty in euros."""
    if unit != TEUR:
        return ""
    return str(
        _(
            "Beträge in T€, jede Zelle für sich auf 0,1 T€ gerundet: Rundungsdifferenzen möglich; "
            "maßgeblich sind die Beträge in €."
        )
    )


def leading_columns() -> int:
    """How many columns stand before the first money column (where subtotal labels go)."""
    return next(index for index, column in enumerate(COLUMNS) if column.is_money)
