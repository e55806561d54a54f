"""Pre-started sandboxes waiting for code, so a run does not pay firejail's start-up.

Each pooled sandbox was started for one policy (workspace, grants, limits) and is handed only to
a run with an equal policy, used once, then gone: no run ever sees another run's view. After a
take the pool starts a replacement in a background thread. Only the few most recently used
policies are kept warm, and a sandbox that waited too long is discarded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from council_core.base.logs import get_logger

from .cgroups import RunCgroup
from .policy import Policy

log = get_logger("sandbox.pool")
MAX_POLICIES = 4
MAX_AGE_S = 300.0


@dataclass
class Started:
    proc: subprocess.Popen[bytes]
    started_at: float
    cgroup: RunCgroup | None = None  # the run's own cgroup, where this machine has them
    backstop_s: float = 0.0  # firejail's --timeout: the sandbox dies by then whatever happens

    def sandbox_init(self) -> int | None:
        """firejail's child: pid 1 of the sandbox's pid namespace. When it is gone, so is every
        process of the sandbox (the kernel kills and reaps them before it can exit)."""
        kids = _children(self.proc.pid)
        return kids[0] if kids else None


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


PF_EXITING = 0x4


def alive(pid: int) -> bool:
    """True unless the process is gone, a zombie, or exiting (PF_EXITING: it will never run
    its own code again; only the kernel's teardown of it is left)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    fields = stat[stat.rfind(b")") + 2 :].split()
    try:
        return fields[0] not in (b"Z", b"X") and not int(fields[6]) & PF_EXITING
    except (IndexError, ValueError):
        return False


def kill_sandbox(s: Started, wait_s: float = 5.0) -> bool:
    """Kill the whole sandbox: firejail, pid 1 of its namespace (the kernel then kills every
    process inside, however it detached) and anything in its cgroup. Returns True once none
    of them runs any more; firejail itself is reaped by the caller."""
    init = s.sandbox_init()
    targets = [p for p in (init, s.proc.pid) if p is not None]
    for pid in targets:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if s.cgroup is not None:
        s.cgroup.kill()
    try:
        s.proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:  # pragma: no cover
        log.error("sandbox %s did not die", s.proc.pid)
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        if not (init is not None and alive(init)) and not (s.cgroup and s.cgroup.pids()):
            return True
        time.sleep(0.002)
    return False  # pragma: no cover


def release(s: Started) -> None:
    """After the sandbox is gone: close our pipe ends and remove its cgroup."""
    for f in (s.proc.stdin, s.proc.stdout, s.proc.stderr):
        if f is not None:
            try:
                f.close()
            except OSError:
                pass
    if s.cgroup is not None:
        end = time.monotonic() + 5
        while not s.cgroup.remove() and time.monotonic() < end:
            s.cgroup.kill()
            time.sleep(0.01)


class SandboxPool:
    def __init__(self, size: int, starter: Callable[[Policy], Started]) -> None:
        self.size = size
        self._start = starter
        self._lock = threading.Lock()
        self._ready: OrderedDict[Policy, deque[Started]] = OrderedDict()
        self._filling: set[Policy] = set()
        self._closed = False

    def take(self, policy: Policy, run_s: float | None = None) -> Started | None:
        """A ready sandbox for exactly this policy, or None. The caller refills (``fill``)
        after its run, so the replacement's start-up does not compete with the run. A pooled
        sandbox dies at its backstop (MAX_AGE_S + the policy's time limit + a margin): a run
        allowed longer than the policy's limit starts its own."""
        if self.size <= 0 or (run_s is not None and run_s > policy.limits.timeout_s):
            return None
        got = None
        stale: list[Started] = []
        with self._lock:
            queue = self._ready.get(policy)
            now = time.monotonic()
            while queue:
                s = queue.popleft()
                if s.proc.poll() is None and now - s.started_at < MAX_AGE_S:
                    got = s
                    break
                stale.append(s)
        for s in stale:
            _discard(s)
        return got

    def fill(self, policy: Policy) -> None:
        """Start sandboxes for this policy in the background until `size` wait."""
        if self.size <= 0 or self._closed:
            return
        with self._lock:
            self._ready.setdefault(policy, deque())
            self._ready.move_to_end(policy)
            evicted: list[Started] = []
            while len(self._ready) > MAX_POLICIES:
                _, old = self._ready.popitem(last=False)
                evicted.extend(old)
            start = policy not in self._filling
            self._filling.add(policy)
        for s in evicted:
            _discard(s)
        if start:
            threading.Thread(target=self._fill, args=(policy,), daemon=True).start()

    def _fill(self, policy: Policy) -> None:
        try:
            while not self._closed:
                with self._lock:
                    queue = self._ready.get(policy)
                    if queue is None or len(queue) >= self.size:
                        return
                try:
                    started = self._start(policy)
                except Exception as exc:  # the next run starts its own and reports the error
                    log.warning("pre-starting a sandbox failed: %s", exc)
                    return
                with self._lock:
                    queue = self._ready.get(policy)
                    if queue is None or self._closed:
                        _discard(started)
                        return
                    queue.append(started)
        finally:
            with self._lock:
                self._filling.discard(policy)

    def waiting(self, policy: Policy | None = None) -> int:
        with self._lock:
            if policy is not None:
                return len(self._ready.get(policy, ()))
            return sum(len(q) for q in self._ready.values())

    def wait_ready(self, policy: Policy, timeout: float = 5.0) -> bool:
        """Block until the pool holds `size` sandboxes for `policy` (benchmarks, tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.waiting(policy) >= self.size:
                return True
            time.sleep(0.005)
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            items = [s for q in self._ready.values() for s in q]
            self._ready.clear()
        for s in items:
            _discard(s)


def _discard(s: Started) -> None:
    """End a waiting sandbox: EOF on its stdin makes the bootstrap kill its runner and exit,
    and pid 1 of the sandbox is killed now; firejail then cleans up and exits on its own
    (reaped in the background, so closing a pool does not wait for it)."""
    if s.proc.stdin is not None:
        try:
            s.proc.stdin.close()
        except OSError:
            pass
    init = s.sandbox_init()
    if init is not None:
        try:
            os.kill(init, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def reap() -> None:
        try:
            s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            kill_sandbox(s)
        release(s)

    threading.Thread(target=reap, daemon=True).start()
