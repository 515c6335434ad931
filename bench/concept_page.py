"""Server time of the public pages on the demo data, against a bare view through the same stack.

Run: [DATABASE_URL=postgres://…] .venv/bin/python bench/concept_page.py [--runs N] [--seconds S]
Builds the demo concepts in a throw-away database (PostgreSQL when DATABASE_URL names one, else SQLite;
see ``_common``), then requests the home page and the IIHK concept page through Django's test client,
each in turn with the bare "ok" view (``ihk.bench_urls``: the same middleware, no query, no template),
and prints the medians:

    figure home_page_median <ms> ms
    figure concept_page_median <ms> ms
    figure bare_view_median <ms> ms          the bare view, timed in turn with the concept page
    figure concept_page_ratio <x> x          concept page ÷ bare view (the in-process counterpart of
                                             bench/throughput.py's throughput_ratio)

Bounded: at most --runs requests (rounds) per page and at most --seconds seconds of requesting for
each page. The database is removed at the end, also after an error.
"""

import os
import time

from _common import alternate, arguments, django_on_empty_database, figure, page_median_ms, ratio_figures

CONCEPT_URL = "/konzepte/iihk-lippe-wesseltal-2030/"


def main() -> None:
    args = arguments(__doc__, runs=30, seconds=30.0, seconds_help="time budget of each page")
    with django_on_empty_database():
        from django.core.management import call_command
        from django.test import Client, override_settings

        with open(os.devnull, "w") as devnull:
            call_command("load_demo", allow_production=True, verbosity=0, stdout=devnull)
        client = Client()
        deadline = time.monotonic() + args.seconds
        figure("home_page_median", page_median_ms(client, "/", runs=args.runs, deadline=deadline))

        def get(url: str) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        with override_settings(ROOT_URLCONF="ihk.bench_urls"):
            deadline = time.monotonic() + args.seconds
            page_ms, bare_ms = alternate(
                lambda: get(CONCEPT_URL), lambda: get("/bench-ok/"), runs=args.runs, deadline=deadline
            )
        ratio_figures(
            page_ms,
            bare_ms,
            app="concept_page_median",
            baseline="bare_view_median",
            ratio="concept_page_ratio",
        )


if __name__ == "__main__":
    main()
