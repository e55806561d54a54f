"""council mcp: Council as an MCP server, and the MCP servers Council uses.

council mcp                          serve Council's tools on stdin/stdout (for MCP clients)
council mcp --http [--port N]        the same over streamable HTTP on 127.0.0.1 (token)
council mcp --show-token             the HTTP bearer token
council mcp served                   Council's own tools and whether each is on
council mcp add NAME -- CMD ARGS...  use a stdio MCP server's tools (or: --url URL)
council mcp list                     the servers Council uses, started, with their tools
council mcp remove NAME              stop using a server
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

ACTIONS = ("served", "add", "list", "remove")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="MCP: serve Council's tools to agents, or use other MCP servers' tools",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", nargs="?", choices=ACTIONS, help="(none: serve)")
    p.add_argument("name", nargs="?", help="server name (add, remove)")
    p.add_argument("command", nargs=argparse.REMAINDER, help="after --: the server's command")
    p.add_argument("--url", default="", help="add: a streamable HTTP server's URL")
    p.add_argument("--http", action="store_true", help="serve over streamable HTTP, not stdio")
    p.add_argument("--host", default="127.0.0.1", help="HTTP bind address (loopback only)")
    p.add_argument("--port", type=int, default=None, help="HTTP port (default mcp.http_port)")
    p.add_argument("--show-token", action="store_true", help="print the HTTP bearer token")
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError

    from .common import print_error

    try:
        if args.show_token:
            from council_core.serve import server_token

            print(server_token())
            return 0
        if args.action == "served":
            return _served()
        if args.action == "add":
            return _add(args)
        if args.action == "list":
            return _list()
        if args.action == "remove":
            return _remove(args.name)
        from council_core.mcp import server

        if args.http:
            from council_core.settings import load_settings

            port = args.port or load_settings().mcp.http_port
            server.run_http(args.host, port)
        else:
            server.run_stdio()
    except CouncilError as exc:
        print_error(exc)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def _served() -> int:
    from council_core.mcp.tools import DESCRIPTIONS
    from council_core.settings import load_settings

    off = set(load_settings().mcp.disabled_tools)
    for name, desc in DESCRIPTIONS.items():
        state = "off" if name in off else "on "
        first = desc.split(". ")[0].rstrip(".")
        sys.stdout.write(f"{state}  {name:18} {first}.\n")
    return 0


def _add(args: argparse.Namespace) -> int:
    from council_core.base.errors import BadInput
    from council_core.settings import McpServerEntry, load_settings, save_settings

    command = [c for c in (args.command or []) if c != "--"] if args.command else []
    if not args.name or bool(command) == bool(args.url):
        raise BadInput(
            "give a name and either a command or --url",
            fix="council mcp add time -- mcp-server-time   |   "
            "council mcp add notes --url http://127.0.0.1:9000/mcp",
        )
    try:
        entry = McpServerEntry(name=args.name, command=command, url=args.url)
    except ValueError as exc:
        raise BadInput(
            f"invalid server: {exc}", fix="names use letters, digits, '.', '_' or '-'"
        ) from exc
    s = load_settings()
    s.mcp.servers = [e for e in s.mcp.servers if e.name != entry.name] + [entry]
    save_settings(s)
    print(f"added MCP server {entry.name}; listing its tools…", file=sys.stderr)
    return _list(only=entry.name)


def _remove(name: str | None) -> int:
    from council_core.base.errors import BadInput
    from council_core.settings import load_settings, save_settings

    s = load_settings()
    kept = [e for e in s.mcp.servers if e.name != name]
    if not name or len(kept) == len(s.mcp.servers):
        raise BadInput(f"no MCP server named {name!r}", fix="council mcp list shows them")
    s.mcp.servers = kept
    s.mcp.always_allowed_tools = [
        k for k in s.mcp.always_allowed_tools if not k.startswith(f"{name}/")
    ]
    save_settings(s)
    print(f"removed MCP server {name}")
    return 0


def _list(only: str | None = None) -> int:
    from council_core.base.errors import CouncilError
    from council_core.context import SkillContext

    ctx = SkillContext()
    entries = [e for e in ctx.settings.mcp.servers if only in (None, e.name)]
    if not entries:
        print("no MCP servers yet: council mcp add NAME -- COMMAND  (or --url URL)")
        return 0
    allowed = set(ctx.settings.mcp.always_allowed_tools)

    async def run() -> int:
        hub = ctx.service("mcp")
        rc = 0
        try:
            for e in entries:
                where = e.url or " ".join(e.command)
                if not e.enabled:
                    print(f"{e.name}  (off)  {where}")
                    continue
                try:
                    tools = await hub.list_tools(e.name)
                except CouncilError as exc:
                    rc = 1
                    print(f"{e.name}  FAILED  {where}\n  {exc.message}\n  fix: {exc.fix}")
                    continue
                print(f"{e.name}  ok  {where}")
                for t in tools:
                    mark = " (always allowed)" if t.key in allowed else ""
                    print(f"  {t.name}{mark}: {(t.description or '').splitlines()[0][:90]}")
        finally:
            await ctx.aclose()
        return rc

    return asyncio.run(run())
