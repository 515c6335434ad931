"""Forms of the programme and rate pages. They only parse; the rules live in ``funding.programmes``."""

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import FundingProgramme
from projects.fields import GermanDecimalField, german_decimal_formfield

from .selectors import RateGrid, RateKey


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = FundingProgramme
        formfield_callback = german_decimal_formfield
        fields = ["code", "name", "level", "urban_programme", "default_rate", "max_rate", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        pass  # the service checks the code, with a clearer message

    def _post_clean(self):
        pass  # the service assigns and validates the model; the form only parses


def rate_field_name(key: RateKey) -> str:
    municipality, programme, year = key
    return f"rate-{municipality}-{programme}-{year}"


class RateGridForm(forms.Form):
    """One text input per municipality, programme and year (empty: the programme's default rate),
    plus the rates as loaded (for the conflict check).

    ``locked`` maps the municipalities whose rates the user may not change to the reason: the page shows
    their rates as text with the reason, and a cell of theirs that the request does not send counts as
    unchanged. (One that it does send goes to the service, which refuses any change.)"""

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, grid: RateGrid, locked: Mapping[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.locked = dict(locked or {})
        names = {m.pk: m.name for m in grid.municipalities}
        for programme in grid.programmes:
            for municipality in grid.municipalities:
                for year in grid.years:
                    key = (municipality.pk, programme.pk, year)
                    self.fields[rate_field_name(key)] = GermanDecimalField(
                        label=_("%(municipality)s, %(programme)s, %(year)s (%%)")
                        % {"municipality": names[municipality.pk], "programme": programme.code, "year": year},
                        required=False,
                        max_digits=5,
                        decimal_places=2,
                        error_messages={"invalid": _("Bitte einen Prozentsatz wie 60 oder 62,5 eingeben.")},
                    )
                    if key in grid.rates and (not self.is_bound or municipality.pk in self.locked):
                        self.initial[rate_field_name(key)] = grid.rates[key]

    def rates(self) -> dict[RateKey, object]:
        """The submitted rates by cell (valid form only); None for empty cells. A cell of a locked
        municipality that was not sent: its stored rate."""
        return {
            key: self.grid.rates.get(key)
            if key[0] in self.locked and rate_field_name(key) not in self.data
            else self.cleaned_data.get(rate_field_name(key))
            for key in self.grid.cells()
        }

    def tables(self) -> list[dict]:
        """The bound fields arranged per municipality: rows = programmes, columns = years; ``locked`` is
        why the user may not change them, or ""."""
        return [
            {
                "municipality": municipality,
                "locked": self.locked.get(municipality.pk, ""),
                "rows": [
                    {
                        "programme": programme,
                        "cells": [
                            self[rate_field_name((municipality.pk, programme.pk, year))]
                            for year in self.grid.years
                        ],
                    }
                    for programme in self.grid.programmes
                ],
            }
            for municipality in self.grid.municipalities
        ]
