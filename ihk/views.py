"""Public pages of the composition root: they show data of every app, so they live here."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
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
    """A concept's public overview: municipalities, quarters, goal system, measures and key totals.

    The page is the same for every visitor without an account, so for them the whole page is kept in
    the cache under the concept's data version and language (a press release's burst costs one query
    and the cache entry per request); only the CSRF token of the language form is the visitor's own. For
    signed-in users the page body comes from the same kind of cache (``site/concept_detail.html``).
    """

    template_name = "site/concept_detail.html"

    def get(self, request, *args, **kwargs):
        concept = concept_for_user(request.user, slug=self.kwargs["slug"])
        if not _same_for_everyone(request):
            return self.render_to_response(self.get_context_data(concept=concept))
        key = f"page:concept:{concept.pk}:{concept.data_version}:{get_language()}"
        html = cache.get(key)
        if html is None:
            response = self.render_to_response(self.get_context_data(concept=concept, csrf_token=_TOKEN_SLOT))
            html = response.rendered_content
            cache.set(key, html)
        return HttpResponse(html.replace(_TOKEN_SLOT, get_token(request)))

    def get_context_data(self, concept, **kwargs):
        # The body is computed only when the cache has none for this data version (the template's
        # ``{% cache %}``): the overview is lazy.
        return super().get_context_data(
            concept=concept,
            overview=SimpleLazyObject(lambda: concept_overview(concept=concept)),
            data_version=concept.data_version,  # loaded with the concept in this request
            **kwargs,
        )


# Stands in for the visitor's CSRF token in a page kept for everyone.
_TOKEN_SLOT = "csrf-token-of-this-request"  # noqa: S105 - a placeholder, not a secret


def _same_for_everyone(request) -> bool:
    """Whether the page looks the same for this request as for any other visitor: nobody signed in,
    no session (no messages waiting), no query string."""
    return (
        not request.user.is_authenticated
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def bad_request(request, exception):
    """400 in German: a request the server refuses before any view sees it. Most often the data sent is
    larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or has more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``
    (a pasted text of many megabytes, a huge table); nothing was saved either way."""
    too_large = isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent)
    return render(request, "400.html", {"too_large": too_large}, status=400)
