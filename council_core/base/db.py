"""SQLite through SQLAlchemy 2: one engine helper and one small versioned migrator.

Every component that stores data (conversation memory, documents, facts, the budget ledger,
the file-action journal) opens its SQLite file with ``make_engine`` (WAL, busy timeout,
foreign keys) and brings its tables up to date with ``migrate(engine, component, steps)``:
step N runs once, in a transaction, and ``schema_versions`` records it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, OperationalError

from council_core.base.errors import StorageError

Step = Callable[[Connection], None]
EMPTY_GRACE_S = 10.0  # a 0-byte database younger than this is being created right now


def make_engine(path: Path, *, busy_timeout_ms: int = 10_000) -> Engine:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create {path.parent}: {exc}",
            fix="make the data dir writable or set COUNCIL_HOME",
        ) from exc
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except Exception:  # a read-only dir cannot switch to WAL; reads still work
            pass
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def _read_version(conn: Connection, component: str) -> int | None:
    try:
        row = conn.execute(
            text("SELECT version FROM schema_versions WHERE component=:c"), {"c": component}
        ).first()
    except OperationalError:  # no schema_versions table yet
        conn.rollback()
        return None
    return int(row[0]) if row else None


def migrate(engine: Engine, component: str, steps: Sequence[Step]) -> int:
    """Apply the steps not yet applied for `component`; returns the schema version.

    The steps run in one ``BEGIN IMMEDIATE`` transaction (pysqlite would otherwise run DDL
    outside any transaction), so two processes opening a new database at once cannot both
    run step 1. An up-to-date database is only read (a read-only data dir still opens).

    A damaged file gives a ``StorageError`` that says so (never a driver traceback), and a
    file that exists but is empty (0 bytes: truncated by a crash or a full disk) is refused
    rather than silently started afresh over the data it held.
    """
    _refuse_empty(engine)
    try:
        with engine.connect() as conn:
            version = _read_version(conn, component)
            if version is not None and version >= len(steps):
                _check_not_newer(component, version, len(steps))
                return len(steps)
            conn.rollback()
            dbapi: Any = conn.connection.dbapi_connection
            saved = dbapi.isolation_level
            dbapi.isolation_level = None  # we issue BEGIN/COMMIT ourselves
            try:
                # On the DBAPI connection itself: an engine whose "begin" event issues its own
                # BEGIN IMMEDIATE (the budget ledger) then sees a transaction already open.
                dbapi.execute("BEGIN IMMEDIATE")
                try:
                    conn.exec_driver_sql(
                        "CREATE TABLE IF NOT EXISTS schema_versions ("
                        "component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                    )
                    version = _read_version(conn, component) or 0
                    _check_not_newer(component, version, len(steps))
                    for n in range(version, len(steps)):
                        steps[n](conn)
                        conn.execute(
                            text(
                                "INSERT INTO schema_versions(component, version) "
                                "VALUES(:c, :v) ON CONFLICT(component) "
                                "DO UPDATE SET version=excluded.version"
                            ),
                            {"c": component, "v": n + 1},
                        )
                    conn.exec_driver_sql("COMMIT")
                except BaseException:
                    if dbapi.in_transaction:
                        dbapi.execute("ROLLBACK")
                    raise
            finally:
                dbapi.isolation_level = saved
                conn.rollback()
            return len(steps)
    except OperationalError as exc:
        raise StorageError(
            f"cannot open or update the database {engine.url.database}: {exc.orig}",
            fix="check that the data dir is writable and the disk not full",
        ) from exc
    except DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        raise StorageError(
            f"the database {engine.url.database} is damaged ({exc.orig})",
            fix=f"move it away (mv {engine.url.database} {engine.url.database}.damaged) and "
            "Council starts a new one, or restore it from a backup",
        ) from exc


def _refuse_empty(engine: Engine) -> None:
    path = engine.url.database
    if not path or path == ":memory:":
        return
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return  # not there yet: a new database
    # SQLite creates the file empty and writes its header a moment later: a 0-byte file
    # that is seconds old is another connection opening a new database, not lost data.
    empty = (
        st.st_size == 0
        and time.time() - st.st_mtime > EMPTY_GRACE_S
        and not Path(path + "-wal").exists()
    )
    if empty:
        raise StorageError(
            f"the database {path} is empty (0 bytes): its data was lost, maybe by a crash or a "
            "full disk; Council does not silently start a new one over it",
            fix=f"restore it from a backup, or remove it (rm {path}) to start afresh",
        )


def _check_not_newer(component: str, version: int, known: int) -> None:
    if version > known:
        raise StorageError(
            f"the {component} data was written by a newer Council (schema {version} > {known})",
            fix="upgrade Council; your data was not changed",
        )


@contextmanager
def storage_errors(what: str) -> Iterator[None]:
    """Turn SQLite/OS failures (read-only data dir, full disk, corrupt file, lock timeout)
    into a ``StorageError`` that says what to do."""
    try:
        yield
    except (DatabaseError, OSError) as exc:
        raise storage_error(what, exc) from exc


def storage_error(what: str, exc: BaseException) -> StorageError:
    """The StorageError for a SQLite/OS failure while trying to `what`."""
    detail = str(getattr(exc, "orig", None) or exc)
    low = detail.lower()
    if "full" in low or "no space" in low:
        fix = "free disk space in the data dir, then try again; nothing was lost"
    elif "readonly" in low or "read-only" in low or "permission" in low:
        fix = "make the data dir writable (or set COUNCIL_HOME to a writable folder)"
    elif "locked" in low or "busy" in low:
        fix = "another Council process holds the database; try again in a moment"
    elif "malformed" in low or "not a database" in low:
        fix = "the database file is damaged: restore it from a backup or move it away"
    else:
        fix = "check that the data dir is writable and the disk not full"
    return StorageError(f"cannot {what}: {detail}", fix=fix)
