"""The code skill against the real sandbox, with a scripted LLM backend (a fake subclass of
LLMBackend, tests only) until the llm branch provides real ones."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from council_core.approval import ApprovalChannel, ApprovalRequest, Choice, Decision
from council_core.base.errors import ApprovalDeclined
from council_core.context import SkillContext
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece
from council_core.skill import Query
from council_core.skills.code import CodeSkill, extract_code

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed"),
]


class ScriptedBackend(LLMBackend):
    """Answers each chat with the next scripted reply and records the prompts."""

    name = "scripted"

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[list[Message]] = []

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        self.prompts.append(list(messages))
        yield Piece(self.replies.pop(0), finish_reason="stop")

    async def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        yield Piece("", finish_reason="stop")


class Manager:
    def __init__(self, backend: LLMBackend) -> None:
        self._backend = backend
        self.purposes: list[str] = []

    async def backend(self, purpose: str = "general") -> LLMBackend:
        self.purposes.append(purpose)
        return self._backend


class Recorder:
    def __init__(self, *decisions: Decision) -> None:
        self.decisions = list(decisions)
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, req: ApprovalRequest) -> Decision:
        self.requests.append(req)
        return self.decisions.pop(0) if self.decisions else Decision(Choice.DECLINE)


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
