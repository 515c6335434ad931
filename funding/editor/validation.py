"""The rules of a cost line and of a financing module, one function each, with German messages.

The measure editor's forms (``forms.CostLineForm``, ``forms.FinancingModuleForm``), the service's
check across a measure's modules (``services.financing_errors``) and the Excel import
(``funding.exchange``) all call these, so a row is judged the same wherever it comes from; the import
reports the message at the sheet, row and column. Each rule returns its message, or ``None`` when the
row keeps it. ``module_errors`` runs every rule of one module and names the field of each message.

Plain values in, no ORM, no request: a module's ``programme`` is a ``FundingProgramme`` (or ``None``),
``years`` the per-year amounts given (year → amount).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from funding.models import FinancingModule, FundingProgramme
from projects.formatting import format_eur, format_percent

HUNDRED = Decimal(100)
GRANT = FinancingModule.Kind.GRANT


# --- Cost lines --------------------------------------------------------------------------------------


def ineligible_error(
    *, gross: Decimal | None, ineligible: Decimal | None, stored: bool = False
) -> str | None:
    """The ineligible part lies within the gross cost. ``stored``: the ineligible part is the stored
    one, not given with the row; the message names it."""
    if gross is None or ineligible is None or ineligible <= gross:
        return None
    if stored:
        return _("Der nicht förderfähige Anteil (%(amount)s) darf die Gesamtkosten nicht übersteigen.") % {
            "amount": format_eur(ineligible)
        }
    return _("Der nicht förderfähige Anteil darf die Gesamtkosten nicht übersteigen.")


# --- Financing modules -----------------------------------------------------------------------------


def programme_error(*, kind: str | None, has_programme: bool) -> str | None:
    """A grant names its programme; only a grant has one."""
    if kind == GRANT and not has_programme:
        return _("Eine Zuwendung braucht ein Förderprogramm.")
    if kind and kind != GRANT and has_programme:
        return _("Nur Zuwendungen haben ein Förderprogramm.")
    return None


def rate_or_amounts_error(
    *, rate: Decimal | None, amount: Decimal | None, years: dict[int, Decimal]
) -> str | None:
    """A module has a rate or fixed amounts, not both."""
    if rate is not None and (amount is not None or years):
        return _("Bitte entweder einen Satz oder feste Beträge angeben, nicht beides.")
    return None


def years_sum_error(*, amount: Decimal | None, years: dict[int, Decimal]) -> str | None:
    """A fixed amount together with per-year amounts must agree with their sum (the KuF computes the
    same either way), so a module from a file or the demo data can be saved in the editor too."""
    if amount is None or not years or sum(years.values()) == amount:
        return None
    return _(
        "Die Jahresscheiben ergeben zusammen %(sum)s, der feste Betrag ist %(amount)s. "
        "Bitte entweder einen Gesamtbetrag oder Jahresscheiben angeben."
    ) % {"sum": format_eur(sum(years.values())), "amount": format_eur(amount)}


def amount_needed_error(
    *, kind: str | None, rate: Decimal | None, amount: Decimal | None, years: dict[int, Decimal]
) -> str | None:
    """Third-party money and municipal funds need a rate, an amount or per-year amounts (a grant
    without a rate takes the municipality's or the programme's rate)."""
    if kind and kind != GRANT and rate is None and amount is None and not years:
        return _("Bitte einen Satz, einen Betrag oder Jahresscheiben angeben.")
    return None


def rate_maximum_error(
    *, programme: FundingProgramme | None, rate: Decimal | None, named: bool = False
) -> str | None:
    """A rate lies within the programme's maximum rate. ``named``: the message names the programme
    (for a message about all modules of a measure)."""
    if programme is None or rate is None or rate <= programme.max_rate:
        return None
    if named:
        return _("Der Satz für %(programme)s übersteigt den Höchstfördersatz von %(max)s.") % {
            "programme": programme.code,
            "max": format_percent(programme.max_rate),
        }
    return _("Der Satz übersteigt den Höchstfördersatz des Programms (%(max)s).") % {
        "max": format_percent(programme.max_rate)
    }


def module_errors(
    *,
    kind: str | None,
    programme: FundingProgramme | None,
    rate: Decimal | None,
    amount: Decimal | None,
    years: dict[int, Decimal],
    has_programme: bool | None = None,
) -> list[tuple[str, str]]:
    """Every rule of one module: ``(field, message)`` for each broken one, the field being
    ``"programme"``, ``"rate"`` or ``"amount"``. ``has_programme``: whether a programme was named at
    all (an import may name an unknown one); by default, whether ``programme`` is given."""
    named = programme is not None if has_programme is None else has_programme
    checks = (
        ("programme", programme_error(kind=kind, has_programme=named)),
        ("rate", rate_or_amounts_error(rate=rate, amount=amount, years=years)),
        ("amount", years_sum_error(amount=amount, years=years)),
        ("amount", amount_needed_error(kind=kind, rate=rate, amount=amount, years=years)),
        ("rate", rate_maximum_error(programme=programme, rate=rate)),
    )
    return [(name, message) for name, message in checks if message]


def shares_error(*, modules: Iterable) -> str | None:
    """The shares of the eligible cost that the modules with a rate cover add up to at most 100 %, so
    no euro is funded twice. ``modules``: objects with ``cost_share``, ``amount`` and ``years``."""
    share = sum((m.cost_share for m in modules if m.amount is None and not m.years), Decimal(0))
    if share <= HUNDRED:
        return None
    return _(
        "Die Anteile der Finanzierungsbausteine mit Satz ergeben zusammen %(share)s %% der förderfähigen "
        "Kosten; mehr als 100 %% hieße, dass ein Euro doppelt gefördert wird."
    ) % {"share": f"{share:.2f}".rstrip("0").rstrip(".").replace(".", ",")}
