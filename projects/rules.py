"""Object permissions, as ``rules`` predicates over a concept.

Roles are per concept (``ConceptMembership``); superusers are admins everywhere. Every view reaches these
through an access helper (``projects/access.py`` and the ``access.py`` of each app), never directly.
The KuF review permissions live in ``funding/rules.py``, moderation in ``participation/rules.py``.

Permissions (object: the concept):

=============================  =====================================================================
``projects.view_concept``      read the public concept: published, or any role, or admin
``projects.view_internal``     read everything incl. unpublished data and history: any role, admin
``projects.edit_concept``      edit texts, structure, measures, costs: editor, admin
``projects.manage_roles``      assign people to the concept: admin
``projects.add_concept``       create a concept (no object): admin
``projects.add_municipality``  add a municipality to the shared list (no object): admin, any editor
``projects.add_organisation``  add an organisation (planning office, lead body; no object): admin,
                               any editor
``ihk.download_reports``       download PDF and Excel reports: funder, editor, reviewer, admin
=============================  =====================================================================
"""

import rules

from .models import Concept, ConceptMembership

Role = ConceptMembership.Role


def _load(user) -> None:
    """All of a user's roles, loaded in one query once per user object (that is, once per request),
    however many checks a page makes: ``_ihk_roles`` maps concept id to roles, ``_ihk_reviews`` concept
    id to the ids of the municipalities the user reviews there."""
    roles: dict[int, set[str]] = {}
    reviews: dict[int, set[int]] = {}
    memberships = ConceptMembership.objects.filter(user=user).values_list(
        "concept_id", "role", "municipality_id"
    )
    for concept_id, role, municipality_id in memberships:
        roles.setdefault(concept_id, set()).add(role)
        if role == Role.REVIEWER and municipality_id:
            reviews.setdefault(concept_id, set()).add(municipality_id)
    user._ihk_roles, user._ihk_reviews = roles, reviews


def _memberships(user) -> dict[int, set[str]]:
    if getattr(user, "_ihk_roles", None) is None:
        _load(user)
    return user._ihk_roles


def roles_of(user, concept: Concept | None) -> frozenset[str]:
    """The user's roles in ``concept``."""
    if concept is None or not user.is_authenticated:
        return frozenset()
    return frozenset(_memberships(user).get(concept.pk, ()))


def reviewer_municipality_ids(user, concept: Concept) -> frozenset[int]:
    """Municipalities whose KuF rows the user reviews in ``concept``."""
    if not user.is_authenticated:
        return frozenset()
    _memberships(user)
    return frozenset(user._ihk_reviews.get(concept.pk, ()))


def _has_role(*wanted: str):
    @rules.predicate(name=f"has_role_{'_'.join(wanted)}")
    def predicate(user, concept: Concept | None) -> bool:
        return bool(roles_of(user, concept) & set(wanted))

    return predicate


@rules.predicate
def is_published(user, concept: Concept | None) -> bool:
    return concept is not None and concept.published


@rules.predicate
def is_member(user, concept: Concept | None) -> bool:
    return bool(roles_of(user, concept))


@rules.predicate
def is_editor_anywhere(user) -> bool:
    """Edits at least one concept (planning offices add the municipalities they work for)."""
    return user.is_authenticated and any(Role.EDITOR in roles for roles in _memberships(user).values())


is_admin = rules.is_superuser
is_editor = _has_role(Role.EDITOR)
is_reviewer = _has_role(Role.REVIEWER)
is_funder = _has_role(Role.FUNDER)
is_moderator = _has_role(Role.MODERATOR)

rules.add_perm("projects.view_concept", is_published | is_member | is_admin)
rules.add_perm("projects.view_internal", is_member | is_admin)
rules.add_perm("projects.edit_concept", is_editor | is_admin)
rules.add_perm("projects.manage_roles", is_admin)
rules.add_perm("projects.add_concept", is_admin)
rules.add_perm("projects.add_municipality", is_admin | is_editor_anywhere)
rules.add_perm("projects.add_organisation", is_admin | is_editor_anywhere)
rules.add_perm("ihk.download_reports", is_funder | is_editor | is_reviewer | is_admin)
