"""The SQLite side of conversation memory: sessions and turns, no models, no FAISS.

``TurnLog`` is what a short ``council ask`` touches (an insert, ~1 ms); embedding and search
live in ``MemoryStore``, which owns a ``TurnLog``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from council_core.base.db import make_engine, migrate, storage_errors

from .schema import COMPONENT, STEPS, TurnState, sessions, turn_vectors, turns
from .text import clean, normalize

DEFAULT_SESSION = "default"


@dataclass
class Turn:
    id: int
    session: str
    user: str
    assistant: str
    skill: str | None
    confidence: float | None
    latency_ms: float | None
    cost_usd: float | None
    created: float
    from_recall: bool
    state: int
    repeats: int = 1
    last_seen: float | None = None

    @classmethod
    def from_row(cls, r: Row[Any]) -> Turn:
        return cls(
            id=r.id,
            session=r.session,
            user=r.user_text,
            assistant=r.assistant_text,
            skill=r.skill,
            confidence=r.confidence,
            latency_ms=r.latency_ms,
            cost_usd=r.cost_usd,
            created=r.created,
            from_recall=bool(r.from_recall),
            state=r.state,
            repeats=r.repeats,
            last_seen=r.last_seen,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session": self.session,
            "user": self.user,
            "assistant": self.assistant,
            "skill": self.skill,
            "confidence": self.confidence,
            "latency_ms": self.latency_ms,
            "cost_usd": self.cost_usd,
            "created": self.created,
            "from_recall": self.from_recall,
            "repeats": self.repeats,
        }


@dataclass
class SessionInfo:
    id: str
    title: str
    created: float
    updated: float
    turns: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class TurnLog:
    def __init__(self, db_file: Path | None = None, *, engine: Engine | None = None) -> None:
        if engine is None:
            if db_file is None:
                raise ValueError("TurnLog needs a db_file or an engine")
            engine = make_engine(Path(db_file))
        self.engine = engine
        with storage_errors("open the memory database"):
            migrate(engine, COMPONENT, STEPS)

    def close(self) -> None:
        self.engine.dispose()

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
        created: float | None = None,
    ) -> int:
        """Store one exchange; returns its id. A turn from recall is kept in the history
        but never becomes a memory of its own."""
        user_s = clean(user, "question")
        assistant_s = clean(assistant, "answer")
        session = session or DEFAULT_SESSION
        now = time.time() if created is None else created
        state = TurnState.NOT_MEMORY if from_recall or not user_s.strip() else TurnState.PENDING
        with storage_errors("store the turn"), self.engine.begin() as c:
            _ensure_session(c, session, user_s, now)
            res = c.execute(
                insert(turns).values(
                    session=session,
                    user_text=user_s,
                    assistant_text=assistant_s,
                    norm=normalize(user_s),
                    skill=skill,
                    confidence=confidence,
                    latency_ms=latency_ms,
                    cost_usd=cost_usd,
                    created=now,
                    from_recall=int(from_recall),
                    state=int(state),
                    repeats=1,
                    last_seen=now,
                )
            )
            pk = res.inserted_primary_key
            assert pk is not None
            return int(pk[0])

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk insert (import, benchmarks): dicts with session, user, assistant and the
        optional fields of ``add_turn``; one transaction."""
        now = time.time()
        values = []
        seen: dict[str, tuple[str, float]] = {}
        for r in rows:
            u = clean(r["user"], "question")
            a = clean(r["assistant"], "answer")
            s = r.get("session") or DEFAULT_SESSION
            created = float(r.get("created") or now)
            seen.setdefault(s, (u, created))
            recall = bool(r.get("from_recall"))
            values.append(
                {
                    "session": s,
                    "user_text": u,
                    "assistant_text": a,
                    "norm": normalize(u),
                    "skill": r.get("skill"),
                    "confidence": r.get("confidence"),
                    "latency_ms": r.get("latency_ms"),
                    "cost_usd": r.get("cost_usd"),
                    "created": created,
                    "from_recall": int(recall),
                    "state": int(
                        TurnState.NOT_MEMORY if recall or not u.strip() else TurnState.PENDING
                    ),
                    "repeats": 1,
                    "last_seen": created,
                }
            )
        if not values:
            return
        with storage_errors("store the turns"), self.engine.begin() as c:
            for s, (u, created) in seen.items():
                _ensure_session(c, s, u, created)
            c.execute(insert(turns), values)

    # ----- reading -----

    def get(self, turn_id: int) -> Turn | None:
        with storage_errors("read memory"), self.engine.connect() as c:
            r = c.execute(select(turns).where(turns.c.id == turn_id)).first()
        return Turn.from_row(r) if r else None

    def get_many(self, ids: Iterable[int]) -> dict[int, Turn]:
        ids = list(ids)
        if not ids:
            return {}
        with storage_errors("read memory"), self.engine.connect() as c:
            rows = c.execute(select(turns).where(turns.c.id.in_(ids))).all()
        return {r.id: Turn.from_row(r) for r in rows}

    def recent(self, session: str, n: int) -> list[Turn]:
        """The last n turns of a session, oldest first."""
        if n <= 0:
            return []
        with storage_errors("read memory"), self.engine.connect() as c:
            rows = c.execute(
                select(turns).where(turns.c.session == session).order_by(turns.c.id.desc()).limit(n)
            ).all()
        return [Turn.from_row(r) for r in reversed(rows)]

    def list_turns(
        self, session: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Turn]:
        """Newest first."""
        q = select(turns).order_by(turns.c.id.desc()).limit(limit).offset(offset)
        if session is not None:
            q = q.where(turns.c.session == session)
        with storage_errors("read memory"), self.engine.connect() as c:
            return [Turn.from_row(r) for r in c.execute(q).all()]

    def iter_turns(self, batch: int = 1000) -> Iterable[Turn]:
        """Every turn, oldest first (export)."""
        last = 0
        while True:
            with storage_errors("read memory"), self.engine.connect() as c:
                rows = c.execute(
                    select(turns).where(turns.c.id > last).order_by(turns.c.id).limit(batch)
                ).all()
            if not rows:
                return
            for r in rows:
                yield Turn.from_row(r)
            last = rows[-1].id

    def pending(self, limit: int) -> list[Turn]:
        with storage_errors("read memory"), self.engine.connect() as c:
            rows = c.execute(
                select(turns)
                .where(turns.c.state == int(TurnState.PENDING))
                .order_by(turns.c.id)
                .limit(limit)
            ).all()
        return [Turn.from_row(r) for r in rows]

    def count_pending(self) -> int:
        with storage_errors("read memory"), self.engine.connect() as c:
            return int(
                c.execute(
                    select(func.count())
                    .select_from(turns)
                    .where(turns.c.state == int(TurnState.PENDING))
                ).scalar_one()
            )

    def counts(self) -> dict[str, int]:
        with storage_errors("read memory"), self.engine.connect() as c:
            by_state: dict[int, int] = dict(
                c.execute(select(turns.c.state, func.count()).group_by(turns.c.state)).all()
            )
            n_sessions = c.execute(select(func.count()).select_from(sessions)).scalar_one()
        return {
            "turns": int(sum(by_state.values())),
            "memories": int(by_state.get(int(TurnState.EMBEDDED), 0)),
            "pending": int(by_state.get(int(TurnState.PENDING), 0)),
            "merged": int(by_state.get(int(TurnState.MERGED), 0)),
            "from_recall": int(by_state.get(int(TurnState.NOT_MEMORY), 0)),
            "sessions": int(n_sessions),
        }

    # ----- sessions -----

    def list_sessions(self, limit: int = 100) -> list[SessionInfo]:
        """Most recently used first."""
        n = (
            select(func.count())
            .select_from(turns)
            .where(turns.c.session == sessions.c.id)
            .scalar_subquery()
        )
        q = select(sessions, n.label("n")).order_by(sessions.c.updated.desc()).limit(limit)
        with storage_errors("read sessions"), self.engine.connect() as c:
            return [
                SessionInfo(r.id, r.title, r.created, r.updated, int(r.n))
                for r in c.execute(q).all()
            ]

    def session_exists(self, session: str) -> bool:
        with storage_errors("read sessions"), self.engine.connect() as c:
            return (
                c.execute(select(sessions.c.id).where(sessions.c.id == session)).first() is not None
            )

    def rename_session(self, session: str, title: str) -> bool:
        title = clean(title, "title").strip()[:200]
        with storage_errors("rename the session"), self.engine.begin() as c:
            res = c.execute(update(sessions).where(sessions.c.id == session).values(title=title))
            return bool(res.rowcount)

    def resume(self, session: str, n: int | None = None) -> list[Turn]:
        """All turns of a session (or the last n), oldest first, to show and continue it."""
        return self.recent(session, n if n is not None else 1_000_000)

    # ----- forgetting -----

    def delete_turn(self, turn_id: int, conn: Connection) -> int:
        res = conn.execute(delete(turns).where(turns.c.id == turn_id))
        return int(res.rowcount)

    def delete_session(self, session: str, conn: Connection) -> int:
        n = conn.execute(
            select(func.count()).select_from(turns).where(turns.c.session == session)
        ).scalar_one()
        conn.execute(delete(sessions).where(sessions.c.id == session))
        return int(n)

    def delete_all(self, conn: Connection) -> int:
        n = conn.execute(select(func.count()).select_from(turns)).scalar_one()
        conn.execute(delete(turn_vectors))
        conn.execute(delete(turns))
        conn.execute(delete(sessions))
        return int(n)


def _ensure_session(c: Connection, session: str, first_text: str, now: float) -> None:
    title = " ".join(first_text.split())[:60]
    c.exec_driver_sql(
        "INSERT INTO sessions(id, title, created, updated) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET updated = max(updated, excluded.updated)",
        (session, title, now, now),
    )
