"""The conversation-memory tables in ``council.sqlite3`` and their migrations.

::

    sessions       id, title, created, updated
    turns          one exchange: user_text, assistant_text, norm (normalized question),
                   skill, confidence, latency_ms, cost_usd, created, from_recall,
                   state (see TurnState), merged_into, repeats, last_seen
    turn_vectors   seq (commit order), turn_id, model, vec (float32 bytes): SQLite is the
                   truth for vectors too, so an index rebuild never re-embeds
    vector_state   per kind: generation (bumped by every vector delete/update), count,
                   max_seq; kept by triggers, so any process can tell in O(1) whether a
                   FAISS index on disk still matches the database
    feedback       thumbs up/down and corrections, per turn and skill
    preferences    key -> JSON value

Migrations are plain SQL steps run by ``council_core.base.db.migrate(engine, "memory", STEPS)``: append a
step, never edit one that shipped.
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import (
    REAL,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.engine import Connection

COMPONENT = "memory"
KIND_TURNS = "turns"


class TurnState(IntEnum):
    PENDING = 0  # stored, not embedded yet (any process embeds it on its next search)
    EMBEDDED = 1  # has a vector: a searchable memory
    NOT_MEMORY = 2  # came from recall (or is empty): kept in history, never recalled
    MERGED = 3  # a near-duplicate of `merged_into`, which got its repeat count


metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("created", REAL, nullable=False),
    Column("updated", REAL, nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session", Text, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("user_text", Text, nullable=False),
    Column("assistant_text", Text, nullable=False),
    Column("norm", Text, nullable=False),
    Column("skill", Text),
    Column("confidence", REAL),
    Column("latency_ms", REAL),
    Column("cost_usd", REAL),
    Column("created", REAL, nullable=False),
    Column("from_recall", Integer, nullable=False, default=0),
    Column("state", Integer, nullable=False, default=0),
    Column("merged_into", Integer),
    Column("repeats", Integer, nullable=False, default=1),
    Column("last_seen", REAL),
)

turn_vectors = Table(
    "turn_vectors",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False),
    Column("model", Text, nullable=False),
    Column("vec", LargeBinary, nullable=False),
)

vector_state = Table(
    "vector_state",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    Column("max_seq", Integer, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE")),
    Column("session", Text),
    Column("skill", Text),
    Column("kind", Text, nullable=False),  # up | down | correction
    Column("question", Text, nullable=False),
    Column("norm", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("correction", Text),
    Column("created", REAL, nullable=False),
)

preferences = Table(
    "preferences",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("updated", REAL, nullable=False),
)


_V1 = [
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL, updated REAL NOT NULL)""",
    """CREATE TABLE turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        user_text TEXT NOT NULL, assistant_text TEXT NOT NULL, norm TEXT NOT NULL,
        skill TEXT, confidence REAL, latency_ms REAL, cost_usd REAL,
        created REAL NOT NULL, from_recall INTEGER NOT NULL DEFAULT 0,
        state INTEGER NOT NULL DEFAULT 0, merged_into INTEGER,
        repeats INTEGER NOT NULL DEFAULT 1, last_seen REAL)""",
    "CREATE INDEX turns_session ON turns(session, id)",
    "CREATE INDEX turns_norm ON turns(norm)",
    "CREATE INDEX turns_pending ON turns(id) WHERE state = 0",
    """CREATE TABLE turn_vectors (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        turn_id INTEGER NOT NULL UNIQUE REFERENCES turns(id) ON DELETE CASCADE,
        model TEXT NOT NULL, vec BLOB NOT NULL)""",
    """CREATE TABLE vector_state (
        kind TEXT PRIMARY KEY, generation INTEGER NOT NULL,
        count INTEGER NOT NULL, max_seq INTEGER NOT NULL)""",
    f"INSERT INTO vector_state VALUES ('{KIND_TURNS}', 0, 0, 0)",
    f"""CREATE TRIGGER turn_vectors_ins AFTER INSERT ON turn_vectors BEGIN
        UPDATE vector_state SET count = count + 1, max_seq = max(max_seq, NEW.seq)
            WHERE kind = '{KIND_TURNS}';
        UPDATE turns SET state = {int(TurnState.EMBEDDED)} WHERE id = NEW.turn_id;
    END""",
    f"""CREATE TRIGGER turn_vectors_del AFTER DELETE ON turn_vectors BEGIN
        UPDATE vector_state SET count = count - 1, generation = generation + 1
            WHERE kind = '{KIND_TURNS}';
    END""",
    f"""CREATE TRIGGER turn_vectors_upd AFTER UPDATE ON turn_vectors BEGIN
        UPDATE vector_state SET generation = generation + 1 WHERE kind = '{KIND_TURNS}';
    END""",
    """CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        turn_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
        session TEXT, skill TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('up', 'down', 'correction')),
        question TEXT NOT NULL, norm TEXT NOT NULL, answer TEXT NOT NULL,
        correction TEXT, created REAL NOT NULL)""",
    "CREATE INDEX feedback_norm ON feedback(norm) WHERE kind = 'correction'",
    "CREATE INDEX feedback_turn ON feedback(turn_id)",
    "CREATE INDEX feedback_skill ON feedback(skill, kind)",
    """CREATE TABLE preferences (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, updated REAL NOT NULL)""",
]


def _v1(conn: Connection) -> None:
    for stmt in _V1:
        conn.execute(text(stmt))


STEPS = [_v1]
