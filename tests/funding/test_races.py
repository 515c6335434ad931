"""Double submits of funding programmes and measures: the loser gets the normal "already exists" message,
never a server error (see ``tests/projects/test_races.py``)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import FundingProgramme
from measures.models import Measure
from tests import factories as f
from tests.funding.editor_page import create_url, edit_post, full_post
from tests.projects.test_races import assert_race_answers_like_a_duplicate

pytestmark = pytest.mark.django_db


def _programme(**fields) -> FundingProgramme:
    return FundingProgramme(
        name="Zukunftsfähige Innenstädte",
        level="state",
        default_rate=Decimal(90),
        max_rate=Decimal(90),
        **fields,
    )


def _programme_data(**changes) -> dict:
    data = {"code": "ZIO", "name": "ZIO NRW", "level": "state", "urban_programme": "", "description": ""}
    return {**data, "default_rate": "90", "max_rate": "90", **changes}


def test_two_creates_of_one_programme_code(admin_client, monkeypatch):
    assert_race_answers_like_a_duplicate(
        admin_client,
        monkeypatch,
        url=reverse("funding:programme_create"),
        data=_programme_data(),
        model=FundingProgramme,
        clash=lambda: _programme(code="ZIO"),
        field="code",
    )


def test_renaming_a_programme_to_a_code_just_taken(admin_client, monkeypatch):
    programme = f.make_programme(code="ZIO-ALT")
    assert_race_answers_like_a_duplicate(
        admin_client,
        monkeypatch,
        url=reverse("funding:programme_edit", kwargs={"pk": programme.pk}),
        data=_programme_data(),
        model=FundingProgramme,
        clash=lambda: _programme(code="ZIO"),
        field="code",
    )
    programme.refresh_from_db()
    assert programme.code == "ZIO-ALT"


def _other_measure(s) -> Measure:
    return Measure(
        concept=s["concept"],
        code="HF1-M01",
        title="Die Maßnahme der Kollegin",
        action_field=s["field"],
        municipality=s["municipality"],
        start_year=2025,
        end_year=2026,
    )


def test_two_creates_of_one_measure_code(client, monkeypatch, s):
    assert_race_answers_like_a_duplicate(
        client,
        monkeypatch,
        url=create_url(s),
        data=full_post(s),
        model=Measure,
        clash=lambda: _other_measure(s),
        field="code",
    )


def test_renaming_a_measure_to_a_code_just_taken(client, monkeypatch, s):
    measure = f.make_measure(
        s["concept"],
        s["field"],
        code="HF1-M09",
        municipality=s["municipality"],
        start_year=2025,
        end_year=2026,
    )
    assert_race_answers_like_a_duplicate(
        client,
        monkeypatch,
        url=reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk]),
        data=edit_post(measure, s),
        model=Measure,
        clash=lambda: _other_measure(s),
        field="code",
    )
    measure.refresh_from_db()
    assert (measure.code, measure.version) == ("HF1-M09", 1)
