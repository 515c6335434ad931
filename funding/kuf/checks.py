"""Plausibility checks on KuF rows, shown on the rows they concern (pure: no ORM, like ``kuf.py``).

- ``gap``: the financing does not cover the cost (money missing) in some year …
- ``over``: … or covers more than the cost (a euro would be paid twice); both per year, so a short
  year and an over-financed one never cancel out (the message names each year and its amount)
- ``rate``: a grant's rate is above the programme's maximum (for fixed amounts: the effective rate)
- ``no_costs``: a measure without any cost
- ``years``: costs outside the concept's programme years or outside the measure's own period
- ``programme``: a Städtebauförderung programme that none of the measure's quarters belongs to
- ``approval``: the grants of a municipality, programme and year exceed the approved amount

The approval check compares the sum over *all* rows of the concept with the notices, so call
``checks_for_rows`` with every row, before filtering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from funding import kuf
from projects.formatting import format_eur, format_percent

GAP = "gap"
OVER = "over"
RATE = "rate"
NO_COSTS = "no_costs"
YEARS = "years"
PROGRAMME = "programme"
APPROVAL = "approval"
KINDS = (GAP, OVER, RATE, NO_COSTS, YEARS, PROGRAMME, APPROVAL)


@dataclass(frozen=True)
class Check:
    kind: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Check:
        return cls(kind=data["kind"], message=data["message"])


def kind_labels() -> dict[str, str]:
    """Short German names of the check kinds, for filters, legends and the checks sheet."""
    return {
        GAP: _("Finanzierungslücke"),
        OVER: _("Überfinanzierung"),
        RATE: _("Satz über Höchstsatz"),
        NO_COSTS: _("Ohne Kosten"),
        YEARS: _("Kosten außerhalb des Zeitraums"),
        PROGRAMME: _("Programm passt nicht zum Quartier"),
        APPROVAL: _("Über Bewilligung"),
    }


def _years_text(years: Iterable[int]) -> str:
    return ", ".join(str(year) for year in sorted(years))


def _by_year(row: kuf.KufRow, amount: str) -> str:
    """The years in which ``amount`` (gap or over) is not zero, with the amount: "2025: 1.000,00 €"."""
    return "; ".join(
        f"{year}: {format_eur(getattr(cell, amount))}"
        for year, cell in sorted(row.by_year.items())
        if getattr(cell, amount)
    )


def _rate_checks(row: kuf.KufRow) -> list[Check]:
    checks = []
    measure = row.measure
    eligible = {year: cell.eligible for year, cell in row.by_year.items()}
    for module in measure.modules:
        if module.kind != kuf.GRANT or module.max_rate is None:
            continue
        name = module.programme or module.label
        if module.is_fixed:
            basis = sum(eligible.values(), kuf.ZERO) * module.cost_share / kuf.HUNDRED
            amount = module.amount if module.amount is not None else sum(module.amounts_by_year.values())
            if basis and amount * kuf.HUNDRED / basis > module.max_rate:
                effective = (amount * kuf.HUNDRED / basis).quantize(Decimal("0.1"))
                checks.append(
                    Check(
                        RATE,
                        _("%(programme)s: Festbetrag entspricht %(rate)s, Höchstsatz %(max)s.")
                        % {
                            "programme": name,
                            "rate": format_percent(effective),
                            "max": format_percent(module.max_rate),
                        },
                    )
                )
            continue
        too_high = sorted({rate for rate in module.rates_by_year.values() if rate > module.max_rate})
        if too_high:
            checks.append(
                Check(
                    RATE,
                    _("%(programme)s: Fördersatz %(rate)s über dem Höchstsatz %(max)s.")
                    % {
                        "programme": name,
                        "rate": format_percent(too_high[-1]),
                        "max": format_percent(module.max_rate),
                    },
                )
            )
    return checks


def row_checks(row: kuf.KufRow, *, concept_years: Sequence[int]) -> list[Check]:
    """The checks of one row that need no other row."""
    measure = row.measure
    checks = []
    if row.total.gap:
        checks.append(
            Check(
                GAP,
                _("Finanzierungslücke von %(amount)s (%(years)s).")
                % {"amount": format_eur(row.total.gap), "years": _by_year(row, "gap")},
            )
        )
    if row.total.over:
        checks.append(
            Check(
                OVER,
                _("Überfinanziert um %(amount)s (%(years)s).")
                % {"amount": format_eur(row.total.over), "years": _by_year(row, "over")},
            )
        )
    checks += _rate_checks(row)
    if not measure.costs:
        checks.append(Check(NO_COSTS, _("Die Maßnahme hat keine Kosten.")))
    cost_years = {cost.year for cost in measure.costs}
    outside_concept = cost_years - set(concept_years)
    if outside_concept:
        checks.append(
            Check(
                YEARS,
                _("Kosten in %(years)s, außerhalb der Programmjahre des Konzepts.")
                % {"years": _years_text(outside_concept)},
            )
        )
    outside_measure = {
        year for year in cost_years - outside_concept if not measure.start_year <= year <= measure.end_year
    }
    if outside_measure:
        checks.append(
            Check(
                YEARS,
                _("Kosten in %(years)s, außerhalb des Zeitraums der Maßnahme (%(start)s–%(end)s).")
                % {
                    "years": _years_text(outside_measure),
                    "start": measure.start_year,
                    "end": measure.end_year,
                },
            )
        )
    for module in measure.modules:
        if (
            module.kind == kuf.GRANT
            and module.urban_programme
            and measure.quarters
            and module.urban_programme not in measure.quarter_programmes
        ):
            checks.append(
                Check(
                    PROGRAMME,
                    _("%(programme)s passt zu keinem der Quartiere (%(quarters)s).")
                    % {"programme": module.programme, "quarters": ", ".join(measure.quarters)},
                )
            )
    return checks


def checks_for_rows(
    rows: Sequence[kuf.KufRow],
    *,
    concept_years: Sequence[int],
    approvals: Mapping[tuple[str, str, int], Decimal],
) -> dict[str, list[Check]]:
    """Every row's checks, by the measure's uid.

    ``approvals`` maps (municipality key, programme code, year) to the approved amount (the sum of the
    approval notices). Where the grants of all rows for such a key exceed it, each row contributing to
    that key gets an ``approval`` check.
    """
    result = {row.measure.uid: row_checks(row, concept_years=concept_years) for row in rows}
    granted: dict[tuple[str, str, int], Decimal] = {}
    contributors: dict[tuple[str, str, int], list[kuf.KufRow]] = {}
    for row in rows:
        for year, cell in row.by_year.items():
            for programme, value in cell.grants_by_programme.items():
                key = (row.measure.municipality.key, programme, year)
                if key in approvals and value:
                    granted[key] = granted.get(key, kuf.ZERO) + value
                    contributors.setdefault(key, []).append(row)
    for key, total in sorted(granted.items()):
        if total <= approvals[key]:
            continue
        municipality, programme, year = key
        check = Check(
            APPROVAL,
            _(
                "%(municipality)s, %(programme)s %(year)s: Zuwendungen von %(total)s übersteigen die "
                "Bewilligung von %(approved)s."
            )
            % {
                "municipality": municipality,
                "programme": programme,
                "year": year,
                "total": format_eur(total),
                "approved": format_eur(approvals[key]),
            },
        )
        for row in contributors[key]:
            result[row.measure.uid].append(check)
    return result
