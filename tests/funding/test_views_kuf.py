"""The KuF page: totals against independent database sums, filters, grouping, checks, query counts."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import kuf
from funding.models import ApprovalNotice, CostLine, FinancingModule
from measures.models import Measure
from projects.formatting import format_eur
from projects.models import Concept, ConceptMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
Role = ConceptMembership.Role
D = Decimal


def _url(concept, **params) -> str:
    url = reverse("funding:kuf_table", args=[concept.slug])
    if params:
        url += "?" + urlencode(params, doseq=True)
    return url


def _db_sums(concept, measures, years=None) -> dict[str, Decimal]:
    lines = CostLine.objects.filter(measure__concept=concept, measure__in=measures)
    if years:
        lines = lines.filter(year__gte=years[0], year__lte=years[1])
    sums = lines.aggregate(
        gross_sum=Sum("gross"),
        ineligible_sum=Sum("ineligible"),
        eligible_sum=Sum(F("gross") - F("ineligible")),
    )
    return {key.removesuffix("_sum"): value or D("0.00") for key, value in sums.items()}


def test_demo_totals_equal_independent_sums_for_every_grouping_and_filter(client):
    call_command("load_demo", "--allow-production", stdout=open("/dev/null", "w"))  # noqa: SIM115
    concept = Concept.objects.get(slug="iihk-lippe-wesseltal-2030")
    client.force_login(f.make_user(is_superuser=True))
    measures = Measure.objects.filter(concept=concept)
    combos = [({}, measures, None)]
    for municipality in concept.municipalities.all():
        combos.append(({"kommune": municipality.name}, measures.filter(municipality=municipality), None))
    for field in concept.action_fields.all():
        combos.append(({"handlungsfeld": field.code}, measures.filter(action_field=field), None))
    for quarter in concept.quarters.all():
        combos.append(({"quartier": quarter.code}, measures.filter(quarters=quarter).distinct(), None))
    for code in ("LZ", "SZ", "WNE", "EFRE-KA"):
        combos.append(
            ({"programm": code}, measures.filter(financing_modules__programme__code=code).distinct(), None)
        )
    combos += [
        ({"prioritaet": "1"}, measures.filter(priority=1), None),
        ({"status": "planned"}, measures.filter(status="planned"), None),
        ({"planungsstand": ["0", "1"]}, measures.filter(hoai_phase__in=[0, 1]), None),
        ({"suche": "park"}, measures.filter(title__icontains="park"), None),
        ({"jahr_von": "2025", "jahr_bis": "2026"}, measures, (2025, 2026)),
        (
            {"kommune": "Hallenbeck", "jahr_von": "2027", "handlungsfeld": "HF3"},
            measures.filter(municipality__name="Hallenbeck", action_field__code="HF3"),
            (2027, 2100),
        ),
    ]
    for grouping in kuf.GROUPINGS:
        for params, expected_measures, years in combos:
            response = client.get(_url(concept, gruppierung=grouping, **params))
            assert response.status_code == 200
            table = response.context["table"]
            expected = _db_sums(concept, expected_measures, years)
            label = (grouping, params)
            assert table.total.gross == expected["gross"], label
            assert table.total.ineligible == expected["ineligible"], label
            assert table.total.eligible == expected["eligible"], label
            # Subtotals and year columns add up to the grand total of what is shown.
            for name in ("gross", "eligible", "grant", "municipal_share", "third_party", "gap"):
                total = getattr(table.total, name)
                assert total == sum((getattr(g.total, name) for g in table.groups), D(0)), label
                assert total == sum((getattr(c, name) for c in table.by_year.values()), D(0)), label
            assert (
                table.total.grant + table.total.third_party + table.total.municipal_share + (table.total.gap)
                == table.total.gross
            )
            if params == {}:
                assert format_eur(expected["gross"]) in response.content.decode()


@pytest.fixture
def setup():
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], year_from=2024, year_to=2030, published=False)
    field = f.make_action_field(concept, code="HF1", title="Zentren")
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", programme="LZ")
    lz = f.make_programme(code="LZ", default_rate=D("60"), max_rate=D("80"), urban_programme="LZ")
    sz = f.make_programme(code="SZ", default_rate=D("60"), max_rate=D("80"), urban_programme="SZ")
    editor = f.make_user("planerin")
    f.make_membership(concept, editor, Role.EDITOR)
    return {"concept": concept, "field": field, "quarter": quarter, "lz": lz, "sz": sz, "editor": editor}


def _measure(s, code, gross="1000.00", year=2025, programme=None, rate=None, **fields):
    measure = f.make_measure(s["concept"], s["field"], code=code, title=f"Maßnahme {code}", **fields)
    measure.quarters.add(s["quarter"])
    if gross is not None:
        f.make_cost_line(measure, year=year, gross=gross)
    f.make_module(measure, programme or s["lz"], rate=rate)
    return measure


def test_checks_are_shown_on_the_rows_they_concern(client, setup):
    s = setup
    _measure(s, "OK", rate="70")
    _measure(s, "HOCH", rate="90")
    _measure(s, "LEER", gross=None)
    _measure(s, "SPAET", year=2031, end_year=2031)
    _measure(s, "FALSCH", programme=s["sz"], rate="70")
    gap = _measure(s, "LUECKE", rate="70")
    f.make_module(gap, None, kind="municipal", amount="100.00")
    ApprovalNotice.objects.create(
        concept=s["concept"],
        municipality=s["concept"].municipalities.first(),
        programme=s["lz"],
        year=2031,
        amount=D("10.00"),
        date="2025-10-01",
        reference="B-1",
    )
    client.force_login(s["editor"])
    response = client.get(_url(s["concept"]))
    rows = {
        item.row.measure.code: [kind for kind, _label, _msg in item.checks]
        for item in response.context["shown_checks"]
    }
    assert "OK" not in rows
    assert rows["HOCH"] == ["rate"]
    assert rows["LEER"] == ["no_costs"]
    assert sorted(rows["SPAET"]) == ["approval", "years"]
    assert rows["FALSCH"] == ["programme"]
    assert rows["LUECKE"] == ["gap"]
    body = response.content.decode()
    assert "LZ: Fördersatz 90 % über dem Höchstsatz 80 %." in body
    assert "Finanzierungslücke von 200,00 €." in body
    assert "Kosten in 2031, außerhalb der Programmjahre des Konzepts." in body
    assert "SZ passt zu keinem der Quartiere (Q1)." in body


def test_units_year_values_and_grouping_switch(client, setup):
    s = setup
    _measure(s, "A", gross="123456.78", rate="70")
    client.force_login(s["editor"])
    body = client.get(_url(s["concept"], einheit="TEUR")).content.decode()
    assert "123,5 T€" in body
    assert "123.456,78 €" not in body
    response = client.get(_url(s["concept"], jahreswert="grant"))
    assert response.context["groups"][0].rows[0].years[1] == "86.419,75 €"  # 2025: 70 % of 123.456,78
    response = client.get(_url(s["concept"], gruppierung="programme"))
    assert [g.label.key for g in response.context["groups"]] == ["LZ"]


def test_invalid_filters_are_reported_and_ignored(client, setup):
    s = setup
    _measure(s, "A", rate="70")
    client.force_login(s["editor"])
    response = client.get(_url(s["concept"], kommune="Atlantis", jahr_von="abc"))
    assert response.status_code == 200
    assert response.context["shown_count"] == 1
    assert "Einige Filterangaben sind ungültig" in response.content.decode()


def test_print_stylesheet_and_sticky_header(client, setup):
    client.force_login(setup["editor"])
    body = client.get(_url(setup["concept"])).content.decode()
    assert 'href="/static/css/kuf-print.css" media="print"' in body
    assert 'class="kuf-scroll" role="region"' in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_is_the_same_for_5_and_500_measures(client, setup):
    s = setup
    client.force_login(s["editor"])
    for i in range(5):
        _measure(s, f"M{i}", rate="70")
    url = _url(s["concept"], gruppierung="municipality", jahr_von="2025")
    small = _count(client, url)
    concept = s["concept"]
    municipality = concept.municipalities.first()
    new = Measure.objects.bulk_create(
        Measure(
            concept=concept,
            action_field=s["field"],
            municipality=municipality,
            code=f"B{i}",
            title=f"Bulk {i}",
            start_year=2024,
            end_year=2030,
        )
        for i in range(495)
    )
    CostLine.objects.bulk_create(
        CostLine(measure=m, section=9, year=2024 + i % 7, gross=D("1000.00"), ineligible=D("0"))
        for i, m in enumerate(new)
    )
    FinancingModule.objects.bulk_create(
        FinancingModule(measure=m, kind="grant", programme=s["lz"]) for m in new
    )
    Measure.quarters.through.objects.bulk_create(
        Measure.quarters.through(measure_id=m.pk, quarter_id=s["quarter"].pk) for m in new
    )
    assert Measure.objects.filter(concept=concept).count() == 500
    # session, user, concept, memberships, 6 for the rows (measures, quarters, cost lines, modules,
    # module years, rates), approvals, open comments (rows and per municipality), municipalities,
    # verdicts, versions
    assert _count(client, url) == small
