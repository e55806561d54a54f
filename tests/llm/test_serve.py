"""`council serve` on a real loopback port, hit with httpx: auth, models, chat (plain and SSE),
/hybrid, /metrics, bad requests, bind policy, the token file."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from council_core.base.errors import PermissionDenied
from council_core.base.result import SkillAnswer
from council_core.router import Council
from council_core.serve import check_bind, create_app, server_token
from council_core.skill import Skill
from council_core.skills.general import GeneralSkill
from tests.helpers.cli import run_council

TOKEN = "test-token-0123456789"


class Upper(Skill):
    """A real skill: answers 'shout ...' questions, streaming two chunks."""

    name = "upper"
    threshold = 0.5

    def score(self, query) -> float:
        return 0.9 if query.text.startswith("shout") else 0.0

    async def answer(self, query, emit=lambda e: None) -> SkillAnswer:
        from council_core.base.result import Chunk

        text = query.text.removeprefix("shout").strip().upper()
        emit(Chunk(text[: len(text) // 2]))
        emit(Chunk(text[len(text) // 2 :]))
        return SkillAnswer(text, confidence=0.99)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(council: Council) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(
        create_app(council, token=TOKEN), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    t.join(10)


@pytest.fixture
def base(ctx) -> Iterator[str]:
    ctx.settings.llm.model_path = "/nonexistent/model.gguf"  # general: a clear "unavailable"
    yield from _serve(Council(ctx, skills={"upper": Upper, "general": GeneralSkill}, hooks=[]))


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_health_needs_no_token_everything_else_does(base: str) -> None:
    assert httpx.get(f"{base}/health").json() == {"status": "ok"}
    r = httpx.get(f"{base}/v1/models")
    assert r.status_code == 401 and "show-token" in r.json()["error"]["fix"]
    r = httpx.get(f"{base}/v1/models", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    r = httpx.get(f"{base}/v1/models", headers=auth())
    assert r.status_code == 200 and r.json()["data"][0]["id"] == "council"


def test_chat_completion_answers_with_the_council(base: str) -> None:
    body = {"model": "council", "messages": [{"role": "user", "content": "shout hello"}]}
    r = httpx.post(f"{base}/v1/chat/completions", json=body, headers=auth())
    assert r.status_code == 200
    data = r.json()
    assert data["object"] == "chat.completion"
    assert data["choices"][0]["message"] == {"role": "assistant", "content": "HELLO"}
    assert data["council"]["skill"] == "upper"


def test_chat_completion_streams_server_sent_events(base: str) -> None:
    body = {"messages": [{"role": "user", "content": "shout streaming"}], "stream": True}
    events: list[Any] = []
    with httpx.stream("POST", f"{base}/v1/chat/completions", json=body, headers=auth()) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                payload = line[len("data: ") :]
                events.append(payload if payload == "[DONE]" else json.loads(payload))
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "STREAMING"
    assert sum(1 for c in chunks if c["choices"][0]["delta"].get("content")) == 2
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["council"]["skill"] == "upper"


def test_errors_are_openai_shaped_with_a_fix(base: str) -> None:
    # No specialist and no local model: 503 with the reason and the fix, quickly.
    t0 = time.perf_counter()
    r = httpx.post(
        f"{base}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "who wrote Hamlet?"}]},
        headers=auth(),
    )
    assert time.perf_counter() - t0 < 1.5
    assert r.status_code == 503
    err = r.json()["error"]
    assert err["type"] == "backend_unavailable" and "local model unavailable" in err["message"]
    assert err["fix"]
    r = httpx.post(f"{base}/v1/chat/completions", content=b"{not json", headers=auth())
    assert r.status_code == 400
    r = httpx.post(
        f"{base}/v1/chat/completions",
        json={"messages": [{"role": "assistant", "content": "x"}]},
        headers=auth(),
    )
    assert r.status_code == 400 and "last message" in r.json()["error"]["message"]


def test_hybrid_returns_the_council_result(base: str) -> None:
    r = httpx.post(f"{base}/hybrid", json={"prompt": "shout hybrid"}, headers=auth())
    d = r.json()
    assert r.status_code == 200
    assert d["answer"] == "HYBRID" and d["skill"] == "upper" and d["error"] is None
    assert {"prompt", "confidence", "latency_ms", "sources", "cost_usd"} <= set(d)
    r = httpx.post(f"{base}/hybrid", json={"prompt": 5}, headers=auth())
    assert r.status_code == 400


def test_metrics_are_served(base: str) -> None:
    httpx.post(f"{base}/hybrid", json={"prompt": "shout count me"}, headers=auth())
    r = httpx.get(f"{base}/metrics", headers=auth())
    assert r.status_code == 200
    assert 'council_requests_total{outcome="ok",skill="upper"}' in r.text


def test_non_loopback_binds_are_refused_unless_allowed() -> None:
    check_bind("127.0.0.1", False)
    check_bind("::1", False)
    check_bind("localhost", False)
    with pytest.raises(PermissionDenied) as err:
        check_bind("0.0.0.0", False)
    assert "allow_non_loopback" in (err.value.fix or "")
    check_bind("0.0.0.0", True)


def test_cli_refuses_a_public_bind(council_home) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    p = run_council("serve", "--host", "0.0.0.0", "--port", "1", env=env, timeout=60)
    assert p.returncode == 1 and "refusing to serve on 0.0.0.0" in p.stderr


def test_token_is_generated_once_and_kept_private(council_home, monkeypatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    before = keyring.get_keyring()  # another test may have initialised a backend in-process
    keyring.set_keyring(fail.Keyring())
    try:
        t1 = server_token()
        t2 = server_token()
    finally:
        keyring.set_keyring(before)
    assert t1 == t2 and len(t1) >= 32
    f = council_home / "config" / "serve-token"
    assert f.read_text().strip() == t1
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
