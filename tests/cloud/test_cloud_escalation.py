"""CloudEscalation through the real router, a real loopback provider and the real ledger."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from council_core.approval import ApprovalRequest, Choice, Decision
from council_core.base import metrics
from council_core.base.errors import SkillDeclined
from council_core.base.logs import setup_logging
from council_core.base.result import Chunk, Done, SkillAnswer, Source
from council_core.hooks.escalate import CloudEscalation
from council_core.router import Council
from council_core.skill import Query, Skill


class Unsure(Skill):
    """A real Skill subclass that answers with the confidence each test sets."""

    name = "unsure"
    threshold = 0.1
    confident_at = 0.9

    def __init__(self, ctx, *, conf=0.2, text="maybe 42", decline=False, sources=()):
        super().__init__(ctx)
        self.conf, self.text, self.decline, self.sources = conf, text, decline, list(sources)

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        if self.decline:
            raise SkillDeclined("not mine")
        emit(Chunk(self.text))
        return SkillAnswer(self.text, confidence=self.conf, sources=self.sources)


class Approver:
    def __init__(self, choice: Choice = Choice.APPROVE_ONCE) -> None:
        self.choice = choice
        self.requests: list[ApprovalRequest] = []

    async def __call__(self, req: ApprovalRequest) -> Decision:
        self.requests.append(req)
        reason = "user: no" if self.choice is Choice.DECLINE else "user: yes"
        return Decision(self.choice, limit_usd=req.cost_usd, reason=reason)


def council(ctx, approver=None, **skill_kw) -> Council:
    if approver is not None:
        ctx.approval.approver = approver
    c = Council(ctx, skills={}, hooks=[CloudEscalation(ctx)])
    c.skills["unsure"] = Unsure(ctx, **skill_kw)
    return c


def ledger_rows(ctx):
    return ctx.service("cloud").ledger.recent(100)


def metric(name: str, **labels) -> float:
    for lab, value in metrics.snapshot().get(name, []):
        if all(lab.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


async def test_approved_escalation_answers_from_the_cloud(cloud_ctx, openai_server):
    setup_logging(cloud_ctx.paths.log_dir)
    openai_server.answer = "The answer is 42."
    approver = Approver()
    answered_before = metric("council_escalations_total", outcome="answered")
    cost_before = metric("council_cost_usd_total")
    async with council(cloud_ctx, approver) as c:
        events = [ev async for ev in c.stream("what is six times seven?", "s1")]
    result = events[-1].result
    assert (result.answer, result.skill, result.escalated) == (
        "The answer is 42.",
        "cloud",
        True,
    ), result.notes
    # The user saw exactly the text that left the machine, and the estimate.
    (req,) = approver.requests
    sent = openai_server.requests[-1]["json"]["messages"]
    assert req.kind == "cloud" and req.scope == "testprov"
    assert req.details == "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in sent)
    assert "what is six times seven?" in req.details
    assert "below the escalation threshold" in req.why
    prompt_tokens = sum(len(m["content"].split()) for m in sent)
    expected = (prompt_tokens * 1.0 + 4 * 2.0) / 1000
    assert result.cost_usd == pytest.approx(expected)
    assert req.cost_usd >= result.cost_usd  # the estimate is an upper bound
    assert req.remaining_budget_usd == pytest.approx(1.0)
    # Streamed: the unsure local text is withdrawn, the cloud's pieces follow.
    kinds = [(type(e).__name__, getattr(e, "skill", None)) for e in events]
    assert kinds[:2] == [("Chunk", "unsure"), ("Retract", "unsure")]
    assert [e.text for e in events if isinstance(e, Chunk) and e.skill == "cloud"] == [
        "The",
        " answer",
        " is",
        " 42.",
    ]
    (row,) = ledger_rows(cloud_ctx)
    assert row.state == "settled" and row.cost_usd == pytest.approx(expected)
    assert any("answered by testprov" in n for n in result.notes)
    audit_lines = (cloud_ctx.paths.log_dir / "audit.log").read_text().splitlines()
    calls = [json.loads(x) for x in audit_lines if '"cloud_call"' in x]
    assert calls[-1]["outcome"] == "ok" and calls[-1]["cost_usd"] == pytest.approx(
        expected, abs=1e-6
    )
    assert metric("council_escalations_total", outcome="answered") == answered_before + 1
    assert metric("council_cost_usd_total") == pytest.approx(cost_before + expected)
    assert metric("council_budget_remaining_usd", period="day") == pytest.approx(1.0 - expected)


async def test_declined_keeps_the_local_answer_with_a_note(cloud_ctx, openai_server):
    approver = Approver(Choice.DECLINE)
    async with council(cloud_ctx, approver) as c:
        result = await c.ask("what is six times seven?")
    assert (result.answer, result.skill, result.escalated) == ("maybe 42", "unsure", False)
    assert any(n.startswith("cloud declined") for n in result.notes)
    assert any("low confidence" in n for n in result.notes)
    assert len(approver.requests) == 1
    assert openai_server.request_count == 0 and ledger_rows(cloud_ctx) == []


async def test_auto_approve_rules(cloud_ctx, openai_server):
    cloud_ctx.settings.budget.auto_approve_per_request_usd = 0.5
    approver = Approver(Choice.DECLINE)
    async with council(cloud_ctx, approver) as c:
        r1 = await c.ask("first question")
        assert r1.skill == "cloud" and approver.requests == []  # nobody was asked
        assert any("auto-approved" in n for n in r1.notes)
        # A per-day rule the request would pass: the user is asked again.
        cloud_ctx.settings.budget.auto_approve_per_day_usd = r1.cost_usd + 0.0001
        r2 = await c.ask("second question")
    assert len(approver.requests) == 1 and r2.skill == "unsure"
    assert openai_server.request_count == 1


async def test_always_grant_is_remembered_within_its_limit(cloud_ctx, openai_server):
    approver = Approver(Choice.APPROVE_ALWAYS)
    async with council(cloud_ctx, approver) as c:
        await c.ask("question one")
        r = await c.ask("question two")
    assert r.skill == "cloud" and len(approver.requests) == 1


async def test_never_send_folder_is_refused(cloud_ctx, openai_server, tmp_path: Path):
    private = tmp_path / "private"
    private.mkdir()
    cloud_ctx.settings.cloud.never_send_folders = [str(private)]
    approver = Approver()
    async with council(cloud_ctx, approver) as c:
        r = await c.ask(f"summarise {private}/salaries.txt for me")
    assert r.skill == "unsure" and any("never send" in n for n in r.notes)
    # Context drawn from that folder is refused too, even when the prompt does not name it.
    src = Source(str(private / "salaries.txt"), "page 1", "secret figures")
    async with council(cloud_ctx, approver, sources=[src]) as c:
        r2 = await c.ask("what are the figures?")
    assert any("never send" in n for n in r2.notes)
    cloud_ctx.settings.cloud.never_send_sessions = ["diary"]
    async with council(cloud_ctx, approver) as c:
        r3 = await c.ask("anything", "diary")
    assert any("session 'diary' is marked never send" in n for n in r3.notes)
    assert approver.requests == [] and openai_server.request_count == 0


@pytest.mark.parametrize("how", ["no_cloud", "paused", "disabled", "confident_enough"])
async def test_no_escalation_when_not_wanted(cloud_ctx, openai_server, how):
    approver = Approver()
    opts = {}
    conf = 0.2
    if how == "no_cloud":
        opts["no_cloud"] = True
    elif how == "paused":
        cloud_ctx.settings.cloud.paused = True
    elif how == "disabled":
        cloud_ctx.settings.cloud.enabled = False
    else:
        conf = 0.6  # below the skill's own 0.9 but above cloud.confidence_threshold 0.5
    async with council(cloud_ctx, approver, conf=conf) as c:
        r = await c.ask("q", **opts)
    assert r.skill == "unsure" and approver.requests == [] and openai_server.request_count == 0


async def test_no_key_says_how_to_add_one(cloud_ctx, openai_server, monkeypatch):
    monkeypatch.delenv("COUNCIL_TESTPROV_API_KEY")
    approver = Approver()
    async with council(cloud_ctx, approver, decline=True) as c:
        r = await c.ask("nothing local can answer this")
    assert r.error is not None and r.error.kind == "needs_key"
    assert "council key set testprov" in r.error.fix and "Settings" in r.error.fix
    async with council(cloud_ctx, approver) as c:
        r2 = await c.ask("q")
    assert r2.answer == "maybe 42" and any("council key set testprov" in n for n in r2.notes)
    assert approver.requests == [] and openai_server.request_count == 0


async def test_budget_too_small_is_not_even_proposed(cloud_ctx, openai_server):
    cloud_ctx.settings.budget.daily_usd = 0.001
    approver = Approver()
    async with council(cloud_ctx, approver) as c:
        r = await c.ask("q")
    assert r.skill == "unsure" and any("budget" in n for n in r.notes)
    assert approver.requests == [] and openai_server.request_count == 0


async def test_429_and_500_are_retried_then_answered(cloud_ctx, openai_server):
    openai_server.script = ["429", "500", "ok"]
    openai_server.answer = "fine now"
    async with council(cloud_ctx, Approver()) as c:
        r = await c.ask("q")
    assert r.answer == "fine now" and r.skill == "cloud"
    assert any("3 attempts" in n for n in r.notes)
    assert openai_server.request_count == 3
    assert [row.state for row in ledger_rows(cloud_ctx)] == ["settled"]


async def test_mid_stream_death_is_retracted_and_retried(cloud_ctx, openai_server):
    openai_server.script = ["die", "ok"]
    openai_server.answer = "alpha beta gamma delta"
    async with council(cloud_ctx, Approver()) as c:
        events = [ev async for ev in c.stream("q")]
    cloud_events = [e for e in events if getattr(e, "skill", None) == "cloud"]
    texts = [type(e).__name__ + ":" + getattr(e, "text", "") for e in cloud_events]
    assert texts == [
        "Chunk:alpha",
        "Chunk: beta",
        "Retract:",
        "Chunk:alpha",
        "Chunk: beta",
        "Chunk: gamma",
        "Chunk: delta",
    ]
    assert isinstance(events[-1], Done) and events[-1].result.answer == "alpha beta gamma delta"


async def test_provider_failing_gives_local_answer_and_releases_the_reservation(
    cloud_ctx, openai_server
):
    openai_server.default = "500"
    async with council(cloud_ctx, Approver()) as c:
        r = await c.ask("q")
        assert r.answer == "maybe 42"
        assert any("failed after 3 attempts" in n and "HTTP 500" in n for n in r.notes)
        (row,) = ledger_rows(cloud_ctx)
        assert row.state == "released" and "HTTP 500" in row.note
        # and with nothing local, the error itself is the result
        c.skills["unsure"].decline = True
        r2 = await c.ask("q2")
    assert r2.error is not None and r2.error.kind == "backend_unavailable" and r2.error.fix
    assert openai_server.request_count == 6


async def test_timeout_then_clear_error(cloud_ctx, openai_server):
    cloud_ctx.settings.llm.endpoints[0].timeout_s = 0.2
    cloud_ctx.service("cloud").max_attempts = 2
    openai_server.default = "hang"
    openai_server.hang_s = 3
    async with council(cloud_ctx, Approver(), decline=True) as c:
        r = await c.ask("q")
    assert r.error is not None and "within 0.2 s" in r.error.message
    assert [row.state for row in ledger_rows(cloud_ctx)] == ["released"]


async def test_50_simultaneous_requests_never_overspend(cloud_ctx, openai_server):
    from council_core.llm.base import Message

    svc = cloud_ctx.service("cloud")
    hook = CloudEscalation(cloud_ctx)
    est = svc.estimate(hook.messages(Query("question number 10")))
    limit = est.cost_usd * 10 + est.cost_usd / 2  # room for 10 reservations, not 11
    cloud_ctx.settings.budget.daily_usd = limit
    cloud_ctx.settings.budget.auto_approve_per_request_usd = 1.0
    openai_server.chunk_delay_s = 0.02  # keep the requests in flight together
    openai_server.answer = "a b c d e"
    assert isinstance(hook.messages(Query("x"))[0], Message)
    async with council(cloud_ctx) as c:
        results = await asyncio.gather(*(c.ask(f"question number {i + 10}") for i in range(50)))
    escalated = [r for r in results if r.escalated]
    spent = svc.spend().day_usd
    assert spent <= limit + 1e-12
    assert spent == pytest.approx(sum(r.cost_usd for r in escalated))
    assert 10 <= len(escalated) < 50
    refused = [r for r in results if not r.escalated]
    assert all(any("budget" in n for n in r.notes) for r in refused)
    assert all(row.state in ("settled", "released") for row in svc.ledger.recent(100))


async def test_key_never_reaches_logs_db_results_or_errors(cloud_ctx, openai_server, cloud_key):
    KEY = cloud_key
    setup_logging(cloud_ctx.paths.log_dir)
    openai_server.script = ["echo_auth", "echo_auth", "echo_auth", "ok"]
    async with council(cloud_ctx, Approver(), decline=True) as c:
        failed = await c.ask("first")  # the provider's error body repeats the key
        ok = await c.ask("second")
    assert openai_server.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    assert failed.error is not None and "upstream failed" in failed.error.message
    assert ok.skill == "cloud"
    for r in (failed, ok):
        assert KEY not in json.dumps(r.to_dict())
    files = [p for p in cloud_ctx.paths.data_dir.rglob("*") if p.is_file()]
    files += [p for p in cloud_ctx.paths.config_dir.rglob("*") if p.is_file()]
    assert any(p.name == "audit.log" for p in files) and any("ledger" in p.name for p in files)
    for p in files:
        assert KEY.encode() not in p.read_bytes(), p


async def test_a_bug_in_the_cloud_path_keeps_the_local_answer(cloud_ctx, openai_server):
    class Broken:
        def endpoint(self):
            raise ZeroDivisionError("bug")

    cloud_ctx.provide("cloud", Broken())
    async with council(cloud_ctx, Approver()) as c:
        r = await c.ask("q")
    assert r.answer == "maybe 42" and r.error is None
    assert any("internal error (ZeroDivisionError)" in n for n in r.notes)


async def test_an_empty_cloud_answer_is_charged_but_not_shown(cloud_ctx, openai_server):
    openai_server.answer = ""
    async with council(cloud_ctx, Approver()) as c:
        r = await c.ask("q")
    assert r.answer == "maybe 42" and not r.escalated
    assert any("returned an empty answer" in n for n in r.notes)
    (row,) = ledger_rows(cloud_ctx)
    assert row.state == "settled"  # the prompt tokens were billed and are on the ledger
