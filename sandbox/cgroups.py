"""Whole-run limits through a cgroup per sandbox, where this machine lets Council make one.

rlimits hold per process: 64 processes of 512 MB each could take 32 GB between them, and the
private /tmp and /dev/shm (tmpfs) count nowhere. A cgroup holds the whole sandbox: every
process firejail starts, and the tmpfs pages they write, are charged to it. Council creates
one child cgroup per sandbox with ``memory`` = the run's memory limit (no swap) and ``pids`` =
its process limit, and starts firejail inside it (a ``sh`` that writes its own pid into
``cgroup.procs`` and then execs firejail, so nothing forks before it is in).

Where it works: root with cgroup v1 memory and pids hierarchies (child of our own cgroup), or
root with cgroup v2 (a ``council-sandbox`` cgroup below the hierarchy's root). A normal user
usually cannot create cgroups (no systemd delegation is assumed); then ``support()`` says why
and the executor falls back to a watcher that sums the sandbox's resident memory and stops
the run past the limit (see executor.py), on top of the per-process rlimits.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field

PARENT = "council-sandbox"
_LOCK = threading.Lock()
_SUPPORT: Support | None = None


@dataclass(frozen=True)
class Support:
    """Which cgroup hierarchy Council can use here, or why none."""

    version: int | None  # 1 or 2; None: not available
    memory_base: str = ""  # the folder under which per-run cgroups are made (v1: memory)
    pids_base: str = ""  # v1 only: the pids hierarchy's folder
    why: str = ""

    @property
    def available(self) -> bool:
        return self.version is not None

    def describe(self) -> str:
        if self.available:
            return f"cgroup v{self.version} per run: memory and processes of the whole run"
        return (
            f"no cgroup ({self.why}): memory is watched (resident memory of all the run's "
            "processes, checked every 0.1 s) on top of per-process limits"
        )


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(root, mount point, fstype, super options) of every cgroup mount."""
    out = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                parts, rparts = left.split(), right.split()
                if len(parts) >= 5 and rparts and rparts[0] in ("cgroup", "cgroup2"):
                    opts = set(rparts[2].split(",")) if len(rparts) > 2 else set()
                    out.append((parts[3], parts[4], rparts[0], opts))
    except OSError:
        pass
    return out


def _own() -> dict[str, str]:
    """Our own cgroup path per controller ("" key: cgroup v2)."""
    out: dict[str, str] = {}
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, ctrls, path = line.rstrip("\n").split(":", 2)
                for c in ctrls.split(",") if ctrls else [""]:
                    out[c] = path
    except OSError:
        pass
    return out


def _write(path: str, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _v1_base(mounts: list[tuple[str, str, str, set[str]]], own: dict[str, str], ctrl: str) -> str:
    for root, point, fstype, opts in mounts:
        if fstype == "cgroup" and ctrl in opts and ctrl in own:
            rel = own[ctrl]
            if root != "/" and rel.startswith(root):
                rel = rel[len(root) :]
            base = os.path.join(point, rel.lstrip("/"), PARENT)
            os.makedirs(base, exist_ok=True)
            probe = os.path.join(base, "probe-" + uuid.uuid4().hex[:8])
            os.mkdir(probe)
            try:
                limit = "memory.limit_in_bytes" if ctrl == "memory" else "pids.max"
                _write(os.path.join(probe, limit), "67108864" if ctrl == "memory" else "8")
            finally:
                os.rmdir(probe)
            return base
    raise OSError(f"no cgroup v1 {ctrl} hierarchy")


def _v2_base(mounts: list[tuple[str, str, str, set[str]]]) -> str:
    for root, point, fstype, _ in mounts:
        if fstype != "cgroup2" or root != "/":
            continue
        try:
            with open(os.path.join(point, "cgroup.controllers")) as f:
                have = set(f.read().split())
        except OSError:
            continue
        if not {"memory", "pids"} <= have:
            continue
        _write(os.path.join(point, "cgroup.subtree_control"), "+memory +pids")
        base = os.path.join(point, PARENT)
        os.makedirs(base, exist_ok=True)
        _write(os.path.join(base, "cgroup.subtree_control"), "+memory +pids")
        return base
    raise OSError("no cgroup v2 hierarchy with the memory and pids controllers")


def detect() -> Support:
    if os.geteuid() != 0:
        return Support(None, why="not root, and no delegated cgroup is used")
    mounts = _mounts()
    if not mounts:
        return Support(None, why="no cgroup filesystem is mounted")
    errors = []
    try:
        return Support(2, _v2_base(mounts))
    except OSError as exc:
        errors.append(f"v2: {exc}")
    try:
        own = _own()
        return Support(1, _v1_base(mounts, own, "memory"), _v1_base(mounts, own, "pids"))
    except OSError as exc:
        errors.append(f"v1: {exc}")
    return Support(None, why="; ".join(errors))


def support() -> Support:
    """Detected once per process (a failed probe is not retried); stale cgroups of earlier
    runs are swept then."""
    global _SUPPORT
    with _LOCK:
        if _SUPPORT is None:
            _SUPPORT = detect()
            sweep(_SUPPORT)
        return _SUPPORT


def sweep(sup: Support, older_than_s: float = 60.0) -> int:
    """Remove empty per-run cgroups left behind (firejail exits up to 2 s after a run, and a
    short-lived ``council run`` does not wait for that). A cgroup with processes in it cannot
    be removed, so a live sandbox's never is."""
    removed = 0
    now = time.time()
    for base in {sup.memory_base, sup.pids_base} - {""}:
        try:
            entries = list(os.scandir(base))
        except OSError:
            continue
        for e in entries:
            if not e.name.startswith("run-"):
                continue
            try:
                if now - e.stat().st_mtime > older_than_s:
                    os.rmdir(e.path)
                    removed += 1
            except OSError:
                pass
    return removed


@dataclass
class RunCgroup:
    """The cgroup(s) of one sandbox: made before firejail starts, removed after it is gone."""

    version: int
    dirs: list[str] = field(default_factory=list)  # v1: [memory, pids]; v2: [one]

    @classmethod
    def create(cls, sup: Support, memory_mb: int, max_processes: int) -> RunCgroup:
        name = "run-" + uuid.uuid4().hex[:12]
        mem = memory_mb * 1024 * 1024
        if sup.version == 2:
            d = os.path.join(sup.memory_base, name)
            os.mkdir(d)
            cg = cls(2, [d])
            try:
                _write(os.path.join(d, "memory.max"), str(mem))
                if os.path.exists(os.path.join(d, "memory.swap.max")):
                    _write(os.path.join(d, "memory.swap.max"), "0")
                _write(os.path.join(d, "pids.max"), str(max_processes))
            except OSError:
                cg.remove()
                raise
            return cg
        m, p = os.path.join(sup.memory_base, name), os.path.join(sup.pids_base, name)
        os.mkdir(m)
        cg = cls(1, [m])
        try:
            os.mkdir(p)
            cg.dirs.append(p)
            _write(os.path.join(m, "memory.limit_in_bytes"), str(mem))
            sw = os.path.join(m, "memory.memsw.limit_in_bytes")
            if os.path.exists(sw):
                _write(sw, str(mem))
            _write(os.path.join(p, "pids.max"), str(max_processes))
        except OSError:
            cg.remove()
            raise
        return cg

    @property
    def procs_files(self) -> list[str]:
        return [os.path.join(d, "cgroup.procs") for d in self.dirs]

    def wrap(self, argv: list[str]) -> list[str]:
        """argv started inside this cgroup: sh joins it, then execs argv (same pid)."""
        script = (
            'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
        )
        return ["/bin/sh", "-c", script, "sh", *self.procs_files, "--", *argv]

    def _read(self, name: str, key: str) -> int:
        for d in self.dirs:
            try:
                with open(os.path.join(d, name)) as f:
                    for line in f:
                        k, _, v = line.partition(" ")
                        if k == key:
                            return int(v)
            except (OSError, ValueError):
                continue
        return 0

    def oom_kills(self) -> int:
        """Processes the kernel killed because the run hit its memory limit."""
        if self.version == 2:
            return self._read("memory.events", "oom_kill")
        return self._read("memory.oom_control", "oom_kill")

    def pids_refused(self) -> int:
        """Forks refused because the run hit its process limit."""
        return self._read("pids.events", "max")

    def pids(self) -> list[int]:
        out: set[int] = set()
        for f in self.procs_files:
            try:
                with open(f) as fh:
                    out.update(int(x) for x in fh.read().split())
            except (OSError, ValueError):
                pass
        return sorted(out)

    def kill(self) -> None:
        """SIGKILL every process in the cgroup (none can leave it)."""
        if self.version == 2:
            try:
                _write(os.path.join(self.dirs[0], "cgroup.kill"), "1")
                return
            except OSError:
                pass
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def remove(self) -> bool:
        """rmdir the cgroup(s); False while processes remain."""
        ok = True
        for d in list(self.dirs):
            try:
                os.rmdir(d)
                self.dirs.remove(d)
            except FileNotFoundError:
                self.dirs.remove(d)
            except OSError:
                ok = False
        return ok
