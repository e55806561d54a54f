"""The personal knowledge base: relations the user asked Council to remember.

Stored as DATA (relation, subject, object) in the memory database (``ctx.paths.db_file``,
table ``logic_facts``); the engine loads them as ``kb/3`` clauses through the term API.
``forget_all(ctx)`` is what "forget everything" calls to clear them too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from council_core.base.db import make_engine, migrate

if TYPE_CHECKING:
    from council_core.context import SkillContext


def _v1(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE logic_facts ("
            "id INTEGER PRIMARY KEY AUTOINCREMENT, rel TEXT NOT NULL, subj TEXT NOT NULL, "
            "obj TEXT NOT NULL, subj_label TEXT NOT NULL, obj_label TEXT NOT NULL, "
            "source TEXT NOT NULL, created REAL NOT NULL, UNIQUE(rel, subj, obj))"
        )
    )


@dataclass
class StoredFact:
    id: int
    rel: str
    subj: str
    obj: str
    subj_label: str
    obj_label: str
    source: str
    created: float

    def as_tuple(self) -> tuple[Any, Any, Any]:
        return (decode_rel(self.rel), self.subj, self.obj)


def encode_rel(rel: Any) -> str:
    if isinstance(rel, tuple):  # ("cmp", "tall") / ("verb", "love")
        return f"{rel[0]}:{rel[1]}"
    return str(rel)


def decode_rel(rel: str) -> Any:
    if ":" in rel:
        kind, _, arg = rel.partition(":")
        return (kind, arg)
    return rel


class FactStore:
    def __init__(self, db_file: Path) -> None:
        self.engine = make_engine(db_file)
        migrate(self.engine, "facts", [_v1])
        self._cache: tuple[Any, list[StoredFact]] | None = None

    def version(self) -> tuple[int, int]:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM logic_facts")).one()
        return int(row[0]), int(row[1])

    def add(self, rel: Any, subj: str, obj: str, labels: dict[str, str], source: str) -> int:
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO logic_facts(rel, subj, obj, subj_label, obj_label, source, created)"
                    " VALUES(:r, :s, :o, :sl, :ol, :src, :t) ON CONFLICT(rel, subj, obj) "
                    "DO UPDATE SET source=excluded.source"
                ),
                {
                    "r": encode_rel(rel),
                    "s": subj,
                    "o": obj,
                    "sl": labels.get(subj, subj),
                    "ol": labels.get(obj, obj),
                    "src": source[:500],
                    "t": time.time(),
                },
            )
            row = conn.execute(
                text("SELECT id FROM logic_facts WHERE rel=:r AND subj=:s AND obj=:o"),
                {"r": encode_rel(rel), "s": subj, "o": obj},
            ).one()
        return int(row[0])

    def all(self) -> list[StoredFact]:
        version = self.version()
        if self._cache is not None and self._cache[0] == version:
            return self._cache[1]
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, rel, subj, obj, subj_label, obj_label, source, created "
                    "FROM logic_facts ORDER BY id"
                )
            ).all()
        facts = [StoredFact(*row) for row in rows]
        self._cache = (version, facts)
        return facts

    def forget(self, fact_id: int) -> bool:
        with self.engine.begin() as conn:
            n = conn.execute(text("DELETE FROM logic_facts WHERE id=:i"), {"i": fact_id}).rowcount
        return bool(n)

    def forget_all(self) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(text("DELETE FROM logic_facts")).rowcount)

    def close(self) -> None:
        self.engine.dispose()


def store_for(ctx: SkillContext) -> FactStore:
    return FactStore(ctx.paths.db_file)


def forget_all(ctx: SkillContext) -> int:
    """Delete every remembered fact; returns how many. Called by memory's "forget all"."""
    store = store_for(ctx)
    try:
        return store.forget_all()
    finally:
        store.close()
