"""The plausibility checks on KuF rows, without a database."""

from decimal import Decimal

from funding import kuf
from funding.kuf import CostInput, Label, MeasureInput, ModuleInput, checks

D = Decimal
HF1 = Label("HF1", "Zentren", 1)
HALLENBECK = Label("Hallenbeck", "Hallenbeck")
YEARS = list(range(2024, 2031))


def row(code="M1", costs=(), modules=(), quarters=("Q1",), quarter_programmes=("LZ",), start=2024, end=2030):
    return kuf.compute_row(
        MeasureInput(
            id=1,
            uid=code,
            code=code,
            title=code,
            action_field=HF1,
            municipality=HALLENBECK,
            start_year=start,
            end_year=end,
            quarters=quarters,
            quarter_programmes=quarter_programmes,
            costs=tuple(costs),
            modules=tuple(modules),
        )
    )


def lz(rate="70", years=(2025,), max_rate="80", urban="LZ", **fields):
    return ModuleInput(
        kind=kuf.GRANT,
        programme="LZ",
        rates_by_year=dict.fromkeys(years, D(rate)) if "amount" not in fields else {},
        max_rate=D(max_rate),
        urban_programme=urban,
        **fields,
    )


def kinds(result):
    return sorted(check.kind for check in result)


def test_a_sound_row_has_no_checks():
    r = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz()])
    assert checks.row_checks(r, concept_years=YEARS) == []


def test_gap_over_financing_and_no_costs():
    municipal = ModuleInput(kind=kuf.MUNICIPAL, amounts_by_year={2025: D("100")})
    gap = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz(), municipal])
    assert kinds(checks.row_checks(gap, concept_years=YEARS)) == ["gap"]
    assert checks.row_checks(gap, concept_years=YEARS)[0].message == (
        "Finanzierungslücke von 200,00 € (2025: 200,00 €)."
    )
    third = ModuleInput(kind=kuf.THIRD_PARTY, amounts_by_year={2025: D("500")})
    over = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz(), third])
    assert kinds(checks.row_checks(over, concept_years=YEARS)) == ["over"]
    assert kinds(checks.row_checks(row(), concept_years=YEARS)) == ["no_costs"]


def test_a_gap_in_one_year_shows_even_when_another_year_is_over_financed():
    # Before, only the row total was checked: 300 € short in 2025 and 300 € over in 2026 showed nothing.
    municipal = ModuleInput(kind=kuf.MUNICIPAL, amounts_by_year={2025: D("0"), 2026: D("600")})
    costs = [CostInput(9, 2025, D("1000")), CostInput(9, 2026, D("1000"))]
    r = row(costs=costs, modules=[lz(years=(2025, 2026)), municipal])
    assert r.total.gross == r.total.grant + r.total.municipal_share
    result = checks.row_checks(r, concept_years=YEARS)
    assert kinds(result) == ["gap", "over"]
    assert result[0].message == "Finanzierungslücke von 300,00 € (2025: 300,00 €)."
    assert result[1].message == "Überfinanziert um 300,00 € (2026: 300,00 €)."


def test_rate_above_maximum_also_for_fixed_amounts():
    high = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz(rate="90")])
    result = checks.row_checks(high, concept_years=YEARS)
    assert kinds(result) == ["rate"]
    assert result[0].message == "LZ: Fördersatz 90 % über dem Höchstsatz 80 %."
    fixed = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz(amount=D("850"))])
    assert kinds(checks.row_checks(fixed, concept_years=YEARS)) == ["rate"]


def test_costs_outside_concept_and_measure_years():
    r = row(costs=[CostInput(9, 2023, D("10")), CostInput(9, 2029, D("10"))], start=2024, end=2026)
    messages = [c.message for c in checks.row_checks(r, concept_years=YEARS) if c.kind == "years"]
    assert messages == [
        "Kosten in 2023, außerhalb der Programmjahre des Konzepts.",
        "Kosten in 2029, außerhalb des Zeitraums der Maßnahme (2024–2026).",
    ]


def test_programme_must_match_a_quarter():
    r = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz()], quarter_programmes=("SZ",))
    assert kinds(checks.row_checks(r, concept_years=YEARS)) == ["programme"]
    # Programmes outside Städtebauförderung (no urban programme) fit any quarter.
    efre = row(costs=[CostInput(9, 2025, D("1000"))], modules=[lz(urban="")], quarter_programmes=("SZ",))
    assert checks.row_checks(efre, concept_years=YEARS) == []


def test_grants_above_the_approval_flag_every_contributing_row():
    a = row("A", costs=[CostInput(9, 2025, D("1000"))], modules=[lz()])
    b = row("B", costs=[CostInput(9, 2025, D("1000"))], modules=[lz()])
    c = row("C", costs=[CostInput(9, 2026, D("1000"))], modules=[lz(years=(2026,))])
    approvals = {("Hallenbeck", "LZ", 2025): D("1399.99"), ("Hallenbeck", "LZ", 2026): D("700.00")}
    result = checks.checks_for_rows([a, b, c], concept_years=YEARS, approvals=approvals)
    assert kinds(result["A"]) == kinds(result["B"]) == ["approval"]
    assert result["C"] == []
    assert result["A"][0].message == (
        "Hallenbeck, LZ 2025: Zuwendungen von 1.400,00 € übersteigen die Bewilligung von 1.399,99 €."
    )
