"""Export and import: a user owns their data.

JSONL (one object per line, ``type`` first): ``{"type": "council-memory", "version": 1}``, then
``session`` (id, title, created, updated), ``turn`` (id, session, user, assistant, skill,
confidence, latency_ms, cost_usd, created, from_recall, repeats), ``feedback`` (turn_id,
rating, correction, created) and ``preference`` (key, value) lines. Vectors are not exported:
import embeds the turns again (they depend on the model). Markdown is for reading only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from council_core.base.db import storage_errors
from council_core.base.errors import BadInput

from .schema import sessions
from .store import MemoryStore

FORMAT = "council-memory"


def export_jsonl(store: MemoryStore, out: IO[str]) -> int:
    """Returns the number of turns written."""

    def w(obj: dict[str, Any]) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")

    w({"type": FORMAT, "version": 1})
    with storage_errors("read sessions"), store.engine.connect() as c:
        for r in c.execute(select(sessions).order_by(sessions.c.created)).all():
            w(
                {
                    "type": "session",
                    "id": r.id,
                    "title": r.title,
                    "created": r.created,
                    "updated": r.updated,
                }
            )
    n = 0
    for t in store.log.iter_turns():
        w({"type": "turn", **t.to_dict()})
        n += 1
    for f in store.feedback.iter_rows():
        w(
            {
                "type": "feedback",
                "turn_id": f["turn_id"],
                "rating": f["rating"],
                "correction": f["correction"],
                "created": f["created"],
            }
        )
    for k, v in store.get_preferences().items():
        w({"type": "preference", "key": k, "value": v})
    return n


def export_markdown(store: MemoryStore, out: IO[str]) -> int:
    n = 0
    out.write("# Council memory\n")
    for s in reversed(store.list_sessions(limit=1_000_000)):
        out.write(f"\n## {s.title or s.id}\n\n_session {s.id}, {_day(s.created)}_\n")
        for t in store.resume(s.id):
            out.write(f"\n**You** ({_day(t.created)}, turn {t.id}):\n\n{t.user}\n")
            who = f"Council · {t.skill}" if t.skill else "Council"
            out.write(f"\n**{who}**:\n\n{t.assistant}\n")
            n += 1
    prefs = store.get_preferences()
    if prefs:
        out.write("\n## Preferences\n\n")
        for k, v in prefs.items():
            out.write(f"- {k}: {json.dumps(v, ensure_ascii=False)}\n")
    return n


def import_jsonl(store: MemoryStore, path: Path) -> dict[str, int]:
    """Add the turns, feedback and preferences of an export; turns already present (same
    session, time and question) are skipped, so importing twice changes nothing."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc}", fix="give the path of a JSONL export") from exc
    objs: list[dict[str, Any]] = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise BadInput(
                f"{path}, line {i}: not JSON ({exc})",
                fix="import reads the JSONL written by `council memory export --format jsonl`",
            ) from exc
        if not isinstance(obj, dict) or "type" not in obj:
            raise BadInput(f"{path}, line {i}: not a memory export line", fix="use a JSONL export")
        objs.append(obj)
    if not objs or objs[0].get("type") != FORMAT:
        raise BadInput(
            f"{path} is not a Council memory export",
            fix="import reads the JSONL written by `council memory export --format jsonl`",
        )
    existing = set()
    with storage_errors("read memory"), store.engine.connect() as c:
        for s, created, norm in c.exec_driver_sql("SELECT session, created, norm FROM turns"):
            existing.add((s, round(float(created), 3), norm))
    from .text import normalize

    new_turns: list[dict[str, Any]] = []
    old_ids: list[int] = []
    titles: dict[str, str] = {}
    for o in objs:
        if o["type"] == "session":
            titles[str(o["id"])] = str(o.get("title") or "")
        elif o["type"] == "turn":
            key = (str(o["session"]), round(float(o["created"]), 3), normalize(str(o["user"])))
            if key in existing:
                continue
            existing.add(key)
            new_turns.append(o)
            old_ids.append(int(o["id"]))
    store.log.add_many(new_turns)
    for sid, title in titles.items():
        if title:
            store.rename_session(sid, title)
    # Map old turn ids to the new ones (same session, created) for feedback.
    id_map: dict[int, int] = {}
    with storage_errors("read memory"), store.engine.connect() as c:
        for old, o in zip(old_ids, new_turns, strict=True):
            r = c.exec_driver_sql(
                "SELECT id FROM turns WHERE session = ? AND abs(created - ?) < 0.001 "
                "ORDER BY id DESC LIMIT 1",
                (o["session"], float(o["created"])),
            ).first()
            if r:
                id_map[old] = int(r[0])
    n_fb = 0
    for o in objs:
        if o["type"] == "feedback" and o.get("turn_id") in id_map:
            store.record_feedback(id_map[o["turn_id"]], o["rating"], o.get("correction"))
            n_fb += 1
        elif o["type"] == "preference":
            store.set_preference(o["key"], o["value"])
    return {"turns": len(new_turns), "feedback": n_fb}


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
