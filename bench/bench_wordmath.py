"""The word-problem skill on GSM8K rows, in-process, with every program's details: what the
calibration of its confidence is fitted on.

    python bench/bench_wordmath.py --split dev --n 40            # run, write the records
    python bench/bench_wordmath.py --split heldout --n 12 --council   # through the router
    python bench/bench_wordmath.py --split dev --n 40 --always   # all four answers, always
    python bench/bench_wordmath.py --fit bench/results/wordmath_dev.jsonl   # report again

Each record: the row id, expected answer, every vote (programs and step-by-step reasonings,
in order, each judged), the programs' outcomes, the skill's final answer and confidence, its
correctness, seconds; the report replays the decision as shipped and its calibration. The GSM8K sample lives
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
        skill.always_vote = True
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
                rec["votes"] = ans.data["votes"]
                for v in rec["votes"]:
                    v["ok"] = _ok(r["expected"], v["answer"])
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


def _votes(rec: dict[str, Any]) -> list[wm.Vote]:
    from fractions import Fraction

    from council_core.skills.wordmath.program import Reading

    return [
        wm.Vote(Reading(v["answer"], Fraction(v["value"]) if v["value"] else None), v["source"])
        for v in rec.get("votes", [])
    ]


def as_shipped(rec: dict[str, Any]) -> tuple[bool, float]:
    """What the skill answers without --always (the first program and the first reasoning
    agreeing settle it), from a record made with --always: (right, confidence)."""
    votes = _votes(rec)
    first = votes[: rec.get("first_round", 2)]
    use = first if wm._settled(first) else votes
    chosen, conf = wm.decide(use, [])
    if chosen is None:
        return False, 0.0
    return _ok(rec["expected"], chosen.reading.line), conf


def report(recs: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(recs)
    out: dict[str, Any] = {
        "n": n,
        "accuracy": sum(x["ok"] for x in recs) / max(1, n),
        "p50_s": statistics.median(x["seconds"] for x in recs) if recs else None,
        "declined": sum(1 for x in recs if x["answer"] is None),
    }
    voted = [x for x in recs if x.get("votes")]
    if voted:

        def first_of(x: dict[str, Any], source: str) -> bool:
            return any([v["ok"] for v in x["votes"] if v["source"] == source][:1])

        shipped = [as_shipped(x) for x in voted]
        out["as_shipped"] = {
            "right": sum(ok for ok, _ in shipped),
            "calibration": harness.calibration([(c, ok) for ok, c in shipped]),
        }
        out["first_program_right"] = sum(first_of(x, "program") for x in voted)
        out["first_reasoning_right"] = sum(first_of(x, "reasoning") for x in voted)
        settled = [x for x in voted if wm._settled(_votes(x)[: x.get("first_round", 2)])]
        out["settled"] = {"n": len(settled), "right": sum(as_shipped(x)[0] for x in settled)}
    buckets = harness.calibration([(float(x["confidence"]), bool(x["ok"])) for x in recs])
    out["calibration"] = buckets
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--split", default="dev", choices=["dev", "heldout"])
    ap.add_argument("--n", type=int, default=40, help="rows, evenly spaced in the split")
    ap.add_argument("--offset", type=int, default=0, help="skip the first rows of the split")
    ap.add_argument("--every", type=int, default=0, help="every K-th row from --offset")
    ap.add_argument(
        "--always", action="store_true", help="two programs and two reasonings on every problem"
    )
    ap.add_argument(
        "--council", action="store_true", help="through the whole council, not the skill alone"
    )
    ap.add_argument("--fit", type=Path, help="only report on (and fit) these records")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.fit:
        recs = [json.loads(x) for x in args.fit.read_text().splitlines() if x.strip()]
    else:
        rows = harness.load_gsm8k(args.split)[args.offset :]
        rows = rows[:: args.every][: args.n] if args.every else harness.spread(rows, args.n)
        out = args.out or RESULTS / f"wordmath_{args.split}.jsonl"
        if args.council:
            recs = asyncio.run(run_through_council(rows, out))
        else:
            recs = asyncio.run(run(rows, args.always, out))
    print(json.dumps(report(recs), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
