"""The "cloud" service: the configured provider, its key, the budget ledger, and one
``ask`` that reserves, calls (with retries) and settles.

Approval is not asked here; ``council_core.hooks.escalate.CloudEscalation`` asks before it
calls ``ask``. Every call is audited and counted in metrics.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from council_core.base import metrics
from council_core.base.errors import BackendUnavailable, BadInput, ComponentMissing, CouncilError
from council_core.base.logs import audit, get_logger

if TYPE_CHECKING:
    from council_core.base.paths import Paths
    from council_core.context import SkillContext
    from council_core.llm.base import Message, Usage
    from council_core.llm.openai_compat import EndpointError, OpenAIBackend
    from council_core.settings import OpenAIEndpoint, Settings

    from .ledger import Ledger, Spend

log = get_logger("cloud")


@dataclass
class Estimate:
    prompt_tokens: int
    max_output_tokens: int
    cost_usd: float


@dataclass
class CloudReply:
    text: str
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    provider: str
    model: str
    attempts: int
    reservation: int
    usage_reported: bool
    notes: list[str] = field(default_factory=list)


class CloudService:
    def __init__(
        self,
        settings: Settings,
        paths: Paths,
        *,
        backoff_s: float = 0.5,
        max_attempts: int = 3,
    ) -> None:
        self.settings = settings
        self.paths = paths
        self.backoff_s = backoff_s
        self.max_attempts = max_attempts
        self._ledger: Ledger | None = None
        self._backends: dict[tuple[str, str, str], OpenAIBackend] = {}

    # ----- configuration -----

    @property
    def provider_name(self) -> str:
        return self.settings.cloud.provider.strip()

    def endpoint(self) -> OpenAIEndpoint:
        name = self.provider_name
        names = [e.name for e in self.settings.llm.endpoints]
        if not name:
            raise ComponentMissing(
                "no cloud provider is configured",
                fix="add an endpoint in Settings > Models and pick it in Settings > Cloud "
                "(council settings set cloud.provider NAME)",
            )
        for ep in self.settings.llm.endpoints:
            if ep.name == name:
                return ep
        raise BadInput(
            f"cloud provider {name!r} is not one of the endpoints ({', '.join(names) or 'none'})",
            fix="add it under llm.endpoints in Settings, or set cloud.provider to an existing one",
        )

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            from .ledger import LEDGER_FILE, Ledger

            self._ledger = Ledger(self.paths.data_dir / LEDGER_FILE)
        return self._ledger

    def backend(self) -> OpenAIBackend:
        """The provider's backend with its key (NeedsKey when there is none)."""
        from council_core.base.secrets import get_key
        from council_core.llm.openai_compat import OpenAIBackend

        ep = self.endpoint()
        key = get_key(ep.name)
        cache_key = (ep.name, ep.base_url, ep.model)
        be = self._backends.get(cache_key)
        if be is None or be._api_key != key:
            be = OpenAIBackend(
                ep.name,
                ep.base_url,
                ep.model,
                api_key=key,
                timeout_s=ep.timeout_s,
                price_in_per_1k=ep.price_in_per_1k,
                price_out_per_1k=ep.price_out_per_1k,
            )
            self._backends[cache_key] = be
        return be

    # ----- money -----

    def estimate(self, messages: list[Message], max_output_tokens: int | None = None) -> Estimate:
        """Counted prompt tokens x price in + max output tokens x price out."""
        from council_core.llm.openai_compat import OpenAIBackend

        ep = self.endpoint()
        out = max_output_tokens or self.settings.cloud.max_output_tokens
        counter = OpenAIBackend(ep.name, ep.base_url, ep.model)
        prompt = counter.count_message_tokens(messages)
        cost = (prompt * ep.price_in_per_1k + out * ep.price_out_per_1k) / 1000
        return Estimate(prompt, out, cost)

    def spend(self) -> Spend:
        b = self.settings.budget
        s = self.ledger.spend(day_limit_usd=b.daily_usd, month_limit_usd=b.monthly_usd)
        metrics.BUDGET_REMAINING.labels("day").set(s.remaining_day_usd)
        metrics.BUDGET_REMAINING.labels("month").set(s.remaining_month_usd)
        return s

    def auto_approves(self, cost_usd: float, spent_today_usd: float) -> bool:
        """True when the user's auto-approve rules cover this request: every rule that is
        set (> 0) must hold, and at least one must be set."""
        b = self.settings.budget
        per_req, per_day = b.auto_approve_per_request_usd, b.auto_approve_per_day_usd
        if per_req <= 0 and per_day <= 0:
            return False
        if per_req > 0 and cost_usd > per_req:
            return False
        return not (per_day > 0 and spent_today_usd + cost_usd > per_day)

    def set_paused(self, paused: bool) -> None:
        from council_core.settings import load_settings, save_settings

        stored = load_settings(self.paths)
        stored.cloud.paused = paused
        save_settings(stored, self.paths)
        self.settings.cloud.paused = paused

    # ----- the call -----

    async def ask(
        self,
        messages: list[Message],
        estimate: Estimate,
        *,
        on_text: Callable[[str], None] | None = None,
        on_retry: Callable[[int, CouncilError], None] | None = None,
    ) -> CloudReply:
        """Reserve the estimate, call the provider (retrying timeouts, 429 and 5xx with
        backoff under the same reservation), settle with the reported usage. The reservation
        is released on any failure or cancellation."""
        from council_core.llm.base import GenerationOptions
        from council_core.llm.openai_compat import EndpointError

        be = self.backend()
        ep = self.endpoint()
        b = self.settings.budget
        rid = await asyncio.to_thread(
            self.ledger.reserve,
            ep.name,
            ep.model,
            estimate.cost_usd,
            day_limit_usd=b.daily_usd,
            month_limit_usd=b.monthly_usd,
            ttl_s=max(ep.timeout_s * self.max_attempts * 2 + 60, 300),
        )
        opts = GenerationOptions(
            max_tokens=estimate.max_output_tokens, temperature=self.settings.llm.temperature
        )
        settled = False
        attempts = 0
        t0 = time.perf_counter()
        last: EndpointError | None = None
        try:
            while attempts < self.max_attempts:
                attempts += 1
                parts: list[str] = []
                usage: Usage | None = None
                try:
                    async with asyncio.timeout(ep.timeout_s):
                        async for piece in be.stream_chat(messages, opts):
                            if piece.text:
                                parts.append(piece.text)
                                if on_text is not None:
                                    on_text(piece.text)
                            if piece.usage is not None:
                                usage = piece.usage
                except TimeoutError:
                    last = EndpointError(
                        f"{ep.name} did not finish within {ep.timeout_s:g} s",
                        fix="try again, or raise the endpoint's timeout in Settings > Models",
                        retryable=True,
                    )
                except EndpointError as exc:
                    last = exc
                else:
                    text = "".join(parts)
                    reply = self._settle(rid, be, messages, text, usage, attempts)
                    settled = True
                    metrics.COST.inc(reply.cost_usd)
                    audit(
                        "cloud_call",
                        outcome="ok",
                        provider=ep.name,
                        model=ep.model,
                        reservation=rid,
                        reserved_usd=round(estimate.cost_usd, 6),
                        cost_usd=round(reply.cost_usd, 6),
                        prompt_tokens=reply.prompt_tokens,
                        completion_tokens=reply.completion_tokens,
                        usage_reported=reply.usage_reported,
                        attempts=attempts,
                        seconds=round(time.perf_counter() - t0, 3),
                    )
                    return reply
                assert last is not None
                if not last.retryable or attempts >= self.max_attempts:
                    break
                log.info("cloud call attempt %d failed, retrying: %s", attempts, last.message)
                if on_retry is not None:
                    on_retry(attempts, last)
                delay = self.backoff_s * (2 ** (attempts - 1))
                await asyncio.sleep(delay * (0.8 + 0.4 * random.random()))
            assert last is not None
            raise BackendUnavailable(
                f"the cloud provider failed after {attempts} attempt"
                f"{'s' if attempts > 1 else ''}: {last.message}",
                fix=last.fix,
            ) from last
        except BaseException as exc:
            if not settled:
                # Cancelled or interrupted while a request was out: the provider may charge
                # for it, so the reserved estimate is counted. A provider error is not charged.
                in_flight = attempts > 0 and not isinstance(exc, Exception)
                if in_flight:
                    await asyncio.shield(
                        asyncio.to_thread(
                            self.ledger.settle,
                            rid,
                            estimate.cost_usd,
                            note=f"interrupted mid-call ({_why(exc)}): the reserved estimate "
                            "is counted",
                        )
                    )
                else:
                    await asyncio.shield(
                        asyncio.to_thread(self.ledger.release, rid, f"released: {_why(exc)}")
                    )
                audit(
                    "cloud_call",
                    outcome="interrupted" if in_flight else "failed",
                    provider=ep.name,
                    model=ep.model,
                    reservation=rid,
                    reserved_usd=round(estimate.cost_usd, 6),
                    cost_usd=round(estimate.cost_usd, 6) if in_flight else 0.0,
                    attempts=attempts,
                    error=_why(exc),
                )
            raise

    def _settle(
        self,
        rid: int,
        be: OpenAIBackend,
        messages: list[Message],
        text: str,
        usage: Usage | None,
        attempts: int,
    ) -> CloudReply:
        from council_core.llm.base import Usage

        notes: list[str] = []
        reported = usage is not None and usage.total_tokens > 0
        if not reported:
            # The provider did not report usage: charge our (upper-bound) count instead.
            usage = Usage(be.count_message_tokens(messages), be.count_tokens(text) if text else 0)
            notes.append("the provider reported no token usage; the cost is estimated")
        assert usage is not None
        cost = be.cost_usd(usage)
        self.ledger.settle(
            rid,
            cost,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            note="" if reported else "usage estimated",
        )
        return CloudReply(
            text,
            cost,
            usage.prompt_tokens,
            usage.completion_tokens,
            be.name,
            be.model,
            attempts,
            rid,
            reported,
            notes,
        )

    async def aclose(self) -> None:
        for be in self._backends.values():
            await be.aclose()
        self._backends.clear()
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None


def _why(exc: BaseException) -> str:
    if isinstance(exc, CouncilError):
        return exc.message[:200]
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    return type(exc).__name__


def build(ctx: SkillContext) -> CloudService:
    return CloudService(ctx.settings, ctx.paths)
