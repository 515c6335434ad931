"""Production settings: no start without a secret key; Django's deployment checks pass."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests lift Django's async-safety guard in this process; a production check must not see it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "ihk.settings", **env}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY muss gesetzt sein" in result.stderr


def test_production_refuses_the_development_key():
    result = _manage("check", DEBUG="False", SECRET_KEY="django-insecure-dev-only-never-use-in-production")
    assert result.returncode != 0
    assert "Entwicklungs- oder zu kurzer Schlüssel" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="ihk.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
