"""Forms of the version pages: freezing a version, choosing two states to compare."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funding.models import KufVersion

from . import diff
from .selectors import CURRENT, version_label

UNKNOWN_STATE = {"invalid_choice": gettext_lazy("Diesen Stand gibt es in diesem Konzept nicht.")}


class KufVersionForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name des Stands"),
        max_length=100,
        help_text=gettext_lazy("Zum Beispiel „Antrag 2026“ oder „Stand 01.09.2025“."),
        error_messages={"required": gettext_lazy("Bitte geben Sie dem Stand einen Namen.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Bemerkung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


ALL_AMOUNTS = "alle"


class KufCompareForm(forms.Form):
    """Which two states to compare (a version's pk or ``CURRENT`` on each side) and which amounts the
    tables show (``betrag``: all five, or one of ``diff.MONEY_FIELDS``)."""

    alt = forms.ChoiceField(label=gettext_lazy("Alter Stand"), error_messages=UNKNOWN_STATE)
    neu = forms.ChoiceField(label=gettext_lazy("Neuer Stand"), error_messages=UNKNOWN_STATE)
    betrag = forms.ChoiceField(
        label=gettext_lazy("Beträge"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Diesen Betrag gibt es im Vergleich nicht.")},
    )

    def __init__(self, *args, versions: list[KufVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(CURRENT, _("Aktueller Stand")), *((str(v.pk), version_label(v)) for v in versions)]
        for name in ("alt", "neu"):
            self.fields[name].choices = choices
        self.fields["betrag"].choices = [(ALL_AMOUNTS, _("Alle Beträge")), *diff.money_labels().items()]

    @classmethod
    def for_query(cls, query, *, versions: list[KufVersion]) -> "KufCompareForm":
        """The form of the page's GET parameters; without them, the newest version against the
        current state, all amounts."""
        data = {"alt": str(versions[0].pk), "neu": CURRENT, "betrag": ALL_AMOUNTS}
        data.update({key: query[key] for key in ("alt", "neu", "betrag") if key in query})
        return cls(data, versions=versions)

    def amounts(self) -> tuple[str, ...]:
        """The money columns to show, from the valid form."""
        choice = self.cleaned_data.get("betrag") or ALL_AMOUNTS
        return diff.MONEY_FIELDS if choice == ALL_AMOUNTS else (choice,)
