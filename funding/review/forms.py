"""Forms of the KuF review: a reviewer's verdict and a row comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import KufSignoff


class KufSignoffForm(forms.Form):
    """A reviewer's verdict; the two submit buttons carry ``state``. ``seen`` is the fingerprint of the
    rows as the page showed them."""

    state = forms.ChoiceField(choices=KufSignoff.State.choices, label=_("Ergebnis"))
    reason = forms.CharField(
        label=_("Begründung (bei „Änderung erbeten“ nötig)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)


class KufCommentForm(forms.Form):
    text = forms.CharField(label=_("Kommentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
