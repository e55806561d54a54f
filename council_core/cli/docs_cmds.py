"""ingest, docs list/remove/search/sync: the knowledge base from the terminal."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

from council_core.base.textsafe import safe_path

from .common import print_error, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="add files or folders to your documents")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="your ingested documents")
    dsub = p.add_subparsers(dest="docs_command", metavar="ACTION")
    q = dsub.add_parser("list", help="list ingested documents")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
    q = dsub.add_parser("remove", help="forget a file or a folder")
    q.add_argument("path", type=Path)
    q.set_defaults(func=cmd_remove)
    q = dsub.add_parser("search", help="search your documents")
    q.add_argument("query", nargs="+")
    q.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    q.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_search)
    q = dsub.add_parser("sync", help="rescan known folders: add new, update changed, drop deleted")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_sync)
    p.set_defaults(func=lambda _a: (p.print_help(), 2)[1])


def _store() -> Any:
    from council_core.base.logs import setup_logging
    from council_core.context import SkillContext

    ctx = SkillContext()
    setup_logging(ctx.paths.log_dir)
    return ctx.documents


class _Bar:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, ev: Any) -> None:
        now = time.monotonic()
        final = ev.total and ev.done >= ev.total
        if not final and now - self.last < (0.1 if self.tty else 2.0):
            return
        self.last = now
        width = 30
        frac = ev.done / ev.total if ev.total else 0.0
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta = f" eta {ev.eta_s:.0f}s" if ev.eta_s else ""
        line = f"[{bar}] {ev.done}/{ev.total} files {ev.message}{eta}"
        if self.tty:
            sys.stderr.write("\r" + line[:120].ljust(120))
            if final:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _run_with_progress(fn: Any, *args: Any) -> Any:
    """Run an ingest in a worker thread; Ctrl-C cancels it cleanly."""
    cancel = threading.Event()
    out: dict[str, Any] = {}

    def work() -> None:
        try:
            out["report"] = fn(*args, on_progress=_Bar(), cancel=cancel)
        except BaseException as exc:
            out["error"] = exc

    t = threading.Thread(target=work, name="ingest", daemon=True)
    t.start()
    try:
        while t.is_alive():
            t.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        print("\ncancelling: files written so far stay, the rest is left out", file=sys.stderr)
        t.join()
    if "error" in out:
        raise out["error"]
    return out["report"]


def _print_report(report: Any, as_json: bool) -> int:
    if as_json:
        print_json(report.to_dict())
    else:
        for path, reason in report.skipped:
            print(f"skipped {safe_path(path)}: {safe_path(reason)}", file=sys.stderr)
        links = getattr(report, "links_skipped", 0)
        print(
            f"{report.files_added} added, {report.files_updated} updated, "
            f"{report.files_unchanged} unchanged, {report.files_removed} removed, "
            f"{len(report.skipped)} skipped"
            + (f" ({links} link(s) not followed)" if links else "")
            + f"; {report.chunks_added} chunks in "
            f"{report.seconds:.1f} s" + (" (cancelled)" if report.cancelled else "")
        )
    return 130 if report.cancelled else (1 if report.skipped and not _any_ok(report) else 0)


def _any_ok(report: Any) -> bool:
    return bool(
        report.files_added + report.files_updated + report.files_unchanged + report.files_removed
    )


def _guard(fn: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import DatabaseError

        from council_core.base.db import storage_error
        from council_core.base.errors import CouncilError

        try:
            return int(fn(args))
        except CouncilError as exc:
            print_error(exc)
            return 1
        except DatabaseError as exc:  # damage found past the header: no driver traceback
            print_error(storage_error("use the documents database", exc))
            return 1

    return wrapped


@_guard
def cmd_ingest(args: argparse.Namespace) -> int:
    store = _store()
    report = _run_with_progress(store.ingest, [p for p in args.paths])
    return _print_report(report, args.json)


@_guard
def cmd_sync(args: argparse.Namespace) -> int:
    store = _store()
    report = _run_with_progress(store.sync)
    return _print_report(report, args.json)


@_guard
def cmd_list(args: argparse.Namespace) -> int:
    docs = _store().list_documents()
    if args.json:
        print_json([d.__dict__ for d in docs])
        return 0
    if not docs:
        print("no documents yet; add some with: council ingest PATH", file=sys.stderr)
        return 0
    for d in docs:
        print(f"{d.chunks:5d} chunks  {d.format:8s}  {safe_path(d.path)}  — {safe_path(d.title)}")
    print(f"{len(docs)} documents", file=sys.stderr)
    return 0


@_guard
def cmd_remove(args: argparse.Namespace) -> int:
    n = _store().remove(args.path)
    if not n:
        print(f"nothing ingested under {args.path}", file=sys.stderr)
        return 1
    print(f"removed {n} document{'s' if n != 1 else ''}")
    return 0


@_guard
def cmd_search(args: argparse.Namespace) -> int:
    hits = _store().search(" ".join(args.query), k=args.k, mode=args.mode)
    if args.json:
        print_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print("no matches", file=sys.stderr)
        return 1
    for i, h in enumerate(hits, 1):
        loc = f" ({h.locator})" if h.locator else ""
        cos = f" cos {h.cosine:.2f}" if h.cosine is not None else ""
        print(f"[{i}] {safe_path(h.path)}{safe_path(loc)}  score {h.score:.4f}{cos}")
        snippet = safe_path(" ".join(h.snippet.split()))
        print("    " + (snippet[:300] + (" ..." if len(snippet) > 300 else "")))
    return 0
