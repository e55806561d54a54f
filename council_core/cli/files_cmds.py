"""undo, files find|plans|resume|rollback|grant|revoke."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from council_core.base.textsafe import safe_path


def register(sub: Any) -> None:
    p = sub.add_parser("undo", help="undo the last file plan (or --plan ID)")
    p.add_argument("--plan", type=int, help="plan id (see `council files plans`)")
    p.set_defaults(func=cmd_undo)
    f = sub.add_parser("files", help="file actions: find, plans, resume, rollback, grants")
    fs = f.add_subparsers(dest="files_cmd", metavar="ACTION", required=True)
    p = fs.add_parser("find", help="find files by name/type/date, e.g. 'pdf taxes last month'")
    p.add_argument("query", nargs="+")
    p.set_defaults(func=cmd_find)
    p = fs.add_parser("plans", help="recent file plans and their state")
    p.set_defaults(func=cmd_plans)
    p = fs.add_parser("resume", help="finish a plan that was interrupted")
    p.add_argument("plan", type=int)
    p.set_defaults(func=cmd_resume)
    p = fs.add_parser("rollback", help="reverse what an interrupted plan did")
    p.add_argument("plan", type=int)
    p.set_defaults(func=cmd_rollback)
    p = fs.add_parser("grant", help="grant Council access to a folder")
    p.add_argument("folder")
    p.add_argument("--rw", action="store_true", help="read-write (default read-only)")
    p.set_defaults(func=cmd_grant)
    p = fs.add_parser("revoke", help="remove a folder grant")
    p.add_argument("folder")
    p.set_defaults(func=cmd_revoke)


def _svc() -> Any:
    from council_core.context import SkillContext
    from council_core.skills.files.service import build

    return build(SkillContext())


def _report(err: Any) -> int:
    print(f"error: {safe_path(err.message)}", file=sys.stderr)
    if err.fix:
        print(f"  fix: {safe_path(err.fix)}", file=sys.stderr)
    return 1


def cmd_undo(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError

    try:
        svc = _svc()
        if args.plan:
            restored, problems = svc.undo(args.plan)
            pid = args.plan
        else:
            pid, restored, problems = svc.undo_last()
    except CouncilError as exc:
        return _report(exc)
    print(f"undid plan #{pid}: {restored} operation(s) reversed")
    for p in problems:
        print(f"  not undone: {safe_path(p)}", file=sys.stderr)
    return 0 if not problems else 1


def cmd_find(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError
    from council_core.skills.files.parse import parse
    from council_core.skills.files.service import human

    text = " ".join(args.query)
    req = parse("find " + text)
    if req is None:
        return 2
    try:
        found = _svc().find(req, 50)
    except CouncilError as exc:
        return _report(exc)
    for f in found:
        day = time.strftime("%Y-%m-%d", time.localtime(f.mtime))
        print(f"{human(f.size):>9}  {day}  {safe_path(f.path)}")
    return 0 if found else 1


def cmd_plans(args: argparse.Namespace) -> int:
    for p in _svc().journal.plans():
        day = time.strftime("%Y-%m-%d %H:%M", time.localtime(p["created"]))
        print(
            f"#{p['id']:<4} {day}  {p['status']:<13} {p['done'] or 0}/{p['n']} ops  "
            f"{safe_path(p['request'][:60])}"
        )
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    plan = _svc().executor.resume(args.plan)
    print(f"plan #{plan.id}: {plan.status}")
    return 0 if plan.status == "done" else 1


def cmd_rollback(args: argparse.Namespace) -> int:
    return cmd_undo(args)


def _edit_grants(folder: str, mode: str | None) -> int:
    import os

    from council_core.base.paths import resolve_paths
    from council_core.base.protected_paths import grant_refusal
    from council_core.base.textsafe import safe_path
    from council_core.settings import GrantedFolder, load_settings, save_settings

    paths = resolve_paths()
    s = load_settings(paths)
    real = os.path.realpath(os.path.expanduser(folder))
    if mode is not None and not os.path.isdir(real):
        print(f"error: {safe_path(folder)} is not a folder", file=sys.stderr)
        return 2
    why = grant_refusal(real) if mode is not None else None
    if why is not None:
        print(f"error: not granted: {safe_path(why)}", file=sys.stderr)
        return 2
    kept = [g for g in s.files.granted if os.path.realpath(os.path.expanduser(g.path)) != real]
    if mode is not None:
        kept.append(GrantedFolder(path=real, mode=mode))  # type: ignore[arg-type]
    s.files.granted = kept
    save_settings(s, paths)
    shown = safe_path(real)
    print(f"{'granted' if mode else 'revoked'}: {shown}" + (f" ({mode})" if mode else ""))
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    return _edit_grants(args.folder, "rw" if args.rw else "ro")


def cmd_revoke(args: argparse.Namespace) -> int:
    return _edit_grants(args.folder, None)
