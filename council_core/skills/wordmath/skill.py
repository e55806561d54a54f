"""The word-problem skill: every question gets two answers made in different ways, a short
program the local coder model writes (run in the Firejail sandbox: exact arithmetic) and the
model's own step-by-step reasoning in words (the prompt the model-alone baseline gets). When
they agree the answer is the program's output, with the program under it; when they do not, a
second, sampled program and a second, sampled reasoning vote, and the confidence says how the
answers agreed.

The model's text is only ever run inside the sandbox (never eval'd here). A program that fails
gets one repair with its error; one that loops, forks or allocates is stopped by the sandbox's
limits. When neither a program nor the reasoning gives an answer the skill declines and the
general model answers instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

from council_core.approval import ApprovalRequest
from council_core.base.errors import SkillDeclined
from council_core.base.logs import get_logger
from council_core.base.result import Chunk, Progress, SkillAnswer
from council_core.llm.base import GenerationOptions, Message
from council_core.skill import Emit, Query, Skill, _drop

from .cues import word_problem_score
from .program import (
    HALF_UP_ROUND,
    Reading,
    answer_line,
    code_of,
    implausible,
    read_output,
    with_half_up_round,
)
from .prompt import messages_for, repair_message

log = get_logger("skills.wordmath")

MAX_TOKENS = 256  # a program of a few lines; longer is a program that rambles
PROGRAM_TIMEOUT_S = 5.0  # arithmetic takes milliseconds; a loop is cut here
SANDBOX_SESSION = "wordmath"  # its own workspace: programs never see the user's code files
SECOND_TEMPERATURE = 0.7
SECOND_SEED = 7
# Every question gets two answers made in different ways: a program (exact arithmetic, run in
# the sandbox) and the model's own step-by-step reasoning in words, with the prompt the
# model-alone baseline gets (bench/eval/harness.py). Programs alone lost to reasoning on GSM8K
# (README): a small model misreads a story more often in code than in words, and computes
# worse in words than in code. When the two agree the answer is the program's output; when
# they do not, a second program and a second (sampled) reasoning vote.
REASON_MAX_TOKENS = 512
REASON_TEMPERATURE = 0.7
REASON_SEED = 5
REASON_PROMPT = (
    "You are a helpful assistant. Think the question through step by step when it needs "
    "working out, in plain text (no LaTeX). End with a last line of the form "
    "'Answer: <the final answer>'."
)
# Confidence by how the answers agreed, set from 20 GSM8K dev rows (bench/bench_wordmath.py,
# 2026-12-01; few rows, so rounded down): the first program and reasoning agreed on 10, 9 right;
# after a disagreement, three or four agreeing 3 of 5 right, a tie or no majority 2 of 4.
AGREE_CONF = 0.85  # the first program and the first reasoning reached the same answer
ALL_AGREE_CONF = 0.7  # after a disagreement, all the other answers agree
VOTE_CONF = 0.5  # a majority of the answers, programs and reasoning among them
SPLIT_CONF = 0.35  # a tie, or no two answers agree (the tie goes to the reasoning)
IMPLAUSIBLE_CONF = 0.15  # a count that is negative or fractional, kept only if nothing better
# Two numbers are the same answer when they differ by rounding: the program's 12.68 and the
# reasoning's 12.675 (the program's exact output is what is shown).
CLOSE_ABS = 0.01
CLOSE_REL = 1e-4


@dataclass
class Attempt:
    """One program and what became of it."""

    code: str
    outcome: str = "not run"  # ok, error, timeout, limit, denied, empty
    stdout: str = ""
    error: str = ""
    reading: Reading | None = None
    doubt: str | None = None  # why the answer is implausible
    tokens: int = 0

    @property
    def answered(self) -> bool:
        return self.reading is not None

    def summary(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "answer": self.reading.line if self.reading else None,
            "tokens": self.tokens,
            "doubt": self.doubt,
        }


@dataclass
class Vote:
    """One answer to the question and where it came from: a program (its attempt) or the
    model's step-by-step reasoning (no program)."""

    reading: Reading
    source: str  # "program" or "reasoning"
    attempt: Attempt | None = None


@dataclass
class _Run:
    programs: list[Attempt] = field(default_factory=list)  # every program run, repairs too
    votes: list[Vote] = field(default_factory=list)  # in the order they were made
    notes: list[str] = field(default_factory=list)


class WordMathSkill(Skill):
    name: ClassVar[str] = "wordmath"
    description: ClassVar[str] = (
        "Word problems (percentages, money, rates, averages, units, dates and time zones, "
        "geometry, counting): the local model writes a short program, the sandbox runs it, "
        "and its answer is checked against the model's own reasoning."
    )
    threshold: ClassVar[float] = 0.5
    # The confidence says how the answers agreed (README's reliability table, GSM8K rows).
    confident_at: ClassVar[float] = 0.25
    # A program and a step-by-step reasoning come before any text (four turns when they
    # disagree: up to ~1,500 tokens, ~47 s p50 idle on 2 cores): the default 60 s first-answer
    # limit cut it and the general model answered instead (seen from a fresh install).
    first_answer_s: ClassVar[float | None] = 180.0
    # bench/bench_wordmath.py --signals sets this to make all four answers on every problem
    # (the decision is the same function; the figures for each rule come from one run).
    always_vote: bool = False

    def score(self, query: Query) -> float:
        return word_problem_score(query.text)

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        question = query.text.strip()
        if word_problem_score(question) <= 0:
            raise SkillDeclined("not a quantitative question in words")
        backend = await self.ctx.llm.backend("code")
        if backend.is_paid:
            # Paid calls only go through cloud escalation, with approval.
            raise SkillDeclined("the configured model is a paid endpoint")
        run = _Run()
        emit(Progress("wordmath", 1, 3, "writing a program"))
        await self._program(backend, question, 0.0, None, run, emit)
        # The program's answer is shown while the reasoning checks it (a minute on 2 cores),
        # as progress: not yet the answer.
        said = next((v.reading.line for v in run.votes if v.source == "program"), None)
        emit(
            Progress(
                "wordmath",
                2,
                3,
                f"the program gives {said}; checking it by reasoning step by step"
                if said
                else "reasoning it through step by step",
            )
        )
        await self._reason(backend, question, 0.0, None, run)
        first_round = len(run.votes)
        if self.always_vote or not _settled(run.votes):
            emit(Progress("wordmath", 3, 3, "they disagree: a second program and a second try"))
            await self._program(backend, question, SECOND_TEMPERATURE, SECOND_SEED, run, emit)
            await self._reason(backend, question, REASON_TEMPERATURE, REASON_SEED, run)
        chosen, conf = decide(run.votes, run.notes)
        if chosen is None:
            doubtful = [a for a in run.programs if a.reading is not None and a.doubt]
            if doubtful and doubtful[0].reading is not None:
                chosen = Vote(doubtful[0].reading, "program", doubtful[0])
                conf = IMPLAUSIBLE_CONF
        if chosen is None:
            why = "; ".join(f"{a.outcome}: {a.error[-200:]}" for a in run.programs)
            log.info("no answer for %r (%s)", question[:120], why)
            raise SkillDeclined(f"no program or reasoning gave an answer ({why})")
        text = chosen.reading.line
        emit(Chunk(text))
        notes = run.notes
        att = chosen.attempt
        if att is not None and att.doubt:
            notes.append(f"doubtful: {att.doubt}")
        notes.append(f"programs written: {len(run.programs)}")
        return SkillAnswer(
            text,
            confidence=round(conf, 4),
            code=att.code if att else None,
            output=att.stdout if att else None,
            notes=notes,
            data={
                "value": str(chosen.reading.value) if chosen.reading.value is not None else None,
                "attempts": [a.summary() for a in run.programs],
                "votes": [
                    {
                        "source": v.source,
                        "answer": v.reading.line,
                        "value": str(v.reading.value) if v.reading.value is not None else None,
                    }
                    for v in run.votes
                ],
                "first_round": first_round,
                "reasoned": att is None,
                "model": backend.model_name,
            },
        )

    async def _program(
        self,
        backend: Any,
        question: str,
        temperature: float,
        seed: int | None,
        run: _Run,
        emit: Emit,
    ) -> None:
        """One program (repaired once if it fails to run); its answer votes when plausible."""
        att = await self._attempt(
            backend, messages_for(question), question, temperature, seed, emit
        )
        run.programs.append(att)
        if not att.answered and att.outcome in ("error", "empty"):
            emit(Progress("wordmath", message="repairing the program"))
            msgs = [
                *messages_for(question),
                *repair_message(att.code.removeprefix(HALF_UP_ROUND), att.error),
            ]
            att = await self._attempt(backend, msgs, question, temperature, seed, emit)
            run.programs.append(att)
        if att.reading is not None and not att.doubt:
            run.votes.append(Vote(att.reading, "program", att))
        elif att.reading is not None:
            run.notes.append(f"a program printed {att.reading.line}: {att.doubt}")

    async def _reason(
        self, backend: Any, question: str, temperature: float, seed: int | None, run: _Run
    ) -> None:
        """The model's own step-by-step answer, read from its final "Answer:" line."""
        opts = GenerationOptions(max_tokens=REASON_MAX_TOKENS, temperature=temperature, seed=seed)
        reply = await backend.chat(
            [Message("system", REASON_PROMPT), Message("user", question)], opts
        )
        line = answer_line(reply.text)
        reading = reasoned_reading(line) if line else None
        if reading is None:
            run.notes.append("a step-by-step reasoning gave no final answer")
            return
        doubt = implausible(question, reading)
        if doubt:
            run.notes.append(f"a step-by-step answer was {reading.line}: {doubt}")
            return
        run.votes.append(Vote(reading, "reasoning"))

    # ----- one program -----

    async def _attempt(
        self,
        backend: Any,
        messages: list[Message],
        question: str,
        temperature: float,
        seed: int | None,
        emit: Emit,
    ) -> Attempt:
        opts = GenerationOptions(max_tokens=MAX_TOKENS, temperature=temperature, seed=seed)
        reply = await backend.chat(messages, opts)
        att = Attempt(
            with_half_up_round(code_of(reply.text)),
            tokens=reply.usage.completion_tokens,
        )
        if not att.code.strip():
            att.outcome, att.error = "empty", "the model wrote no program"
            return att
        if reply.finish_reason == "length":
            att.outcome = "error"
            att.error = f"the program was cut at {MAX_TOKENS} tokens; write a shorter one"
            return att
        await self._approve(att.code)
        emit(Progress("sandbox", message="running the program in the sandbox"))
        res = await self.ctx.sandbox.execute_python(
            att.code, session=SANDBOX_SESSION, timeout_s=PROGRAM_TIMEOUT_S
        )
        att.stdout = res.stdout
        if not res.ok:
            att.outcome = res.outcome
            reason = res.killed_reason or f"exit status {res.exit_code}"
            tail = (res.stderr or res.stdout).strip()[-800:]
            att.error = f"{reason}\n{tail}" if tail else reason
            return att
        att.reading = read_output(res.stdout)
        if att.reading is None:
            att.outcome, att.error = "empty", "the program printed nothing"
            return att
        att.outcome = "ok"
        att.doubt = implausible(question, att.reading)
        return att

    async def _approve(self, code: str) -> None:
        if not self.ctx.settings.sandbox.show_code_before_run:
            return
        decision = await self.ctx.approval.request(
            ApprovalRequest(
                kind="code_run",
                title="Run this python program in the sandbox to answer the question?",
                why="'Ask before running generated code' is on in the sandbox settings",
                details=code,
                scope="code_run",
            )
        )
        if not decision.approved:
            raise SkillDeclined("the user declined running the program")


def same_answer(a: Reading, b: Reading) -> bool:
    """The same answer: equal numbers up to rounding (12.675 and 12.68), else equal text."""
    if a.value is not None and b.value is not None:
        x, y = float(a.value), float(b.value)
        return abs(x - y) <= CLOSE_ABS + CLOSE_REL * max(abs(x), abs(y))
    return a.key == b.key


def _settled(votes: list[Vote]) -> bool:
    """The first program and the first reasoning gave the same answer."""
    progs = [v for v in votes if v.source == "program"]
    reasons = [v for v in votes if v.source == "reasoning"]
    return bool(progs and reasons) and same_answer(progs[0].reading, reasons[0].reading)


def _groups(votes: list[Vote]) -> list[list[Vote]]:
    """Votes grouped by answer, in the order each answer first appeared."""
    groups: list[list[Vote]] = []
    for v in votes:
        for g in groups:
            if same_answer(g[0].reading, v.reading):
                g.append(v)
                break
        else:
            groups.append([v])
    return groups


def _shown(group: list[Vote]) -> Vote:
    """The vote a group is answered with: its first program (exact output, code under it),
    else its first reasoning."""
    for v in group:
        if v.source == "program":
            return v
    return group[0]


def decide(votes: list[Vote], notes: list[str]) -> tuple[Vote | None, float]:
    """The answer most votes reached, and a confidence from how they agreed. The first program
    and the first reasoning agreeing settle it; otherwise up to four vote, and a tie goes to
    the answer the first (greedy) reasoning reached, else to one a reasoning reached."""
    if not votes:
        return None, 0.0
    groups = _groups(votes)
    first_reason = next((v for v in votes if v.source == "reasoning"), None)

    def rank(g: list[Vote]) -> tuple[int, bool, bool]:
        return (len(g), first_reason in g, any(v.source == "reasoning" for v in g))

    best = max(groups, key=rank)
    shown = _shown(best)
    others = ", ".join(_shown(g).reading.line for g in groups if g is not best)
    n, k = len(votes), len(best)
    both = len({v.source for v in best}) == 2  # a program and a reasoning among them
    runner_up = max((len(g) for g in groups if g is not best), default=0)
    if k == n and n >= 2 and both:
        notes.append(
            "checked: the program and the model's step-by-step reasoning agree"
            if n == 2
            else f"all {n} answers agree (programs and step-by-step reasoning)"
        )
        return shown, AGREE_CONF if n == 2 else ALL_AGREE_CONF
    if k >= 2 and k > runner_up and both:
        notes.append(f"{k} of {n} answers agree; the others: {others}")
        return shown, VOTE_CONF
    if n == 1:
        what = "a program" if shown.source == "program" else "the step-by-step reasoning"
        notes.append(f"unsure: only {what} gave an answer")
        return shown, SPLIT_CONF
    notes.append(
        "unsure: the answers disagree ("
        + ", ".join(f"{len(g)}x {_shown(g).reading.line}" for g in groups)
        + ")"
    )
    return shown, SPLIT_CONF


_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
# a lone letter next to an operator: an expression with an unknown ("x + 4", "2*y")
_UNKNOWN = re.compile(
    r"(?<![A-Za-z$])[A-Za-z](?:\s*[+*^=]|\s+-\s)\s*[\w(]"  # "x + 4", "y = 2", "a - 3"
    r"|[\d)](?:\s*[+*^=/]|\s+-\s)\s*[A-Za-z](?![A-Za-z])"  # "4 + x", "2*y", "3 - b"
    r"|(?<![A-Za-z$])[A-Za-z]\s*/\s*\d"  # "x/2" (not "m/s")
)
# what is left of "Answer: 42" or "The final answer is $42." without its number
_LABEL_ONLY = re.compile(r"(?i)\s*(?:the\s+)?(?:final\s+)?answer(?:\s+is)?\s*[:=]?\s*\$?\s*\.?\s*")


def reasoned_reading(line: str) -> Reading | None:
    """A reasoning's final answer line read as an answer: "Answer: $18" is 18 dollars; a
    sentence with one number in it ("Janet makes 18 dollars a day") is that number, shown
    first ("18 — Janet makes 18 dollars a day"). A line that still holds an unknown ("x + 4")
    is no answer (None)."""
    reading = read_output(line)
    if reading is None:
        return None
    if _UNKNOWN.search(reading.line):
        return None  # still an expression: no answer
    if reading.value is not None:
        return reading
    nums = {m.group().replace(",", "") for m in _NUMBER.finditer(line)}
    if len(nums) == 1:
        lit = nums.pop()
        try:
            value = Fraction(lit)
        except (ValueError, ZeroDivisionError):
            return reading
        if _LABEL_ONLY.fullmatch(reading.line.replace(lit, "", 1)):
            return Reading(lit, value)
        return Reading(f"{lit} — {reading.line}", value)
    return reading
