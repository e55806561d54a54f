"""The whole math eval set through the real router, and again with eval/exec disabled."""

from __future__ import annotations

import asyncio
import builtins
import json
from pathlib import Path

import pytest

from bench.eval.judge import judge
from council_core.router import Council
from council_core.skills.math import MathSkill

ROOT = Path(__file__).resolve().parents[3]
SET = ROOT / "bench" / "eval" / "sets" / "math.jsonl"
CASES = ROOT / "bench" / "eval" / "judge_cases.jsonl"


def rows() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line]


def council(ctx) -> Council:
    c = Council(ctx, skills={"math": MathSkill})
    c._hooks = []
    return c


async def run_set(c: Council) -> dict[str, list[tuple[dict, str, bool]]]:
    out: dict[str, list[tuple[dict, str, bool]]] = {}
    for row in rows():
        r = await c.ask(row["prompt"])
        answer = r.answer if r.ok else f"error: {r.error.message}"
        ok = r.ok and r.skill == "math" and judge(row["expected"], answer, row["judge"])
        out.setdefault(row["split"], []).append((row, answer, ok))
    return out


def test_set_is_well_formed():
    data = rows()
    assert len(data) >= 150
    assert sum(r["split"] == "heldout" for r in data) >= 50
    assert len({r["id"] for r in data}) == len(data)
    for r in data:
        assert r["category"] == "math" and r["skill"] == "math"
        assert r["judge"] in ("number", "symbolic", "set", "yesno", "contains", "exact", "text")


def _report(results: dict[str, list[tuple[dict, str, bool]]]) -> str:
    lines = []
    for split, items in results.items():
        good = sum(ok for *_, ok in items)
        lines.append(f"{split}: {good}/{len(items)}")
        lines += [f"  FAIL {r['id']} {r['prompt']!r} -> {a!r}" for r, a, ok in items if not ok]
    return "\n".join(lines)


@pytest.mark.eval
async def test_math_set_passes_98_percent(ctx):
    c = council(ctx)
    results = await run_set(c)
    every = [ok for items in results.values() for *_, ok in items]
    print(_report(results))
    assert sum(every) / len(every) >= 0.98, _report(results)
    for split in ("dev", "heldout"):
        items = results[split]
        assert sum(ok for *_, ok in items) / len(items) >= 0.98, _report(results)


def test_judge_cases():
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line]
    wrong = [c for c in cases if not c["right"]]
    assert len(wrong) >= 50 and len(cases) - len(wrong) >= 10
    misjudged = [c for c in cases if judge(c["expected"], c["answer"], c["kind"]) != c["right"]]
    assert misjudged == []


def test_judge_rejects_unknown_kind():
    with pytest.raises(ValueError):
        judge("1", "1", "nonsense")


@pytest.mark.eval
async def test_set_passes_with_eval_and_exec_disabled(ctx, monkeypatch):
    """SymPy's parse_expr/sympify call eval: the skill must never go near them. Warm SymPy up
    on fixed expressions first (SymPy evals some library strings on first use), then forbid
    eval/exec and run the whole set."""
    c = council(ctx)
    await c.warm()
    for text in ("2*x + 1 = 5", "integrate x^3 dx", "lim x->1 (x^2-1)/(x-1)", "sqrt(12)"):
        assert (await c.ask(text)).ok
    calls: list[str] = []

    def forbidden(*args, **kwargs):
        calls.append(repr(args[:1])[:80])
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    results = await run_set(c)
    monkeypatch.undo()
    every = [ok for items in results.values() for *_, ok in items]
    assert calls == []
    assert sum(every) / len(every) >= 0.98, _report(results)


async def test_concurrent_questions_do_not_mix(ctx):
    c = council(ctx)
    rs = await asyncio.gather(*(c.ask(f"{n} * {n}") for n in range(30)))
    assert [r.answer for r in rs] == [str(n * n) for n in range(30)]
