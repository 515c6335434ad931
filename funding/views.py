"""The measure pages of the editor: list, the one-page editor (profile, costs, financing, live totals),
its preview endpoint for htmx, the change history and deletion.

Measures live in ``measures``; these views sit in ``funding`` because the editor shows costs and
financing, which only ``funding`` may know. Every view gets its objects through an access helper.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from measures.access import measure_for_user
from measures.forms import MeasureForm
from measures.models import Measure
from projects.access import EDIT, INTERNAL, concept_for_user
from projects.locking import EditConflict

from . import selectors, services
from .forms import CostLines, FinancingModules, programmes_for_editor

ROW_ACTIONS = {"add_cost": "costs", "add_module": "modules"}


class MeasureListView(LoginRequiredMixin, TemplateView):
    """All measures of a concept with their totals, for the people working on it."""

    template_name = "funding/measure_list.html"

    def get_context_data(self, **kwargs):
        concept = concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=INTERNAL)
        table = selectors.kuf_table_for_concept(concept=concept)
        return super().get_context_data(
            concept=concept,
            table=table,
            can_edit=self.request.user.has_perm(EDIT, concept),
            section="measures",
            **kwargs,
        )


class MeasureEditorView(LoginRequiredMixin, View):
    """Create (no ``pk``) or edit a measure: profile, cost lines and financing modules on one page.

    Works without JavaScript: "Zeile hinzufügen" and "Summen berechnen" submit the whole form and the
    page comes back with the input kept and nothing saved. With htmx the same requests swap only the
    money section, and every change recalculates the totals through ``MeasurePreviewView``.
    """

    template_name = "funding/measure_form.html"

    def objects(self):
        if "pk" in self.kwargs:
            return measure_for_user(self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        return concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=EDIT), None

    def build(self, concept, measure, data=None, files=None):
        instance = measure or Measure(concept=concept)
        programmes = programmes_for_editor()
        profile = MeasureForm(data, files, instance=instance, concept=concept)
        costs = CostLines(
            data,
            instance=instance,
            prefix="costs",
            queryset=instance.cost_lines.order_by("year", "section", "pk") if measure else None,
            form_kwargs={"concept": concept},
        )
        modules = FinancingModules(
            data,
            instance=instance,
            prefix="modules",
            queryset=instance.financing_modules.select_related("programme")
            .prefetch_related("years")
            .order_by("order", "pk")
            if measure
            else None,
            form_kwargs={"concept": concept, "programmes": programmes},
        )
        if measure is None and data is None:
            costs.extra = 2
            modules.extra = 1
        return profile, costs, modules

    def preview(self, concept, profile, costs, modules, measure):
        if profile.is_bound:
            municipality_id = profile.data.get("municipality") or None
            start = profile.data.get("start_year")
            cost_rows, module_rows = costs.rows(), modules.rows()
        else:
            municipality_id = measure.municipality_id if measure else None
            start = measure.start_year if measure else None
            cost_rows = [form.row() for form in costs.forms if form.instance.pk and _fill(form)]
            module_rows = [
                form.row(i) for i, form in enumerate(modules.forms, 1) if form.instance.pk and _fill(form)
            ]
        try:
            municipality_id = int(municipality_id) if municipality_id else None
            start = int(start) if start else None
        except ValueError:
            municipality_id, start = None, None
        row = selectors.measure_preview_row(
            concept=concept,
            municipality_id=municipality_id,
            start_year=start,
            cost_lines=cost_rows,
            modules=module_rows,
        )
        return row

    def render_page(self, concept, measure, profile, costs, modules, status=200, focus_new=None, **extra):
        if focus_new:
            # The row just added gets the focus (browsers honour autofocus on load, htmx after a swap).
            formset = costs if focus_new == "costs" else modules
            first = next(iter(formset.forms[-1].fields.values()))
            first.widget.attrs["autofocus"] = True
        context = {
            "concept": concept,
            "measure": measure,
            "form": profile,
            "costs": costs,
            "modules": modules,
            "row": self.preview(concept, profile, costs, modules, measure),
            "section": "measures",
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        concept, measure = self.objects()
        profile, costs, modules = self.build(concept, measure)
        return self.render_page(concept, measure, profile, costs, modules)

    def post(self, request, *args, **kwargs):
        concept, measure = self.objects()
        data = request.POST.copy()
        action = data.get("_action", "save")
        if action in ROW_ACTIONS:
            prefix = ROW_ACTIONS[action]
            data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS", "0") or 0) + 1)
        profile, costs, modules = self.build(concept, measure, data, request.FILES)
        if action != "save":
            return self.render_page(
                concept, measure, profile, costs, modules, focus_new=ROW_ACTIONS.get(action)
            )
        valid = all([profile.is_valid(), costs.is_valid(), modules.is_valid()])
        errors = []
        if valid:
            errors = services.financing_errors(modules=modules.rows())
        if valid and not errors:
            before = {measure.municipality_id} if measure else set()  # a move concerns both
            try:
                saved = services.measure_save(
                    concept=concept,
                    measure=measure,
                    profile=profile.profile(),
                    cost_lines=costs.rows(),
                    modules=modules.rows(),
                    expected_version=profile.cleaned_data.get("version") if measure else None,
                    user=request.user,
                )
            except EditConflict as conflict:
                data["version"] = str(conflict.instance.version)
                profile, costs, modules = self.build(concept, measure, data, request.FILES)
                return self.render_page(
                    concept, measure, profile, costs, modules, conflict=conflict, status=409
                )
            except ValidationError as error:
                errors = _attach(error, profile)
            else:
                messages.success(
                    request, _("Die Maßnahme %(code)s wurde gespeichert.") % {"code": saved.code}
                )
                announce_review_resets(request, concept, before | {saved.municipality_id})
                return HttpResponseRedirect(reverse("funding:measure_edit", args=[concept.slug, saved.pk]))
        return self.render_page(concept, measure, profile, costs, modules, extra_errors=errors)


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


def _fill(form) -> bool:
    """Fill an unbound form's cleaned_data from its instance (for the totals on first load)."""
    instance = form.instance
    form.cleaned_data = {name: getattr(instance, name, None) for name in form.fields}
    if "kind" in form.fields:
        form.cleaned_data["years"] = {entry.year: entry.amount for entry in instance.years.all()}
        form.cleaned_data["programme"] = instance.programme
    return True


def _attach(error: ValidationError, form) -> list[str]:
    """Put a service's ValidationError on the profile form's fields where it names one; return the rest."""
    rest = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                rest.extend(message for e in errors for message in e.messages)
    else:
        rest.extend(error.messages)
    return rest


class MeasurePreviewView(MeasureEditorView):
    """htmx endpoint: the totals of the editor's current (unsaved) input. Saves nothing."""

    template_name = "funding/includes/measure_totals.html"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("funding:measure_list", args=[self.kwargs["slug"]]))

    def post(self, request, *args, **kwargs):
        concept, measure = self.objects()
        profile, costs, modules = self.build(concept, measure, request.POST.copy(), None)
        costs.is_valid()
        modules.is_valid()
        row = self.preview(concept, profile, costs, modules, measure)
        return render(request, self.template_name, {"row": row, "concept": concept})


class MeasureHistoryView(LoginRequiredMixin, TemplateView):
    """ "Verlauf": who changed what and when, field by field, for a measure and its money rows."""

    template_name = "funding/measure_history.html"

    def get_context_data(self, **kwargs):
        concept, measure = measure_for_user(
            self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"], perm=INTERNAL
        )
        return super().get_context_data(
            concept=concept,
            measure=measure,
            entries=selectors.measure_history(measure=measure),
            section="measures",
            **kwargs,
        )


class MeasureDeleteView(LoginRequiredMixin, TemplateView):
    """Confirm, then delete a measure with its costs and financing (kept in the history)."""

    template_name = "funding/measure_confirm_delete.html"

    def get_context_data(self, **kwargs):
        concept, measure = measure_for_user(self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        return super().get_context_data(concept=concept, measure=measure, section="measures", **kwargs)

    def post(self, request, *args, **kwargs):
        concept, measure = measure_for_user(request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        services.measure_delete(measure=measure, user=request.user)
        messages.success(request, _("Die Maßnahme %(code)s wurde gelöscht.") % {"code": measure.code})
        announce_review_resets(request, concept, {measure.municipality_id})
        return HttpResponseRedirect(reverse("funding:measure_list", args=[concept.slug]))
