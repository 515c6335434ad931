"""Helpers for tests that open pages through Django's test client: a concept's URLs, what a page says
back (its messages, its form errors) and how many queries it costs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def concept_url(name: str, concept, pk: int | None = None) -> str:
    """The URL ``name`` ("projects:quarter_edit") of ``concept``, of its object ``pk`` if given."""
    kwargs = {"slug": concept.slug} if pk is None else {"slug": concept.slug, "pk": pk}
    return reverse(name, kwargs=kwargs)


def messages_of(response) -> list[str]:
    """The texts of the messages a page shows (Django's messages framework)."""
    return [str(message) for message in response.context["messages"]]


def assert_form_error(response, field: str, message: str) -> None:
    """The form came back (200) with ``message`` in an error of ``field``, and the page shows it."""
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()


def page_queries(client, url: str) -> int:
    """The number of database queries a GET of ``url`` costs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def assert_queries_do_not_grow(client, url: str, build, *, queries: int, django_assert_num_queries):
    """GET ``url`` after ``build(2)`` and again after ``build(18)``: both cost ``queries`` queries, however
    many rows the page shows. Returns the second response (20 rows built)."""
    build(2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    build(18)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response
