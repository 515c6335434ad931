"""The measure pages of the editor: list, the one-page editor (profile, costs, financing, live totals),
its preview endpoint for htmx, the change history and deletion.

Measures live in ``measures``; these views sit in ``funding`` because the editor shows costs and
financing, which only ``funding`` may know. Every view gets its objects through an access helper.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from funding.kuf import selectors as kuf_selectors
from funding.review.notices import announce_review_resets
from measures.access import measure_for_user
from projects.access import EDIT, INTERNAL, concept_for_user

from . import selectors, services, submit


class MeasureListView(LoginRequiredMixin, TemplateView):
    """All measures of a concept with their totals, for the people working on it."""

    template_name = "funding/measure_list.html"

    def get_context_data(self, **kwargs):
        concept = concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=INTERNAL)
        table = kuf_selectors.kuf_table_for_concept(concept=concept)
        return super().get_context_data(
            concept=concept,
            table=table,
            can_edit=self.request.user.has_perm(EDIT, concept),
            section="measures",
            **kwargs,
        )


def _editor_objects(user, kwargs: dict):
    """The concept and the measure to edit (None when creating one), through the access helpers."""
    if "pk" in kwargs:
        return measure_for_user(user, slug=kwargs["slug"], pk=kwargs["pk"])
    return concept_for_user(user, slug=kwargs["slug"], perm=EDIT), None


class MeasureEditorView(LoginRequiredMixin, View):
    """Create (no ``pk``) or edit a measure: profile, cost lines, financing modules and indicators on
    one page. Works without JavaScript ("Zeile hinzufügen" and "Summen berechnen" submit the whole
    form); with htmx only the table concerned is swapped and ``MeasurePreviewView`` recalculates the
    totals. No lost edits: what a request does, conflicts included, is ``submit.measure_editor_submit``.
    """

    template_name = "funding/measure_form.html"

    def get(self, request, *args, **kwargs):
        concept, measure = _editor_objects(request.user, self.kwargs)
        return self.render_page(submit.measure_editor_load(concept=concept, measure=measure))

    def post(self, request, *args, **kwargs):
        concept, measure = _editor_objects(request.user, self.kwargs)
        page = submit.measure_editor_submit(
            concept=concept,
            measure=measure,
            reload=lambda: _editor_objects(request.user, self.kwargs)[1],
            data=request.POST,
            files=request.FILES,
            user=request.user,
        )
        if page.saved is None:
            return self.render_page(page)
        if page.unchanged:
            text = _("Die Maßnahme %(code)s ist unverändert; es gab nichts zu speichern.")
            messages.info(request, text % {"code": page.saved.code})
        else:
            messages.success(
                request, _("Die Maßnahme %(code)s wurde gespeichert.") % {"code": page.saved.code}
            )
        announce_review_resets(request, concept, page.municipalities)
        return HttpResponseRedirect(reverse("funding:measure_edit", args=[concept.slug, page.saved.pk]))

    def render_page(self, page: submit.EditorPage):
        context = {**page.context(), "section": "measures"}
        return render(self.request, self.template_name, context, status=page.status)


class MeasurePreviewView(LoginRequiredMixin, View):
    """htmx endpoint: the totals of the editor's current (unsaved) input. Saves nothing."""

    template_name = "funding/includes/measure_totals.html"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("funding:measure_list", args=[self.kwargs["slug"]]))

    def post(self, request, *args, **kwargs):
        concept, measure = _editor_objects(request.user, self.kwargs)
        row = submit.measure_editor_preview(concept=concept, measure=measure, data=request.POST)
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
