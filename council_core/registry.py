"""Skills and backends register through entry points, the same way a third party would.

Groups: ``council.skills`` (``Skill`` subclasses) and ``council.backends`` (``LLMBackend``
subclasses). A plugin that fails to load is reported (``council doctor``) and skipped; the
rest keeps working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger("council." + __name__)

SKILLS_GROUP = "council.skills"
BACKENDS_GROUP = "council.backends"


@dataclass
class Loaded:
    classes: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


_cache: dict[str, Loaded] = {}


def load_group(group: str, *, refresh: bool = False) -> Loaded:
    if group in _cache and not refresh:
        return _cache[group]
    loaded = Loaded()
    for ep in entry_points(group=group):
        if ep.name in loaded.classes:
            continue
        try:
            loaded.classes[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not take the council down
            loaded.failures[ep.name] = f"{type(exc).__name__}: {exc}"
            log.warning("cannot load %s plugin %s (%s): %s", group, ep.name, ep.value, exc)
    _cache[group] = loaded
    return loaded


def skill_classes() -> dict[str, Any]:
    return dict(load_group(SKILLS_GROUP).classes)


def backend_classes() -> dict[str, Any]:
    return dict(load_group(BACKENDS_GROUP).classes)


def register(group: str, name: str, obj: Any) -> None:
    """Register in-process (tests and embedding applications)."""
    load_group(group).classes[name] = obj
