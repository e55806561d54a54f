"""What the settings dialog shows about MCP, read without starting anything: Council's own
served tools with their switches (``mcp.disabled_tools``), and the servers the user configured
with the description and tools each gave when it was last listed (``McpHub``'s cached catalog).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from council_core.base.errors import CouncilError

from .client import McpHub, ToolInfo
from .tools import DESCRIPTIONS


@dataclass(frozen=True)
class ServedTool:
    name: str
    description: str
    on: bool


@dataclass
class ServerOverview:
    name: str
    enabled: bool
    where: str  # the stdio command or the HTTP URL
    about: str = ""  # the server's description of itself, when it was listed
    tools: list[ToolInfo] = field(default_factory=list)
    listed: bool = False  # False: never listed yet (no server was started for this view)
    error: str = ""  # why listing it just now failed, with the fix

    @property
    def state(self) -> str:
        if self.error:
            return f"failed: {self.error}"
        if not self.enabled:
            return "off: Council does not use its tools"
        if not self.listed:
            return "not listed yet: `council mcp list` starts it and lists its tools"
        return f"{len(self.tools)} tool{'s' if len(self.tools) != 1 else ''}"


def served_tools(settings: Any) -> list[ServedTool]:
    """Council's tools for other agents (`council mcp`), each with whether it is on."""
    off = set(settings.mcp.disabled_tools)
    return [ServedTool(n, d, n not in off) for n, d in DESCRIPTIONS.items()]


def configured_servers(settings: Any, data_dir: Path) -> list[ServerOverview]:
    """The MCP servers Council uses, with their cached description and tools."""
    hub = McpHub(settings, data_dir)
    tools = hub.cached_tools()
    about = hub.cached_about()
    out = []
    for e in settings.mcp.servers:
        mine = [t for t in tools if t.server == e.name]
        out.append(ServerOverview(
            name=e.name,
            enabled=e.enabled,
            where=e.url or " ".join(e.command),
            about=about.get(e.name, ""),
            tools=mine if e.enabled else [],
            listed=e.name in about or bool(mine),
        ))  # fmt: skip
    return out


async def list_now(hub: McpHub, settings: Any, data_dir: Path) -> list[ServerOverview]:
    """Start each server that is on, list its tools (refreshing the cache) and return the
    overview; a server that fails is shown with its error, the others still list."""
    errors: dict[str, str] = {}
    for e in settings.mcp.servers:
        if not e.enabled:
            continue
        try:
            await hub.list_tools(e.name)
        except CouncilError as exc:
            errors[e.name] = f"{exc.message} (fix: {exc.fix})" if exc.fix else exc.message
    out = configured_servers(settings, data_dir)
    for s in out:
        s.error = errors.get(s.name, "")
    return out
