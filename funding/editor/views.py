"""The measure pages of the editor: list, the one-page editor (profile, costs, financing, live totals),
its preview endpoint for htmx, the change history and deletion.

Measures live in ``measures``; these views sit in ``funding`` because the editor shows costs and
financing, which only ``funding`` may know. Every view gets its objects through an access helper.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from funding.kuf import selectors as kuf_selectors
from funding.review.notices import announce_review_resets
from measures.access import measure_for_user
from measures.forms import IndicatorFormSet, Indicators, MeasureForm
from measures.models import Measure
from projects.access import EDIT, INTERNAL, concept_for_user
from projects.locking import EditConflict

from . import selectors, services
from .forms import (
    CostLineFormSet,
    CostLines,
    FinancingModuleFormSet,
    FinancingModules,
    detach_stale_rows,
    insert_stored_rows,
    posted_row_ids,
    programmes_for_editor,
)

ROW_ACTIONS = {"add_cost": "costs", "add_module": "modules", "add_indicator": "indicators"}


@dataclass
class EditorForms:
    """The forms of the measure editor: the profile and its three growable tables."""

    profile: MeasureForm
    costs: CostLineFormSet
    modules: FinancingModuleFormSet
    indicators: IndicatorFormSet

    @property
    def tables(self) -> dict:
        return {"costs": self.costs, "modules": self.modules, "indicators": self.indicators}

    def is_valid(self) -> bool:
        return all([self.profile.is_valid(), *(formset.is_valid() for formset in self.tables.values())])


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


class MeasureEditorView(LoginRequiredMixin, View):
    """Create (no ``pk``) or edit a measure: profile, cost lines, financing modules and indicators on
    one page.

    Works without JavaScript: "Zeile hinzufügen" and "Summen berechnen" submit the whole form and the
    page comes back with the input kept and nothing saved. With htmx the same requests swap only the
    table concerned, and every change of the money part recalculates the totals through
    ``MeasurePreviewView``.

    No lost edits: if someone else saved since the page was loaded (or deleted a row the page holds, or
    changed the related measures through another measure), nothing is saved; the page comes back (409)
    with every change made meanwhile, who made it and when, the user's input kept, the cells whose input
    differs from what is stored now marked with the stored value, rows others added put into the
    tables, and rows others deleted kept as new rows. Saving again applies the input deliberately.
    """

    template_name = "funding/measure_form.html"

    def objects(self):
        if "pk" in self.kwargs:
            return measure_for_user(self.request.user, slug=self.kwargs["slug"], pk=self.kwargs["pk"])
        return concept_for_user(self.request.user, slug=self.kwargs["slug"], perm=EDIT), None

    def build(self, concept, measure, data=None, files=None, *, programmes=None) -> EditorForms:
        instance = measure or Measure(concept=concept)
        profile = MeasureForm(data, files, instance=instance, concept=concept)
        return EditorForms(
            profile=profile, **self.build_tables(concept, measure, data, programmes=programmes)
        )

    def build_tables(self, concept, measure, data=None, *, programmes=None) -> dict:
        """The three growable tables, bound to ``data`` or showing the stored rows. Queries, however
        many rows: the cost lines (1), the modules with their programmes (1) and year amounts (1), the
        indicators (1), and the programmes to choose from (1, unless ``programmes`` are given)."""
        instance = measure or Measure(concept=concept)
        if programmes is None:
            programmes = programmes_for_editor()
        tables = {
            "costs": CostLines(
                data,
                instance=instance,
                prefix="costs",
                queryset=instance.cost_lines.order_by("year", "section", "pk") if measure else None,
                form_kwargs={"concept": concept},
            ),
            "modules": FinancingModules(
                data,
                instance=instance,
                prefix="modules",
                queryset=instance.financing_modules.select_related("programme")
                .prefetch_related("years")
                .order_by("order", "pk")
                if measure
                else None,
                form_kwargs={"concept": concept, "programmes": programmes},
            ),
            "indicators": Indicators(
                data,
                instance=instance,
                prefix="indicators",
                queryset=instance.indicators.order_by("pk") if measure else None,
            ),
        }
        if measure is None and data is None:
            tables["costs"].extra, tables["modules"].extra, tables["indicators"].extra = 2, 1, 1
        return tables

    def totals(self, concept, measure, costs, modules, data=None):
        """The KuF row of the editor's input (``data``, the tables bound to it) or, without ``data``, of
        the stored rows. One query (the municipality's rates)."""
        if data is not None:
            municipality_id = data.get("municipality") or None
            start = data.get("start_year")
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

    def render_page(self, concept, measure, forms: EditorForms, status=200, focus_new=None, **extra):
        if focus_new:
            # The row just added gets the focus (browsers honour autofocus on load, htmx after a swap).
            first = next(iter(forms.tables[focus_new].forms[-1].fields.values()))
            first.widget.attrs["autofocus"] = True
        context = {
            "concept": concept,
            "measure": measure,
            "form": forms.profile,
            "costs": forms.costs,
            "modules": forms.modules,
            "indicators": forms.indicators,
            "row": self.totals(
                concept,
                measure,
                forms.costs,
                forms.modules,
                forms.profile.data if forms.profile.is_bound else None,
            ),
            "section": "measures",
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        concept, measure = self.objects()
        return self.render_page(concept, measure, self.build(concept, measure))

    def post(self, request, *args, **kwargs):
        concept, measure = self.objects()
        data = request.POST.copy()
        action = data.get("_action", "save")
        stale = _detach_stale_rows(measure, data) if measure else {}
        if action in ROW_ACTIONS:
            prefix = ROW_ACTIONS[action]
            data[f"{prefix}-TOTAL_FORMS"] = str((_int(data.get(f"{prefix}-TOTAL_FORMS")) or 0) + 1)
        forms = self.build(concept, measure, data, request.FILES)
        if action != "save":
            if stale:
                conflict = selectors.measure_conflict(
                    measure=measure, version=forms.profile.loaded_version(), related_seen=None, deleted=stale
                )
                _put_row_notes(forms, conflict)
            return self.render_page(concept, measure, forms, focus_new=ROW_ACTIONS.get(action))
        version = forms.profile.loaded_version()
        if version is not None and (stale or version != measure.version):
            # Someone saved since the page was loaded, or deleted a row it holds: the service would
            # refuse the save, so the conflict is shown before the tables are validated.
            return self.render_conflict(concept, measure, forms, stale=stale)
        valid = forms.is_valid()
        errors = []
        if valid:
            errors = services.financing_errors(modules=forms.modules.rows())
        if valid and not errors:
            profile = forms.profile
            before = {measure.municipality_id} if measure else set()  # a move concerns both
            try:
                saved = services.measure_save(
                    concept=concept,
                    measure=measure,
                    profile=profile.profile(),
                    cost_lines=forms.costs.rows(),
                    modules=forms.modules.rows(),
                    indicators=forms.indicators.rows(),
                    expected_version=version,
                    related_seen=profile.related_seen_ids(),
                    user=request.user,
                )
            except EditConflict:
                # Someone saved in the meantime, or changed the related measures through another measure.
                concept, current = self.objects()
                return self.render_conflict(concept, current, forms, stale={})
            except ValidationError as error:
                errors = _attach(error, forms.profile)
                if measure is not None:
                    # The service may have set the input on the object before refusing it.
                    concept, measure = self.objects()
            else:
                messages.success(
                    request, _("Die Maßnahme %(code)s wurde gespeichert.") % {"code": saved.code}
                )
                announce_review_resets(request, concept, before | {saved.municipality_id})
                return HttpResponseRedirect(reverse("funding:measure_edit", args=[concept.slug, saved.pk]))
        return self.render_page(concept, measure, forms, extra_errors=errors)

    def render_conflict(
        self, concept, current, posted: EditorForms, *, stale: dict[str, list[tuple[int | None, int]]]
    ):
        """The page after a conflict (409): the changes since the user's version, the user's input with
        the cells that differ from the stored values marked, and the form moved to the current version,
        so that saving again applies the input deliberately. ``posted`` are the forms of the request,
        ``current`` the measure as stored now.

        Queries, however many rows: the stored tables (4, see ``build_tables``), the conflict
        (``selectors.measure_conflict``), and the page (``build`` bound to the rewritten input,
        validated once, and its totals)."""
        data = posted.profile.data
        programmes = posted.modules.form_kwargs["programmes"]
        # Rows others added meanwhile go into the tables, so saving again does not delete them unseen.
        stored = self.build_tables(concept, current, programmes=programmes)
        added = {}
        for prefix, formset in stored.items():
            posted_ids = posted_row_ids(data, prefix=prefix)
            new_rows = [form for form in formset.forms if form.instance.pk not in posted_ids]
            indexes = insert_stored_rows(data, prefix=prefix, forms_to_add=new_rows)
            added[prefix] = [(form.instance.pk, index) for form, index in zip(new_rows, indexes, strict=True)]
        conflict = selectors.measure_conflict(
            measure=current,
            version=posted.profile.loaded_version(),
            related_seen=posted.profile.related_seen_ids(),
            deleted=stale,
            added=added,
            image_dropped=bool(posted.profile.files.get("image")),
        )
        data["version"] = str(current.version)
        data["related_seen"] = ",".join(str(pk) for pk in sorted(conflict.related_ids))
        forms = self.build(concept, current, data, posted.profile.files, programmes=programmes)
        for formset in forms.tables.values():
            formset.mark_saved()
        _put_row_notes(forms, conflict)
        return self.render_page(concept, current, forms, status=409, conflict=conflict)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _detach_stale_rows(measure, data) -> dict[str, list[tuple[int | None, int]]]:
    """Rows of the posted tables whose stored row was deleted meanwhile, turned into new rows."""
    current = selectors.measure_row_ids(measure=measure)
    stale = {}
    for prefix in selectors.EDITOR_TABLES:
        moved = detach_stale_rows(data, prefix=prefix, current_ids=current[prefix])
        if moved:
            stale[prefix] = moved
    return stale


def _put_row_notes(forms: EditorForms, conflict: selectors.MeasureConflict) -> None:
    """Show the conflict's note on each row deleted or added by someone else."""
    for (prefix, index), note in conflict.row_notes.items():
        forms.tables[prefix].forms[index].conflict_note = note


def _fill(form) -> bool:
    """Fill an unbound form's cleaned_data from its instance (for the totals on first load)."""
    instance = form.instance
    form.cleaned_data = {name: getattr(instance, name, None) for name in form.fields}
    if "kind" in form.fields:
        form.cleaned_data["years"] = form.stored_years
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
        data = request.POST.copy()
        if measure is not None:
            _detach_stale_rows(measure, data)  # a row deleted meanwhile still counts in the totals
        tables = self.build_tables(concept, measure, data)
        row = self.totals(concept, measure, tables["costs"], tables["modules"], data)
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
