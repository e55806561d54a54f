"""The budget ledger: atomic reservations across threads and processes, no leaks on crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from council_core.base.errors import BudgetExceeded
from council_core.cloud.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"day_limit_usd": 0.2, "month_limit_usd": 10.0}


@pytest.fixture
def ledger(tmp_path: Path):
    led = Ledger(tmp_path / "ledger.sqlite3")
    yield led
    led.close()


def test_reserve_settle_release_and_limits(ledger: Ledger):
    a = ledger.reserve("p", "m", 0.05, **LIMITS)
    b = ledger.reserve("p", "m", 0.10, **LIMITS)
    assert ledger.spend(**LIMITS).day_usd == pytest.approx(0.15)  # reservations count
    with pytest.raises(BudgetExceeded, match="today's cloud budget") as info:
        ledger.reserve("p", "m", 0.06, **LIMITS)
    assert "budget.daily_usd" in info.value.fix
    ledger.settle(a, 0.01, prompt_tokens=10, completion_tokens=3)  # real cost below estimate
    ledger.release(b, "released: provider failed")
    s = ledger.spend(**LIMITS)
    assert s.day_usd == pytest.approx(0.01) and s.remaining_usd == pytest.approx(0.19)
    rows = {r.id: r for r in ledger.recent()}
    assert rows[a].state == "settled" and rows[a].prompt_tokens == 10
    assert rows[b].state == "released"
    with pytest.raises(BudgetExceeded, match="this month"):
        ledger.reserve("p", "m", 0.05, day_limit_usd=1.0, month_limit_usd=0.03)


def test_50_threads_never_overspend(ledger: Ledger):
    def one(_: int) -> bool:
        try:
            ledger.reserve("p", "m", 0.01, **LIMITS)
            return True
        except BudgetExceeded:
            return False

    with ThreadPoolExecutor(50) as pool:
        ok = list(pool.map(one, range(50)))
    assert sum(ok) == 20  # exactly what fits in $0.20, not one more
    assert ledger.spend(**LIMITS).day_usd == pytest.approx(0.20)


def test_expired_reservation_is_released_but_a_late_settle_still_counts(ledger: Ledger):
    rid = ledger.reserve("p", "m", 0.15, ttl_s=0.05, **LIMITS)
    time.sleep(0.1)
    assert ledger.reap() == 1
    assert ledger.row(rid).state == "released" and "expired" in ledger.row(rid).note
    ledger.settle(rid, 0.12)  # the provider did charge: the money is never dropped
    assert ledger.spend(**LIMITS).day_usd == pytest.approx(0.12)


WORKER = """
import json, sys
from pathlib import Path
from council_core.cloud.ledger import Ledger
from council_core.base.errors import BudgetExceeded
led = Ledger(Path(sys.argv[1]))
ok = 0
for _ in range(30):
    try:
        rid = led.reserve("p", "m", 0.01, day_limit_usd=0.25, month_limit_usd=10)
    except BudgetExceeded:
        continue
    led.settle(rid, 0.01)
    ok += 1
print(json.dumps({"ok": ok}))
"""


def test_two_processes_share_one_ledger(tmp_path: Path):
    path = tmp_path / "shared.sqlite3"
    Ledger(path).close()  # migrated once
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    counts = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        counts.append(json.loads(out)["ok"])
    assert sum(counts) == 25  # $0.25 / $0.01, split between the processes however it fell
    led = Ledger(path)
    assert led.spend(day_limit_usd=0.25, month_limit_usd=10).day_usd == pytest.approx(0.25)
    led.close()


ASKER = """
import asyncio
from council_core.context import SkillContext
from council_core.llm.base import Message
ctx = SkillContext()
svc = ctx.service("cloud")
msgs = [Message("user", "a question that will never be answered")]
asyncio.run(svc.ask(msgs, svc.estimate(msgs)))
"""


def test_process_killed_mid_call_is_recorded_at_its_reserved_cost(
    cloud_ctx, openai_server, monkeypatch
):
    """A real `ask` in another process reserves, sends the request, and is killed (-9) while
    the provider is still answering; the next process to open the ledger settles it at the
    reserved estimate."""
    from council_core.settings import save_settings

    save_settings(cloud_ctx.settings, cloud_ctx.paths)
    openai_server.default = "hang"
    openai_server.hang_s = 20
    proc = subprocess.Popen([sys.executable, "-c", ASKER], cwd=ROOT, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 30
        while openai_server.request_count == 0:  # the request is out: reserve happened
            assert proc.poll() is None, "the asking process ended early"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        svc = cloud_ctx.service("cloud")
        b = cloud_ctx.settings.budget
        during = svc.ledger.spend(day_limit_usd=b.daily_usd, month_limit_usd=b.monthly_usd)
        assert during.day_usd > 0  # the live process's reservation is respected
        (row,) = svc.ledger.recent()
        assert row.state == "reserved"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    restarted = Ledger(svc.ledger.path)  # "restart": a new process opens the ledger
    got = restarted.row(row.id)
    # The request was out when the process died: the provider may have charged for it, so
    # the reservation is settled at its estimate, never recorded as $0 (issue 16).
    assert got.state == "settled"
    assert f"owner process {proc.pid} ended" in got.note
    assert got.cost_usd == pytest.approx(row.reserved_usd) and got.cost_usd > 0
    assert restarted.spend(**LIMITS).day_usd == pytest.approx(row.reserved_usd)
    restarted.close()


async def test_a_paid_call_cancelled_mid_flight_is_recorded_at_its_reserved_cost(
    cloud_ctx, openai_server
):
    """Ctrl+C (task cancellation) while the provider is answering: the request is out and
    may be charged, so the ledger keeps the reserved estimate, not $0."""
    import asyncio

    from council_core.llm.base import Message

    openai_server.default = "hang"
    openai_server.hang_s = 20
    svc = cloud_ctx.service("cloud")
    msgs = [Message("user", "a question that will be interrupted")]
    est = svc.estimate(msgs)
    task = asyncio.create_task(svc.ask(msgs, est))
    deadline = time.monotonic() + 20
    while openai_server.request_count == 0:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    (row,) = svc.ledger.recent()
    assert row.state == "settled" and "interrupted mid-call" in row.note
    assert row.cost_usd == pytest.approx(est.cost_usd) and row.cost_usd > 0
