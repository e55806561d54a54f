"""Helpers for the app tests: real Skill subclasses (the product's skills live on other
branches) and a small real knowledge store."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from council_core.approval import ApprovalRequest
from council_core.base.errors import ApprovalDeclined
from council_core.base.result import Chunk, SkillAnswer, Source
from council_core.router import Council
from council_core.skill import Query, Skill

ANSWER = (
    "Here is a **prime check** in Python:\n\n"
    "```python\ndef is_prime(n: int) -> bool:\n"
    "    if n < 2:\n        return False\n"
    "    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n```\n\n"
    "It tries every divisor up to the square root of *n*."
)


class StreamSkill(Skill):
    """Streams a fixed Markdown text word by word, with a delay between chunks; records the
    perf_counter() at which it emitted each chunk."""

    name = "writer"
    threshold = 0.1
    can_stream = True
    delay_s = 0.01
    text = ANSWER
    source: str | None = None

    def __init__(self, ctx):
        super().__init__(ctx)
        self.emitted: list[float] = []

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        if query.text.startswith("slow"):
            await asyncio.sleep(30)
        words = self.text.split(" ")
        for i, w in enumerate(words):
            self.emitted.append(time.perf_counter())
            emit(Chunk(w if i == len(words) - 1 else w + " "))
            await asyncio.sleep(self.delay_s)
        sources = [Source(self.source, "lines 1-3")] if self.source else []
        return SkillAnswer(self.text, confidence=0.9, sources=sources)


class PaidSkill(Skill):
    """Asks the approval channel before 'spending' (as the cloud escalation does)."""

    name = "paid"
    threshold = 0.1

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        d = await self.ctx.approval.request(
            ApprovalRequest(
                kind="cloud",
                title="Ask provider x",
                why="no local skill was sure",
                details=query.text,
                cost_usd=0.002,
                remaining_budget_usd=0.9,
                scope="x",
            )
        )
        if not d.approved:
            raise ApprovalDeclined("you declined the cloud request", fix="ask again to approve")
        return SkillAnswer("paid answer", confidence=0.9, cost_usd=0.002)


def council_with(skill_cls, ctx=None):
    def factory():
        council = Council(ctx, skills={skill_cls.name: skill_cls})
        council._hooks = []
        return council

    return factory


class WalkingStore:
    """A small real knowledge store for the app tests while the knowledge component is on
    another branch: walks the dropped paths, reads each file, counts passages, and reports
    what it skipped and why, with the same ingest() signature and report fields."""

    def __init__(self, max_bytes: int = 10_000_000, delay_s: float = 0.0) -> None:
        self.max_bytes, self.delay_s = max_bytes, delay_s
        self.files: dict[str, str] = {}

    def ingest(self, paths, on_progress=None, cancel=None):
        import time
        from types import SimpleNamespace

        files, skipped = [], []
        for p in map(Path, paths):
            if p.is_dir():
                for dirpath, _dirs, names in os.walk(
                    p, onerror=lambda e: skipped.append((e.filename, e.strerror))
                ):
                    files += [Path(dirpath) / n for n in names]
            else:
                files.append(p)
        report = SimpleNamespace(files_added=0, files_updated=0, files_unchanged=0,
                                 files_removed=0, chunks_added=0, skipped=skipped)  # fmt: skip
        for i, f in enumerate(files, 1):
            if cancel is not None and cancel.is_set():
                break
            try:
                if f.stat().st_size > self.max_bytes:
                    skipped.append((str(f), "too large"))
                    continue
                text = f.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                skipped.append((str(f), type(exc).__name__))
                continue
            if self.files.get(str(f)) == text:
                report.files_unchanged += 1
            else:
                report.files_added += 1
                report.chunks_added += max(1, len(text.split()) // 200)
                self.files[str(f)] = text
            if self.delay_s:
                time.sleep(self.delay_s)
            if on_progress is not None:
                on_progress(i, len(files), f.name)
        return report


class CutSkill(Skill):
    """Streams the start of an answer, then goes silent (a model stalled mid-answer); asked
    to continue (``continue_from``), it streams the rest."""

    name = "general"
    threshold = 0.0
    can_stream = True
    start = ["Paris ", "is the ", "capital"]
    rest = ["of France."]

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        going_on = bool(query.options.get("continue_from"))
        for piece in self.rest if going_on else self.start:
            emit(Chunk(piece))
            await asyncio.sleep(0.01)
        if not going_on:
            await asyncio.sleep(30)
        return SkillAnswer("".join(self.rest), confidence=0.9)


class LongSkill(Skill):
    """A long answer (80 lines), all at once."""

    name = "long"
    threshold = 0.0

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        text = "\n\n".join(f"Line {i} of a long answer about {query.text}." for i in range(80))
        emit(Chunk(text))
        return SkillAnswer(text, confidence=0.9)
