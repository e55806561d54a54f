"""The one shape every skill has (like llm's ``Model``): identity and capabilities as class
attributes, a cheap synchronous ``score`` and one async ``answer``.

A skill gets everything it uses (settings, memory, sandbox, LLM, approval channel) through the
``SkillContext`` handed to it, never through a global.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from council_core.base.result import Event, SkillAnswer
from council_core.base.status import ComponentStatus

if TYPE_CHECKING:
    from .context import SkillContext

Emit = Callable[[Event], None]


def _drop(event: Event) -> None:
    return None


@dataclass
class Query:
    text: str
    session: str | None = None
    # Free-form hints from the caller (e.g. {"no_cloud": True}); never routing logic.
    options: dict[str, Any] = field(default_factory=dict)


class Skill(abc.ABC):
    name: ClassVar[str]
    description: ClassVar[str] = ""
    # Minimum score for the router to try this skill.
    threshold: ClassVar[float] = 0.5
    # An answer below this confidence counts as "unsure": the router tries the next skill.
    confident_at: ClassVar[float] = 0.5
    can_stream: ClassVar[bool] = False
    needs_network: ClassVar[bool] = False
    needs_gpu: ClassVar[bool] = False
    # The general skill: tried last, whatever its score.
    is_fallback: ClassVar[bool] = False
    # A skill that needs several model turns before its first text (word problems) may ask
    # for a longer first-answer limit than router.skill_timeout_s; None: the setting applies.
    first_answer_s: ClassVar[float | None] = None

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    def __init__(self, ctx: SkillContext) -> None:
        self.ctx = ctx

    @abc.abstractmethod
    def score(self, query: Query) -> float:
        """How likely this skill is the right one, 0..1. Cheap: no model loads, no network."""

    @abc.abstractmethod
    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        """Answer, or raise ``SkillDeclined`` (next skill) or a ``UserFacingError``."""

    async def warm(self) -> None:
        """Load models ahead of time (``council batch`` keeps them warm)."""

    async def aclose(self) -> None:
        """Release models, threads and files."""

    def doctor(self) -> list[ComponentStatus]:
        return []

    @classmethod
    def help_note(cls, settings: Any) -> str | None:
        """Said after the description in "what can you do?" when the skill cannot act yet
        (nothing configured); None when it is ready."""
        return None
