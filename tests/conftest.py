import pytest
from django.utils import translation

from funding.models import KufComment, KufVersion
from projects.models import ConceptMembership
from tests import factories as f

Role = ConceptMembership.Role


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


@pytest.fixture(params=[False, True], ids=["unpublished", "published"])
def world(request, admin_user):
    """A concept (unpublished, then published) with one object of every kind a URL can name, and a user
    for every role: what the permission matrix and the page query counts open."""
    concept = f.make_concept(published=request.param)
    action_field = f.make_action_field(concept)
    users = {"anonymous": None, "outsider": f.make_user(), "admin": admin_user}
    users["other_editor"] = f.make_editor(f.make_concept(published=False))
    memberships = {}
    for role in (Role.EDITOR, Role.REVIEWER, Role.FUNDER, Role.MODERATOR):
        users[role.value] = f.make_user()
        memberships[role.value] = f.make_membership(concept, users[role.value], role)
    measure = f.make_measure(concept, action_field)
    objects = {
        "quarter": f.make_quarter(concept),
        "action_field": action_field,
        "goal": f.make_goal(action_field),
        "swot_entry": f.make_swot(concept),
        "membership": memberships["funder"],
        "measure": measure,
        "measure_with_image": f.make_measure_image(f.make_measure(concept, action_field)),
        "municipality": concept.municipalities.first(),
        "kuf_comment": KufComment.objects.create(
            concept=concept, measure=measure, text="Stimmt die Summe?", author=admin_user
        ),
        "comment": f.make_comment(measure),
        "programme": f.make_programme(),
        "kuf_version": KufVersion.objects.create(concept=concept, name="Antrag 2026", years=concept.years),
    }
    return concept, objects, users
