"""The KuF selector: the figures match the database, in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from funding.kuf.selectors import kuf_rows_for_concept, kuf_table_for_concept
from funding.models import CostLine
from tests import factories as f

pytestmark = pytest.mark.django_db


def build(n_measures: int):
    hallenbeck, rheinwerth = f.make_municipality(), f.make_municipality()
    concept = f.make_concept([hallenbeck, rheinwerth])
    field = f.make_action_field(concept)
    lz = f.make_programme(default_rate=Decimal("60"))
    efre = f.make_programme(default_rate=Decimal("80"), max_rate=Decimal("90"))
    for year in concept.years:
        f.make_rate(hallenbeck, lz, year, "70")
    for i in range(n_measures):
        measure = f.make_measure(concept, field, municipality=hallenbeck if i % 2 else rheinwerth)
        measure.quarters.add(f.make_quarter(concept, hallenbeck))
        for year in (2025, 2026, 2027):
            f.make_cost_line(measure, year=year, gross=f"{1000 * (i + 1)}.33", ineligible="0.33")
        f.make_module(measure, efre, cost_share="40")
        f.make_module(measure, lz, cost_share="60")
        f.make_module(measure, kind="third_party", amount="100.00", year_amounts={2025: "100.00"})
    return concept, hallenbeck, lz, efre


def test_rates_come_from_the_municipality_then_the_programme_default():
    concept, hallenbeck, lz, efre = build(2)
    rows = kuf_rows_for_concept(concept=concept)
    by_municipality = {row.measure.municipality.key: row for row in rows}
    hallenbeck_row = by_municipality[hallenbeck.name]
    other_row = next(row for row in rows if row is not hallenbeck_row)
    assert set(hallenbeck_row.rates) == {Decimal("70"), Decimal("80")}
    assert set(other_row.rates) == {Decimal("60"), Decimal("80")}
    # 2025, second measure (Hallenbeck): eligible 2.000,00; EFRE 40 % × 80 % = 640,00; LZ 60 % × 70 % = 840,00
    cell = hallenbeck_row.by_year[2025]
    assert cell.eligible == Decimal("2000.00")
    assert cell.grants_by_programme == {efre.code: Decimal("640.00"), lz.code: Decimal("840.00")}
    assert cell.third_party == Decimal("100.00")


def test_table_totals_equal_an_independent_database_sum():
    concept, *_ = build(5)
    table = kuf_table_for_concept(concept=concept)
    sums = CostLine.objects.filter(measure__concept=concept).aggregate(
        gross=Sum("gross"), inel=Sum("ineligible")
    )
    assert table.total.gross == sums["gross"]
    assert table.total.eligible == sums["gross"] - sums["inel"]
    assert (
        table.total.grant + table.total.third_party + table.total.municipal_share + table.total.gap
        == sums["gross"]
    )


def test_query_count_is_constant(django_assert_num_queries):
    small, *_ = build(2)
    large, *_ = build(25)
    for concept in (small, large):
        # Computed: the data version (1), the cache (1, a miss), measures (1), quarters (1), cost lines
        # (1), modules with programmes (1), module years (1), rates (1), approvals for the checks (1),
        # and storing it in the database cache (5: the entry count, savepoint, the key, insert,
        # release).
        with django_assert_num_queries(14):
            kuf_table_for_concept(concept=concept)
        # Computed once per change: the data version (1); this process keeps the KuF it used last (the
        # shared cache is asked only by another process), however large the concept.
        with django_assert_num_queries(1):
            kuf_table_for_concept(concept=concept)
