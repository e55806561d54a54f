"""``MemoryStore``: the conversation memory the core uses (``ctx.memory``).

SQLite (``council.sqlite3``, WAL) holds sessions, turns, their vectors, feedback and
preferences; a FAISS index per kind (``indexes/turns.faiss``) is derived from it. Opening a
store is cheap (no model, no FAISS); the embedding model loads on the first search, or in
the background worker when the process lives long enough.

API (all synchronous and thread-safe; call from a thread in async code):

- ``add_turn(session, user, assistant, skill=, confidence=, latency_ms=, cost_usd=,
  from_recall=) -> turn id``: one SQLite insert; the turn is embedded in the background, or
  by the next search of any process.
- ``search(query, k=5, session=None, kinds=("turns",)) -> list[Hit]``: best first. With a
  session, memories from other sessions are kept only at or above
  ``cross_session_threshold``.
- ``context_for(session, query, budget_tokens=None) -> MemoryContext``: what a chat prompt
  needs (see ``MemoryContext``), never over the budget.
- ``forget(turn_id)`` / ``forget(session=S)`` / ``forget(everything=True)``.
- ``record_feedback(turn_id, "up"|"down"|"correction", text)``, ``find_correction(q)``,
  ``skill_scores()``; ``set_preference``/``get_preferences``; ``list_sessions``,
  ``rename_session``, ``delete_session``, ``resume``; ``reindex()``; ``stats()``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from council_core.base import metrics
from council_core.base.db import storage_errors
from council_core.base.errors import BadInput
from council_core.base.logs import get_logger
from council_core.base.vectors import Kind

from .feedback import Correction, FeedbackLog
from .preferences import Preferences
from .schema import KIND_TURNS, TurnState, turn_vectors, turns, vector_state
from .text import (
    EMBED_CHARS,
    clean,
    memory_text,
    normalize,
    numbers,
)
from .turn_index import TurnIndex
from .turns import SessionInfo, Turn, TurnLog
from .worker import EmbedWorker

if TYPE_CHECKING:
    from .context import MemoryContext

log = get_logger("memory")

MODEL_NAME = "all-MiniLM-L6-v2"
# Chosen by measurement (bench/bench_memory.py, 100k turns): HNSW(M=32) reached recall@5 of
# only 0.49/0.67/0.85 at efSearch 64/128/256 against exact search; an exact scan over float16
# copies has recall@5 1.000, is 2.3x faster than float32 Flat on a busy machine (p50 6.4 vs
# 14.9 ms), halves the memory, and forgets without a rebuild.
INDEX_KIND: Kind = "flat16"
# Two turns this similar (cosine of their embedded text), with the same numbers in them, are
# one memory said twice.
DUP_THRESHOLD = 0.96
# A stored correction wins for a question at least this similar to the corrected one.
CORRECTION_THRESHOLD = 0.9


@dataclass
class Hit:
    turn_id: int
    score: float
    session: str
    user: str
    assistant: str
    created: float
    skill: str | None = None
    repeats: int = 1

    @property
    def text(self) -> str:
        return f"{self.user}\n{self.assistant}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn_id": self.turn_id,
            "score": round(self.score, 4),
            "session": self.session,
            "user": self.user,
            "assistant": self.assistant,
            "created": self.created,
            "skill": self.skill,
            "repeats": self.repeats,
        }


class MemoryStore:
    def __init__(
        self,
        db_file: Path,
        index_dir: Path,
        *,
        embedder: Any = None,
        model_name: str | None = None,
        index_kind: Kind = INDEX_KIND,
        cross_session_threshold: float = 0.45,
        recent_turns: int = 6,
        context_tokens: int = 1024,
        recall_tokens: int = 160,
        background: bool = True,
        embed_delay_s: float = 2.0,
        dup_threshold: float = DUP_THRESHOLD,
    ) -> None:
        self.log = TurnLog(Path(db_file))
        self.engine = self.log.engine
        self.feedback = FeedbackLog(self.engine)
        self.prefs = Preferences(self.engine)
        self._embedder = embedder
        self.model_name = model_name or getattr(embedder, "model_name", None) or MODEL_NAME
        self.index = TurnIndex(
            self.engine, Path(index_dir) / f"{KIND_TURNS}.faiss", self.model_name, kind=index_kind
        )
        self.cross_session_threshold = cross_session_threshold
        self.recent_turns = recent_turns
        self.context_tokens = context_tokens
        # Recalled memories go into every prompt and are read afresh each time (no KV reuse):
        # at ~90-160 prompt tokens/s on 2 cores, 160 tokens cost about 1-2 s.
        self.recall_tokens = recall_tokens
        self.background = background
        self.embed_delay_s = embed_delay_s
        self.dup_threshold = dup_threshold
        self._embed_mu = threading.Lock()
        self._worker: EmbedWorker | None = None
        self._worker_mu = threading.Lock()
        self._corr_cache: tuple[int, list[Correction], Any] | None = None
        self._closed = False

    # ----- the model -----

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from council_core.base.embed import shared_embedder

            self._embedder = shared_embedder()
        return self._embedder

    @property
    def model_loaded(self) -> bool:
        if self._embedder is None:
            from council_core.base.embed import shared_embedder

            return shared_embedder().loaded
        return bool(getattr(self._embedder, "loaded", True))

    def _encode(self, texts: list[str]) -> Any:
        import numpy as np

        vecs = np.ascontiguousarray(self.embedder.encode(texts), dtype=np.float32)
        return vecs.reshape(len(texts), self.index.dim)

    # ----- writing -----

    def add_turn(
        self,
        session: str | None,
        user: str | bytes,
        assistant: str | bytes,
        *,
        skill: str | None = None,
        confidence: float | None = None,
        latency_ms: float | None = None,
        cost_usd: float | None = None,
        from_recall: bool = False,
    ) -> int:
        turn_id = self.log.add_turn(
            session,
            user,
            assistant,
            skill=skill,
            confidence=confidence,
            latency_ms=latency_ms,
            cost_usd=cost_usd,
            from_recall=from_recall,
        )
        if self.background and not from_recall and not self._closed:
            self._kick()
        return turn_id

    def _kick(self) -> None:
        with self._worker_mu:
            if self._worker is None or not self._worker.is_alive():
                self._worker = EmbedWorker(
                    self._background_work, lambda: self.model_loaded, self.embed_delay_s
                )
                self._worker.start()
            self._worker.kick()

    def _background_work(self) -> None:
        self.embed_pending()
        self.index.save()

    def wait_embedded(self, timeout: float = 60.0) -> bool:
        """Block until the background worker has embedded what was added (tests, benches)."""
        w = self._worker
        return True if w is None else w.wait_idle(timeout)

    def embed_pending(self, batch: int = 256) -> int:
        """Embed every pending turn (any process may have left some), merge near-duplicates,
        store the vectors in SQLite and add them to the index. Returns the turns handled."""
        done = 0
        with self._embed_mu:
            last_ids: list[int] = []
            while True:
                rows = self.log.pending(batch)
                ids = [t.id for t in rows]
                if not rows or ids == last_ids:
                    break
                last_ids = ids
                vecs = self._encode([memory_text(t.user, t.assistant) for t in rows])
                self.index.sync()
                accepted, merged = self._dedupe(rows, vecs)
                self._write_vectors(accepted, merged, {t.id: t.created for t in rows})
                self.index.sync()
                done += len(rows)
        if done:
            metrics.MEMORY_ITEMS.labels(KIND_TURNS).set(self.index.ntotal)
        return done

    def _dedupe(
        self, rows: Sequence[Turn], vecs: Any
    ) -> tuple[list[tuple[int, Any]], list[tuple[int, int]]]:
        import numpy as np

        best_ids = np.full(len(rows), -1, dtype=np.int64)
        best = np.full(len(rows), -1.0, dtype=np.float32)
        if self.index.ntotal:
            with self.index._mu:
                found = self.index.vi.search(vecs, 1)
            for i, hits in enumerate(found):
                if hits:
                    best_ids[i], best[i] = hits[0]
        accepted: list[tuple[int, Any]] = []
        merged: list[tuple[int, int]] = []
        acc_vecs: list[Any] = []
        by_id = {t.id: t for t in rows}
        candidates = [
            int(b) for b, s in zip(best_ids, best, strict=True) if s >= self.dup_threshold
        ]
        known = self.log.get_many(candidates) if candidates else {}
        for i, t in enumerate(rows):
            into = -1
            other = known.get(int(best_ids[i])) if best[i] >= self.dup_threshold else None
            if other is not None and numbers(other.user) == numbers(t.user):
                into = other.id
            if into < 0 and acc_vecs:
                sims = np.stack(acc_vecs) @ vecs[i]
                j = int(sims.argmax())
                if sims[j] >= self.dup_threshold and numbers(by_id[accepted[j][0]].user) == numbers(
                    t.user
                ):
                    into = accepted[j][0]
            if into >= 0:
                merged.append((t.id, into))
            else:
                accepted.append((t.id, vecs[i]))
                acc_vecs.append(vecs[i])
        return accepted, merged

    def _write_vectors(
        self,
        accepted: list[tuple[int, Any]],
        merged: list[tuple[int, int]],
        created: dict[int, float],
    ) -> None:
        with storage_errors("store memory vectors"), self.engine.begin() as c:
            if accepted:
                c.exec_driver_sql(
                    "INSERT OR IGNORE INTO turn_vectors(turn_id, model, vec) "
                    "SELECT ?, ?, ? WHERE EXISTS "
                    f"(SELECT 1 FROM turns WHERE id = ? AND state = {int(TurnState.PENDING)})",
                    [(tid, self.model_name, v.tobytes(), tid) for tid, v in accepted],
                )
            for tid, into in merged:
                res = c.exec_driver_sql(
                    f"UPDATE turns SET state = {int(TurnState.MERGED)}, merged_into = ? "
                    f"WHERE id = ? AND state = {int(TurnState.PENDING)}",
                    (into, tid),
                )
                if res.rowcount:
                    c.exec_driver_sql(
                        "UPDATE turns SET repeats = repeats + 1, "
                        "last_seen = max(coalesce(last_seen, created), ?) WHERE id = ?",
                        (created.get(tid, 0.0), into),
                    )

    # ----- searching -----

    def catch_up(self) -> None:
        """Embed what any process left pending and bring the index in step with SQLite."""
        if self.log.count_pending():
            self.embed_pending()
        self.index.sync()

    def search(
        self,
        query: str,
        k: int = 5,
        session: str | None = None,
        kinds: Sequence[str] = (KIND_TURNS,),
        *,
        min_score: float = 0.0,
        exclude: Sequence[int] = (),
        cross_session_threshold: float | None = None,
    ) -> list[Hit]:
        unknown = set(kinds) - {KIND_TURNS}
        if unknown:
            raise BadInput(
                f"unknown memory kind(s): {', '.join(sorted(unknown))}",
                fix="conversation memory has kind 'turns'; documents are searched with "
                "`council docs search`",
            )
        q = clean(query, "query").strip()
        if not q or k <= 0 or not kinds:
            return []
        self.catch_up()
        if self.index.ntotal == 0:
            return []
        qv = self._encode([q[:EMBED_CHARS]])
        thr = (
            self.cross_session_threshold
            if cross_session_threshold is None
            else cross_session_threshold
        )
        skip = set(exclude)
        fetch = k * 4 + len(skip) + 8
        raw = self.index.search(qv, fetch)
        found = self.log.get_many(i for i, _ in raw)
        hits: list[Hit] = []
        for tid, score in raw:
            t = found.get(tid)
            if t is None or tid in skip or t.state != TurnState.EMBEDDED or score < min_score:
                continue
            if session is not None and t.session != session and score < thr:
                continue
            hits.append(
                Hit(
                    tid,
                    score,
                    t.session,
                    t.user,
                    t.assistant,
                    t.last_seen or t.created,
                    t.skill,
                    t.repeats,
                )
            )
            if len(hits) >= k:
                break
        return hits

    def context_for(
        self,
        session: str | None,
        query: str | None,
        budget_tokens: int | None = None,
        *,
        recent_turns: int | None = None,
        k: int = 5,
    ) -> MemoryContext:
        """Recent turns of ``session`` plus the most relevant older memories, within
        ``budget_tokens`` (default: settings.memory.context_tokens). See ``memory.context``."""
        from .context import context_for

        return context_for(self, session, query, budget_tokens, recent_turns=recent_turns, k=k)

    # ----- forgetting -----

    def forget(
        self,
        turn_id: int | None = None,
        *,
        session: str | None = None,
        everything: bool = False,
    ) -> int:
        """Delete one turn, one session, or everything (turns, vectors, feedback, sessions);
        returns the number of turns deleted."""
        if sum(x is not None and x is not False for x in (turn_id, session, everything)) != 1:
            raise BadInput("forget one turn id, one session, or everything", fix="pick one")
        if self.index.vi.path.exists():
            self.index.sync()
        with self._embed_mu, storage_errors("forget"), self.engine.begin() as c:
            gen_before = self._generation(c)
            q = select(turn_vectors.c.turn_id)
            if turn_id is not None:
                q = q.where(turn_vectors.c.turn_id == turn_id)
            elif session is not None:
                q = q.where(
                    turn_vectors.c.turn_id.in_(select(turns.c.id).where(turns.c.session == session))
                )
            ids = [int(r[0]) for r in c.execute(q).all()]
            if turn_id is not None:
                n = self.log.delete_turn(turn_id, c)
            elif session is not None:
                n = self.log.delete_session(session, c)
            else:
                n = self.log.delete_all(c)
                c.exec_driver_sql("DELETE FROM feedback")
                c.exec_driver_sql("DELETE FROM preferences")
            gen_after = self._generation(c)
        self.index.after_delete(ids, gen_before, gen_after)
        self.index.save(force=True)
        self._corr_cache = None
        return n

    @staticmethod
    def _generation(c: Any) -> int:
        return int(
            c.execute(
                select(vector_state.c.generation).where(vector_state.c.kind == KIND_TURNS)
            ).scalar_one()
        )

    def reindex(self) -> int:
        """Embed what is pending and rebuild the index from the stored vectors."""
        if self.log.count_pending():
            self.embed_pending()
        return self.index.rebuild()

    # ----- feedback and preferences -----

    def record_feedback(self, turn_id: int, rating: str, correction: str | None = None) -> int:
        """rating: "up", "down" or "correction" (with the right answer as ``correction``)."""
        fid = self.feedback.record(turn_id, rating, correction)
        self._corr_cache = None
        return fid

    def find_correction(self, question: str) -> Correction | None:
        """The user's correction for this question: exact (normalized) match first; a
        similar question by embedding only when the model is already loaded."""
        exact = self.feedback.correction_for(question)
        if exact is not None or not self.model_loaded:
            return exact
        n = self.feedback.count()
        if self._corr_cache is None or self._corr_cache[0] != n:
            corr = self.feedback.corrections()
            vecs = self._encode([c.question[:EMBED_CHARS] for c in corr]) if corr else None
            self._corr_cache = (n, corr, vecs)
        _, corr, vecs = self._corr_cache
        if not corr or vecs is None:
            return None
        qv = self._encode([clean(question, "question")[:EMBED_CHARS]])[0]
        sims = vecs @ qv
        i = int(sims.argmax())
        return corr[i] if float(sims[i]) >= CORRECTION_THRESHOLD else None

    def skill_scores(self) -> dict[str, dict[str, float]]:
        return self.feedback.skill_scores()

    def set_preference(self, key: str, value: Any) -> None:
        self.prefs.set(key, value)

    def get_preferences(self) -> dict[str, Any]:
        return self.prefs.get_all()

    # ----- sessions -----

    def list_sessions(self, limit: int = 100) -> list[SessionInfo]:
        return self.log.list_sessions(limit)

    def rename_session(self, session: str, title: str) -> bool:
        return self.log.rename_session(session, title)

    def delete_session(self, session: str) -> int:
        return self.forget(session=session)

    def resume(self, session: str, n: int | None = None) -> list[Turn]:
        return self.log.resume(session, n)

    # ----- status and lifetime -----

    def stats(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.log.counts())
        out["index"] = self.index.status()
        out["feedback"] = self.feedback.count()
        return out

    def exact_turns(self, question: str, limit: int = 5) -> list[Turn]:
        """Earlier turns that asked exactly this (normalized) question, newest first."""
        norm = normalize(question)
        with storage_errors("read memory"), self.engine.connect() as c:
            rows = c.execute(
                select(turns).where(turns.c.norm == norm).order_by(turns.c.id.desc()).limit(limit)
            ).all()
        return [Turn.from_row(r) for r in rows]

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        w = self._worker
        if w is not None:
            w.stop()
        try:
            self.index.save(force=True)
        except Exception as exc:  # closing must not hide the real result
            log.warning("saving the memory index failed: %s", exc)
        self.engine.dispose()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
