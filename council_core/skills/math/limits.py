"""Time limits for SymPy work: run it on a daemon thread; when the limit passes, stop that
thread by raising an exception inside it (it is pure-Python SymPy code, which checks for
such exceptions between bytecodes) and report a timeout. Sizes are checked before computing,
so no single C-level big-number operation can run for long.
"""

from __future__ import annotations

import asyncio
import ctypes
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from council_core.base.errors import SkillTimeout

T = TypeVar("T")


class _Stop(BaseException):
    """Raised inside a worker thread that ran past its limit."""


class _Guard:
    """Interrupt the worker only while it still runs ``fn``: an exception injected after it
    finished would surface outside its ``try`` (in thread teardown, a GC callback...).

    An injected exception that lands inside a weakref or GC callback is swallowed by Python and
    the computation goes on (seen: a "stopped" simplify ran on for a minute), so the stop is
    re-sent every 50 ms until the worker says it has stopped."""

    RETRY_S = 0.05
    GIVE_UP_S = 30.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.finished = False

    def finish(self) -> None:  # called by the worker, inside its try, right after fn()
        with self.lock:
            self.finished = True

    def stopped(self) -> None:  # called by the worker once it caught the stop
        self.finished = True
        _after_stop()

    def _send(self, thread: threading.Thread) -> bool:
        with self.lock:
            if self.finished or thread.ident is None or not thread.is_alive():
                return False
            _quiet_unraisable()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop)
            )
            return True

    def interrupt(self, thread: threading.Thread) -> None:
        if not self._send(thread):
            return

        def resend() -> None:
            deadline = time.monotonic() + self.GIVE_UP_S
            while time.monotonic() < deadline:
                time.sleep(self.RETRY_S)
                if not self._send(thread):
                    return

        threading.Thread(target=resend, name="council-math-stop", daemon=True).start()


def _quiet_unraisable() -> None:
    """A stop that lands in a callback is reported as "unraisable" noise; it is our own
    control signal (re-sent until it lands), so drop just those reports."""
    current = sys.unraisablehook
    if getattr(current, "_council_quiet", False):
        return

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, _Stop):
            return
        current(unraisable)

    hook._council_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def _after_stop() -> None:
    """A stop can land inside SymPy's caches (a half-built cached object was seen as a later
    ``KeyError: 'zero'``): drop the caches so later work rebuilds what it needs."""
    try:
        if "sympy" in sys.modules:
            from sympy.core.cache import clear_cache

            clear_cache()
    except Exception:  # noqa: BLE001, S110 - best effort
        pass


def timeout_error(limit_s: float) -> SkillTimeout:
    return SkillTimeout(
        f"the calculation took longer than {limit_s:g} s and was stopped",
        fix="ask a smaller or simpler question (smaller exponents, lower degree, fewer terms)",
    )


async def run_limited(fn: Callable[[], T], limit_s: float) -> T:
    """Run ``fn`` on its own thread; raise ``SkillTimeout`` after ``limit_s`` seconds."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[Any] = loop.create_future()
    guard = _Guard()

    def settle(ok: bool, value: Any) -> None:
        if fut.done():
            return
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)

    def work() -> None:
        try:
            try:
                out = fn()
                guard.finish()
            except _Stop:
                guard.stopped()
                return
            except BaseException as exc:
                guard.finish()
                try:
                    loop.call_soon_threadsafe(settle, False, exc)
                except RuntimeError:  # the loop closed meanwhile
                    pass
                return
        except _Stop:  # a re-sent stop that landed in the handler above
            guard.stopped()
            return
        try:
            loop.call_soon_threadsafe(settle, True, out)
        except RuntimeError:
            pass

    thread = threading.Thread(target=work, name="council-math", daemon=True)
    thread.start()
    try:
        return await asyncio.wait_for(asyncio.shield(fut), limit_s)  # type: ignore[no-any-return]
    except TimeoutError:
        guard.interrupt(thread)
        raise timeout_error(limit_s) from None
    except asyncio.CancelledError:
        guard.interrupt(thread)
        raise


def run_limited_sync(fn: Callable[[], T], limit_s: float) -> T:
    """The same for synchronous callers (the judge)."""
    box: dict[str, Any] = {}
    guard = _Guard()

    def work() -> None:
        try:
            try:
                box["out"] = fn()
                guard.finish()
            except _Stop:
                guard.stopped()
            except BaseException as exc:
                guard.finish()
                box["exc"] = exc
        except _Stop:  # a re-sent stop that landed in the handler above
            guard.stopped()

    thread = threading.Thread(target=work, name="council-math", daemon=True)
    thread.start()
    thread.join(limit_s)
    if thread.is_alive():
        guard.interrupt(thread)
        raise timeout_error(limit_s)
    if "exc" in box:
        raise box["exc"]
    return box["out"]  # type: ignore[no-any-return]
