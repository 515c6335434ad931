"""Every demo measure opens in the editor and saves again unchanged: what the demo (or an import) can
store, the editor can keep."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding.kuf import selectors as kuf_selectors
from measures.models import Measure
from projects.models import Concept

pytestmark = pytest.mark.django_db


def _form_data(form) -> dict:
    data = {}
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
            continue
        if field.widget_type == "clearablefile":
            continue
        if isinstance(value, (list, tuple)):
            data[field.html_name] = [str(item) for item in value]
        elif value is not None:
            data[field.html_name] = field.field.widget.format_value(value) or ""
    return data


def _formset_data(formset) -> dict:
    data = _form_data(formset.management_form)
    for form in formset.forms:
        data.update(_form_data(form))
    return data


def test_every_demo_measure_saves_unchanged_in_the_editor(client, admin_user):
    call_command("load_demo", "--allow-production", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(admin_user)
    for concept in Concept.objects.all():
        before = {row.measure.uid: row.total for row in kuf_selectors.kuf_rows_for_concept(concept=concept)}
        for measure in Measure.objects.filter(concept=concept):
            url = reverse("funding:measure_edit", args=[concept.slug, measure.pk])
            context = client.get(url).context
            data = {
                **_form_data(context["form"]),
                **_formset_data(context["costs"]),
                **_formset_data(context["modules"]),
                **_formset_data(context["indicators"]),
            }
            response = client.post(url, data)
            assert response.status_code == 302, (measure.code, response.context.get("extra_errors"))
        after = {row.measure.uid: row.total for row in kuf_selectors.kuf_rows_for_concept(concept=concept)}
        assert after == before
