"""Frozen KuF versions: what freezing stores, reading a version back like live rows, validation, query
counts, and immutability (later edits never change a version; the database refuses UPDATEs)."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from funding import kuf
from funding.kuf import selectors as kuf_selectors
from funding.models import CostLine, FinancingModule, KufVersion, KufVersionRow, MunicipalRate
from funding.versions import fingerprint
from funding.versions import selectors as versions_selectors
from funding.versions import services as versions_services
from funding.versions.cells import cell_from_json, cell_json
from measures.models import Measure
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world():
    """A concept with two action fields and three measures: a grant at the municipality's rate with a
    quarter, a measure with a third-party module and a fixed grant split by year, one without costs."""
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept(municipalities=[hallenbeck], year_from=2024, year_to=2030)
    hf1 = f.make_action_field(concept, code="HF1", title="Zentren", order=1)
    hf2 = f.make_action_field(concept, code="HF2", title="Grün", order=2)
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", programme="LZ")
    lz = f.make_programme(code="LZ", default_rate=D("60"), max_rate=D("80"), urban_programme="LZ")
    efre = f.make_programme(code="EFRE", default_rate=D("70"), max_rate=D("90"))
    f.make_rate(hallenbeck, lz, 2025, "70")
    f.make_rate(hallenbeck, lz, 2026, "70")
    market = f.make_measure(
        concept, hf1, code="A.1", title="Marktplatz", priority=1, status="preparation", hoai_phase=3
    )
    market.quarters.add(quarter)
    f.make_cost_line(market, year=2025, gross="1000000.00", ineligible="100000.00")
    f.make_cost_line(market, year=2026, gross="500000.00", section=8)
    f.make_module(market, lz)
    park = f.make_measure(concept, hf2, code="B.1", title="Nordpark", responsible_body="Grünflächenamt")
    f.make_cost_line(park, year=2026, gross="300000.00")
    f.make_cost_line(park, year=2027, gross="200000.00")
    f.make_module(park, efre, amount="300000", year_amounts={2026: "180000", 2027: "120000"})
    f.make_module(park, kind="third_party", source="Stiftung", amount="50000")
    empty = f.make_measure(concept, hf2, code="B.2", title="Ohne Kosten")
    user = f.make_user("planung")
    return {
        "concept": concept,
        "measures": [market, park, empty],
        "user": user,
        "hf2": hf2,
        "lz": lz,
        "hallenbeck": hallenbeck,
    }


def _freeze(world, name="Antrag 2026", note=""):
    return versions_services.kuf_version_freeze(
        concept=world["concept"], name=name, note=note, user=world["user"]
    )


def test_freeze_stores_every_column(world):
    version = _freeze(world, name="  Antrag 2026 ", note="Für den Antrag vom 01.09.")

    assert (version.name, version.note, version.created_by) == (
        "Antrag 2026",
        "Für den Antrag vom 01.09.",
        "planung",
    )
    assert version.years == list(range(2024, 2031))
    rows = list(KufVersionRow.objects.filter(version=version).order_by("position"))
    assert [(row.position, row.code) for row in rows] == [(1, "A.1"), (2, "B.1"), (3, "B.2")]
    market, park, empty = rows
    assert market.measure_uid == world["measures"][0].uid and market.measure_id == world["measures"][0].pk
    assert (market.title, market.action_field_code, market.action_field_title, market.action_field_order) == (
        "Marktplatz",
        "HF1",
        "Zentren",
        1,
    )
    assert (market.municipality, market.quarters, market.quarter_programmes) == ("Hallenbeck", ["Q1"], ["LZ"])
    assert (market.sections, market.programmes, market.rates) == ([8, 9], ["LZ"], ["70.00"])
    assert (market.priority, market.status, market.hoai_phase, market.start_year, market.end_year) == (
        1,
        "preparation",
        3,
        2024,
        2030,
    )
    assert market.by_year == {
        "2025": {
            "gross": "1000000.00",
            "ineligible": "100000.00",
            "eligible": "900000.00",
            "grant": "630000.00",
            "third_party": "0.00",
            "municipal_share": "370000.00",
            "gap": "0.00",
            "over": "0.00",
            "grants": {"LZ": "630000.00"},
            "bases": {"LZ": "900000.00"},
        },
        "2026": {
            "gross": "500000.00",
            "ineligible": "0.00",
            "eligible": "500000.00",
            "grant": "350000.00",
            "third_party": "0.00",
            "municipal_share": "150000.00",
            "gap": "0.00",
            "over": "0.00",
            "grants": {"LZ": "350000.00"},
            "bases": {"LZ": "500000.00"},
        },
    }
    assert (market.gross, market.eligible, market.grant, market.municipal_share, market.gap) == (
        D("1500000.00"),
        D("1400000.00"),
        D("980000.00"),
        D("520000.00"),
        D("0.00"),
    )
    assert (park.grant, park.third_party, park.municipal_share, park.responsible_body) == (
        D("300000.00"),
        D("50000.00"),
        D("150000.00"),
        "Grünflächenamt",
    )
    assert park.by_year["2026"]["third_party"] == "30000.00"  # 50.000 € spread pro rata to the gross cost
    assert park.rates == [] and park.programmes == ["EFRE"]
    assert empty.by_year == {} and empty.gross == D("0.00")
    assert {check["kind"] for check in empty.checks} == {"no_costs"}
    assert market.checks == []


def test_version_rows_are_the_live_rows_at_freezing_time(world):
    concept = world["concept"]
    live_kuf = kuf_selectors.live_kuf(concept=concept)
    live, live_checks = live_kuf.rows, live_kuf.checks
    version = _freeze(world)

    frozen = versions_selectors.kuf_rows_for_version(version=KufVersion.objects.get(pk=version.pk))

    assert [fingerprint.fingerprint(row) for row in frozen] == [fingerprint.fingerprint(row) for row in live]
    for old, new in zip(live, frozen, strict=True):
        assert new.measure.uid == old.measure.uid and new.measure.id == old.measure.id
        assert new.by_year == old.by_year
        assert new.total == old.total
        assert new.measure.action_field == old.measure.action_field
        assert new.measure.municipality == old.measure.municipality
        assert (new.programmes, new.rates, new.sections) == (old.programmes, old.rates, old.sections)
        assert all(isinstance(cell.gross, Decimal) for cell in new.by_year.values())
    for group_by in kuf.GROUPINGS:
        live_table = kuf.build_table(live, years=concept.years, group_by=group_by)
        frozen_table = kuf.build_table(frozen, years=version.years, group_by=group_by)
        assert frozen_table.total == live_table.total
        assert frozen_table.by_year == live_table.by_year
        assert [(g.label, g.total) for g in frozen_table.groups] == [
            (g.label, g.total) for g in live_table.groups
        ]
        assert frozen_table.by_programme == live_table.by_programme
    assert versions_selectors.kuf_checks_for_version(version=version) == live_checks


def test_rows_and_checks_of_a_version_cost_one_query(world, django_assert_num_queries):
    version_pk = _freeze(world).pk
    version = KufVersion.objects.get(pk=version_pk)

    # The cache (a miss), the rows, storing them in the database cache (entry count, savepoint, key,
    # insert, release)
    with django_assert_num_queries(7):
        rows = versions_selectors.kuf_rows_for_version(version=version)
        checks = versions_selectors.kuf_checks_for_version(version=version)
    assert len(rows) == 3 and set(checks) == {row.measure.uid for row in rows}
    # A version never changes: from now on one query (the cache entry), for any object of it.
    other = KufVersion.objects.get(pk=version_pk)
    with django_assert_num_queries(1):
        again = versions_selectors.kuf_rows_for_version(version=other)
    assert [row.measure.uid for row in again] == [row.measure.uid for row in rows]


@pytest.mark.parametrize("name", ["", "   "])
def test_freeze_needs_a_name_and_saves_nothing(world, name):
    with pytest.raises(ValidationError) as error:
        _freeze(world, name=name)

    assert error.value.message_dict == {"name": ["Bitte geben Sie dem Stand einen Namen."]}
    assert not KufVersion.objects.exists() and not KufVersionRow.objects.exists()


def test_freeze_refuses_a_name_used_in_the_concept_and_saves_nothing(world):
    _freeze(world, name="Antrag 2026")

    with pytest.raises(ValidationError) as error:
        _freeze(world, name=" Antrag 2026")

    assert list(error.value.message_dict) == ["name"]
    assert "„Antrag 2026“ gibt es in diesem Konzept schon" in error.value.message_dict["name"][0]
    assert KufVersion.objects.count() == 1 and KufVersionRow.objects.count() == 3
    # The same name in another concept is fine.
    other = f.make_concept()
    versions_services.kuf_version_freeze(concept=other, name="Antrag 2026", user=world["user"])
    assert KufVersion.objects.count() == 2


def test_freeze_refuses_a_too_long_name(world):
    with pytest.raises(ValidationError) as error:
        _freeze(world, name="x" * 101)

    assert list(error.value.message_dict) == ["name"]
    assert not KufVersion.objects.exists()


def _freeze_queries(concept, user) -> int:
    with CaptureQueriesContext(connection) as context:
        versions_services.kuf_version_freeze(concept=concept, name="Stand", user=user)
    return len(context.captured_queries)


def _insert_batches(count: int) -> int:
    """INSERT statements for ``count`` version rows: one on PostgreSQL; SQLite takes at most 999
    parameters per statement, so Django splits the bulk insert into batches there."""
    fields = [field for field in KufVersionRow._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * count) or count
    return -(-count // batch)


def test_freeze_query_count_does_not_grow_with_the_measures():
    programme = f.make_programme()
    user = f.make_user()
    counts = {}
    for count in (5, 50):
        concept = f.make_concept()
        f.make_costed_measures(concept, count, programme)
        # savepoint of the freeze's transaction (inside the test's), name check, 6 for the live rows
        # (rates, measures, quarters, cost lines, modules, module years), approvals (for the checks),
        # the version's id, savepoint + INSERT of the version + release, the concept's data version
        # moved on (the new version is data of the concept), release; not counted: the rows' bulk
        # INSERT (before the version)
        counts[count] = _freeze_queries(concept, user) - _insert_batches(count)
    assert counts[5] == counts[50] == 15
    assert KufVersionRow.objects.count() == 55


# --- Immutability ---------------------------------------------------------------------------------------


def _refused(action) -> None:
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        action()
    assert isinstance(error.value, IntegrityError)
    assert "kann nicht geändert werden" in str(error.value)


def test_the_database_refuses_any_update_of_a_version_or_its_rows(world):
    version = _freeze(world)
    row = KufVersionRow.objects.filter(version=version).first()

    def save_row():
        row.gross = D("1.00")
        row.save()

    def save_version():
        version.name = "Geändert"
        version.save()

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE funding_kufversionrow SET gross = 1 WHERE version_id = %s", [version.pk])

    _refused(save_row)
    _refused(save_version)
    _refused(lambda: KufVersionRow.objects.filter(version=version).update(grant=D("0.00")))
    _refused(lambda: KufVersion.objects.filter(pk=version.pk).update(name="Geändert"))
    _refused(raw_update)

    stored = KufVersion.objects.get(pk=version.pk)
    assert stored.name == "Antrag 2026"
    assert sorted(KufVersionRow.objects.filter(version=version).values_list("gross", flat=True)) == [
        D("0.00"),
        D("500000.00"),
        D("1500000.00"),
    ]
    # Deleting a whole version stays possible (admin only).
    stored.delete()
    assert not KufVersionRow.objects.exists()


def test_later_edits_never_change_a_version(world):
    concept = world["concept"]
    live_before = kuf.build_table(kuf_selectors.kuf_rows_for_concept(concept=concept), years=concept.years)
    version = _freeze(world)
    market, park, empty = world["measures"]

    CostLine.objects.filter(measure=market).update(gross=D("9000000.00"))
    MunicipalRate.objects.filter(municipality=world["hallenbeck"]).update(rate=D("40"))
    FinancingModule.objects.filter(measure=park, kind="third_party").update(amount=D("1.00"))
    Measure.objects.filter(pk=market.pk).update(title="Umbenannt", action_field=world["hf2"])
    f.make_cost_line(empty, year=2028, gross="77777.00")
    f.make_costed_measures(concept, 2, world["lz"])
    park.delete()

    frozen = versions_selectors.kuf_rows_for_version(version=KufVersion.objects.get(pk=version.pk))
    table = kuf.build_table(frozen, years=version.years)
    assert table.total == live_before.total
    assert table.by_year == live_before.by_year
    assert [row.measure.code for row in frozen] == ["A.1", "B.1", "B.2"]
    assert frozen[0].measure.title == "Marktplatz" and frozen[0].measure.action_field.key == "HF1"
    live_after = kuf.build_table(kuf_selectors.kuf_rows_for_concept(concept=concept), years=concept.years)
    assert live_after.total.gross != table.total.gross
    listed = versions_selectors.kuf_versions_for_concept(concept=concept).get()
    assert (listed.row_count, listed.gross_total, listed.grant_total) == (
        3,
        live_before.total.gross,
        live_before.total.grant,
    )


# --- Sealed rows: nothing added to or taken from an existing version (migration 0007) -------------------

SEALED = "eingefrorenen KuF-Stand können keine Zeilen"


def _refused_with(action, message: str) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        action()
    assert message in str(error.value)


def _gross_of(version) -> list[Decimal]:
    return sorted(KufVersionRow.objects.filter(version=version).values_list("gross", flat=True))


def _raw_copy_of(row: KufVersionRow, *, version_id: int) -> None:
    """INSERT, in plain SQL, a copy of ``row`` (with another measure) into version ``version_id``."""
    columns = [
        field.column
        for field in KufVersionRow._meta.concrete_fields
        if not field.primary_key and field.column not in ("version_id", "measure_uid", "position")
    ]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO funding_kufversionrow (version_id, measure_uid, position, {quoted}) "  # noqa: S608
            f"SELECT %s, %s, 99, {quoted} FROM funding_kufversionrow WHERE id = %s",
            [version_id, uuid.uuid4().hex, row.pk],
        )


def test_the_database_refuses_to_delete_single_rows_of_a_version(world):
    version = _freeze(world)
    other = _freeze(world, name="Stand 01.09.2025")
    before = _gross_of(version)
    row = KufVersionRow.objects.filter(version=version).order_by("position").first()

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM funding_kufversionrow WHERE id = %s", [row.pk])

    def raw_delete_all():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM funding_kufversionrow")

    message = "Aus einem eingefrorenen KuF-Stand können keine Zeilen gelöscht werden"
    _refused_with(raw_delete, message)
    _refused_with(raw_delete_all, message)
    _refused_with(row.delete, message)
    _refused_with(lambda: KufVersionRow.objects.filter(version=version).delete(), message)

    assert _gross_of(version) == before == _gross_of(other)
    listed = {v.pk: v for v in versions_selectors.kuf_versions_for_concept(concept=world["concept"])}
    assert (listed[version.pk].row_count, listed[version.pk].gross_total) == (3, D("2000000.00"))


def test_the_database_refuses_to_add_rows_to_an_existing_version(world):
    version = _freeze(world)
    row = KufVersionRow.objects.filter(version=version).order_by("position").first()

    def orm_create():
        KufVersionRow.objects.create(
            version=version,
            position=4,
            measure_uid=uuid.uuid4(),
            code="X.1",
            title="Nachgeschoben",
            action_field_code="HF1",
            action_field_title="Zentren",
            municipality="Hallenbeck",
            priority=1,
            status="planned",
            hoai_phase=0,
            start_year=2025,
            end_year=2025,
            gross=D("1.00"),
            eligible=D("1.00"),
            grant=D("0.00"),
            third_party=D("0.00"),
            municipal_share=D("1.00"),
            gap=D("0.00"),
        )

    def orm_bulk():
        copy = KufVersionRow.objects.get(pk=row.pk)
        copy.pk, copy.measure_uid, copy.position = None, uuid.uuid4(), 5
        KufVersionRow.objects.bulk_create([copy])

    _refused_with(orm_create, SEALED)
    _refused_with(orm_bulk, SEALED)
    _refused_with(lambda: _raw_copy_of(row, version_id=version.pk), SEALED)
    # A version made without freezing (the admin, a fixture) has no rows and never gets any.
    empty = KufVersion.objects.create(concept=world["concept"], name="Leer", years=[2025])
    _refused_with(lambda: _raw_copy_of(row, version_id=empty.pk), SEALED)

    assert KufVersionRow.objects.filter(version=version).count() == 3
    assert not KufVersionRow.objects.filter(version=empty).exists()


def test_rows_without_their_version_are_never_committed(world):
    """A row is accepted only for a version that does not exist yet; the foreign key, checked at
    commit, then needs that version in the same transaction."""
    version = _freeze(world)
    row = KufVersionRow.objects.filter(version=version).first()

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_copy_of(row, version_id=version.pk + 1000)
        connection.check_constraints()  # what COMMIT does with the deferred foreign key

    assert KufVersionRow.objects.count() == 3


def test_deleting_a_whole_version_deletes_its_rows_by_every_path(world, rf):
    from django.contrib import admin
    from django.contrib.admin.utils import get_deleted_objects

    concept = world["concept"]
    names = iter(f"Stand {number}" for number in range(1, 10))

    def make():
        return _freeze(world, name=next(names))

    keep = make()
    kept_rows = _gross_of(keep)

    version = make()
    version.delete()
    assert not KufVersion.objects.filter(pk=version.pk).exists()
    assert not KufVersionRow.objects.filter(version_id=version.pk).exists()

    first, second = make(), make()
    KufVersion.objects.filter(pk__in=[first.pk, second.pk]).delete()
    assert not KufVersionRow.objects.filter(version_id__in=[first.pk, second.pk]).exists()

    raw = make()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funding_kufversion WHERE id = %s", [raw.pk])
    assert not KufVersionRow.objects.filter(version_id=raw.pk).exists()

    # The admin (``delete_model`` for one version, ``delete_queryset`` for the "delete selected"
    # action), with the registered KufVersion admin if there is one.
    model_admin = admin.site._registry.get(KufVersion) or admin.ModelAdmin(KufVersion, admin.site)
    request = rf.post("/admin/")
    request.user = f.make_user(is_superuser=True, is_staff=True)
    one, two, three = make(), make(), make()
    deleted, _count, _perms, protected = get_deleted_objects([one], request, model_admin.admin_site)
    assert deleted and not protected
    model_admin.delete_model(request, one)
    model_admin.delete_queryset(request, KufVersion.objects.filter(pk__in=[two.pk, three.pk]))
    assert not KufVersionRow.objects.filter(version_id__in=[one.pk, two.pk, three.pk]).exists()

    assert list(KufVersion.objects.values_list("pk", flat=True)) == [keep.pk]
    assert _gross_of(keep) == kept_rows
    # Freezing still works afterwards, and deleting the concept takes its versions and rows along.
    again = make()
    assert KufVersionRow.objects.filter(version=again).count() == 3
    Measure.objects.filter(concept=concept).delete()  # measures protect their action fields
    concept.delete()
    assert not KufVersion.objects.exists() and not KufVersionRow.objects.exists()


def test_cells_frozen_before_over_financing_and_programme_bases_read_back():
    # Before gap and over-financing were kept apart, an over-financed year stored a negative gap; before
    # the programmes' eligible cost was stored, a cell had no "bases".
    legacy = {
        "gross": "100.00",
        "ineligible": "0.00",
        "eligible": "100.00",
        "grant": "70.00",
        "third_party": "40.00",
        "municipal_share": "0.00",
        "gap": "-10.00",
        "grants": {"LZ": "70.00"},
    }
    cell = cell_from_json(legacy)
    assert (cell.gap, cell.over, cell.bases_by_programme) == (D("0.00"), D("10.00"), {})
    assert cell_from_json(cell_json(cell)) == cell
    measure = kuf.MeasureInput(
        id=1,
        uid="u1",
        code="A.1",
        title="Alt",
        action_field=kuf.Label("HF1", "Zentren"),
        municipality=kuf.Label("Hallenbeck", "Hallenbeck"),
        start_year=2025,
        end_year=2025,
    )
    row = kuf.KufRow(measure, {2025: cell}, cell, ("LZ",), (D("70"),), (9,))
    # Grouped by programme, such a row stands whole under its programme.
    (part,) = kuf.programme_parts(row)
    assert (part.part, part.total.gross, part.total.grant) == ("LZ", D("100.00"), D("70.00"))
