"""council mcp: serve Council's exact skills to MCP clients (stdio, or streamable HTTP)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="serve Council's tools to MCP clients (Claude Desktop, Goose, Jan, ...)",
        description="Without options: speak MCP on stdin/stdout (what an MCP client's "
        "'command' runs). --http: streamable HTTP on 127.0.0.1 with a bearer token.",
    )
    p.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="bind address (loopback only)")
    p.add_argument("--port", type=int, default=None, help="HTTP port (default mcp.http_port)")
    p.add_argument("--show-token", action="store_true", help="print the HTTP bearer token")
    p.add_argument("--list", action="store_true", help="list the tools and whether they are on")
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    from council_core.errors import CouncilError

    from .common import print_error

    try:
        if args.show_token:
            from council_core.serve import server_token

            print(server_token())
            return 0
        if args.list:
            return _list()
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


def _list() -> int:
    from council_core.mcp.tools import DESCRIPTIONS
    from council_core.settings import load_settings

    off = set(load_settings().mcp.disabled_tools)
    for name, desc in DESCRIPTIONS.items():
        state = "off" if name in off else "on "
        first = desc.split(". ")[0].rstrip(".")
        sys.stdout.write(f"{state}  {name:18} {first}.\n")
    return 0
