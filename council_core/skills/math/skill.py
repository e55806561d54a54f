"""Lightning Math: exact arithmetic, algebra and calculus from plain text, without ever
evaluating the text as code."""

from __future__ import annotations

import re
from typing import ClassVar

from council_core import cues
from council_core.base.errors import BadInput, SkillDeclined
from council_core.base.result import Chunk, SkillAnswer
from council_core.base.status import ComponentStatus
from council_core.skill import Emit, Query, Skill, _drop

from . import household, nl
from .exact import NotExact, evaluate
from .fmt import format_fraction, format_places, format_sig
from .limits import run_limited
from .parser import Node

_DECIMAL_LITERAL = re.compile(r"\d\.\d|(?<!\d)\.\d")
_CACHE_SIZE = 64
_sympy_ready = False  # process-wide: set after the first SymPy answer
# An explicit calculus/algebra request owns the question even if code-like text follows
# ("Find the derivative of __import__(...)" gets a clear math error, not another skill).
_CALCULUS_FIRST = cues.MATH_CALCULUS_FIRST


def _meaningful(node: Node | None) -> bool:
    """An expression with a number, constant or function; not just letters ('x', 'ab')."""
    if node is None:
        return False
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] in ("num", "const", "call", "fact", "pct"):
            return True
        for c in n[1:]:
            if isinstance(c, tuple):
                stack.append(c)
            elif isinstance(c, list):
                stack.extend(c)
    return False


class MathSkill(Skill):
    name = "math"
    description = (
        "Lightning Math: exact arithmetic, percentages, roots, logs, primes, combinatorics, "
        "equations, derivatives, integrals, limits, algebra and matrices."
    )
    threshold = 0.5
    confident_at = 0.5
    # Wall-clock limit for one SymPy computation; a hung solve is stopped after this.
    time_limit_s: ClassVar[float] = 1.5

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._cache: dict[str, nl.Task | BadInput] = {}

    # ----- routing -----

    def _interpret(self, text: str) -> nl.Task | BadInput:
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        try:
            res: nl.Task | BadInput = nl.interpret(text)
        except BadInput as exc:
            res = exc
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[text] = res
        return res

    def score(self, query: Query) -> float:
        text = query.text
        head = text[:600]
        if (
            (nl.CODE_WORDS.search(head) or cues.claimed_elsewhere(self.name, head))
            and not _CALCULUS_FIRST.match(nl.strip_lead(head))
            # "how long to download a 4.5 GB file at 50 Mbps": a file's size, not a file to touch
            and household.download(head) is None
        ):
            return 0.0
        if len(text) > 2000:
            return 0.9 if nl.looks_like_math(head) else 0.0
        res = self._interpret(text)
        if isinstance(res, nl.Task):
            if res.kind == "eval" and not _meaningful(res.expr):
                return 0.0
            return 1.0
        return 0.6 if nl.looks_like_math(text) else 0.0

    # ----- answering -----

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        res = self._interpret(query.text)
        if isinstance(res, BadInput):
            # Only a prompt that is nothing but math (or an explicit calculus request) is ours
            # to call malformed; a wordier one is a question we did not understand: decline,
            # and the next skill (a word-problem solver, the general model) gets it.
            if nl.is_bare(query.text) or _CALCULUS_FIRST.match(nl.strip_lead(query.text)):
                raise res
            raise SkillDeclined(f"not a math expression this skill understands ({res.message})")
        task = res
        if task.kind == "answer":  # worked out from the text alone (days between two dates)
            emit(Chunk(task.text))
            return SkillAnswer(task.text, confidence=1.0, data={"kind": "answer"})
        unit = str(task.extra.get("unit") or "")
        if task.kind == "eval" and task.expr is not None:
            try:
                value = evaluate(task.expr)
            except NotExact:
                pass
            else:
                decimal = task.decimal or bool(_DECIMAL_LITERAL.search(task.text))
                places = task.extra.get("places")
                digits = task.extra.get("digits")
                if places is not None:
                    text = format_places(value, int(places))
                elif digits is not None:
                    text = format_sig(value, int(digits))
                else:
                    text = format_fraction(value, prefer_decimal=decimal)
                text = f"{text} {unit}" if unit else text
                emit(Chunk(text))
                return SkillAnswer(text, confidence=1.0, data={"kind": "eval", "exact": True})
        global _sympy_ready
        from .ops import run_task  # imports SymPy (~0.3 s the first time, outside the limit)

        # SymPy's first use of solve/integrate/... in a process loads more of itself: give
        # the first symbolic question of a cold process a longer limit.
        limit = self.time_limit_s if _sympy_ready else max(self.time_limit_s, 6.0)
        text, confidence = await run_limited(lambda: run_task(task), limit)
        _sympy_ready = True
        text = f"{text} {unit}" if unit else text
        emit(Chunk(text))
        return SkillAnswer(text, confidence=confidence, data={"kind": task.kind})

    async def warm(self) -> None:
        """Import SymPy and run each kind of operation once (SymPy evaluates some of its own
        library strings on first use; after this, answering calls no eval/exec)."""
        from .ops import run_task

        for text in WARM_UP:
            task = nl.interpret(text)
            await run_limited(lambda t=task: run_task(t), 30.0)  # type: ignore[misc]
        global _sympy_ready
        _sympy_ready = True

    def doctor(self) -> list[ComponentStatus]:
        try:
            import importlib.util

            ok = importlib.util.find_spec("sympy") is not None
        except ImportError:
            ok = False
        return [
            ComponentStatus(
                "math (SymPy)",
                ok,
                "exact and symbolic math" if ok else "SymPy is not installed",
                fix=None if ok else "pip install 'sympy>=1.13,<1.15' (or run installer/install.sh)",
            )
        ]


# Fixed expressions that exercise every SymPy path once (solve, diff, integrate, limits,
# simplify/expand/factor, matrices, printing, numeric evaluation).
WARM_UP = [
    "solve t^2 - 3t + 2 = 0",
    "solve a + b = 3 and a - b = 1",
    "solve 2t > 4",
    "derivative of sin(t) e^t",
    "integrate t cos(t) dt",
    "integral of t^2 from 0 to 1",
    "limit of sin(t)/t as t approaches 0",
    "limit of (1 + 1/t)^t as t -> infinity",
    "simplify (t^2 - 1)/(t - 1)",
    "expand (t + 1)^2",
    "factor t^2 - 1",
    "factor 12",
    "is 7 prime",
    "determinant of [[1, 2], [3, 4]]",
    "eigenvalues of [[1, 0], [0, 2]]",
    "inverse of [[1, 2], [3, 4]]",
    "sqrt(8) + log(3) + pi",
    "sin(pi/5) + cos(1)",
    "solve t^2 + 1 = 0",
    "log(10, 3)",
]
