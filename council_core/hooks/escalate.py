"""CloudEscalation: the hook that offers a paid provider when the local council is unsure.

When no skill answered confidently (nothing answered, skills declined or failed, or the best
answer is below ``cloud.confidence_threshold``), cloud is enabled and not paused, and the
caller did not say ``no_cloud``, it builds the exact text that would leave the machine,
refuses if that mentions a "never send" folder or session, and asks the approval channel
(unless the user's auto-approve rules cover the estimate). Approved: reserve, call, settle,
and answer as the "cloud" skill. Declined or failed: the best local answer stands and the
result carries a note saying why the cloud was not used.

Module-level imports stay light: this hook is built on every ``council ask``; the service,
httpx and SQLAlchemy load only when an escalation is actually considered.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

from council_core.base import metrics
from council_core.base.errors import CouncilError, UserFacingError
from council_core.base.logs import audit, get_logger
from council_core.base.result import Chunk, CouncilResult, ErrorInfo, Retract, SkillAnswer
from council_core.hooks import CouncilHook

if TYPE_CHECKING:
    from council_core.cloud.service import CloudService
    from council_core.llm.base import Message
    from council_core.skill import Emit, Query

log = get_logger("cloud.escalate")

SYSTEM_PROMPT = "You are a helpful assistant. Answer concisely and accurately."
MAX_CONTEXT_CHARS = 1200
CLOUD_CONFIDENCE = 0.9  # a paid model's answer; it reports no calibrated confidence


class CloudEscalation(CouncilHook):
    name = "cloud"
    order = 90  # the last resort: escalation after every local skill

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._notes: dict[int, list[str]] = {}

    # ----- when -----

    def wanted(self, query: Query, best: SkillAnswer | None, errors: list[ErrorInfo]) -> bool:
        cfg = self.ctx.settings.cloud
        if not cfg.enabled or cfg.paused or not cfg.provider.strip():
            return False
        if query.options.get("no_cloud"):
            return False
        if best is None:
            return True
        return float(best.confidence) < cfg.confidence_threshold

    def _note(self, query: Query, text: str) -> None:
        self._notes.setdefault(id(query), []).append(text)

    # ----- what leaves the machine -----

    def messages(self, query: Query) -> list[Message]:
        from council_core.llm.base import Message

        user = query.text.strip()
        context = query.options.get("context")
        if isinstance(context, str) and context.strip():
            ctx_text = context.strip()
            if len(ctx_text) > MAX_CONTEXT_CHARS:
                ctx_text = ctx_text[-MAX_CONTEXT_CHARS:]
            user = f"Context:\n{ctx_text}\n\nQuestion:\n{user}"
        return [Message("system", SYSTEM_PROMPT), Message("user", user)]

    def never_send_reason(self, query: Query, text: str, best: SkillAnswer | None) -> str | None:
        cfg = self.ctx.settings.cloud
        if query.session and query.session in cfg.never_send_sessions:
            return f"session {query.session!r} is marked never send"
        for session in cfg.never_send_sessions:
            if session and session in text:
                return f"the text mentions session {session!r}, which is marked never send"
        folders = [f for f in cfg.never_send_folders if f.strip()]
        for folder in folders:
            forms = {folder.rstrip("/")}
            try:
                forms.add(os.path.realpath(os.path.expanduser(folder)).rstrip("/"))
                forms.add(os.path.expanduser(folder).rstrip("/"))
            except (OSError, ValueError):
                pass
            for form in forms:
                if form and form in text:
                    return f"the text mentions {folder}, a folder marked never send"
            if best is not None:
                for src in best.sources:
                    src_path = os.path.realpath(os.path.expanduser(src.path))
                    for form in forms:
                        if form and (src_path == form or src_path.startswith(form + "/")):
                            return f"the context comes from {folder}, a folder marked never send"
        return None

    # ----- the hook -----

    async def rescue(
        self, query: Query, best: SkillAnswer | None, errors: list[ErrorInfo], emit: Emit
    ) -> SkillAnswer | None:
        if not self.wanted(query, best, errors):
            return None
        try:
            return await self._escalate(query, best, emit)
        except UserFacingError as exc:
            metrics.ESCALATIONS.labels(exc.kind).inc()
            if best is None:
                raise  # nothing local to fall back on: the result says what to fix
            self._note(query, f"cloud not used: {exc}")
            return None
        except Exception as exc:  # a bug here must not cost the user the local answer
            metrics.ESCALATIONS.labels("internal").inc()
            log.exception("cloud escalation failed")
            if best is None:
                raise
            self._note(query, f"cloud not used: internal error ({type(exc).__name__})")
            return None

    async def _escalate(
        self, query: Query, best: SkillAnswer | None, emit: Emit
    ) -> SkillAnswer | None:
        from council_core.approval import ApprovalRequest
        from council_core.base.errors import BudgetExceeded

        svc: CloudService = self.ctx.service("cloud")
        ep = svc.endpoint()
        msgs = self.messages(query)
        details = "\n\n".join(f"[{m.role}]\n{m.content}" for m in msgs)
        reason = self.never_send_reason(query, details, best)
        if reason is not None:
            metrics.ESCALATIONS.labels("refused").inc()
            audit("cloud_refused", provider=ep.name, reason=reason)
            self._note(query, f"cloud not used: {reason}")
            return None
        svc.backend()  # NeedsKey before asking the user to approve anything
        est = svc.estimate(msgs)
        spend = await asyncio.to_thread(svc.spend)
        if est.cost_usd > spend.remaining_usd + 1e-12:
            raise BudgetExceeded(
                f"asking {ep.name} would cost up to ${est.cost_usd:.4f} but only "
                f"${spend.remaining_usd:.4f} of the cloud budget is left",
                fix="raise budget.daily_usd / budget.monthly_usd in Settings",
            )
        why = self._why(best)
        if svc.auto_approves(est.cost_usd, spend.day_usd):
            how = "auto-approved"
            metrics.ESCALATIONS.labels("auto_approved").inc()
        else:
            metrics.ESCALATIONS.labels("proposed").inc()
            from council_core.approval import Choice

            decision = await self.ctx.approval.request(
                ApprovalRequest(
                    kind="cloud",
                    title=f"Ask {ep.name} ({ep.model})? up to ${est.cost_usd:.4f}",
                    why=why,
                    details=details,
                    cost_usd=est.cost_usd,
                    remaining_budget_usd=spend.remaining_usd,
                    scope=ep.name,
                    extra={
                        "provider": ep.name,
                        "model": ep.model,
                        "prompt_tokens": est.prompt_tokens,
                        "max_output_tokens": est.max_output_tokens,
                    },
                )
            )
            if not decision.approved:
                metrics.ESCALATIONS.labels("declined").inc()
                audit("cloud_declined", provider=ep.name, reason=decision.reason)
                self._note(
                    query,
                    "cloud declined: the best local answer is shown"
                    + (f" ({decision.reason})" if decision.reason else ""),
                )
                return None
            how = "approved" if decision.choice is Choice.APPROVE_ONCE else "approved always"
        streamed = False

        def on_text(text: str) -> None:
            nonlocal streamed
            streamed = True
            emit(Chunk(text, "cloud"))

        def on_retry(attempt: int, err: CouncilError) -> None:
            nonlocal streamed
            if streamed:
                emit(Retract("cloud"))
                streamed = False

        try:
            reply = await svc.ask(msgs, est, on_text=on_text, on_retry=on_retry)
        except BaseException:
            if streamed:
                emit(Retract("cloud"))
            raise
        await asyncio.to_thread(svc.spend)  # refresh the remaining-budget gauges
        if not reply.text.strip():
            metrics.ESCALATIONS.labels("empty").inc()
            self._note(
                query,
                f"cloud not used: {reply.provider} returned an empty answer "
                f"(${reply.cost_usd:.4f} was still charged)",
            )
            return None
        metrics.ESCALATIONS.labels("answered").inc()
        notes = [
            f"answered by {reply.provider} ({reply.model}) in the cloud, {how}: "
            f"${reply.cost_usd:.4f}",
            *reply.notes,
        ]
        if reply.attempts > 1:
            notes.append(f"the provider needed {reply.attempts} attempts")
        return SkillAnswer(
            reply.text,
            confidence=CLOUD_CONFIDENCE,
            notes=notes,
            cost_usd=reply.cost_usd,
            escalated=True,
            skill="cloud",
            data={
                "provider": reply.provider,
                "model": reply.model,
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "reservation": reply.reservation,
                "approval": how,
            },
        )

    @staticmethod
    def _why(best: SkillAnswer | None) -> str:
        if best is None:
            return "no local skill could answer this"
        return (
            f"the best local answer ({best.skill or 'unknown skill'}) has confidence "
            f"{best.confidence:.2f}, below the escalation threshold"
        )

    async def after(self, query: Query, result: CouncilResult) -> None:
        notes = self._notes.pop(id(query), None)
        if notes:
            result.notes.extend(n for n in notes if n not in result.notes)
