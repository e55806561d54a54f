"""Logic skill benchmark: accuracy on bench/eval/sets/logic.jsonl and text-to-answer latency.

    python bench/bench_logic.py [--split dev|heldout|all] [--show]

Prints a table (figure | target | measured) and writes bench/results/logic.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SET = ROOT / "bench" / "eval" / "sets" / "logic.jsonl"
CONFIDENT = 0.6  # LogicSkill.confident_at


def judge(row: dict[str, Any], answer: str) -> bool:
    """A minimal comparison (the shared bench/eval/judge.py may replace it)."""
    a = answer.strip().lower()
    exp = str(row["expected"]).lower()
    if row["judge"] == "yesno":
        head = a.split(":")[0].strip()
        return head == exp
    if row["judge"] == "exact_first":
        return a.split(":")[0].strip() == exp
    if exp == "cannot be determined":
        return a.startswith("cannot be determined")
    return exp in a.split(":")[0] if ":" in a else exp in a


async def run(split: str, show: bool) -> dict[str, Any]:
    os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-"))
    from council_core.base.errors import SkillDeclined
    from council_core.context import SkillContext
    from council_core.skill import Query
    from council_core.skills.logic import LogicSkill

    rows = [json.loads(line) for line in SET.read_text().splitlines() if line.strip()]
    if split != "all":
        rows = [r for r in rows if r["split"] == split]
    ctx = SkillContext()
    skill = LogicSkill(ctx)
    await skill.warm()
    correct = declined = confident_wrong = wrong = 0
    for row in rows:
        q = Query(row["prompt"])
        try:
            if skill.score(q) < skill.threshold:
                raise SkillDeclined("below threshold")
            ans = await skill.answer(q)
        except SkillDeclined:
            declined += 1
            if show:
                print(f"DECLINED {row['id']}: {row['prompt']}")
            continue
        ok = judge(row, ans.answer)
        correct += ok
        if not ok:
            wrong += 1
            confident_wrong += ans.confidence >= CONFIDENT
            if show:
                print(
                    f"WRONG {row['id']} [{ans.confidence:.2f}] {row['prompt']}\n   -> {ans.answer}   (expected {row['expected']})"
                )
    # latency: text to answer, warm, over the whole set
    prompts = [r["prompt"] for r in rows]
    times = []
    for _ in range(5):
        for p in prompts:
            t0 = time.perf_counter()
            try:
                await skill.answer(Query(p))
            except SkillDeclined:
                pass
            times.append((time.perf_counter() - t0) * 1000)
    await skill.aclose()
    await ctx.aclose()
    n = len(rows)
    return {
        "split": split,
        "prompts": n,
        "accuracy": correct / n if n else 0.0,
        "declined": declined,
        "wrong": wrong,
        "confident_wrong": confident_wrong,
        "latency_p50_ms": statistics.median(times),
        "latency_p95_ms": sorted(times)[int(len(times) * 0.95) - 1],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    ap.add_argument("--show", action="store_true", help="print wrong and declined prompts")
    args = ap.parse_args()
    res = asyncio.run(run(args.split, args.show))
    table = [
        ("prompts", "-", f"{res['prompts']}"),
        ("accuracy", ">= 95%", f"{res['accuracy'] * 100:.1f}%"),
        ("declined", "-", f"{res['declined']}"),
        ("wrong with confidence >= 0.6", "0", f"{res['confident_wrong']}"),
        ("text-to-answer p50 (warm)", "<= 5 ms", f"{res['latency_p50_ms']:.2f} ms"),
        ("text-to-answer p95 (warm)", "-", f"{res['latency_p95_ms']:.2f} ms"),
    ]
    print(f"logic skill, split={res['split']}")
    print(f"{'figure':<32} | {'target':<8} | measured")
    for fig, target, measured in table:
        print(f"{fig:<32} | {target:<8} | {measured}")
    out = ROOT / "bench" / "results" / "logic.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
