"""The FAISS index of conversation turns, kept in step with SQLite.

SQLite is the truth: ``turn_vectors`` holds every vector and ``vector_state`` (maintained by
triggers) its generation, count and highest commit sequence. ``sync()`` makes the in-memory
index match the database before a search:

- nothing loaded yet: load ``indexes/turns.faiss``; missing, unreadable, built by another model,
  or from an older generation (something was forgotten since): rebuild from the stored
  vectors (no re-embedding, ~0.5 s per 100k turns for Flat);
- behind (other processes or a crash added rows after the last save): add the rows with a
  higher sequence, straight from SQLite;
- the file on disk changed and is newer than ours: reload it;
- a final count check catches anything else and rebuilds.

Writes to the file take its lock and are atomic (``VectorIndex.save``); a save never replaces
a newer index on disk with an older one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from council_core.base.db import storage_errors
from council_core.base.embed import DIM
from council_core.base.logs import get_logger
from council_core.base.vectors import Kind, VectorIndex

from .schema import KIND_TURNS, turn_vectors, vector_state

log = get_logger("memory.index")


class TurnIndex:
    def __init__(
        self,
        engine: Engine,
        path: Path,
        model: str,
        *,
        kind: Kind = "flat",
        dim: int = DIM,
        save_every_s: float = 5.0,
    ) -> None:
        self.engine = engine
        self.model = model
        self.dim = dim
        self.vi = VectorIndex(path, dim=dim, kind=kind)
        self.save_every_s = save_every_s
        self._mu = threading.RLock()
        self._loaded = False
        self._last_save = 0.0
        self._dirty = False
        self.rebuilds = 0

    # ----- state -----

    def db_state(self) -> tuple[int, int, int]:
        """(generation, count, max_seq) of the vectors in SQLite."""
        with storage_errors("read the memory index state"), self.engine.connect() as c:
            r = c.execute(
                select(
                    vector_state.c.generation, vector_state.c.count, vector_state.c.max_seq
                ).where(vector_state.c.kind == KIND_TURNS)
            ).one()
        return int(r[0]), int(r[1]), int(r[2])

    @property
    def meta(self) -> dict[str, Any]:
        return self.vi.meta

    def _matches(self, meta: dict[str, Any], gen: int, max_seq: int) -> bool:
        return (
            meta.get("generation") == gen
            and meta.get("model") == self.model
            and int(meta.get("max_seq", -1)) <= max_seq
            and meta.get("count") == int(self.vi.ntotal)
            and meta.get("index_kind", "flat") == self.vi.kind
        )

    def disk_meta(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.vi.meta_path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    # ----- keeping in step -----

    def _disk_is_newer(self, gen: int) -> bool:
        disk = self.disk_meta() or {}
        mine = self.vi.meta
        return disk.get("generation") == gen and (
            mine.get("generation") != gen
            or int(disk.get("max_seq", 0)) > int(mine.get("max_seq", 0))
        )

    def sync(self) -> int:
        """Bring the in-memory index in step with SQLite; returns the rows added."""
        with self._mu:
            gen, count, max_seq = self.db_state()
            first = not self._loaded
            self._loaded = True
            if (first or (self.vi.changed_on_disk() and self._disk_is_newer(gen))) and (
                not self.vi.load() or not self._matches(self.vi.meta, gen, max_seq)
            ):
                return self._rebuild(gen, max_seq)
            if self.vi.meta.get("generation") != gen:
                return self._rebuild(gen, max_seq)
            added = 0
            have = int(self.vi.meta.get("max_seq", 0))
            if have < max_seq:
                for ids, vecs in self._rows(have, max_seq):
                    self.vi.add(ids, vecs)
                    added += len(ids)
                self.vi.meta["max_seq"] = max_seq
                self._dirty = True
            if self.vi.ntotal != count:
                # Rows deleted and added between our two reads, or a damaged file: rebuild.
                gen, count, max_seq = self.db_state()
                return self._rebuild(gen, max_seq)
            return added

    def rebuild(self) -> int:
        """Rebuild from the vectors stored in SQLite and save; returns the count."""
        with self._mu:
            gen, _count, max_seq = self.db_state()
            self._loaded = True
            n = self._rebuild(gen, max_seq)
            self.save(force=True)
            return n

    def _rebuild(self, gen: int, max_seq: int) -> int:
        t0 = time.perf_counter()
        self.vi.rebuild(
            self._rows(0, max_seq),
            meta={
                "generation": gen,
                "max_seq": max_seq,
                "model": self.model,
                "kind": KIND_TURNS,
                "index_kind": self.vi.kind,
            },
        )
        self.vi.meta["max_seq"] = max_seq
        self.rebuilds += 1
        self._dirty = True
        log.info(
            "rebuilt the turn index: %d vectors in %.2f s",
            self.vi.ntotal,
            time.perf_counter() - t0,
        )
        return int(self.vi.ntotal)

    def _rows(
        self, after_seq: int, upto_seq: int, batch: int = 20_000
    ) -> Iterator[tuple[Any, Any]]:
        import numpy as np

        last = after_seq
        while last < upto_seq:
            with storage_errors("read stored vectors"), self.engine.connect() as c:
                rows = c.execute(
                    select(turn_vectors.c.seq, turn_vectors.c.turn_id, turn_vectors.c.vec)
                    .where(turn_vectors.c.seq > last, turn_vectors.c.seq <= upto_seq)
                    .order_by(turn_vectors.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                return
            ids = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
            vecs = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
            yield ids, vecs.reshape(len(rows), self.dim)
            last = rows[-1][0]

    def after_delete(self, ids: list[int], gen_before: int, gen_after: int) -> None:
        """Our own forget: drop the ids in memory instead of rebuilding, when the index was
        current before it; otherwise the next sync rebuilds."""
        with self._mu:
            if not self._loaded or self.vi.meta.get("generation") != gen_before:
                return
            if self.vi.kind == "hnsw":
                self.vi.meta["generation"] = -1  # HNSW cannot remove: rebuild on next sync
                return
            self.vi.remove(ids)
            self.vi.meta["generation"] = gen_after
            self._dirty = True

    # ----- searching and saving -----

    def search(self, qvec: Any, k: int) -> list[tuple[int, float]]:
        with self._mu:
            return self.vi.search(qvec, k)[0]

    @property
    def ntotal(self) -> int:
        return int(self.vi.ntotal)

    def save(self, force: bool = False) -> bool:
        """Persist when changed (at most every ``save_every_s`` unless forced); never
        replaces a newer index another process saved."""
        with self._mu:
            if not self._dirty or not self._loaded:
                return False
            if not force and time.monotonic() - self._last_save < self.save_every_s:
                return False
            with self.vi.lock:
                disk = self.disk_meta()
                mine = self.vi.meta
                if (
                    disk
                    and disk.get("generation") == mine.get("generation")
                    and disk.get("model") == mine.get("model")
                    and int(disk.get("max_seq", 0)) >= int(mine.get("max_seq", 0))
                    and self.vi.path.exists()
                ):
                    self._dirty = False
                    return False
                gen, _c, _m = self.db_state()
                if mine.get("generation") != gen:
                    return False  # ours is stale; the next sync rebuilds it
                self.vi.meta["count"] = self.vi.ntotal
                self.vi.save()
            self._dirty = False
            self._last_save = time.monotonic()
            return True

    def status(self) -> dict[str, Any]:
        """For doctor: does the file on disk match the database (without loading it)?"""
        gen, count, max_seq = self.db_state()
        disk = self.disk_meta()
        if disk is None or not self.vi.path.exists():
            state = "missing (rebuilt from SQLite on next search)"
        elif disk.get("generation") != gen or disk.get("model") != self.model:
            state = "stale (rebuilt from SQLite on next search)"
        elif int(disk.get("max_seq", 0)) < max_seq:
            state = f"behind by {max_seq - int(disk.get('max_seq', 0))} (caught up on next search)"
        else:
            state = "current"
        return {"state": state, "vectors": count, "on_disk": (disk or {}).get("count", 0)}
