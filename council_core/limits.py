"""Time limits that fit streaming answers.

A wall-clock limit cuts a general answer that is still flowing (on a busy 2-core laptop every
long answer died that way). Instead a skill gets two limits:

- ``first_s``: time allowed until its first piece of answer text (for a skill that never
  streams, this is the limit for its whole answer);
- ``silence_s``: once text flows, the longest gap allowed between two pieces.

An answer that keeps streaming is never cut; the token cap (``llm.max_tokens``) ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any, Literal, TypeVar

from council_core.base.errors import SkillTimeout

T = TypeVar("T")


class StreamLimits:
    """Watches one skill's answer. Call :meth:`touch` for each piece of text it emits."""

    def __init__(self, first_s: float, silence_s: float, skill: str = "skill") -> None:
        self.first_s = float(first_s)
        self.silence_s = float(silence_s)
        self.skill = skill
        self.started = time.monotonic()
        self.last_output: float | None = None
        # Set by the first touch: the deadline then moves from the first-answer limit to the
        # (usually nearer) silence limit, so the waiter must look again.
        self._first_output: asyncio.Event | None = None

    @property
    def streamed(self) -> bool:
        return self.last_output is not None

    def touch(self) -> None:
        first = self.last_output is None
        self.last_output = time.monotonic()
        if first and self._first_output is not None:
            self._first_output.set()

    def deadline(self) -> float:
        if self.last_output is None:
            return self.started + self.first_s
        return self.last_output + self.silence_s

    def error(self) -> SkillTimeout:
        if self.last_output is None:
            return SkillTimeout(
                f"the {self.skill} skill gave no answer within {self.first_s:g} s",
                fix="raise router.skill_timeout_s (first-answer limit) in Settings, "
                "or ask a smaller question",
            )
        return SkillTimeout(
            f"the {self.skill} skill stopped producing text for {self.silence_s:g} s "
            "in the middle of its answer",
            fix="press Continue to let it go on, or raise router.silence_timeout_s in Settings",
        )

    async def run(self, aw: Awaitable[T]) -> T:
        """Await ``aw`` under the limits; raises :class:`SkillTimeout` (and cancels it) when
        one is passed."""
        task = asyncio.ensure_future(aw)
        self._first_output = asyncio.Event()
        woken: asyncio.Task[Literal[True]] | None = None
        try:
            while True:
                remaining = self.deadline() - time.monotonic()
                if remaining <= 0:
                    raise self.error()
                waiting: set[asyncio.Future[Any]] = {task}
                if self.last_output is None:
                    if woken is None:
                        woken = asyncio.ensure_future(self._first_output.wait())
                    waiting.add(woken)
                done, _ = await asyncio.wait(
                    waiting, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                if task in done:
                    return task.result()
        finally:
            if woken is not None and not woken.done():
                woken.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
