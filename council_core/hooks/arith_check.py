"""The general model's arithmetic, checked exactly: every "12 + 15 + 21) / 3 = 19" it writes is
evaluated by the math skill's parser and exact evaluator (no eval of model text), and a wrong
result is pointed out under the answer, with its confidence lowered. A word problem that only
the general model answered (no program ran) keeps at most UNCHECKED_CONF.

Seen from a new user's batch (2026-12-02): "average of 12, 15 and 21" -> "(12 + 15 + 21) / 3 =
19" at confidence 0.95; "how many seconds in a week" -> "7 * 24 * 60 * 60 = 1689600 seconds"
at 0.92. The model's confidence comes from how sure its tokens were, and it is sure of wrong
sums. Only plain arithmetic is checked (numbers, + - * / × ÷ ^ and brackets before an "="):
words, units, percentages and variables are left alone. The streamed text is not rewritten
(the user saw it); the check follows it.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

from council_core.base.result import Chunk, SkillAnswer

from . import CouncilHook

if TYPE_CHECKING:
    from council_core.skill import Emit, Query

# answers from these skills are the model's own words (specialists compute theirs)
CHECKED_SKILLS = ("general", "cloud")
WRONG_CONF = 0.3  # an answer whose own arithmetic is wrong: shown, but never as sure
# The general model's own answer to a word problem: on 28 GSM8K dev rows (answer first, as the
# general skill asks) 3 were right, and all 6 it gave at >= 0.9 were wrong; its token
# confidence says nothing there. (No question of the general-knowledge set is a word problem.)
UNCHECKED_CONF = 0.5

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_OPERAND = rf"\(*\s*{_NUM}\s*\)*"
_EXPR = rf"{_OPERAND}(?:\s*[-+*/×÷^·]\s*{_OPERAND})+"
_CLAIM = re.compile(
    rf"(?<![\w.,^*/+-])(?P<expr>{_EXPR})\s*=\s*\$?\s*(?P<value>-?{_NUM})(?![\d.]\d)(?!\s*[%/^*×÷])"
)


_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*([\d.,]+)\s*\}\s*\{\s*([\d.,]+)\s*\}")
_LATEX = {"\\times": "×", "\\cdot": "·", "\\div": "÷", "\\(": " ", "\\)": " ", "\\[": " ",
          "\\]": " ", "\\,": "", "\\$": "$"}  # fmt: skip


def plain(text: str) -> str:
    """LaTeX arithmetic as plain text: "\\( \\frac{1}{4} \\times 20 = 5 \\)" -> "(1/4) × 20 = 5"
    (the model writes it both ways)."""
    text = _FRAC.sub(r"(\1/\2)", text)
    for k, v in _LATEX.items():
        text = text.replace(k, v)
    return text


def wrong_claims(text: str) -> list[tuple[str, str, Fraction]]:
    """(expression, the value stated, the exact value) for each "expr = value" in text whose
    value is wrong beyond the rounding of its shown digits."""
    from council_core.skills.math.exact import evaluate
    from council_core.skills.math.parser import parse

    out = []
    for m in _CLAIM.finditer(plain(text)):
        expr = m.group("expr").strip()
        if expr.count("(") != expr.count(")"):
            continue  # the claim starts inside a bracket: not the whole expression
        try:
            exact = evaluate(parse(expr.replace(",", "").replace("·", "*")))
        except Exception:  # NotExact, BadInput, ZeroDivisionError: not plain arithmetic
            continue  # not plain arithmetic the exact evaluator reads: say nothing
        stated_text = m.group("value").replace(",", "")
        stated = Fraction(stated_text)
        places = len(stated_text.split(".", 1)[1]) if "." in stated_text else 0
        if abs(exact - stated) <= Fraction(1, 2 * 10**places):
            continue  # right, or right to the digits shown
        out.append((expr, m.group("value"), exact))
    return out


def _shown(v: Fraction) -> str:
    from council_core.skills.math.fmt import format_fraction

    return format_fraction(v)


class ArithmeticCheck(CouncilHook):
    name = "arith_check"
    order: ClassVar[int] = 20  # before the memory hook records the turn

    async def review(self, query: Query, answer: SkillAnswer, emit: Emit) -> None:
        if answer.skill not in CHECKED_SKILLS or not answer.answer:
            return
        if answer.skill == "general" and answer.confidence > UNCHECKED_CONF:
            from council_core.skills.wordmath.cues import word_problem_score

            if word_problem_score(query.text) > 0:
                # no program checked it (the word-problem skill declined or is disabled)
                answer.confidence = UNCHECKED_CONF
                answer.notes.append(
                    "a word problem answered by the general model alone, with no program to "
                    "check it"
                )
        wrong = wrong_claims(answer.answer)
        if not wrong:
            return
        lines = [f"{e} = {_shown(v)}, not {s}" for e, s, v in wrong[:3]]
        check = "\n\nArithmetic check (exact): " + "; ".join(lines) + "."
        answer.answer += check
        emit(Chunk(check, answer.skill))
        answer.confidence = min(answer.confidence, WRONG_CONF)
        answer.notes.append(
            "the model's arithmetic was checked exactly and is wrong: treat its answer with care"
        )
