"""The texts of a measure's profile have a limit, named in the message; nothing over it is saved."""

import pytest

from measures.models import Measure
from projects.validators import LONG_TEXT
from tests.funding.editor_page import create_url, full_post

pytestmark = pytest.mark.django_db

PROFILE_TEXTS = ["description", "starting_situation", "expected_effect", "climate_note", "partners"]


@pytest.mark.parametrize("name", PROFILE_TEXTS)
def test_profile_text_over_the_limit_is_refused(client, s, name):
    response = client.post(create_url(s), full_post(s, **{name: "x" * (LONG_TEXT + 1)}))
    assert response.status_code == 200
    assert response.context["form"].errors[name] == [
        "Der Text ist zu lang: 20.001 Zeichen, erlaubt sind höchstens 20.000."
    ]
    assert not Measure.objects.exists()


def test_profile_text_at_the_limit_is_saved(client, s):
    response = client.post(create_url(s), full_post(s, description="x" * LONG_TEXT))
    assert response.status_code == 302
    assert len(Measure.objects.get().description) == LONG_TEXT
