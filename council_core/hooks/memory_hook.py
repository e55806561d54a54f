"""Memory around the cascade: answer with the user's own correction, record every turn.

``before()`` looks up a correction the user gave for the same question (normalized: case,
punctuation, "what's"/"what is" do not matter) with one indexed SQLite query; a merely
similar question matches by embedding only when the memory store, and so its model, is
already loaded in this process. A cold ``council ask "17*23"`` therefore touches SQLite and
never imports torch or FAISS.

``after()`` records each successful turn (skipped when ``memory.enabled`` is off or the
result is an error) and sets ``result.turn_id`` (the id ``council feedback`` takes). An
answer that came from memory (a correction) is recorded as ``from_recall``, so it never
becomes a new memory of its own.

``skill_scores()`` gives thumbs up/down per skill (``score`` = (up + 1) / (up + down + 2),
0.5 = no evidence), as ``council feedback scores`` shows them; the router does not read them
(its thresholds are the skills' own).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from council_core.base.errors import CouncilError
from council_core.base.logs import get_logger
from council_core.base.result import CouncilResult, SkillAnswer
from council_core.hooks import CouncilHook

if TYPE_CHECKING:
    from council_core.context import SkillContext
    from council_core.skill import Query

RECALL_SKILL = "memory"
log = get_logger("memory_hook")


class MemoryHook(CouncilHook):
    name = "memory"
    order = 10  # a stored correction answers before anything else; every turn is recorded

    def __init__(self, ctx: SkillContext) -> None:
        super().__init__(ctx)
        self._log: Any = None
        self._down: CouncilError | None = None  # memory's database failed: answer without it

    @property
    def enabled(self) -> bool:
        return bool(self.ctx.settings.memory.enabled)

    def _store(self) -> Any:
        return self.ctx.memory if self.ctx.has_service("memory") else None

    def _turn_log(self) -> Any:
        """The SQLite-only log, for processes that never loaded the full store."""
        if self._log is None:
            from memory.turns import TurnLog

            self._log = TurnLog(self.ctx.paths.db_file)
        return self._log

    def _find_correction(self, text: str) -> Any:
        store = self._store()
        if store is not None:
            return store.find_correction(text)
        from memory.feedback import FeedbackLog

        return FeedbackLog(self._turn_log().engine).correction_for(text)

    async def before(self, query: Query) -> SkillAnswer | None:
        if not self.enabled:
            return None
        try:
            corr = await asyncio.to_thread(self._find_correction, query.text)
        except CouncilError as exc:
            # A damaged or unreadable memory database must not block the answer (math, logic
            # and the rest need no memory); the answer says memory was left out.
            log.warning("answering without conversation memory: %s", exc.message)
            self._down = exc
            return None
        self._down = None
        if corr is None:
            return None
        return SkillAnswer(
            answer=corr.correction,
            confidence=1.0,
            skill=RECALL_SKILL,
            notes=["your correction from an earlier answer"],
            data={"from_recall": True, "correction_id": corr.id, "turn_id": corr.turn_id},
        )

    def _record(self, query: Query, result: CouncilResult) -> int:
        target = self._store() or self._turn_log()
        return int(
            target.add_turn(
                query.session,
                query.text,
                result.answer,
                skill=result.skill,
                confidence=result.confidence,
                latency_ms=result.latency_ms,
                cost_usd=result.cost_usd,
                from_recall=result.skill == RECALL_SKILL,
            )
        )

    async def after(self, query: Query, result: CouncilResult) -> None:
        if not self.enabled or not result.ok or not result.answer:
            return
        if self._down is not None:
            fix = f" ({self._down.fix})" if self._down.fix else ""
            result.notes.append(
                f"conversation memory unavailable, this turn was not recorded: "
                f"{self._down.message}{fix}"
            )
            return
        result.turn_id = await asyncio.to_thread(self._record, query, result)

    def skill_scores(self) -> dict[str, dict[str, float]]:
        from memory.feedback import FeedbackLog

        store = self._store()
        engine = store.engine if store is not None else self._turn_log().engine
        return FeedbackLog(engine).skill_scores()

    async def aclose(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
