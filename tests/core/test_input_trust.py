"""Untrusted input at the edges (issue 16): batch lines, the HTTP API (`council serve` on a
real loopback port), and what `council run` shows of sandbox output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from council_core.router import Council
from council_core.skills.general import GeneralSkill
from tests.helpers.cli import run_council
from tests.llm.test_serve import Upper, _serve, auth

ROOT = Path(__file__).resolve().parents[2]


cli = run_council  # tests/helpers/cli.py: the one `council` subprocess helper

# ----- batch -----


def test_batch_answers_bad_json_lines_with_a_clear_per_line_error(council_home):
    lines = [
        '"just a JSON string"',
        "[1, 2, 3]",
        '{"prompt": "17*23", "session": 5}',
        '{"prompt": 42}',
        "[" * 100_000 + "]" * 100_000,
        '{"prompt": "17*23"}',
        "2+2",
    ]
    r = cli("batch", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr[-2000:]
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == len(lines)
    errs = [o["error"] for o in out[:5]]
    assert all(e and e["kind"] == "bad_input" for e in errs), errs
    assert errs[0]["message"].startswith("line 1: a JSON line must be an object, not str")
    assert "not list" in errs[1]["message"]
    assert "'session' must be a string, not int" in errs[2]["message"]
    assert "'prompt' must be a string" in errs[3]["message"]
    assert "nested too deeply" in errs[4]["message"]
    assert len(out[4]["prompt"]) < 1000  # the 200,000-character line is not echoed back
    assert out[5]["error"] is None and "391" in out[5]["answer"]
    assert out[6]["error"] is None and "4" in out[6]["answer"]


# ----- the HTTP API -----


@pytest.fixture
def base(ctx) -> Iterator[str]:
    ctx.settings.llm.model_path = "/nonexistent/model.gguf"
    yield from _serve(Council(ctx, skills={"upper": Upper, "general": GeneralSkill}, hooks=[]))


def test_api_refuses_a_foreign_host_header(base: str) -> None:
    port = base.rsplit(":", 1)[1]
    r = httpx.get(f"{base}/v1/models", headers={**auth(), "Host": f"evil.example:{port}"})
    assert r.status_code == 421 and "127.0.0.1" in r.json()["error"]["message"]
    r = httpx.get(f"{base}/health", headers={"Host": f"rebind.attacker.test:{port}"})
    assert r.status_code == 421
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert httpx.get(f"{base}/v1/models", headers={**auth(), "Host": host}).status_code == 200


def test_api_input_validation(base: str) -> None:
    h = {**auth(), "Content-Type": "application/json"}
    deep = "[" * 100_000 + "]" * 100_000
    r = httpx.post(f"{base}/hybrid", content=deep, headers=h)
    assert r.status_code == 400 and "nested too deeply" in r.json()["error"]["message"]
    r = httpx.post(f"{base}/hybrid", json={"prompt": "shout hi", "session": 5}, headers=auth())
    assert r.status_code == 400 and "'session' must be a string" in r.json()["error"]["message"]
    r = httpx.post(f"{base}/hybrid", json={"prompt": "shout hi", "session": "s1"}, headers=auth())
    assert r.status_code == 200 and r.json()["answer"] == "HI"
    r = httpx.post(
        f"{base}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "x"}], "user": ["a"]},
        headers=auth(),
    )
    assert r.status_code == 400
    r = httpx.post(f"{base}/hybrid", content=b"x" * (9 * 1024 * 1024), headers=h, timeout=60)
    assert r.status_code == 413


def test_api_does_not_echo_a_rejected_huge_prompt(base: str) -> None:
    big = "why " * 750_000  # 3 MB
    r = httpx.post(
        f"{base}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": big}]},
        headers=auth(),
        timeout=120,
    )
    assert r.status_code >= 400
    assert len(r.content) < 20_000, len(r.content)
    assert "not echoed" in r.json()["council"]["prompt"]


# ----- council run shows sandbox output, never obeys it -----


@pytest.mark.sandbox
def test_council_run_escapes_terminal_sequences_in_sandbox_output(council_home):
    code = (
        "printf '\\033]52;c;aGVsbG8=\\007clip\\n'\n"
        "printf '\\033[8mhidden\\033[0m\\ttab\\n'\n"
        "printf 'err\\033[2J\\n' >&2\n"
    )
    r = cli("run", "bash", "-", stdin=code, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\x1b" not in r.stderr
    assert "\\x1b]52;c;aGVsbG8=\\x07clip\n" in r.stdout
    assert "\\x1b[8mhidden\\x1b[0m\ttab\n" in r.stdout  # newlines and tabs are kept
    assert "err\\x1b[2J" in r.stderr
