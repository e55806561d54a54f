"""A FAISS index derived from SQLite rows.

SQLite holds the truth (vectors are stored with their rows); this index can always be rebuilt
from it. On disk: ``<name>.faiss`` plus ``<name>.meta.json`` (count, max row id, a fingerprint
the owner uses to detect a stale index). Writes take a file lock and replace files atomically;
readers reload when the files changed (another process wrote them).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock

from council_core.base.errors import StorageError

from .embed import DIM

Kind = Literal["flat", "flat16", "hnsw"]

# A few queries search faster on one OpenMP thread: on a busy 2-core machine two threads made
# a Flat search of 100k vectors 5x slower (p50 70 ms vs 14 ms), waiting on each other.
SINGLE_THREAD_BELOW = 8
_omp_mu = threading.Lock()


@contextmanager
def _one_omp_thread() -> Iterator[None]:
    import faiss

    with _omp_mu:
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            yield
        finally:
            faiss.omp_set_num_threads(before)


class VectorIndex:
    def __init__(
        self,
        path: Path,
        dim: int = DIM,
        kind: Kind = "flat",
        hnsw_m: int = 32,
        ef_search: int = 128,
    ) -> None:
        self.path = Path(path)
        self.meta_path = self.path.with_suffix(".meta.json")
        self.lock = FileLock(str(self.path) + ".lock")
        self.dim, self.kind, self.hnsw_m, self.ef_search = dim, kind, hnsw_m, ef_search
        self.meta: dict[str, Any] = {}
        self._index: Any = None
        self._mtime: float | None = None
        self._mu = threading.RLock()

    # ----- building -----

    def _new(self) -> Any:
        import faiss

        base: Any
        if self.kind == "hnsw":
            base = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efSearch = self.ef_search
            base.hnsw.efConstruction = 80
        elif self.kind == "flat16":
            # Exact scan over float16 copies: half the memory traffic of "flat", same top 5.
            base = faiss.IndexScalarQuantizer(
                self.dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
        else:
            base = faiss.IndexFlatIP(self.dim)
        return faiss.IndexIDMap2(base)

    @property
    def index(self) -> Any:
        with self._mu:
            if self._index is None:
                self._index = self._new()
            return self._index

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: Any, vecs: Any) -> None:
        import numpy as np

        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) == 0:
            return
        with self._mu:
            self.index.add_with_ids(vecs, ids)
            self.meta["max_id"] = max(int(ids.max()), int(self.meta.get("max_id", 0)))
            self.meta["count"] = self.ntotal

    def remove(self, ids: Iterable[int]) -> int:
        import numpy as np

        arr = np.fromiter(ids, dtype=np.int64)
        if arr.size == 0:
            return 0
        with self._mu:
            if self.kind == "hnsw":  # HNSW cannot remove: the owner rebuilds instead
                raise NotImplementedError("HNSW indexes are rebuilt, not edited")
            n = int(self.index.remove_ids(arr))
            self.meta["count"] = self.ntotal
            return n

    def rebuild(
        self, batches: Iterable[tuple[Any, Any]], meta: dict[str, Any] | None = None
    ) -> None:
        with self._mu:
            self._index = self._new()
            self.meta = dict(meta or {})
            self.meta["max_id"] = 0
            for ids, vecs in batches:
                self.add(ids, vecs)
            self.meta["count"] = self.ntotal

    # ----- searching -----

    def search(self, vecs: Any, k: int) -> list[list[tuple[int, float]]]:
        """For each query vector, up to k (row id, inner-product score), best first."""
        import numpy as np

        q = np.ascontiguousarray(vecs, dtype=np.float32).reshape(-1, self.dim)
        with self._mu:
            if self.ntotal == 0:
                return [[] for _ in range(len(q))]
            if len(q) < SINGLE_THREAD_BELOW:
                with _one_omp_thread():
                    scores, ids = self.index.search(q, min(k, self.ntotal))
            else:
                scores, ids = self.index.search(q, min(k, self.ntotal))
        return [
            [(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i != -1]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    # ----- persistence -----

    def save(self) -> None:
        import faiss

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.lock, self._mu:
                tmp = self.path.with_suffix(".faiss.tmp")
                faiss.write_index(self.index, str(tmp))
                os.replace(tmp, self.path)
                mtmp = self.meta_path.with_suffix(".tmp")
                mtmp.write_text(json.dumps(self.meta))
                os.replace(mtmp, self.meta_path)
                self._mtime = self.path.stat().st_mtime
        except OSError as exc:
            raise StorageError(
                f"cannot write the index {self.path}: {exc}",
                fix="free disk space or make the data dir writable",
            ) from exc

    def load(self) -> bool:
        """Load from disk; False if missing or unreadable (the owner rebuilds it)."""
        import faiss

        if not self.path.exists() or not self.meta_path.exists():
            return False
        try:
            with self.lock:
                index = faiss.read_index(str(self.path))
                meta = json.loads(self.meta_path.read_text())
                mtime = self.path.stat().st_mtime
        except (OSError, RuntimeError, ValueError):
            return False
        if index.d != self.dim:
            return False
        if self.kind == "hnsw":
            try:
                faiss.downcast_index(index.index).hnsw.efSearch = self.ef_search  # type: ignore[attr-defined]
            except AttributeError:
                pass
        with self._mu:
            self._index, self.meta, self._mtime = index, meta, mtime
        return True

    def changed_on_disk(self) -> bool:
        try:
            return self.path.stat().st_mtime != self._mtime
        except OSError:
            return False

    def reload_if_changed(self) -> bool:
        return self.changed_on_disk() and self.load()
