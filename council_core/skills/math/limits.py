"""Time limits for SymPy work: run it on a daemon thread; when the limit passes, stop that
thread by raising an exception inside it (it is pure-Python SymPy code, which checks for
such exceptions between bytecodes) and report a timeout. Sizes are checked before computing,
so no single C-level big-number operation can run for long.
"""

from __future__ import annotations

import asyncio
import ctypes
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from council_core.base.errors import SkillTimeout

T = TypeVar("T")


class _Stop(BaseException):
    """Raised inside a worker thread that ran past its limit."""


class _Guard:
    """Interrupt the worker only while it still runs ``fn``: an exception injected after it
    finished would surface outside its ``try`` (in thread teardown, a GC callback...)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.finished = False

    def finish(self) -> None:  # called by the worker, inside its try, right after fn()
        with self.lock:
            self.finished = True

    def interrupt(self, thread: threading.Thread) -> None:
        with self.lock:
            if self.finished or thread.ident is None:
                return
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop)
            )


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
            out = fn()
            guard.finish()
        except _Stop:
            return
        except BaseException as exc:
            guard.finish()
            try:
                loop.call_soon_threadsafe(settle, False, exc)
            except RuntimeError:  # the loop closed meanwhile
                pass
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
            box["out"] = fn()
            guard.finish()
        except _Stop:
            return
        except BaseException as exc:
            guard.finish()
            box["exc"] = exc

    thread = threading.Thread(target=work, name="council-math", daemon=True)
    thread.start()
    thread.join(limit_s)
    if thread.is_alive():
        guard.interrupt(thread)
        raise timeout_error(limit_s)
    if "exc" in box:
        raise box["exc"]
    return box["out"]  # type: ignore[no-any-return]
