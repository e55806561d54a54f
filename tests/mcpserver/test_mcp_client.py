"""Council as an MCP client: real servers from PyPI (mcp-server-time, mcp-server-git), the
real embedder, the real local model for arguments (schema-constrained), the approval channel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from council_core.approval import ApprovalChannel, Choice, Decision
from council_core.base.errors import BackendUnavailable, PermissionDenied, SkillDeclined
from council_core.context import SkillContext
from council_core.settings import McpServerEntry, load_settings
from council_core.skill import Query
from council_core.skills.tools import ToolsSkill
from tests.helpers.cli import run_council

BIN = Path(sys.executable).parent
TIME = [str(BIN / "mcp-server-time"), "--local-timezone", "UTC"]
GIT = [str(BIN / "mcp-server-git")]


def _ctx(approver: Any = None, **servers: list[str]) -> SkillContext:
    from council_core.approval import decline_all

    ctx = SkillContext(approval=ApprovalChannel(approver or decline_all))
    ctx.settings.mcp.servers = [McpServerEntry(name=n, command=c) for n, c in servers.items()]
    return ctx


def _repo(path: Path) -> Path:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@x",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@x",
    )
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    (path / "notes.txt").write_text("hello\n")
    subprocess.run(["git", "add", "."], cwd=path, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "add the pump notes"], cwd=path, check=True, env=env)
    return path


async def test_hub_lists_and_calls_a_real_server(council_home: Path) -> None:
    ctx = _ctx(time=TIME)
    hub = ctx.service("mcp")
    try:
        tools = await hub.list_tools()
        assert {t.key for t in tools} >= {"time/get_current_time", "time/convert_time"}
        # the catalog is cached for cheap routing
        assert {t.key for t in hub.cached_tools()} == {t.key for t in tools}
        tool = next(t for t in tools if t.name == "get_current_time")
        res = await hub.call(tool, {"timezone": "Asia/Tokyo"})
        assert not res.is_error
        assert json.loads(res.text)["timezone"] == "Asia/Tokyo"
    finally:
        await ctx.aclose()


async def test_a_server_that_does_not_start_or_hangs_is_reported(
    council_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from council_core.mcp import client

    hang = tmp_path / "hang.py"
    hang.write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setattr(client, "START_TIMEOUT_S", 3.0)
    ctx = _ctx(missing=["/nonexistent/mcp-server"], hangs=[sys.executable, str(hang)])
    hub = ctx.service("mcp")
    try:
        with pytest.raises(BackendUnavailable, match="failed to start"):
            await hub.list_tools("missing")
        with pytest.raises(BackendUnavailable, match="did not start within 3 s"):
            await hub.list_tools("hangs")
    finally:
        await ctx.aclose()


async def test_routing_only_for_prompts_that_match_a_tool(council_home: Path) -> None:
    ctx = _ctx(time=TIME)
    skill = ToolsSkill(ctx)
    try:
        await skill._hub().list_tools()
        assert skill.score(Query("What is 17*23?")) == 0.0
        assert skill.score(Query("what is a time zone?")) == 0.0  # a concept, not an action
        assert skill.score(Query("what time is it in Tokyo")) >= skill.threshold
        picked = await skill.choose("what time is it in Tokyo")
        assert picked is not None and picked[0].key == "time/get_current_time"
        picked = await skill.choose("convert 3pm London time to Los Angeles time")
        assert picked is not None and picked[0].key == "time/convert_time"
        assert await skill.choose("recommend a good book about history") is None
        with pytest.raises(SkillDeclined):
            await skill.answer(Query("recommend a good book about history"))
    finally:
        await ctx.aclose()


async def test_no_servers_no_routing(council_home: Path) -> None:
    ctx = _ctx()
    assert ToolsSkill(ctx).score(Query("what time is it in Tokyo")) == 0.0
    await ctx.aclose()


@pytest.mark.llm
@pytest.mark.slow
async def test_time_tool_answers_with_arguments_from_the_local_model(council_home: Path) -> None:
    asked: list[str] = []

    async def always(req: Any) -> Decision:
        asked.append(req.title)
        return Decision(Choice.APPROVE_ALWAYS, reason="user: always")

    ctx = _ctx(always, time=TIME)
    skill = ToolsSkill(ctx)
    try:
        ans = await skill.answer(Query("what time is it in Tokyo"))
        assert ans.data["tool"] == "time/get_current_time"
        assert ans.data["arguments"] == {"timezone": "Asia/Tokyo"}
        assert "Asia/Tokyo" in ans.answer and "+09:00" in ans.answer
        assert ans.sources[0].path == "mcp://time/get_current_time"
        assert len(asked) == 1
        # "always" is remembered (in the settings file, revocable) and not asked again
        assert "time/get_current_time" in load_settings().mcp.always_allowed_tools
        await skill.answer(Query("what's the current time in New York?"))
        assert len(asked) == 1
    finally:
        await ctx.aclose()


@pytest.mark.llm
@pytest.mark.slow
async def test_git_log_of_a_real_repo_and_declined_calls(
    council_home: Path, tmp_path: Path
) -> None:
    repo = _repo(tmp_path / "project")
    ctx = _ctx(git=GIT)  # decline_all: a non-interactive caller
    skill = ToolsSkill(ctx)
    try:
        with pytest.raises(PermissionDenied, match="not approved"):
            await skill.answer(Query(f"what changed in the last commit of {repo}"))
        tool = next(t for t in await skill._hub().list_tools() if t.name == "git_log")
        args = await skill.arguments(tool, f"show the git log of {repo}")
        assert args["repo_path"] == str(repo)
        res = await skill._hub().call(tool, args)
        assert "add the pump notes" in res.text
    finally:
        await ctx.aclose()


def test_cli_add_list_remove(council_home: Path) -> None:
    env = dict(os.environ, COUNCIL_HOME=str(council_home))

    def council(*args: str) -> subprocess.CompletedProcess[str]:
        return run_council("mcp", *args, env=env)

    r = council("add", "time", "--", *TIME)
    assert r.returncode == 0, r.stderr
    assert "get_current_time" in r.stdout
    r = council("add", "broken", "--", "/nonexistent/server")
    assert r.returncode == 1 and "FAILED" in r.stdout and "fix:" in r.stdout
    r = council("add", "bad name!", "--", "x")
    assert r.returncode == 2 and "names use letters" in r.stderr
    r = council("remove", "broken")
    assert r.returncode == 0
    r = council("list")
    assert r.returncode == 0 and "time  ok" in r.stdout and "broken" not in r.stdout
    assert [e.name for e in load_settings().mcp.servers] == ["time"]
