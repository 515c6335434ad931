"""Notices to editors whose change has reset a municipality's KuF sign-off."""

from django.contrib import messages
from django.utils.translation import gettext as _

from . import selectors


def announce_review_resets(request, concept, municipality_ids: set[int]) -> None:
    """Tell the editor when a change has reset a municipality's KuF sign-off."""
    for review in selectors.kuf_reviews_reset(concept=concept, municipality_ids=municipality_ids):
        messages.warning(
            request,
            _(
                "Die Prüfung der KuF von %(municipality)s („%(result)s“) ist zurückgesetzt, weil sich "
                "diese Zeilen geändert haben: %(codes)s. Die Kommune muss erneut prüfen."
            )
            % {
                "municipality": review.municipality.name,
                "result": review.signoff.get_state_display(),
                "codes": ", ".join(review.changed),
            },
        )
