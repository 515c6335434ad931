"""Server time of the public pages on the demo data.

Run: .venv/bin/python bench/concept_page.py [--runs N]
Builds the demo concepts in a throw-away SQLite database, then requests the home page and the IIHK
concept page N times each through Django's test client and prints the medians:

    figure home_page_median <ms> ms
    figure concept_page_median <ms> ms

Bounded: at most --runs requests per page and at most --seconds seconds of requesting in all.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="ihk-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "True")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ihk.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    client = Client()
    deadline = time.monotonic() + args.seconds
    for name, url in (("home_page", "/"), ("concept_page", "/konzepte/iihk-lippe-wesseltal-2030/")):
        client.get(url)  # warm-up: template compilation, first connection
        timings = []
        for _ in range(args.runs):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"figure {name}_median {statistics.median(timings):.0f} ms")


if __name__ == "__main__":
    main()
