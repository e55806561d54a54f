"""Fixtures for the knowledge tests: one embedding model per session (~3.5 s, ~1 GB)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"


@pytest.fixture(scope="session")
def embedder():
    from council_core.base.embed import shared_embedder

    e = shared_embedder()
    e.load()
    return e


@pytest.fixture
def store(tmp_path: Path, embedder):
    from council_core.knowledge.documents import DocumentStore

    s = DocumentStore(
        tmp_path / "db" / "documents.sqlite3", tmp_path / "db" / "docs.faiss", embedder=embedder
    )
    yield s
    s.close()


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    """A folder of real documents: the LibreOffice-made DOCX/PDF/HTML plus Markdown and code."""
    d = tmp_path / "docs"
    d.mkdir()
    for name in ("handbook.docx", "handbook.pdf", "handbook.html"):
        shutil.copy(DOCS / name, d / name)
    (d / "notes.md").write_text(
        "# Travel notes\n\nGeneral packing advice for every trip.\n\n"
        "## Passport\n\nMy passport number ends in 7781 and expires in March 2031. Renew it at "
        "least six months before a long trip, because some countries refuse entry when "
        "fewer than six months of validity remain on arrival.\n\n"
        "## Bike\n\nThe bike lock combination is kept in the red notebook, not here.\n\n"
        "```sh\nrsync -av ~/photos /mnt/backup\n```\n",
        encoding="utf-8",
    )
    (d / "tool.py").write_text(
        '"""A small tool."""\n\n\ndef backoff_delay(attempt):\n'
        '    """Exponential backoff: 0.5 s doubled per attempt, capped at 30 s."""\n'
        "    return min(30.0, 0.5 * 2**attempt)\n",
        encoding="utf-8",
    )
    return d
