"""Hooks around the cascade: memory (stored corrections, recording turns) and cloud
escalation plug in here instead of being edited into the router.

Each hook is a class taking the ``SkillContext``; the router builds them lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from council_core.base.result import CouncilResult, ErrorInfo, SkillAnswer

if TYPE_CHECKING:
    from council_core.context import SkillContext
    from council_core.skill import Emit, Query

# Loaded in order; a hook that cannot be imported is skipped (and reported by doctor).
HOOKS: list[str] = [
    "council_core.hooks.memory_hook:MemoryHook",
    "council_core.hooks.escalate:CloudEscalation",
]


class CouncilHook:
    name = "hook"

    def __init__(self, ctx: SkillContext) -> None:
        self.ctx = ctx

    async def before(self, query: Query) -> SkillAnswer | None:
        """Answer before any skill runs (e.g. a correction the user gave). None: go on."""
        return None

    async def rescue(
        self, query: Query, best: SkillAnswer | None, errors: list[ErrorInfo], emit: Emit
    ) -> SkillAnswer | None:
        """Called when no skill answered confidently. None: keep `best`."""
        return None

    async def after(self, query: Query, result: CouncilResult) -> None:
        """Called with every final result (record the turn, update metrics)."""

    async def aclose(self) -> None:
        return None
