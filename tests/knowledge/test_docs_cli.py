"""`council ingest` and `council docs ...` as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli import run_council

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "tests" / "data" / "docs"


def council(*args, home):
    return run_council("--home", str(home), *args)


@pytest.mark.slow
def test_ingest_list_search_remove(tmp_path, council_home):
    d = tmp_path / "kb"
    d.mkdir()
    shutil.copy(DOCS / "handbook.pdf", d)
    shutil.copy(DOCS / "corrupt.pdf", d)
    r = council("ingest", str(d), home=council_home)
    assert r.returncode == 0, r.stderr
    assert "1 added" in r.stdout and "1 skipped" in r.stdout
    assert "corrupt.pdf: corrupt PDF" in r.stderr  # per-file reason
    assert "1/2 files" in r.stderr or "2/2 files" in r.stderr  # the progress bar

    r = council("docs", "list", "--json", home=council_home)
    docs = json.loads(r.stdout)
    assert [Path(x["path"]).name for x in docs] == ["handbook.pdf"]

    r = council("docs", "search", "--json", "roof vents temperature", home=council_home)
    hits = json.loads(r.stdout)
    assert hits[0]["locator"].startswith("page 2") and "27 degrees" in hits[0]["text"]
    # the snippet is the passage that matched, not the chunk's start
    assert "27 degrees" in hits[0]["snippet"] and len(hits[0]["snippet"]) < len(hits[0]["text"])
    r = council("docs", "search", "roof vents temperature", home=council_home)
    assert "27 degrees" in r.stdout.split("\n")[1]

    r = council("docs", "remove", str(d / "handbook.pdf"), home=council_home)
    assert r.returncode == 0 and "removed 1 document" in r.stdout
    r = council("docs", "sync", home=council_home)
    assert r.returncode == 0
