"""The permission matrix: every view of the app against every kind of visitor, for a published and an
unpublished concept.

Roles: anonymous, a user without any role ("outsider"), the editor of another concept, and reviewer,
funder, moderator, editor of this concept, and an admin. The rules (see ``projects/rules.py``):

- a page that only reads the public concept is open to everybody while the concept is published; an
  unpublished concept does not exist (404) for anyone without a role in it;
- every other page needs a login (anonymous users go to the login page);
- who may read the concept but lacks the permission gets 403, who may not even read it gets 404.

``test_every_view_is_in_the_matrix`` fails when a view is added without a row here.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.models import ConceptMembership

pytestmark = pytest.mark.django_db

Role = ConceptMembership.Role
ROLES = ("anonymous", "outsider", "other_editor", "reviewer", "funder", "moderator", "editor", "admin")
MEMBERS = {"reviewer", "funder", "moderator", "editor", "admin"}

# Who may do it, by permission (see projects/rules.py).
PUBLIC = "public"  # anybody, no concept involved
VIEW = "view"  # projects.view_concept: published, or a role in the concept
INTERNAL = "internal"  # projects.view_internal: a role in the concept
EDIT = "edit"  # projects.edit_concept: editor, admin
MANAGE = "manage"  # projects.manage_roles: admin
LOGGED_IN = "logged_in"  # any logged-in user
ANYBODY = "anybody"  # logging out: everybody ends up on the home page
ADD_CONCEPT = "add_concept"  # admin
ADD_MUNICIPALITY = "add_municipality"  # admins and editors of any concept
ANONYMOUS_ONLY = "anonymous_only"  # the login page: logged-in users are sent on
REVIEW = "review"  # funding.review_municipality: the reviewer of that municipality, admin
COMMENT = "comment"  # funding.comment_row: reviewer of the row's municipality, editor, admin
DOWNLOAD = "download"  # ihk.download_reports: reviewer, funder, editor, admin
MODERATE = "moderate"  # participation.moderate: moderator, admin
PROGRAMMES = "programmes"  # funding.manage_programmes: admin (no concept involved)

ALLOWED = {
    INTERNAL: MEMBERS,
    EDIT: {"editor", "admin"},
    MANAGE: {"admin"},
    ADD_CONCEPT: {"admin"},
    ADD_MUNICIPALITY: {"editor", "other_editor", "admin"},
    REVIEW: {"reviewer", "admin"},
    COMMENT: {"reviewer", "editor", "admin"},
    DOWNLOAD: {"reviewer", "funder", "editor", "admin"},
    MODERATE: {"moderator", "admin"},
    PROGRAMMES: {"admin"},
}


@dataclass(frozen=True)
class Row:
    name: str  # URL name
    access: str
    key: str | None = None  # the object in the URL (None: only the concept's slug, "": no arguments)
    method: str = "get"
    data: tuple = ()
    ok: int = 200  # status when allowed
    get_status: int = 405  # what a GET of a POST-only action returns to an admin


MATRIX = [
    # Public site
    Row("site:concept_list", PUBLIC, key=""),
    Row("site:concept_detail", VIEW),
    # Accounts
    Row("login", ANONYMOUS_ONLY, key=""),
    Row("logout", ANYBODY, key="", method="post", ok=302),
    Row("password_change", LOGGED_IN, key=""),
    Row("password_change_done", LOGGED_IN, key=""),
    # Editor: dashboard, concepts, municipalities
    Row("projects:dashboard", LOGGED_IN, key=""),
    Row("projects:concept_create", ADD_CONCEPT, key=""),
    Row("projects:municipality_create", ADD_MUNICIPALITY, key=""),
    Row("projects:organisation_create", ADD_MUNICIPALITY, key=""),  # same rule as municipalities
    Row("projects:concept_edit", EDIT),
    Row("projects:concept_history", INTERNAL),
    # Quarters, action fields, goals, SWOT
    Row("projects:quarter_list", EDIT),
    Row("projects:quarter_create", EDIT),
    Row("projects:quarter_edit", EDIT, key="quarter"),
    Row("projects:quarter_delete", EDIT, key="quarter"),
    Row("projects:action_field_list", EDIT),
    Row("projects:action_field_create", EDIT),
    Row("projects:action_field_edit", EDIT, key="action_field"),
    Row("projects:action_field_delete", EDIT, key="action_field"),
    Row(
        "projects:action_field_move",
        EDIT,
        key="action_field",
        method="post",
        data=(("direction", "down"),),
        ok=302,
    ),
    Row("projects:goal_move", EDIT, key="goal", method="post", data=(("direction", "down"),), ok=302),
    Row("projects:swot_list", EDIT),
    Row("projects:swot_create", EDIT),
    Row("projects:swot_edit", EDIT, key="swot_entry"),
    Row("projects:swot_delete", EDIT, key="swot_entry"),
    # Roles
    Row("projects:membership_list", MANAGE),
    Row("projects:membership_delete", MANAGE, key="membership", method="post", ok=302),
    # Measures
    Row("funding:measure_list", INTERNAL),
    Row("funding:measure_create", EDIT),
    # The live totals: a GET (no JavaScript, bookmarked) goes back to the editor.
    Row("funding:measure_create_preview", EDIT, method="post", get_status=302),
    Row("funding:measure_edit", EDIT, key="measure"),
    Row("funding:measure_preview", EDIT, key="measure", method="post", get_status=302),
    Row("funding:measure_history", INTERNAL, key="measure"),
    Row("funding:measure_delete", EDIT, key="measure"),
    # A measure's image: whoever may read the concept (published: everybody)
    Row("measures:measure_image", VIEW, key="measure_with_image"),
    # The KuF and its review
    Row("funding:kuf_table", INTERNAL),
    Row(
        "funding:kuf_signoff",
        REVIEW,
        key="municipality",
        method="post",
        data=(("state", "approved"), ("seen", "x")),
        ok=302,
    ),
    Row("funding:kuf_row_comments", INTERNAL, key="measure"),
    Row(
        "funding:kuf_row_comments",
        COMMENT,
        key="measure",
        method="post",
        data=(("text", "Bitte prüfen."),),
        ok=302,
        get_status=200,
    ),
    Row("funding:kuf_comment_resolve", EDIT, key="kuf_comment", method="post", ok=302),
    # Frozen KuF versions: the list (reading), freezing (POST; without a name the allowed roles get the
    # form back with the error, so every role can try it), the comparison
    Row("funding:kuf_version_list", INTERNAL),
    Row("funding:kuf_version_list", EDIT, method="post", data=(("name", ""),), get_status=200),
    Row("funding:kuf_compare", INTERNAL),
    # Excel/CSV import: a POST without a file gets the form back (400); the preview without a pending
    # file goes back to the upload
    Row("funding:import_upload", EDIT),
    Row("funding:import_upload", EDIT, method="post", ok=400, get_status=200),
    Row("funding:import_preview", EDIT, ok=302),
    Row("funding:import_preview", EDIT, method="post", ok=302, get_status=302),
    # Excel downloads (the comparison: the newest version against the current state)
    Row("reports:kuf_xlsx", DOWNLOAD),
    Row("reports:kuf_diff_xlsx", DOWNLOAD),
    Row("reports:measures_xlsx", DOWNLOAD),
    # Funding programmes (admins) and the municipalities' rates of a concept (editors)
    Row("funding:programme_list", PROGRAMMES, key=""),
    Row("funding:programme_create", PROGRAMMES, key=""),
    Row("funding:programme_edit", PROGRAMMES, key="programme"),
    Row("funding:rate_table", EDIT),
    # Moderation of residents' comments (a POST without data gets the form back with its errors)
    Row("participation:comment_list", MODERATE),
    Row("participation:comment_moderate", MODERATE, key="comment"),
    Row("participation:comment_moderate", MODERATE, key="comment", method="post", get_status=200),
]


def expected_status(row: Row, role: str, published: bool) -> int:
    if row.access in (PUBLIC, ANYBODY):
        return row.ok
    if row.access == ANONYMOUS_ONLY:
        return row.ok if role == "anonymous" else 302
    if row.access == VIEW:
        return row.ok if published or role in MEMBERS else 404
    if role == "anonymous":
        return 302  # to the login page
    if row.access == LOGGED_IN or role in ALLOWED[row.access]:
        return row.ok
    if row.access in (ADD_CONCEPT, ADD_MUNICIPALITY, PROGRAMMES):
        return 403
    return 403 if published or role in MEMBERS else 404


def _url(row: Row, concept, objects) -> str:
    if row.key == "":
        return reverse(row.name)
    if row.key == "programme":  # programmes belong to no concept
        return reverse(row.name, kwargs={"pk": objects[row.key].pk})
    kwargs = {"slug": concept.slug}
    if row.key == "municipality":
        kwargs["municipality_pk"] = objects[row.key].pk
    elif row.key:
        kwargs["pk"] = objects[row.key].pk
    return reverse(row.name, kwargs=kwargs)


@pytest.mark.parametrize("row", MATRIX, ids=[f"{row.name}-{row.method}" for row in MATRIX])
def test_permission_matrix(client, world, row):
    concept, objects, users = world
    url = _url(row, concept, objects)
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = getattr(client, row.method)(url, dict(row.data))
        expected = expected_status(row, role, concept.published)
        assert response.status_code == expected, (role, response.status_code)
        if (
            expected == 302
            and role == "anonymous"
            and row.access not in (PUBLIC, ANYBODY, ANONYMOUS_ONLY, VIEW)
        ):
            assert response.url.startswith(reverse("login")), role


@pytest.mark.parametrize(
    "row", [row for row in MATRIX if row.method == "post"], ids=lambda row: f"{row.name}-{row.method}"
)
def test_actions_do_nothing_on_get(client, world, row, admin_user):
    concept, objects, _users = world
    client.force_login(admin_user)
    assert client.get(_url(row, concept, objects)).status_code == row.get_status


def _names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin",) or str(pattern.pattern).startswith("i18n/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_view_is_in_the_matrix():
    """Each named URL of the app (apart from Django's admin and the language switch) has a row."""
    assert _names(get_resolver().url_patterns) == {row.name for row in MATRIX}
