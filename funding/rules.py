"""Permissions of the KuF review, as ``rules`` predicates (see ``projects/rules.py`` for the roles).

=================================  ==================================================================
``funding.review_municipality``    sign off the KuF rows of one municipality (object: ``ReviewTarget``):
                                   a reviewer of that municipality in that concept, admin
``funding.comment_row``            comment on a KuF row (object: the measure): reviewer of the
                                   measure's municipality, editor of its concept, admin
``funding.resolve_comment``        mark a row comment as done (object: the comment): editor, admin,
                                   the comment's author
``funding.freeze_version``         freeze the current KuF as a version (object: the concept): editor,
                                   admin
``funding.manage_programmes``      add and change funding programmes (no object): admin
``funding.change_rates``           change a municipality's funding rates (object: ``SharedRates``):
                                   who may edit every concept the municipality takes part in, admin
=================================  ==================================================================

The rate page of a concept is open to whoever edits the concept (``projects.edit_concept``). A
municipality's rates hold in every concept it takes part in, so changing them changes each of those
KuFs and resets their sign-offs: the page shows the rates of a municipality that also takes part in a
concept the user may not edit, but does not let them change those.
"""

from dataclasses import dataclass

import rules

from projects.models import Concept, Municipality
from projects.rules import is_admin, is_editor, reviewer_municipality_ids, roles_of


@dataclass(frozen=True)
class ReviewTarget:
    """The part of a KuF a reviewer signs off: one municipality's rows in one concept."""

    concept: Concept
    municipality: Municipality


@dataclass(frozen=True)
class SharedRates:
    """A municipality's funding rates, and every concept the municipality takes part in (they all use
    these rates)."""

    municipality: Municipality
    concepts: tuple[Concept, ...]


@rules.predicate
def edits_every_concept_of(user, rates: SharedRates) -> bool:
    return bool(rates.concepts) and all("editor" in roles_of(user, concept) for concept in rates.concepts)


@rules.predicate
def reviews_target(user, target: ReviewTarget) -> bool:
    return target.municipality.pk in reviewer_municipality_ids(user, target.concept)


@rules.predicate
def reviews_measure(user, measure) -> bool:
    return measure.municipality_id in reviewer_municipality_ids(user, measure.concept)


@rules.predicate
def edits_measure_concept(user, measure) -> bool:
    return "editor" in roles_of(user, measure.concept)


@rules.predicate
def edits_comment_concept(user, comment) -> bool:
    return "editor" in roles_of(user, comment.concept)


@rules.predicate
def wrote_comment(user, comment) -> bool:
    return user.is_authenticated and comment.author_id == user.pk


rules.add_perm("funding.review_municipality", reviews_target | is_admin)
rules.add_perm("funding.comment_row", reviews_measure | edits_measure_concept | is_admin)
rules.add_perm("funding.resolve_comment", edits_comment_concept | wrote_comment | is_admin)
rules.add_perm("funding.freeze_version", is_editor | is_admin)
rules.add_perm("funding.manage_programmes", is_admin)
rules.add_perm("funding.change_rates", edits_every_concept_of | is_admin)
