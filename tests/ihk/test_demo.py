"""The demo data (``ihk/demo/``) and the ``load_demo`` command."""

import shutil
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum

from funding.exchange import imports
from funding.kuf.selectors import kuf_rows_for_concept, kuf_table_for_concept
from funding.models import (
    ApprovalNotice,
    CostLine,
    FinancingModule,
    FundingProgramme,
    KufVersion,
    MunicipalRate,
)
from funding.versions import diff
from funding.versions import selectors as versions_selectors
from ihk.demo import IIHK_SLUG, RHEINWERTH_SLUG, USERS, demo_load, demo_password
from ihk.demo import loader as demo_loader
from measures.models import Measure
from participation.models import Comment
from projects.models import Concept, ConceptMembership, Municipality

D = Decimal
DEMO_APPS = ("projects", "measures", "funding", "participation")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Eight demo users per load: a cheap hasher keeps the tests fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo():
    demo_load()
    return {
        "iihk": Concept.objects.get(slug=IIHK_SLUG),
        "rheinwerth": Concept.objects.get(slug=RHEINWERTH_SLUG),
    }


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every model, by model label: counts and values."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def _plain_kuf_totals(concept: Concept) -> dict[str, Decimal]:
    """The KuF totals recomputed here, independently of ``funding.kuf``, following DOMAIN.md.

    Per measure and year: eligible = gross - ineligible; a rate module gives eligible x share x rate
    (the municipality's rate for programme and year when the module has none); a fixed module gives its
    per-year amounts. The demo's amounts are whole euros and percentages, so every product is exact.
    """
    rates = {
        (rate.municipality_id, rate.programme_id, rate.year): rate.rate
        for rate in MunicipalRate.objects.all()
    }
    totals = defaultdict(Decimal)
    for measure in Measure.objects.filter(concept=concept):
        eligible_by_year: dict[int, Decimal] = defaultdict(Decimal)
        for line in measure.cost_lines.all():
            totals["gross"] += line.gross
            eligible_by_year[line.year] += line.gross - line.ineligible
        totals["eligible"] += sum(eligible_by_year.values(), D(0))
        for module in measure.financing_modules.all():
            key = "grant" if module.kind == FinancingModule.Kind.GRANT else module.kind
            fixed = {entry.year: entry.amount for entry in module.years.all()}
            assert module.amount is None or sum(fixed.values()) == module.amount, "demo splits fixed amounts"
            if fixed:
                totals[key] += sum(fixed.values())
                continue
            for year, eligible in eligible_by_year.items():
                rate = module.rate
                if rate is None:
                    rate = rates[(measure.municipality_id, module.programme_id, year)]
                totals[key] += eligible * module.cost_share * rate / 10_000
    return dict(totals)


@pytest.mark.django_db
def test_demo_load_builds_both_concepts(demo):
    iihk, rheinwerth = demo["iihk"], demo["rheinwerth"]

    assert iihk.kind == Concept.Kind.IIHK and iihk.published and iihk.status == Concept.Status.ADOPTED
    assert (iihk.year_from, iihk.year_to) == (2024, 2030)
    assert iihk.lead_organisation.name == "Wasserverband Lippe-Wesseltal"
    assert iihk.quarters.count() == 8
    assert iihk.action_fields.count() == 6
    assert 35 <= iihk.measures.count() <= 45
    assert sorted(iihk.municipalities.values_list("name", flat=True)) == [
        "Hallenbeck",
        "Ostervenne",
        "Rheinwerth",
        "Sürenbruch",
    ]
    for action_field in iihk.action_fields.all():
        assert 2 <= action_field.goals.count() <= 3
        assert 3 <= action_field.swot_entries.count() <= 4
    assert iihk.swot_entries.filter(action_field__isnull=True).exists()

    assert rheinwerth.kind == Concept.Kind.IHK and rheinwerth.published
    assert (rheinwerth.year_from, rheinwerth.year_to) == (2025, 2032)
    assert rheinwerth.quarters.count() == 1
    assert rheinwerth.action_fields.count() == 4
    assert 12 <= rheinwerth.measures.count() <= 18
    assert list(rheinwerth.municipalities.values_list("name", flat=True)) == ["Rheinwerth"]
    assert Municipality.objects.filter(name="Rheinwerth").count() == 1

    assert set(FundingProgramme.objects.values_list("code", flat=True)) >= {
        "LZ",
        "SZ",
        "WNE",
        "EFRE-WiW",
        "EFRE-KA",
        "KFW432",
        "ZIO",
    }
    ostervenne = Municipality.objects.get(name="Ostervenne")
    assert ostervenne.budget_protection
    assert MunicipalRate.objects.get(municipality=ostervenne, programme__code="KFW432", year=2026).rate == 90
    assert (
        MunicipalRate.objects.get(municipality__name="Rheinwerth", programme__code="LZ", year=2032).rate == 60
    )

    for concept in (iihk, rheinwerth):
        measures = concept.measures.all()
        # NRW requires at least one climate measure; the demo has several.
        assert measures.exclude(climate_relevance=Measure.Climate.NONE).count() >= 3
        for quarter in concept.quarters.all():
            assert quarter.measures.exists(), quarter
            assert quarter.boundary["type"] == "Polygon"
        for measure in measures:
            assert measure.goals.exists() and measure.quarters.exists(), measure
            assert 1 <= measure.indicators.count() <= 2, measure
            assert measure.financing_modules.exists(), measure
            assert measure.starting_situation and measure.description and measure.expected_effect

    for municipality in iihk.municipalities.all():
        assert 2 <= ApprovalNotice.objects.filter(concept=iihk, municipality=municipality).count() <= 3
    assert 8 <= Comment.objects.filter(measure__concept=iihk).count() <= 12
    assert Comment.objects.filter(status=Comment.Status.PENDING).exists()
    assert Comment.objects.filter(status=Comment.Status.PUBLISHED).exclude(reply="").exists()
    for comment in Comment.objects.exclude(replied_at=None):
        assert comment.created_at < comment.replied_at, comment


@pytest.mark.django_db
def test_demo_users_and_roles(demo):
    iihk, rheinwerth = demo["iihk"], demo["rheinwerth"]
    users = get_user_model().objects

    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not users.get(username="planung").is_staff
    assert get_user_model().objects.get(username="planung").check_password(demo_password("planung"))

    def roles(username, concept):
        return set(
            ConceptMembership.objects.filter(user__username=username, concept=concept).values_list(
                "role", "municipality__name"
            )
        )

    for concept in (iihk, rheinwerth):
        assert roles("planung", concept) == {("editor", None)}
        assert roles("foerderung", concept) == {("funder", None)}
        assert roles("moderation", concept) == {("moderator", None)}
    assert roles("pruefung-hallenbeck", iihk) == {("reviewer", "Hallenbeck")}
    assert roles("pruefung-suerenbruch", iihk) == {("reviewer", "Sürenbruch")}
    assert roles("pruefung-rheinwerth", rheinwerth) == {("reviewer", "Rheinwerth")}
    assert roles("pruefung-ostervenne", rheinwerth) == set()


@pytest.mark.django_db
def test_demo_load_twice_changes_nothing():
    first = demo_load()
    before = _snapshot()
    password_hash = get_user_model().objects.get(username="planung").password

    second = demo_load()

    assert first.created_concepts == (IIHK_SLUG, RHEINWERTH_SLUG)
    assert second.created_concepts == ()
    assert second.skipped_concepts == (IIHK_SLUG, RHEINWERTH_SLUG)
    assert [login.created for login in second.logins] == [False] * len(USERS)
    after = _snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in before.items()
    }
    assert after == before
    assert get_user_model().objects.get(username="planung").password == password_hash


@pytest.mark.django_db
def test_cost_lines_lie_within_measure_and_concept_years(demo):
    for measure in Measure.objects.select_related("concept").prefetch_related("cost_lines"):
        lines = list(measure.cost_lines.all())
        assert lines, measure
        concept = measure.concept
        assert concept.year_from <= measure.start_year <= measure.end_year <= concept.year_to, measure
        for line in lines:
            assert measure.start_year <= line.year <= measure.end_year, line
            assert 7 <= line.section <= 11
        for module in measure.financing_modules.all():
            for entry in module.years.all():
                assert measure.start_year <= entry.year <= measure.end_year, entry


@pytest.mark.django_db
def test_financing_is_consistent(demo):
    """Shares of rate modules stay within 100 %, and every grant without its own rate finds one."""
    rates = set(MunicipalRate.objects.values_list("municipality_id", "programme_id", "year"))
    for measure in Measure.objects.prefetch_related("financing_modules", "cost_lines"):
        rate_modules = [
            m for m in measure.financing_modules.all() if m.amount is None and not m.years.exists()
        ]
        assert sum(m.cost_share for m in rate_modules) <= 100, measure
        years = {line.year for line in measure.cost_lines.all()}
        for module in rate_modules:
            if module.kind == FinancingModule.Kind.GRANT and module.rate is None:
                for year in years:
                    assert (measure.municipality_id, module.programme_id, year) in rates, (measure, year)


@pytest.mark.django_db
def test_every_demo_object_passes_full_clean(demo):
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in DEMO_APPS and not m.__name__.startswith("Historical")
    ] + [get_user_model()]
    checked = 0
    for model in models:
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked > 500


@pytest.mark.django_db
def test_kuf_totals_land_in_domain_ranges(demo):
    iihk, rheinwerth = demo["iihk"], demo["rheinwerth"]

    table = kuf_table_for_concept(concept=iihk)
    assert D("45000000") <= table.total.gross <= D("60000000")
    assert D("30000000") <= table.total.grant <= D("40000000")
    assert table.total.gap == 0
    orm_gross = CostLine.objects.filter(measure__concept=iihk).aggregate(total=Sum("gross"))["total"]
    assert table.total.gross == orm_gross
    plain = _plain_kuf_totals(iihk)
    assert (table.total.gross, table.total.eligible, table.total.grant, table.total.third_party) == (
        plain["gross"],
        plain["eligible"],
        plain["grant"],
        plain["third_party"],
    )

    table = kuf_table_for_concept(concept=rheinwerth)
    assert D("12000000") <= table.total.gross <= D("18000000")
    assert table.total.gap == 0
    orm_gross = CostLine.objects.filter(measure__concept=rheinwerth).aggregate(total=Sum("gross"))["total"]
    assert table.total.gross == orm_gross
    plain = _plain_kuf_totals(rheinwerth)
    assert (table.total.gross, table.total.grant) == (plain["gross"], plain["grant"])
    # Rate 60 % LZ: the LZ grants are 60 % of the eligible cost they fund.
    assert table.by_programme["LZ"] / table.total.grant > D("0.9")


@pytest.mark.django_db
def test_approval_notices_match_planned_grants(demo):
    """A notice never grants more than the KuF plans for its municipality, programme and year."""
    for concept in (demo["iihk"], demo["rheinwerth"]):
        planned: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
        for row in kuf_table_for_concept(concept=concept).rows:
            for year, cell in row.by_year.items():
                for programme, grant in cell.grants_by_programme.items():
                    planned[(row.measure.municipality.key, programme, year)] += grant
        for notice in ApprovalNotice.objects.filter(concept=concept).select_related(
            "municipality", "programme"
        ):
            key = (notice.municipality.name, notice.programme.code, notice.year)
            assert D("0.5") * planned[key] <= notice.amount <= planned[key], notice


@pytest.mark.django_db
def test_load_demo_command_prints_logins_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("load_demo")
    out = capsys.readouterr().out
    for spec in USERS:
        assert spec.username in out
        assert demo_password(spec.username) in out
    assert "Demo-Zugänge" in out
    counts = {label: len(rows) for label, rows in _snapshot().items()}

    call_command("load_demo")
    out = capsys.readouterr().out
    assert "bereits vorhanden" in out
    assert {label: len(rows) for label, rows in _snapshot().items()} == counts


@pytest.mark.django_db
def test_load_demo_if_empty_does_nothing_when_a_concept_exists(settings, capsys):
    settings.DEBUG = True
    Concept.objects.create(title="Vorhandenes Konzept", slug="vorhanden", year_from=2024, year_to=2030)

    call_command("load_demo", "--if-empty")

    assert "bereits Konzepte" in capsys.readouterr().out
    assert Concept.objects.count() == 1
    assert not get_user_model().objects.exists()
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_load_demo_if_empty_still_prints_existing_demo_logins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    capsys.readouterr()

    call_command("load_demo", "--if-empty")

    out = capsys.readouterr().out
    assert "bereits Konzepte" in out
    assert "planung / Demo-2026!planung" in out


@pytest.mark.django_db
def test_load_demo_if_empty_loads_into_an_empty_database(settings):
    settings.DEBUG = True

    call_command("load_demo", "--if-empty")

    assert set(Concept.objects.values_list("slug", flat=True)) == {IIHK_SLUG, RHEINWERTH_SLUG}


@pytest.mark.django_db
def test_load_demo_refuses_known_passwords_in_production(settings, capsys):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()
    assert not Concept.objects.exists()

    call_command("load_demo", "--allow-production")
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
    assert "admin" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_has_two_frozen_applications_with_the_revision_between(demo):
    concept = Concept.objects.get(slug="iihk-lippe-wesseltal-2030")
    old, new = KufVersion.objects.filter(concept=concept).order_by("created_at")
    assert (old.name, old.created_at.date().isoformat()) == ("Antrag 2025", "2025-09-01")
    assert (new.name, new.created_at.date().isoformat()) == ("Antrag 2026", "2026-09-01")
    old_gross = sum(row.total.gross for row in versions_selectors.kuf_rows_for_version(version=old))
    new_gross = sum(row.total.gross for row in versions_selectors.kuf_rows_for_version(version=new))
    live_gross = sum(row.total.gross for row in kuf_rows_for_concept(concept=concept))
    assert new_gross == live_gross
    assert Decimal("1.08") <= new_gross / old_gross <= Decimal("1.15")  # DOMAIN.md: costs up 8–15 %
    result = diff.kuf_diff(
        old=versions_selectors.kuf_rows_for_version(version=old),
        new=versions_selectors.kuf_rows_for_version(version=new),
    )
    assert result.summary.startswith("+4,54 Mio. € Gesamtkosten")


@pytest.mark.django_db
def test_demo_measure_lists_came_through_the_import_and_reimport_unchanged(demo):
    """The demo's measures are written by the Excel import as ``planung``; the current measure list of
    each concept, imported again, changes nothing."""
    for concept in (demo["iihk"], demo["rheinwerth"]):
        history = Measure.history.filter(concept_id=concept.pk, history_type="+")
        assert history.count() == concept.measures.count()
        assert set(history.values_list("history_user__username", flat=True)) == {"planung"}
        filename = f"{concept.slug}-massnahmen.xlsx"
        parsed = imports.read_upload(name=filename, data=(demo_loader.DATA / filename).read_bytes())
        plan = imports.import_plan(concept=concept, parsed=parsed)
        assert plan.ok and not plan.has_changes, plan.counts


@pytest.mark.django_db
def test_load_demo_stops_at_a_measure_list_the_import_refuses(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    for path in demo_loader.DATA.iterdir():
        shutil.copy(path, tmp_path / path.name)
    workbook_path = tmp_path / f"{RHEINWERTH_SLUG}-massnahmen.xlsx"
    workbook = openpyxl.load_workbook(workbook_path)
    workbook["Kostenzeilen"]["E2"] = "viel"  # Gesamtkosten of the first cost line
    workbook.save(workbook_path)
    monkeypatch.setattr(demo_loader, "DATA", tmp_path)

    with pytest.raises(CommandError, match=r"Kostenzeilen Zeile 2, Gesamtkosten"):
        call_command("load_demo")
    assert not Concept.objects.exists()
    assert not get_user_model().objects.exists()
