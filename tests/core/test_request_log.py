"""The request log: exact percentiles per skill, errors under the skill that raised them, and
figures that survive a restart (a new process opens the same SQLite file)."""

from __future__ import annotations

import pytest

from council_core.base.errors import BackendUnavailable
from council_core.base.result import SkillAnswer
from council_core.hooks.request_log import RequestLog, RequestLogHook, log_path, percentile
from council_core.router import Council
from council_core.skill import Skill


def test_percentiles_are_exact_nearest_rank():
    values = sorted([56_003.0])
    assert percentile(values, 0.5) == percentile(values, 0.95) == 56_003.0  # not a bucket
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1.0)) == (
        50.0,
        95.0,
        100.0,
    )
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)


def test_summary_survives_reopening_and_counts_errors_per_skill(tmp_path):
    path = tmp_path / "requests.sqlite3"
    log = RequestLog(path)
    for ms in (10.0, 20.0, 30.0, 40.0):
        log.record("math", "ok", ms)
    log.record("general", "ok", 56_003.0)
    log.record("general", "timeout", 60_000.0)
    log.close()
    again = RequestLog(path)  # a restart
    stats = {s.skill: s for s in again.summary()}
    again.close()
    assert [stats["math"].requests, stats["math"].errors] == [4, 0]
    assert (stats["math"].p50_ms, stats["math"].p95_ms, stats["math"].max_ms) == (20, 40, 40)
    assert stats["general"].errors == 1 and stats["general"].error_kinds == {"timeout": 1}
    assert stats["general"].p50_ms == 56_003.0


class Down(Skill):
    name = "down"
    threshold = 0.0

    def score(self, query):
        return 0.9

    async def answer(self, query, emit=lambda e: None):
        if query.text == "fail":
            raise BackendUnavailable("model down", fix="start it")
        return SkillAnswer("fine", confidence=0.9)


async def test_the_router_hook_records_every_answer_under_its_skill(ctx):
    council = Council(ctx, skills={"down": Down}, hooks=[RequestLogHook(ctx)])
    assert (await council.ask("ok")).ok
    assert not (await council.ask("fail")).ok
    await council.aclose()
    log = RequestLog(log_path(ctx))
    [row] = log.summary()
    log.close()
    assert (row.skill, row.requests, row.errors) == ("down", 2, 1)
    assert row.error_kinds == {"backend_unavailable": 1}
