"""Limits checked from outside while a run goes on: the workspace's disk quota, and, where the
machine gives Council no cgroup, the memory of the whole run.

Both are polled (memory every 0.1 s, the workspace every 0.25 s), so a run can overshoot by
what it writes or allocates in that time; a run that crosses a limit is killed and reported as
stopped by it, and what it wrote past the workspace quota is removed afterwards.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .policy import Limits
from .pool import Started

PAGE = os.sysconf("SC_PAGE_SIZE")
MEMORY_EVERY_S = 0.1
DISK_EVERY_S = 0.25


def tree(pid: int, limit: int = 4096) -> list[int]:
    """pid and all its descendants (through every thread's children list)."""
    out: list[int] = []
    todo = [pid]
    while todo and len(out) < limit:
        p = todo.pop()
        out.append(p)
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    return out


def anon_rss(pid: int) -> int:
    """Private resident memory of one process (resident minus file-backed/shared pages)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            fields = f.read().split()
        return max(0, int(fields[1]) - int(fields[2])) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tmpfs_used(pids: list[int]) -> int:
    """Bytes in the sandbox's private /tmp and /dev/shm, seen through a process of it whose
    root we may enter (/proc/PID/root)."""
    for pid in reversed(pids):  # the code's processes last in the list: dumpable, ours
        total, ok = 0, False
        for d in ("tmp", "dev/shm"):
            try:
                st = os.statvfs(f"/proc/{pid}/root/{d}")
            except OSError:
                continue
            ok = True
            total += (st.f_blocks - st.f_bfree) * st.f_frsize
        if ok:
            return total
    return 0


def workspace_usage(ws: str, max_files: int) -> tuple[int, int]:
    """(bytes on disk, files) in the workspace; stops counting files past max_files."""
    size = files = 0
    for root, dirs, names in os.walk(ws):
        files += len(names) + len(dirs)
        for n in names:
            try:
                size += os.lstat(os.path.join(root, n)).st_blocks * 512
            except OSError:
                pass
        if files > max_files:
            break
    return size, files


class Watch:
    """Polled limits of one run."""

    def __init__(self, started: Started, workspace: str, limits: Limits) -> None:
        self.started = started
        self.workspace = workspace
        self.limits = limits
        self.watch_memory = started.cgroup is None
        now = time.monotonic()
        self._next_mem = now + MEMORY_EVERY_S
        self._next_disk = now + DISK_EVERY_S
        self.peak_memory = 0

    def next_due(self) -> float:
        return min(self._next_mem, self._next_disk) if self.watch_memory else self._next_disk

    def check(self) -> str | None:
        """The limit the run has crossed, if any."""
        now = time.monotonic()
        if self.watch_memory and now >= self._next_mem:
            self._next_mem = now + MEMORY_EVERY_S
            pids = tree(self.started.proc.pid)
            used = sum(anon_rss(p) for p in pids) + tmpfs_used(pids)
            self.peak_memory = max(self.peak_memory, used)
            if used > self.limits.memory_mb * 2**20:
                return "memory limit"
        if now >= self._next_disk:
            self._next_disk = now + DISK_EVERY_S
            if self.over_quota():
                return "disk quota"
        return None

    def over_quota(self) -> bool:
        size, files = workspace_usage(self.workspace, self.limits.workspace_files)
        return size > self.limits.workspace_mb * 2**20 or files > self.limits.workspace_files


def trim_workspace(ws: str, written: list[str], limits: Limits) -> list[str]:
    """Remove files this run wrote, largest first, until the workspace is within its quota.
    Returns the removed paths (relative to the workspace)."""
    sizes = []
    for rel in written:
        try:
            sizes.append((os.lstat(os.path.join(ws, rel)).st_blocks, rel))
        except OSError:
            pass
    removed = []
    size, files = workspace_usage(ws, 2**31)
    for blocks, rel in sorted(sizes, reverse=True):
        if size <= limits.workspace_mb * 2**20 and files <= limits.workspace_files:
            break
        try:
            Path(ws, rel).unlink()
        except OSError:
            continue
        removed.append(rel)
        size -= blocks * 512
        files -= 1
    return removed
