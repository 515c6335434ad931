"""Forms of participation. They only parse; rules live in ``participation.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Comment


class CommentModerationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Comment.Status.choices)
    reply = Comment._meta.get_field("reply").formfield(
        label=_("Antwort der Kommune"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wird mit der Anmerkung öffentlich angezeigt."),
    )
    loaded_state = forms.CharField(widget=forms.HiddenInput, max_length=32)
