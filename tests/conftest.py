import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _german():
    """Each test starts in German; a request in another language must not leak into the next test."""
    translation.activate("de")
    yield
    translation.activate("de")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs most of a second per hashed password; tests need no real hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "admin-pass-123")
