"""The one QObject between Qt and the core.

It runs the core's coroutines on the qasync loop and reports through signals, so widgets never
await and tests need only ``qtbot.waitSignal``. Blocking core calls (SQLite, ingestion) run in
worker threads via ``asyncio.to_thread``; their callbacks come back as queued signals.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from council_core.approval import ApprovalRequest, Choice, Decision
from council_core.base.errors import CouncilError
from council_core.base.logs import get_logger
from council_core.base.result import Chunk, Done, Progress, Retract
from council_core.settings import Settings, save_settings

log = get_logger("app.bridge")

CouncilFactory = Callable[[], Any]  # returns a council_core.router.Council


def _default_factory() -> Any:
    from council_core.router import Council

    return Council()


MODEL_LOAD_WAIT_S = 600.0  # a slow disk and a busy CPU: loading is shown as loading meanwhile


def describe_model_state(st: dict[str, Any]) -> str:
    name = str(st.get("name") or "the model")
    if st.get("loading"):
        return f"loading {name}…"
    if st.get("loaded"):
        return f"ready · {name}"
    if st.get("down"):
        return f"{name} unavailable: {st['down']}"
    if st.get("paid"):
        return f"ready · cloud model {name} (asks first)"
    return f"ready · {name} loads on the next question"


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, CouncilError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class CouncilBridge(QObject):
    # Answers: (ask id, ...)
    answer_chunk = Signal(int, str)
    answer_retracted = Signal(int, str)
    answer_done = Signal(int, object)  # CouncilResult
    answer_cancelled = Signal(int)
    progress = Signal(int, object)  # council_core.base.result.Progress
    failed = Signal(int, str)  # ask id (0: not an answer), message
    approval_needed = Signal(int, object)  # request id, ApprovalRequest
    # Knowledge ingestion (ingest id, ...)
    ingest_progress = Signal(int, int, int, str)  # id, done, total (0 = unknown), message
    ingest_done = Signal(int, object)  # IngestReport
    # Background state
    ready = Signal()  # the Council exists
    status_changed = Signal(str)
    settings_changed = Signal(object)  # Settings
    call_done = Signal(int, object)  # generic off-thread call id, result
    call_failed = Signal(int, str)

    def __init__(self, factory: CouncilFactory | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._factory = factory or _default_factory
        self.council: Any = None
        self._ids = itertools.count(1)
        self._asks: dict[int, asyncio.Task[None]] = {}
        self._approvals: dict[int, asyncio.Future[Decision]] = {}
        self._ingests: dict[int, threading.Event] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._status = "starting"
        self.model_load_s: float | None = None
        self._warming = False
        # perf_counter() at each chunk's arrival (benchmarks read it)
        self.chunk_arrivals: list[float] = []

    # ----- life cycle -----

    @property
    def ctx(self) -> Any:
        if self.council is None:
            raise RuntimeError("the council is not started yet")
        return self.council.ctx

    @property
    def status(self) -> str:
        return self._status

    def _set_status(self, text: str) -> None:
        self._status = text
        self.status_changed.emit(text)

    @Slot()
    def start(self, warm: bool = True) -> None:
        """Create the Council (after the tray shows) and load models in the background."""
        if self.council is not None:
            return
        try:
            self.council = self._factory()
        except Exception as exc:
            log.exception("cannot create the council")
            self._set_status("error: " + describe_error(exc))
            self.failed.emit(0, "Council could not start: " + describe_error(exc))
            return
        self.council.ctx.approval.approver = self._approve
        self._warming = warm
        self.ready.emit()
        if warm:
            self._spawn(self._warm())
        else:
            self._set_status("ready")

    async def _warm(self) -> None:
        """Warm the skills, then load the local model; the status says "loading <model>"
        until the model is really loaded."""
        try:
            await self._warm_steps()
        finally:
            self._warming = False
        self.refresh_model_status()

    async def _warm_steps(self) -> None:
        self._set_status("starting skills…")
        await self.council.warm()
        llm = self._llm()
        if llm is None:
            self._set_status("ready")
            return
        st = llm.status()
        if st.get("paid"):  # a cloud model is only called with approval: nothing to load
            return
        self._set_status(f"loading {st.get('name') or 'the model'}…")
        t0 = time.perf_counter()
        try:
            await llm.backend("general", wait_s=MODEL_LOAD_WAIT_S)
        except CouncilError as exc:
            log.warning("loading the model failed: %s", exc)
        self.model_load_s = time.perf_counter() - t0

    def _llm(self) -> Any:
        try:
            llm = self.council.ctx.llm
        except Exception as exc:  # no LLM component: the other skills still work
            log.info("no language model: %s", exc)
            return None
        return llm if hasattr(llm, "status") else None

    def model_state(self) -> dict[str, Any]:
        """The language model as the user should see it: its name, never a file path."""
        llm = self._llm() if self.council is not None else None
        if llm is None:
            return {}
        try:
            return dict(llm.status())
        except Exception as exc:
            log.debug("model status: %s", exc)
            return {}

    def refresh_model_status(self) -> None:
        """Re-read the model's state (it loads, fails, or unloads when idle) into the status."""
        if self.council is None or self._warming:
            return  # while warming, _warm says what is happening
        st = self.model_state()
        text = describe_model_state(st) if st else "ready"
        if text != self._status:
            self._set_status(text)

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_finished)
        return task

    def _task_finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("background task failed: %s", exc)
            self.failed.emit(0, describe_error(exc))  # type: ignore[arg-type]

    async def aclose(self) -> None:
        for ev in self._ingests.values():
            ev.set()
        for task in list(self._asks.values()) + list(self._tasks):
            task.cancel()
        for fut in self._approvals.values():
            if not fut.done():
                fut.set_result(Decision(Choice.DECLINE, reason="app closing"))
        if self.council is not None:
            await self.council.aclose()
            self.council = None

    # ----- answers -----

    def ask(self, prompt: str, session: str | None = None, **options: Any) -> int:
        """Start answering; returns the id that the answer signals carry."""
        ask_id = next(self._ids)
        task = asyncio.ensure_future(self._ask(ask_id, prompt, session, options))
        self._asks[ask_id] = task
        task.add_done_callback(lambda t: self._ask_finished(ask_id, t))
        return ask_id

    def _ask_finished(self, ask_id: int, task: asyncio.Task[None]) -> None:
        self._asks.pop(ask_id, None)
        if task.cancelled():  # also when it was stopped before it even started
            self.answer_cancelled.emit(ask_id)

    async def _ask(self, ask_id: int, prompt: str, session: str | None, options: Any) -> None:
        if self.council is None:
            self.failed.emit(ask_id, "Council is still starting; try again in a moment")
            return
        try:
            async for ev in self.council.stream(prompt, session, **options):
                if isinstance(ev, Chunk):
                    self.chunk_arrivals.append(time.perf_counter())
                    self.answer_chunk.emit(ask_id, ev.text)
                elif isinstance(ev, Retract):
                    self.answer_retracted.emit(ask_id, ev.skill)
                elif isinstance(ev, Progress):
                    self.progress.emit(ask_id, ev)
                elif isinstance(ev, Done):
                    self.answer_done.emit(ask_id, ev.result)
        except Exception as exc:  # the router reports errors in the result; this is a bug
            log.exception("answering failed")
            self.failed.emit(ask_id, describe_error(exc))

    @Slot(int)
    def stop(self, ask_id: int) -> None:
        task = self._asks.get(ask_id)
        if task is not None and not task.done():
            task.cancel()

    def busy(self) -> bool:
        return any(not t.done() for t in self._asks.values())

    # ----- approvals -----

    async def _approve(self, req: ApprovalRequest) -> Decision:
        req_id = next(self._ids)
        fut: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._approvals[req_id] = fut
        self.approval_needed.emit(req_id, req)
        try:
            return await fut
        finally:
            self._approvals.pop(req_id, None)

    def resolve_approval(self, req_id: int, decision: Decision) -> None:
        fut = self._approvals.get(req_id)
        if fut is not None and not fut.done():
            fut.set_result(decision)

    def pending_approvals(self) -> list[int]:
        return list(self._approvals)

    # ----- knowledge -----

    def ingest(self, paths: list[str]) -> int:
        """Ingest files/folders off the GUI thread; progress and the report come as signals."""
        ingest_id = next(self._ids)
        cancel = threading.Event()
        self._ingests[ingest_id] = cancel
        self._spawn(self._ingest(ingest_id, [str(Path(p)) for p in paths], cancel))
        return ingest_id

    def cancel_ingest(self, ingest_id: int) -> None:
        ev = self._ingests.get(ingest_id)
        if ev is not None:
            ev.set()

    async def _ingest(self, ingest_id: int, paths: list[str], cancel: threading.Event) -> None:
        last = [0.0]

        def on_progress(*args: Any, **kwargs: Any) -> None:
            # Runs in the worker thread: throttle, then hand over through a queued signal.
            done, total, message = _progress_fields(args, kwargs)
            now = time.monotonic()
            if now - last[0] < 0.05 and (total == 0 or done < total):
                return
            last[0] = now
            self.ingest_progress.emit(ingest_id, done, total, message)

        def work() -> Any:
            docs = self.ctx.documents  # building the store loads the embedder: off-thread too
            return docs.ingest(paths, on_progress=on_progress, cancel=cancel)

        try:
            self.ingest_progress.emit(ingest_id, 0, 0, "starting…")
            report = await asyncio.to_thread(work)
            self.ingest_done.emit(ingest_id, report)
        except Exception as exc:
            log.warning("ingest failed: %s", exc)
            self.failed.emit(ingest_id, "Adding files failed: " + describe_error(exc))
        finally:
            self._ingests.pop(ingest_id, None)

    # ----- services called off the GUI thread -----

    def call(self, fn: Callable[[Any], Any]) -> int:
        """Run ``fn(ctx)`` in a worker thread (awaiting it if it returns a coroutine);
        ``call_done``/``call_failed`` carry the outcome."""
        call_id = next(self._ids)
        self._spawn(self._call(call_id, fn))
        return call_id

    async def _call(self, call_id: int, fn: Callable[[Any], Any]) -> None:
        try:
            res = await asyncio.to_thread(fn, self.ctx)
            if inspect.isawaitable(res):
                res = await res
            self.call_done.emit(call_id, res)
        except Exception as exc:
            self.call_failed.emit(call_id, describe_error(exc))

    def undo(self, plan_id: int | None = None) -> int:
        """Reverse a file plan (the last one when ``plan_id`` is None); ``call_done`` carries
        ``(plan id, operations reversed, problems)``."""

        def work(ctx: Any) -> tuple[int, int, list[str]]:
            svc = ctx.service("files")
            if plan_id is None:
                pid, restored, problems = svc.undo_last()
                return int(pid), int(restored), list(problems)
            restored, problems = svc.executor.undo(plan_id)
            return plan_id, int(restored), list(problems)

        return self.call(work)

    def feedback(self, turn_id: int | None, rating: str, correction: str | None = None) -> int:
        """Thumbs up/down or a correction for one answer (conversation memory)."""
        if turn_id is None:
            call_id = next(self._ids)
            self.call_failed.emit(call_id, "this answer was not stored, so it cannot be rated")
            return call_id
        return self.call(lambda ctx: ctx.memory.record_feedback(turn_id, rating, correction))

    # ----- settings -----

    def apply_settings(self, new: Settings) -> None:
        """Save and apply without a restart (skills read ``ctx.settings`` on every use)."""
        save_settings(new, self.ctx.paths)
        self.ctx.settings = new
        self.settings_changed.emit(new)

    def set_cloud_paused(self, paused: bool) -> None:
        s = self.ctx.settings
        new = s.model_copy(update={"cloud": s.cloud.model_copy(update={"paused": paused})})
        self.apply_settings(new)


def _progress_fields(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[int, int, str]:
    """Accept ``cb(Progress)``, ``cb(done, total, message)`` or keyword forms."""
    if len(args) == 1 and not kwargs and hasattr(args[0], "done"):
        p = args[0]
        msg = getattr(p, "message", "") or getattr(p, "path", "") or getattr(p, "stage", "")
        return int(p.done or 0), int(getattr(p, "total", 0) or 0), str(msg)
    vals = list(args)
    done = int(kwargs.get("done", vals[0] if len(vals) > 0 else 0) or 0)
    total = int(kwargs.get("total", vals[1] if len(vals) > 1 else 0) or 0)
    message = kwargs.get("message", kwargs.get("path", vals[2] if len(vals) > 2 else ""))
    return done, total, str(message or "")
