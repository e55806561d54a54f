"""`council serve`: an OpenAI-compatible API on 127.0.0.1 that answers with the whole council.

Endpoints: ``POST /v1/chat/completions`` (``stream: true`` gives server-sent events),
``GET /v1/models``, ``GET /health`` (no auth), ``POST /hybrid {"prompt", "session"}`` (the
council's result JSON), ``GET /metrics`` (Prometheus). Every endpoint but /health needs
``Authorization: Bearer <token>``; the token is generated at first start and kept in the OS
keyring, or in a 0600 file in the config dir where no keyring backend exists
(`council serve --show-token` prints it). Approval requests from API callers are declined by
policy: the API never spends money. Binding to a non-loopback address is refused unless
``serve.allow_non_loopback`` is set; on loopback, a request whose ``Host`` header is not a
loopback name is refused (421), so a web page that rebinds its DNS name to 127.0.0.1 cannot
reach the API even before the token stops it. Bodies over ``MAX_BODY`` get 413, JSON nested
too deeply 400.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from council_core.base.errors import BadInput, PermissionDenied, StorageError
from council_core.base.logs import add_secret, get_logger
from council_core.base.paths import resolve_paths

from .llm.net import is_loopback_host

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from .router import Council

log = get_logger("serve")

KEYRING_SERVICE = "council"
KEYRING_USER = "serve-token"
MODEL_ID = "council"
MAX_BODY = 8 * 1024 * 1024  # bytes of one request body
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

_STATUS = {
    "bad_input": 400,
    "needs_key": 401,
    "budget_exceeded": 402,
    "declined": 403,
    "permission_denied": 403,
    "sandbox_denied": 403,
    "timeout": 504,
    "backend_unavailable": 503,
    "component_missing": 503,
    "storage_error": 507,
    "internal": 500,
}


# ----- the token -----


def _token_file() -> Path:
    return resolve_paths().config_dir / "serve-token"


def _keyring() -> Any:
    try:
        import keyring

        kr = keyring.get_keyring()
    except Exception:
        return None
    mod = type(kr).__module__
    if "fail" in mod or "null" in mod:
        return None
    return keyring


def server_token() -> str:
    """The bearer token; created on first use (keyring, else a 0600 file)."""
    kr = _keyring()
    token: str | None = None
    if kr is not None:
        try:
            token = kr.get_password(KEYRING_SERVICE, KEYRING_USER)
            if not token:
                token = secrets.token_urlsafe(32)
                kr.set_password(KEYRING_SERVICE, KEYRING_USER, token)
        except Exception as exc:  # a broken keyring: fall back to the file
            log.warning("keyring unusable for the server token: %s", exc)
            token = None
    if not token:
        token = _file_token()
    add_secret(token)
    return token


def _file_token() -> str:
    f = _token_file()
    try:
        if f.exists():
            if f.stat().st_mode & 0o077:
                os.chmod(f, 0o600)
            token = f.read_text(encoding="utf-8").strip()
            if token:
                return token
        f.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(32)
        fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(token + "\n")
        return token
    except OSError as exc:
        raise StorageError(
            f"cannot keep the server token in {f}: {exc}",
            fix="make the config dir writable, or set COUNCIL_HOME",
        ) from exc


# ----- the app -----


def create_app(
    council: Council | None = None, token: str | None = None, *, check_host: bool = True
) -> Starlette:
    """The ASGI app. Without `council`, one is built at start-up (API policy: decline
    approvals) and closed at shutdown. `check_host` refuses requests whose Host header is
    not a loopback name (off only when serving on a non-loopback address on purpose)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
    from starlette.routing import Route

    from council_core.base import metrics
    from council_core.base.errors import CouncilError

    state: dict[str, Any] = {"council": council, "token": token or server_token()}

    def get_council() -> Council:
        c = state["council"]
        assert c is not None
        return c  # type: ignore[no-any-return]

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        owned = state["council"] is None
        if owned:
            from .approval import ApprovalChannel, decline_all
            from .context import SkillContext
            from .router import Council

            state["council"] = Council(SkillContext(approval=ApprovalChannel(decline_all)))
        try:
            yield
        finally:
            if owned:
                await state["council"].aclose()

    class Auth:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http" and check_host:
                host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
                if not _loopback_host_header(host):
                    resp = _error(
                        421,
                        "this server answers only requests addressed to 127.0.0.1 or localhost",
                        "bad_host",
                        "connect to http://127.0.0.1:PORT (a web page cannot reach this API)",
                    )
                    await resp(scope, receive, send)
                    return
            if scope["type"] == "http" and scope["path"] != "/health":
                header = dict(scope.get("headers") or []).get(b"authorization", b"").decode()
                scheme, _, given = header.partition(" ")
                if scheme.lower() != "bearer" or not hmac.compare_digest(
                    given.strip().encode(), state["token"].encode()
                ):
                    resp = _error(
                        401,
                        "missing or wrong bearer token",
                        "auth",
                        "send 'Authorization: Bearer <token>'; `council serve --show-token` "
                        "prints it",
                    )
                    await resp(scope, receive, send)
                    return
            await self.app(scope, receive, send)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def models(request: Request) -> Response:
        return JSONResponse(
            {
                "object": "list",
                "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "council"}],
            }
        )

    async def metrics_ep(request: Request) -> Response:
        return PlainTextResponse(
            metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    async def hybrid(request: Request) -> Response:
        body = await _json_body(request)
        prompt = body.get("prompt")
        if not isinstance(prompt, str):
            return _error(400, "'prompt' must be a string", "bad_input", 'send {"prompt": "..."}')
        session = body.get("session")
        if session is not None and not isinstance(session, str):
            return _error(
                400,
                f"'session' must be a string, not {type(session).__name__}",
                "bad_input",
                'send {"prompt": "...", "session": "my-session"} or leave session out',
            )
        result = await get_council().ask(prompt, session, no_cloud=True)
        return JSONResponse(result.to_dict())

    async def chat(request: Request) -> Response:
        body = await _json_body(request)
        try:
            prompt, history = _parse_messages(body.get("messages"))
        except BadInput as exc:
            return _error(400, exc.message, "bad_input", exc.fix)
        session = request.headers.get("x-council-session") or body.get("user")
        if session is not None and not isinstance(session, str):
            return _error(400, "'user' must be a string", "bad_input", "send a string or omit it")
        session = session or None
        cid = "chatcmpl-" + uuid.uuid4().hex[:24]
        created = int(time.time())
        opts: dict[str, Any] = {"no_cloud": True, "history": history}
        if body.get("stream"):
            return StreamingResponse(
                _sse(get_council(), prompt, session, opts, cid, created),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache"},
            )
        result = await get_council().ask(prompt, session, **opts)
        if result.error is not None:
            e = result.error
            return _error(_STATUS.get(e.kind, 422), e.message, e.kind, e.fix, result.to_dict())
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": MODEL_ID,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": result.answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "council": result.to_dict(),
            }
        )

    async def _json_body(request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise _BadBody(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
        raw = b""
        async for part in request.stream():
            raw += part
            if len(raw) > MAX_BODY:
                raise _BadBody(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MB")
        try:
            body = json.loads(raw)
        except RecursionError:
            raise _BadBody(400, "the JSON body is nested too deeply") from None
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise _BadBody(400, "the body is not a JSON object")
        return body

    async def bad_body(request: Request, exc: Exception) -> Response:
        status, message = exc.args if isinstance(exc, _BadBody) and exc.args else (400, "")
        return _error(status, message or "the body is not a JSON object", "bad_input", "send JSON")

    async def council_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CouncilError)
        return _error(_STATUS.get(exc.kind, 422), exc.message, exc.kind, exc.fix)

    routes = [
        Route("/health", health),
        Route("/v1/models", models),
        Route("/metrics", metrics_ep),
        Route("/hybrid", hybrid, methods=["POST"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(Auth)],
        lifespan=lifespan,
        exception_handlers={_BadBody: bad_body, CouncilError: council_error},
    )


class _BadBody(Exception):
    """(status, message): a request body we refuse."""


def _loopback_host_header(host: str) -> bool:
    """A Host header naming this machine's loopback (with or without a port)."""
    h = host.strip().lower()
    if h.startswith("["):  # [::1]:8080
        name = h[: h.find("]") + 1] if "]" in h else h
    else:
        name = h.rsplit(":", 1)[0] if h.count(":") == 1 else h
    return name in LOOPBACK_HOSTS or name.startswith("127.") and name.replace(".", "").isdigit()


def _error(status: int, message: str, kind: str, fix: str | None, council: Any = None) -> Response:
    from starlette.responses import JSONResponse

    err: dict[str, Any] = {"message": message, "type": kind, "code": kind, "fix": fix}
    body: dict[str, Any] = {"error": err}
    if council is not None:
        body["council"] = council
    return JSONResponse(body, status_code=status)


def _parse_messages(raw: Any) -> tuple[str, list[dict[str, str]]]:
    """The last user message is the question; earlier user/assistant turns are history."""
    if not isinstance(raw, list) or not raw:
        raise BadInput("'messages' must be a non-empty list", fix="send OpenAI chat messages")
    msgs: list[dict[str, str]] = []
    for m in raw:
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise BadInput("each message needs a 'role' and 'content'", fix="fix the request")
        content = m.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(
                p.get("text", "")
                for p in content
                if isinstance(p, dict) and p.get("type") == "text"
            )
        if not isinstance(content, str):
            content = ""
        msgs.append({"role": m["role"], "content": content})
    if msgs[-1]["role"] != "user":
        raise BadInput("the last message must be from the user", fix="end with a user message")
    history = [m for m in msgs[:-1] if m["role"] in ("user", "assistant")]
    return msgs[-1]["content"], history


async def _sse(
    council: Council,
    prompt: str,
    session: str | None,
    opts: dict[str, Any],
    cid: str,
    created: int,
) -> AsyncIterator[str]:
    from council_core.base.result import Chunk, Done, Retract

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        obj = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    shown = ""
    try:
        async for ev in council.stream(prompt, session, **opts):
            if isinstance(ev, Chunk):
                shown += ev.text
                yield chunk({"content": ev.text})
            elif isinstance(ev, Retract) and shown:
                shown = ""
                yield chunk({"content": f"\n\n[withdrawn: {ev.skill} was unsure]\n\n"})
            elif isinstance(ev, Done):
                r = ev.result
                if r.error is not None:
                    text = f"error: {r.error.message}" + (
                        f" (fix: {r.error.fix})" if r.error.fix else ""
                    )
                    yield chunk({"content": ("\n" if shown else "") + text})
                elif r.answer and shown.strip() != r.answer.strip():
                    yield chunk({"content": ("\n" if shown else "") + r.answer})
                yield chunk({}, "stop", council=r.to_dict())
    except Exception as exc:  # the stream is already open: report in-band
        log.exception("streaming answer failed")
        yield chunk({"content": f"\nerror: {type(exc).__name__}: {exc}"}, "stop")
    yield "data: [DONE]\n\n"


def check_bind(host: str, allow_non_loopback: bool) -> None:
    if not is_loopback_host(host) and not allow_non_loopback:
        raise PermissionDenied(
            f"refusing to serve on {host}: only loopback addresses are allowed",
            fix="use 127.0.0.1, or set serve.allow_non_loopback to true "
            "(anyone who can reach the port and has the token can use your Council)",
        )


def run_server(host: str | None = None, port: int | None = None) -> int:
    import sys

    import uvicorn

    from .settings import load_settings

    s = load_settings().serve
    host = host or s.host
    port = port or s.port
    check_bind(host, s.allow_non_loopback)
    token = server_token()
    where = "keyring" if _keyring() is not None else str(_token_file())
    print(
        f"Council API on http://{host}:{port}/v1 (model {MODEL_ID!r}); bearer token in {where}"
        " (`council serve --show-token`). Ctrl+C stops.",
        file=sys.stderr,
    )
    app = create_app(token=token, check_host=is_loopback_host(host))
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
