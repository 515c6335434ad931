"""Every page of the app uses the same number of queries for a small and for a much larger concept.

The pages are the GET rows of the permission matrix (so a new view is covered as soon as it has its
row there), opened by an admin, who may see all of them. Each page is counted once on a small concept,
then the concept grows (more measures with costs and financing, quarters, action fields with goals,
SWOT entries, comments, roles, history) and the page is counted again. The per-page tests name their
queries; this one makes sure no page forgot to be constant.
"""

import pytest
from django.core.cache import cache

from funding.kuf.selectors import live_kuf_forget_recent
from tests import factories as f
from tests.pages import page_queries
from tests.test_permission_matrix import MATRIX, _url

pytestmark = pytest.mark.django_db

PAGES = [row for row in MATRIX if row.method == "get" and row.ok == 200 and row.access != "anonymous_only"]


def _grow(concept) -> None:
    """Several times the concept's content: every list and table gets more rows."""
    lz = f.make_programme(code="LZG")
    for action_field in [f.make_action_field(concept) for _ in range(3)]:
        for _ in range(3):
            f.make_goal(action_field)
    for _ in range(4):
        f.make_quarter(concept)
    for _ in range(5):
        f.make_swot(concept)
    measures = f.make_costed_measures(concept, 8, lz)
    for measure in measures[:4]:
        f.make_comment(measure)
        measure.title += " (geändert)"
        measure.save()
    for _ in range(3):
        f.make_membership(concept, f.make_user(), "funder")


def _cold_and_warm(client, url) -> tuple[int, int]:
    """The queries of a page computed afresh (the cache emptied) and of the same page again (computed
    figures taken from the cache)."""
    cache.clear()
    live_kuf_forget_recent()
    return page_queries(client, url), page_queries(client, url)


@pytest.mark.parametrize("row", PAGES, ids=[row.name for row in PAGES])
def test_page_queries_do_not_grow_with_the_concept(client, world, row):
    concept, objects, users = world
    if not concept.published:
        pytest.skip("counted once, on the published concept")
    client.force_login(users["admin"])
    url = _url(row, concept, objects)
    small = _cold_and_warm(client, url)
    _grow(concept)
    assert _cold_and_warm(client, url) == small, url
