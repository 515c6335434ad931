"""The English catalogue is complete: every German source string of the code and the templates has an
English translation, none is fuzzy. Fails when someone adds a string without translating it (run
``make messages`` and translate ``locale/en/LC_MESSAGES/django.po``)."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.commands import ROOT, run_manage

SOURCES = ("ihk", "projects", "measures", "funding", "participation", "templates", "locale")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The English catalogue as ``makemessages`` would write it from the current sources (in a copy of
    the project, so the working tree stays untouched)."""
    if not shutil.which("msgfmt") or not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("gettext fehlt; der Makefile installiert es.")
        pytest.skip("gettext fehlt (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("catalogue")
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    result = run_manage(
        "makemessages",
        "-l",
        "en",
        "--no-obsolete",
        cwd=copy,
        timeout=300,
        unset=("DATABASE_URL",),
        DEBUG="True",
        PYTHONPATH=str(copy),
    )
    assert result.returncode == 0, result.stderr
    return copy / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(po: Path) -> list[tuple[bool, str, str]]:
    """(fuzzy, msgid, msgstr) of each entry, plural forms joined."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        ids = re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', block + "\n", re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not ids:
            continue
        text = lambda parts: "".join(re.findall(r'"(.*)"', "".join(parts)))  # noqa: E731
        entries.append((fuzzy, text(ids), text(strs)))
    return [entry for entry in entries if entry[1]]  # the header has an empty msgid


def test_english_catalogue_is_complete(extracted):
    entries = _entries(extracted)
    assert len(entries) > 100
    missing = [msgid for fuzzy, msgid, msgstr in entries if fuzzy or not msgstr]
    assert not missing, f"{len(missing)} Texte ohne (gesicherte) englische Übersetzung, z. B.: {missing[:10]}"


def test_committed_catalogue_matches_the_sources(extracted):
    committed = {
        msgid for _fuzzy, msgid, _msgstr in _entries(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po")
    }
    current = {msgid for _fuzzy, msgid, _msgstr in _entries(extracted)}
    assert current <= committed, f"Nicht im Katalog (make messages): {sorted(current - committed)[:10]}"
