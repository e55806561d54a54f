from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once for the whole test session (~3.5 s)."""
    pytest.importorskip("sentence_transformers", reason="the memory extra is not installed")
    from council_core.base.embed import shared_embedder

    e = shared_embedder()
    e.load()
    return e


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def store(data_dir: Path, embedder):
    from memory.store import MemoryStore

    s = MemoryStore(
        data_dir / "council.sqlite3", data_dir / "indexes", embedder=embedder, embed_delay_s=0.0
    )
    yield s
    s.close()


@pytest.fixture
def hstore(data_dir: Path):
    """A store with the deterministic test embedder (fault tests)."""
    from memory.store import MemoryStore
    from tests.memory.hash_embedder import HashEmbedder

    s = MemoryStore(
        data_dir / "council.sqlite3",
        data_dir / "indexes",
        embedder=HashEmbedder(),
        background=False,
    )
    yield s
    s.close()
