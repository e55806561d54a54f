"""What the council returns, and the events it streams while it works.

``CouncilResult.to_dict()`` is the JSON object that ``council ask --json`` and ``council batch``
print, with the fields: prompt, answer, skill, confidence, latency_ms, sources, code, output,
notes, cost_usd, escalated, error, session, turn_id, undo_plan.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import CouncilError


@dataclass
class Source:
    """Where an answer came from: a file and a place in it."""

    path: str
    locator: str = ""  # "page 3", "section Install", "lines 10-20"
    snippet: str = ""
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ErrorInfo:
    kind: str
    message: str
    fix: str | None = None

    @classmethod
    def from_exc(cls, exc: BaseException) -> ErrorInfo:
        if isinstance(exc, CouncilError):
            return cls(exc.kind, exc.message, exc.fix)
        return cls(
            "internal",
            f"{type(exc).__name__}: {exc}",
            "this is a bug in Council; the log in the data dir has details",
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SkillAnswer:
    """What one skill returns to the router."""

    answer: str
    confidence: float = 1.0
    sources: list[Source] = field(default_factory=list)
    code: str | None = None
    output: str | None = None
    notes: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    escalated: bool = False
    skill: str | None = None  # set by the router; a skill may override (e.g. "cloud")
    data: dict[str, Any] = field(default_factory=dict)  # skill-specific extras


@dataclass
class CouncilResult:
    prompt: str
    answer: str = ""
    skill: str | None = None
    confidence: float = 0.0
    latency_ms: float = 0.0
    sources: list[Source] = field(default_factory=list)
    code: str | None = None
    output: str | None = None
    notes: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    escalated: bool = False
    error: ErrorInfo | None = None
    session: str | None = None
    turn_id: int | None = None
    undo_plan: int | None = None  # a file plan that ran and can be undone (its id)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sources"] = [s.to_dict() for s in self.sources]
        d["error"] = self.error.to_dict() if self.error else None
        d["latency_ms"] = round(self.latency_ms, 3)
        if self.error is not None and len(self.prompt) > ECHO_LIMIT:
            # a rejected huge prompt is not sent back whole
            d["prompt"] = self.prompt[:200] + f"… ({len(self.prompt):,} characters, not echoed)"
        return d


ECHO_LIMIT = 2000  # characters of a failed prompt that to_dict() echoes


# ----- streamed events (the GUI and `council chat` consume these) -----


@dataclass
class Chunk:
    """A piece of answer text, in order."""

    text: str
    skill: str | None = None


@dataclass
class Retract:
    """The text streamed so far by `skill` is withdrawn (the router moved on)."""

    skill: str


@dataclass
class Progress:
    """Long work: stage name, done/total units (total 0 = unknown), a message."""

    stage: str
    done: int = 0
    total: int = 0
    message: str = ""
    eta_s: float | None = None


@dataclass
class Done:
    result: CouncilResult


Event = Chunk | Retract | Progress | Done
