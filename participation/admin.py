"""Admin for residents' comments: moderate (publish or reject) and answer.

The measure is picked with a raw-id widget: ``Measure`` is registered by ``funding.admin``, and this
app must not depend on ``funding``.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("short_text", "measure", "author_name", "status", "created_at", "replied_at")
    list_filter = ("status", "measure__concept", "created_at")
    list_select_related = ("measure",)
    search_fields = ("text", "author_name", "reply", "measure__code", "measure__title")
    raw_id_fields = ("measure",)
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    actions = ("publish", "reject")
    fields = ("measure", "author_name", "text", "status", "reply", "replied_at", "created_at")

    @admin.display(description=_("Anmerkung"), ordering="text")
    def short_text(self, obj: Comment) -> str:
        return Truncator(obj.text).chars(80)

    @staticmethod
    def _set_status(queryset: QuerySet[Comment], status: str) -> int:
        """Set ``status`` on the selected comments that lack it; returns how many changed."""
        return queryset.exclude(status=status).update(status=status)

    @admin.action(description=_("Ausgewählte Anmerkungen veröffentlichen"), permissions=("change",))
    def publish(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = self._set_status(queryset, Comment.Status.PUBLISHED)
        self.message_user(
            request,
            ngettext(
                "%(count)d Anmerkung wurde veröffentlicht.",
                "%(count)d Anmerkungen wurden veröffentlicht.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Ausgewählte Anmerkungen ablehnen"), permissions=("change",))
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        count = self._set_status(queryset, Comment.Status.REJECTED)
        self.message_user(
            request,
            ngettext(
                "%(count)d Anmerkung wurde abgelehnt.",
                "%(count)d Anmerkungen wurden abgelehnt.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
