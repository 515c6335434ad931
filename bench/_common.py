"""What the benchmarks share: their command line, Django on a throw-away SQLite database, timing a page
and printing a figure.

Imported by the scripts in this folder as ``_common`` (Python puts a script's own folder on the path).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def arguments(doc: str, *, runs: int, seconds: float, seconds_help: str | None = None, **extra: int):
    """The benchmark's arguments: ``--runs`` and ``--seconds`` with these defaults, plus an integer
    option for each of ``extra`` (``measures=500`` gives ``--measures``). ``doc``'s first line describes
    the script."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in extra.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--seconds", type=float, default=seconds, help=seconds_help)
    return parser.parse_args()


@contextmanager
def django_on_empty_database() -> Iterator[None]:
    """Django set up on a migrated SQLite database in a temporary folder, removed afterwards (also after
    an error)."""
    workdir = tempfile.mkdtemp(prefix="ihk-bench-")
    try:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
        os.environ.setdefault("DEBUG", "True")
        os.environ["DJANGO_SETTINGS_MODULE"] = "ihk.settings"
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        try:
            yield
        finally:
            connections.close_all()  # before the folder with the database goes
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def page_median_ms(client, url: str, *, runs: int, deadline: float) -> float:
    """The median server time of GET ``url`` over at most ``runs`` requests, stopping once
    ``time.monotonic()`` passes ``deadline`` (after at least one request; a warm-up request comes first
    for template compilation and the first connection)."""
    client.get(url)
    timings = []
    for _ in range(runs):
        if timings and time.monotonic() > deadline:
            break
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def figure(name: str, milliseconds: float) -> None:
    """Print one result line: ``figure <name> <value> ms``."""
    print(f"figure {name} {milliseconds:.0f} ms")
