"""The one shape of every LLM backend (like llm's ``Model`` / httpx transports).

Class attributes give identity and capabilities; ``Options`` is a pydantic model with
``extra="forbid"``; the work is async. Streaming yields ``Piece`` objects (text, optional token
log-probability); the last piece carries ``usage`` and ``finish_reason``. Backends are async
context managers (``aclose``). Library errors are converted to ``BackendUnavailable`` /
``BadInput`` at this boundary.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant"]


@dataclass
class Message:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class Piece:
    """One streamed piece of text."""

    text: str
    logprob: float | None = None
    finish_reason: str | None = None  # set on the last piece: "stop", "length", ...
    usage: Usage | None = None  # set on the last piece


@dataclass
class Completion:
    text: str
    usage: Usage = field(default_factory=Usage)
    finish_reason: str = "stop"
    logprobs: list[float] | None = None  # per generated token, when the backend has them
    model: str = ""
    cost_usd: float = 0.0


class GenerationOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(512, ge=1)
    temperature: float = Field(0.2, ge=0, le=2)
    top_p: float = Field(0.95, gt=0, le=1)
    stop: list[str] = Field(default_factory=list)
    logprobs: bool = False
    seed: int | None = None
    # Constrain the output to JSON matching this schema (llama.cpp: a grammar built from it;
    # OpenAI-compatible servers: response_format json_schema).
    json_schema: dict[str, Any] | None = None


@dataclass
class Health:
    ok: bool
    detail: str = ""
    fix: str | None = None


class LLMBackend(abc.ABC):
    name: ClassVar[str]
    can_stream: ClassVar[bool] = True
    needs_network: ClassVar[bool] = False
    needs_gpu: ClassVar[bool] = False

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    @property
    def is_paid(self) -> bool:
        """A backend whose URL is not on loopback costs money (cloud approval + ledger)."""
        return False

    @property
    def model_name(self) -> str:
        return self.name

    @abc.abstractmethod
    def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        """Stream a chat answer. Cancelling the consumer stops generation."""

    @abc.abstractmethod
    def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        """Stream a raw completion of `prompt` (few-shot prompts, base models)."""

    async def chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> Completion:
        return await _collect(self.stream_chat(messages, opts), self.model_name)

    async def complete(self, prompt: str, opts: GenerationOptions | None = None) -> Completion:
        return await _collect(self.stream_complete(prompt, opts), self.model_name)

    def count_tokens(self, text: str) -> int:
        """Best effort; backends with a tokenizer override it."""
        return max(1, len(text) // 4)

    @property
    def context_window(self) -> int:
        return 4096

    async def health(self) -> Health:
        return Health(True)

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> LLMBackend:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()


async def _collect(stream: AsyncIterator[Piece], model: str) -> Completion:
    parts: list[str] = []
    logprobs: list[float] = []
    usage = Usage()
    finish = "stop"
    async for piece in stream:
        parts.append(piece.text)
        if piece.logprob is not None:
            logprobs.append(piece.logprob)
        if piece.usage is not None:
            usage = piece.usage
        if piece.finish_reason:
            finish = piece.finish_reason
    return Completion("".join(parts), usage, finish, logprobs or None, model)
