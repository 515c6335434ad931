"""Public pages of the composition root: they show data of every app, so they live here."""

from django.views.generic import ListView, TemplateView

from projects.access import concept_for_user

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
        context["overview"] = concept_overview(concept=concept)
        context["concept"] = concept
        return context
