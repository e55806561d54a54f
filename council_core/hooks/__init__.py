"""Hooks around the cascade: memory (stored corrections, recording turns) and cloud
escalation plug in here instead of being edited into the router.

Each hook is a class taking the ``SkillContext``, registered in the ``council.hooks``
entry-point group like skills (``memory_hook``: corrections and recording turns, ``escalate``:
cloud escalation); the router builds them lazily, in ``order``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from council_core.base.result import CouncilResult, ErrorInfo, SkillAnswer

if TYPE_CHECKING:
    from council_core.context import SkillContext
    from council_core.skill import Emit, Query


class CouncilHook:
    name = "hook"
    # Hooks run in ascending order (before/after/rescue alike); ties by entry-point name.
    order: ClassVar[int] = 50

    def __init__(self, ctx: SkillContext) -> None:
        self.ctx = ctx

    async def before(self, query: Query) -> SkillAnswer | None:
        """Answer before any skill runs (e.g. a correction the user gave). None: go on."""
        return None

    async def review(self, query: Query, answer: SkillAnswer, emit: Emit) -> None:
        """Look at the chosen answer before it is final: it may add to it (emitting what it
        adds) and lower its confidence (an exact check of what it claims)."""

    async def rescue(
        self, query: Query, best: SkillAnswer | None, errors: list[ErrorInfo], emit: Emit
    ) -> SkillAnswer | None:
        """Called when no skill answered confidently. None: keep `best`."""
        return None

    async def after(self, query: Query, result: CouncilResult) -> None:
        """Called with every final result (record the turn, update metrics)."""

    async def aclose(self) -> None:
        return None
