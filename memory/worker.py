"""Embeds new turns in the background, off the answer's path.

When the model is not loaded yet, the worker waits until no turn has been added for
``delay_s`` before loading it, so a short ``council ask`` process records its turn and exits
without paying for torch; its turn stays pending and the next search (by any process) embeds it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from council_core.base.logs import get_logger

log = get_logger("memory.worker")


class EmbedWorker(threading.Thread):
    def __init__(
        self,
        work: Callable[[], object],
        model_loaded: Callable[[], bool],
        delay_s: float = 2.0,
        coalesce_s: float = 0.05,
    ) -> None:
        super().__init__(name="council-memory-embed", daemon=True)
        self._work = work
        self._model_loaded = model_loaded
        self.delay_s = delay_s
        self.coalesce_s = coalesce_s
        self._wake = threading.Event()
        self._halt = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._last_kick = time.monotonic()
        self.errors = 0

    def kick(self) -> None:
        self._last_kick = time.monotonic()
        self._idle.clear()
        self._wake.set()

    def run(self) -> None:
        while not self._halt.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._halt.is_set():
                break
            # Let turns that arrive together (an import, a batch run) embed as one batch.
            self._halt.wait(self.coalesce_s)
            if not self._model_loaded():
                while not self._halt.is_set() and time.monotonic() - self._last_kick < self.delay_s:
                    self._halt.wait(0.05)
                if self._halt.is_set():
                    break
            try:
                self._work()
            except Exception as exc:  # a full disk must not kill the worker; retried on kick
                self.errors += 1
                log.warning("background embedding failed: %s", exc)
            if not self._wake.is_set():
                self._idle.set()
        self._idle.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything kicked so far has been embedded (tests, shutdown)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        self._halt.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)
