"""The `council` command line: the same core the desktop app drives.

Each command group lives in its own module with ``register(subparsers)``; handlers take the
parsed args and return an exit code. Modules stay light to import (no torch/faiss/sympy at
module level) so `council ask "17*23"` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = [
    "council_core.cli.core_cmds",  # ask, batch, chat, doctor, serve-metrics, settings
    "council_core.cli.memory_cmds",  # memory ..., facts ...
    "council_core.cli.llm_cmds",  # models ..., serve
    "council_core.cli.docs_cmds",  # ingest, docs ...
    "council_core.cli.sandbox_cmds",  # run
    "council_core.cli.cloud_cmds",  # budget, key ...
    "council_core.cli.files_cmds",  # undo, files ...
    "council_core.cli.eval_cmds",  # eval
    "council_core.cli.logic_cmds",  # facts list/forget
    "council_core.cli.mcp_cmds",  # mcp (server for MCP clients)
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="council",
        description="Council: a local-first council of specialist skills.",
    )
    parser.add_argument("--home", help="data/config root (same as COUNCIL_HOME)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command group is not part of this build
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.home:
        import os

        os.environ["COUNCIL_HOME"] = args.home
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
