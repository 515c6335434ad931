"""Public pages of the composition root: they show data of every app, so they live here."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView, TemplateView

from projects.access import concept_for_user
from projects.dataversion import current_data_version

from .selectors import concept_list_with_totals, concept_overview


class ConceptListView(ListView):
    """Home page: the published concepts."""

    template_name = "site/concept_list.html"
    context_object_name = "concepts"

    def get_queryset(self):
        return concept_list_with_totals()


class ConceptDetailView(TemplateView):
    """A concept's public overview: municipalities, quarters, goal system, measures and key totals."""

    template_name = "site/concept_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        concept = concept_for_user(self.request.user, slug=self.kwargs["slug"])
        # The page's body is the same for everyone who may see the concept: the template keeps it in the
        # cache under the concept's data version, so the overview is only computed when it changed.
        context["overview"] = SimpleLazyObject(lambda: concept_overview(concept=concept))
        context["data_version"] = current_data_version(concept.pk)
        context["concept"] = concept
        return context


def bad_request(request, exception):
    """400 in German: a request the server refuses before any view sees it. Most often the data sent is
    larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or has more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``
    (a pasted text of many megabytes, a huge table); nothing was saved either way."""
    too_large = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    return render(request, "400.html", {"too_large": too_large}, status=400)
