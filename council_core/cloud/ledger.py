"""The budget ledger: every paid request in SQLite, shared by all Council processes.

A request first RESERVES its estimated maximum cost in one ``BEGIN IMMEDIATE`` transaction
(the write lock makes check-and-insert atomic across threads and processes), then SETTLES with
the provider's reported usage, or is RELEASED when it fails. Reservations name their owner
(host, pid and the process start time, so a reused pid is not mistaken for the owner) and
expire; a reservation whose time ran out is released by the next process that opens the
ledger or reserves, so a crash never leaks budget. A reservation whose owner died before
settling (killed mid-call: the provider may have charged) is settled at its reserved estimate,
never recorded as $0.

Spend counts settled cost plus open reservations, per local calendar day and month.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from council_core.base.errors import BudgetExceeded, StorageError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import Connection

LEDGER_FILE = "cloud_ledger.sqlite3"
DEFAULT_TTL_S = 900.0


def _step1(conn: Connection) -> None:
    from sqlalchemy import text

    conn.execute(
        text(
            "CREATE TABLE cloud_ledger ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " created REAL NOT NULL,"
            " day TEXT NOT NULL,"
            " month TEXT NOT NULL,"
            " provider TEXT NOT NULL,"
            " model TEXT NOT NULL,"
            " state TEXT NOT NULL CHECK (state IN ('reserved','settled','released')),"
            " reserved_usd REAL NOT NULL,"
            " cost_usd REAL NOT NULL DEFAULT 0,"
            " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
            " completion_tokens INTEGER NOT NULL DEFAULT 0,"
            " owner_host TEXT NOT NULL,"
            " owner_pid INTEGER NOT NULL,"
            " owner_start TEXT NOT NULL,"
            " expires REAL NOT NULL,"
            " closed REAL,"
            " note TEXT NOT NULL DEFAULT '')"
        )
    )
    conn.execute(text("CREATE INDEX cloud_ledger_day ON cloud_ledger(day, state)"))
    conn.execute(text("CREATE INDEX cloud_ledger_month ON cloud_ledger(month, state)"))


STEPS = [_step1]


def process_start(pid: int) -> str | None:
    """The kernel's start time of `pid` (field 22 of /proc/PID/stat), None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = raw[raw.rfind(")") + 2 :].split()
    if fields and fields[0] in ("Z", "X"):  # a zombie has ended; only its entry is left
        return None
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int, start: str) -> bool:
    now = process_start(pid)
    if now is None:
        return False
    return not start or now == start


@dataclass
class Spend:
    day_usd: float
    month_usd: float
    day_limit_usd: float
    month_limit_usd: float

    @property
    def remaining_usd(self) -> float:
        return max(
            0.0, min(self.day_limit_usd - self.day_usd, self.month_limit_usd - self.month_usd)
        )

    @property
    def remaining_day_usd(self) -> float:
        return max(0.0, self.day_limit_usd - self.day_usd)

    @property
    def remaining_month_usd(self) -> float:
        return max(0.0, self.month_limit_usd - self.month_usd)


@dataclass
class LedgerRow:
    id: int
    created: float
    provider: str
    model: str
    state: str
    reserved_usd: float
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    note: str


class Ledger:
    def __init__(self, path: Path, *, ttl_s: float = DEFAULT_TTL_S) -> None:
        from sqlalchemy import event

        from council_core.base.db import make_engine, migrate

        self.path = path
        self.ttl_s = ttl_s
        self._host = socket.gethostname()
        self._pid = os.getpid()
        self._start = process_start(self._pid) or ""
        engine = make_engine(path)

        # pysqlite's own transaction handling is turned off so that BEGIN IMMEDIATE takes
        # the write lock before the budget is read (SQLAlchemy's documented recipe).
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _immediate(conn: Any) -> None:
            if not conn.connection.dbapi_connection.in_transaction:  # migrate() began one
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        self.engine: Engine = engine
        migrate(engine, "cloud_ledger", STEPS)
        self.reap()

    # ----- helpers -----

    @staticmethod
    def _periods(now: float | None = None) -> tuple[str, str]:
        t = time.localtime(now)
        return time.strftime("%Y-%m-%d", t), time.strftime("%Y-%m", t)

    def _storage(self, exc: Exception) -> StorageError:
        return StorageError(
            f"the cloud ledger {self.path} cannot be used: {exc}",
            fix="check that the data dir is writable and the disk not full",
        )

    def _spend(self, conn: Connection, day: str, month: str) -> tuple[float, float]:
        from sqlalchemy import text

        q = (
            "SELECT COALESCE(SUM(CASE state WHEN 'settled' THEN cost_usd"
            " WHEN 'reserved' THEN reserved_usd ELSE 0 END), 0)"
            " FROM cloud_ledger WHERE {col}=:v AND state != 'released'"
        )
        d = conn.execute(text(q.format(col="day")), {"v": day}).scalar_one()
        m = conn.execute(text(q.format(col="month")), {"v": month}).scalar_one()
        return float(d), float(m)

    def _reap(self, conn: Connection, now: float) -> int:
        from sqlalchemy import text

        rows = conn.execute(
            text(
                "SELECT id, owner_host, owner_pid, owner_start, expires FROM cloud_ledger"
                " WHERE state='reserved'"
            )
        ).all()
        released = 0
        for rid, host, pid, start, expires in rows:
            if host == self._host and not _alive(int(pid), str(start)):
                # Killed mid-call: the request may have reached the provider, who charges
                # for it; count the reserved estimate (an upper bound), never $0.
                conn.execute(
                    text(
                        "UPDATE cloud_ledger SET state='settled', cost_usd=reserved_usd,"
                        " closed=:t, note=:n WHERE id=:id AND state='reserved'"
                    ),
                    {
                        "t": now,
                        "n": f"owner process {pid} ended before settling: the reserved "
                        "estimate is counted (the provider may have charged)",
                        "id": rid,
                    },
                )
            elif expires < now:
                conn.execute(
                    text(
                        "UPDATE cloud_ledger SET state='released', closed=:t, note=:n"
                        " WHERE id=:id AND state='reserved'"
                    ),
                    {"t": now, "n": "released: reservation expired", "id": rid},
                )
            else:
                continue
            released += 1
        return released

    # ----- API -----

    def reap(self) -> int:
        """Release reservations whose owner died or that expired; returns how many."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as conn:
                return self._reap(conn, time.time())
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc

    def reserve(
        self,
        provider: str,
        model: str,
        amount_usd: float,
        *,
        day_limit_usd: float,
        month_limit_usd: float,
        ttl_s: float | None = None,
    ) -> int:
        """Atomically check the limits and reserve `amount_usd`; returns the reservation id.
        Raises BudgetExceeded when it does not fit."""
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        now = time.time()
        day, month = self._periods(now)
        try:
            with self.engine.begin() as conn:
                self._reap(conn, now)
                spent_day, spent_month = self._spend(conn, day, month)
                if spent_day + amount_usd > day_limit_usd + 1e-12:
                    raise BudgetExceeded(
                        f"this request (up to ${amount_usd:.4f}) would pass today's cloud "
                        f"budget: ${spent_day:.4f} of ${day_limit_usd:.2f} used",
                        fix="raise budget.daily_usd in Settings, or wait until tomorrow",
                    )
                if spent_month + amount_usd > month_limit_usd + 1e-12:
                    raise BudgetExceeded(
                        f"this request (up to ${amount_usd:.4f}) would pass this month's cloud "
                        f"budget: ${spent_month:.4f} of ${month_limit_usd:.2f} used",
                        fix="raise budget.monthly_usd in Settings, or wait until next month",
                    )
                res = conn.execute(
                    text(
                        "INSERT INTO cloud_ledger(created, day, month, provider, model, state,"
                        " reserved_usd, owner_host, owner_pid, owner_start, expires)"
                        " VALUES(:c, :d, :m, :p, :mo, 'reserved', :r, :h, :pid, :st, :e)"
                    ),
                    {
                        "c": now,
                        "d": day,
                        "m": month,
                        "p": provider,
                        "mo": model,
                        "r": float(amount_usd),
                        "h": self._host,
                        "pid": self._pid,
                        "st": self._start,
                        "e": now + (ttl_s if ttl_s is not None else self.ttl_s),
                    },
                )
                rid = res.lastrowid
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc
        if rid is None:
            raise self._storage(RuntimeError("no row id for the reservation"))
        return int(rid)

    def settle(
        self,
        reservation: int,
        cost_usd: float,
        *,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        note: str = "",
    ) -> None:
        """Record the real cost. Settles even a reservation that was reaped meanwhile: money
        the provider charged is never dropped from the ledger."""
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE cloud_ledger SET state='settled', cost_usd=:c,"
                        " prompt_tokens=:pt, completion_tokens=:ct, closed=:t, note=:n"
                        " WHERE id=:id"
                    ),
                    {
                        "c": float(cost_usd),
                        "pt": int(prompt_tokens),
                        "ct": int(completion_tokens),
                        "t": time.time(),
                        "n": note,
                        "id": reservation,
                    },
                )
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc

    def release(self, reservation: int, note: str = "released") -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE cloud_ledger SET state='released', closed=:t, note=:n"
                        " WHERE id=:id AND state='reserved'"
                    ),
                    {"t": time.time(), "n": note, "id": reservation},
                )
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc

    def spend(self, *, day_limit_usd: float, month_limit_usd: float) -> Spend:
        from sqlalchemy.exc import SQLAlchemyError

        day, month = self._periods()
        try:
            with self.engine.begin() as conn:
                self._reap(conn, time.time())
                d, m = self._spend(conn, day, month)
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc
        return Spend(d, m, day_limit_usd, month_limit_usd)

    def recent(self, limit: int = 10) -> list[LedgerRow]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT id, created, provider, model, state, reserved_usd, cost_usd,"
                        " prompt_tokens, completion_tokens, note FROM cloud_ledger"
                        " ORDER BY id DESC LIMIT :n"
                    ),
                    {"n": int(limit)},
                ).all()
        except SQLAlchemyError as exc:
            raise self._storage(exc) from exc
        return [LedgerRow(*r) for r in rows]

    def row(self, reservation: int) -> LedgerRow | None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            r = conn.execute(
                text(
                    "SELECT id, created, provider, model, state, reserved_usd, cost_usd,"
                    " prompt_tokens, completion_tokens, note FROM cloud_ledger WHERE id=:id"
                ),
                {"id": reservation},
            ).first()
        return LedgerRow(*r) if r else None

    def close(self) -> None:
        self.engine.dispose()
