"""A real OpenAI-protocol HTTP server on 127.0.0.1 for tests (uvicorn + starlette in a thread).

It speaks ``/v1/chat/completions`` (JSON and SSE streaming, usage reported like OpenAI's
``stream_options.include_usage``), ``/v1/completions`` and ``/v1/models``. Behaviour is
programmable per test::

    with OpenAIServer() as srv:             # or the ``openai_server`` fixture
        srv.answer = "Paris is the capital."
        srv.script = ["429", "500", "ok"]   # consumed one per request, then ``default``
        url = srv.base_url                   # http://127.0.0.1:PORT/v1
        ...
        srv.request_count, srv.requests[-1]["json"], srv.requests[-1]["headers"]

Behaviours: ``ok``, ``429``, ``500``, ``401``, ``400``, ``garbage`` (200 with non-JSON
body / SSE lines), ``empty`` (200 with an empty body), ``die`` (the stream stops mid-way
without the end of the chunked body), ``hang`` (no answer for ``hang_s``), ``echo_auth``
(500 whose body repeats the Authorization header, to test that keys never leak into errors).
``delay_s`` waits before answering; ``chunk_delay_s`` between streamed pieces. With
``logprobs`` in the request every token gets log-probability ``token_logprob``.

Token counting is whitespace splitting (reported in ``usage``), so tests can compute costs.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


def count_tokens(text: str) -> int:
    return len(text.split())


class _Died(Exception):
    """Raised inside a streaming body to cut the connection mid-stream."""


class OpenAIServer:
    def __init__(self, answer: str = "Hello from the loopback provider.") -> None:
        self.answer = answer
        self.default = "ok"
        self.script: list[str] = []
        self.delay_s = 0.0
        self.chunk_delay_s = 0.0
        self.hang_s = 30.0
        self.model = "test-model"
        self.token_logprob = -0.25
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port = 0

    # ----- control -----

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
        self.script = []
        self.default = "ok"
        self.delay_s = self.chunk_delay_s = 0.0

    def _next_behaviour(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def start(self) -> OpenAIServer:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/completions", self._completions, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, log_level="critical", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test OpenAI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(5)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- endpoints -----

    async def _record(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        with self._lock:
            self.requests.append(
                {"path": request.url.path, "json": body, "headers": dict(request.headers)}
            )
        return body if isinstance(body, dict) else {}

    async def _models(self, request: Request) -> Response:
        with self._lock:
            self.requests.append({"path": request.url.path, "json": None, "headers": {}})
        return JSONResponse(
            {"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "test"}]}
        )

    async def _chat(self, request: Request) -> Response:
        body = await self._record(request)
        prompt = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
        return await self._respond(request, body, prompt, chat=True)

    async def _completions(self, request: Request) -> Response:
        body = await self._record(request)
        return await self._respond(request, body, str(body.get("prompt", "")), chat=False)

    async def _respond(
        self, request: Request, body: dict[str, Any], prompt: str, *, chat: bool
    ) -> Response:
        behaviour = self._next_behaviour()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if behaviour == "hang":
            await asyncio.sleep(self.hang_s)
        if behaviour in ("429", "500", "401", "400"):
            return JSONResponse(
                {"error": {"message": f"simulated HTTP {behaviour}", "type": "test"}},
                status_code=int(behaviour),
            )
        if behaviour == "echo_auth":
            return Response(
                "upstream failed for " + request.headers.get("authorization", ""),
                status_code=500,
            )
        if behaviour == "empty":
            return Response(b"", status_code=200, media_type="application/json")
        stream = bool(body.get("stream"))
        if behaviour == "garbage" and not stream:
            return Response(b"<html>not json at all", status_code=200, media_type="text/html")
        max_tokens = int(body.get("max_tokens") or 1 << 30)
        words = self.answer.split()
        finish = "stop"
        if len(words) > max_tokens:
            words, finish = words[:max_tokens], "length"
        text = " ".join(words)
        usage = {
            "prompt_tokens": count_tokens(prompt),
            "completion_tokens": len(words),
            "total_tokens": count_tokens(prompt) + len(words),
        }
        if not stream:
            choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
            if chat:
                choice["message"] = {"role": "assistant", "content": text}
            else:
                choice["text"] = text
            if body.get("logprobs"):
                choice["logprobs"] = self._logprobs(words, chat)
            return JSONResponse(
                {
                    "id": "cmpl-test",
                    "object": "chat.completion" if chat else "text_completion",
                    "model": body.get("model", self.model),
                    "choices": [choice],
                    "usage": usage,
                }
            )
        return StreamingResponse(
            self._sse(words, finish, usage, behaviour, chat, body),
            media_type="text/event-stream",
        )

    def _logprobs(self, tokens: list[str], chat: bool) -> dict[str, Any]:
        if chat:
            return {"content": [{"token": t, "logprob": self.token_logprob} for t in tokens]}
        return {"tokens": tokens, "token_logprobs": [self.token_logprob] * len(tokens)}

    async def _sse(
        self,
        words: list[str],
        finish: str,
        usage: dict[str, int],
        behaviour: str,
        chat: bool,
        body: dict[str, Any],
    ) -> AsyncIterator[bytes]:
        if behaviour == "garbage":
            yield b"data: {this is not json\n\n"
            yield b"data: [DONE]\n\n"
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        for i, word in enumerate(words):
            if behaviour == "die" and i >= max(1, len(words) // 2):
                raise _Died("the test server dies mid-stream")
            piece = word if i == 0 else " " + word
            delta: dict[str, Any] = (
                {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                if chat
                else {"choices": [{"index": 0, "text": piece, "finish_reason": None}]}
            )
            if body.get("logprobs"):
                delta["choices"][0]["logprobs"] = self._logprobs([piece], chat)
            yield b"data: " + json.dumps(delta).encode() + b"\n\n"
            if self.chunk_delay_s:
                await asyncio.sleep(self.chunk_delay_s)
        if behaviour == "die":
            raise _Died("the test server dies mid-stream")
        last: dict[str, Any] = {
            "choices": [
                {"index": 0, "delta": {}, "finish_reason": finish}
                if chat
                else {"index": 0, "text": "", "finish_reason": finish}
            ]
        }
        yield b"data: " + json.dumps(last).encode() + b"\n\n"
        if include_usage:
            yield b"data: " + json.dumps({"choices": [], "usage": usage}).encode() + b"\n\n"
        yield b"data: [DONE]\n\n"
