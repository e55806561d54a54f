"""The general model's arithmetic checked exactly (council_core/hooks/arith_check.py), through
the real router: a wrong "expr = value" is pointed out under the answer and its confidence falls;
right arithmetic, specialists' answers and anything that is not plain arithmetic are left alone."""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

import pytest

from council_core.base.result import Chunk, SkillAnswer
from council_core.hooks.arith_check import WRONG_CONF, ArithmeticCheck, wrong_claims
from council_core.router import Council
from council_core.skill import Emit, Query, Skill, _drop
from council_core.skills.math import MathSkill


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the two answers a new user got (2026-12-02), at confidence 0.95 and 0.92
        (
            "The average of 12, 15, and 21 is (12 + 15 + 21) / 3 = 19.",
            [("(12 + 15 + 21) / 3", "19", Fraction(16))],
        ),
        (
            "the total number of seconds in a week is 7 * 24 * 60 * 60 = 1689600 seconds.",
            [("7 * 24 * 60 * 60", "1689600", Fraction(604800))],
        ),
        ("3 × 4 = 13", [("3 × 4", "13", Fraction(12))]),
        ("In 2024, 5 + 3 = 9", [("5 + 3", "9", Fraction(8))]),
        ("2 + 2 = 4", []),
        ("1,000 + 250 = 1,250", []),
        ("100 / 3 = 33.33", []),  # right to the digits shown
        ("1/3 = 0.33", []),
        ("2^10 = 1024", []),
        ("10% of 50 = 5", []),  # not plain arithmetic: not checked
        ("x + 2 = 5", []),
        ("(3 + 4 = 7", []),  # starts inside a bracket
        ("2 * 3 = 6%", []),
        ("12 + 15 = 27 + 21 = 48", []),
        # LaTeX, as the model also writes it
        (r"\(8 \times 3 = 25\)", [("8 × 3", "25", Fraction(24))]),
        (r"\( \frac{1}{4} \times 20 = 5 \) meters", []),
    ],
)
def test_wrong_claims(text, expected):
    assert wrong_claims(text) == expected


class Says(Skill):
    """A stand-in for the general model: answers with fixed text (the text under test)."""

    name = "general"
    is_fallback = True
    threshold = 0.0
    text: ClassVar[str] = ""

    def score(self, query: Query) -> float:
        return 0.1

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        emit(Chunk(self.text))
        return SkillAnswer(self.text, confidence=0.95)


def _council(ctx, text: str, **skills) -> Council:
    says = type("SaysThis", (Says,), {"text": text})
    return Council(ctx, skills={"general": says, **skills}, hooks=[ArithmeticCheck(ctx)])


async def test_a_wrong_sum_is_pointed_out_and_the_confidence_falls(ctx):
    council = _council(ctx, "The average is (12 + 15 + 21) / 3 = 19.")
    shown: list[str] = []
    r = await council.ask(
        "what is the mean of twelve, fifteen and twenty-one?",
        emit=lambda ev: shown.append(ev.text) if isinstance(ev, Chunk) else None,
    )
    await council.aclose()
    check = "\n\nArithmetic check (exact): (12 + 15 + 21) / 3 = 16, not 19."
    assert r.answer == "The average is (12 + 15 + 21) / 3 = 19." + check
    assert "".join(shown) == r.answer  # the user sees the check under the streamed text
    assert r.confidence == WRONG_CONF
    assert any("checked exactly" in n for n in r.notes)


async def test_right_arithmetic_keeps_its_answer_and_confidence(ctx):
    council = _council(ctx, "There are 7 * 24 * 60 * 60 = 604800 seconds in a week.")
    r = await council.ask("explain how a week is counted in seconds")
    await council.aclose()
    assert r.answer == "There are 7 * 24 * 60 * 60 = 604800 seconds in a week."
    assert r.confidence == 0.95


async def test_a_specialists_answer_is_not_checked(ctx):
    council = _council(ctx, "unused", math=MathSkill)
    r = await council.ask("2 + 2")
    await council.aclose()
    assert r.skill == "math" and r.answer == "4" and "check" not in r.answer


async def test_a_word_problem_answered_by_the_general_model_alone_is_not_sure(ctx):
    """No program checked it: its token confidence (0.95 here) is not evidence."""
    from council_core.hooks.arith_check import UNCHECKED_CONF

    council = _council(ctx, "James writes 624 pages a year.")
    r = await council.ask(
        "James writes a 3-page letter to 2 different friends twice a week. "
        "How many pages does he write a year?"
    )
    await council.aclose()
    assert r.confidence == UNCHECKED_CONF
    assert any("no program" in n for n in r.notes)
    council = _council(ctx, "Paris is the capital of France.")
    r = await council.ask("What is the capital of France?")
    await council.aclose()
    assert r.confidence == 0.95
