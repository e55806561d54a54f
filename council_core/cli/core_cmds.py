"""ask, batch, chat, doctor, serve-metrics, settings."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from typing import Any

from council_core.base.textsafe import safe_text

from .common import (
    format_footer,
    format_sources,
    make_council,
    print_error,
    print_json,
    run,
)


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("prompt", nargs="+")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--session", help="session id (default: a new one)")
    p.add_argument("--no-cloud", action="store_true", help="never escalate to a paid provider")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("batch", help="JSON Lines in, JSON Lines out; models stay warm")
    p.add_argument(
        "--approve",
        choices=["decline", "all"],
        default="decline",
        help="how approval requests are answered (default: decline)",
    )
    p.add_argument(
        "--cloud",
        action="store_true",
        help="allow cloud escalation (still subject to --approve and budgets)",
    )
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("chat", help="interactive chat in the terminal")
    p.add_argument("--session", help="resume a session id")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("doctor", help="check every component and say how to fix what is missing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("serve-metrics", help="serve Prometheus metrics on 127.0.0.1")
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(func=cmd_serve_metrics)

    p = sub.add_parser("settings", help="show or change settings")
    p.add_argument("action", choices=["show", "get", "set", "path"], nargs="?", default="show")
    p.add_argument("key", nargs="?", help="dotted key, e.g. llm.model_tier")
    p.add_argument("value", nargs="?", help="new value (JSON or plain text)")
    p.set_defaults(func=cmd_settings)


CLEAR_LINE = "\r\033[K"  # back to the line's start, erase it


def _new_session() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def cmd_ask(args: argparse.Namespace) -> int:
    prompt = " ".join(args.prompt)
    stream = not args.json and sys.stdout.isatty()

    async def go() -> Any:
        from council_core.base.result import Chunk, Done, Progress, Retract

        council = make_council()
        try:
            opts = {"no_cloud": args.no_cloud}
            if not stream:
                return await council.ask(prompt, args.session or _new_session(), **opts)
            shown = ""
            result = None
            status = False  # a progress line is on the terminal
            async for ev in council.stream(prompt, args.session or _new_session(), **opts):
                if status and not isinstance(ev, Progress):
                    sys.stderr.write(CLEAR_LINE)
                    sys.stderr.flush()
                    status = False
                if isinstance(ev, Chunk):
                    sys.stdout.write(safe_text(ev.text))
                    sys.stdout.flush()
                    shown += ev.text
                elif isinstance(ev, Retract) and shown:
                    sys.stdout.write("\n[withdrawn: " + ev.skill + " was unsure]\n")
                    shown = ""
                elif isinstance(ev, Progress):
                    # one status line, rewritten in place (and wiped before the answer)
                    line = f"[{ev.stage}] {ev.done}/{ev.total} {ev.message}"[:120]
                    sys.stderr.write(CLEAR_LINE + line)
                    sys.stderr.flush()
                    status = True
                elif isinstance(ev, Done):
                    result = ev.result
            if result is not None and shown.strip() != result.answer.strip():
                sys.stdout.write(("\n" if shown else "") + safe_text(result.answer))
            sys.stdout.write("\n")
            return result
        finally:
            await council.aclose()

    result = run(go())
    if args.json:
        print_json(result.to_dict())
        return 0 if result.ok else 1
    if not stream and result.answer:
        print(safe_text(result.answer))
    if result.error:
        print_error(result.error)
    if result.sources:
        print("sources:\n" + format_sources(result), file=sys.stderr)
    for note in result.notes:
        print(f"note: {safe_text(note)}", file=sys.stderr)
    print(f"— {format_footer(result)}", file=sys.stderr)
    return 0 if result.ok else 1


def _parse_line(line: str) -> tuple[str, str | None]:
    """A batch line: plain text, or a JSON object {"prompt": str, "session": str}. A line
    that is JSON but not such an object raises BadInput (answered as an error line)."""
    from council_core.base.errors import BadInput

    s = line.strip()
    if not s.startswith(("{", "[", '"')):
        return s, None
    try:
        obj = json.loads(s)
    except RecursionError as exc:
        raise BadInput(
            "the JSON line is nested too deeply", fix='send {"prompt": "...", "session": "..."}'
        ) from exc
    except ValueError:
        if s.startswith("{"):
            raise BadInput(
                "the line starts with '{' but is not valid JSON",
                fix='send one JSON object per line: {"prompt": "...", "session": "..."}',
            ) from None
        return s, None  # text that happens to start with [ or "
    if not isinstance(obj, dict):
        raise BadInput(
            f"a JSON line must be an object, not {type(obj).__name__}",
            fix='send {"prompt": "...", "session": "..."} (or the prompt as plain text)',
        )
    prompt, session = obj.get("prompt"), obj.get("session")
    if not isinstance(prompt, str):
        raise BadInput("'prompt' must be a string", fix='send {"prompt": "..."}')
    if session is not None and not isinstance(session, str):
        raise BadInput(
            f"'session' must be a string, not {type(session).__name__}",
            fix='send {"prompt": "...", "session": "my-session"} or leave session out',
        )
    return prompt, session


def cmd_batch(args: argparse.Namespace) -> int:
    from council_core.approval import approve_all, decline_all
    from council_core.base.errors import BadInput
    from council_core.base.result import CouncilResult, ErrorInfo

    approver = approve_all if args.approve == "all" else decline_all

    async def go() -> None:
        council = make_council(approver)
        default_session = _new_session()
        try:
            for n, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                try:
                    prompt, session = _parse_line(line)
                except BadInput as exc:
                    bad = CouncilResult(prompt=line.strip(), error=ErrorInfo.from_exc(exc))
                    bad.error.message = f"line {n}: {exc.message}"  # type: ignore[union-attr]
                    print_json(bad.to_dict())
                    continue
                result = await council.ask(
                    prompt, session or default_session, no_cloud=not args.cloud, batch=True
                )
                print_json(result.to_dict())
        finally:
            await council.aclose()

    run(go())
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    session = args.session or _new_session()
    print(
        f"Council chat (session {session}). /quit (or q) to leave, /new for a new session.",
        file=sys.stderr,
    )

    async def go() -> None:
        from council_core.base.result import Chunk, Done, Retract

        council = make_council()
        nonlocal session
        try:
            while True:
                try:
                    import asyncio

                    line = await asyncio.to_thread(input, "you> ")
                except EOFError:
                    break
                line = line.strip()
                if not line:
                    continue
                if line.lower() in ("/quit", "/exit", "quit", "exit", "q", ":q"):
                    break  # what people type to leave a terminal program
                if line == "/new":
                    session = _new_session()
                    print(f"new session {session}", file=sys.stderr)
                    continue
                sys.stdout.write("council> ")
                shown = ""
                async for ev in council.stream(line, session):
                    if isinstance(ev, Chunk):
                        sys.stdout.write(safe_text(ev.text))
                        sys.stdout.flush()
                        shown += ev.text
                    elif isinstance(ev, Retract):
                        shown = ""
                        sys.stdout.write(" [withdrawn]\ncouncil> ")
                    elif isinstance(ev, Done):
                        r = ev.result
                        if r.answer and shown.strip() != r.answer.strip():
                            sys.stdout.write(safe_text(r.answer))
                        sys.stdout.write("\n")
                        if r.error:
                            print_error(r.error)
                        if r.sources:
                            print(format_sources(r))
                        print(f"  — {format_footer(r)}", file=sys.stderr)
        finally:
            await council.aclose()

    run(go())
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from council_core.doctor import run_checks

    statuses = run_checks()
    if args.json:
        print_json([s.__dict__ for s in statuses])
    else:
        for s in statuses:
            mark = "ok     " if s.ok else ("optional" if s.optional else "MISSING")
            print(f"{mark} {s.name:<22} {s.detail}")
            if not s.ok and s.fix:
                print(f"{'':31}fix: {s.fix}")
    return 0 if all(s.ok or s.optional for s in statuses) else 1


def cmd_serve_metrics(args: argparse.Namespace) -> int:
    from council_core.base.metrics import serve
    from council_core.context import SkillContext

    ctx = SkillContext()
    port = args.port or ctx.settings.metrics.port
    serve(port)
    print(f"serving metrics on http://127.0.0.1:{port}/metrics (Ctrl+C stops)", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from council_core.base.paths import resolve_paths
    from council_core.settings import load_settings, save_settings

    paths = resolve_paths()
    settings = load_settings(paths)
    if args.action == "path":
        print(paths.settings_file)
        return 0
    if args.action == "show":
        print(json.dumps(settings.model_dump(mode="json"), indent=2))
        return 0
    if not args.key:
        print("error: a dotted key is needed, e.g. llm.model_tier", file=sys.stderr)
        return 2
    *parents, leaf = args.key.split(".")
    obj: Any = settings
    try:
        for part in parents:
            obj = getattr(obj, part)
        if args.action == "get":
            value = getattr(obj, leaf)
            print(
                json.dumps(value.model_dump(mode="json") if hasattr(value, "model_dump") else value)
            )
            return 0
        getattr(obj, leaf)
    except AttributeError:
        print(f"error: no setting named {args.key}", file=sys.stderr)
        return 2
    raw = args.value if args.value is not None else ""
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    try:
        setattr(obj, leaf, value)
    except ValueError as exc:
        print(f"error: invalid value for {args.key}: {exc}", file=sys.stderr)
        return 2
    print(f"saved {save_settings(settings, paths)}")
    return 0
