"""The files skill: find, open and organize the user's files, carefully.

Reads only inside granted folders; every change is a plan shown through the approval
channel, journalled, then run; `council undo` reverses the last plan exactly.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from council_core import cues
from council_core.base.errors import SkillDeclined
from council_core.base.result import SkillAnswer, Source
from council_core.base.textsafe import safe_path
from council_core.skill import Emit, Query, Skill, _drop

if TYPE_CHECKING:
    from .service import FileActions

# The routing words live in council_core/cues.py with every other skill's.
_CUES = cues.FILES_CUE
_VERB = cues.FILES_VERB
_NOT_FILES = cues.NOT_FILES


class FilesSkill(Skill):
    name = "files"
    description = "Find, open and organize files in the folders you granted (with undo)."
    threshold = 0.5

    def score(self, query: Query) -> float:
        t = query.text
        if len(t) > 500 or _NOT_FILES.search(t):
            return 0.0
        cue, verb = _CUES.search(t), _VERB.search(t)
        if cue and verb:
            return 0.8
        return 0.0

    def _svc(self) -> FileActions:
        return self.ctx.service("files")  # type: ignore[no-any-return]

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        import asyncio

        from .parse import parse
        from .service import battery, disk_usage, human, memory_status, plan_approval

        req = parse(query.text)
        if req is None:
            raise SkillDeclined("not a file request")
        if req.action == "disk":
            rows = disk_usage()
            lines = [
                f"{m}: {human(u)} used of {human(t)} ({100 * u / t:.0f}%)" for m, u, t in rows if t
            ]
            return SkillAnswer("Disk space:\n" + "\n".join(lines), 1.0)
        if req.action == "battery":
            b = battery()
            return SkillAnswer(f"Battery: {b}" if b else "No battery found on this machine.", 1.0)
        if req.action == "memory":
            avail, total = memory_status()
            return SkillAnswer(f"Memory: {human(avail)} free of {human(total)}.", 1.0)
        svc = self._svc()
        if req.action == "space":
            biggest = await asyncio.to_thread(svc.space, req.source)
            if not biggest:
                return SkillAnswer("That folder is empty.", 1.0)
            listing = [f"{human(size):>9}  {safe_path(p)}" for p, size in biggest]
            return SkillAnswer(
                "Largest items:\n" + "\n".join(listing),
                1.0,
                sources=[Source(str(p)) for p, _ in biggest],
            )
        if req.action in ("find", "open"):
            docs = self._documents()
            found = await asyncio.to_thread(svc.find, req, 20, docs)
            if not found:
                return SkillAnswer("I found no matching files in the folders you granted.", 0.9)
            if req.action == "open":
                path = svc.open(found[0].path)
                return SkillAnswer(f"Opened {safe_path(path)}", 1.0, sources=[Source(str(path))])
            lines = [  # one line per file, whatever its name holds
                f"{safe_path(p.path)}  ({human(p.size)}, "
                f"{time.strftime('%Y-%m-%d', time.localtime(p.mtime))})"
                for p in found[:10]
            ]
            more = f"\n…and {len(found) - 10} more" if len(found) > 10 else ""
            return SkillAnswer(
                f"Found {len(found)}:\n" + "\n".join(lines) + more,
                1.0,
                sources=[Source(str(p.path)) for p in found[:10]],
            )
        if req.action == "undo":
            pid, restored, problems = await asyncio.to_thread(svc.undo_last)
            text = f"Undid plan #{pid}: {restored} operation(s) reversed."
            return SkillAnswer(text + ("\n" + "\n".join(problems) if problems else ""), 1.0)
        plan = await asyncio.to_thread(svc.plan, req, query.text)
        if not plan.ops:
            return SkillAnswer("Nothing to do: no matching files.", 1.0)
        decision = await self.ctx.approval.request(plan_approval(plan, f"you asked: {query.text}"))
        if not decision.approved:
            return SkillAnswer(
                f"Not done (declined): {plan.summary}.\n{plan.describe()}",
                1.0,
                notes=["file plan declined"],
            )
        done = await asyncio.to_thread(svc.run, plan, "user")
        ok = sum(o.status == "done" for o in done.ops)
        msg = f"Done: {plan.summary} — {ok} of {len(done.ops)} operation(s) ran (plan #{done.id})."
        failed = [o for o in done.ops if o.status == "failed"]
        if failed:
            msg += (
                f"\nStopped at: {failed[0].describe()}: {failed[0].error}. "
                f"`council files resume {done.id}` or `council undo`."
            )
        else:
            msg += " Undo with `council undo`."
        return SkillAnswer(msg, 1.0, data={"plan_id": done.id})

    def _documents(self) -> Any:
        try:
            return self.ctx.service("documents")
        except Exception:
            return None
