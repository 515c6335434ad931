"""Moderators publish, reject and answer residents' comments of their concept."""

import pytest
from django.test import Client
from django.urls import reverse

from participation.models import Comment
from participation.services import comment_state
from projects.models import ConceptMembership
from tests import factories as f
from tests.pages import assert_form_error, page_queries

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role


@pytest.fixture
def setup(client):
    concept = f.make_concept(published=True)
    measure = f.make_measure(concept, code="A.1", title="Marktplatz")
    moderator = f.make_user("moderation")
    f.make_membership(concept, moderator, Role.MODERATOR)
    client.force_login(moderator)
    return concept, measure


def _list_url(concept, status: str = "") -> str:
    url = reverse("participation:comment_list", kwargs={"slug": concept.slug})
    return f"{url}?status={status}" if status else url


def _url(concept, comment) -> str:
    return reverse("participation:comment_moderate", kwargs={"slug": concept.slug, "pk": comment.pk})


def _data(comment, **changes) -> dict:
    prefix = f"c{comment.pk}-"
    data = {"status": comment.status, "reply": comment.reply, "loaded_state": comment_state(comment)}
    data.update(changes)
    return {prefix + key: value for key, value in data.items()}


def test_queue_shows_waiting_comments_and_publishing_with_answer_works(client, setup):
    concept, measure = setup
    waiting = f.make_comment(
        measure, text="Mehr Bänke bitte", author_name="Erika", status=Comment.Status.PENDING
    )
    f.make_comment(measure, text="Schon erledigt", status=Comment.Status.PUBLISHED)
    page = client.get(_list_url(concept))
    body = page.content.decode()
    assert page.status_code == 200
    assert [c.pk for c in page.context["comments"]] == [waiting.pk]  # waiting ones by default
    assert "Mehr Bänke bitte" in body and "Schon erledigt" not in body
    assert {tab.status: tab.count for tab in page.context["tabs"]} == {
        "pending": 1,
        "published": 1,
        "rejected": 0,
    }
    assert 'aria-current="page">Beteiligung' in body  # in the editor navigation

    response = client.post(
        _url(concept, waiting),
        {**_data(waiting, status="published", reply="Wir prüfen das."), "back_status": "pending"},
        follow=True,
    )
    assert response.redirect_chain == [(_list_url(concept, "pending"), 302)]
    assert "Die Anmerkung zu A.1 ist jetzt: Veröffentlicht." in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.reply) == ("published", "Wir prüfen das.")
    assert waiting.replied_at is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "gelöscht"}, "status", "Bitte eine gültige Auswahl treffen."),
        (
            {"status": "rejected", "reply": "Danke"},
            "reply",
            "Eine abgelehnte Anmerkung wird nicht veröffentlicht; eine Antwort darauf auch nicht.",
        ),
        ({"reply": "x" * 4001}, "reply", "Die Antwort ist zu lang (höchstens 4000 Zeichen)."),
    ],
)
def test_bad_moderation_input_saves_nothing(client, setup, changes, field, message):
    concept, measure = setup
    comment = f.make_comment(measure, text="Laut", status=Comment.Status.PENDING)
    assert_form_error(client.post(_url(concept, comment), _data(comment, **changes)), field, message)
    comment.refresh_from_db()
    assert (comment.status, comment.reply) == ("pending", "")


def test_two_moderators_never_overwrite_each_other(client, setup):
    concept, measure = setup
    comment = f.make_comment(measure, text="Radweg fehlt", status=Comment.Status.PENDING)
    loaded = _data(comment, status="rejected")
    other = f.make_user("moderation-2")
    f.make_membership(concept, other, Role.MODERATOR)
    client_b = Client()
    client_b.force_login(other)
    assert (
        client_b.post(
            _url(concept, comment), _data(comment, status="published", reply="Kommt 2027.")
        ).status_code
        == 302
    )

    response = client.post(_url(concept, comment), loaded)
    assert response.status_code == 200
    assert "inzwischen von jemand anderem bearbeitet (jetzt: Veröffentlicht)" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.reply) == ("published", "Kommt 2027.")


def test_comment_of_another_concept_is_not_found(client, setup):
    concept, _measure = setup
    elsewhere = f.make_comment(f.make_measure(f.make_concept(published=True)))
    assert client.get(_url(concept, elsewhere)).status_code == 404


def test_queue_query_count_does_not_grow(client, setup):
    concept, measure = setup
    f.make_comment(measure)
    few = page_queries(client, _list_url(concept, "all"))
    for number in range(15):
        f.make_comment(f.make_measure(concept, code=f"B.{number}"), text=f"Anmerkung {number}")
    # session, user, concept, the user's roles, status counts, comments with their measures: the same
    assert page_queries(client, _list_url(concept, "all")) == few


def test_single_comment_page_query_count(client, setup, django_assert_num_queries):
    concept, measure = setup
    comment = f.make_comment(measure, status=Comment.Status.PENDING)
    for _ in range(5):
        f.make_comment(measure)
    # session, user, concept, the user's roles, the comment with its measure
    with django_assert_num_queries(5):
        assert client.get(_url(concept, comment)).status_code == 200
