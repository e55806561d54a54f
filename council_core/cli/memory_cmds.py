"""memory ..., feedback ...: search, list, forget, export/import, reindex, sessions; thumbs
up/down and corrections."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from .common import print_error, print_json


def register(sub: Any) -> None:
    m = sub.add_parser("memory", help="conversation memory: search, list, forget, export")
    ms = m.add_subparsers(dest="memory_cmd", metavar="ACTION")

    p = ms.add_parser("search", help="find what was said before")
    p.add_argument("query", nargs="+")
    p.add_argument("-k", type=int, default=5, help="how many (default 5)")
    p.add_argument("--session", help="prefer this session (others only above the threshold)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_search))

    p = ms.add_parser("list", help="recent turns, newest first")
    p.add_argument("--session")
    p.add_argument("-n", "--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_list))

    p = ms.add_parser("forget", help="delete a turn, a session, or everything")
    p.add_argument("turn_id", nargs="?", type=int)
    p.add_argument("--session")
    p.add_argument("--all", action="store_true", help="everything: turns, feedback, preferences")
    p.set_defaults(func=_guard(cmd_forget))

    p = ms.add_parser("export", help="write every session and turn (a user owns their data)")
    p.add_argument("--format", choices=["jsonl", "markdown"], default="jsonl")
    p.add_argument("-o", "--output", help="file (default: stdout)")
    p.set_defaults(func=_guard(cmd_export))

    p = ms.add_parser("import", help="read a JSONL export back (duplicates are skipped)")
    p.add_argument("file")
    p.set_defaults(func=_guard(cmd_import))

    p = ms.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(func=_guard(cmd_reindex))

    p = ms.add_parser("stats", help="counts and index state")
    p.set_defaults(func=_guard(cmd_stats))

    p = ms.add_parser("sessions", help="list, rename, delete or show past sessions")
    p.add_argument(
        "action", nargs="?", choices=["list", "rename", "delete", "show"], default="list"
    )
    p.add_argument("session", nargs="?")
    p.add_argument("title", nargs="*")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_sessions))
    m.set_defaults(func=lambda a: (m.print_help(), 2)[1])

    f = sub.add_parser("feedback", help="thumbs up/down or a correction for an answer")
    fs = f.add_subparsers(dest="feedback_cmd", metavar="ACTION")
    for rating in ("up", "down"):
        p = fs.add_parser(rating, help=f"thumbs {rating} for turn TURN_ID")
        p.add_argument("turn_id", type=int)
        p.set_defaults(func=_guard(cmd_feedback), rating=rating)
    p = fs.add_parser("correct", help="the right answer for turn TURN_ID (wins next time)")
    p.add_argument("turn_id", type=int)
    p.add_argument("text", nargs="+")
    p.set_defaults(func=_guard(cmd_feedback), rating="correction")
    p = fs.add_parser("export", help="all feedback as JSONL (for fine-tuning elsewhere)")
    p.add_argument("-o", "--output")
    p.set_defaults(func=_guard(cmd_feedback_export))
    p = fs.add_parser("scores", help="thumbs up/down per skill")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_feedback_scores))
    f.set_defaults(func=lambda a: (f.print_help(), 2)[1])


def _guard(fn: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from council_core.base.errors import CouncilError

        try:
            return int(fn(args) or 0)
        except CouncilError as exc:
            print_error(exc)
            return 1

    return run


def _store(background: bool = False) -> Any:
    from council_core.context import SkillContext
    from memory.store import MemoryStore

    ctx = SkillContext()
    s = ctx.settings.memory
    return MemoryStore(
        ctx.paths.db_file,
        ctx.paths.index_dir,
        cross_session_threshold=s.cross_session_threshold,
        recent_turns=s.recent_turns,
        context_tokens=s.context_tokens,
        background=background,
    )


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _one_line(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def cmd_search(args: argparse.Namespace) -> int:
    with _store() as store:
        hits = store.search(" ".join(args.query), args.k, session=args.session)
    if args.json:
        print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print("nothing found", file=sys.stderr)
        return 1
    for h in hits:
        print(f"[{h.turn_id}] {h.score:.2f}  {_when(h.created)}  {h.session}")
        print(f"    you: {_one_line(h.user)}")
        print(f"    council: {_one_line(h.assistant)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _store() as store:
        turns = store.log.list_turns(args.session, args.limit)
    if args.json:
        print_json([t.to_dict() for t in turns])
        return 0
    for t in turns:
        print(f"[{t.id}] {_when(t.created)}  {t.session}  {t.skill or ''}")
        print(f"    you: {_one_line(t.user)}")
        print(f"    council: {_one_line(t.assistant)}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    chosen = [args.turn_id is not None, bool(args.session), bool(args.all)]
    if sum(chosen) != 1:
        print_error(_bad("say what to forget", "council memory forget ID | --session S | --all"))
        return 2
    if args.all:
        from council_core.context import SkillContext
        from council_core.user_data import forget_everything

        ctx = SkillContext()
        try:
            gone = forget_everything(ctx)
        finally:
            ctx.memory.close()
        print(f"forgot {gone['turns']} turn(s) and {gone['facts']} remembered fact(s)")
        return 0
    with _store() as store:
        n = store.forget(session=args.session) if args.session else store.forget(args.turn_id)
    print(f"forgot {n} turn(s)")
    return 0 if n or args.all else 1


def cmd_export(args: argparse.Namespace) -> int:
    from memory.transfer import export_jsonl, export_markdown

    fn = export_jsonl if args.format == "jsonl" else export_markdown
    with _store() as store:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                n = fn(store, out)
            print(f"exported {n} turn(s) to {args.output}", file=sys.stderr)
        else:
            fn(store, sys.stdout)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from memory.transfer import import_jsonl

    with _store() as store:
        got = import_jsonl(store, Path(args.file))
        store.catch_up()
    print(f"imported {got['turns']} turn(s), {got['feedback']} feedback item(s)")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    with _store() as store:
        n = store.reindex()
    print(f"index rebuilt: {n} memories in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _store() as store:
        print_json(store.stats())
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.action == "list":
            rows = store.list_sessions()
            if args.json:
                print_json([s.to_dict() for s in rows])
            for s in [] if args.json else rows:
                print(f"{s.id}  {_when(s.updated)}  {s.turns:4d} turns  {s.title}")
            return 0
        if not args.session:
            print_error(_bad("which session?", f"council memory sessions {args.action} ID"))
            return 2
        if args.action == "rename":
            if not args.title:
                print_error(
                    _bad("the new title is missing", "council memory sessions rename ID TITLE")
                )
                return 2
            ok = store.rename_session(args.session, " ".join(args.title))
        elif args.action == "delete":
            ok = store.delete_session(args.session) > 0 or store.log.session_exists(args.session)
        else:
            turns = store.resume(args.session)
            if args.json:
                print_json([t.to_dict() for t in turns])
            for t in [] if args.json else turns:
                print(f"[{t.id}] you: {t.user}\n     council: {t.assistant}")
            ok = bool(turns)
    if not ok:
        print_error(_bad(f"no session {args.session!r}", "see `council memory sessions`"))
        return 1
    return 0


def _feedback_log() -> Any:
    from council_core.base.paths import resolve_paths
    from memory.feedback import FeedbackLog
    from memory.turns import TurnLog

    log = TurnLog(resolve_paths().ensure().db_file)
    return log, FeedbackLog(log.engine)


def cmd_feedback(args: argparse.Namespace) -> int:
    log, fb = _feedback_log()
    try:
        text = " ".join(args.text) if getattr(args, "text", None) else None
        fb.record(args.turn_id, args.rating, text)
    finally:
        log.close()
    print(f"thanks: {args.rating} recorded for turn {args.turn_id}")
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    log, fb = _feedback_log()
    try:
        if args.output:
            with open(args.output, "w", encoding="utf-8") as out:
                n = fb.export_jsonl(out)
            print(f"exported {n} feedback item(s) to {args.output}", file=sys.stderr)
        else:
            fb.export_jsonl(sys.stdout)
    finally:
        log.close()
    return 0


def cmd_feedback_scores(args: argparse.Namespace) -> int:
    log, fb = _feedback_log()
    try:
        scores = fb.skill_scores()
    finally:
        log.close()
    if args.json:
        print_json(scores)
        return 0
    for skill, d in sorted(scores.items()):
        print(
            f"{skill:12s} up {int(d['up']):4d}  down {int(d['down']):4d}  "
            f"corrections {int(d['correction']):4d}  score {d['score']:.2f}"
        )
    return 0


def _bad(msg: str, fix: str) -> Any:
    from council_core.base.errors import BadInput

    return BadInput(msg, fix=fix)
