"""The cascade: best skill first, declines and unsure answers move on, errors are clear."""

from __future__ import annotations

import asyncio
import json

import pytest

from council_core.base.errors import BackendUnavailable, BadInput, SkillDeclined
from council_core.base.result import Chunk, Done, Retract, SkillAnswer
from council_core.router import Council
from council_core.skill import Query, Skill
from tests.helpers.cli import run_council


class Echo(Skill):
    """A real Skill subclass whose behaviour each test sets."""

    name = "echo"
    threshold = 0.3

    def __init__(self, ctx, *, score=0.9, behaviour="answer", conf=0.9, text="echo!"):
        super().__init__(ctx)
        self._score, self.behaviour, self.conf, self.text = score, behaviour, conf, text
        self.calls = 0

    def score(self, query: Query) -> float:
        return self._score

    async def answer(self, query, emit=lambda e: None):
        self.calls += 1
        if self.behaviour == "decline":
            raise SkillDeclined("not mine")
        if self.behaviour == "down":
            raise BackendUnavailable("model down", fix="start it")
        if self.behaviour == "bad":
            raise BadInput("bad expression", fix="check the brackets")
        if self.behaviour == "crash":
            raise ZeroDivisionError("oops")
        if self.behaviour == "slow":
            await asyncio.sleep(10)
        emit(Chunk(self.text))
        return SkillAnswer(self.text, confidence=self.conf)


def make(ctx, **skills):
    council = Council(ctx, skills={})
    council._hooks = []
    for name, skill in skills.items():
        skill.name = name
        council.skills[name] = skill
    return council


async def test_best_scoring_skill_answers(ctx):
    a, b = Echo(ctx, score=0.5, text="A"), Echo(ctx, score=0.8, text="B")
    r = await make(ctx, a=a, b=b).ask("hi")
    assert (r.answer, r.skill, r.error) == ("B", "b", None)
    assert a.calls == 0
    assert r.latency_ms > 0


async def test_decline_and_backend_down_move_on(ctx):
    council = make(
        ctx,
        a=Echo(ctx, score=0.9, behaviour="decline"),
        b=Echo(ctx, score=0.8, behaviour="down"),
        c=Echo(ctx, score=0.7, text="C"),
    )
    r = await council.ask("hi")
    assert r.skill == "c" and r.answer == "C"


async def test_bad_input_stands_when_no_later_specialist_answers(ctx):
    fallback = Echo(ctx, score=0.1, text="a guess")
    fallback.is_fallback = True
    unsure = Echo(ctx, score=0.5, conf=0.2, text="unsure")
    r = await make(ctx, a=Echo(ctx, score=0.9, behaviour="bad"), u=unsure, g=fallback).ask("1+(")
    assert r.error is not None and r.error.kind == "bad_input"
    assert r.error.fix == "check the brackets"
    assert unsure.calls == 1  # the other specialists were asked
    assert fallback.calls == 0  # the general model does not guess at a malformed expression


async def test_bad_input_gives_way_to_a_later_specialist_that_answers(ctx):
    c = Echo(ctx, score=0.5, text="C")
    r = await make(ctx, a=Echo(ctx, score=0.9, behaviour="bad"), c=c).ask("1+(")
    assert (r.error, r.skill, r.answer) == (None, "c", "C")


async def test_unsure_answer_is_retracted_and_next_skill_answers(ctx):
    council = make(
        ctx,
        a=Echo(ctx, score=0.9, conf=0.1, text="guess"),
        b=Echo(ctx, score=0.8, conf=0.9, text="sure"),
    )
    events = [ev async for ev in council.stream("q")]
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Chunk", "Retract", "Chunk", "Done"]
    assert isinstance(events[1], Retract) and events[1].skill == "a"
    assert isinstance(events[-1], Done) and events[-1].result.answer == "sure"


async def test_only_unsure_answers_returns_best_with_note(ctx):
    r = await make(
        ctx, a=Echo(ctx, score=0.9, conf=0.2, text="x"), b=Echo(ctx, score=0.8, conf=0.3, text="y")
    ).ask("q")
    assert r.answer == "y" and any("low confidence" in n for n in r.notes)


async def test_nothing_answers_gives_clear_error(ctx):
    r = await make(ctx, a=Echo(ctx, score=0.1)).ask("q")  # below threshold
    assert r.error is not None and r.error.kind == "no_skill" and r.error.fix


async def test_all_backends_down_reports_first_reason(ctx):
    r = await make(ctx, a=Echo(ctx, behaviour="down")).ask("q")
    assert r.error.kind == "backend_unavailable" and r.error.fix == "start it"


async def test_crash_in_skill_is_contained(ctx):
    r = await make(ctx, a=Echo(ctx, behaviour="crash"), b=Echo(ctx, score=0.4, text="ok")).ask("q")
    assert r.answer == "ok"


async def test_timeout(ctx):
    ctx.settings.router.skill_timeout_s = 0.05
    r = await make(ctx, a=Echo(ctx, behaviour="slow")).ask("q")
    assert r.error.kind == "timeout"


async def test_a_skill_may_ask_for_a_longer_first_answer_limit(ctx):
    """Word problems take a program and a reasoning before any text: the skill's own, longer
    limit applies; a skill without one is still cut at the setting."""
    ctx.settings.router.skill_timeout_s = 0.05

    class Patient(Echo):
        first_answer_s = 5.0

        async def answer(self, query, emit=lambda e: None):
            await asyncio.sleep(0.3)  # six times the setting, well inside its own limit
            return SkillAnswer("late", confidence=0.9)

    r = await make(ctx, a=Patient(ctx)).ask("q")
    assert r.error is None and r.answer == "late"
    r = await make(ctx, a=Echo(ctx, behaviour="slow")).ask("q")
    assert r.error.kind == "timeout"


class Streamer(Skill):
    """Streams `pieces`, sleeping `gaps[i]` before each one."""

    name = "streamer"
    threshold = 0.0

    def __init__(self, ctx, gaps, pieces=None):
        super().__init__(ctx)
        self.gaps = gaps
        self.pieces = pieces or [f"w{i} " for i in range(len(gaps))]

    def score(self, query):
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        for gap, piece in zip(self.gaps, self.pieces, strict=True):
            await asyncio.sleep(gap)
            emit(Chunk(piece))
        return SkillAnswer("".join(self.pieces), confidence=0.9)


async def test_a_flowing_answer_is_not_cut_by_a_wall_clock(ctx):
    # 12 pieces 0.05 s apart take 0.6 s, four times the first-answer limit.
    ctx.settings.router.skill_timeout_s = 0.15
    ctx.settings.router.silence_timeout_s = 0.15
    r = await make(ctx, a=Streamer(ctx, [0.05] * 12)).ask("q")
    assert r.error is None and r.answer.count("w") == 12 and r.latency_ms > 450


async def test_silence_mid_answer_stops_it_and_keeps_the_partial_text(ctx):
    ctx.settings.router.skill_timeout_s = 5.0
    ctx.settings.router.silence_timeout_s = 0.1
    slow = Streamer(ctx, [0.01, 0.01, 8.0], ["Paris is ", "the capital", " never"])
    other = Echo(ctx, score=0.5, text="other")
    chunks = []
    r = await make(ctx, a=slow, b=other).ask("q", emit=chunks.append)
    assert r.error.kind == "timeout" and "stopped producing text" in r.error.message
    assert "Continue" in r.error.fix
    assert r.answer == "Paris is the capital" and r.skill == "a"
    assert r.latency_ms < 1000  # the silence limit, not the 5 s first-answer limit
    assert other.calls == 0  # the cut answer is kept, not replaced by another skill's
    assert not any(isinstance(c, Retract) for c in chunks)


async def test_no_first_text_in_time_passes_to_the_next_skill(ctx):
    ctx.settings.router.skill_timeout_s = 0.05
    r = await make(ctx, a=Echo(ctx, behaviour="slow"), b=Echo(ctx, score=0.5, text="B")).ask("q")
    assert (r.answer, r.skill, r.error) == ("B", "b", None)


async def test_errors_name_the_skill_that_raised_them(ctx):
    r = await make(ctx, a=Echo(ctx, behaviour="down")).ask("q")
    assert r.error.kind == "backend_unavailable" and r.skill == "a"
    r = await make(ctx, a=Echo(ctx, behaviour="bad")).ask("q")
    assert r.error.kind == "bad_input" and r.skill == "a"


async def test_empty_prompt(ctx):
    r = await make(ctx, a=Echo(ctx)).ask("   ")
    assert r.error.kind == "bad_input"


async def test_stream_close_cancels_work(ctx):
    slow = Echo(ctx, behaviour="slow")
    council = make(ctx, a=slow)
    agen = council.stream("q")
    task = asyncio.ensure_future(agen.__anext__())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await agen.aclose()
    assert slow.calls == 1


def test_result_json_has_the_documented_fields(ctx):
    from council_core.base.result import CouncilResult

    d = CouncilResult(prompt="p").to_dict()
    for f in (
        "prompt",
        "answer",
        "skill",
        "confidence",
        "latency_ms",
        "sources",
        "code",
        "output",
        "notes",
        "cost_usd",
        "escalated",
        "error",
    ):
        assert f in d
    json.dumps(d)


def test_cli_help_runs(council_home):
    out = run_council("--help")
    assert out.returncode == 0, out.stderr
    assert "ask" in out.stdout and "batch" in out.stdout
