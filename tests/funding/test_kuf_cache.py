"""The KuF is computed once per change of a concept's data and kept in the cache under the concept's data
version: every kind of write moves the version in its own transaction, so the cached KuF always equals
a fresh computation. Each case writes through the path users take (the editor, a service, the import,
the admin's model save) and then compares the cached KuF with one computed from the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction

from funding.editor import services as editor_services
from funding.kuf.selectors import _live_kuf_computed, live_kuf, live_kuf_forget_recent
from funding.models import ApprovalNotice, CostLine, FinancingModule, MunicipalRate
from funding.programmes import services as programme_services
from funding.programmes.selectors import rate_grid
from funding.versions import fingerprint
from funding.versions import services as version_services
from measures.models import Indicator, Measure
from projects import services as project_services
from projects.dataversion import current_data_version
from projects.models import Concept, Quarter
from tests import factories as f
from tests.excel import measure_list_workbook, plan_for, workbook_bytes
from tests.funding.editor_page import build_setup, edit_post

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(client):
    s = build_setup()
    measure = f.make_measure(
        s["concept"],
        s["field"],
        code="HF1-M01",
        municipality=s["municipality"],
        start_year=2025,
        end_year=2026,
    )
    measure.quarters.add(s["quarter"])
    measure.goals.add(s["goal"])
    f.make_cost_line(measure, year=2025, gross="1000.00")
    f.make_module(measure, s["lz"])
    client.force_login(s["editor"])
    s["measure"] = measure
    return s


def _same(cached, fresh) -> bool:
    """Two KuF states show the same: every row's fingerprint (all columns, every year cell) and checks."""

    def shown(live):
        return (
            [(row.measure.uid, fingerprint.fingerprint(row)) for row in live.rows],
            {uid: [check.as_dict() for check in checks] for uid, checks in live.checks.items()},
        )

    return shown(cached) == shown(fresh)


def _edit_profile(client, s):
    measure = s["measure"]
    assert client.post(measure_url(s), edit_post(measure, s, title="Neuer Titel")).status_code == 302


def _edit_costs(client, s):
    CostLine.objects.filter(measure=s["measure"]).get().delete()  # the editor deletes a row like this


def _measure_delete(client, s):
    editor_services.measure_delete(measure=s["measure"], user=s["editor"])


def _indicator(client, s):
    Indicator.objects.create(measure=s["measure"], name="Bäume", unit="Stück", target_value=D("10"))


def _import(client, s):
    from funding.exchange import imports

    workbook = measure_list_workbook(s["concept"])
    sheet = workbook["Kostenzeilen"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value == Decimal("1000.00") or cell.value == 1000:
                cell.value = 2000
    data = workbook_bytes(workbook)
    plan = plan_for(s["concept"], data)
    imports.import_apply(concept=s["concept"], plan=plan.stored(), digest=plan.digest, user=s["editor"])


def _rates(client, s):
    grid = rate_grid(concept=s["concept"])
    key = (s["municipality"].pk, s["lz"].pk, 2025)
    programme_services.municipal_rates_set(
        concept=s["concept"],
        rates={key: D("80")},
        loaded={k: r.rate for k, r in grid.stored.items()},
        user=s["editor"],
    )


def _rate_in_admin(client, s):
    rate = MunicipalRate.objects.get(municipality=s["municipality"], programme=s["lz"], year=2025)
    rate.rate = D("75")
    rate.save()


def _programme(client, s):
    programme_services.programme_update(programme=s["lz"], data={"default_rate": D("65")}, user=s["editor"])


def _approval(client, s):
    ApprovalNotice.objects.create(
        concept=s["concept"],
        municipality=s["municipality"],
        programme=s["lz"],
        year=2025,
        amount=D("1.00"),
        reference="ZB-1",
        date=datetime.date(2025, 10, 1),
    )


def _concept_years(client, s):
    concept = Concept.objects.get(pk=s["concept"].pk)
    rows = [project_services.ParticipationRow(municipality=s["municipality"], role="lead")]
    project_services.concept_update(
        concept=concept,
        data={"year_to": 2031},
        participations=rows,
        expected_version=concept.version,
        user=s["editor"],
    )


def _quarter(client, s):
    quarter = Quarter.objects.get(pk=s["quarter"].pk)
    project_services.quarter_update(
        quarter=quarter, data={"programme": "SZ"}, expected_version=quarter.version, user=s["editor"]
    )


def _municipality_renamed(client, s):
    municipality = s["municipality"]
    municipality.name = "Hallenbeck (Westf.)"
    municipality.save()


def _quarters_of_measure(client, s):
    s["measure"].quarters.clear()


def _freeze(client, s):
    version_services.kuf_version_freeze(concept=s["concept"], name="Antrag", user=s["editor"])


def _module(client, s):
    FinancingModule.objects.filter(measure=s["measure"]).update(cost_share=D("50"))  # no signal …
    from projects.dataversion import concepts_changed

    concepts_changed([s["concept"].pk])  # … so a bulk writer moves the version itself


WRITES = [
    _edit_profile,
    _edit_costs,
    _measure_delete,
    _indicator,
    _import,
    _rates,
    _rate_in_admin,
    _programme,
    _approval,
    _concept_years,
    _quarter,
    _municipality_renamed,
    _quarters_of_measure,
    _freeze,
    _module,
]


def measure_url(s):
    from django.urls import reverse

    return reverse("funding:measure_edit", args=[s["concept"].slug, s["measure"].pk])


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__.strip("_") for write in WRITES])
def test_every_kind_of_write_moves_the_data_version_and_the_cached_kuf_follows(client, world, write):
    concept = world["concept"]
    before = live_kuf(concept=concept)  # computed and cached
    assert cache.get(f"kuf:live:{concept.pk}:{current_data_version(concept.pk)}") is not None
    version = current_data_version(concept.pk)
    write(client, world)
    assert current_data_version(concept.pk) > version, write.__name__
    concept = Concept.objects.get(pk=concept.pk)
    after = live_kuf(concept=concept)
    assert _same(after, _live_kuf_computed(concept)), write.__name__
    assert after is not before


def test_the_cached_kuf_is_served_without_computing(world, django_assert_num_queries):
    concept = world["concept"]
    live_kuf(concept=concept)
    # the data version (1): this process keeps the KuF it used last
    with django_assert_num_queries(1):
        cached = live_kuf(concept=concept)
    assert _same(cached, _live_kuf_computed(concept))
    # Another process (here: this one after forgetting) reads it from the shared cache: the data
    # version (1), the cache entry (1).
    live_kuf_forget_recent()
    with django_assert_num_queries(2):
        shared = live_kuf(concept=concept)
    assert _same(shared, cached)


def test_inside_a_write_the_kuf_is_computed_and_never_cached(world):
    concept = world["concept"]
    key = f"kuf:live:{concept.pk}:{current_data_version(concept.pk)}"
    with transaction.atomic():
        live = live_kuf(concept=concept)
        assert cache.get(key) is None
    assert [row.measure.code for row in live.rows] == ["HF1-M01"]
    assert cache.get(key) is None


def test_a_bulk_write_without_its_version_move_would_be_stale(world):
    # Why bulk writers must call ``concepts_changed``: without it the cache answers the old figures.
    concept = world["concept"]
    before = live_kuf(concept=concept)
    CostLine.objects.filter(measure=world["measure"]).update(gross=D("5000.00"))
    assert not _same(_live_kuf_computed(concept), before)
    assert live_kuf(concept=concept).rows[0].total.gross == before.rows[0].total.gross  # stale, as expected
    assert Measure.objects.filter(concept=concept).exists()
