"""The benchmarks' bare view exists only under their URL conf, never in production's."""

import pytest

pytestmark = pytest.mark.django_db


def test_bare_view_is_not_reachable_under_the_normal_url_conf(client, settings):
    assert settings.ROOT_URLCONF == "ihk.urls"
    assert client.get("/bench-ok/").status_code == 404


def test_bare_view_answers_under_the_bench_url_conf(client, settings):
    settings.ROOT_URLCONF = "ihk.bench_urls"
    response = client.get("/bench-ok/")
    assert response.status_code == 200
    assert response.content == b"ok"
