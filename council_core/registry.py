"""Every plugin registers through entry points, the same way a third party would.

One shape for every extension (llm's default plugins, napari_builtins):

- ``council.skills``: ``Skill`` subclasses (the router's cascade);
- ``council.backends``: ``LLMBackend`` subclasses;
- ``council.hooks``: ``CouncilHook`` subclasses (around the cascade; run in ``order``);
- ``council.doctor``: functions returning ``list[ComponentStatus]`` (``council doctor``);
- ``council.commands``: ``register(subparsers)`` functions (a ``council`` command group).

Council's own plugins are declared in pyproject.toml like anyone else's. When the installed
metadata predates a group (an editable install made before the group existed), the built-in
list below stands in for Council's part of it until the next ``pip install``. A plugin that
fails to load is reported (``council doctor``) and skipped; the rest keeps working.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

log = logging.getLogger("council." + __name__)

SKILLS_GROUP = "council.skills"
BACKENDS_GROUP = "council.backends"
HOOKS_GROUP = "council.hooks"
CHECKS_GROUP = "council.doctor"
COMMANDS_GROUP = "council.commands"

DIST = "council"
# Council's own entries of the newer groups, as in pyproject.toml (used only when the
# installed metadata lacks the group).
BUILTIN: dict[str, dict[str, str]] = {
    HOOKS_GROUP: {
        "memory": "council_core.hooks.memory_hook:MemoryHook",
        "cloud": "council_core.hooks.escalate:CloudEscalation",
        "request_log": "council_core.hooks.request_log:RequestLogHook",
    },
    CHECKS_GROUP: {
        "llm": "council_core.llm.doctor:checks",
        "sandbox": "sandbox.doctor:checks",
        "memory": "memory.doctor:checks",
        "cloud": "council_core.cloud.doctor:checks",
        "files": "council_core.skills.files.doctor:checks",
        "documents": "council_core.knowledge.doctor:checks",
    },
    COMMANDS_GROUP: {
        "core": "council_core.cli.core_cmds:register",  # ask, batch, chat, doctor, settings
        "memory": "council_core.cli.memory_cmds:register",  # memory ..., feedback ...
        "llm": "council_core.cli.llm_cmds:register",  # models ..., serve
        "docs": "council_core.cli.docs_cmds:register",  # ingest, docs ...
        "sandbox": "council_core.cli.sandbox_cmds:register",  # run
        "cloud": "council_core.cli.cloud_cmds:register",  # budget, key ...
        "files": "council_core.cli.files_cmds:register",  # undo, files ...
        "eval": "council_core.cli.eval_cmds:register",  # eval
        "logic": "council_core.cli.logic_cmds:register",  # facts list/forget
        "mcp": "council_core.cli.mcp_cmds:register",  # mcp (server) / mcp add|list|remove
    },
}


@dataclass
class Loaded:
    classes: dict[str, Any] = field(default_factory=dict)  # name -> the loaded object
    failures: dict[str, str] = field(default_factory=dict)  # name -> why it did not load


_cache: dict[str, Loaded] = {}


_installed: Any = None  # every installed entry point, read once per process (one metadata scan)


def _installed_group(group: str) -> list[Any]:
    global _installed
    if _installed is None:
        _installed = entry_points()
    return list(_installed.select(group=group))


def _entry_points(group: str) -> list[EntryPoint]:
    found = _installed_group(group)
    if group in BUILTIN and not any(ep.dist is not None and ep.dist.name == DIST for ep in found):
        builtin = [EntryPoint(name, value, group) for name, value in BUILTIN[group].items()]
        found = builtin + found
    return found


def _load(group: str, eps: Iterable[EntryPoint]) -> Loaded:
    loaded = Loaded()
    for ep in eps:
        if ep.name in loaded.classes or ep.name in loaded.failures:
            continue
        try:
            loaded.classes[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not take the council down
            loaded.failures[ep.name] = f"{type(exc).__name__}: {exc}"
            log.warning("cannot load %s plugin %s (%s): %s", group, ep.name, ep.value, exc)
    return loaded


def load_group(group: str, *, refresh: bool = False) -> Loaded:
    global _installed
    if group in _cache and not refresh:
        return _cache[group]
    if refresh:
        _installed = None
    loaded = _load(group, _entry_points(group))
    _cache[group] = loaded
    return loaded


def skill_classes() -> dict[str, Any]:
    return dict(load_group(SKILLS_GROUP).classes)


def backend_classes() -> dict[str, Any]:
    return dict(load_group(BACKENDS_GROUP).classes)


def hook_classes() -> dict[str, Any]:
    """Hook classes by name, in the order they run (their ``order``, then name)."""
    classes = load_group(HOOKS_GROUP).classes
    return dict(sorted(classes.items(), key=lambda kv: (getattr(kv[1], "order", 50), kv[0])))


def register(group: str, name: str, obj: Any) -> None:
    """Register in-process (tests and embedding applications)."""
    load_group(group).classes[name] = obj
