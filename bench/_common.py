"""What the benchmarks share: their command line, Django on a throw-away database, timing the app
against its baseline in turn, and printing a figure.

Imported by the scripts in this folder as ``_common`` (Python puts a script's own folder on the path).

The database: with ``DATABASE_URL=postgres://user@host:5432/any`` in the environment a benchmark
creates the database ``ihk_bench_<pid>`` on that server (connecting to its ``postgres`` database, else
to the one named in the URL), migrates it and drops it at the end; otherwise a SQLite file in a
temporary folder, removed at the end. Both also after an error, Ctrl-C or SIGTERM.
"""

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")


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


def postgres_url() -> str | None:
    """``DATABASE_URL`` if it names a PostgreSQL server, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in POSTGRES_SCHEMES else None


def _libpq(url: str, database: str) -> str:
    """``url`` pointing at ``database``, spelt for libpq (which knows only postgres[ql]://)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path=f"/{database}", query=""))


def _admin_connection(url: str):
    """An autocommit connection to the server of ``url``: its ``postgres`` database, else the URL's own."""
    import psycopg

    try:
        return psycopg.connect(_libpq(url, "postgres"), autocommit=True)
    except psycopg.OperationalError:
        return psycopg.connect(_libpq(url, urlsplit(url).path.lstrip("/")), autocommit=True)


@contextmanager
def throwaway_postgres(url: str, *, name: str | None = None) -> Iterator[str]:
    """A new, empty database on the server of ``url`` (default name ``ihk_bench_<pid>``), dropped at the
    end (also after an error). Yields its URL."""
    from psycopg import sql

    name = name or f"ihk_bench_{os.getpid()}"
    with _admin_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with _admin_connection(url) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """SIGTERM raises ``SystemExit`` meanwhile, so that clean-up in ``finally`` runs (Ctrl-C raises
    ``KeyboardInterrupt`` anyway)."""
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def throwaway_database_url() -> Iterator[str]:
    """The URL of a new, empty database (see the module's docstring), removed at the end."""
    with sigterm_as_exit():
        server = postgres_url()
        if server:
            with throwaway_postgres(server) as url:
                yield url
            return
        workdir = tempfile.mkdtemp(prefix="ihk-bench-")
        try:
            yield f"sqlite:///{workdir}/bench.sqlite3"
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def django_on_empty_database() -> Iterator[None]:
    """Django set up on a migrated throw-away database (PostgreSQL with ``DATABASE_URL=postgres://…``,
    else SQLite), removed afterwards (also after an error). Requests run with ``DEBUG`` off, as in
    production (no query log, cached templates); static files come from the folders as in development."""
    with throwaway_database_url() as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DEBUG", "True")  # settings without SECRET_KEY and collectstatic
        os.environ["DJANGO_SETTINGS_MODULE"] = "ihk.settings"
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # no log line per login between the figures
        # whitenoise looks for STATIC_ROOT, which only collectstatic makes; the folders serve meanwhile
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test.utils import setup_test_environment

        setup_test_environment(debug=False)
        call_command("migrate", verbosity=0)
        print(f"database {connection.vendor}", flush=True)
        print_load("start")
        try:
            yield
        finally:
            print_load("end")
            connections.close_all()  # before the database goes


def print_load(when: str) -> None:
    """The machine's load average (1, 5, 15 minutes), so that figures can be read against it."""
    one, five, fifteen = os.getloadavg()
    print(f"load {when} {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)", flush=True)


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


def timed_ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def alternate(
    app: Callable[[], object],
    baseline: Callable[[], object],
    *,
    runs: int,
    deadline: float,
    warm_up: bool = True,
    between: Callable[[], object] | None = None,
) -> tuple[list[float], list[float]]:
    """Times ``app`` and ``baseline`` in turn, in the same process on the same data, so that a load that
    comes and goes weighs on both: at most ``runs`` rounds, the order swapped every round, stopping once
    ``time.monotonic()`` passes ``deadline`` (after at least one round). ``warm_up`` runs each once
    untimed first (template compilation, first connection, filled caches); ``between`` runs untimed
    before each timed call (e.g. removing what an import wrote). Returns both lists of milliseconds."""

    def prepared(action: Callable[[], object]) -> float:
        if between is not None:
            between()
        return timed_ms(action)

    if warm_up:
        prepared(app)
        prepared(baseline)
    app_ms: list[float] = []
    baseline_ms: list[float] = []
    for round_number in range(runs):
        if app_ms and time.monotonic() > deadline:
            break
        if round_number % 2 == 0:
            app_ms.append(prepared(app))
            baseline_ms.append(prepared(baseline))
        else:
            baseline_ms.append(prepared(baseline))
            app_ms.append(prepared(app))
    return app_ms, baseline_ms


def figure(name: str, value: float, unit: str = "ms") -> None:
    """Print one result line: ``figure <name> <value> <unit>`` (ms whole, or to 0.1 below 10; counts
    whole; ratios to 0.01, or to 0.001 below 0.1)."""
    places = {"ms": 0 if value >= 10 else 1, "count": 0, "x": 2 if value >= 0.1 else 3}.get(unit, 1)
    print(f"figure {name} {value:.{places}f} {unit}", flush=True)


def ratio_figures(
    app_ms: list[float], baseline_ms: list[float], *, app: str, baseline: str, ratio: str
) -> None:
    """The medians of the app and of its baseline, and their ratio (app ÷ baseline), under these names."""
    app_median, baseline_median = statistics.median(app_ms), statistics.median(baseline_ms)
    figure(app, app_median)
    figure(baseline, baseline_median)
    figure(ratio, app_median / baseline_median, "x")
