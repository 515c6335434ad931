"""Rates a municipality shares between concepts: who may change them.

A municipality's rate per programme and year holds in every concept it takes part in (DOMAIN.md), so
changing it changes the KuF of each of them and resets their sign-offs. Hence the rule
(``funding.change_rates``): only who may edit every concept the municipality takes part in, or an admin,
changes its rates. Adding a municipality that already takes part in another concept stays allowed (the
normal case of an inter-municipal concept), but gives no say over the other concept's figures.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from funding.models import MunicipalRate
from projects.models import ConceptMembership, ConceptMunicipality
from tests import factories as f
from tests.funding.test_views_programmes import _rate_data
from tests.projects.test_views_concept import _edit_data

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role
NOTE = (
    "Die Fördersätze von Hallenbeck gelten auch im Konzept „IHK Innenstadt Hallenbeck“, das Sie nicht "
    "bearbeiten dürfen; ändern kann sie nur, wer alle Konzepte mit Hallenbeck bearbeitet, oder die "
    "Administration."
)


@pytest.fixture
def shared(client):
    """Hallenbeck takes part in the IIHK and in a concept of its own; Ostervenne only in the IIHK. The
    planning office edits the IIHK only."""
    hallenbeck, ostervenne = f.make_municipality(name="Hallenbeck"), f.make_municipality(name="Ostervenne")
    iihk = f.make_concept(
        [ostervenne, hallenbeck], title="IIHK Lippe-Wesseltal", year_from=2025, year_to=2026
    )
    own = f.make_concept([hallenbeck], title="IHK Innenstadt Hallenbeck", year_from=2025, year_to=2026)
    lz = f.make_programme(code="LZ", default_rate=Decimal("60"), max_rate=Decimal("80"))
    f.make_rate(hallenbeck, lz, 2025, "70")
    editor = f.make_editor(iihk, "planung")
    client.force_login(editor)
    return iihk, own, hallenbeck, ostervenne, lz


def _url(concept) -> str:
    return reverse("funding:rate_table", kwargs={"slug": concept.slug})


def _stored() -> dict:
    return {
        (rate.municipality.name, rate.year): rate.rate
        for rate in MunicipalRate.objects.select_related("municipality")
    }


def test_shared_rates_are_read_only_for_who_edits_only_one_of_the_concepts(client, shared):
    iihk, _own, hallenbeck, ostervenne, lz = shared
    page = client.get(_url(iihk))
    body = page.content.decode()
    assert NOTE in body
    assert f'name="rate-{ostervenne.pk}-{lz.pk}-2025"' in body  # Ostervenne's rates stay editable
    assert f'name="rate-{hallenbeck.pk}-{lz.pk}-2025"' not in body  # Hallenbeck's are shown as text
    assert "70 %" in body

    # What the browser sends: no inputs for Hallenbeck. Ostervenne's rate is saved, Hallenbeck's kept.
    data = _rate_data(iihk, {(ostervenne, lz, 2025): "80"})
    for key in [key for key in data if key.startswith(f"rate-{hallenbeck.pk}-")]:
        del data[key]
    assert client.post(_url(iihk), data).status_code == 302
    assert _stored() == {("Hallenbeck", 2025): Decimal("70"), ("Ostervenne", 2025): Decimal("80")}


@pytest.mark.parametrize("text", ["50", "", "viel"])
def test_a_crafted_post_for_a_shared_rate_is_refused_and_changes_nothing(client, shared, text):
    iihk, _own, hallenbeck, ostervenne, lz = shared
    data = _rate_data(iihk, {(hallenbeck, lz, 2025): text, (ostervenne, lz, 2026): "75"})
    response = client.post(_url(iihk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert NOTE in body
    assert "Es wurde nichts gespeichert." in body
    assert _stored() == {("Hallenbeck", 2025): Decimal("70")}


def test_a_crafted_post_that_keeps_the_shared_rate_saves_the_rest(client, shared):
    iihk, _own, _hallenbeck, ostervenne, lz = shared
    data = _rate_data(iihk, {(ostervenne, lz, 2026): "75"})  # Hallenbeck's cells as stored
    assert client.post(_url(iihk), data).status_code == 302
    assert _stored() == {("Hallenbeck", 2025): Decimal("70"), ("Ostervenne", 2026): Decimal("75")}


@pytest.mark.parametrize("who", ["editor_of_both", "admin"])
def test_who_edits_every_concept_of_the_municipality_changes_its_rates(client, shared, who, admin_user):
    iihk, own, hallenbeck, _ostervenne, lz = shared
    if who == "admin":
        user = admin_user
    else:
        user = f.make_editor(iihk)
        f.make_membership(own, user, Role.EDITOR)
    client.force_login(user)
    assert NOTE not in client.get(_url(iihk)).content.decode()
    response = client.post(_url(iihk), _rate_data(iihk, {(hallenbeck, lz, 2025): "65"}))
    assert response.status_code == 302
    assert _stored() == {("Hallenbeck", 2025): Decimal("65")}


def test_adding_a_municipality_of_another_concept_gives_no_say_over_its_rates(client, shared):
    """The planning office of a third concept adds Hallenbeck (allowed: concepts may share
    municipalities), but cannot change the rates the other concepts use, nor reset their sign-offs."""
    _iihk, own, hallenbeck, _ostervenne, lz = shared
    measure = f.make_measure(own, code="A.1", municipality=hallenbeck, start_year=2025, end_year=2025)
    f.make_cost_line(measure, year=2025, gross=Decimal("100000"))
    f.make_module(measure, lz, rate=None)
    reviewer = Client()
    reviewer_user = f.make_user("pruefung-hallenbeck")
    f.make_membership(own, reviewer_user, Role.REVIEWER, municipality=hallenbeck)
    reviewer.force_login(reviewer_user)
    kuf = reverse("funding:kuf_table", kwargs={"slug": own.slug})
    review = next(r for r in reviewer.get(kuf).context["reviews"] if r.municipality == hallenbeck)
    signoff = reverse("funding:kuf_signoff", kwargs={"slug": own.slug, "municipality_pk": hallenbeck.pk})
    assert reviewer.post(signoff, {"state": "approved", "seen": review.rows_hash}).status_code == 302

    sürenbruch = f.make_municipality(name="Sürenbruch")
    third = f.make_concept([sürenbruch], title="IHK Sürenbruch", year_from=2025, year_to=2026)
    other_office = f.make_editor(third, "anderes-buero")
    client.force_login(other_office)
    data = _edit_data(
        third,
        [(sürenbruch, ConceptMunicipality.Role.LEAD), (hallenbeck, ConceptMunicipality.Role.MEMBER)],
    )
    data["municipalities-1-municipality"] = hallenbeck.pk
    data["municipalities-INITIAL_FORMS"] = 1
    assert client.post(reverse("projects:concept_edit", kwargs={"slug": third.slug}), data).status_code == 302
    assert third.municipalities.filter(pk=hallenbeck.pk).exists()

    assert (
        "gelten auch in den Konzepten „IHK Innenstadt Hallenbeck“, „IIHK Lippe-Wesseltal“, die Sie nicht"
        in (client.get(_url(third)).content.decode())
    )
    response = client.post(_url(third), _rate_data(third, {(hallenbeck, lz, 2025): "40"}))
    assert response.status_code == 200
    assert _stored() == {("Hallenbeck", 2025): Decimal("70")}
    review = next(r for r in reviewer.get(kuf).context["reviews"] if r.municipality == hallenbeck)
    assert review.state == "approved"  # the other concept's sign-off stands
