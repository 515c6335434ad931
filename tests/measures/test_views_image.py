"""A measure's image is served through the concept's access check, cacheably and never sniffed."""

import pytest
from django.urls import reverse

from projects.models import ConceptMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
Role = ConceptMembership.Role


def image_url(measure) -> str:
    return reverse("measures:measure_image", args=[measure.concept.slug, measure.pk])


@pytest.fixture
def measures():
    published = f.make_concept(published=True)
    hidden = f.make_concept(published=False)
    return (
        f.make_measure_image(f.make_measure(published)),
        f.make_measure_image(f.make_measure(hidden)),
    )


def test_published_image_for_everybody_with_cache_headers(client, measures):
    measure, _hidden = measures
    response = client.get(image_url(measure))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    again = client.get(image_url(measure), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert measure.image_url.startswith(image_url(measure) + "?v=")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("outsider", 404),
        ("other_editor", 404),
        ("reviewer", 200),
        ("funder", 200),
        ("moderator", 200),
        ("editor", 200),
        ("admin", 200),
    ],
)
def test_unpublished_image_only_for_members(client, measures, role, status):
    _published, measure = measures
    user = None
    if role == "outsider":
        user = f.make_user()
    elif role == "other_editor":
        user = f.make_editor(f.make_concept())
    elif role == "admin":
        user = f.make_user(is_superuser=True, is_staff=True)
    elif role != "anonymous":
        user = f.make_user()
        f.make_membership(measure.concept, user, role)
    if user:
        client.force_login(user)
    response = client.get(image_url(measure))
    assert response.status_code == status
    if status == 200:
        assert response["Cache-Control"] == "private, max-age=3600"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_measure_without_image_or_of_another_concept_is_404(client, measures):
    measure, _hidden = measures
    plain = f.make_measure(measure.concept)
    assert client.get(image_url(plain)).status_code == 404
    other = f.make_concept(published=True)
    url = reverse("measures:measure_image", args=[other.slug, measure.pk])
    assert client.get(url).status_code == 404
    measure.image.storage.delete(measure.image.name)  # the file went missing
    assert client.get(image_url(measure)).status_code == 404


def test_image_query_count_does_not_grow(client, django_assert_num_queries):
    small = f.make_concept(published=False)
    large = f.make_concept(published=False)
    user = f.make_user()
    for concept in (small, large):
        f.make_membership(concept, user, Role.REVIEWER)
    small_measure = f.make_measure_image(f.make_measure(small))
    large_measure = f.make_measure_image(f.make_measure(large))
    for _ in range(15):
        f.make_measure_image(f.make_measure(large))
        f.make_membership(large, f.make_user(), Role.EDITOR)
    client.force_login(user)
    client.get(image_url(small_measure))  # warm-up (session, content types)
    for measure in (small_measure, large_measure):
        # concept (1), session (1), user (1), the user's roles in the concept (1), measure (1)
        with django_assert_num_queries(5):
            assert client.get(image_url(measure)).status_code == 200
