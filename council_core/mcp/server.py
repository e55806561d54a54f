"""`council mcp`: Council's exact skills as MCP tools, over stdio or streamable HTTP.

The tools (``council_core.mcp.tools``) are registered with the official SDK's ``MCPServer``,
each wrapped so that every call is logged to the audit log, counted and timed in the metrics
registry per tool and outcome, and refused when the user turned that tool off
(``mcp.disabled_tools``). Errors reach the agent as tool errors carrying Council's message and
its fix. Resources: ``council://documents`` (the document list) and
``council://documents/{n}`` (one document's chunks, by its position in that list).

Over HTTP the server binds to loopback only, checks Host and Origin (DNS rebinding) with the
SDK's transport security, and needs ``Authorization: Bearer <token>`` (the same token as
``council serve``, from the OS keyring; ``council mcp --show-token``).

Approvals: a file plan is shown to the user on the terminal Council runs in (``/dev/tty``), or
declined when there is none; anything that would spend cloud money is declined unless the
user's standing budget rules already allow it. The calling agent can never approve.
"""

from __future__ import annotations

import hmac
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

from council_core.approval import ApprovalRequest, Choice, Decision
from council_core.base.errors import CouncilError
from council_core.base.logs import audit, get_logger
from council_core.base.metrics import REGISTRY

from .tools import DESCRIPTIONS, CouncilTools

if TYPE_CHECKING:
    from council_core.router import Council

log = get_logger("mcp")

_CALLS: Any = None
_LATENCY: Any = None


def _metrics() -> tuple[Any, Any]:
    global _CALLS, _LATENCY
    if _CALLS is None:
        from prometheus_client import Counter, Histogram

        _CALLS = Counter(
            "council_mcp_calls",
            "MCP tool calls by tool and outcome",
            ["tool", "outcome"],
            registry=REGISTRY,
        )
        _LATENCY = Histogram(
            "council_mcp_call_seconds",
            "MCP tool call latency by tool",
            ["tool"],
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120),
            registry=REGISTRY,
        )
    return _CALLS, _LATENCY


# ----- approvals -----


async def mcp_approver(req: ApprovalRequest) -> Decision:
    """File plans: ask the person at Council's terminal; everything else: decline."""
    if req.kind != "file_plan":
        return Decision(Choice.DECLINE, reason=f"{req.kind} is not approved for MCP callers")
    import asyncio

    return await asyncio.to_thread(_ask_on_tty, req)


def _ask_on_tty(req: ApprovalRequest) -> Decision:
    from council_core.base.textsafe import safe_text as _safe

    try:
        tty = open("/dev/tty", "r+", encoding="utf-8")  # noqa: SIM115
    except OSError:
        return Decision(
            Choice.DECLINE,
            reason="no terminal to ask the user on (run `council mcp` from a terminal, "
            "or make the change in the Council app)",
        )
    with tty:
        lines = [
            f"\n[Council: an MCP client asks to change files] {_safe(req.title)}",
            f"  why: {_safe(req.why)}",
            *("  " + _safe(ln) for ln in req.details.splitlines()),
            "Approve? [y]es / [N]o: ",
        ]
        tty.write("\n".join(lines))
        tty.flush()
        answer = tty.readline().strip().lower()
    if answer in ("y", "yes"):
        return Decision(Choice.APPROVE_ONCE, reason="user: yes")
    return Decision(Choice.DECLINE, reason="user: no")


# ----- the server -----


def _wrap(
    name: str, fn: Callable[..., Awaitable[dict[str, Any]]], disabled: set[str]
) -> Callable[..., Awaitable[str]]:
    from mcp.server.mcpserver.exceptions import ToolError

    calls, latency = _metrics()

    async def call(**kwargs: Any) -> str:
        t0 = time.perf_counter()
        outcome = "ok"
        try:
            if name in disabled:
                outcome = "disabled"
                raise ToolError(
                    f"the {name} tool is turned off in Council's settings "
                    f"(turn it on: council settings set mcp.disabled_tools ...)"
                )
            try:
                out = await fn(**kwargs)
            except CouncilError as exc:
                outcome = exc.kind
                msg = exc.message + (f" (fix: {exc.fix})" if exc.fix else "")
                raise ToolError(msg) from exc
            return json.dumps(out, ensure_ascii=False, default=str)
        except ToolError:
            if outcome == "ok":
                outcome = "error"
            raise
        except Exception as exc:
            outcome = "internal"
            log.exception("MCP tool %s failed", name)
            raise ToolError(
                f"internal error in Council ({type(exc).__name__}); see its log"
            ) from exc
        finally:
            dt = time.perf_counter() - t0
            calls.labels(name, outcome).inc()
            latency.labels(name).observe(dt)
            audit("mcp_call", tool=name, outcome=outcome, ms=round(dt * 1000, 1))

    call.__name__ = name
    return call


def build_server(council: Council, tools: CouncilTools | None = None) -> Any:
    """An MCPServer with Council's tools and resources (tools the user disabled are left out
    of the list and refused if called anyway)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ResourceError

    t = tools or CouncilTools(council)
    settings = council.ctx.settings
    disabled = set(getattr(getattr(settings, "mcp", None), "disabled_tools", []) or [])
    server: Any = MCPServer(
        "council",
        title="Council",
        instructions=(
            "Exact tools from the user's local Council: SymPy math, Prolog logic, the user's "
            "own documents with sources, a Firejail sandbox, file changes the user approves, "
            "and conversation memory. Prefer calculate/reason over guessing numbers or logic."
        ),
        version=_version(),
        log_level="WARNING",
    )

    # Explicit signatures: the SDK builds each tool's JSON schema from them.
    async def ask(prompt: str, session: str | None = None) -> str:
        return await _w["ask"](prompt=prompt, session=session)

    async def calculate(expression: str) -> str:
        return await _w["calculate"](expression=expression)

    async def reason(premises: list[str], question: str) -> str:
        return await _w["reason"](premises=premises, question=question)

    async def search_documents(query: str, k: int = 5) -> str:
        return await _w["search_documents"](query=query, k=k)

    async def run_code(
        language: Literal["python", "bash"], code: str, timeout_s: float | None = None
    ) -> str:
        return await _w["run_code"](language=language, code=code, timeout_s=timeout_s)

    async def find_files(query: str, limit: int = 20) -> str:
        return await _w["find_files"](query=query, limit=limit)

    async def plan_file_changes(request: str) -> str:
        return await _w["plan_file_changes"](request=request)

    async def apply_file_plan(plan_id: str) -> str:
        return await _w["apply_file_plan"](plan_id=plan_id)

    async def remember(text: str) -> str:
        return await _w["remember"](text=text)

    async def recall(query: str, k: int = 5) -> str:
        return await _w["recall"](query=query, k=k)

    funcs = [
        ask,
        calculate,
        reason,
        search_documents,
        run_code,
        find_files,
        plan_file_changes,
        apply_file_plan,
        remember,
        recall,
    ]
    _w = {f.__name__: _wrap(f.__name__, getattr(t, f.__name__), disabled) for f in funcs}
    for f in funcs:
        if f.__name__ not in disabled:
            server.add_tool(f, name=f.__name__, description=DESCRIPTIONS[f.__name__])

    @server.resource(  # type: ignore[untyped-decorator]
        "council://documents",
        name="documents",
        description="The documents the user added to Council (path, title, format, chunks).",
        mime_type="application/json",
    )
    async def documents() -> str:
        return json.dumps(await t.document_list(), default=str)

    @server.resource(  # type: ignore[untyped-decorator]
        "council://documents/{index}",
        name="document",
        description="One document's chunks, by its position (0-based) in council://documents.",
        mime_type="application/json",
    )
    async def document(index: str) -> str:
        docs = await t.document_list()
        if not index.isdigit() or int(index) >= len(docs):
            raise ResourceError(f"no document {index}; council://documents lists {len(docs)}")
        path = docs[int(index)]["path"]
        chunks = await _chunks(council, path)
        return json.dumps({"path": path, "chunks": chunks}, default=str)

    return server


async def _chunks(council: Council, path: str) -> list[dict[str, Any]]:
    import asyncio

    return await asyncio.to_thread(council.ctx.documents.chunks_of, path)  # type: ignore[no-any-return]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("council")
    except Exception:
        return ""


# ----- running -----


def make_council() -> Council:
    from council_core.approval import ApprovalChannel
    from council_core.base.logs import setup_logging
    from council_core.context import SkillContext
    from council_core.router import Council

    ctx = SkillContext(approval=ApprovalChannel(mcp_approver))
    setup_logging(ctx.paths.log_dir)
    return Council(ctx)


def _quiet_stderr() -> None:
    """The SDK logs to stderr through the root logger; Council's own INFO lines (one audit line
    per call) belong in its log files, not on the client's stderr."""
    import logging

    for h in logging.getLogger().handlers:
        if not getattr(h, "_council", False):
            h.setLevel(logging.WARNING)


def run_stdio(council: Council | None = None) -> None:
    import anyio

    council = council or make_council()
    server = build_server(council)
    _quiet_stderr()

    async def main() -> None:
        try:
            await server.run_stdio_async()
        finally:
            await council.ctx.aclose()

    anyio.run(main)


def http_app(council: Council, host: str, port: int, token: str) -> Any:
    """The streamable HTTP app at /mcp behind a bearer-token check and Host/Origin checks."""
    from mcp.server.transport_security import TransportSecuritySettings

    server = build_server(council)
    hosts = [f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]")]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=hosts,
        allowed_origins=[f"http://{h}" for h in hosts],
    )
    app = server.streamable_http_app(transport_security=security, host=host)
    return _BearerAuth(app, token)


class _BearerAuth:
    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"")
            ok = given.startswith(b"Bearer ") and hmac.compare_digest(given[7:].strip(), self.token)
            if not ok:
                body = json.dumps(
                    {
                        "error": "missing or wrong bearer token",
                        "fix": "send 'Authorization: Bearer <token>'; "
                        "`council mcp --show-token` prints it",
                    }
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def run_http(host: str, port: int, council: Council | None = None) -> None:
    import uvicorn

    from council_core.base.errors import PermissionDenied
    from council_core.llm.net import is_loopback_host
    from council_core.serve import server_token

    if not is_loopback_host(host):
        raise PermissionDenied(
            f"refusing to serve MCP on {host}: only loopback addresses are allowed",
            fix="use --host 127.0.0.1",
        )
    council = council or make_council()
    app = http_app(council, host, port, server_token())
    _quiet_stderr()
    print(
        f"Council MCP on http://{host}:{port}/mcp (bearer token: council mcp --show-token)",
        file=sys.stderr,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
