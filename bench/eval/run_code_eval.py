"""Code-skill success on bench/eval/sets/code.jsonl for the configured (or a named) backend.

    python bench/eval/run_code_eval.py [--split dev|heldout|all] [--limit N] [--tier TIER]

Each task goes through the real CodeSkill: the LLM backend for purpose "code" writes the
program, the sandbox runs it, failures are repaired up to settings.sandbox.max_repairs times.
A task succeeds when the program's output passes the task's judge. Prints a table and writes
bench/results/code_eval.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SET = ROOT / "bench" / "eval" / "sets" / "code.jsonl"


def judge(kind: str, expected: str, output: str) -> bool:
    out = output.strip()
    if kind == "exact":
        return out == expected.strip()
    if kind == "number":
        want = float(expected)
        nums = re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", out.replace(",", ""))
        return any(abs(float(n) - want) <= 1e-6 * max(1.0, abs(want)) for n in nums)
    return expected.strip().lower() in out.lower()  # "contains"


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all", choices=["dev", "heldout", "all"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--tier", help="settings llm.model_tier to use (default: configured)")
    args = ap.parse_args()
    from council_core.approval import ApprovalChannel, decline_all
    from council_core.context import SkillContext
    from council_core.skill import Query
    from council_core.skills.code import CodeSkill

    ctx = SkillContext(approval=ApprovalChannel(decline_all))
    if args.tier:
        ctx.settings.llm.model_tier = args.tier
    tasks = [json.loads(ln) for ln in SET.read_text().splitlines() if ln.strip()]
    if args.split != "all":
        tasks = [t for t in tasks if t["split"] == args.split]
    if args.limit:
        tasks = tasks[: args.limit]
    skill = CodeSkill(ctx)
    rows = []
    t_all = time.perf_counter()
    for t in tasks:
        t0 = time.perf_counter()
        try:
            ans = await skill.answer(Query(t["prompt"], "eval-code"))
            output, attempts, err = ans.output or "", ans.data.get("attempts", 0), ""
        except Exception as exc:  # a failed task is a result, not a crash of the runner
            output, attempts, err = "", 0, f"{type(exc).__name__}: {exc}"
        ok = judge(t["judge"], t["expected"], output)
        rows.append(
            {
                "id": t["id"],
                "ok": ok,
                "attempts": attempts,
                "error": err,
                "seconds": round(time.perf_counter() - t0, 2),
                "output": output[-200:],
            }
        )
        print(f"{t['id']} {'PASS' if ok else 'FAIL'} {rows[-1]['seconds']:6.1f}s {err[:80]}")
    await ctx.aclose()
    passed = sum(r["ok"] for r in rows)
    backend = getattr(ctx.settings.llm, "model_tier", "?")
    print(
        f"\n| figure | target | measured |\n|---|---|---|\n"
        f"| code tasks passed ({args.split}, {backend}) | - | {passed}/{len(rows)} "
        f"({100 * passed / max(1, len(rows)):.1f}%) |\n"
        f"| total time | - | {time.perf_counter() - t_all:.0f} s |"
    )
    out = ROOT / "bench" / "results" / "code_eval.json"
    out.write_text(
        json.dumps(
            {
                "backend": backend,
                "split": args.split,
                "passed": passed,
                "total": len(rows),
                "rows": rows,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
