"""The MCP servers the user configured (`council mcp add`), as tools Council can call.

``McpHub`` is the ``mcp`` service of the SkillContext. A server starts on first use (a stdio
command, or a streamable HTTP URL) and lives in its own task that owns the SDK client (the SDK's
cancel scopes must be entered and left in one task); calls reach it through a queue. A server
that does not start within ``START_TIMEOUT_S``, or does not answer a call within
``CALL_TIMEOUT_S``, is stopped and reported with a clear error; all servers stop on ``aclose``
(quit). The tool list of every server is cached in ``mcp-tools.json`` in the data dir so the
router can score a prompt against the tools without starting anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from council_core.base.errors import BackendUnavailable, BadInput
from council_core.base.logs import get_logger

log = get_logger("mcp.client")

START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 30.0
MAX_RESULT_CHARS = 8000


@dataclass
class ToolInfo:
    server: str
    name: str
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.server}/{self.name}"

    @property
    def text(self) -> str:
        """What a prompt is matched against: the name in words and the description (argument
        descriptions are left out: their examples drown the tool's purpose)."""
        return f"{self.name.replace('_', ' ')}: {self.description}".strip()


@dataclass
class CallResult:
    text: str
    is_error: bool
    structured: Any = None


class _Conn:
    """One running server: a task that owns the SDK client and serves a queue of calls."""

    def __init__(self, entry: Any) -> None:
        self.entry = entry
        self.queue: asyncio.Queue[tuple[asyncio.Future[Any], str, dict[str, Any]] | None] = (
            asyncio.Queue()
        )
        self.ready: asyncio.Future[list[ToolInfo]] = asyncio.get_running_loop().create_future()
        self.about = ""  # the server's own description, from its initialize answer
        self.task = asyncio.create_task(self._run(), name=f"mcp:{entry.name}")

    def _client(self) -> Any:
        from mcp import Client
        from mcp.client.stdio import StdioServerParameters

        e = self.entry
        if e.url:
            return Client(e.url, read_timeout_seconds=CALL_TIMEOUT_S)
        from council_core.base.secrets import scrubbed_env

        env = scrubbed_env(os.environ)  # never hand Council's keys to someone else's server
        env.update(e.env)
        return Client(
            StdioServerParameters(command=e.command[0], args=list(e.command[1:]), env=env),
            read_timeout_seconds=CALL_TIMEOUT_S,
        )

    async def _run(self) -> None:
        pending: asyncio.Future[Any] | None = None
        try:
            async with self._client() as c:
                try:
                    self.about = _about(c)
                except Exception as exc:  # a description is a nicety; the tools matter
                    log.debug("no server description from %s: %s", self.entry.name, exc)
                listed = await c.list_tools()
                tools = [
                    ToolInfo(self.entry.name, t.name, t.description or "", dict(t.input_schema))
                    for t in listed.tools
                ]
                if not self.ready.done():
                    self.ready.set_result(tools)
                while True:
                    item = await self.queue.get()
                    if item is None:
                        return
                    pending, name, args = item
                    try:
                        r = await c.call_tool(name, args)
                        text = "\n".join(
                            getattr(p, "text", "") or f"[{getattr(p, 'type', 'content')}]"
                            for p in r.content
                        )
                        if not pending.done():
                            pending.set_result(
                                CallResult(text, bool(r.is_error), r.structured_content)
                            )
                    except Exception as exc:
                        if not pending.done():
                            pending.set_exception(exc)
                    pending = None
        except BaseException as exc:
            err = exc if isinstance(exc, Exception) else BackendUnavailable("stopped")
            for fut in (self.ready, pending):
                if fut is not None and not fut.done():
                    fut.set_exception(err)
                    if fut is self.ready and isinstance(exc, asyncio.CancelledError):
                        fut.exception()  # stopped before it started: nobody waits for it
            while not self.queue.empty():
                item = self.queue.get_nowait()
                if item is not None and not item[0].done():
                    item[0].set_exception(err)
            if isinstance(exc, asyncio.CancelledError):
                raise

    async def call(self, name: str, args: dict[str, Any]) -> CallResult:
        fut: asyncio.Future[CallResult] = asyncio.get_running_loop().create_future()
        await self.queue.put((fut, name, args))
        return await fut

    async def stop(self) -> None:
        if not self.task.done():
            await self.queue.put(None)
            try:
                await asyncio.wait_for(asyncio.shield(self.task), 5)
            except (TimeoutError, Exception):
                self.task.cancel()
                with contextlib.suppress(BaseException):
                    await self.task


class McpHub:
    def __init__(self, settings: Any, data_dir: Path) -> None:
        self.settings = settings
        self.catalog_file = Path(data_dir) / "mcp-tools.json"
        self._conns: dict[str, _Conn] = {}
        self._read: tuple[int, dict[str, Any]] = (-1, {})  # (mtime_ns, catalog) last read
        self._lock = asyncio.Lock()

    @property
    def entries(self) -> list[Any]:
        return [e for e in self.settings.mcp.servers if e.enabled]

    def _catalog(self) -> dict[str, Any]:
        """The cached catalog, read again only when the file changed (the router scores
        every prompt against it)."""
        try:
            mtime = self.catalog_file.stat().st_mtime_ns
            if mtime != self._read[0]:
                raw = json.loads(self.catalog_file.read_text(encoding="utf-8"))
                self._read = (mtime, raw if isinstance(raw, dict) else {})
        except (OSError, ValueError):
            return {}
        return self._read[1]

    def cached_tools(self) -> list[ToolInfo]:
        """The tools as last listed (no server is started)."""
        names = {e.name for e in self.entries}
        raw = self._catalog()
        out = []
        for server, tools in (raw.get("servers") or {}).items():
            if server in names:
                out += [ToolInfo(**t) for t in tools if isinstance(t, dict)]
        return out

    def cached_about(self) -> dict[str, str]:
        """Each listed server's description of itself (title, version, description or
        instructions), as last listed; no server is started."""
        about = self._catalog().get("about") or {}
        return {str(k): str(v) for k, v in about.items()} if isinstance(about, dict) else {}

    def _save_catalog(self, server: str, tools: list[ToolInfo], about: str = "") -> None:
        raw = dict(self._catalog())
        raw.setdefault("servers", {})[server] = [asdict(t) for t in tools]
        raw.setdefault("about", {})[server] = about
        raw["updated"] = time.time()
        tmp = self.catalog_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw, indent=1), encoding="utf-8")
        os.replace(tmp, self.catalog_file)

    def _entry(self, name: str) -> Any:
        for e in self.entries:
            if e.name == name:
                return e
        raise BadInput(
            f"no MCP server named {name!r} is configured and on",
            fix="council mcp list shows them; council mcp add NAME -- COMMAND",
        )

    async def _conn(self, name: str) -> tuple[_Conn, list[ToolInfo]]:
        async with self._lock:
            conn = self._conns.get(name)
            if conn is None or conn.task.done():
                conn = _Conn(self._entry(name))
                self._conns[name] = conn
        try:
            tools = await asyncio.wait_for(asyncio.shield(conn.ready), START_TIMEOUT_S)
        except TimeoutError as exc:
            await self._drop(name)
            raise BackendUnavailable(
                f"the MCP server {name!r} did not start within {START_TIMEOUT_S:.0f} s",
                fix="check its command with `council mcp list`; run it by hand to see why",
            ) from exc
        except BackendUnavailable:
            await self._drop(name)
            raise
        except Exception as exc:
            await self._drop(name)
            raise BackendUnavailable(
                f"the MCP server {name!r} failed to start: {_why(exc)}",
                fix="check its command or URL (`council mcp list`); is it installed?",
            ) from exc
        return conn, tools

    async def _drop(self, name: str) -> None:
        conn = self._conns.pop(name, None)
        if conn is not None:
            await conn.stop()

    async def list_tools(self, server: str | None = None) -> list[ToolInfo]:
        """Start the server(s) if needed and list their tools (refreshing the cache)."""
        names = [server] if server else [e.name for e in self.entries]
        out: list[ToolInfo] = []
        for name in names:
            conn, tools = await self._conn(name)
            self._save_catalog(name, tools, conn.about)
            out += tools
        return out

    async def call(self, tool: ToolInfo, args: dict[str, Any]) -> CallResult:
        conn, _ = await self._conn(tool.server)
        try:
            res = await asyncio.wait_for(conn.call(tool.name, args), CALL_TIMEOUT_S)
        except TimeoutError as exc:
            await self._drop(tool.server)
            raise BackendUnavailable(
                f"the MCP server {tool.server!r} did not answer {tool.name} within "
                f"{CALL_TIMEOUT_S:.0f} s (it was stopped)",
                fix="try again; if it keeps hanging, turn the server off: council mcp remove",
            ) from exc
        except Exception as exc:
            await self._drop(tool.server)
            raise BackendUnavailable(
                f"the MCP server {tool.server!r} failed during {tool.name}: {_why(exc)}",
                fix="try again (it restarts on the next call); `council mcp list` checks it",
            ) from exc
        if len(res.text) > MAX_RESULT_CHARS:
            res.text = res.text[:MAX_RESULT_CHARS] + "\n[... cut]"
        return res

    async def aclose(self) -> None:
        for name in list(self._conns):
            await self._drop(name)


def _about(client: Any) -> str:
    """'Title 1.2: what it does' from the server's initialize answer (what it says of itself)."""
    info = getattr(client, "server_info", None)
    name = (getattr(info, "title", None) or getattr(info, "name", None) or "").strip()
    version = (getattr(info, "version", None) or "").strip()
    text = getattr(info, "description", None) or getattr(client, "instructions", None) or ""
    head = f"{name} {version}".strip()
    text = " ".join(str(text).split())
    return f"{head}: {text}" if head and text else head or text


def _why(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_why(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def build(ctx: Any) -> McpHub:
    return McpHub(ctx.settings, ctx.paths.data_dir)
