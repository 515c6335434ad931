"""Reads for participation: the moderation queue of a concept."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from projects.models import Concept

from .models import Comment


@dataclass(frozen=True)
class StatusTab:
    status: str
    label: str
    count: int


def comment_status_counts(*, concept: Concept) -> list[StatusTab]:
    """How many comments of ``concept`` have each status, in the order of ``Comment.Status``. One query."""
    counts = dict(
        Comment.objects.filter(measure__concept=concept)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [StatusTab(status, label, counts.get(status, 0)) for status, label in Comment.Status.choices]


def comments_for_moderation(*, concept: Concept, status: str | None) -> QuerySet[Comment]:
    """The comments on ``concept``'s measures with ``status`` (all for None), oldest waiting first, each
    with its measure. One query however many comments."""
    comments = Comment.objects.filter(measure__concept=concept).select_related("measure")
    if status:
        comments = comments.filter(status=status)
    return comments.order_by("created_at", "pk")
