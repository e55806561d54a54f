"""The knowledge base: the user's own documents, chunked, embedded and searchable.

One SQLite file (``documents.sqlite3`` in the data dir) holds the truth: the documents with a
content hash, their chunks with the vector of each stored as a row, and an FTS5 table for
BM25 (tables: ``schema``). The FAISS index (``indexes/documents.faiss``) is derived from those
rows and rebuilt when its generation does not match the database's. Adding files is
``ingest`` (``DocumentStore.ingest`` / ``sync``); searching is ``search``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from council_core.base.db import make_engine, migrate
from council_core.base.logs import get_logger

from .ingest import EMBED_BATCH, IngestMixin, _bump_generation, _delete_doc
from .rerank import bm25_terms
from .schema import MIGRATIONS
from .search import SearchHit, fts_probe, search_chunks

log = get_logger(__name__)


@dataclass
class DocumentInfo:
    path: str
    title: str
    format: str
    chunks: int
    size: int
    updated_at: float
    folder: str | None


class DocumentStore(IngestMixin):
    def __init__(
        self,
        db_path: Path,
        index_path: Path,
        *,
        chunk_words: int = 200,
        max_file_mb: int = 100,
        embedder: Any = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.index_path = Path(index_path)
        self.chunk_words = chunk_words
        self.max_file_bytes = max_file_mb * 1024 * 1024
        self.engine: Engine = make_engine(self.db_path)
        migrate(self.engine, "documents", MIGRATIONS)
        self._embedder = embedder
        self.embed_batch = EMBED_BATCH
        self._index: Any = None
        self._index_lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._qcache: dict[str, Any] = {}

    # ----- shared parts -----

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from council_core.base.embed import shared_embedder

            self._embedder = shared_embedder()
        return self._embedder

    def generation(self, conn: Connection | None = None) -> int:
        q = "SELECT value FROM doc_meta WHERE key='generation'"
        if conn is not None:
            return int(conn.exec_driver_sql(q).scalar_one())
        with self.engine.connect() as c:
            return int(c.exec_driver_sql(q).scalar_one())

    @property
    def index(self) -> Any:
        """The FAISS index, loaded or rebuilt so it matches the database."""
        from council_core.base.vectors import VectorIndex

        with self._index_lock:
            gen = self.generation()
            if self._index is None:
                self._index = VectorIndex(self.index_path)
                self._index.load()
            elif self._index.meta.get("generation") != gen:
                self._index.reload_if_changed()
            if self._index.meta.get("generation") != gen:
                self._rebuild_index(gen)
            return self._index

    def _rebuild_index(self, gen: int) -> None:
        import numpy as np

        def batches() -> Iterator[tuple[Any, Any]]:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT id, vector FROM passages ORDER BY id")
                while True:
                    part = rows.fetchmany(4096)
                    if not part:
                        break
                    ids = np.array([r[0] for r in part], dtype=np.int64)
                    vecs = np.frombuffer(b"".join(r[1] for r in part), dtype=np.float32)
                    yield ids, vecs.reshape(len(part), -1)

        t = time.perf_counter()
        self._index.rebuild(batches(), {"generation": gen})
        self._index.save()
        log.info(
            "rebuilt the documents index: %d vectors in %.2f s",
            self._index.ntotal,
            time.perf_counter() - t,
        )

    def _index_apply(self, removed: list[int], ids: list[int], vecs: list[Any]) -> None:
        import numpy as np

        with self._index_lock:
            if self._index is None:
                return  # built from SQLite when first searched
            if removed:
                self._index.remove(removed)
            if ids:
                self._index.add(np.array(ids, dtype=np.int64), np.concatenate(vecs))
            self._index.meta["generation"] = self.generation()

    def _save_index(self) -> None:
        with self._index_lock:
            if self._index is not None and self._index.meta.get("generation") == self.generation():
                self._index.save()

    # ----- removing and listing -----

    def remove(self, path: Path | str) -> int:
        """Forget a file, or a folder and every document under it; returns documents removed."""
        p = Path(path).expanduser()
        try:
            key = str(p.resolve())
        except (OSError, RuntimeError):
            key = str(p.absolute())
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT path FROM documents WHERE path=:p OR folder=:p OR path LIKE :pre "
                    "ESCAPE '\\'"
                ),
                {"p": key, "pre": _like_prefix(key)},
            ).all()
        paths = [r[0] for r in rows]
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM doc_folders WHERE path=:p OR path LIKE :pre ESCAPE '\\'"),
                {"p": key, "pre": _like_prefix(key)},
            )
        n = self._delete_paths(paths)
        if n:
            self._save_index()
        return n

    def _delete_paths(self, paths: list[str]) -> int:
        removed: list[int] = []
        with self._write_lock, self.engine.begin() as conn:
            for p in paths:
                removed += _delete_doc(conn, p)
            if paths:
                _bump_generation(conn)
        self._index_apply(removed, [], [])
        return len(paths)

    def list_documents(self) -> list[DocumentInfo]:
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT path, title, format, n_chunks, size, updated_at, folder FROM documents "
                "ORDER BY path"
            ).all()
        return [DocumentInfo(*r) for r in rows]

    def chunks_of(self, path: str) -> list[dict[str, Any]]:
        """One document's chunks in order: section, page and text (the MCP resource)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.section, c.page, c.text FROM chunks c JOIN documents d "
                    "ON d.id = c.doc_id WHERE d.path = :p ORDER BY c.ord"
                ),
                {"p": path},
            ).all()
        return [{"section": r[0], "page": r[1], "text": r[2]} for r in rows]

    def folders(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT path FROM doc_folders ORDER BY 1")]

    def count(self) -> tuple[int, int]:
        """(documents, chunks)"""
        with self.engine.connect() as conn:
            d = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
            c = conn.exec_driver_sql("SELECT count(*) FROM chunks").scalar_one()
        return int(d), int(c)

    # ----- searching -----

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> list[SearchHit]:
        """Best chunks for `query`: "bm25" (FTS5), "vector" (FAISS) or "hybrid" (RRF)."""
        return search_chunks(
            self.engine,
            query,
            k,
            mode,
            index=lambda: self.index,
            embed=self.query_vector,
            terms=bm25_terms,
        )

    def query_vector(self, query: str) -> Any:
        """The query's embedding; the last few are kept, since answering a question embeds
        it for the search and again for choosing the passage."""
        with self._index_lock:
            v = self._qcache.get(query)
        if v is None:
            v = self.embedder.encode([query])[0]
            with self._index_lock:
                self._qcache[query] = v
                while len(self._qcache) > 8:
                    self._qcache.pop(next(iter(self._qcache)))
        return v

    def probe(self, query: str) -> float:
        """Cheap relevance, 0..1, from FTS5 alone (no model): share of the query's words
        found together in the best matching chunk."""
        return fts_probe(self.engine, query)

    def close(self) -> None:
        self.engine.dispose()


def _like_prefix(path: str) -> str:
    esc = path.rstrip("/").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return esc + "/%"


def build(ctx: Any) -> DocumentStore:
    """The "documents" service: the store on ``<data dir>/documents.sqlite3``."""
    k = ctx.settings.knowledge
    return DocumentStore(
        ctx.paths.data_dir / "documents.sqlite3",
        ctx.paths.index_dir / "documents.faiss",
        chunk_words=k.chunk_words,
        max_file_mb=k.max_file_mb,
    )
