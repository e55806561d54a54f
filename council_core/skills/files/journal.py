"""Plans of file operations, journalled in SQLite before they run, and undone exactly.

A plan is a list of operations (mkdir, move, rename, copy, trash). It is written to the
journal with every operation pending BEFORE anything changes; each operation is marked done
right after it ran. After a crash (``kill -9`` half-way) the journal tells what ran: ``resume``
finishes the plan, ``rollback``/``undo`` reverses what ran. Undo checks content hashes, so it
restores exactly what was moved and refuses to move a file that changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from council_core.base.db import make_engine, migrate
from council_core.base.errors import BadInput, PermissionDenied, StorageError
from council_core.base.logs import audit
from council_core.base.textsafe import safe_path

from . import trash as trash_mod

OpKind = Literal["mkdir", "move", "rename", "copy", "trash"]


@dataclass
class Op:
    kind: OpKind
    src: Path | None
    dst: Path | None
    sha256: str | None = None
    size: int = 0
    status: str = "pending"
    id: int | None = None
    error: str | None = None

    def describe(self) -> str:
        s = safe_path(self.src) if self.src else ""
        d = safe_path(self.dst) if self.dst else ""
        return {
            "mkdir": f"create folder {d}",
            "move": f"move {s} -> {d}",
            "rename": f"rename {s} -> {d}",
            "copy": f"copy {s} -> {d}",
            "trash": f"move to trash {s}",
        }[self.kind]


@dataclass
class Plan:
    request: str
    ops: list[Op] = field(default_factory=list)
    id: int | None = None
    status: str = "planned"
    summary: str = ""

    def describe(self) -> str:
        return "\n".join(f"{i}. {op.describe()}" for i, op in enumerate(self.ops, 1))


def _v1(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE plans (id INTEGER PRIMARY KEY, request TEXT NOT NULL, created REAL NOT NULL,"
            " status TEXT NOT NULL, summary TEXT, approved TEXT)"
        )
    )
    conn.execute(
        text(
            "CREATE TABLE ops (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL REFERENCES plans(id),"
            " seq INTEGER NOT NULL, kind TEXT NOT NULL, src BLOB, dst BLOB, sha256 TEXT,"
            " size INTEGER, status TEXT NOT NULL, error TEXT, extra TEXT)"
        )
    )
    conn.execute(text("CREATE INDEX ops_plan ON ops(plan_id, seq)"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def free_name(dst: Path, taken: set[Path] | None = None) -> Path:
    """`dst` or `name (2).ext`, `name (3).ext`...: nothing is ever overwritten."""
    taken = taken or set()
    if not os.path.lexists(dst) and dst not in taken:
        return dst
    stem, suffix = dst.stem, dst.suffix
    n = 2
    while True:
        cand = dst.with_name(f"{stem} ({n}){suffix}")
        if not os.path.lexists(cand) and cand not in taken:
            return cand
        n += 1


def _b(p: Path | None) -> bytes | None:
    return os.fsencode(p) if p is not None else None


def _p(b: bytes | None) -> Path | None:
    return Path(os.fsdecode(b)) if b is not None else None


class Journal:
    def __init__(self, db_path: Path) -> None:
        self.engine: Engine = make_engine(db_path)
        migrate(self.engine, "files", [_v1])

    # ----- recording -----

    def record(self, plan: Plan, approved: str) -> int:
        with self.engine.begin() as c:
            pid = c.execute(
                text(
                    "INSERT INTO plans(request, created, status, summary, approved) "
                    "VALUES(:r, :t, 'running', :s, :a) RETURNING id"
                ),
                {"r": plan.request, "t": time.time(), "s": plan.summary, "a": approved},
            ).scalar_one()
            for seq, op in enumerate(plan.ops):
                op.id = c.execute(
                    text(
                        "INSERT INTO ops(plan_id, seq, kind, src, dst, sha256, size, status) "
                        "VALUES(:p, :q, :k, :s, :d, :h, :z, 'pending') RETURNING id"
                    ),
                    {
                        "p": pid,
                        "q": seq,
                        "k": op.kind,
                        "s": _b(op.src),
                        "d": _b(op.dst),
                        "h": op.sha256,
                        "z": op.size,
                    },
                ).scalar_one()
        plan.id = int(pid)
        return plan.id

    def mark(
        self,
        op: Op,
        status: str,
        *,
        error: str | None = None,
        dst: Path | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        with self.engine.begin() as c:
            c.execute(
                text(
                    "UPDATE ops SET status=:st, error=:e, dst=COALESCE(:d, dst), "
                    "extra=COALESCE(:x, extra) WHERE id=:i"
                ),
                {
                    "st": status,
                    "e": error,
                    "d": _b(dst),
                    "x": json.dumps(extra) if extra else None,
                    "i": op.id,
                },
            )
        op.status = status
        if dst is not None:
            op.dst = dst

    def set_plan_status(self, plan_id: int, status: str) -> None:
        with self.engine.begin() as c:
            c.execute(text("UPDATE plans SET status=:s WHERE id=:i"), {"s": status, "i": plan_id})

    # ----- reading -----

    def load(self, plan_id: int) -> tuple[Plan, list[dict[str, Any]]]:
        with self.engine.connect() as c:
            row = c.execute(
                text("SELECT id, request, status, summary FROM plans WHERE id=:i"), {"i": plan_id}
            ).first()
            if row is None:
                raise BadInput(f"no file plan #{plan_id}", fix="see `council files plans`")
            ops = c.execute(
                text(
                    "SELECT id, kind, src, dst, sha256, size, status, error, extra FROM ops "
                    "WHERE plan_id=:i ORDER BY seq"
                ),
                {"i": plan_id},
            ).all()
        plan = Plan(row.request, id=row.id, status=row.status, summary=row.summary or "")
        extras = []
        for o in ops:
            plan.ops.append(
                Op(o.kind, _p(o.src), _p(o.dst), o.sha256, o.size or 0, o.status, o.id, o.error)
            )
            extras.append(json.loads(o.extra) if o.extra else {})
        return plan, extras

    def plans(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT p.id, p.request, p.status, p.created, COUNT(o.id) AS n, "
                    "SUM(o.status='done') AS done FROM plans p LEFT JOIN ops o ON o.plan_id=p.id "
                    "GROUP BY p.id ORDER BY p.id DESC LIMIT :n"
                ),
                {"n": limit},
            ).all()
        return [dict(r._mapping) for r in rows]

    def last_undoable(self) -> int | None:
        with self.engine.connect() as c:
            row = c.execute(
                text(
                    "SELECT id FROM plans WHERE status IN ('done','failed','running','interrupted') "
                    "ORDER BY id DESC LIMIT 1"
                )
            ).first()
        return int(row[0]) if row else None

    def interrupted(self) -> list[int]:
        """Plans left 'running' by a process that died."""
        with self.engine.connect() as c:
            rows = c.execute(text("SELECT id FROM plans WHERE status='running'")).all()
        return [int(r[0]) for r in rows]


class Executor:
    """Runs plans through the journal; never overwrites, never unlinks."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def _do(self, op: Op, taken: set[Path]) -> tuple[Path | None, dict[str, Any] | None]:
        assert op.dst is not None or op.kind == "trash"
        if op.kind == "mkdir":
            assert op.dst is not None
            if op.dst.is_dir():
                return op.dst, {"existed": True}
            os.mkdir(op.dst)
            return op.dst, None
        if op.kind == "trash":
            assert op.src is not None
            where = trash_mod.trash(op.src)
            return None, {"trashed": os.fsdecode(where)}
        assert op.src is not None and op.dst is not None
        dst = free_name(op.dst, taken)
        if op.kind == "copy":
            import shutil

            shutil.copy2(op.src, dst)
        else:
            if os.path.lexists(dst):  # lost a race: pick another name, never overwrite
                dst = free_name(dst)
            os.rename(op.src, dst)
        return dst, None

    def run(self, plan: Plan, *, approved: str = "user", start: int = 0) -> Plan:
        if plan.id is None:
            self.journal.record(plan, approved)
        assert plan.id is not None
        taken: set[Path] = set()
        failed = False
        for op in plan.ops[start:]:
            if op.status == "done":
                continue
            try:
                dst, extra = self._do(op, taken)
            except OSError as exc:
                self.journal.mark(
                    op, "failed", error=f"{type(exc).__name__}: {exc.strerror or exc}"
                )
                failed = True
                break
            self.journal.mark(op, "done", dst=dst, extra=extra)
        status = "failed" if failed else "done"
        self.journal.set_plan_status(plan.id, status)
        plan.status = status
        audit(
            "file_plan",
            plan=plan.id,
            request=plan.request,
            approved=approved,
            ops=len(plan.ops),
            done=sum(o.status == "done" for o in plan.ops),
            status=status,
        )
        return plan

    # ----- crash recovery -----

    def reconcile(self, plan_id: int) -> Plan:
        """After a crash: mark ops that ran but were not recorded as done, by file state."""
        plan, _extras = self.journal.load(plan_id)
        for op in plan.ops:
            if op.status != "pending":
                continue
            if op.kind in ("move", "rename") and op.src and op.dst:
                if (
                    not os.path.lexists(op.src)
                    and os.path.lexists(op.dst)
                    and (
                        op.sha256 is None or (op.dst.is_file() and sha256_file(op.dst) == op.sha256)
                    )
                ):
                    self.journal.mark(op, "done", dst=op.dst)
            elif op.kind == "mkdir" and op.dst and op.dst.is_dir():
                self.journal.mark(op, "done", dst=op.dst)
        return plan

    @staticmethod
    def _recheck(plan: Plan, check: Callable[[Path, str], Path]) -> None:
        refused: list[str] = []
        for op in plan.ops:
            if op.status != "done":
                continue
            # a trashed file comes back to src; the trash itself is not a granted folder
            paths = [op.src] if op.kind == "trash" else [op.src, op.dst]
            for p in paths:
                if p is None:
                    continue
                # The journal holds the real paths the plan used; one that resolves elsewhere
                # now goes through a link that appeared since (a folder swapped for a link).
                now = os.path.realpath(p)
                if now != os.fspath(p):
                    refused.append(f"{safe_path(p)} now leads to {safe_path(now)} through a link")
                    continue
                try:
                    check(p, "rw")
                except PermissionDenied as exc:
                    refused.append(exc.message)
        if refused:
            shown = "; ".join(dict.fromkeys(refused))
            raise PermissionDenied(
                f"undo of plan #{plan.id} refused, nothing was moved: {shown}",
                fix="grant the folders again (council files grant FOLDER --rw), or put back "
                "the folder that was replaced by a link, then run `council undo` again",
            )

    def resume(self, plan_id: int) -> Plan:
        plan = self.reconcile(plan_id)
        return self.run(plan, approved="resume")

    def undo(
        self, plan_id: int, check: Callable[[Path, str], Path] | None = None
    ) -> tuple[int, list[str]]:
        """Reverse every done op of the plan, newest first. Returns (restored, problems).

        `check(path, "rw")` (the grants' check: resolves links, refuses what is outside the
        granted folders or protected) is applied to every path the undo would touch BEFORE
        anything moves, as for a new plan: a folder that became a link to an ungranted place
        since the plan ran makes the whole undo refuse, and nothing moves. Each path is then
        used in its resolved form."""
        plan = self.reconcile(plan_id)
        _plan, extras = self.journal.load(plan_id)
        if check is not None:
            self._recheck(plan, check)
        problems: list[str] = []
        restored = 0
        for op, extra in reversed(list(zip(plan.ops, extras, strict=True))):
            if op.status != "done":
                continue
            if check is not None:  # use the paths as they resolve now (checked above)
                op.src = check(op.src, "rw") if op.src is not None else None
                op.dst = (
                    check(op.dst, "rw") if op.dst is not None and op.kind != "trash" else op.dst
                )
            try:
                if op.kind == "mkdir":
                    if not extra.get("existed") and op.dst is not None:
                        try:
                            os.rmdir(op.dst)
                        except OSError:
                            problems.append(f"left folder {op.dst}: not empty")
                            continue
                elif op.kind == "trash":
                    assert op.src is not None
                    where = Path(extra["trashed"])
                    target = free_name(op.src)
                    trash_mod.restore(where, target)
                elif op.kind == "copy":
                    assert op.dst is not None
                    if op.sha256 and op.dst.is_file() and sha256_file(op.dst) != op.sha256:
                        problems.append(f"{op.dst} changed since it was copied: kept")
                        continue
                    trash_mod.trash(op.dst)
                else:
                    assert op.src is not None and op.dst is not None
                    if op.sha256 and op.dst.is_file() and sha256_file(op.dst) != op.sha256:
                        problems.append(f"{op.dst} changed since it was moved: left in place")
                        continue
                    if os.path.lexists(op.src):
                        problems.append(f"{op.src} exists again: {op.dst} left in place")
                        continue
                    os.rename(op.dst, op.src)
            except OSError as exc:
                problems.append(f"{op.describe()}: {exc.strerror or exc}")
                continue
            self.journal.mark(op, "undone")
            restored += 1
        self.journal.set_plan_status(plan_id, "undone" if not problems else "partly_undone")
        audit("file_undo", plan=plan_id, restored=restored, problems=len(problems))
        return restored, problems


def open_journal(data_dir: Path) -> Journal:
    try:
        return Journal(data_dir / "files.sqlite3")
    except OSError as exc:
        raise StorageError(
            f"cannot open the file-action journal: {exc}", fix="check that the data dir is writable"
        ) from exc
