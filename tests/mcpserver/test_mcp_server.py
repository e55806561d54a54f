"""`council mcp` driven by the official MCP SDK client, over stdio and streamable HTTP.

The server is the real `council` process (a subprocess started the way an MCP client's
config starts it), with the real math/logic skills, SQLite memory, firejail and the files
service; the client is `mcp.Client`. Nothing is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.helpers.cli import run_council

REPO = Path(__file__).resolve().parents[2]
TOOLS = {
    "ask",
    "calculate",
    "reason",
    "search_documents",
    "run_code",
    "find_files",
    "plan_file_changes",
    "apply_file_plan",
    "remember",
    "recall",
}


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, COUNCIL_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _stdio(home: Path) -> Client:
    # setsid: no controlling terminal, as when an MCP client (Claude Desktop, Goose) starts it
    return Client(
        StdioServerParameters(
            command="setsid",
            args=["-w", sys.executable, "-m", "council_core", "mcp"],
            env=_env(home),
            cwd=str(REPO),
        ),
        read_timeout_seconds=120,
    )


def _cli(home: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "council_core", *args],
        env=_env(home),
        check=True,
        capture_output=True,
    )


def _grant(home: Path, *folders: Path) -> None:
    for folder in folders:
        _cli(home, "files", "grant", str(folder), "--rw")


def _payload(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content[0].text
    return json.loads(result.content[0].text)  # type: ignore[no-any-return]


def _error(result: Any) -> str:
    assert result.is_error
    return result.content[0].text  # type: ignore[no-any-return]


async def test_stdio_lists_tools_with_schemas_and_computes_exactly(council_home: Path) -> None:
    async with _stdio(council_home) as c:
        listed = await c.list_tools()
        names = {t.name for t in listed.tools}
        assert names == TOOLS
        by_name = {t.name: t for t in listed.tools}
        assert by_name["calculate"].input_schema["required"] == ["expression"]
        assert by_name["run_code"].input_schema["properties"]["language"]["enum"] == [
            "python",
            "bash",
        ]
        assert "approve" in (by_name["apply_file_plan"].description or "")

        got = _payload(await c.call_tool("calculate", {"expression": "17*23"}))
        assert got["result"] == "391"
        got = _payload(await c.call_tool("calculate", {"expression": "solve x^2 - 5x + 6 = 0"}))
        assert "2" in got["result"] and "3" in got["result"]

        # not a calculation: a clear tool error with the fix, not a guess
        msg = _error(await c.call_tool("calculate", {"expression": "who painted the ceiling"}))
        assert "cannot read this" in msg and "fix:" in msg
        # wrong argument types are refused by the schema
        _error(await c.call_tool("search_documents", {"query": "x", "k": "many"}))
        _error(await c.call_tool("calculate", {}))

        got = _payload(
            await c.call_tool(
                "reason",
                {
                    "premises": ["All men are mortal.", "Socrates is a man."],
                    "question": "Is Socrates mortal?",
                },
            )
        )
        assert got["result"] == "yes"
        assert got["answer"].lower().startswith("yes")


@pytest.mark.sandbox
async def test_stdio_runs_code_in_the_sandbox(council_home: Path) -> None:
    if not shutil.which("firejail"):
        pytest.skip("firejail is not installed (installer/apt-packages.txt installs it)")
    async with _stdio(council_home) as c:
        got = _payload(
            await c.call_tool(
                "run_code",
                {
                    "language": "python",
                    "code": "import os\nprint(6*7, os.path.exists('/root/.ssh'))",
                },
            )
        )
        assert got["stdout"].split() == ["42", "False"]
        assert got["exit_code"] == 0 and got["outcome"] == "ok"
        got = _payload(
            await c.call_tool(
                "run_code", {"language": "bash", "code": "while :; do :; done", "timeout_s": 1}
            )
        )
        assert got["outcome"] != "ok" and got["limit"] == "timeout"
        _error(await c.call_tool("run_code", {"language": "ruby", "code": "puts 1"}))


async def test_file_plan_needs_the_users_approval(council_home: Path, tmp_path: Path) -> None:
    src = tmp_path / "Desktop"
    dst = tmp_path / "Pictures"
    src.mkdir()
    dst.mkdir()
    shot = src / "Screenshot 2026-11-30.png"
    shot.write_bytes(b"\x89PNG")
    _grant(council_home, src, dst)
    async with _stdio(council_home) as c:
        found = _payload(await c.call_tool("find_files", {"query": f"screenshots in {src}"}))
        assert [Path(f["path"]).name for f in found["files"]] == [shot.name]
        plan = _payload(
            await c.call_tool(
                "plan_file_changes", {"request": f"move the screenshots in {src} into {dst}"}
            )
        )
        assert plan["plan_id"] and any(shot.name in op for op in plan["operations"])
        # the agent cannot approve: with no terminal to ask the user on, it is declined
        msg = _error(await c.call_tool("apply_file_plan", {"plan_id": plan["plan_id"]}))
        assert "did not approve" in msg and "nothing was changed" in msg
        assert shot.exists() and not (dst / shot.name).exists()
        # a plan applies at most once, and unknown ids are refused
        _error(await c.call_tool("apply_file_plan", {"plan_id": plan["plan_id"]}))


async def test_approved_plan_runs_and_is_undoable(council_home: Path, tmp_path: Path) -> None:
    """In-process with the user's approval given through Council's approval channel."""
    from council_core.approval import ApprovalChannel, Choice, Decision
    from council_core.context import SkillContext
    from council_core.mcp.tools import CouncilTools
    from council_core.router import Council

    asked: list[str] = []

    async def user_says_yes(req: Any) -> Decision:
        asked.append(req.details)
        return Decision(Choice.APPROVE_ONCE, reason="user: yes")

    src, dst = tmp_path / "Downloads", tmp_path / "Docs"
    src.mkdir()
    dst.mkdir()
    (src / "report.pdf").write_bytes(b"%PDF-1.4")
    _grant(council_home, src, dst)
    ctx = SkillContext(approval=ApprovalChannel(user_says_yes))
    files = ctx.service("files")
    tools = CouncilTools(Council(ctx))
    try:
        plan = await tools.plan_file_changes(f"move the pdfs in {src} into {dst}")
        done = await tools.apply_file_plan(plan["plan_id"])
        assert asked and "report.pdf" in asked[0]
        assert done["done"] == done["total"] == 1
        assert (dst / "report.pdf").exists() and not (src / "report.pdf").exists()
        files.undo_last()
        assert (src / "report.pdf").exists()
    finally:
        await ctx.aclose()


async def test_disabled_tool_is_not_offered_nor_run(council_home: Path) -> None:
    _cli(council_home, "settings", "set", "mcp.disabled_tools", '["run_code", "ask"]')
    async with _stdio(council_home) as c:
        names = {t.name for t in (await c.list_tools()).tools}
        assert names == TOOLS - {"run_code", "ask"}
        _error(await c.call_tool("run_code", {"language": "python", "code": "print(1)"}))


async def test_calls_are_counted_per_tool_and_audited(council_home: Path) -> None:
    from council_core.approval import ApprovalChannel
    from council_core.base.logs import setup_logging
    from council_core.base.metrics import snapshot
    from council_core.context import SkillContext
    from council_core.mcp.server import build_server, mcp_approver
    from council_core.router import Council

    ctx = SkillContext(approval=ApprovalChannel(mcp_approver))
    setup_logging(ctx.paths.log_dir)
    server = build_server(Council(ctx))
    try:
        async with Client(server) as c:
            _payload(await c.call_tool("calculate", {"expression": "2+2"}))
            _error(await c.call_tool("calculate", {"expression": "hello there"}))
    finally:
        await ctx.aclose()
    rows = {
        (labels["tool"], labels["outcome"]): v
        for labels, v in snapshot().get("council_mcp_calls_total", [])
    }
    assert rows[("calculate", "ok")] >= 1
    assert rows[("calculate", "bad_input")] >= 1
    audit = (ctx.paths.log_dir / "audit.log").read_text(encoding="utf-8")
    assert '"mcp_call"' in audit and '"calculate"' in audit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def http_server(council_home: Path, tmp_path: Path) -> Any:
    port = _free_port()
    env = _env(council_home)
    token = run_council("mcp", "--show-token", env=env).stdout.strip()
    log = tmp_path / "mcp-http.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "council_core", "mcp", "--http", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(log.read_text()) from None
            time.sleep(0.2)
    yield port, token
    proc.terminate()
    proc.wait(timeout=10)


async def test_http_needs_the_token_and_checks_host(http_server: Any) -> None:
    import httpx
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    port, token = http_server
    url = f"http://127.0.0.1:{port}/mcp"
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient() as h:
        r = await h.post(url, json=init, headers=accept)
        assert r.status_code == 401 and "show-token" in r.text
        r = await h.post(url, json=init, headers={**accept, "Authorization": "Bearer wrong"})
        assert r.status_code == 401
        r = await h.post(
            url,
            json=init,
            headers={**accept, "Authorization": f"Bearer {token}", "Host": "evil.example:80"},
        )
        assert r.status_code in (400, 403, 421)
        r = await h.post(
            url,
            json=init,
            headers={
                **accept,
                "Authorization": f"Bearer {token}",
                "Origin": "http://evil.example",
            },
        )
        assert r.status_code in (400, 403)

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http)) as c:
        assert {t.name for t in (await c.list_tools()).tools} == TOOLS
        got = _payload(await c.call_tool("calculate", {"expression": "2^10"}))
        assert got["result"] == "1024"


def test_http_refuses_non_loopback(council_home: Path) -> None:
    r = run_council("mcp", "--http", "--host", "0.0.0.0", env=_env(council_home), timeout=60)
    assert r.returncode == 2 and "loopback" in r.stderr


async def test_document_resources_list_and_read_chunks(council_home: Path, tmp_path: Path) -> None:
    from council_core.approval import ApprovalChannel
    from council_core.context import SkillContext
    from council_core.mcp.server import build_server, mcp_approver
    from council_core.router import Council

    note = tmp_path / "pump.md"
    note.write_text("# Pump P-200\n\nThe P-200 pump is serviced every 90 days.\n")
    ctx = SkillContext(approval=ApprovalChannel(mcp_approver))
    ctx.documents.ingest([note])
    server = build_server(Council(ctx))
    try:
        async with Client(server) as c:
            listed = json.loads((await c.read_resource("council://documents")).contents[0].text)
            assert [d["path"] for d in listed] == [str(note.resolve())]
            doc = json.loads((await c.read_resource("council://documents/0")).contents[0].text)
            assert "every 90 days" in " ".join(ch["text"] for ch in doc["chunks"])
            hits = _payload(await c.call_tool("search_documents", {"query": "pump service"}))
            assert hits["hits"][0]["path"] == str(note.resolve())
    finally:
        await ctx.aclose()
