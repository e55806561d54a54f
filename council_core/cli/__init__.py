"""The `council` command line: the same core the desktop app drives.

Each command group lives in its own module with ``register(subparsers)``, registered in the
``council.commands`` entry-point group (a plugin adds commands the same way); handlers take
the parsed args and return an exit code. Modules stay light to import (no torch/faiss/sympy at
module level) so `council ask "17*23"` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="council",
        description="Council: a local-first council of specialist skills.",
    )
    parser.add_argument("--home", help="data/config root (same as COUNCIL_HOME)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from council_core.registry import COMMANDS_GROUP, load_group

    # A group that fails to import is skipped (logged, and shown by `council doctor`).
    for register in load_group(COMMANDS_GROUP).classes.values():
        register(sub)
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
