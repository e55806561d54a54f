"""Every answer's skill, outcome and latency, kept in SQLite (``requests.sqlite3`` in the data
dir).

The Prometheus histograms in :mod:`council_core.base.metrics` give bucket estimates (one 56,003 ms
answer showed as p50 45,000 ms) and reset when the process ends; this log gives exact
percentiles (nearest rank over the stored latencies) that survive a restart, and counts each
error under the skill that raised it.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from council_core.base.logs import get_logger
from council_core.hooks import CouncilHook

if TYPE_CHECKING:
    from council_core.base.result import CouncilResult
    from council_core.context import SkillContext
    from council_core.skill import Query

log = get_logger("request_log")

KEEP_ROWS = 100_000  # older rows are pruned
_PRUNE_EVERY = 1_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    skill TEXT NOT NULL,
    outcome TEXT NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts);
"""


def percentile(sorted_values: list[float], q: float) -> float:
    """Exact nearest-rank percentile of an ascending list (q in 0..1)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class SkillStats:
    skill: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    error_kinds: dict[str, int]


class RequestLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=5.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._since_prune = 0

    def record(self, skill: str, outcome: str, latency_ms: float, ts: float | None = None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO requests (ts, skill, outcome, latency_ms) VALUES (?, ?, ?, ?)",
                (time.time() if ts is None else ts, skill, outcome, float(latency_ms)),
            )
            self._since_prune += 1
            if self._since_prune >= _PRUNE_EVERY:
                self._since_prune = 0
                self._db.execute(
                    "DELETE FROM requests WHERE id <= (SELECT MAX(id) FROM requests) - ?",
                    (KEEP_ROWS,),
                )
            self._db.commit()

    def summary(self, since: float | None = None) -> list[SkillStats]:
        """One row per skill, busiest first."""
        where, args = ("WHERE ts >= ?", (since,)) if since is not None else ("", ())
        with self._lock:
            rows = self._db.execute(
                f"SELECT skill, outcome, latency_ms FROM requests {where} "  # noqa: S608
                "ORDER BY skill, latency_ms",
                args,
            ).fetchall()
        by_skill: dict[str, tuple[list[float], dict[str, int]]] = {}
        for skill, outcome, ms in rows:
            lat, kinds = by_skill.setdefault(skill, ([], {}))
            lat.append(float(ms))
            if outcome != "ok":
                kinds[outcome] = kinds.get(outcome, 0) + 1
        out = [
            SkillStats(
                skill,
                len(lat),
                sum(kinds.values()),
                percentile(lat, 0.5),
                percentile(lat, 0.95),
                lat[-1],
                kinds,
            )
            for skill, (lat, kinds) in by_skill.items()
        ]
        out.sort(key=lambda s: (-s.requests, s.skill))
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()


def log_path(ctx: SkillContext) -> Path:
    return Path(ctx.paths.data_dir) / "requests.sqlite3"


class RequestLogHook(CouncilHook):
    """Records every final result (the router's metrics hook)."""

    name = "request_log"
    order = 95  # after escalation: it records the final result

    def __init__(self, ctx: SkillContext) -> None:
        super().__init__(ctx)
        self._log: RequestLog | None = None

    async def after(self, query: Query, result: CouncilResult) -> None:
        skill = result.skill or "none"
        outcome = "ok" if result.error is None else result.error.kind
        try:
            if self._log is None:
                self._log = RequestLog(log_path(self.ctx))
            await asyncio.to_thread(self._log.record, skill, outcome, result.latency_ms)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot record the request: %s", exc)

    async def aclose(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
