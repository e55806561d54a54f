"""What makes a function request fast (issue 22, latency): each model turn stops once what is
read of it is written (the function's block; the checks that are used), the time of every
phase is recorded, and the sandbox is started while the model writes. The backend here streams
its scripted replies a few characters at a time, as a model streams tokens, and counts what it
was made to generate before the skill stopped it."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from council_core.approval import ApprovalChannel
from council_core.context import SkillContext
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece, Usage
from council_core.skill import Query
from council_core.skills import code_function
from council_core.skills.code import CodeSkill
from council_core.skills.code_function import checks_written, function_written
from tests.helpers.fakes import Manager, Recorder

PROMPT = '''Write this Python function and make sure it passes its examples:
```python
def add(a: int, b: int) -> int:
    """Return a + b.

    >>> add(2, 3)
    5
    """
```'''
FUNCTION = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"
PROSE = (
    "\n\nThis function takes two integers and returns their sum. For example, add(2, 3) "
    "returns 5 and add(-1, 1) returns 0. It works for any integers, large or small.\n"
)
CHECKS = (
    "```python\nassert add(0, 0) == 0\nassert add(-1, 1) == 0\nassert add(10**6, 1) == 10**6 + 1"
    "\nassert add(1, 1) == 2\nassert add(2, 2) == 4\n```\nThese cover zero, negatives and big "
    "numbers.\n"
)


def _pieces(text: str) -> list[str]:
    """Token-sized pieces: words with their spaces, newlines on their own."""
    return re.findall(r"\n|[^\s]+[ \t]*|[ \t]+", text)


class StreamingBackend(LLMBackend):
    """Streams each scripted reply piece by piece; records how many pieces each turn was
    made to generate (a real model stops generating when the stream is closed)."""

    name = "streaming"

    def __init__(
        self,
        replies: list[str],
        checks: str,
        reading: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.reading = reading  # awaited before the first piece (the prompt being read)
        self.replies = list(replies)
        self.checks = checks
        self.generated: list[tuple[str, int, int]] = []  # (turn, pieces made, pieces in reply)

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        is_checks = messages[-1].content in (code_function.EDGE_CHECKS, code_function.OWN_CHECKS)
        text = self.checks if is_checks else self.replies.pop(0)
        pieces = _pieces(text)
        row = ["checks" if is_checks else "write", 0, len(pieces)]
        self.generated.append(row)  # type: ignore[arg-type]
        if self.reading is not None:
            await self.reading()
        for p in pieces:
            row[1] += 1  # type: ignore[operator]
            yield Piece(p)
        yield Piece("", finish_reason="stop", usage=Usage(10, len(pieces)))

    async def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        yield Piece("", finish_reason="stop")


def test_a_write_turn_is_enough_once_the_functions_block_is_closed() -> None:
    enough = function_written("add")
    assert enough("```python\ndef add(a, b):\n    return a + b\n") is None  # still open
    assert enough(FUNCTION + "\n\nThis") == FUNCTION
    # a stub, another function, a block that does not load or is not Python: not yet
    assert enough('```python\ndef add(a, b):\n    """Sum."""\n```') is None
    assert enough("```python\ndef helper(x):\n    return x\n```") is None
    assert enough("```python\ndef add(a, b):\n    return (a +\n```") is None
    assert enough("```bash\necho add\n```") is None
    assert function_written(None)(FUNCTION) == FUNCTION  # no name asked: any function


def test_a_checks_turn_is_enough_once_the_used_asserts_are_written() -> None:
    enough = checks_written(3, 3)
    two = "```python\nassert add(0, 0) == 0\nassert add(-1, 1) == 0\n"
    assert enough(two) is None
    # the third assert counts only once its line is whole
    assert enough(two + "assert add(1, 1) ==") is None
    got = enough(two + "assert add(1, 1) == 2\n")
    assert got == two + "assert add(1, 1) == 2\n```"
    assert code_function.split_reply(got)[1] == [
        "assert add(0, 0) == 0",
        "assert add(-1, 1) == 0",
        "assert add(1, 1) == 2",
    ]
    # a multi-line assert counts once it is complete
    long = "```python\nassert add(1, 2) == 3\nassert add(2, 2) == 4\nassert add(\n"
    assert enough(long) is None
    assert enough(long + "    3, 4) == 7\n") is not None
    # with no examples 5 are used: a closed block with the 3 asked for is enough too
    own = checks_written(5, 3)
    assert own(two + "assert add(1, 1) == 2\n") is None
    assert own(two + "assert add(1, 1) == 2\n```") is not None
    assert own("```python\nassert add(1, 1) == 2\n```") is None  # fewer: the model goes on


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed")
async def test_the_model_stops_after_the_function_and_the_used_checks() -> None:
    llm = StreamingBackend([FUNCTION + PROSE], CHECKS)
    ctx = SkillContext(approval=ApprovalChannel(Recorder()))
    ctx.provide("llm", Manager(llm))
    try:
        ans = await CodeSkill(ctx).answer(Query(PROMPT, "speed1"))
    finally:
        await ctx.aclose()
    assert ans.data["outcome"] == "ok" and ans.confidence >= 0.9
    assert ans.code == "def add(a: int, b: int) -> int:\n    return a + b\n"
    # the three edge-case checks used, no more, and the user's example
    assert "your 1 example: 1 passed" in ans.answer
    assert "3 edge-case checks of my own: 3 passed" in ans.answer
    assert "add(1, 1) == 2" not in ans.answer  # the 4th assert was never generated
    (w, w_made, w_all), (c, c_made, c_all) = llm.generated
    assert (w, c) == ("write", "checks")
    # the write turn ended at the closing fence: none of the explanation was generated
    assert w_made == len(_pieces(FUNCTION)) < w_all
    # the checks turn ended after the third assert's line
    assert c_made == len(_pieces(CHECKS.split("assert add(1, 1)")[0])) < c_all
    # every phase is timed, in order
    phases = ans.data["phases"]
    assert [p["phase"] for p in phases] == ["write", "checks", "sandbox"]
    assert phases[0]["stopped_early"] and phases[1]["stopped_early"]
    assert phases[0]["completion_tokens"] == w_made
    assert phases[2]["examples"] == 4 and phases[2]["s"] > 0
    assert all(p["s"] >= 0 for p in phases) and ans.data["phases_total_s"] > 0


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed")
async def test_the_sandbox_is_started_while_the_model_writes() -> None:
    ctx = SkillContext(approval=ApprovalChannel(Recorder()))
    ctx.settings.sandbox.pool_size = 1

    async def reading() -> None:  # the model takes its time; firejail starts meanwhile
        sb = ctx.sandbox
        await asyncio.to_thread(sb.pool.wait_ready, sb.policy("speed2"), 10.0)

    llm = StreamingBackend([FUNCTION], CHECKS, reading)
    ctx.provide("llm", Manager(llm))
    try:
        ans = await CodeSkill(ctx).answer(Query(PROMPT, "speed2"))
    finally:
        await ctx.aclose()
    assert ans.data["outcome"] == "ok"
    (run,) = [p for p in ans.data["phases"] if p["phase"] == "sandbox"]
    assert run["pooled"] is True  # the first run found a sandbox already started


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed")
async def test_only_its_own_checks_failing_gets_one_repair_not_all() -> None:
    # The user's example passes every time; the model's own check is wrong (add(0, 0) == 1)
    # and each repair rewrites the code differently without satisfying it.
    variants = [
        FUNCTION,
        "```python\ndef add(a: int, b: int) -> int:\n    return b + a\n```",
        "```python\ndef add(a: int, b: int) -> int:\n    return sum((a, b))\n```",
    ]
    wrong = "```python\nassert add(0, 0) == 1\nassert add(1, 1) == 2\nassert add(2, 1) == 3\n```"
    llm = StreamingBackend(variants, wrong)
    ctx = SkillContext(approval=ApprovalChannel(Recorder()))
    ctx.settings.sandbox.pool_size = 0
    ctx.settings.sandbox.max_repairs = 2
    ctx.provide("llm", Manager(llm))
    try:
        ans = await CodeSkill(ctx).answer(Query(PROMPT, "speed3"))
    finally:
        await ctx.aclose()
    assert ans.data["attempts"] == 2 and len(llm.replies) == 1  # the third was never asked
    assert ans.data["best_attempt"] == 1 and ans.code == variants[0][10:-3]
    assert 0.5 <= ans.confidence < 0.9
    assert "a check of my own does not" in ans.answer
    runs = [p for p in ans.data["phases"] if p["phase"] == "sandbox"]
    assert len(runs) == 2
