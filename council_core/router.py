"""The Council: a router cascade over the registered skills.

Every skill scores the query (cheap: text or an FTS5 lookup, no model). The best above its
threshold runs; when it declines, fails on a missing backend, times out, or answers below its
confidence, the next one gets the query. The general (LLM) skill is the last resort; after it,
a hook may rescue (cloud escalation, with approval), and then the result is a clear
"no skill could answer". A skill declines what it does not understand; its ``BadInput``
(a prompt unmistakably its own, but malformed) stands only when no later specialist answers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from council_core.base import metrics
from council_core.base.errors import (
    BackendUnavailable,
    BadInput,
    BugError,
    ComponentMissing,
    CouncilError,
    SkillDeclined,
    SkillTimeout,
    UserFacingError,
)
from council_core.base.logs import get_logger
from council_core.base.result import (
    Chunk,
    CouncilResult,
    Done,
    ErrorInfo,
    Event,
    Retract,
    SkillAnswer,
)

from .context import SkillContext
from .hooks import CouncilHook
from .limits import StreamLimits
from .skill import Emit, Query, Skill, _drop

log = get_logger("router")

# Errors after which the next skill may still answer well.
_PASS_ON = (BackendUnavailable, ComponentMissing, SkillTimeout)
# A skill that finds something wrong with a prompt that is unmistakably its own (a bare
# malformed expression for math) raises BadInput: the remaining specialists still get the
# prompt; if none answers it, the skill's error is the answer (the general model is not asked
# to guess at a malformed expression).


class Council:
    def __init__(
        self,
        ctx: SkillContext | None = None,
        skills: dict[str, type[Skill]] | None = None,
        hooks: list[CouncilHook] | None = None,
    ) -> None:
        self.ctx = ctx or SkillContext()
        if skills is None:
            from .registry import skill_classes

            skills = skill_classes()
        disabled = set(self.ctx.settings.router.disabled_skills)
        self.skills: dict[str, Skill] = {}
        for name, cls in skills.items():
            if name in disabled:
                continue
            self.skills[name] = cls(self.ctx)
        self._hooks = hooks
        self.hook_failures: dict[str, str] = {}

    # ----- hooks -----

    @property
    def hooks(self) -> list[CouncilHook]:
        if self._hooks is None:
            from .registry import HOOKS_GROUP, hook_classes, load_group

            built: list[CouncilHook] = []
            self.hook_failures.update(load_group(HOOKS_GROUP).failures)
            for name, cls in hook_classes().items():
                try:
                    built.append(cls(self.ctx))
                except Exception as exc:
                    self.hook_failures[name] = f"{type(exc).__name__}: {exc}"
                    log.warning("hook %s unavailable: %s", name, exc)
            self._hooks = built
        return self._hooks

    # ----- routing -----

    def rank(self, query: Query) -> list[tuple[float, Skill]]:
        """Skills to try, best first; the fallback skill(s) last."""
        min_score = self.ctx.settings.router.min_score
        scored: list[tuple[float, Skill]] = []
        fallbacks: list[tuple[float, Skill]] = []
        for skill in self.skills.values():
            try:
                s = float(skill.score(query))
            except Exception as exc:
                log.warning("skill %s failed to score: %s", skill.name, exc)
                continue
            if skill.is_fallback:
                fallbacks.append((s, skill))
            elif s >= max(skill.threshold, min_score):
                scored.append((s, skill))
        scored.sort(key=lambda t: t[0], reverse=True)
        return scored + fallbacks

    async def ask(
        self, prompt: str, session: str | None = None, *, emit: Emit = _drop, **options: Any
    ) -> CouncilResult:
        query = Query(prompt, session, dict(options))
        return await self.run(query, emit)

    async def stream(
        self, prompt: str, session: str | None = None, **options: Any
    ) -> AsyncIterator[Event]:
        """Chunks and progress as they come, then ``Done(result)``. Closing the iterator
        cancels the work (the GUI's Stop button)."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        task = asyncio.create_task(self.ask(prompt, session, emit=queue.put_nowait, **options))
        task.add_done_callback(
            lambda t: (
                queue.put_nowait(Done(t.result()))
                if not t.cancelled() and t.exception() is None
                else None
            )
        )
        try:
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    ev = getter.result()
                    yield ev
                    if isinstance(ev, Done):
                        return
                    continue
                getter.cancel()
                if task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            if not task.done():
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass

    async def run(self, query: Query, emit: Emit = _drop) -> CouncilResult:
        t0 = time.perf_counter()
        result = CouncilResult(prompt=query.text, session=query.session)
        skill_time = 0.0
        try:
            if not query.text or not query.text.strip():
                raise _empty()
            answer: SkillAnswer | None = None
            for hook in self.hooks:
                answer = await hook.before(query)
                if answer is not None:
                    break
            if answer is None:
                answer, skill_time = await self._cascade(query, emit, result)
            if answer is not None:
                for hook in self.hooks:
                    try:
                        await hook.review(query, answer, emit)
                    except Exception as exc:  # a check must never take the answer down
                        log.warning("hook %s review() failed: %s", hook.name, exc)
                _fill(result, answer)
        except CouncilError as exc:
            result.error = ErrorInfo.from_exc(exc)
        except Exception as exc:  # a bug: report it, never crash the caller
            log.exception("unhandled error answering %r", query.text[:200])
            result.error = ErrorInfo.from_exc(BugError(f"{type(exc).__name__}: {exc}"))
        result.latency_ms = (time.perf_counter() - t0) * 1000
        skill = result.skill or "none"
        metrics.REQUESTS.labels(
            skill, "ok" if result.ok else (result.error.kind if result.error else "error")
        ).inc()
        metrics.LATENCY.labels(skill).observe(result.latency_ms / 1000)
        if skill_time:
            metrics.ROUTER_OVERHEAD.observe(max(0.0, result.latency_ms / 1000 - skill_time))
        for hook in self.hooks:
            try:
                await hook.after(query, result)
            except Exception as exc:
                log.warning("hook %s after() failed: %s", hook.name, exc)
        return result

    async def _cascade(
        self, query: Query, emit: Emit, result: CouncilResult
    ) -> tuple[SkillAnswer | None, float]:
        errors: list[ErrorInfo] = []
        failed_by: list[str] = []  # the skill behind each error
        best: SkillAnswer | None = None
        owned: BadInput | None = None  # the first skill's error about its own prompt
        owned_by = ""
        skill_time = 0.0
        limits = self.ctx.settings.router
        passed: list[str] = []  # notes an unsure skill asks to add to the answer given
        for _score, skill in self.rank(query):
            if owned is not None and skill.is_fallback:
                break
            streamed = False
            first = max(limits.skill_timeout_s, skill.first_answer_s or 0.0)
            watch = StreamLimits(first, limits.silence_timeout_s, skill.name)
            partial: list[str] = []

            def skill_emit(
                ev: Event,
                _name: str = skill.name,
                _w: StreamLimits = watch,
                _p: list[str] = partial,
            ) -> None:
                nonlocal streamed
                if isinstance(ev, Chunk):
                    streamed = True
                    _w.touch()
                    _p.append(ev.text)
                    if ev.skill is None:
                        ev.skill = _name
                emit(ev)

            t_skill = time.perf_counter()
            try:
                ans = await watch.run(skill.answer(query, skill_emit))
            except SkillDeclined:
                continue
            except SkillTimeout as exc:
                if streamed:  # cut mid-answer: keep what came (the GUI offers Continue)
                    result.answer = "".join(partial)
                    result.skill = skill.name
                    raise
                errors.append(ErrorInfo.from_exc(exc))
                failed_by.append(skill.name)
                continue
            except _PASS_ON as exc:
                errors.append(ErrorInfo.from_exc(exc))
                failed_by.append(skill.name)
                continue
            except BadInput as exc:
                if owned is None:  # stands unless a later specialist answers
                    owned, owned_by = exc, skill.name
                continue
            except UserFacingError:
                result.skill = skill.name  # errors are counted per skill that raised them
                raise  # the skill owns this query and says what is wrong with it
            except CouncilError as exc:
                errors.append(ErrorInfo.from_exc(exc))
                failed_by.append(skill.name)
                continue
            except Exception as exc:
                log.exception("skill %s crashed", skill.name)
                errors.append(
                    ErrorInfo.from_exc(
                        BugError(f"the {skill.name} skill failed: {type(exc).__name__}: {exc}")
                    )
                )
                failed_by.append(skill.name)
                continue
            finally:
                skill_time += time.perf_counter() - t_skill
            ans.skill = ans.skill or skill.name
            if ans.confidence >= skill.confident_at:
                ans.notes.extend(n for n in passed if n not in ans.notes)
                return ans, skill_time
            if isinstance(ans.data.get("pass_on_note"), str):
                passed.append(ans.data["pass_on_note"])
            if streamed:
                emit(Retract(skill.name))
            if best is None or ans.confidence > best.confidence:
                best = ans
        if owned is not None:
            result.skill = owned_by  # errors are counted per skill that raised them
            raise owned
        for hook in self.hooks:
            rescued = await hook.rescue(query, best, errors, emit)
            if rescued is not None:
                return rescued, skill_time
        if best is not None:
            best.notes.append("low confidence: no skill was sure of this answer")
            if best.answer:  # re-show it: its streamed text may have been retracted
                emit(Chunk(best.answer, best.skill))
            return best, skill_time
        if errors:
            result.skill = failed_by[0]
            raise _from_info(errors[0])
        raise SkillDeclinedAll()

    async def warm(self, names: list[str] | None = None) -> None:
        for name, skill in self.skills.items():
            if names is None or name in names:
                try:
                    await skill.warm()
                except Exception as exc:
                    log.warning("warming %s failed: %s", name, exc)

    async def aclose(self) -> None:
        for skill in self.skills.values():
            try:
                await skill.aclose()
            except Exception as exc:
                log.warning("closing skill %s failed: %s", skill.name, exc)
        for hook in self._hooks or []:
            try:
                await hook.aclose()
            except Exception as exc:
                log.warning("closing hook %s failed: %s", hook.name, exc)
        await self.ctx.aclose()

    async def __aenter__(self) -> Council:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class SkillDeclinedAll(UserFacingError):
    kind = "no_skill"

    def __init__(self) -> None:
        super().__init__(
            "no skill could answer this",
            fix="rephrase it, add documents with `council ingest`, or check `council doctor` "
            "for missing components",
        )


def _empty() -> UserFacingError:
    from council_core.base.errors import BadInput

    return BadInput("the question is empty", fix="type a question")


def _from_info(info: ErrorInfo) -> UserFacingError:
    err = UserFacingError(info.message, fix=info.fix)
    err.kind = info.kind
    return err


def _fill(result: CouncilResult, ans: SkillAnswer) -> None:
    result.answer = ans.answer
    result.skill = ans.skill
    result.confidence = round(float(ans.confidence), 4)
    result.sources = list(ans.sources)
    result.code = ans.code
    result.output = ans.output
    result.notes = list(ans.notes)
    result.cost_usd = ans.cost_usd
    result.escalated = ans.escalated
    plan = ans.data.get("plan_id") if ans.data else None
    result.undo_plan = plan if isinstance(plan, int) else None
