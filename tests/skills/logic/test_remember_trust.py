"""Only the component that stored something may say it did (issue 16, item 10).

"remember that ..., thanks" is stored by the logic skill (real Prolog, real SQLite); the
general model, which stores nothing, never gets to claim "(fact #N)"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from council_core.base.result import Chunk, Done
from council_core.llm.base import LLMBackend, Piece, Usage
from council_core.router import Council
from council_core.skills.general import ClaimGuard, GeneralSkill
from council_core.skills.logic import LogicSkill, remember_body


class Fabricator(LLMBackend):
    """A real LLMBackend subclass standing in for a model that fabricates stored facts;
    it streams its text in small pieces, splitting the claim across pieces."""

    name = "fabricator"

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    async def stream_chat(self, messages, opts=None) -> AsyncIterator[Piece]:  # type: ignore[override]
        self.calls += 1
        for i in range(0, len(self.text), 3):
            yield Piece(self.text[i : i + 3], -0.1)
        yield Piece("", None, "stop", Usage(10, 5))

    stream_complete = stream_chat  # type: ignore[assignment]


class Mgr:
    def __init__(self, backend: LLMBackend) -> None:
        self.b = backend

    async def backend(self, purpose: str = "general", wait_s: float | None = None) -> Any:
        return self.b

    def status(self) -> dict[str, Any]:
        return {"loaded": True}


@pytest.mark.parametrize(
    "prompt",
    [
        "remember that Carol is a parent of Dave, thanks",
        "Remember that Carol is a parent of Dave. Thank you!",
        "please remember that Carol is a parent of Dave, thanks a lot",
        "can you remember that Carol is a parent of Dave? thx",
        "remember: Carol is a parent of Dave please",
    ],
)
def test_courtesy_variants_reach_the_statement(prompt):
    assert remember_body(prompt).rstrip(".") == "Carol is a parent of Dave"


def test_not_a_remember_request():
    assert remember_body("I remembered the milk") is None
    assert remember_body("what do you remember") is None  # a question, not a request


async def test_remember_with_thanks_is_stored_by_prolog_not_the_model(ctx):
    fab = Fabricator("Noted: Carol is a parent of Dave (fact #2)")
    ctx.provide("llm", Mgr(fab))
    council = Council(ctx, skills={"logic": LogicSkill, "general": GeneralSkill}, hooks=[])
    try:
        r = await council.ask("remember that Carol is a parent of Dave, thanks")
        assert r.skill == "logic", (r.skill, r.answer)
        assert fab.calls == 0
        assert r.answer.startswith("Noted:") and "(fact #1)" in r.answer
        from council_core.skills.logic.facts import FactStore

        facts = FactStore(ctx.paths.db_file).all()
        assert [(f.subj_label, f.obj_label) for f in facts] == [("Carol", "Dave")]
        r = await council.ask("Is Carol a parent of Dave?")
        assert r.skill == "logic" and r.answer.startswith("Yes"), r.answer
    finally:
        await council.aclose()


async def test_the_general_model_cannot_claim_a_stored_fact(ctx):
    fab = Fabricator("Noted: your bike is blue (fact #2). Anything else?")
    ctx.provide("llm", Mgr(fab))
    council = Council(ctx, skills={"logic": LogicSkill, "general": GeneralSkill}, hooks=[])
    try:
        streamed = []
        result = None
        async for ev in council.stream("remember that my bike is blue, thanks"):
            if isinstance(ev, Chunk):
                streamed.append(ev.text)
            elif isinstance(ev, Done):
                result = ev.result
        assert result is not None and result.skill == "general"
        shown = "".join(streamed)
        for text in (shown, result.answer):
            assert "fact #" not in text and "#2" not in text
        assert "your bike is blue" in result.answer and "Anything else?" in result.answer
        assert any("nothing was stored as a fact" in n for n in result.notes)
        from council_core.skills.logic.facts import FactStore

        assert FactStore(ctx.paths.db_file).all() == []
        # a later answer citing a fact number is cleaned the same way
        fab.text = "Yes, Carol is Dave's parent (fact #3)."
        r = await council.ask("is my bike blue")
        assert "fact #3" not in r.answer and r.answer.startswith("Yes, Carol")
    finally:
        await council.aclose()


def test_claim_guard_keeps_ordinary_parentheses_and_text():
    g = ClaimGuard()
    pieces = ["The fa", "ctor (see", " below) is 3 ", "(facts #4, #5", ") done; f", "ine."]
    out = "".join(g.feed(p) for p in pieces) + g.flush()
    assert out == "The factor (see below) is 3 done; fine."
    assert g.stripped == 1
