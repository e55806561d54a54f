"""The context handed to skills and hooks (qutebrowser's ``InitContext``): settings, paths,
the approval channel, and lazily built services (memory, documents, LLM, sandbox, Prolog,
cloud). A service is built on first use, so a math question never loads a model.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from council_core.base.errors import BackendUnavailable, ComponentMissing, CouncilError
from council_core.base.paths import Paths, resolve_paths

from .approval import ApprovalChannel
from .settings import Settings, load_settings

if TYPE_CHECKING:  # the real classes, for mypy; importing them here would load them all
    from memory.store import MemoryStore
    from sandbox.executor import SafeExecutor

    from .cloud.service import CloudService
    from .knowledge.documents import DocumentStore
    from .llm.manager import LLMManager

log = logging.getLogger("council." + __name__)

# name -> "module:function"; the function takes the SkillContext and returns the service.
SERVICES: dict[str, str] = {
    "memory": "memory.service:build",  # conversation memory (MemoryStore)
    "documents": "council_core.knowledge.documents:build",  # the knowledge base (DocumentStore)
    "llm": "council_core.llm.manager:build",  # LLMManager: the configured backends
    "sandbox": "sandbox.service:build",  # SafeExecutor
    "prolog": "council_core.skills.logic.engine:build",  # PrologEngine (one thread)
    "cloud": "council_core.cloud.service:build",  # CloudService: ledger, keys, providers
    "files": "council_core.skills.files.service:build",  # FileActions: grants, journal, undo
    "mcp": "council_core.mcp.client:build",  # McpHub: the user's MCP servers and their tools
}


class SkillContext:
    def __init__(
        self,
        settings: Settings | None = None,
        paths: Paths | None = None,
        approval: ApprovalChannel | None = None,
        factories: dict[str, Callable[[SkillContext], Any]] | None = None,
    ) -> None:
        self.paths = (paths or resolve_paths()).ensure()
        self.settings = settings or load_settings(self.paths)
        self.approval = approval or ApprovalChannel()
        self._factories: dict[str, Callable[[SkillContext], Any]] = dict(factories or {})
        self._services: dict[str, Any] = {}
        self._failures: dict[str, CouncilError] = {}

    def provide(self, name: str, obj: Any) -> None:
        """Install a ready service (tests hand in real objects built on tmp_path)."""
        self._services[name] = obj

    def has_service(self, name: str) -> bool:
        return name in self._services

    def service(self, name: str) -> Any:
        if name in self._services:
            return self._services[name]
        if name in self._failures:
            raise self._failures[name]
        try:
            factory = self._factories.get(name) or _import_factory(name)
            obj = factory(self)
        except CouncilError as exc:
            self._failures[name] = exc
            raise
        except ImportError as exc:
            err = ComponentMissing(
                f"the {name} component cannot be imported: {exc}",
                fix="run installer/install.sh (it installs every optional part)",
            )
            self._failures[name] = err
            raise err from exc
        self._services[name] = obj
        return obj

    def forget_failure(self, name: str) -> None:
        """Let the next use retry building a service that failed (e.g. after a fix)."""
        self._failures.pop(name, None)

    # Typed shortcuts: strict mypy checks every skill -> service call against the real class.
    @property
    def memory(self) -> MemoryStore:
        return cast("MemoryStore", self.service("memory"))

    @property
    def documents(self) -> DocumentStore:
        return cast("DocumentStore", self.service("documents"))

    @property
    def llm(self) -> LLMManager:
        return cast("LLMManager", self.service("llm"))

    @property
    def sandbox(self) -> SafeExecutor:
        return cast("SafeExecutor", self.service("sandbox"))

    @property
    def cloud(self) -> CloudService:
        return cast("CloudService", self.service("cloud"))

    async def aclose(self) -> None:
        for name, obj in list(self._services.items()):
            closer = getattr(obj, "aclose", None) or getattr(obj, "close", None)
            if closer is None:
                continue
            try:
                res = closer()
                if inspect.isawaitable(res):
                    await asyncio.wait_for(res, 10)
            except Exception as exc:  # closing must not hide the real result
                log.warning("closing service %s failed: %s", name, exc)
        self._services.clear()


def _import_factory(name: str) -> Callable[[SkillContext], Any]:
    target = SERVICES.get(name)
    if target is None:
        raise BackendUnavailable(f"no service named {name!r}")
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
