"""Residents' comments on measures. Depends on ``projects`` and ``measures``."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import Measure
from projects.fields import LimitedTextField
from projects.validators import SHORT_TEXT


class CommentQuerySet(models.QuerySet):
    def visible(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.PUBLISHED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Wartet auf Freigabe")
        PUBLISHED = "published", _("Veröffentlicht")
        REJECTED = "rejected", _("Abgelehnt")

    measure = models.ForeignKey(
        Measure, verbose_name=_("Maßnahme"), on_delete=models.CASCADE, related_name="comments"
    )
    author_name = models.CharField(
        _("Name"), max_length=100, blank=True, help_text=_("Freiwillig; wird öffentlich angezeigt.")
    )
    text = LimitedTextField(_("Anmerkung"), max_length=4000)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reply = LimitedTextField(_("Antwort der Kommune"), max_length=SHORT_TEXT, blank=True)
    replied_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anmerkung")
        verbose_name_plural = _("Anmerkungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.text[:50]}"
