"""A question the model cannot read is a clear BadInput at once, not a wait for a timeout."""

from __future__ import annotations

import time

from council_core.router import Council
from council_core.skills.general import GeneralSkill
from tests.llm.test_general_skill import Mgr, Recorder


def _council(ctx) -> Council:
    return Council(ctx, skills={"general": GeneralSkill}, hooks=[])


async def test_a_question_longer_than_the_context_is_refused_at_once(ctx, smol):
    ctx.provide("llm", Mgr(smol))  # the real SmolLM2 backend, 1,024-token context
    prompt = "why is the sky blue " * 400  # ~2,000 tokens
    t0 = time.perf_counter()
    r = await _council(ctx).ask(prompt)
    assert time.perf_counter() - t0 < 5
    assert r.error is not None and r.error.kind == "bad_input"
    assert "too long" in r.error.message and "1,024" in r.error.message
    assert "council ingest" in (r.error.fix or "")


async def test_a_long_run_of_symbols_never_reaches_the_model(ctx):
    rec = Recorder()
    ctx.provide("llm", Mgr(rec))
    t0 = time.perf_counter()
    r = await _council(ctx).ask("(" * 5000)
    assert time.perf_counter() - t0 < 1
    assert r.error is not None and r.error.kind == "bad_input"
    assert "symbols" in r.error.message
    assert rec.seen == []
    assert (await _council(ctx).ask("What is the capital of France?")).answer.startswith("Paris")
