"""Logging in and out, changing the password, and the limit on failed logins (django-axes)."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Richtig-2026!"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("planerin", "planerin@example.org", PASSWORD)


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_leads_to_my_concepts_and_logout_ends_the_session(client, user):
    response = _login(client, "planerin", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("projects:dashboard")
    assert client.get(reverse("projects:dashboard")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("projects:dashboard")).url.startswith(reverse("login"))


def test_wrong_password_is_refused_in_german(client, user):
    response = _login(client, "planerin", "falsch")
    assert response.status_code == 200
    assert "Bitte Benutzername und Passwort eingeben." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_login_even_for_the_right_password(client, user, settings, caplog):
    assert settings.AXES_FAILURE_LIMIT == 5
    caplog.set_level(logging.DEBUG)
    for _ in range(4):
        assert _login(client, "planerin", "falsch").status_code == 200
    response = _login(client, "planerin", "falsch")
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    response = _login(client, "planerin", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # No personal data in the logs: neither the username nor the address.
    assert "planerin" not in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_a_lockout_concerns_only_that_username(client, user, django_user_model):
    django_user_model.objects.create_user("kollege", password=PASSWORD)
    for _ in range(5):
        _login(client, "planerin", "falsch")
    assert _login(client, "kollege", PASSWORD).status_code == 302


def test_password_change(client, user):
    client.force_login(user)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"old_password": "falsch", "new_password1": "Neu-2026-sicher", "new_password2": "Neu-2026-sicher"},
    )
    assert response.status_code == 200
    assert "Das alte Passwort war falsch." in response.content.decode()
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "Neu-2026-sicher", "new_password2": "Neu-2026-sicher"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Neu-2026-sicher")


def test_login_page_is_labelled_for_screen_readers(client):
    body = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in body
    assert '<label for="id_password">' in body
    assert "<main" in body


def test_account_pages_query_count(client, user, django_assert_max_num_queries):
    f.make_membership(f.make_concept(), user, "editor")
    client.force_login(user)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("password_change")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(1):
        assert client.get(reverse("login")).status_code == 200


@pytest.mark.parametrize(("length", "shown"), [(151, "151"), (256, "256"), (5000, "5.000")])
def test_an_overlong_username_is_refused_in_german(client, user, length, shown):
    """No account has a username over 150 characters; a longer one (django-axes would record it in a
    column of 255 characters, which PostgreSQL refuses with a server error) is refused by the form,
    before any login attempt is counted."""
    response = _login(client, "a" * length, "falsch")
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        f"Der Benutzername ist zu lang ({shown} Zeichen). Benutzernamen haben höchstens 150 Zeichen."
    ]
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_failures_of_a_normal_username_are_still_counted(client, user):
    for _ in range(2):
        assert _login(client, "planerin", "falsch").status_code == 200
    assert AccessAttempt.objects.get(username="planerin").failures_since_start == 2
    assert _login(client, "planerin", PASSWORD).status_code == 302
