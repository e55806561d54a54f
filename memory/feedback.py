"""What the user said about answers: thumbs up/down per turn and skill, and corrections.

A correction ("no, it's 42") is stored with the question it corrects; the memory hook answers
with it when the same (normalized) question comes again, and the store also matches similar
questions by embedding when its model is loaded. Up/down counts per skill give a score the
router can use to adjust thresholds. Everything exports as JSONL for fine-tuning elsewhere.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from sqlalchemy import Engine, func, insert, select

from council_core.base.db import storage_errors
from council_core.base.errors import BadInput

from .schema import feedback, turns
from .text import clean, normalize

Rating = Literal["up", "down", "correction"]


@dataclass
class Correction:
    id: int
    turn_id: int | None
    question: str
    answer: str  # the answer that was wrong
    correction: str
    skill: str | None
    created: float


class FeedbackLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, turn_id: int, rating: str, correction: str | None = None) -> int:
        """Store up/down/correction for a turn; returns the feedback id."""
        if rating not in ("up", "down", "correction"):
            raise BadInput(
                f"unknown feedback {rating!r}", fix="use up, down or correction (with the text)"
            )
        text_ = clean(correction, "correction").strip() if correction is not None else None
        if rating == "correction" and not text_:
            raise BadInput(
                "a correction needs the right answer", fix="council feedback correct ID 'TEXT'"
            )
        with storage_errors("store feedback"), self.engine.begin() as c:
            t = c.execute(
                select(
                    turns.c.session, turns.c.skill, turns.c.user_text, turns.c.assistant_text
                ).where(turns.c.id == turn_id)
            ).first()
            if t is None:
                raise BadInput(
                    f"no turn with id {turn_id}", fix="see the ids with `council memory list`"
                )
            res = c.execute(
                insert(feedback).values(
                    turn_id=turn_id,
                    session=t.session,
                    skill=t.skill,
                    kind=rating,
                    question=t.user_text,
                    norm=normalize(t.user_text),
                    answer=t.assistant_text,
                    correction=text_,
                    created=time.time(),
                )
            )
            pk = res.inserted_primary_key
            assert pk is not None
            return int(pk[0])

    def correction_for(self, question: str) -> Correction | None:
        """The latest correction for this exact (normalized) question: one indexed lookup."""
        norm = normalize(question)
        if not norm:
            return None
        with storage_errors("read feedback"), self.engine.connect() as c:
            r = c.execute(
                select(feedback)
                .where(feedback.c.kind == "correction", feedback.c.norm == norm)
                .order_by(feedback.c.id.desc())
                .limit(1)
            ).first()
        return _correction(r) if r else None

    def corrections(self) -> list[Correction]:
        """The latest correction per question."""
        with storage_errors("read feedback"), self.engine.connect() as c:
            rows = c.execute(
                select(feedback).where(feedback.c.kind == "correction").order_by(feedback.c.id)
            ).all()
        latest: dict[str, Any] = {}
        for r in rows:
            latest[r.norm] = r
        return [_correction(r) for r in latest.values()]

    def count(self) -> int:
        with storage_errors("read feedback"), self.engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(feedback)).scalar_one())

    def skill_scores(self) -> dict[str, dict[str, float]]:
        """Per skill: up, down, corrections and ``score`` = (up + 1) / (up + down + 2)
        (a correction counts as down). 0.5 means no evidence either way."""
        with storage_errors("read feedback"), self.engine.connect() as c:
            rows = c.execute(
                select(feedback.c.skill, feedback.c.kind, func.count()).group_by(
                    feedback.c.skill, feedback.c.kind
                )
            ).all()
        out: dict[str, dict[str, float]] = {}
        for skill, kind, n in rows:
            d = out.setdefault(skill or "none", {"up": 0, "down": 0, "correction": 0})
            d[kind] = int(n)
        for d in out.values():
            bad = d["down"] + d["correction"]
            d["score"] = round((d["up"] + 1) / (d["up"] + bad + 2), 4)
        return out

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        with storage_errors("read feedback"), self.engine.connect() as c:
            rows = c.execute(select(feedback).order_by(feedback.c.id)).all()
        for r in rows:
            yield {
                "id": r.id,
                "turn_id": r.turn_id,
                "session": r.session,
                "skill": r.skill,
                "rating": r.kind,
                "question": r.question,
                "answer": r.answer,
                "correction": r.correction,
                "created": r.created,
            }

    def export_jsonl(self, out: IO[str]) -> int:
        """One JSON object per line: question, answer, rating (up|down|correction),
        correction, skill, created: the shape fine-tuning tools read."""
        n = 0
        for row in self.iter_rows():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n


def _correction(r: Any) -> Correction:
    return Correction(r.id, r.turn_id, r.question, r.answer, r.correction, r.skill, r.created)
