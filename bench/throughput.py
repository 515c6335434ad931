"""Requests per second under gunicorn and PostgreSQL, configured as in production, with 16 concurrent
clients: the public pages and the KuF page against a bare "ok" view through the same server.

Run: [DATABASE_URL=postgres://user@host:5432/any] .venv/bin/python bench/throughput.py
         [--clients N] [--seconds S] [--rounds N] [--measures N]
Creates the throw-away database ``ihk_bench_<pid>`` on the PostgreSQL server of DATABASE_URL (default
``postgres://postgres@127.0.0.1:5432/postgres``), prepares it as the Docker image and compose file do
(migrate, ``load_programmes``, ``collectstatic`` into a temporary folder), loads the demo concepts
(``load_demo --allow-production``) and a concept of --measures measures (``kuf_page.build``, slug
``iihk-bench``), then starts gunicorn with the Dockerfile's command (read from its ``CMD``: workers,
access log), bound to 127.0.0.1 on a free port, with production settings (DEBUG off, a random
SECRET_KEY of 50 characters, ALLOWED_HOSTS=127.0.0.1, plain http: SECURE_SSL_REDIRECT=False,
SECURE_COOKIES=False) and ROOT_URLCONF=ihk.bench_urls for the bare view. Each of --clients threads
keeps its own connection (``http.client``, reconnecting when the server closes it); for the KuF page
each logs in once as a reviewer of both concepts and keeps its session cookie. Every target is
requested for --seconds seconds in all, split into --rounds slices taken in turn (the order reversed
every round), after a warm-up; a response other than 200 with the expected body, or a failed
connection, is an error. Prints per target ``<target>_rps`` (successful requests per second),
``<target>_p95`` (ms) and ``<target>_errors``, and the ratios:

    figure bare_rps <n> req/s                  GET /bench-ok/ (no query, no template)
    figure public_concept_rps <n> req/s        the public page of the demo IIHK, anonymous
    figure public_concept_500_rps <n> req/s    the public page of the 500-measure concept
    figure kuf_page_rps <n> req/s              the demo IIHK's KuF page as a reviewer
    figure kuf_page_500_rps <n> req/s          the 500-measure concept's KuF page as a reviewer
    figure throughput_ratio <x> x              public_concept ÷ bare (target: ≥ 0,3)
    figure kuf_throughput_ratio <x> x          kuf_page ÷ bare (target: ≥ 0,1)
    figure throughput_ratio_500 <x> x          the same for the 500-measure concept
    figure kuf_throughput_ratio_500 <x> x

There is no public page of a single measure yet (its public URL comes with the participation issue):
the script says so instead of printing ``public_measure_rps``.

The load generator runs in this process (Python threads), on the same cores as the server: it takes
its share of the CPU from every target alike. Bounded: about (targets × --seconds) plus the set-up.
gunicorn is stopped and the database dropped at the end, also after an error, Ctrl-C or SIGTERM.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from _common import ROOT, figure, postgres_url, print_load, sigterm_as_exit, throwaway_postgres

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DEMO_SLUG = "iihk-lippe-wesseltal-2030"
BENCH_SLUG = "iihk-bench"
PASSWORD = "bench-pass-123"  # the throw-away accounts of kuf_page.build
TIMEOUT = 60  # seconds per request: longer than gunicorn's worker timeout


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0, help="time of each target, all rounds")
    parser.add_argument("--rounds", type=int, default=2, help="slices per target, taken in turn")
    parser.add_argument("--measures", type=int, default=500, help="size of the large concept")
    return parser.parse_args()


# --- The server -------------------------------------------------------------------------------------


def production_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The environment of the Docker image and compose file, on plain http at 127.0.0.1, with the
    benchmarks' URL conf."""
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DATABASE_URL")}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="False",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_COOKIES="False",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        ROOT_URLCONF="ihk.bench_urls",
        DJANGO_SETTINGS_MODULE="ihk.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare_database(*, measures: int) -> None:
    """What the image and the compose file do before gunicorn starts, then the demo data and the large
    concept with a reviewer of both concepts. Runs in this process with the production environment."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from kuf_page import build

    from projects.models import ConceptMembership

    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0, stdout=devnull)
        call_command("load_programmes", verbosity=0, stdout=devnull)
        call_command("collectstatic", interactive=False, verbosity=0, stdout=devnull)
        call_command("load_demo", allow_production=True, verbosity=0, stdout=devnull)
    concept, _old, _new, _admin, reviewer = build(measures, slug=BENCH_SLUG)
    demo = concept.__class__.objects.get(slug=DEMO_SLUG)
    ConceptMembership.objects.create(
        concept=demo, user=reviewer, role="reviewer", municipality=demo.municipalities.first()
    )
    connections.close_all()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int) -> list[str]:
    """The Dockerfile's CMD, bound to 127.0.0.1:``port``, run by this Python."""
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    command = json.loads(line.removeprefix("CMD "))
    assert command[0] == "gunicorn", command
    bind = command.index("--bind")
    command[bind + 1] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *command]


class Server:
    """gunicorn in its own process group, its output in ``log``; stopped by its own id."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.output = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, port: int, *, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended with {self.process.returncode}:\n{self.tail()}")
            try:
                status, body, _cookies = Connection(port).get("/bench-ok/")
                if status == 200 and body == b"ok":
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.output.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown; its workers go with it
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()


# --- The clients -------------------------------------------------------------------------------------


class Connection:
    """One client's keep-alive connection (reopened when the server closes it) and its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
        return response.status, content, self.cookies

    def get(self, path: str):
        return self.request("GET", path)

    def log_in(self, username: str, password: str) -> None:
        status, page, _cookies = self.get("/anmelden/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, status
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()}
        )
        status, _page, cookies = self.request(
            "POST",
            "/anmelden/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{self.port}",
            },
        )
        assert status == 302 and "sessionid" in cookies, f"login failed: {status}"


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    logged_in: bool = False
    body: bytes | None = None  # the whole expected body; else a 200 will do


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


def run_slice(target: Target, connections: list[Connection], seconds: float, results: Results) -> None:
    """Every connection requests ``target`` as fast as it is answered, for ``seconds``; adds the
    successful requests' latencies, the errors and the time taken (until the last request ended)."""
    start_together = threading.Barrier(len(connections) + 1)
    lock = threading.Lock()
    stop_at = 0.0

    def client(connection: Connection) -> None:
        latencies, errors = [], 0
        start_together.wait()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status, body, _cookies = connection.get(target.path)
                ok = status == 200 and (target.body is None or body == target.body)
            except (OSError, http.client.HTTPException):
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1
        with lock:
            results.latencies_ms.extend(latencies)
            results.errors += errors

    # Daemon threads: after Ctrl-C or SIGTERM the script ends once it has cleaned up, without waiting.
    threads = [threading.Thread(target=client, args=(connection,), daemon=True) for connection in connections]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at = began + seconds
    start_together.wait()
    for thread in threads:
        thread.join()
    results.seconds += time.monotonic() - began


def measure(targets: list[Target], pools: dict[bool, list[Connection]], *, seconds: float, rounds: int):
    """Each target for ``seconds`` in all, in ``rounds`` slices taken in turn, after a warm-up in which
    every client requests it twice (every server process renders it, caches fill)."""
    for target in targets:
        for connection in pools[target.logged_in]:
            for _ in range(2):
                connection.get(target.path)
    results = {target.name: Results() for target in targets}
    for round_number in range(rounds):
        order = targets if round_number % 2 == 0 else targets[::-1]
        for target in order:
            run_slice(target, pools[target.logged_in], seconds / rounds, results[target.name])
    return results


def report(results: dict[str, Results]) -> None:
    for name, result in results.items():
        figure(f"{name}_rps", result.rps, "req/s")
        figure(f"{name}_p95", result.p95)
        figure(f"{name}_errors", result.errors, "count")
    print("skipped public_measure_rps: the app has no public page of a single measure yet", flush=True)
    bare = results["bare"].rps
    for ratio, name in (
        ("throughput_ratio", "public_concept"),
        ("kuf_throughput_ratio", "kuf_page"),
        ("throughput_ratio_500", "public_concept_500"),
        ("kuf_throughput_ratio_500", "kuf_page_500"),
    ):
        if name in results:
            figure(ratio, results[name].rps / bare if bare else 0.0, "x")


def main() -> None:
    args = arguments()
    targets = [
        Target("bare", "/bench-ok/", body=b"ok"),
        Target("public_concept", f"/konzepte/{DEMO_SLUG}/"),
        Target("kuf_page", f"/konzepte/{DEMO_SLUG}/kuf/", logged_in=True),
    ]
    if args.measures:
        targets += [
            Target("public_concept_500", f"/konzepte/{BENCH_SLUG}/"),
            Target("kuf_page_500", f"/konzepte/{BENCH_SLUG}/kuf/", logged_in=True),
        ]
    with (
        sigterm_as_exit(),
        throwaway_postgres(postgres_url() or DEFAULT_SERVER) as database_url,
        tempfile.TemporaryDirectory(prefix="ihk-throughput-") as folder,
    ):
        workdir = Path(folder)
        env = production_environment(database_url, workdir)
        os.environ.update(env)
        prepare_database(measures=args.measures)
        port = free_port()
        command = gunicorn_command(port)
        print("server", " ".join(command[2:]), flush=True)
        server = Server(command, env, workdir / "gunicorn.log")
        try:
            server.wait_ready(port)
            anonymous = [Connection(port) for _ in range(args.clients)]
            reviewers = [Connection(port) for _ in range(args.clients)]
            for connection in reviewers:
                connection.log_in(f"{BENCH_SLUG}-pruefung", PASSWORD)
            print(
                f"clients {args.clients}, {args.seconds:g} s per target in {args.rounds} rounds", flush=True
            )
            print_load("start")
            results = measure(
                targets, {False: anonymous, True: reviewers}, seconds=args.seconds, rounds=args.rounds
            )
            print_load("end")
            report(results)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
