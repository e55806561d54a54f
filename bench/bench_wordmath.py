"""The word-problem skill on GSM8K rows, in-process, with every program's details: what the
calibration of its confidence is fitted on.

    python bench/bench_wordmath.py --split dev --n 40            # run, write the records
    python bench/bench_wordmath.py --split heldout --n 12 --council   # through the router
    python bench/bench_wordmath.py --split dev --n 40 --always   # cross-check every problem
    python bench/bench_wordmath.py --fit bench/results/wordmath_dev.jsonl   # fit, reliability

Each record: the row id, expected answer, the first (greedy) program's answer and the mean of
its lowest token log-probabilities, the second (sampled) program's answer when one ran, the
skill's final answer and confidence, correctness of each, seconds. The GSM8K sample lives
outside the repository (../shared/eval, see bench/eval/harness.py); tune on dev only.
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench" / "eval"))
os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-wordmath-"))

import harness  # noqa: E402
from judge import judge  # noqa: E402

from council_core.base.errors import CouncilError  # noqa: E402
from council_core.context import SkillContext  # noqa: E402
from council_core.skill import Query  # noqa: E402
from council_core.skills.wordmath import skill as wm  # noqa: E402

RESULTS = REPO / "bench" / "results"


def _ok(expected: str, answer: str | None) -> bool:
    return bool(answer) and judge(expected, str(answer), "number")


async def run(rows: list[dict[str, Any]], always: bool, out: Path) -> list[dict[str, Any]]:
    ctx = SkillContext()
    skill = wm.WordMathSkill(ctx)
    if always:
        skill.crosscheck_below = 1.01
    recs = []
    with out.open("w", encoding="utf-8") as f:
        for r in rows:
            t0 = time.perf_counter()
            rec: dict[str, Any] = {"id": r["id"], "expected": r["expected"], "split": r["split"]}
            try:
                ans = await skill.answer(Query(r["prompt"]))
            except CouncilError as exc:
                rec.update(answer=None, confidence=0.0, error=f"{exc.kind}: {exc.message[:300]}")
                attempts: list[dict[str, Any]] = []
            else:
                rec.update(answer=ans.answer, confidence=ans.confidence, notes=ans.notes)
                attempts = ans.data["attempts"]
            rec["seconds"] = round(time.perf_counter() - t0, 2)
            rec["attempts"] = attempts
            rec["ok"] = _ok(r["expected"], rec["answer"])
            for a in attempts:
                a["ok"] = _ok(r["expected"], a["answer"])
            recs.append(rec)
            f.write(json.dumps(rec) + "\n")
            f.flush()
            print(
                f"{r['id']}: {'ok ' if rec['ok'] else 'BAD'} conf {rec['confidence']:.2f} "
                f"{rec['seconds']:.1f}s {rec['answer']!r} (expected {r['expected']})",
                file=sys.stderr,
            )
    await ctx.aclose()
    return recs


async def run_through_council(rows: list[dict[str, Any]], out: Path) -> list[dict[str, Any]]:
    """The rows through the whole council (the router, every installed skill, hooks), as
    `council batch` runs them, one record per row written as it comes."""
    from council_core import registry
    from council_core.approval import decline_all
    from council_core.cli.common import make_council

    # A source checkout whose installed metadata predates the skill: register it here.
    registry.load_group(registry.SKILLS_GROUP).classes.setdefault("wordmath", wm.WordMathSkill)
    council = make_council(decline_all)
    recs = []
    with out.open("w", encoding="utf-8") as f:
        for r in rows:
            res = await council.ask(r["prompt"], f"eval-{r['id']}", no_cloud=True, batch=True)
            d = res.to_dict()
            rec = {
                "id": r["id"],
                "expected": r["expected"],
                "split": r["split"],
                "answer": d["answer"] if res.ok else None,
                "skill": d["skill"],
                "confidence": d["confidence"],
                "seconds": round(d["latency_ms"] / 1000, 2),
                "notes": d["notes"],
                "error": d["error"],
                "attempts": [],
            }
            rec["ok"] = res.ok and _ok(r["expected"], d["answer"])
            recs.append(rec)
            f.write(json.dumps(rec) + "\n")
            f.flush()
            print(
                f"{r['id']}: {'ok ' if rec['ok'] else 'BAD'} {rec['skill']} conf "
                f"{rec['confidence']:.2f} {rec['seconds']:.1f}s {rec['answer']!r} "
                f"(expected {r['expected']})",
                file=sys.stderr,
            )
    await council.aclose()
    return recs


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Logistic regression of correctness on one feature (Newton's method, a little ridge)."""
    from fitting import logistic_fit

    return logistic_fit(xs, ys, ridge=1e-2, iters=60)


def report(recs: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(recs)
    firsts = [x["attempts"][0] for x in recs if x["attempts"]]
    seconds_ = [x for x in recs if len(x["attempts"]) >= 2]
    out: dict[str, Any] = {
        "n": n,
        "accuracy": sum(x["ok"] for x in recs) / max(1, n),
        "first_program_accuracy": sum(a["ok"] for a in firsts) / max(1, n),
        "p50_s": statistics.median(x["seconds"] for x in recs) if recs else None,
        "declined": sum(1 for x in recs if x["answer"] is None),
    }
    xs = [a["low_logprob"] for a in firsts if a["low_logprob"] is not None and a["answer"]]
    ys = [1.0 if a["ok"] else 0.0 for a in firsts if a["low_logprob"] is not None and a["answer"]]
    if len(xs) >= 10:
        a, b = fit(xs, ys)
        out["fit_first"] = {"A": round(a, 3), "B": round(b, 3), "n": len(xs)}
    agree = [
        x
        for x in seconds_
        if x["attempts"][0]["answer"] and x["attempts"][0]["answer"] == x["attempts"][-1]["answer"]
    ]
    out["cross_checked"] = len(seconds_)
    out["agree"] = {"n": len(agree), "accuracy": sum(x["ok"] for x in agree) / max(1, len(agree))}
    dis = [x for x in seconds_ if x not in agree]
    out["disagree"] = {
        "n": len(dis),
        "first_right": sum(x["attempts"][0]["ok"] for x in dis),
        "second_right": sum(x["attempts"][-1]["ok"] for x in dis),
    }
    buckets = harness.calibration([(float(x["confidence"]), bool(x["ok"])) for x in recs])
    out["calibration"] = buckets
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["dev", "heldout"])
    ap.add_argument("--n", type=int, default=40, help="rows, evenly spaced in the split")
    ap.add_argument("--offset", type=int, default=0, help="skip the first rows of the split")
    ap.add_argument("--always", action="store_true", help="cross-check every problem")
    ap.add_argument(
        "--council", action="store_true", help="through the whole council, not the skill alone"
    )
    ap.add_argument("--fit", type=Path, help="only report on (and fit) these records")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.fit:
        recs = [json.loads(x) for x in args.fit.read_text().splitlines() if x.strip()]
    else:
        rows = harness.spread(harness.load_gsm8k(args.split)[args.offset :], args.n)
        out = args.out or RESULTS / f"wordmath_{args.split}.jsonl"
        if args.council:
            recs = asyncio.run(run_through_council(rows, out))
        else:
            recs = asyncio.run(run(rows, args.always, out))
    print(json.dumps(report(recs), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
