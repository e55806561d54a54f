"""FileActions: find, open and organize files inside the granted folders, with undo.

The ``files`` service (``build(ctx)``). Every change is a ``Plan`` that is shown through the
approval channel, journalled, then run; ``undo_last`` reverses it exactly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from council_core.approval import ApprovalRequest
from council_core.base.errors import BadInput, ComponentMissing, PermissionDenied
from council_core.base.textsafe import safe_path

from .grants import Grants
from .index import Entry, FileIndex, Query
from .journal import Executor, Op, Plan, free_name, open_journal, sha256_file
from .parse import Request

MAX_OPS = 10_000


@dataclass
class Found:
    path: Path
    size: int
    mtime: float
    is_dir: bool = False


def _xdg_open(path: Path) -> None:
    exe = shutil.which("xdg-open")
    if exe is None:
        raise ComponentMissing("xdg-open is not installed", fix="sudo apt-get install xdg-utils")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise ComponentMissing(
            "no desktop session to open files in",
            fix="run Council on your desktop (DISPLAY is not set)",
        )
    from council_core.base.secrets import scrubbed_env

    proc = subprocess.Popen(
        [exe, os.fspath(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=scrubbed_env(os.environ),  # the opened app never sees an API key
    )
    import threading

    # reap it when it exits (xdg-open returns once the app started): no zombie is left
    threading.Thread(target=proc.wait, name="xdg-open-reaper", daemon=True).start()


class FileActions:
    def __init__(
        self, grants: Grants, data_dir: Path, opener: Callable[[Path], None] | None = None
    ) -> None:
        self.grants = grants
        self.index = FileIndex(grants.roots())
        self.journal = open_journal(data_dir)
        self.executor = Executor(self.journal)
        self.opener = opener or _xdg_open
        for pid in self.journal.interrupted():
            self.journal.set_plan_status(pid, "interrupted")

    # ----- folders -----

    def resolve_folder(
        self, phrase: str | None, *, need: str = "ro", may_create: bool = False
    ) -> Path:
        if not self.grants.grants:
            raise PermissionDenied(
                "no folders are granted to Council yet",
                fix="grant folders in Settings > Files (or: council files grant FOLDER --rw)",
            )
        if phrase is None:
            if len(self.grants.grants) == 1:
                return self.grants.grants[0].root
            raise BadInput("which folder?", fix="name the folder, e.g. 'in Downloads'")
        p = phrase.strip().strip("\"'")
        if p.lower() in ("this project", "here", "this folder"):
            p = os.getcwd()
        cands: list[Path] = []
        if p.startswith(("/", "~")):
            cands.append(Path(os.path.expanduser(p)))
        else:
            first, _, rest = p.partition("/")
            for r in self.grants.roots():
                if r.name.lower() == first.lower():
                    cands.append(r / rest if rest else r)
                cands += [r / p, r.parent / p]
            cands.append(Path(os.path.expanduser("~")) / p)
            # Case-insensitive match of the first component under each root.
            for r in self.grants.roots():
                for base in (r, r.parent):
                    try:
                        for child in base.iterdir():
                            if child.name.lower() == first.lower() and child.is_dir():
                                cands.append(child / rest if rest else child)
                    except OSError:
                        continue
        last_err: Exception | None = None
        for c in cands:
            try:
                if c.is_dir():
                    return self.grants.check(c, need)  # type: ignore[arg-type]
            except PermissionDenied as exc:
                last_err = exc
        if may_create:
            for c in cands:
                parent = c
                while not parent.exists() and parent != parent.parent:
                    parent = parent.parent
                try:
                    self.grants.check(parent, "rw")
                    return Path(os.path.abspath(c))
                except PermissionDenied as exc:
                    last_err = exc
        if last_err:
            raise last_err
        raise BadInput(
            f"no folder {phrase!r} in the folders you granted",
            fix="check the name, or grant the folder in Settings > Files",
        )

    # ----- finding -----

    def find(self, req: Request, limit: int = 50, documents: Any = None) -> list[Found]:
        under = [str(self.resolve_folder(req.source))] if req.source else None
        q = Query(
            words=list(req.words), exts=req.exts, after=req.after, before=req.before, under=under
        )
        hits = (
            self.index.search(q, limit=limit)
            if (req.words or req.exts or req.after or under)
            else []
        )
        out = [Found(Path(e.path), e.size, e.mtime) for e in hits]
        if req.about:
            out = self._about(req, q, out, documents, limit)
        return out

    def _about(
        self, req: Request, q: Query, found: list[Found], documents: Any, limit: int
    ) -> list[Found]:
        words = [w.lower() for w in req.about]
        scored: dict[Path, float] = {}
        # Names that mention the topic.
        for e in self.index.search(
            Query(words=words, exts=q.exts, after=q.after, before=q.before, under=q.under),
            limit=limit,
        ):
            scored[Path(e.path)] = 2.0
        # Content, through the knowledge index when one exists.
        if documents is not None:
            try:
                for hit in documents.search(" ".join(req.about), k=20):
                    p = Path(getattr(hit, "path", "") or hit.get("path", ""))
                    try:
                        real = self.grants.check(p)
                    except PermissionDenied:
                        continue
                    if q.exts and real.suffix.lower().lstrip(".") not in q.exts:
                        continue
                    st = real.stat()
                    if q.after and st.st_mtime < q.after or q.before and st.st_mtime >= q.before:
                        continue
                    scored[real] = max(scored.get(real, 0.0), 1.0 + float(getattr(hit, "score", 0)))
            except Exception:  # the knowledge index is optional here
                pass
        if not scored and not req.words:
            return found
        results = []
        for p, _s in sorted(scored.items(), key=lambda t: -t[1]):
            try:
                st = p.stat()
            except OSError:
                continue
            results.append(Found(p, st.st_size, st.st_mtime))
        return results[:limit] or found

    def open(self, path: Path) -> Path:
        real = self.grants.check(path)
        self.opener(real)
        return real

    # ----- planning -----

    def _sources(self, req: Request) -> list[Entry]:
        if not (req.words or req.exts or req.after):
            raise BadInput(
                "which files?", fix="say which files, e.g. 'the .tmp files' or 'the screenshots'"
            )
        src = self.resolve_folder(req.source, need="rw")
        q = Query(
            words=list(req.words),
            exts=req.exts,
            after=req.after,
            before=req.before,
            under=[str(src)],
        )
        if req.kind == "screenshot":  # a screenshot is an image whose name says so
            q.words = [w for w in q.words if w != "screen"]
            hits = [
                e
                for e in self.index.search(q, limit=MAX_OPS + 1)
                if "screenshot" in e.name or "screen shot" in e.name
            ]
        else:
            hits = self.index.search(q, limit=MAX_OPS + 1)
        if len(hits) > MAX_OPS:
            raise BadInput(
                f"that matches more than {MAX_OPS} files",
                fix="narrow it down by folder, type or date",
            )
        return hits

    def plan(self, req: Request, text: str) -> Plan:
        plan = Plan(text)
        if req.action in ("move", "copy"):
            if not req.dest:
                raise BadInput("move where?", fix="say where to, e.g. 'into Pictures/Screenshots'")
            dest = self.resolve_folder(req.dest, need="rw", may_create=True)
            hits = [e for e in self._sources(req) if not e.path.startswith(str(dest) + os.sep)]
            missing: list[Path] = []
            d = dest
            while not d.exists():
                missing.append(d)
                d = d.parent
            for m in reversed(missing):
                plan.ops.append(Op("mkdir", None, m))
            taken: set[Path] = set()
            for e in hits:
                src = self.grants.check(e.path, "rw")
                target = free_name(dest / src.name, taken)
                taken.add(target)
                plan.ops.append(
                    Op(req.action, src, target, sha256_file(src) if src.is_file() else None, e.size)
                )
            plan.summary = f"{req.action} {len(hits)} item(s) into {safe_path(dest)}"
        elif req.action == "rename":
            if req.rename_by != "date":
                raise BadInput(
                    "rename how?", fix="say 'by date' (other schemes are not supported yet)"
                )
            taken = set()
            n = 0
            for e in self._sources(req):
                src = self.grants.check(e.path, "rw")
                stamp = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime(e.mtime))
                if src.stem.startswith(stamp):
                    continue
                target = free_name(src.with_name(stamp + src.suffix.lower()), taken)
                taken.add(target)
                plan.ops.append(Op("rename", src, target, sha256_file(src), e.size))
                n += 1
            plan.summary = f"rename {n} file(s) by date"
        elif req.action == "trash":
            hits = self._sources(req)
            for e in hits:
                src = self.grants.check(e.path, "rw")
                plan.ops.append(
                    Op("trash", src, None, sha256_file(src) if src.is_file() else None, e.size)
                )
            plan.summary = f"move {len(hits)} item(s) to the trash"
        else:
            raise BadInput(f"cannot plan {req.action!r}")
        return plan

    def run(self, plan: Plan, approved: str = "user") -> Plan:
        for op in plan.ops:  # re-check at run time: grants may have changed
            for p in (op.src, op.dst):
                if p is not None:
                    self.grants.check(p, "rw")
        self.index.refresh()
        return self.executor.run(plan, approved=approved)

    def undo_last(self) -> tuple[int, int, list[str]]:
        pid = self.journal.last_undoable()
        if pid is None:
            raise BadInput("there is nothing to undo", fix="file plans that ran can be undone")
        restored, problems = self.undo(pid)
        return pid, restored, problems

    def undo(self, plan_id: int) -> tuple[int, list[str]]:
        """Undo a plan, re-checking every path against the grants as they are now."""
        return self.executor.undo(plan_id, check=self.grants.check)  # type: ignore[arg-type]

    # ----- read-only system questions -----

    def space(self, folder: str | None, top: int = 10) -> list[tuple[Path, int]]:
        root = self.resolve_folder(folder)
        self.index.refresh()
        sizes: dict[Path, int] = {}
        prefix = str(root) + os.sep
        for e in self.index.entries():
            if e.is_dir or not e.path.startswith(prefix):
                continue
            first = e.path[len(prefix) :].split(os.sep, 1)[0]
            key = root / first
            sizes[key] = sizes.get(key, 0) + e.size
        return sorted(sizes.items(), key=lambda t: -t[1])[:top]


def plan_approval(plan: Plan, why: str) -> ApprovalRequest:
    """What the user is asked before a plan runs (the files skill and the MCP server)."""
    return ApprovalRequest(
        kind="file_plan",
        title=plan.summary,
        why=why,
        details=plan.describe(),
        paths=[str(o.src or o.dst) for o in plan.ops[:50]],
        scope="files",
    )


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def disk_usage() -> list[tuple[str, int, int]]:
    """(mount point, used, total) for real file systems."""
    out = []
    seen: set[str] = set()
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        lines = []
    skip = {
        "proc",
        "sysfs",
        "tmpfs",
        "devtmpfs",
        "devpts",
        "cgroup",
        "cgroup2",
        "overlay",
        "mqueue",
        "securityfs",
        "pstore",
        "debugfs",
        "tracefs",
        "configfs",
        "fusectl",
        "bpf",
        "autofs",
        "hugetlbfs",
        "nsfs",
        "squashfs",
        "binfmt_misc",
        "ramfs",
    }
    for ln in lines:
        parts = ln.split()
        if len(parts) < 3 or parts[2] in skip or parts[1] in seen:
            continue
        try:
            u = shutil.disk_usage(parts[1])
        except OSError:
            continue
        seen.add(parts[1])
        out.append((parts[1], u.used, u.total))
    if not out:
        u = shutil.disk_usage("/")
        out.append(("/", u.used, u.total))
    return out


def battery() -> str | None:
    base = Path("/sys/class/power_supply")
    try:
        for d in sorted(base.iterdir()):
            if (d / "capacity").exists() and (d / "type").read_text().strip() == "Battery":
                cap = (d / "capacity").read_text().strip()
                status = (d / "status").read_text().strip() if (d / "status").exists() else ""
                return f"{cap}% ({status.lower()})" if status else f"{cap}%"
    except OSError:
        return None
    return None


def memory_status() -> tuple[int, int]:
    info: dict[str, int] = {}
    for ln in Path("/proc/meminfo").read_text().splitlines():
        k, _, v = ln.partition(":")
        info[k] = int(v.split()[0]) * 1024
    return info.get("MemAvailable", 0), info.get("MemTotal", 0)


def build(ctx: Any) -> FileActions:
    grants = Grants.from_settings(
        list(ctx.settings.files.granted), protected=[ctx.paths.data_dir, ctx.paths.config_dir]
    )
    return FileActions(grants, ctx.paths.data_dir)
