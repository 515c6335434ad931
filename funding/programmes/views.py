"""Funding programmes (admins) and the funding rates of a concept's municipalities (editors).

Thin views: objects come through ``funding.access`` / ``projects.access``, forms parse, the functions
in ``funding.programmes`` decide. Post/redirect/get; every page works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from funding.access import programme_for_user, rate_locks_for_user
from funding.review.notices import announce_review_resets
from projects.access import EDIT, concept_for_user
from projects.forms import add_service_errors

from . import selectors, services
from .forms import ProgrammeForm, RateGridForm


class ProgrammeListView(LoginRequiredMixin, TemplateView):
    template_name = "funding/programme_list.html"

    def get_context_data(self, **kwargs):
        programme_for_user(self.request.user)
        return super().get_context_data(programmes=selectors.programme_list(), **kwargs)


class ProgrammeFormView(LoginRequiredMixin, TemplateView):
    """New programme (no ``pk``) or changing one; nothing is saved when anything is wrong."""

    template_name = "funding/programme_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.programme = programme_for_user(request.user, pk=kwargs.get("pk"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ProgrammeForm(instance=self.programme))
        return super().get_context_data(programme=self.programme, **kwargs)

    def post(self, request, *args, **kwargs):
        form = ProgrammeForm(request.POST, instance=self.programme)
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in services.PROGRAMME_FIELDS}
            try:
                if self.programme is None:
                    saved = services.programme_create(data=data, user=request.user)
                else:
                    saved = services.programme_update(programme=self.programme, data=data, user=request.user)
            except ValidationError as error:
                add_service_errors(error, form)
                if self.programme is not None:
                    self.programme.refresh_from_db()
            else:
                messages.success(
                    request, _("Das Förderprogramm „%(name)s“ wurde gespeichert.") % {"name": saved}
                )
                return redirect("funding:programme_list")
        return self.render_to_response(self.get_context_data(form=form))


RELOAD = gettext_lazy("Die Seite ist unvollständig geladen. Bitte laden Sie sie neu.")


def _rate_form(user, grid: selectors.RateGrid, data=None, **kwargs) -> RateGridForm:
    """The rate table's form for ``grid``; the rates of municipalities ``user`` may not change (they
    also take part in a concept the user may not edit) are shown with the reason, not offered."""
    locks = rate_locks_for_user(user, municipalities=grid.municipalities, concepts=grid.concepts)
    locked = {
        municipality.pk: services.rates_locked_message(
            municipality=municipality, concepts=locks[municipality.pk]
        )
        for municipality in grid.municipalities
        if municipality.pk in locks
    }
    return RateGridForm(data, grid=grid, locked=locked, **kwargs)


def _rates_save(*, concept, form: RateGridForm, user) -> int:
    """Save the valid form's rates over those it was loaded with; the number of cells changed. Raises
    as ``services.municipal_rates_set`` does, and ``ValidationError`` if the loaded rates are garbled."""
    try:
        loaded = services.decode_rates(form.cleaned_data["loaded"])
    except ValueError:
        raise ValidationError(RELOAD) from None
    return services.municipal_rates_set(
        concept=concept, rates=form.rates(), loaded=loaded, user=user, locked=form.locked
    )


def _saved_message(changed: int) -> str:
    return ngettext(
        "Die Fördersätze wurden gespeichert (%(n)d Änderung).",
        "Die Fördersätze wurden gespeichert (%(n)d Änderungen).",
        changed,
    ) % {"n": changed}


class RateTableView(LoginRequiredMixin, TemplateView):
    """The funding rates of the concept's municipalities per programme and programme year. The form
    carries the rates as loaded: after someone else's save the page comes back with the input, the cells
    that changed and the current rates as the new base, so saving again applies the input deliberately."""

    template_name = "funding/rate_table.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.concept = concept_for_user(request.user, slug=kwargs["slug"], perm=EDIT)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            grid = selectors.rate_grid(concept=self.concept)
            loaded = services.encode_rates(grid.rates)
            kwargs["form"] = _rate_form(self.request.user, grid, initial={"loaded": loaded})
        return super().get_context_data(concept=self.concept, section="rates", **kwargs)

    def post(self, request, *args, **kwargs):
        grid = selectors.rate_grid(concept=self.concept)
        form = _rate_form(request.user, grid, request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            changed = _rates_save(concept=self.concept, form=form, user=request.user)
        except services.RatesConflict as conflict:
            data = request.POST.copy()
            data["loaded"] = services.encode_rates(conflict.grid.rates)
            form = _rate_form(request.user, conflict.grid, data)
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        except ValidationError as error:
            # Cells are keyed "<municipality>-<programme>-<year>"; the form's fields "rate-<same>".
            for key, cell_messages in error.update_error_dict({}).items():
                form.add_error(None if key == "__all__" else f"rate-{key}", cell_messages)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _saved_message(changed))
        announce_review_resets(request, self.concept, {m.pk for m in grid.municipalities})
        return redirect("funding:rate_table", slug=self.concept.slug)
