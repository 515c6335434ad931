"""Writes for participation: moderating residents' comments.

Keyword-only, validated, inside one transaction: everything is stored or nothing. Permission checks are
the caller's job (``participation.access``).
"""

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment

REPLY_MAX_LENGTH = 4000


def comment_state(comment: Comment) -> str:
    """A short fingerprint of what a moderator decides on (status and answer): a form carries the one it
    was loaded with, so two moderators never silently overwrite each other."""
    return hashlib.sha256(f"{comment.status}\x1f{comment.reply}".encode()).hexdigest()[:16]


def comment_moderate(
    *, comment: Comment, status: str, reply: str, loaded_state: str, user: AbstractBaseUser
) -> Comment:
    """Set ``comment``'s ``status`` (pending, published, rejected) and the municipality's ``reply``.

    ``loaded_state`` is ``comment_state`` as the moderator saw it; if someone else moderated the comment
    since, nothing is saved and a ``ValidationError`` names the current state. A changed answer gets
    the current time as ``replied_at``; an emptied answer clears it. An answer to a rejected comment is
    refused (it would never be shown).
    """
    reply = (reply or "").strip()
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment_state(current) != loaded_state:
            raise ValidationError(
                _(
                    "Diese Anmerkung wurde inzwischen von jemand anderem bearbeitet (jetzt: %(status)s). "
                    "Es wurde nichts gespeichert; bitte prüfen Sie den aktuellen Stand."
                )
                % {"status": current.get_status_display()},
                code="conflict",
            )
        errors = {}
        if status not in Comment.Status.values:
            errors["status"] = _("Bitte einen gültigen Status wählen.")
        if len(reply) > REPLY_MAX_LENGTH:
            errors["reply"] = _("Die Antwort ist zu lang (höchstens %(n)d Zeichen).") % {
                "n": REPLY_MAX_LENGTH
            }
        if reply and status == Comment.Status.REJECTED:
            errors["reply"] = _(
                "Eine abgelehnte Anmerkung wird nicht veröffentlicht; eine Antwort darauf auch nicht."
            )
        if errors:
            raise ValidationError(errors)
        if reply != current.reply:
            current.replied_at = timezone.now() if reply else None
        current.status, current.reply = status, reply
        current.full_clean()
        current.save()
    return current
