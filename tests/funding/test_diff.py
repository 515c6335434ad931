"""Comparing two states of a KuF (``funding/versions/diff.py``), without a database: constructed cases and a
property test that the subtotals and totals of both sides add up."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from funding import kuf
from funding.kuf import CostInput, Label, MeasureInput, ModuleInput
from funding.versions import diff

D = Decimal
HF1 = Label("HF1", "Zentren", 1)
HF2 = Label("HF2", "Grün", 2)
HALLENBECK = Label("Hallenbeck", "Hallenbeck")
YEARS = list(range(2024, 2031))


def row(
    uid: str,
    costs: dict[int, str],
    *,
    field: Label = HF1,
    rate: str = "60",
    programme: str = "LZ",
    **profile,
) -> kuf.KufRow:
    """A computed row: section-9 costs per year, one grant module at ``rate``."""
    profile.setdefault("code", uid.upper())
    profile.setdefault("title", f"Maßnahme {uid}")
    profile.setdefault("start_year", 2024)
    profile.setdefault("end_year", 2030)
    return kuf.compute_row(
        MeasureInput(
            id=None,
            uid=uid,
            action_field=field,
            municipality=profile.pop("municipality", HALLENBECK),
            costs=tuple(CostInput(9, year, D(gross)) for year, gross in costs.items()),
            modules=(
                ModuleInput(kind=kuf.GRANT, programme=programme, rates_by_year=dict.fromkeys(costs, D(rate))),
            ),
            **profile,
        )
    )


def _states():
    old = [
        row("a", {2025: "100000.00"}),  # unchanged
        row("b", {2025: "200000.00", 2026: "100000.00"}),  # year split changes, same total
        row("c", {2026: "50000.00"}),  # moved from HF1 to HF2, costs up
        row("d", {2027: "80000.00"}, field=HF2),  # removed
    ]
    new = [
        row("a", {2025: "100000.00"}),
        row("b", {2025: "100000.00", 2026: "100000.00", 2027: "100000.00"}),
        row("c", {2026: "70000.00"}, field=HF2),
        row("e", {2028: "1250000.00"}, field=HF2),  # added
    ]
    return old, new


def test_added_removed_changed_and_unchanged_are_matched_by_uid():
    old, new = _states()

    result = diff.kuf_diff(old=old, new=new, years=YEARS)

    states = {item.uid: item.state for item in result.measures}
    assert states == {
        "a": diff.UNCHANGED,
        "b": diff.CHANGED,
        "c": diff.CHANGED,
        "d": diff.REMOVED,
        "e": diff.ADDED,
    }
    assert [item.uid for item in result.measures] == ["a", "b", "c", "e", "d"]  # new order, then removed
    assert result.counts == {diff.ADDED: 1, diff.REMOVED: 1, diff.CHANGED: 2, diff.UNCHANGED: 1}
    assert [item.uid for item in result.added] == ["e"]
    assert [item.uid for item in result.removed] == ["d"]
    added, removed = result.added[0], result.removed[0]
    assert added.old is None and added.total.gross == diff.Change(D("0.00"), D("1250000.00"))
    assert removed.new is None and removed.total.grant == diff.Change(D("48000.00"), D("0.00"))
    assert removed.row is removed.old and added.row is added.new


def test_changed_year_split_with_the_same_total():
    old, new = _states()

    item = next(m for m in diff.kuf_diff(old=old, new=new).measures if m.uid == "b")

    assert item.state == diff.CHANGED
    assert item.fields == []
    assert item.money_changed
    assert item.total.gross.diff == D("0.00") and not item.total.changed
    assert list(item.years) == [2025, 2026, 2027]
    assert item.years[2025].gross == diff.Change(D("200000.00"), D("100000.00"))
    assert item.years[2025].gross.diff == D("-100000.00")
    assert item.years[2026].gross.diff == D("0.00")
    assert item.years[2027].gross == diff.Change(D("0.00"), D("100000.00"))
    assert item.years[2027].grant.diff == D("60000.00")


def test_moved_measure_counts_in_its_old_field_on_the_old_side_and_its_new_field_on_the_new_side():
    old, new = _states()

    result = diff.kuf_diff(old=old, new=new, years=YEARS)

    moved = next(m for m in result.measures if m.uid == "c")
    assert moved.moved
    assert moved.fields == [diff.FieldChange("action_field", "HF1", "HF2")]
    groups = {group.label.key: group for group in result.action_fields}
    assert list(groups) == ["HF1", "HF2"]
    # HF1: a, b and c (old) → a and b (new)
    assert groups["HF1"].total.gross == diff.Change(D("450000.00"), D("400000.00"))
    # HF2: d (old) → c and e (new)
    assert groups["HF2"].total.gross == diff.Change(D("80000.00"), D("1320000.00"))
    assert groups["HF2"].years[2026].gross == diff.Change(D("0.00"), D("70000.00"))
    assert groups["HF1"].years[2026].gross == diff.Change(D("150000.00"), D("100000.00"))


def test_subtotals_years_and_grand_total_add_up_and_match_the_tables():
    old, new = _states()

    result = diff.kuf_diff(old=old, new=new, years=YEARS)

    old_table = kuf.build_table(old, years=YEARS)
    new_table = kuf.build_table(new, years=YEARS)
    assert result.years == YEARS
    for name in diff.MONEY_FIELDS:
        total = getattr(result.total, name)
        assert total.old == getattr(old_table.total, name)
        assert total.new == getattr(new_table.total, name)
        for parts in (result.action_fields, result.by_year.values()):
            parts = list(parts)
            part_changes = [getattr(p.total if hasattr(p, "total") else p, name) for p in parts]
            assert sum((c.old for c in part_changes), D("0")) == total.old
            assert sum((c.new for c in part_changes), D("0")) == total.new
            assert sum((c.diff for c in part_changes), D("0")) == total.diff
        measure_changes = [getattr(item.total, name) for item in result.measures]
        assert sum((c.diff for c in measure_changes), D("0")) == total.diff
    assert result.total.gross == diff.Change(D("530000.00"), D("1720000.00"))
    assert result.by_year[2024].gross == diff.Change(D("0.00"), D("0.00"))  # a programme year without money


def test_every_profile_column_is_compared():
    base = row("m", {2025: "1000.00"}, code="A.1", quarters=("Q1",), priority=1, status="planned")
    changed = kuf.compute_row(
        MeasureInput(
            id=None,
            uid="m",
            code="A.1neu",
            title="Neuer Titel",
            action_field=HF2,
            municipality=Label("Rheinwerth", "Rheinwerth"),
            quarters=("Q1", "Q4"),
            responsible_body="Stadtwerke",
            priority=2,
            status="in_progress",
            hoai_phase=6,
            start_year=2025,
            end_year=2027,
            costs=(CostInput(8, 2025, D("1000.00")),),
            modules=(ModuleInput(kind=kuf.GRANT, programme="SZ", rates_by_year={2025: D("70")}),),
        )
    )

    item = diff.kuf_diff(old=[base], new=[changed]).measures[0]

    assert [change.key for change in item.fields] == list(diff.PROFILE_FIELDS)
    by_key = {change.key: change for change in item.fields}
    assert by_key["period"] == diff.FieldChange("period", (2024, 2030), (2025, 2027))
    assert by_key["quarters"].new == ("Q1", "Q4")
    assert by_key["rates"] == diff.FieldChange("rates", (D("60"),), (D("70"),))
    assert set(diff.profile_labels()) == set(diff.PROFILE_FIELDS)


def test_renamed_action_field_is_no_move_and_equal_rows_are_unchanged():
    renamed = Label("HF1", "Zentren und Nutzungsvielfalt", 5)

    result = diff.kuf_diff(
        old=[row("a", {2025: "1000.00"})], new=[row("a", {2025: "1000.00"}, field=renamed)]
    )

    assert result.measures[0].state == diff.UNCHANGED
    assert result.action_fields[0].label == renamed  # the new title wins
    assert not result.has_changes


def test_grant_moved_to_another_programme_is_a_change_even_with_equal_sums():
    result = diff.kuf_diff(
        old=[row("a", {2025: "1000.00"}, programme="LZ")], new=[row("a", {2025: "1000.00"}, programme="SZ")]
    )

    item = result.measures[0]
    assert item.state == diff.CHANGED
    assert [change.key for change in item.fields] == ["programmes"]
    assert not item.total.changed
    assert item.money_changed  # the grant sits in another programme
    moved_only = diff.kuf_diff(
        old=[row("a", {2025: "1000.00"})], new=[row("a", {2025: "1000.00"}, field=HF2)]
    ).measures[0]
    assert moved_only.state == diff.CHANGED and moved_only.moved and not moved_only.money_changed


def test_summary():
    old, new = _states()

    text = diff.kuf_diff(old=old, new=new).summary

    assert (
        text == "+1,19 Mio. € Gesamtkosten, +0,71 Mio. € Zuwendungen, 1 Maßnahme neu, 1 entfallen, 2 geändert"
    )


def test_summary_small_changes_in_euro_and_no_change():
    old = [row("a", {2025: "1000.00"}), row("b", {2025: "5000.00"})]
    smaller = [row("a", {2025: "1000.00"}), row("b", {2025: "4000.00"})]

    assert diff.kuf_diff(old=old, new=smaller).summary == (
        "-1.000,00 € Gesamtkosten, -600,00 € Zuwendungen, 1 Maßnahme geändert"
    )
    assert diff.kuf_diff(old=old, new=old).summary == (
        "0,00 € Gesamtkosten, 0,00 € Zuwendungen, keine Maßnahme geändert"
    )
    assert diff.kuf_diff(old=old, new=old[:1]).summary == (
        "-5.000,00 € Gesamtkosten, -3.000,00 € Zuwendungen, 1 Maßnahme entfallen"
    )


def test_format_eur_signed():
    assert diff.format_eur_signed(D("1234.56")) == "+1.234,56 €"
    assert diff.format_eur_signed(D("-1234.56")) == "-1.234,56 €"
    assert diff.format_eur_signed(D("0.00")) == "0,00 €"
    assert diff.format_eur_signed(D("1230000"), "MEUR") == "+1,23 Mio. €"


# --- Property: whatever changes, both sides add up ------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n).scaleb(-2))


@st.composite
def states(draw):
    uids = [f"m{i}" for i in range(draw(st.integers(0, 8)))]
    fields = st.sampled_from([HF1, HF2, Label("HF3", "Mobilität", 3)])
    rates = st.sampled_from(["40", "60", "80"])

    def side():
        present = draw(st.lists(st.sampled_from(uids), unique=True)) if uids else []
        return [
            row(
                uid,
                draw(st.dictionaries(st.sampled_from(YEARS), cents, max_size=4)),
                field=draw(fields),
                rate=draw(rates),
            )
            for uid in present
        ]

    return side(), side()


@settings(max_examples=150, deadline=None)
@given(states())
def test_both_sides_add_up_whatever_changes(pair):
    old, new = pair

    result = diff.kuf_diff(old=old, new=new, years=YEARS)

    for side, rows in (("old", old), ("new", new)):
        table = kuf.build_table(rows, years=YEARS)
        for name in diff.MONEY_FIELDS:
            total = getattr(getattr(result.total, name), side)
            assert isinstance(total, Decimal)
            assert total == getattr(table.total, name)
            assert sum((getattr(getattr(g.total, name), side) for g in result.action_fields), D("0")) == total
            assert sum((getattr(getattr(c, name), side) for c in result.by_year.values()), D("0")) == total
            assert sum((getattr(getattr(m.total, name), side) for m in result.measures), D("0")) == total
    assert len(result.measures) == len({row.measure.uid for row in old} | {row.measure.uid for row in new})
