"""The filters and display options of the KuF page (and of its Excel export).

django-filter parses and validates the GET parameters and renders the form. The filtering itself runs
on computed KuF rows (``kuf.select_rows``), not on a queryset: the live KuF and a frozen version (whose
rows are stored, not computed) must be filtered by one and the same code, and the year range cuts year
cells, which no queryset filter can do. The choices come from the rows shown, so a version offers the
action fields and quarters it had.
"""

from collections.abc import Sequence

import django_filters
from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from funding import kuf
from funding.kuf.columns import DEFAULT_YEAR_VALUE, EUR, UNITS, YEAR_VALUES
from measures.models import Measure

GROUPINGS = {
    kuf.GROUP_BY_ACTION_FIELD: _("Handlungsfeld"),
    kuf.GROUP_BY_MUNICIPALITY: _("Kommune"),
    kuf.GROUP_BY_PROGRAMME: _("Förderprogramm"),
}


def _attrs(attrs: dict) -> str:
    """A widget's attributes as Django's ``attrs.html`` writes them: ``True`` as the bare name, ``False``
    left out, every other value escaped."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class _Select(forms.Select):
    """A select written in Python from Django's own widget context (name, id, aria attributes and
    options as Django sets them), the elements and attributes Django's ``select.html`` writes: the 13
    filter widgets, each option through a template of Django's form renderer, were a quarter of a small
    KuF page's time."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        lines = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                lines.append(f'  <optgroup label="{conditional_escape(group_name)}">')
            lines += [
                f'  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
                for option in options
            ]
            if group_name:
                lines.append("  </optgroup>")
        lines.append("</select>")
        return mark_safe("\n".join(lines))


class _SelectMultiple(_Select, forms.SelectMultiple):
    pass


class _TextInput(forms.TextInput):
    """A text input written in Python, as Django's ``input.html`` writes it (see ``_Select``)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )


def _select_multiple():
    return _SelectMultiple(attrs={"size": 4})


class KufFilterSet(django_filters.FilterSet):
    """GET parameters of the KuF page. Use ``row_filter()`` for the rows and ``options()`` for the
    display settings; both fall back to defaults for invalid input (the form shows the errors)."""

    kommune = django_filters.MultipleChoiceFilter(label=_("Kommune"), widget=_select_multiple())
    quartier = django_filters.MultipleChoiceFilter(label=_("Quartier"), widget=_select_multiple())
    handlungsfeld = django_filters.MultipleChoiceFilter(label=_("Handlungsfeld"), widget=_select_multiple())
    programm = django_filters.MultipleChoiceFilter(label=_("Förderprogramm"), widget=_select_multiple())
    prioritaet = django_filters.MultipleChoiceFilter(
        label=_("Priorität"), choices=Measure.Priority.choices, widget=_select_multiple()
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Measure.Status.choices, widget=_select_multiple()
    )
    planungsstand = django_filters.MultipleChoiceFilter(
        label=_("Planungsstand (HOAI)"), choices=Measure.HoaiPhase.choices, widget=_select_multiple()
    )
    jahr_von = django_filters.NumberFilter(label=_("Jahre von"))
    jahr_bis = django_filters.NumberFilter(label=_("bis"))
    suche = django_filters.CharFilter(label=_("Suche (Kürzel, Titel, Träger)"), widget=_TextInput())
    gruppierung = django_filters.ChoiceFilter(
        label=_("Gruppieren nach"), choices=list(GROUPINGS.items()), empty_label=None, widget=_Select()
    )
    einheit = django_filters.ChoiceFilter(
        label=_("Beträge in"), choices=list(UNITS.items()), empty_label=None, widget=_Select()
    )
    jahreswert = django_filters.ChoiceFilter(
        label=_("Jahresscheiben zeigen"),
        choices=list(YEAR_VALUES.items()),
        empty_label=None,
        widget=_Select(),
    )

    def __init__(self, data=None, *, rows: Sequence[kuf.KufRow], years: Sequence[int]):
        super().__init__(data, queryset=Measure.objects.none())
        municipalities = sorted({row.measure.municipality.key for row in rows})
        quarters = sorted({code for row in rows for code in row.measure.quarters})
        fields = sorted(
            {row.measure.action_field for row in rows}, key=lambda label: (label.order, label.key)
        )
        programmes = sorted({code for row in rows for code in row.programmes})
        form_fields = self.form.fields
        form_fields["kommune"].choices = [(name, name) for name in municipalities]
        form_fields["quartier"].choices = [(code, code) for code in quarters]
        form_fields["handlungsfeld"].choices = [(label.key, f"{label.key} {label.title}") for label in fields]
        form_fields["programm"].choices = [(code, code) for code in programmes]
        for name in ("jahr_von", "jahr_bis"):
            form_fields[name].widget = _Select(choices=[("", "–"), *((year, year) for year in years)])
        for name in ("gruppierung", "einheit", "jahreswert"):
            form_fields[name].required = False

    def _cleaned(self) -> dict:
        form = self.form
        if not form.is_bound:
            return {}
        if not form.is_valid():
            return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
        return form.cleaned_data

    def row_filter(self) -> kuf.RowFilter:
        data = self._cleaned()
        year_from, year_to = data.get("jahr_von"), data.get("jahr_bis")
        return kuf.RowFilter(
            municipalities=frozenset(data.get("kommune") or ()),
            quarters=frozenset(data.get("quartier") or ()),
            action_fields=frozenset(data.get("handlungsfeld") or ()),
            programmes=frozenset(data.get("programm") or ()),
            priorities=frozenset(int(value) for value in data.get("prioritaet") or ()),
            statuses=frozenset(data.get("status") or ()),
            hoai_phases=frozenset(int(value) for value in data.get("planungsstand") or ()),
            year_from=int(year_from) if year_from is not None else None,
            year_to=int(year_to) if year_to is not None else None,
            text=data.get("suche") or "",
        )

    def options(self) -> dict[str, str]:
        data = self._cleaned()
        return {
            "group_by": data.get("gruppierung") or kuf.GROUP_BY_ACTION_FIELD,
            "unit": data.get("einheit") or EUR,
            "year_value": data.get("jahreswert") or DEFAULT_YEAR_VALUE,
        }

    @property
    def is_filtered(self) -> bool:
        return self.row_filter() != kuf.RowFilter()

    def describe_invalid(self) -> str:
        """The input the form refused, in words, for the title block of a report ("Kommune
        „Nirgendwo“; Jahre von „x“"): the rows are then not filtered by it, as on the KuF page."""
        form = self.form
        if not form.is_bound or form.is_valid():
            return ""
        parts = []
        for name in form.errors:
            if name not in form.fields:
                continue
            values = (
                [value for value in form.data.getlist(name) if value] if hasattr(form.data, "getlist") else []
            )
            shown = ", ".join(f"„{value}“" for value in values)
            parts.append(f"{form.fields[name].label} {shown}".strip())
        return "; ".join(parts)
