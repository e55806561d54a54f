"""facts list | forget: the relations the logic skill remembers ("remember that ...")."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("facts", help="relations you taught the logic skill")
    fsub = p.add_subparsers(dest="facts_command", metavar="ACTION")
    lp = fsub.add_parser("list", help="list remembered facts")
    lp.add_argument("--json", action="store_true")
    lp.set_defaults(func=cmd_list)
    fp = fsub.add_parser("forget", help="forget one fact by id, or all of them")
    fp.add_argument("id", nargs="?", type=int, help="fact id (see: council facts list)")
    fp.add_argument("--all", action="store_true", help="forget every remembered fact")
    fp.set_defaults(func=cmd_forget)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _store() -> Any:
    from council_core.base.paths import resolve_paths
    from council_core.skills.logic.facts import FactStore

    return FactStore(resolve_paths().ensure().db_file)


def cmd_list(args: argparse.Namespace) -> int:
    store = _store()
    try:
        facts = store.all()
    finally:
        store.close()
    if args.json:
        from .common import print_json

        print_json([f.__dict__ for f in facts])
        return 0
    if not facts:
        print(
            'no remembered facts (teach one: council ask "remember that Bob is Alice\'s brother")'
        )
        return 0
    for f in facts:
        when = time.strftime("%Y-%m-%d", time.localtime(f.created))
        print(f"{f.id:>5}  {when}  {f.source}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    if args.all == (args.id is not None):
        print(
            "error: give a fact id or --all\n  fix: council facts list shows the ids",
            file=sys.stderr,
        )
        return 2
    store = _store()
    try:
        if args.all:
            print(f"forgot {store.forget_all()} facts")
            return 0
        if store.forget(args.id):
            print(f"forgot fact {args.id}")
            return 0
    finally:
        store.close()
    print(
        f"error: no fact with id {args.id}\n  fix: council facts list shows the ids",
        file=sys.stderr,
    )
    return 1
