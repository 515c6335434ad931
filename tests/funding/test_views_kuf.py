"""The KuF page: totals against independent database sums, filters, grouping, checks, query counts."""

import copy
import re
from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

import lxml.html
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from funding import kuf
from funding.models import ApprovalNotice, CostLine, FinancingModule, MunicipalRate
from funding.review.views import KufTableView
from funding.versions import services as versions_services
from measures.models import Measure
from projects.dataversion import concepts_changed
from projects.formatting import format_eur
from projects.models import Concept
from tests import factories as f
from tests.funding.html_tables import body_rows
from tests.pages import page_queries

pytestmark = pytest.mark.django_db
D = Decimal


def _url(concept, **params) -> str:
    url = reverse("funding:kuf_table", args=[concept.slug])
    if params:
        url += "?" + urlencode(params, doseq=True)
    return url


# --- The demo's totals against an independent computation from the database --------------------------
#
# The expected figures are computed here from CostLine, FinancingModule, FinancingYear, MunicipalRate
# and FundingProgramme with this file's own few lines, never through ``funding.kuf``; the measures of
# each filter are selected with ORM lookups.

CENT = D("0.01")
FIGURES = ("gross", "ineligible", "eligible", "grant", "municipal_share", "third_party", "gap", "over")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _largest_remainder(amount: Decimal, weights: dict[int, Decimal], fallback: int) -> dict[int, Decimal]:
    positive = {year: weight for year, weight in weights.items() if weight > 0}
    if not positive:
        return {fallback: _cents(amount)}
    exact = {year: amount * weight / sum(positive.values()) for year, weight in positive.items()}
    parts = {year: value.quantize(CENT, rounding=ROUND_DOWN) for year, value in exact.items()}
    left = int((_cents(amount) - sum(parts.values())) / CENT)
    for year in sorted(positive, key=lambda year: (parts[year] - exact[year], year))[:left]:
        parts[year] += CENT
    return parts


def _expected_cells(concept) -> dict[int, dict[int, dict]]:
    """Per measure and year: every money figure and the grants by programme code."""
    rates = {
        (rate.municipality_id, rate.programme_id, rate.year): rate.rate
        for rate in MunicipalRate.objects.all()
    }
    cells: dict[int, dict[int, dict]] = {}
    for measure in Measure.objects.filter(concept=concept).prefetch_related(
        "cost_lines", "financing_modules__programme", "financing_modules__years"
    ):
        gross: dict[int, Decimal] = defaultdict(Decimal)
        ineligible: dict[int, Decimal] = defaultdict(Decimal)
        for line in measure.cost_lines.all():
            gross[line.year] += line.gross
            ineligible[line.year] += line.ineligible
        eligible = {year: gross[year] - ineligible[year] for year in gross}
        money: dict[str, dict[int, Decimal]] = {
            kind: defaultdict(Decimal) for kind in ("grant", "third_party", "municipal")
        }
        grants: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        bases: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        codes = []
        for module in measure.financing_modules.all():
            share = module.cost_share / 100
            by_year = {entry.year: entry.amount for entry in module.years.all()}
            if not by_year and module.amount is not None:
                basis = {y: v * share for y, v in eligible.items()} if module.kind == "grant" else gross
                fallback = min(gross) if gross else measure.start_year
                by_year = _largest_remainder(module.amount, dict(basis), fallback)
            elif not by_year:
                for year, value in eligible.items():
                    rate = module.rate
                    if rate is None and module.programme:
                        rate = rates.get((measure.municipality_id, module.programme_id, year))
                        rate = module.programme.default_rate if rate is None else rate
                    by_year[year] = _cents(value * share * (rate or 0) / 100)
            for year, value in by_year.items():
                money[module.kind][year] += value
                if module.kind == "grant":
                    grants[year][module.programme.code] += value
            if module.kind == "grant":
                codes.append(module.programme.code)
                for year, value in eligible.items():
                    bases[year][module.programme.code] += _cents(value * share)
        years = set(gross) | {year for amounts in money.values() for year in amounts}
        has_municipal = any(m.kind == "municipal" for m in measure.financing_modules.all())
        cells[measure.pk] = {}
        for year in sorted(years):
            rest = gross[year] - money["grant"][year] - money["third_party"][year]
            share = money["municipal"][year] if has_municipal else max(rest, D(0))
            cells[measure.pk][year] = {
                "gross": gross[year],
                "ineligible": ineligible[year],
                "eligible": gross[year] - ineligible[year],
                "grant": money["grant"][year],
                "third_party": money["third_party"][year],
                "municipal_share": share,
                "gap": max(rest - share, D(0)),
                "over": max(share - rest, D(0)),
                "grants": {code: grants[year][code] for code in codes},
                "bases": {code: bases[year][code] for code in codes},
            }
    return cells


def _programme_parts(kept_cells: dict[int, dict]) -> list[tuple[str, list[tuple[int, dict]]]]:
    """A measure split by programme: per programme its grant and the eligible cost it covers (its
    co-financing the municipal share), the rest of the money under "" (left out when all zero)."""
    codes = list(dict.fromkeys(code for cell in kept_cells.values() for code in cell["grants"]))
    if not codes:
        return [("", list(kept_cells.items()))]
    parts: dict[str, list[tuple[int, dict]]] = {code: [] for code in codes}
    rest = []
    for year, cell in kept_cells.items():
        taken = dict.fromkeys(("gross", "grant", "municipal_share"), D("0.00"))
        for code in codes:
            basis, grant = cell["bases"][code], cell["grants"][code]
            part = dict.fromkeys(FIGURES, D("0.00"))
            part.update(gross=basis, eligible=basis, grant=grant, municipal_share=basis - grant)
            parts[code].append((year, part))
            for name in taken:
                taken[name] += part[name]
        remainder = {name: cell[name] for name in FIGURES}
        remainder["gross"] -= taken["gross"]
        remainder["eligible"] -= taken["gross"]
        remainder["grant"] -= taken["grant"]
        remainder["municipal_share"] -= taken["municipal_share"]
        rest.append((year, remainder))
    result = list(parts.items())
    if any(value for _year, cell in rest for value in cell.values()):
        result.append(("", rest))
    return result


def _group_parts(measure, kept_cells: dict[int, dict], grouping: str) -> list[tuple[tuple, str, list]]:
    """(sort key, label key, cells) of the measure's group, or of each part's group: as the KuF page
    groups."""
    if grouping == kuf.GROUP_BY_ACTION_FIELD:
        field = measure.action_field
        return [((field.order, field.code), field.code, list(kept_cells.items()))]
    if grouping == kuf.GROUP_BY_MUNICIPALITY:
        return [((0, measure.municipality.name), measure.municipality.name, list(kept_cells.items()))]
    return [((0 if code else 1, code), code, items) for code, items in _programme_parts(kept_cells)]


def _expected_table(concept, cells, measures, grouping: str, years: tuple) -> dict:
    """Subtotals per group (in page order) and the grand total: the six money figures and the gross
    cost of every year column."""
    low, high = years or (None, None)

    def keeps(year: int) -> bool:
        return (low is None or year >= low) and (high is None or year <= high)

    groups: dict[tuple, dict] = {}
    shown_years = {year for year in concept.years if keeps(year)}
    for measure in measures.select_related("action_field", "municipality"):
        kept = {year: cell for year, cell in cells[measure.pk].items() if keeps(year)}
        if not kept:
            continue  # no money in the years shown: the row is left out
        shown_years |= set(kept)
        for order, key, items in _group_parts(measure, kept, grouping):
            groups.setdefault(order, {"key": key, "cells": []})["cells"].extend(items)

    def sums(items) -> dict:
        result = {name: sum((cell[name] for _year, cell in items), D("0.00")) for name in FIGURES}
        result["years"] = {
            year: sum((cell["gross"] for y, cell in items if y == year), D("0.00")) for year in shown_years
        }
        return result

    ordered = [groups[order] for order in sorted(groups)]
    everything = [item for group in ordered for item in group["cells"]]
    return {
        "years": sorted(shown_years),
        "groups": [(group["key"], sums(group["cells"])) for group in ordered],
        "total": sums(everything),
    }


def _html_cells(figures: dict, years: list[int]) -> list[str]:
    money = [format_eur(figures[name]) for name in FIGURES]
    year_cells = [format_eur(figures["years"][year]) for year in years]
    # gross, ineligible, eligible, programme, rate, grant … over, the years, priority … status
    return [*money[:3], "", "", *money[3:], *year_cells, "", "", "", ""]


def _demo_filters(concept) -> list[tuple[dict, object, tuple]]:
    """(GET parameters, the measures they keep, year range) for every value of every filter."""
    measures = Measure.objects.filter(concept=concept)
    combos: list[tuple[dict, object, tuple]] = [({}, measures, ())]
    for municipality in concept.municipalities.all():
        combos.append(({"kommune": municipality.name}, measures.filter(municipality=municipality), ()))
    for quarter in concept.quarters.all():
        combos.append(({"quartier": quarter.code}, measures.filter(quarters=quarter).distinct(), ()))
    for field in concept.action_fields.all():
        combos.append(({"handlungsfeld": field.code}, measures.filter(action_field=field), ()))
    codes = sorted(
        set(
            FinancingModule.objects.filter(measure__concept=concept, kind="grant").values_list(
                "programme__code", flat=True
            )
        )
    )
    assert len(codes) >= 4, codes
    for code in codes:
        kept = measures.filter(financing_modules__programme__code=code).distinct()
        combos.append(({"programm": code}, kept, ()))
    for name, field, values in (
        ("prioritaet", "priority", Measure.Priority.values),
        ("status", "status", Measure.Status.values),
        ("planungsstand", "hoai_phase", Measure.HoaiPhase.values),
    ):
        used = set(measures.values_list(field, flat=True))
        assert len(used) >= 2, (field, used)  # the demo varies it
        for value in values:
            combos.append(({name: str(value)}, measures.filter(**{field: value}), ()))
    for low, high in ((2024, 2024), (2025, 2026), (2027, None), (None, 2025), (2030, 2030)):
        params = {key: str(year) for key, year in (("jahr_von", low), ("jahr_bis", high)) if year}
        combos.append((params, measures, (low, high)))
    for text in ("park", "hf2", "Stadt "):
        kept = measures.filter(
            Q(code__icontains=text) | Q(title__icontains=text) | Q(responsible_body__icontains=text)
        )
        assert kept.exists(), text
        combos.append(({"suche": text}, kept, ()))
    combos.append(
        (
            {"kommune": "Hallenbeck", "jahr_von": "2027", "handlungsfeld": ["HF2", "HF3"], "prioritaet": "1"},
            measures.filter(
                municipality__name="Hallenbeck", action_field__code__in=["HF2", "HF3"], priority=1
            ),
            (2027, None),
        )
    )
    return combos


def test_demo_totals_equal_independent_sums_for_every_grouping_and_filter(rf):
    call_command("load_demo", "--allow-production", stdout=open("/dev/null", "w"))  # noqa: SIM115
    concept = Concept.objects.get(slug="iihk-lippe-wesseltal-2030")
    admin = f.make_user(is_superuser=True)
    version = versions_services.kuf_version_freeze(concept=concept, name="Prüfstand", user=None)
    page = KufTableView.as_view()

    def get(url: str):
        # The view itself, without the test client's copy of every template context (300 pages).
        request = rf.get(url)
        request.user = admin
        response = page(request, slug=concept.slug)
        response.render()
        return response

    cells = _expected_cells(concept)
    checked = 0
    for params, measures, years in _demo_filters(concept):
        for grouping in kuf.GROUPINGS:
            expected = _expected_table(concept, cells, measures, grouping, years)
            for stand in ({}, {"stand": version.pk}):
                label = (grouping, params, stand)
                response = get(_url(concept, gruppierung=grouping, **params, **stand))
                assert response.status_code == 200, label
                table = response.context_data["table"]
                assert table.years == expected["years"], label
                assert [group.label.key for group in table.groups] == [key for key, _ in expected["groups"]]
                for group, (_key, figures) in zip(table.groups, expected["groups"], strict=True):
                    for name in FIGURES:
                        assert getattr(group.total, name) == figures[name], (label, group.label, name)
                for name in FIGURES:
                    assert getattr(table.total, name) == expected["total"][name], (label, name)
                assert table.total.gap - table.total.over == (
                    table.total.gross
                    - table.total.grant
                    - table.total.third_party
                    - table.total.municipal_share
                ), label
                # What the browser shows: each subtotal row and the grand total, cell by cell.
                body = response.content.decode()
                caption = f"KuF {concept.title}" + (f" – {version.name}" if stand else "")
                assert body_rows(body, caption, "kuf-subtotal") == [
                    [f"Summe {key or 'ohne Programm'}", *_html_cells(figures, expected["years"])]
                    for key, figures in expected["groups"]
                ], label
                assert body_rows(body, caption, "kuf-total") == [
                    ["Gesamtsumme", *_html_cells(expected["total"], expected["years"])]
                ], label
                checked += 1
    assert checked > 300
    assert expected["total"]["grant"] > 0 and expected["total"]["third_party"] >= 0


@pytest.fixture
def setup():
    hallenbeck = f.make_municipality(name="Hallenbeck")
    concept = f.make_concept([hallenbeck], year_from=2024, year_to=2030, published=False)
    field = f.make_action_field(concept, code="HF1", title="Zentren")
    quarter = f.make_quarter(concept, hallenbeck, code="Q1", programme="LZ")
    lz = f.make_programme(code="LZ", default_rate=D("60"), max_rate=D("80"), urban_programme="LZ")
    sz = f.make_programme(code="SZ", default_rate=D("60"), max_rate=D("80"), urban_programme="SZ")
    editor = f.make_editor(concept, "planerin")
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
    assert "Finanzierungslücke von 200,00 € (2025: 200,00 €)." in body
    assert "Kosten in 2031, außerhalb der Programmjahre des Konzepts." in body
    assert "SZ passt zu keinem der Quartiere (Q1)." in body


def test_units_year_values_and_grouping_switch(client, setup):
    s = setup
    _measure(s, "A", gross="123456.78", rate="70")
    client.force_login(s["editor"])
    body = client.get(_url(s["concept"], einheit="TEUR")).content.decode()
    assert "123,5 T€" in body
    assert "123.456,78 €" not in body
    note = "Rundungsdifferenzen möglich; maßgeblich sind die Beträge in €."
    assert note in body
    assert note not in client.get(_url(s["concept"])).content.decode()
    response = client.get(_url(s["concept"], jahreswert="grant"))
    assert "86.419,75 €" in response.context["groups"][0].rows[0].html  # 2025: 70 % of 123.456,78
    response = client.get(_url(s["concept"], gruppierung="programme"))
    assert [g.label.key for g in response.context["groups"]] == ["LZ"]


def test_grouped_by_programme_a_measure_of_two_programmes_counts_in_both(client, setup):
    s = setup
    park = f.make_measure(s["concept"], s["field"], code="P1", title="Park")
    f.make_cost_line(park, year=2025, gross="1000.00", ineligible="100.00")
    f.make_module(park, s["lz"], rate="70", cost_share="50")
    f.make_module(park, s["sz"], rate="60", cost_share="50")
    client.force_login(s["editor"])
    response = client.get(_url(s["concept"], gruppierung="programme"))
    table = response.context["table"]
    groups = {group.label.key: group for group in table.groups}
    assert list(groups) == ["LZ", "SZ", ""]
    # Each programme's subtotal is its grant: 70 % and 60 % of 450 € eligible each.
    assert (groups["LZ"].total.grant, groups["SZ"].total.grant) == (D("315.00"), D("270.00"))
    assert groups["LZ"].total.eligible == groups["SZ"].total.eligible == D("450.00")
    assert groups[""].total.ineligible == D("100.00")
    assert table.total.gross == D("1000.00") and table.total.grant == D("585.00")
    body = response.content.decode()
    assert "Anteil LZ" in body and "Anteil SZ" in body
    assert body.count('id="zeile-') == 1  # the checks link to the measure's first part
    # In any grouping, the row names the grant of each of its programmes.
    default = client.get(_url(s["concept"])).content.decode()
    assert "LZ 315,00 €, SZ 270,00 €" in default


def test_invalid_filters_are_reported_and_ignored(client, setup):
    s = setup
    _measure(s, "A", rate="70")
    client.force_login(s["editor"])
    response = client.get(_url(s["concept"], kommune="Atlantis", jahr_von="abc"))
    assert response.status_code == 200
    assert response.context["shown_count"] == 1
    assert "Einige Filterangaben sind ungültig" in response.content.decode()


def test_filter_widgets_write_what_djangos_templates_write_and_every_control_is_labelled(client, setup):
    s = setup
    _measure(s, "A", rate="70", responsible_body='Stadt & "Werke"')
    client.force_login(s["editor"])
    response = client.get(_url(s["concept"], kommune="Atlantis", jahr_von="abc", suche='<b>"x"</b> & y'))
    form = response.context["filterset"].form
    assert form.errors
    for bound in form:
        widget = bound.field.widget
        django_widget = copy.deepcopy(widget)
        django_widget.__class__ = next(
            c for c in type(widget).__mro__ if c.__module__ == "django.forms.widgets"
        )
        ours, django = (
            re.sub(r">\s+<", "><", bound.as_widget(widget=w)).strip() for w in (widget, django_widget)
        )
        assert ours == django, bound.name
    body = lxml.html.fromstring(response.content.decode())
    controls = body.xpath('//details[@class="kuf-filters"]//*[self::select or self::input[@type!="hidden"]]')
    assert len(controls) == len(form.fields) == 13
    for control in controls:
        label = body.xpath(f'//label[@for="{control.get("id")}"]')
        assert label and label[0].text_content().strip(), control.get("name")
        if control.get("name") in form.errors:
            assert control.get("aria-invalid") == "true"
            assert body.xpath(f'//*[@id="{control.get("aria-describedby")}"]//p[@class="error"]')


def test_print_stylesheet_and_sticky_header(client, setup):
    client.force_login(setup["editor"])
    body = client.get(_url(setup["concept"])).content.decode()
    assert 'href="/static/css/kuf-print.css" media="print"' in body
    assert 'class="kuf-scroll" role="region"' in body


def test_query_count_is_the_same_for_5_and_500_measures(client, setup):
    s = setup
    client.force_login(s["editor"])
    for i in range(5):
        _measure(s, f"M{i}", rate="70")
    url = _url(s["concept"], gruppierung="municipality", jahr_von="2025")
    small = page_queries(client, url)
    small_cached = page_queries(client, url)
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
    concepts_changed([concept.pk])  # bulk writes send no signals: as the import, move the version on
    assert Measure.objects.filter(concept=concept).count() == 500
    # session, user, concept, memberships, the data version, the cached KuF (a miss), 6 for the rows
    # (measures, quarters, cost lines, modules, module years, rates), approvals, storing the KuF in the
    # database cache (5: entry count, savepoint, key, insert, release), open comments (rows and per
    # municipality), municipalities, verdicts; no list of versions (the page offers none)
    assert page_queries(client, url) == small == 22
    # The KuF computed once per change: the next request reads its data version instead of the 6 row
    # queries, the approvals and storing it (this process keeps the KuF it used last).
    assert page_queries(client, url) == small_cached == 9
