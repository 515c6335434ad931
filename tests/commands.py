"""Running ``manage.py`` in a process of its own, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(
    *args: str, cwd: Path = ROOT, timeout: int = 60, unset: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess:
    """``manage.py args`` in ``cwd`` with ``ihk.settings``: this process's environment without ``unset``,
    with ``env`` on top. Never with ``DJANGO_ALLOW_ASYNC_UNSAFE``: the browser tests lift Django's
    async-safety guard in this process, and a command (a production check above all) must not see it."""
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    inherited = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "ihk.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
