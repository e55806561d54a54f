"""The general skill through the router: streaming, confidence, memory context, paid backends."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from council_core.base.result import Chunk, Done, Progress
from council_core.llm.base import LLMBackend, Message, Piece, Usage
from council_core.llm.manager import LLMManager
from council_core.router import Council
from council_core.skill import Query
from council_core.skills.general import (
    SYSTEM_PROMPT,
    GeneralSkill,
    _context_messages,
    confidence_from_logprobs,
)


class Recorder(LLMBackend):
    """A real LLMBackend subclass that records the prompt it got and answers a fixed text."""

    name = "recorder"

    def __init__(self, paid: bool = False, text: str = "Paris.", lp: float = -0.05) -> None:
        self.paid, self.text, self.lp = paid, text, lp
        self.seen: list[list[Message]] = []

    @property
    def is_paid(self) -> bool:
        return self.paid

    async def stream_chat(self, messages, opts=None) -> AsyncIterator[Piece]:  # type: ignore[override]
        self.seen.append(list(messages))
        for word in self.text.split(" "):
            yield Piece(word + " ", self.lp)
        yield Piece("", None, "stop", Usage(10, 2))

    stream_complete = stream_chat  # type: ignore[assignment]


class Mgr:
    def __init__(self, backend: LLMBackend) -> None:
        self.b = backend

    async def backend(self, purpose: str = "general", wait_s: float | None = None) -> LLMBackend:
        return self.b

    def status(self) -> dict[str, Any]:
        return {"loaded": True}


def council(ctx) -> Council:
    return Council(ctx, skills={"general": GeneralSkill}, hooks=[])


@pytest.mark.llm
async def test_answers_and_streams_through_the_router(ctx, smol_path) -> None:
    ctx.settings.llm.model_path = str(smol_path)
    ctx.settings.llm.n_ctx = 1024
    ctx.settings.llm.max_tokens = 24
    ctx.settings.memory.enabled = False
    c = council(ctx)
    events = [ev async for ev in c.stream("Say hello to me.")]
    await c.aclose()
    assert isinstance(events[0], Progress) and events[0].stage == "loading model"
    assert events[0].message == smol_path.stem and "/" not in events[0].message
    chunks = [e for e in events if isinstance(e, Chunk)]
    assert len(chunks) >= 2 and all(e.skill == "general" for e in chunks)
    result = events[-1].result  # type: ignore[union-attr]
    assert isinstance(events[-1], Done) and result.ok, result.error
    assert result.skill == "general" and result.answer
    assert 0.0 <= result.confidence <= 1.0


async def test_missing_model_is_a_clear_error_within_a_second(ctx) -> None:
    ctx.settings.llm.model_path = "/nonexistent/x.gguf"
    c = council(ctx)
    t0 = time.perf_counter()
    result = await c.ask("Tell me about the moon")
    assert time.perf_counter() - t0 < 1.0
    assert result.error is not None and result.error.kind == "backend_unavailable"
    assert result.error.message.startswith("local model unavailable")
    assert result.error.fix


async def test_prompt_has_system_recent_turns_and_recalled_memories(ctx) -> None:
    class Memory:
        def context_for(self, session: str, query: str, budget_tokens: int) -> dict[str, Any]:
            assert session == "s1" and budget_tokens > 0
            return {
                "turns": [{"user": "My name is Ada.", "assistant": "Nice to meet you, Ada."}],
                "memories": [{"text": "The user's favourite colour is teal."}],
            }

    rec = Recorder()
    ctx.provide("llm", Mgr(rec))
    ctx.provide("memory", Memory())
    ans = await GeneralSkill(ctx).answer(Query("What is my name?", session="s1"))
    msgs = rec.seen[0]
    assert msgs[0] == Message("system", SYSTEM_PROMPT)
    assert "final answer first" in SYSTEM_PROMPT and "LaTeX" in SYSTEM_PROMPT
    assert msgs[1] == Message("user", "My name is Ada.")
    assert msgs[2] == Message("assistant", "Nice to meet you, Ada.")
    assert msgs[-1].role == "user" and msgs[-1].content.endswith("What is my name?")
    assert "teal" in msgs[-1].content
    assert ans.answer == "Paris."


async def test_memory_failure_does_not_stop_the_answer(ctx) -> None:
    class Broken:
        def context_for(self, *a: Any) -> Any:
            raise RuntimeError("index corrupt")

    rec = Recorder()
    ctx.provide("llm", Mgr(rec))
    ctx.provide("memory", Broken())
    result = await council(ctx).ask("hello there", "s2")
    assert result.ok and result.answer == "Paris."
    assert [m.role for m in rec.seen[0]] == ["system", "user"]


async def test_history_from_the_api_is_used_without_memory(ctx) -> None:
    ctx.settings.memory.enabled = False
    rec = Recorder()
    ctx.provide("llm", Mgr(rec))
    hist = [{"role": "user", "content": "I like cats"}, {"role": "assistant", "content": "Nice"}]
    await GeneralSkill(ctx).answer(Query("What do I like?", options={"history": hist}))
    assert [m.content for m in rec.seen[0][1:3]] == ["I like cats", "Nice"]


async def test_a_paid_backend_is_never_called_directly(ctx) -> None:
    paid = Recorder(paid=True)
    ctx.provide("llm", Mgr(paid))
    result = await council(ctx).ask("What is the capital of France?")
    assert paid.seen == []
    assert result.error is not None and result.error.kind == "backend_unavailable"
    assert "paid" in result.error.message


def test_confidence_rises_with_logprob() -> None:
    sure = confidence_from_logprobs([-0.01] * 8)
    guess = confidence_from_logprobs([-2.5] * 8)
    assert 0 <= guess < 0.5 < sure <= 1
    assert confidence_from_logprobs(None) == 0.5


async def test_low_logprobs_make_an_unsure_answer(ctx) -> None:
    ctx.provide("llm", Mgr(Recorder(text="Maybe Lyon?", lp=-3.0)))
    result = await council(ctx).ask("capital of France")
    assert result.confidence < GeneralSkill.confident_at
    assert any("low confidence" in n for n in result.notes)


def test_context_adapter_shapes() -> None:
    turns, rec = _context_messages("user said: hi")
    assert turns == [] and rec == ["user said: hi"]
    turns, rec = _context_messages(
        [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    )
    assert [m.role for m in turns] == ["user", "assistant"] and rec == []
    assert _context_messages(None) == ([], [])


async def test_empty_model_output_is_a_clear_error(ctx) -> None:
    ctx.provide("llm", Mgr(Recorder(text="")))
    result = await council(ctx).ask("anything")
    assert result.error is not None and "empty answer" in result.error.message


def test_the_llm_service_is_the_manager(ctx) -> None:
    assert isinstance(ctx.llm, LLMManager)
    assert ctx.llm is ctx.service("llm")


async def test_continue_goes_on_from_the_cut_answer(ctx) -> None:
    from council_core.skills.general import CONTINUE_PROMPT

    rec = Recorder(text="and it lies on the Seine.")
    ctx.provide("llm", Mgr(rec))
    ctx.settings.memory.enabled = False
    partial = "Paris is the capital of France,"
    ans = await GeneralSkill(ctx).answer(
        Query("What is the capital of France?", options={"continue_from": partial})
    )
    msgs = rec.seen[0]
    assert msgs[-3] == Message("user", "What is the capital of France?")
    assert msgs[-2] == Message("assistant", partial)
    assert msgs[-1] == Message("user", CONTINUE_PROMPT)
    assert ans.answer == "and it lies on the Seine."
