"""The arithmetic of the cost and financing overview (Kosten- und Finanzierungsübersicht, KuF).

Pure functions over plain dataclasses of ``Decimal``: no ORM, no request, no settings. The selector in
``funding/kuf/selectors.py`` loads a concept's rows and hands them in; the measure editor, the KuF page, the
exports and the reports all call this one module, so every screen and file shows the same figures.

Rules, per measure and year (DOMAIN.md):

- eligible = gross − ineligible
- a module with a rate gives ``eligible × cost_share % × rate %``, rounded to cents half-up; the rate is
  resolved per year by the caller (the module's own rate, else the municipality's rate for the programme
  and year, else the programme's default rate)
- a module with a fixed amount gives its per-year amounts, or, without them, the amount spread over the
  years pro rata to its basis (eligible × cost share for grants, gross otherwise) by the largest-remainder
  method, so the parts add up to the amount to the cent
- grants are the grant modules, third-party money the third-party modules
- municipal share: the fixed municipal modules if the measure has any; otherwise what is left,
  ``gross − grants − third party``, never below zero
- the difference gross − grants − third party − municipal share, per year: where positive it is the
  financing gap (``gap``: money is missing), where negative the over-financing (``over``: some euro
  would be paid twice). Both are kept per year and summed separately, so a year that is short and
  another that is over never cancel each other out, neither in a row nor in a subtotal.

So ``grant + third_party + municipal_share + gap − over == gross`` holds for every cell, row, subtotal
and total. Every cell is rounded once; totals are sums of rounded cells, so a printed table adds up.

Grouped by programme, a measure financed by several programmes is split into one part per programme
(``programme_parts``): each part carries its programme's grant and the eligible cost that programme
covers (eligible × the modules' cost shares), the rest of the measure's money stays in a part "without
programme". Each programme's subtotal is thereby the grants of that programme, and the parts of a
measure add up to the measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

__all__ = [
    "CENT",
    "GRANT",
    "GROUPINGS",
    "GROUP_BY_ACTION_FIELD",
    "GROUP_BY_MUNICIPALITY",
    "GROUP_BY_PROGRAMME",
    "HUNDRED",
    "MODULE_KINDS",
    "MUNICIPAL",
    "THIRD_PARTY",
    "ZERO",
    "Amounts",
    "CostInput",
    "KufGroup",
    "KufRow",
    "KufTable",
    "Label",
    "MeasureInput",
    "ModuleInput",
    "RowFilter",
    "build_table",
    "compute_row",
    "money",
    "programme_parts",
    "resolve_rate",
    "select_rows",
    "spread",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

GRANT = "grant"
THIRD_PARTY = "third_party"
MUNICIPAL = "municipal"
MODULE_KINDS = (GRANT, THIRD_PARTY, MUNICIPAL)

GROUP_BY_ACTION_FIELD = "action_field"
GROUP_BY_MUNICIPALITY = "municipality"
GROUP_BY_PROGRAMME = "programme"
GROUPINGS = (GROUP_BY_ACTION_FIELD, GROUP_BY_MUNICIPALITY, GROUP_BY_PROGRAMME)


def money(value: Decimal | int | str) -> Decimal:
    """Round to cents, half-up. Refuses floats: a float has already lost the cent."""
    if isinstance(value, float):
        raise TypeError("Geldbeträge dürfen nie float sein.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Label:
    """A group key with its display title and sort order (action field, municipality, programme)."""

    key: str
    title: str
    order: int = 0


@dataclass(frozen=True)
class CostInput:
    section: int
    year: int
    gross: Decimal
    ineligible: Decimal = ZERO


@dataclass(frozen=True)
class ModuleInput:
    """One financing module. Exactly one of: ``rates_by_year`` (a rate module), ``amount`` or
    ``amounts_by_year`` (a fixed module)."""

    kind: str
    programme: str = ""
    label: str = ""
    cost_share: Decimal = HUNDRED
    rates_by_year: Mapping[int, Decimal] = field(default_factory=dict)
    amount: Decimal | None = None
    amounts_by_year: Mapping[int, Decimal] = field(default_factory=dict)
    max_rate: Decimal | None = None
    urban_programme: str = ""  # LZ/SZ/WNE for Städtebauförderung: the quarter programme it belongs to

    @property
    def is_fixed(self) -> bool:
        return self.amount is not None or bool(self.amounts_by_year)


@dataclass(frozen=True)
class MeasureInput:
    id: int | None  # None for a measure of a frozen version that no longer exists
    code: str
    title: str
    action_field: Label
    municipality: Label
    start_year: int
    end_year: int
    quarters: tuple[str, ...] = ()
    quarter_programmes: tuple[str, ...] = ()  # the urban programmes (LZ/SZ/WNE) of those quarters
    uid: str = ""  # the measure's stable id: matches rows across versions
    responsible_body: str = ""
    priority: int = 2
    hoai_phase: int = 0
    status: str = ""
    costs: tuple[CostInput, ...] = ()
    modules: tuple[ModuleInput, ...] = ()


@dataclass
class Amounts:
    """The money columns of one cell, row, subtotal or total."""

    gross: Decimal = ZERO
    ineligible: Decimal = ZERO
    eligible: Decimal = ZERO
    grant: Decimal = ZERO
    third_party: Decimal = ZERO
    municipal_share: Decimal = ZERO
    gap: Decimal = ZERO  # money missing (never negative)
    over: Decimal = ZERO  # over-financing (never negative)
    grants_by_programme: dict[str, Decimal] = field(default_factory=dict)
    # The eligible cost each programme's grant modules cover (eligible × cost share), by the same keys.
    bases_by_programme: dict[str, Decimal] = field(default_factory=dict)

    def add(self, other: Amounts) -> None:
        self.gross += other.gross
        self.ineligible += other.ineligible
        self.eligible += other.eligible
        self.grant += other.grant
        self.third_party += other.third_party
        self.municipal_share += other.municipal_share
        self.gap += other.gap
        self.over += other.over
        for code, value in other.grants_by_programme.items():
            self.grants_by_programme[code] = self.grants_by_programme.get(code, ZERO) + value
        for code, value in other.bases_by_programme.items():
            self.bases_by_programme[code] = self.bases_by_programme.get(code, ZERO) + value

    @classmethod
    def sum(cls, items: Iterable[Amounts]) -> Amounts:
        total = cls()
        for item in items:
            total.add(item)
        return total

    @property
    def rate(self) -> Decimal | None:
        """Effective funding rate (grant / eligible) in percent, for display; None without eligible cost."""
        if not self.eligible:
            return None
        return (self.grant * HUNDRED / self.eligible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class KufRow:
    measure: MeasureInput
    by_year: dict[int, Amounts]
    total: Amounts
    programmes: tuple[str, ...]
    rates: tuple[Decimal, ...]
    sections: tuple[int, ...]
    # Grouped by programme, a row is one part of a measure (``programme_parts``): the programme's key,
    # or "" for the money without programme. None: the whole measure.
    part: str | None = None

    @property
    def primary_programme(self) -> str:
        """The programme with the largest grant (ties: the first code); '' for none."""
        grants = self.total.grants_by_programme
        if not grants:
            return self.programmes[0] if self.programmes else ""
        return min(grants, key=lambda code: (-grants[code], code))


@dataclass
class KufGroup:
    label: Label
    rows: list[KufRow]
    total: Amounts
    by_year: dict[int, Amounts]


@dataclass
class KufTable:
    years: list[int]
    group_by: str
    groups: list[KufGroup]
    total: Amounts
    by_year: dict[int, Amounts]
    by_programme: dict[str, Decimal]
    by_programme_year: dict[str, dict[int, Decimal]]
    by_municipality: dict[str, Amounts]
    by_action_field: dict[str, Amounts]

    @property
    def rows(self) -> list[KufRow]:
        return [row for group in self.groups for row in group.rows]


def spread(total: Decimal, weights: Mapping[int, Decimal], fallback_year: int) -> dict[int, Decimal]:
    """Split ``total`` over years pro rata to ``weights``, to the cent, parts adding up to ``total``.

    Largest remainder: every year gets its share rounded down, then the leftover cents go one by one to
    the years with the largest remainders (earlier year first on ties). Without any positive weight the
    whole amount falls into ``fallback_year``.
    """
    total = money(total)
    positive = {year: weight for year, weight in weights.items() if weight > 0}
    if not positive:
        return {fallback_year: total}
    weight_sum = sum(positive.values())
    raw = {year: total * weight / weight_sum for year, weight in positive.items()}
    parts = {year: value.quantize(CENT, rounding=ROUND_DOWN) for year, value in raw.items()}
    leftover_cents = int((total - sum(parts.values())) / CENT)
    by_remainder = sorted(positive, key=lambda year: (-(raw[year] - parts[year]), year))
    for year in by_remainder[:leftover_cents]:
        parts[year] += CENT
    return parts


def _module_amounts(
    module: ModuleInput,
    *,
    gross: Mapping[int, Decimal],
    eligible: Mapping[int, Decimal],
    fallback_year: int,
) -> dict[int, Decimal]:
    share = module.cost_share / HUNDRED
    if module.amounts_by_year:
        return {year: money(value) for year, value in module.amounts_by_year.items()}
    if module.amount is not None:
        basis = (
            {year: value * share for year, value in eligible.items()} if module.kind == GRANT else dict(gross)
        )
        return spread(module.amount, basis, fallback_year)
    return {
        year: money(value * share * module.rates_by_year.get(year, ZERO) / HUNDRED)
        for year, value in eligible.items()
    }


def compute_row(measure: MeasureInput) -> KufRow:
    """All money columns of one measure, per year and in total."""
    gross: dict[int, Decimal] = {}
    ineligible: dict[int, Decimal] = {}
    for cost in measure.costs:
        gross[cost.year] = gross.get(cost.year, ZERO) + money(cost.gross)
        ineligible[cost.year] = ineligible.get(cost.year, ZERO) + money(cost.ineligible)
    eligible = {year: gross[year] - ineligible[year] for year in gross}
    fallback_year = min(gross) if gross else measure.start_year

    module_amounts = [
        (module, _module_amounts(module, gross=gross, eligible=eligible, fallback_year=fallback_year))
        for module in measure.modules
    ]
    years = set(gross)
    for _module, amounts in module_amounts:
        years.update(amounts)
    has_municipal_module = any(module.kind == MUNICIPAL for module in measure.modules)

    by_year: dict[int, Amounts] = {}
    for year in sorted(years):
        cell = Amounts(
            gross=gross.get(year, ZERO),
            ineligible=ineligible.get(year, ZERO),
            eligible=eligible.get(year, ZERO),
        )
        municipal_fixed = ZERO
        for module, amounts in module_amounts:
            value = amounts.get(year, ZERO)
            if module.kind == GRANT:
                key = module.programme or module.label
                cell.grants_by_programme[key] = cell.grants_by_programme.get(key, ZERO) + value
                basis = money(cell.eligible * module.cost_share / HUNDRED)
                cell.bases_by_programme[key] = cell.bases_by_programme.get(key, ZERO) + basis
                cell.grant += value
            elif module.kind == THIRD_PARTY:
                cell.third_party += value
            else:
                municipal_fixed += value
        residual = cell.gross - cell.grant - cell.third_party
        if has_municipal_module:
            cell.municipal_share = municipal_fixed
        else:
            cell.municipal_share = max(residual, ZERO)
        difference = residual - cell.municipal_share
        cell.gap, cell.over = max(difference, ZERO), max(-difference, ZERO)
        by_year[year] = cell

    rates = sorted(
        {
            module.rates_by_year[year]
            for module in measure.modules
            if module.kind == GRANT and not module.is_fixed
            for year in gross
            if year in module.rates_by_year
        }
    )
    programmes = tuple(dict.fromkeys(m.programme for m in measure.modules if m.kind == GRANT and m.programme))
    return KufRow(
        measure=measure,
        by_year=by_year,
        total=Amounts.sum(by_year.values()),
        programmes=programmes,
        rates=tuple(rates),
        sections=tuple(sorted({cost.section for cost in measure.costs})),
    )


def _part_cell(cell: Amounts, key: str) -> Amounts:
    """The money of one programme in a year cell: its grant, the eligible cost it covers, and the
    municipality's co-financing of that cost."""
    grant = cell.grants_by_programme.get(key, ZERO)
    basis = cell.bases_by_programme.get(key, ZERO)
    return Amounts(
        gross=basis,
        eligible=basis,
        grant=grant,
        municipal_share=basis - grant,
        grants_by_programme={key: grant},
        bases_by_programme={key: basis},
    )


def _rest_cell(cell: Amounts, parts: Sequence[Amounts]) -> Amounts:
    """What a year cell holds beyond its programme parts."""
    taken = Amounts.sum(parts)
    rest_grants = {
        code: value
        for code, value in cell.grants_by_programme.items()
        if code not in taken.grants_by_programme
    }
    return Amounts(
        gross=cell.gross - taken.gross,
        ineligible=cell.ineligible,
        eligible=cell.eligible - taken.eligible,
        grant=cell.grant - taken.grant,
        third_party=cell.third_party,
        municipal_share=cell.municipal_share - taken.municipal_share,
        gap=cell.gap,
        over=cell.over,
        grants_by_programme=rest_grants,
    )


def _has_money(cell: Amounts) -> bool:
    return any(
        (
            cell.gross,
            cell.ineligible,
            cell.eligible,
            cell.grant,
            cell.third_party,
            cell.municipal_share,
            cell.gap,
            cell.over,
        )
    )


def programme_parts(row: KufRow) -> list[KufRow]:
    """The row split by programme (see the module docstring): one part per programme of the row's
    grant modules, in the row's programme order, and a part "" with the rest, if it holds any money.
    The parts' cells add up to the row's cells. A row without programmes is its own part ""."""
    keys = list(dict.fromkeys([*row.programmes, *row.total.grants_by_programme]))
    keys = [
        key for key in keys if key in row.total.grants_by_programme or key in row.total.bases_by_programme
    ]
    if not keys:
        return [_part_row(row, "", row.by_year)]
    if not row.total.bases_by_programme:
        # A row frozen before the programmes' eligible cost was kept: whole, under its main programme.
        return [_part_row(row, row.primary_programme, row.by_year, whole=True)]
    rests: dict[int, Amounts] = {}
    by_key: dict[str, dict[int, Amounts]] = {key: {} for key in keys}
    for year, cell in row.by_year.items():
        cells = [_part_cell(cell, key) for key in keys]
        for key, part in zip(keys, cells, strict=True):
            by_key[key][year] = part
        rests[year] = _rest_cell(cell, cells)
    parts = [_part_row(row, key, by_key[key]) for key in keys]
    if any(_has_money(cell) for cell in rests.values()):
        parts.append(_part_row(row, "", rests))
    return parts


def _part_row(row: KufRow, key: str, by_year: dict[int, Amounts], *, whole: bool = False) -> KufRow:
    if whole:
        return KufRow(row.measure, row.by_year, row.total, row.programmes, row.rates, row.sections, part=key)
    total = Amounts.sum(by_year.values())
    rate = total.rate if key else None
    return KufRow(
        measure=row.measure,
        by_year=by_year,
        total=total,
        programmes=(key,) if key else (),
        rates=(rate,) if rate is not None else (),
        sections=row.sections,
        part=key,
    )


def _group_label(row: KufRow, group_by: str) -> Label:
    if group_by == GROUP_BY_ACTION_FIELD:
        return row.measure.action_field
    if group_by == GROUP_BY_MUNICIPALITY:
        return row.measure.municipality
    code = row.part if row.part is not None else row.primary_programme
    # The money without programme sorts last.
    return Label(key=code, title=code, order=0 if code else 1)


def _sum_by_year(rows: Sequence[KufRow], years: Sequence[int]) -> dict[int, Amounts]:
    """Per year the sum of the rows' cells (in row order), one pass over the rows."""
    sums = {year: Amounts() for year in years}
    for row in rows:
        for year, cell in row.by_year.items():
            sums[year].add(cell)
    return sums


def _sum_groups_by_year(groups: Sequence[KufGroup], years: Sequence[int]) -> dict[int, Amounts]:
    """Per year the sum of the groups' year subtotals: the same as summing every row, with fewer
    additions (Decimal sums are exact, so the order does not matter)."""
    return {year: Amounts.sum(group.by_year[year] for group in groups) for year in years}


def build_table(
    rows: Sequence[KufRow], *, years: Sequence[int], group_by: str = GROUP_BY_ACTION_FIELD
) -> KufTable:
    """Group rows with subtotals, year column totals, totals per programme, municipality and action field.

    ``years`` are the concept's programme years; a row with money in another year widens the table so
    that the year columns always add up to the grand total.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"Unknown grouping: {group_by}")
    all_years = sorted(set(years).union(*(row.by_year.keys() for row in rows)))

    grouped: dict[str, tuple[Label, list[KufRow]]] = {}
    shown = (
        [part for row in rows for part in programme_parts(row)] if group_by == GROUP_BY_PROGRAMME else rows
    )
    for row in shown:
        label = _group_label(row, group_by)
        grouped.setdefault(label.key, (label, []))[1].append(row)
    groups = [
        KufGroup(
            label=label,
            rows=group_rows,
            total=Amounts.sum(row.total for row in group_rows),
            by_year=_sum_by_year(group_rows, all_years),
        )
        for label, group_rows in sorted(grouped.values(), key=lambda item: (item[0].order, item[0].key))
    ]

    by_programme: dict[str, Decimal] = {}
    by_programme_year: dict[str, dict[int, Decimal]] = {}
    by_municipality: dict[str, Amounts] = {}
    by_action_field: dict[str, Amounts] = {}
    for row in rows:
        by_municipality.setdefault(row.measure.municipality.key, Amounts()).add(row.total)
        by_action_field.setdefault(row.measure.action_field.key, Amounts()).add(row.total)
        for year, cell in row.by_year.items():
            for code, value in cell.grants_by_programme.items():
                by_programme[code] = by_programme.get(code, ZERO) + value
                per_year = by_programme_year.setdefault(code, dict.fromkeys(all_years, ZERO))
                per_year[year] += value

    return KufTable(
        years=all_years,
        group_by=group_by,
        groups=groups,
        total=Amounts.sum(group.total for group in groups),
        by_year=_sum_groups_by_year(groups, all_years),
        by_programme=dict(sorted(by_programme.items())),
        by_programme_year=dict(sorted(by_programme_year.items())),
        by_municipality=by_municipality,
        by_action_field=by_action_field,
    )


def resolve_rate(*, explicit: Decimal | None, municipal: Decimal | None, default: Decimal | None) -> Decimal:
    """The rate a grant module uses in one year: its own, else the municipality's, else the default."""
    for candidate in (explicit, municipal, default):
        if candidate is not None:
            return candidate
    return ZERO


@dataclass(frozen=True)
class RowFilter:
    """Which rows and years of a KuF to show. Empty sets mean "all"; ``text`` matches code, title and
    responsible body, case-insensitively. Year bounds keep only those year cells; the row totals become
    the sums of the kept cells, and rows without any kept cell drop out, so filtered totals are the
    totals of what is shown."""

    municipalities: frozenset[str] = frozenset()  # municipality keys
    quarters: frozenset[str] = frozenset()  # quarter codes
    action_fields: frozenset[str] = frozenset()  # action field keys
    programmes: frozenset[str] = frozenset()  # programme codes
    priorities: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()
    hoai_phases: frozenset[int] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""

    @property
    def restricts_years(self) -> bool:
        return self.year_from is not None or self.year_to is not None

    def keeps_year(self, year: int) -> bool:
        return (self.year_from is None or year >= self.year_from) and (
            self.year_to is None or year <= self.year_to
        )

    def matches(self, measure: MeasureInput, programmes: Iterable[str]) -> bool:
        text = self.text.strip().casefold()
        return (
            (not self.municipalities or measure.municipality.key in self.municipalities)
            and (not self.quarters or not self.quarters.isdisjoint(measure.quarters))
            and (not self.action_fields or measure.action_field.key in self.action_fields)
            and (not self.programmes or not self.programmes.isdisjoint(programmes))
            and (not self.priorities or measure.priority in self.priorities)
            and (not self.statuses or measure.status in self.statuses)
            and (not self.hoai_phases or measure.hoai_phase in self.hoai_phases)
            and (
                not text
                or text in measure.code.casefold()
                or text in measure.title.casefold()
                or text in measure.responsible_body.casefold()
            )
        )


def select_rows(rows: Iterable[KufRow], row_filter: RowFilter) -> list[KufRow]:
    """The rows ``row_filter`` keeps, with their year cells cut to its year range (see ``RowFilter``)."""
    selected = []
    for row in rows:
        if not row_filter.matches(row.measure, row.programmes):
            continue
        if not row_filter.restricts_years:
            selected.append(row)
            continue
        by_year = {year: cell for year, cell in row.by_year.items() if row_filter.keeps_year(year)}
        if not by_year:
            continue
        selected.append(
            KufRow(
                measure=row.measure,
                by_year=by_year,
                total=Amounts.sum(by_year.values()),
                programmes=row.programmes,
                rates=row.rates,
                sections=row.sections,
            )
        )
    return selected
