"""Test-only URL conf for ``bench/throughput.py`` and ``bench/concept_page.py``: the app's URLs plus a bare
view at ``/bench-ok/`` that answers "ok" through the same server and middleware, the floor every page is
measured against.

Selected only through the ``ROOT_URLCONF`` environment variable (``ihk.settings``), which the benchmarks
set; the production URL conf, ``ihk.urls``, has no such view (``tests/ihk/test_bench_urls.py``).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from .urls import handler400
from .urls import urlpatterns as app_urlpatterns

__all__ = ["handler400", "urlpatterns"]


def bare_ok(request: HttpRequest) -> HttpResponse:
    """No query, no template: what serving any page costs at least."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench-ok/", bare_ok), *app_urlpatterns]
