"""The KuF arithmetic, without a database: hand-computed figures and property tests."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding import kuf
from funding.kuf import Amounts, CostInput, Label, MeasureInput, ModuleInput
from funding.versions import fingerprint

D = Decimal
HF1 = Label("HF1", "Zentren", 1)
HF2 = Label("HF2", "Grün", 2)
HALLENBECK = Label("Hallenbeck", "Hallenbeck")
RHEINWERTH = Label("Rheinwerth", "Rheinwerth")


def measure(
    code="M1",
    costs=(),
    modules=(),
    action_field=HF1,
    municipality=HALLENBECK,
    start=2024,
    **profile,
):
    return MeasureInput(
        id=hash(code) % 10_000,
        code=code,
        title=f"Maßnahme {code}",
        action_field=action_field,
        municipality=municipality,
        start_year=start,
        end_year=2030,
        costs=tuple(costs),
        modules=tuple(modules),
        **profile,
    )


def grant(programme, rate, years, share="100"):
    return ModuleInput(
        kind=kuf.GRANT, programme=programme, cost_share=D(share), rates_by_year=dict.fromkeys(years, D(rate))
    )


def test_park_financed_by_two_programmes_hand_computed():
    # Nordpark: EFRE pays 70 % of 40 % of the eligible cost, SZ 70 % of the other 60 %.
    row = kuf.compute_row(
        measure(
            costs=[
                CostInput(9, 2025, D("500000.00")),
                CostInput(9, 2026, D("1000000.00"), D("100000.00")),
            ],
            modules=[grant("EFRE", "70", [2025, 2026], "40"), grant("SZ", "70", [2025, 2026], "60")],
        )
    )
    y2025, y2026 = row.by_year[2025], row.by_year[2026]
    assert (y2025.eligible, y2025.grant, y2025.municipal_share, y2025.gap) == (
        D("500000.00"),
        D("350000.00"),
        D("150000.00"),
        D("0.00"),
    )
    assert y2025.grants_by_programme == {"EFRE": D("140000.00"), "SZ": D("210000.00")}
    assert (y2026.eligible, y2026.grant, y2026.municipal_share) == (
        D("900000.00"),
        D("630000.00"),
        D("370000.00"),
    )
    assert row.total.gross == D("1500000.00")
    assert row.total.ineligible == D("100000.00")
    assert row.total.eligible == D("1400000.00")
    assert row.total.grant == D("980000.00")
    assert row.total.municipal_share == D("520000.00")
    assert row.total.grants_by_programme == {"EFRE": D("392000.00"), "SZ": D("588000.00")}
    assert row.programmes == ("EFRE", "SZ")
    assert row.rates == (D("70"),)
    assert row.total.rate == D("70.0")


def test_rounding_is_half_up_per_cell_and_totals_sum_rounded_cells():
    # 0,25 € × 50 % = 0,125 € -> 0,13 € (half-up, not banker's 0,12); each year is rounded on its own.
    row = kuf.compute_row(
        measure(
            costs=[CostInput(11, 2024, D("0.25")), CostInput(11, 2025, D("0.25"))],
            modules=[grant("LZ", "50", [2024, 2025])],
        )
    )
    assert row.by_year[2024].grant == D("0.13")
    assert row.total.grant == D("0.26")  # sum of rounded cells, not round(0.25)
    assert row.total.municipal_share == D("0.24")


def test_third_party_at_a_rate_and_half_funded_fund():
    # Verfügungsfonds: 50 % private money, the other half funded at 70 %.
    row = kuf.compute_row(
        measure(
            costs=[CostInput(10, 2026, D("60000.00"))],
            modules=[
                grant("LZ", "70", [2026], share="50"),
                ModuleInput(kind=kuf.THIRD_PARTY, label="Private", rates_by_year={2026: D("50")}),
            ],
        )
    )
    cell = row.by_year[2026]
    assert (cell.grant, cell.third_party, cell.municipal_share, cell.gap) == (
        D("21000.00"),
        D("30000.00"),
        D("9000.00"),
        D("0.00"),
    )


def test_fixed_amount_is_spread_pro_rata_to_the_cent():
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, year, D("1000.00")) for year in (2025, 2026, 2027)],
            modules=[ModuleInput(kind=kuf.THIRD_PARTY, label="Investor", amount=D("100.00"))],
        )
    )
    assert [row.by_year[year].third_party for year in (2025, 2026, 2027)] == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert row.total.third_party == D("100.00")


def test_spread_without_weights_falls_into_fallback_year():
    assert kuf.spread(D("10.00"), {}, 2027) == {2027: D("10.00")}
    assert kuf.spread(D("10.00"), {2025: D("0")}, 2025) == {2025: D("10.00")}


def test_fixed_amounts_by_year_are_taken_as_given():
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, 2025, D("100000.00")), CostInput(9, 2026, D("100000.00"))],
            modules=[
                ModuleInput(
                    kind=kuf.GRANT,
                    programme="KFW432",
                    amounts_by_year={2025: D("75000.00"), 2026: D("25000.00")},
                )
            ],
        )
    )
    assert row.by_year[2025].grant == D("75000.00")
    assert row.by_year[2026].municipal_share == D("75000.00")


def test_gap_when_municipal_funds_are_fixed_and_too_small():
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, 2025, D("100000.00"))],
            modules=[
                grant("LZ", "60", [2025]),
                ModuleInput(kind=kuf.MUNICIPAL, amounts_by_year={2025: D("30000.00")}),
            ],
        )
    )
    cell = row.by_year[2025]
    assert (cell.grant, cell.municipal_share, cell.gap) == (D("60000.00"), D("30000.00"), D("10000.00"))


def test_over_financing_is_its_own_figure():
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, 2025, D("100000.00"))],
            modules=[
                grant("LZ", "60", [2025]),
                ModuleInput(kind=kuf.THIRD_PARTY, amounts_by_year={2025: D("50000.00")}),
            ],
        )
    )
    cell = row.by_year[2025]
    assert (cell.municipal_share, cell.gap, cell.over) == (D("0.00"), D("0.00"), D("10000.00"))


def test_money_in_a_year_without_costs_is_a_gap():
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, 2025, D("100.00"))],
            modules=[ModuleInput(kind=kuf.THIRD_PARTY, amounts_by_year={2031: D("40.00")})],
        )
    )
    assert (row.by_year[2031].gap, row.by_year[2031].over) == (D("0.00"), D("40.00"))
    assert (row.total.gap, row.total.over) == (D("0.00"), D("40.00"))


def test_a_short_year_and_an_over_financed_year_do_not_cancel():
    # 2025 is short by 10.000 €, 2026 over-financed by 10.000 €: the row total is even, yet both show.
    row = kuf.compute_row(
        measure(
            costs=[CostInput(9, 2025, D("100000.00")), CostInput(9, 2026, D("100000.00"))],
            modules=[
                ModuleInput(
                    kind=kuf.GRANT, programme="LZ", amounts_by_year={2025: D("60000.00"), 2026: D("80000.00")}
                ),
                ModuleInput(kind=kuf.MUNICIPAL, amounts_by_year={2025: D("30000.00"), 2026: D("30000.00")}),
            ],
        )
    )
    assert (row.by_year[2025].gap, row.by_year[2025].over) == (D("10000.00"), D("0.00"))
    assert (row.by_year[2026].gap, row.by_year[2026].over) == (D("0.00"), D("10000.00"))
    assert (row.total.gap, row.total.over) == (D("10000.00"), D("10000.00"))


def test_gaps_of_measures_do_not_cancel_in_a_group():
    short = kuf.compute_row(
        measure("A1", [CostInput(9, 2025, D("100.00"))], [ModuleInput(kind=kuf.MUNICIPAL, amount=D("90.00"))])
    )
    over = kuf.compute_row(
        measure(
            "A2", [CostInput(9, 2025, D("100.00"))], [ModuleInput(kind=kuf.MUNICIPAL, amount=D("110.00"))]
        )
    )
    (group,) = kuf.build_table([short, over], years=[2025]).groups
    assert (group.total.gap, group.total.over) == (D("10.00"), D("10.00"))


def test_money_refuses_float():
    with pytest.raises(TypeError):
        kuf.money(0.1)
    assert kuf.money("2.345") == D("2.35")
    assert kuf.money(D("-2.345")) == D("-2.35")


def _two_field_rows():
    return [
        kuf.compute_row(
            measure(
                "A1",
                [CostInput(9, 2024, D("100.00")), CostInput(9, 2025, D("50.00"))],
                [grant("LZ", "60", [2024, 2025])],
            )
        ),
        kuf.compute_row(
            measure(
                "B1",
                [CostInput(7, 2025, D("200.00"))],
                [grant("SZ", "80", [2025])],
                action_field=HF2,
                municipality=RHEINWERTH,
            )
        ),
        kuf.compute_row(measure("A2", [CostInput(9, 2031, D("10.00"))], [], municipality=RHEINWERTH)),
    ]


def test_table_groups_subtotals_years_and_grand_total():
    table = kuf.build_table(_two_field_rows(), years=range(2024, 2031))
    assert [group.label.key for group in table.groups] == ["HF1", "HF2"]
    hf1, hf2 = table.groups
    assert [row.measure.code for row in hf1.rows] == ["A1", "A2"]
    assert hf1.total.gross == D("160.00")
    assert hf1.total.grant == D("90.00")
    assert hf2.total.grant == D("160.00")
    # 2031 lies outside the programme years but still gets a column, so columns add up.
    assert table.years == [*range(2024, 2031), 2031]
    assert table.by_year[2025].gross == D("250.00")
    assert sum((cell.gross for cell in table.by_year.values()), D(0)) == table.total.gross == D("360.00")
    assert table.by_programme == {"LZ": D("90.00"), "SZ": D("160.00")}
    assert table.by_programme_year["LZ"][2024] == D("60.00")
    assert table.by_municipality["Rheinwerth"].gross == D("210.00")
    assert table.by_action_field["HF1"].municipal_share == D("70.00")


def test_table_by_municipality_and_by_programme():
    rows = _two_field_rows()
    by_municipality = kuf.build_table(rows, years=[2024], group_by=kuf.GROUP_BY_MUNICIPALITY)
    assert [group.label.key for group in by_municipality.groups] == ["Hallenbeck", "Rheinwerth"]
    by_programme = kuf.build_table(rows, years=[2024], group_by=kuf.GROUP_BY_PROGRAMME)
    assert [group.label.key for group in by_programme.groups] == ["LZ", "SZ", ""]
    # Only A2 has no programme; A1 and B1 are whole parts of their one programme.
    assert [row.measure.code for row in by_programme.groups[2].rows] == ["A2"]
    with pytest.raises(ValueError):
        kuf.build_table(rows, years=[2024], group_by="colour")


def test_a_measure_of_two_programmes_counts_each_grant_under_its_programme():
    park = kuf.compute_row(
        measure(
            "P1",
            [CostInput(9, 2025, D("1000.00"), ineligible=D("100.00"))],
            [grant("EFRE", "90", [2025], share="40"), grant("SZ", "60", [2025], share="60")],
        )
    )
    table = kuf.build_table([park], years=[2025], group_by=kuf.GROUP_BY_PROGRAMME)
    groups = {group.label.key: group for group in table.groups}
    assert list(groups) == ["EFRE", "SZ", ""]
    efre, sz, rest = (groups[key].rows[0] for key in ("EFRE", "SZ", ""))
    assert (efre.total.eligible, efre.total.grant, efre.total.municipal_share) == (
        D("360.00"),
        D("324.00"),
        D("36.00"),
    )
    assert (sz.total.eligible, sz.total.grant, sz.total.municipal_share) == (
        D("540.00"),
        D("324.00"),
        D("216.00"),
    )
    # The ineligible part stays without programme; the parts add up to the measure.
    assert (rest.total.gross, rest.total.ineligible, rest.total.grant) == (
        D("100.00"),
        D("100.00"),
        D("0.00"),
    )
    assert table.total.gross == park.total.gross and table.total.grant == park.total.grant
    assert groups["EFRE"].total.grant == table.by_programme["EFRE"]


def test_resolve_rate_prefers_explicit_then_municipal_then_default():
    assert kuf.resolve_rate(explicit=D("50"), municipal=D("70"), default=D("60")) == D("50")
    assert kuf.resolve_rate(explicit=None, municipal=D("70"), default=D("60")) == D("70")
    assert kuf.resolve_rate(explicit=None, municipal=None, default=D("60")) == D("60")
    assert kuf.resolve_rate(explicit=None, municipal=None, default=None) == D("0.00")


# --- Property tests -------------------------------------------------------------------------------

YEARS = list(range(2024, 2031))
cents = st.integers(min_value=0, max_value=500_000_000).map(lambda n: D(n) / 100)
percent = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100)


@st.composite
def cost_inputs(draw):
    gross = draw(cents)
    ineligible = draw(st.integers(min_value=0, max_value=int(gross * 100)).map(lambda n: D(n) / 100))
    return CostInput(draw(st.integers(7, 11)), draw(st.sampled_from(YEARS)), gross, ineligible)


@st.composite
def module_inputs(draw):
    kind = draw(st.sampled_from(kuf.MODULE_KINDS))
    programme = draw(st.sampled_from(["LZ", "SZ", "EFRE"])) if kind == kuf.GRANT else ""
    shape = draw(st.sampled_from(["rate", "amount", "years"]))
    if shape == "rate":
        return ModuleInput(
            kind=kind,
            programme=programme,
            cost_share=draw(percent),
            rates_by_year={year: draw(percent) for year in YEARS},
        )
    if shape == "amount":
        return ModuleInput(kind=kind, programme=programme, amount=draw(cents))
    years = draw(st.lists(st.sampled_from(YEARS), unique=True, max_size=3))
    return ModuleInput(kind=kind, programme=programme, amounts_by_year={y: draw(cents) for y in years})


QUARTERS = ["Q1", "Q2", "Q4"]
PRIORITIES = [1, 2, 3]
STATUSES = ["planned", "preparation", "in_progress", "completed", "dropped"]
HOAI_PHASES = list(range(10))
BODIES = ["", "Stadt Hallenbeck", "Grünflächenamt", "Wasserverband"]


@st.composite
def measure_inputs(draw, code):
    return measure(
        code=code,
        costs=draw(st.lists(cost_inputs(), max_size=6)),
        modules=draw(st.lists(module_inputs(), max_size=3)),
        action_field=draw(st.sampled_from([HF1, HF2])),
        municipality=draw(st.sampled_from([HALLENBECK, RHEINWERTH])),
        quarters=tuple(draw(st.lists(st.sampled_from(QUARTERS), unique=True, max_size=2))),
        priority=draw(st.sampled_from(PRIORITIES)),
        status=draw(st.sampled_from(STATUSES)),
        hoai_phase=draw(st.sampled_from(HOAI_PHASES)),
        responsible_body=draw(st.sampled_from(BODIES)),
    )


MONEY_FIELDS = ("gross", "ineligible", "eligible", "grant", "third_party", "municipal_share", "gap", "over")


def _assert_cell(cell: Amounts, *, part: bool = False):
    for name in MONEY_FIELDS:
        value = getattr(cell, name)
        assert isinstance(value, Decimal), name
        assert value == value.quantize(D("0.01")), name
    assert cell.grant + cell.third_party + cell.municipal_share + cell.gap - cell.over == cell.gross
    assert cell.eligible == cell.gross - cell.ineligible
    assert cell.gap >= 0 and cell.over >= 0
    assert part or cell.municipal_share >= 0  # the rest of a measure split by programme may go below
    assert sum(cell.grants_by_programme.values(), D(0)) == cell.grant


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=8, unique=True).flatmap(
        lambda ids: st.tuples(*(measure_inputs(f"M{i}") for i in ids))
    ),
    st.sampled_from(kuf.GROUPINGS),
)
def test_rows_add_up_to_subtotals_and_totals(measures, group_by):
    rows = [kuf.compute_row(m) for m in measures]
    table = kuf.build_table(rows, years=YEARS, group_by=group_by)
    for row in rows:
        for cell in row.by_year.values():
            _assert_cell(cell)
        _assert_cell(row.total)
        for name in MONEY_FIELDS:
            assert getattr(row.total, name) == sum((getattr(c, name) for c in row.by_year.values()), D(0))
    split = group_by == kuf.GROUP_BY_PROGRAMME
    for group in table.groups:
        _assert_cell(group.total, part=split)
        if split and group.label.key:
            assert group.total.grant == table.by_programme[group.label.key]
        for name in MONEY_FIELDS:
            assert getattr(group.total, name) == sum((getattr(r.total, name) for r in group.rows), D(0))
    _assert_cell(table.total)
    assert table.total.gross == sum((row.total.gross for row in rows), D(0))
    for name in MONEY_FIELDS:
        assert getattr(table.total, name) == sum((getattr(g.total, name) for g in table.groups), D(0))
        assert getattr(table.total, name) == sum((getattr(c, name) for c in table.by_year.values()), D(0))
        assert getattr(table.total, name) == sum(
            (getattr(a, name) for a in table.by_municipality.values()), D(0)
        )
    assert sum(table.by_programme.values(), D(0)) == table.total.grant
    assert table.total.gross == sum((money for m in measures for money in (c.gross for c in m.costs)), D(0))


@settings(max_examples=200, deadline=None)
@given(cents, st.dictionaries(st.sampled_from(YEARS), cents, max_size=7))
def test_spread_adds_up_exactly(total, weights):
    parts = kuf.spread(total, weights, 2024)
    assert sum(parts.values(), D(0)) == total
    assert all(part >= 0 and part == part.quantize(D("0.01")) for part in parts.values())


# --- Filters: what is shown adds up ----------------------------------------------------------------

row_filters = st.builds(
    kuf.RowFilter,
    municipalities=st.frozensets(st.sampled_from(["Hallenbeck", "Rheinwerth"])),
    quarters=st.frozensets(st.sampled_from([*QUARTERS, "Q9"]), max_size=2),
    action_fields=st.frozensets(st.sampled_from(["HF1", "HF2"])),
    programmes=st.frozensets(st.sampled_from(["LZ", "SZ", "EFRE"])),
    priorities=st.frozensets(st.sampled_from(PRIORITIES), max_size=2),
    statuses=st.frozensets(st.sampled_from(STATUSES), max_size=3),
    hoai_phases=st.frozensets(st.sampled_from(HOAI_PHASES), max_size=4),
    year_from=st.none() | st.sampled_from(YEARS),
    year_to=st.none() | st.sampled_from(YEARS),
    text=st.sampled_from(["", "m1", "MAẞNAHME", "x", "grünflächen", "WASSER"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=8, unique=True).flatmap(
        lambda ids: st.tuples(*(measure_inputs(f"M{i}") for i in ids))
    ),
    row_filters,
    st.sampled_from(kuf.GROUPINGS),
)
def test_filtered_totals_are_the_totals_of_what_is_shown(measures, row_filter, group_by):
    rows = [kuf.compute_row(m) for m in measures]
    shown = kuf.select_rows(rows, row_filter)
    years = [year for year in YEARS if row_filter.keeps_year(year)]
    table = kuf.build_table(shown, years=years, group_by=group_by)
    for row in shown:
        m = row.measure
        assert not row_filter.municipalities or m.municipality.key in row_filter.municipalities
        assert not row_filter.quarters or set(m.quarters) & row_filter.quarters
        assert not row_filter.action_fields or m.action_field.key in row_filter.action_fields
        assert not row_filter.programmes or set(row.programmes) & row_filter.programmes
        assert not row_filter.priorities or m.priority in row_filter.priorities
        assert not row_filter.statuses or m.status in row_filter.statuses
        assert not row_filter.hoai_phases or m.hoai_phase in row_filter.hoai_phases
        text = row_filter.text.casefold()
        assert not text or any(text in value.casefold() for value in (m.code, m.title, m.responsible_body))
        assert all(row_filter.keeps_year(year) for year in row.by_year)
        _assert_cell(row.total)
    # Every shown cell is the original cell: filtering never recomputes money.
    originals = {row.measure.code: row for row in rows}
    for row in shown:
        for year, cell in row.by_year.items():
            assert cell == originals[row.measure.code].by_year[year]
    for name in MONEY_FIELDS:
        shown_sum = sum((getattr(cell, name) for row in shown for cell in row.by_year.values()), D(0))
        assert getattr(table.total, name) == shown_sum
        assert getattr(table.total, name) == sum((getattr(c, name) for c in table.by_year.values()), D(0))
    # Rows left out fail a criterion (checked here one by one, not through ``matches``), or have no
    # money in the years kept.
    kept = {row.measure.code for row in shown}
    for row in rows:
        if row.measure.code not in kept:
            assert not _meets_every_criterion(row, row_filter) or not any(
                row_filter.keeps_year(year) for year in row.by_year
            )
    # The table holds exactly the rows kept, each once (grouped by programme: each in parts).
    codes = [row.measure.code for row in table.rows]
    assert sorted(set(codes)) == sorted(kept)
    assert group_by == kuf.GROUP_BY_PROGRAMME or len(codes) == len(kept)


def _meets_every_criterion(row: kuf.KufRow, row_filter: kuf.RowFilter) -> bool:
    m = row.measure
    text = row_filter.text.strip().casefold()
    criteria = [
        (row_filter.municipalities, {m.municipality.key}),
        (row_filter.quarters, set(m.quarters)),
        (row_filter.action_fields, {m.action_field.key}),
        (row_filter.programmes, set(row.programmes)),
        (row_filter.priorities, {m.priority}),
        (row_filter.statuses, {m.status}),
        (row_filter.hoai_phases, {m.hoai_phase}),
    ]
    if any(wanted and not wanted & values for wanted, values in criteria):
        return False
    return not text or any(text in value.casefold() for value in (m.code, m.title, m.responsible_body))


def test_text_filter_matches_code_title_and_body_case_insensitively():
    rows = [kuf.compute_row(measure(code="HF1-M01")), kuf.compute_row(measure(code="HF2-M07"))]
    assert [r.measure.code for r in kuf.select_rows(rows, kuf.RowFilter(text="hf2"))] == ["HF2-M07"]
    assert len(kuf.select_rows(rows, kuf.RowFilter(text="MASSNAHME".replace("SS", "ß")))) == 2


def test_fingerprint_changes_with_any_shown_value():
    costs = [CostInput(9, 2025, D("1000.00"))]
    base = kuf.compute_row(measure(costs=costs, modules=[grant("LZ", "70", [2025])]))
    same = kuf.compute_row(measure(costs=costs, modules=[grant("LZ", "70", [2025])]))
    moved = kuf.compute_row(measure(costs=costs, modules=[grant("LZ", "70", [2025])], action_field=HF2))
    other_year = kuf.compute_row(
        measure(costs=[CostInput(9, 2026, D("1000.00"))], modules=[grant("LZ", "70", [2026])])
    )
    other_rate = kuf.compute_row(measure(costs=costs, modules=[grant("LZ", "60", [2025])]))
    assert fingerprint.fingerprint(base) == fingerprint.fingerprint(same)
    prints = {fingerprint.fingerprint(row) for row in (base, moved, other_year, other_rate)}
    assert len(prints) == 4
    assert fingerprint.fingerprint_all([base, moved]) == fingerprint.fingerprint_all([moved, base])
