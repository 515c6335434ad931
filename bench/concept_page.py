"""Server time of the public pages on the demo data.

Run: .venv/bin/python bench/concept_page.py [--runs N]
Builds the demo concepts in a throw-away SQLite database, then requests the home page and the IIHK
concept page N times each through Django's test client and prints the medians:

    figure home_page_median <ms> ms
    figure concept_page_median <ms> ms

Bounded: at most --runs requests per page and at most --seconds seconds of requesting in all.
"""

import os
import time

from _common import arguments, django_on_empty_database, figure, page_median_ms


def main() -> None:
    args = arguments(__doc__, runs=30, seconds=60.0)
    with django_on_empty_database():
        from django.core.management import call_command
        from django.test import Client

        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        client = Client()
        deadline = time.monotonic() + args.seconds
        for name, url in (("home_page", "/"), ("concept_page", "/konzepte/iihk-lippe-wesseltal-2030/")):
            figure(f"{name}_median", page_median_ms(client, url, runs=args.runs, deadline=deadline))


if __name__ == "__main__":
    main()
