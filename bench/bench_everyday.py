"""Everyday exact questions through the whole council, as `council batch` runs them.

    python bench/bench_everyday.py                     # bench/eval/sets/everyday_heldout.jsonl
    python bench/bench_everyday.py units_heldout       # bench/eval/sets/units_heldout.jsonl
    python bench/bench_everyday.py everyday2_heldout   # zone conversions, compound units

everyday2's zone answers assume northern winter offsets (no DST in London, New York, Paris,
Chicago, Berlin; DST in Sydney): its expected times hold from November to March. Its prompts
were written before the feature, but then used verbatim while building it: not blind.

The set (24 prompts: the clock, countdowns, leap years, weekdays, tips, list statistics, time
units, rounding) was written after the math skill learned these (from a new user's batch) and
committed before any of it was run. Each row is judged by what the answer must contain; rows
that depend on today are judged against today's date worked out here with `datetime`. Writes
bench/results/everyday.json: right, the skill that answered, latency.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-everyday-"))

SETS = REPO / "bench" / "eval" / "sets"
RESULTS = REPO / "bench" / "results"


def _next(md: str, today: dt.date) -> int:
    month, day = (int(x) for x in md.split("-"))
    d = dt.date(today.year, month, day)
    if d < today:
        d = d.replace(year=today.year + 1)
    return (d - today).days


def judged(row: dict[str, Any], answer: str, today: dt.date) -> bool:
    if "contains" in row:
        return all(part in answer for part in row["contains"])
    if "days_to" in row:
        return f"{_next(row['days_to'], today)} days" in answer
    if "weeks_to" in row:
        return f"{_next(row['weeks_to'], today)} days" in answer
    if row.get("today"):
        return f"{today.day} {today:%B}" in answer
    raise ValueError(f"row {row['id']} has no judge")


async def main(name: str) -> int:
    from council_core.approval import decline_all
    from council_core.cli.common import make_council

    path = SETS / f"{name}.jsonl"
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    council = make_council(decline_all)
    out = []
    for r in rows:
        res = await council.ask(r["prompt"], "bench-everyday", no_cloud=True, batch=True)
        today = dt.date.today()
        ok = res.ok and judged(r, res.answer, today)
        out.append({
            "id": r["id"], "prompt": r["prompt"], "answer": res.answer, "skill": res.skill,
            "confidence": res.confidence, "ok": ok, "ms": round(res.latency_ms, 1),
        })  # fmt: skip
        print(f"{'ok ' if ok else 'BAD'} {res.skill or '-':8s} {res.latency_ms:8.1f} ms "
              f"{r['prompt'][:50]!r} -> {res.answer[:80]!r}")  # fmt: skip
    await council.aclose()
    figures = {
        "date": dt.date.today().isoformat(),
        "n": len(out),
        "right": sum(x["ok"] for x in out),
        "by_skill": {s: sum(1 for x in out if x["skill"] == s) for s in {x["skill"] for x in out}},
        "p50_ms": statistics.median(x["ms"] for x in out),
        "rows": out,
    }
    out_path = RESULTS / ("everyday.json" if name == "everyday_heldout" else f"{name}.json")
    out_path.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "everyday_heldout")))
