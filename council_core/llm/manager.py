"""The LLM manager: the ``llm`` service. Picks the configured backend, loads it lazily, watches
its health, unloads it when idle.

``await manager.backend(purpose)`` returns a ready backend or raises ``BackendUnavailable``
("local model unavailable: <reason>") with a fix. A missing model file, a missing library, an
unreachable endpoint, or a backend that failed recently answers within a second: after a
failure the manager waits before trying again (exponential backoff, 1 s doubling to 60 s), and
until then every request gets the last reason at once instead of hanging. A load in progress
is waited for up to ``wait_s`` (default ``LOAD_WAIT_S``); pass a small ``wait_s`` to fail fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from council_core.base import metrics
from council_core.base.errors import BackendUnavailable, CouncilError, NeedsKey
from council_core.base.logs import get_logger

from .base import LLMBackend

if TYPE_CHECKING:
    from council_core.context import SkillContext
    from council_core.settings import LLMSettings

log = get_logger("llm.manager")

Purpose = Literal["general", "code", "knowledge"]

LOAD_WAIT_S = 60.0
HEALTH_TIMEOUT_S = 1.0
HEALTH_TTL_S = 30.0  # a remote backend found healthy is not re-checked for this long
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 60.0


@dataclass
class _Down:
    reason: str
    fix: str | None
    retry_at: float
    delay: float


class LLMManager:
    """`factory`: builds the backend instead of the settings (embedding applications, tests
    with a backend of their own); it may return an unloaded backend with a ``load()``."""

    def __init__(
        self, ctx: SkillContext, factory: Callable[[LLMSettings], LLMBackend] | None = None
    ) -> None:
        self.ctx = ctx
        self._factory = factory
        self._backend: LLMBackend | None = None
        self._load_task: asyncio.Future[LLMBackend] | None = None
        self._load_started = 0.0
        self._down: _Down | None = None
        self._healthy_at = 0.0
        self._idle_task: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @property
    def settings(self) -> LLMSettings:
        return self.ctx.settings.llm

    # ----- the public API -----

    async def backend(
        self, purpose: Purpose = "general", wait_s: float | None = None
    ) -> LLMBackend:
        """A loaded, healthy backend for `purpose`, or BackendUnavailable (with a fix)."""
        now = time.monotonic()
        if self._down is not None and now < self._down.retry_at:
            raise self._unavailable(self._down.reason, self._down.fix)
        backend = self._backend
        if backend is not None and _is_ready(backend):
            await self._check_health(backend)
            self._touch()
            return backend
        wait = LOAD_WAIT_S if wait_s is None else wait_s
        task = self._ensure_load()
        try:
            backend = await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            raise self._unavailable(
                f"the model is still loading ({time.monotonic() - self._load_started:.1f} s so "
                "far)",
                "try again in a few seconds",
            ) from None
        except CouncilError as exc:
            raise self._unavailable(exc.message, exc.fix) from exc
        await self._check_health(backend)
        self._touch()
        return backend

    def is_paid(self, backend: LLMBackend | None = None) -> bool:
        b = backend or self._backend
        if b is not None:
            return bool(b.is_paid)
        if self.settings.backend == "openai":
            ep = self._endpoint()
            from .net import is_loopback_url

            return ep is not None and not is_loopback_url(ep.base_url)
        return False

    def status(self) -> dict[str, Any]:
        b = self._backend
        return {
            "backend": self.settings.backend,
            "model": b.model_name if b is not None else self.describe_model(),
            "name": b.model_name if b is not None else self.display_name(),
            "loaded": b is not None and _is_ready(b),
            "loading": self._load_task is not None and not self._load_task.done(),
            "down": self._down.reason if self._down else None,
            "paid": self.is_paid(),
        }

    def describe_model(self) -> str:
        s = self.settings
        if s.backend == "llamacpp":
            return str(self.model_file())
        if s.backend == "openai":
            ep = self._endpoint()
            return f"{ep.name}:{ep.model}" if ep else "(no endpoint)"
        return s.exllama_model_dir or "(no model dir)"

    def display_name(self) -> str:
        """The model's name for people (a file name without its folder, never a path)."""
        s = self.settings
        if s.backend == "llamacpp":
            return self.model_file().stem
        if s.backend == "openai":
            ep = self._endpoint()
            return ep.model if ep else "(no endpoint)"
        return Path(s.exllama_model_dir).name or "(no model dir)"

    def model_file(self) -> Path:
        s = self.settings
        if s.model_path:
            return Path(s.model_path).expanduser()
        from . import models

        return models.model_path(models.tier(s.model_tier))

    async def unload(self) -> None:
        backend, self._backend = self._backend, None
        self._load_task = None
        if backend is not None:
            metrics.MODEL_LOADED.labels(backend.name).set(0)
            await backend.aclose()
            log.info("unloaded %s", backend.model_name)

    async def aclose(self) -> None:
        if self._idle_task is not None:
            self._idle_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._idle_task
            self._idle_task = None
        if self._load_task is not None and not self._load_task.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._load_task), LOAD_WAIT_S)
        await self.unload()

    # ----- loading -----

    def _ensure_load(self) -> asyncio.Future[LLMBackend]:
        task = self._load_task
        loop = asyncio.get_running_loop()
        if task is not None and not task.done() and task.get_loop() is loop:
            return task
        self._load_started = time.monotonic()
        self._load_task = loop.create_task(self._load())
        return self._load_task

    async def _load(self) -> LLMBackend:
        try:
            backend = self._build()
            loader = getattr(backend, "load", None)
            if loader is not None:
                await asyncio.to_thread(loader)
        except CouncilError as exc:
            self._mark_down(exc.message, exc.fix)
            raise
        except Exception as exc:  # a library failure while building: report, back off
            log.exception("building the %s backend failed", self.settings.backend)
            self._mark_down(f"{type(exc).__name__}: {exc}", "run `council doctor`")
            raise BackendUnavailable(
                f"{type(exc).__name__}: {exc}", fix="run `council doctor`"
            ) from exc
        self._backend = backend
        self._down = None
        self._healthy_at = 0.0
        metrics.MODEL_LOADED.labels(backend.name).set(1)
        self._start_idle_watch()
        return backend

    def _build(self) -> LLMBackend:
        s = self.settings
        if self._factory is not None:
            return self._factory(s)
        if s.backend == "llamacpp":
            from .llamacpp import LlamaCppBackend

            path = self.model_file()
            if not path.is_file():
                fix = (
                    f"set llm.model_path to an existing GGUF file (now {path})"
                    if s.model_path
                    else f"run: council models install {s.model_tier}"
                )
                raise BackendUnavailable(f"model file {path} not found", fix=fix)
            return LlamaCppBackend(path, n_ctx=s.n_ctx, n_threads=s.n_threads)
        if s.backend == "openai":
            return self._build_openai()
        from .exllama import ExLlamaV2Backend

        return ExLlamaV2Backend(s.exllama_model_dir, n_ctx=s.n_ctx)

    def _endpoint(self) -> Any:
        s = self.settings
        if not s.endpoints:
            return None
        if s.openai_endpoint:
            return next((e for e in s.endpoints if e.name == s.openai_endpoint), None)
        return s.endpoints[0]

    def _build_openai(self) -> LLMBackend:
        ep = self._endpoint()
        if ep is None:
            raise BackendUnavailable(
                "no OpenAI-compatible endpoint is configured"
                + (
                    f" named {self.settings.openai_endpoint!r}"
                    if self.settings.openai_endpoint
                    else ""
                ),
                fix="add one under Settings > Models > Endpoints and set llm.openai_endpoint",
            )
        from .net import is_loopback_url
        from .openai_compat import OpenAIBackend

        api_key: str | None = None
        try:
            from council_core.base.secrets import get_key

            api_key = get_key(ep.name)
        except NeedsKey:
            if not is_loopback_url(ep.base_url):
                raise
        except ImportError:
            api_key = None
        backend: LLMBackend = OpenAIBackend(
            ep.name,
            ep.base_url,
            ep.model,
            api_key=api_key,
            timeout_s=ep.timeout_s,
            price_in_per_1k=ep.price_in_per_1k,
            price_out_per_1k=ep.price_out_per_1k,
        )
        return backend

    # ----- health, backoff, idle -----

    async def _check_health(self, backend: LLMBackend) -> None:
        if not backend.needs_network:
            return
        now = time.monotonic()
        if now - self._healthy_at < HEALTH_TTL_S:
            return
        try:
            h = await asyncio.wait_for(backend.health(), HEALTH_TIMEOUT_S)
        except TimeoutError:
            self._mark_down(
                f"{backend.model_name} did not answer a health check within {HEALTH_TIMEOUT_S:g} s",
                "check that the server is running and reachable",
            )
            raise self._unavailable(self._down.reason, self._down.fix) from None  # type: ignore[union-attr]
        except CouncilError as exc:
            self._mark_down(exc.message, exc.fix)
            raise self._unavailable(exc.message, exc.fix) from exc
        if not h.ok:
            self._mark_down(h.detail or "health check failed", h.fix)
            raise self._unavailable(h.detail or "health check failed", h.fix)
        self._healthy_at = now
        self._down = None

    def _mark_down(self, reason: str, fix: str | None) -> None:
        prev = self._down
        delay = BACKOFF_START_S if prev is None else min(prev.delay * 2, BACKOFF_MAX_S)
        self._down = _Down(reason, fix, time.monotonic() + delay, delay)
        log.warning("llm backend down: %s (retry in %.0f s)", reason, delay)

    def _unavailable(self, reason: str, fix: str | None) -> BackendUnavailable:
        prefix = "local model unavailable: " if not self.is_paid() else "model unavailable: "
        msg = (
            reason
            if reason.startswith(("local model unavailable", "model unavailable"))
            else (prefix + reason)
        )
        return BackendUnavailable(msg, fix=fix or "run `council doctor`")

    def _touch(self) -> None:
        b = self._backend
        if b is not None and hasattr(b, "last_used"):
            b.last_used = time.monotonic()

    def _start_idle_watch(self) -> None:
        idle = self.settings.idle_unload_s
        if idle <= 0:
            return
        loop = asyncio.get_running_loop()
        t = self._idle_task
        if t is not None and not t.done() and t.get_loop() is loop:
            return
        self._idle_task = loop.create_task(self._idle_watch())

    async def _idle_watch(self) -> None:
        while self._backend is not None:
            idle = self.settings.idle_unload_s
            if idle <= 0:
                return
            b = self._backend
            last = getattr(b, "last_used", time.monotonic())
            busy = bool(getattr(b, "busy", False))
            remaining = idle - (time.monotonic() - last)
            if remaining <= 0 and not busy:
                log.info("unloading %s after %.0f s idle", b.model_name, idle)
                await self.unload()
                return
            await asyncio.sleep(max(0.05, min(remaining if remaining > 0 else idle, 30.0)))


def _is_ready(backend: LLMBackend) -> bool:
    return bool(getattr(backend, "loaded", True))


def build(ctx: SkillContext) -> LLMManager:
    """The ``llm`` service factory (council_core.context.SERVICES)."""
    return LLMManager(ctx)
