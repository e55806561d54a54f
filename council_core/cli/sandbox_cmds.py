"""council run python|bash FILE|-: run a file in the sandbox and print the result."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="run a Python or Bash file in the firejail sandbox")
    p.add_argument("language", choices=["python", "bash"])
    p.add_argument("file", help="the file to run, or - for stdin")
    p.add_argument("--session", help="workspace name (default: 'default')")
    p.add_argument("--timeout", type=float, default=None, help="wall-clock limit (s)")
    p.add_argument(
        "--grant",
        action="append",
        default=[],
        metavar="PATH[:rw]",
        help="let the code see a folder (read-only; ':rw' for read-write); repeatable",
    )
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from council_core.base.errors import CouncilError

    from .common import make_context, print_error, print_json

    try:
        code = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    ctx = make_context()
    try:
        from sandbox.policy import Grant

        grants = []
        for g in args.grant:
            path, _, mode = g.rpartition(":") if g.endswith((":rw", ":ro")) else (g, "", "ro")
            grants.append(Grant.make(path, "rw" if mode == "rw" else "ro"))
        ex = ctx.sandbox
        try:
            res = ex.run(args.language, code, args.session, grants, args.timeout)
        finally:
            ex.close()
    except CouncilError as exc:
        print_error(exc)
        return 2
    if args.json:
        print_json(res.to_dict())
        return 0 if res.ok else 1
    from council_core.base.textsafe import safe_path, safe_text

    # What the code printed is shown, never obeyed: escape sequences (colours, cursor moves,
    # OSC 52 clipboard writes) and control characters are written as visible text.
    sys.stdout.write(safe_text(res.stdout))
    if res.truncated:
        sys.stdout.write("\n[output truncated]\n")
    sys.stderr.write(safe_text(res.stderr))
    info = [f"exit {res.exit_code}", f"{res.duration_s * 1000:.0f} ms", res.outcome]
    if res.killed_reason:
        info.append(safe_path(res.killed_reason))
    if res.files:
        info.append("files: " + ", ".join(safe_path(f) for f in res.files[:10]))
    if res.denied:
        info.append("denied: " + ", ".join(safe_path(d.path) for d in res.denied))
    ws = safe_path(res.workspace)
    print(f"[sandbox] {' · '.join(info)}  (workspace {ws})", file=sys.stderr)
    return res.exit_code if res.exit_code else (0 if res.ok else 1)
