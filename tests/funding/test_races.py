"""Double submits of funding programmes and measures (editor and import): the loser gets the normal
"already exists" message, never a server error (see ``tests/projects/test_races.py``)."""

import copy
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.exchange import applying
from funding.models import FundingProgramme
from measures.models import Measure
from tests import factories as f
from tests.excel import kuf_concept, measure_list_workbook, pending_token, workbook_bytes, xlsx_upload
from tests.funding.editor_page import create_url, edit_post, full_post
from tests.races import assert_race_answers_like_a_duplicate

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


def test_two_creates_of_one_programme_code(admin_client):
    assert_race_answers_like_a_duplicate(
        admin_client,
        url=reverse("funding:programme_create"),
        data=_programme_data(),
        model=FundingProgramme,
        clash=lambda: _programme(code="ZIO"),
        field="code",
    )


def test_renaming_a_programme_to_a_code_just_taken(admin_client):
    programme = f.make_programme(code="ZIO-ALT")
    assert_race_answers_like_a_duplicate(
        admin_client,
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


def test_two_creates_of_one_measure_code(client, s):
    assert_race_answers_like_a_duplicate(
        client,
        url=create_url(s),
        data=full_post(s),
        model=Measure,
        clash=lambda: _other_measure(s),
        field="code",
    )


def test_renaming_a_measure_to_a_code_just_taken(client, s):
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
        url=reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk]),
        data=edit_post(measure, s),
        model=Measure,
        clash=lambda: _other_measure(s),
        field="code",
    )
    measure.refresh_from_db()
    assert (measure.code, measure.version) == ("HF1-M09", 1)


def test_an_import_creating_a_measure_code_just_taken(client, monkeypatch):
    """The import checks codes when it makes its plan; a measure created with one of its new codes in
    the meantime makes it refuse with the code named, nothing applied."""
    concept, _programmes = kuf_concept(2)
    client.force_login(f.make_editor(concept))
    workbook = measure_list_workbook(concept)
    sheet = workbook["Maßnahmen"]
    sheet.append([cell.value for cell in sheet[2]])
    sheet.cell(row=sheet.max_row, column=1).value = "M900"
    uid_column = [cell.value for cell in sheet[1]].index("Kennung") + 1
    sheet.cell(row=sheet.max_row, column=uid_column).value = None  # a new measure
    upload = xlsx_upload(workbook_bytes(workbook))
    token = pending_token(
        client.post(reverse("funding:import_upload", args=[concept.slug]), {"file": upload})
    )
    preview_url = reverse("funding:import_preview", args=[concept.slug])
    plan = client.get(preview_url, {"datei": token}).context["plan"]
    assert plan.ok
    template = Measure.objects.get(concept=concept, code="M001")
    before = set(Measure.objects.values_list("pk", "code", "version"))

    original = applying.state_basis

    def checked_then_a_colleague_saves(*args):
        basis = original(*args)
        clash = copy.copy(template)
        clash.pk, clash.id, clash.uid, clash.title = None, None, uuid.uuid4(), "Die Maßnahme der Kollegin"
        clash.code = "M900"
        Measure.objects.bulk_create([clash])
        return basis

    monkeypatch.setattr(applying, "state_basis", checked_then_a_colleague_saves)
    response = client.post(preview_url, {"datei": token, "digest": plan.digest, "apply": "1"})
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == [
        "Das Kürzel M900 ist in diesem Konzept schon vergeben. Es wurde nichts übernommen."
    ]
    assert set(Measure.objects.values_list("pk", "code", "version")) == before
