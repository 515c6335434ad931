"""The editor writes an uploaded image only when the whole save succeeds, and removes a replaced one."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Measure
from tests import factories as f
from tests.funding.editor_page import create_url, edit_post, full_post

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(name="foto.png"):
    return SimpleUploadedFile(name, f.png_bytes((60, 40)), content_type="image/png")


def test_a_save_refused_by_the_service_leaves_no_file(client, s, settings):
    # The form accepts the input; the service refuses the cost line outside the measure's years.
    costs = [{"section": "9", "year": "2029", "gross": "10", "ineligible": "0"}]
    data = full_post(s, costs=costs, image_alt="Marktplatz")
    data["image"] = upload()
    body = client.post(create_url(s), data).content.decode()
    assert "außerhalb des Zeitraums" in body
    assert not Measure.objects.exists()
    assert stored_files(settings) == []


def test_a_conflicting_save_leaves_no_file(client, s, settings):
    assert client.post(create_url(s), full_post(s)).status_code == 302
    measure = Measure.objects.get()
    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    stale = edit_post(measure, s, image_alt="Marktplatz")
    assert client.post(url, edit_post(measure, s, title="Zwischendurch")).status_code == 302
    stale["image"] = upload()
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "bitte wählen Sie es vor dem Speichern erneut aus" in response.content.decode()
    assert stored_files(settings) == []


def test_replaced_image_is_removed_after_the_commit(client, s, settings, django_capture_on_commit_callbacks):
    data = full_post(s, image_alt="Marktplatz")
    data["image"] = upload("alt.png")
    assert client.post(create_url(s), data).status_code == 302
    measure = Measure.objects.get()
    first = Path(measure.image.path)
    assert stored_files(settings) == [first]

    url = reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])
    edit = edit_post(measure, s, image_alt="Marktplatz neu")
    edit["image"] = upload("neu.png")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, edit).status_code == 302
    measure.refresh_from_db()
    assert stored_files(settings) == [Path(measure.image.path)]
    assert not first.exists()

    edit = edit_post(measure, s)
    edit["image-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, edit).status_code == 302
    measure.refresh_from_db()
    assert not measure.image and stored_files(settings) == []


def test_editor_shows_the_image_through_the_checked_view(client, s):
    measure = f.make_measure_image(f.make_measure(s["concept"], s["field"], municipality=s["municipality"]))
    body = client.get(reverse("funding:measure_edit", args=[s["concept"].slug, measure.pk])).content.decode()
    image_url = reverse("measures:measure_image", args=[s["concept"].slug, measure.pk])
    assert f'<img src="{image_url}?v=' in body
    assert f'<a href="{image_url}?v=' in body  # "Derzeit: bild.png" in the file input
    assert "/media/" not in body
