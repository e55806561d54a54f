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

from .policy import Policy

log = get_logger("sandbox.pool")
MAX_POLICIES = 4
MAX_AGE_S = 300.0


@dataclass
class Started:
    proc: subprocess.Popen[bytes]
    started_at: float


class SandboxPool:
    def __init__(self, size: int, starter: Callable[[Policy], Started]) -> None:
        self.size = size
        self._start = starter
        self._lock = threading.Lock()
        self._ready: OrderedDict[Policy, deque[Started]] = OrderedDict()
        self._filling: set[Policy] = set()
        self._closed = False

    def take(self, policy: Policy) -> Started | None:
        """A ready sandbox for exactly this policy, or None. The caller refills (``fill``)
        after its run, so the replacement's start-up does not compete with the run."""
        if self.size <= 0:
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
    try:
        os.kill(s.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        s.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        log.error("pooled sandbox %s did not die", s.proc.pid)
    for f in (s.proc.stdin, s.proc.stdout, s.proc.stderr):
        if f is not None:
            f.close()
