"""Everyday exact questions through the whole council, as `council batch` runs them.

    python bench/bench_everyday.py                     # bench/eval/sets/everyday_heldout.jsonl
    python bench/bench_everyday.py units_heldout       # bench/eval/sets/units_heldout.jsonl
    python bench/bench_everyday.py everyday2_heldout   # zone conversions, compound units
    python bench/bench_everyday.py numbers_heldout     # bases, Roman numerals, primes, digits
    python bench/bench_everyday.py money_heldout       # interest, loans, bills, savings, markup
    python bench/bench_everyday.py everyday3_heldout   # clock and date arithmetic, rates, grades, sums
    python bench/bench_everyday.py --baseline [set]    # + the same model alone, side by side

--baseline also asks the same local model alone (bench/eval/harness.run_model_alone: a prompt
that lets it work step by step and end with an "Answer:" line) and judges both with one
lenient judge (`lenient`): numbers within 0.5% (1.32 gallons counts for 1.3208), a day count
within one (inclusive counting), a clock time within two minutes of the right time now. The
council is judged on its whole answer, the model alone on its final line. Writes
bench/results/everyday_baseline_<set>.json.

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
import re
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
    if "any" in row:  # alternatives ("8pm", "20:00"): one of them, in any case
        low = (answer + "\n" + re.sub(r"(?<=\d),(?=\d{3})", "", answer)).lower()
        if any(part.lower() in low for part in row["any"]):
            return True
        # a number given to more places ("1570.796327" for "1570.8") rounds to the one asked for
        nums = _NUM.findall(re.sub(r"(?<=\d),(?=\d{3})", "", answer))
        for part in row["any"]:
            if re.fullmatch(r"-?\d+(?:\.\d+)?", part):
                places = len(part.split(".")[1]) if "." in part else 0
                if any(
                    "." in x
                    and len(x.split(".")[1]) > places
                    and round(float(x), places) == float(part)
                    for x in nums
                ):
                    return True
        return False
    if "contains" in row:
        # thousands separators are presentation ("2,003" holds 2003)
        answer = answer + "\n" + re.sub(r"(?<=\d),(?=\d{3})", "", answer)
        return all(part in answer for part in row["contains"])
    if "days_to" in row:
        return f"{_next(row['days_to'], today)} days" in answer
    if "weeks_to" in row:
        return f"{_next(row['weeks_to'], today)} days" in answer
    if row.get("today"):
        return f"{today.day} {today:%B}" in answer
    raise ValueError(f"row {row['id']} has no judge")


_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(x) for x in _NUM.findall(re.sub(r"(?<=\d),(?=\d{3})", "", text))]


def _near(want: float, got: list[float], rel: float = 0.005, abs_: float = 0.0) -> bool:
    return any(abs(g - want) <= max(abs(want) * rel, abs_) for g in got)


def _clock_at(zone: str, at: dt.datetime | None) -> dt.datetime:
    """The time in zone at `at` (when the answer was given; now when None)."""
    from zoneinfo import ZoneInfo

    return (at or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone))


def _has_time(text: str, when: dt.datetime, slack_min: int = 2) -> bool:
    """A clock time in text within slack of `when` (24-hour or am/pm)."""
    for m in re.finditer(r"(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\b\.?)?", text, re.IGNORECASE):
        if m.group(2) is None and m.group(3) is None:
            continue  # a bare number is no clock time
        h, mi = int(m.group(1)), int(m.group(2) or 0)
        ap = (m.group(3) or "").lower()[:1]
        if ap == "p" and h < 12:
            h += 12
        if ap == "a" and h == 12:
            h = 0
        t = when.replace(hour=h % 24, minute=mi % 60)
        if (
            abs((t - when).total_seconds()) <= slack_min * 60
            or abs((t - when).total_seconds()) >= 86400 - slack_min * 60
        ):
            return True
    return False


def lenient(row: dict[str, Any], text: str, today: dt.date, at: dt.datetime | None = None) -> bool:
    """One judge for the council and the model alone (see the module's docstring); a clock
    time is judged against `at`, when that answer was given."""
    nums = _numbers(text)
    if "days_to" in row or "weeks_to" in row:
        n = _next(row.get("days_to") or row["weeks_to"], today)
        if "weeks_to" in row:  # "3 weeks and 2 days" or "3.3 weeks" or the days
            return (
                _near(n, nums, abs_=1)
                or _near(n / 7, nums, rel=0.02)
                or (any(x == n // 7 for x in nums) and any(x == n % 7 for x in nums))
            )
        return _near(n, nums, rel=0, abs_=1)
    if row.get("today"):
        return (f"{today.day}" in text and f"{today:%B}" in text) or today.isoformat() in text
    if "any" in row:
        return any(lenient({"contains": [p]}, text, today, at) for p in row["any"])
    for part in row["contains"]:
        if "/" in part:  # a zone: the right time there now
            if not _has_time(text, _clock_at(part, at)):
                return False
        elif re.fullmatch(r"\d{1,2}:\d{2}", part):  # a converted clock time
            h, mi = (int(x) for x in part.split(":"))
            if not _has_time(text, dt.datetime(2000, 1, 1, h, mi), slack_min=0):
                return False
        elif re.fullmatch(r"[\d,.]+", part):
            if not _near(float(part.replace(",", "")), nums):
                return False
        elif not re.search(rf"(?i)\b{re.escape(part)}\b", text):
            return False
    return True


async def council_rows(name: str) -> list[dict[str, Any]]:
    """Every prompt of the set through the council, judged."""
    from council_core.approval import decline_all
    from council_core.cli.common import make_council

    path = SETS / f"{name}.jsonl"
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    council = make_council(decline_all)
    out = []
    for r in rows:
        res = await council.ask(r["prompt"], "bench-everyday", no_cloud=True, batch=True)
        today = dt.date.today()
        if r.get("lookalike"):  # not a number question: any skill but math answers it
            ok = res.ok and res.skill != "math"
        else:
            ok = res.ok and judged(r, res.answer, today)
        out.append({
            "id": r["id"], "prompt": r["prompt"], "answer": res.answer, "skill": res.skill,
            "confidence": res.confidence, "ok": ok, "ms": round(res.latency_ms, 1),
            "at": dt.datetime.now(dt.UTC).isoformat(),
        })  # fmt: skip
        print(f"{'ok ' if ok else 'BAD'} {res.skill or '-':8s} {res.latency_ms:8.1f} ms "
              f"{r['prompt'][:50]!r} -> {res.answer[:80]!r}")  # fmt: skip
    await council.aclose()
    return out


async def main(name: str) -> int:
    out = await council_rows(name)
    figures = {
        "date": dt.date.today().isoformat(),
        "n": len(out),
        "right": sum(x["ok"] for x in out),
        "by_skill": {s: sum(1 for x in out if x["skill"] == s) for s in {x["skill"] for x in out}},
        "p50_ms": statistics.median(x["ms"] for x in out),
        "rows": out,
    }
    out_path = RESULTS / ("everyday.json" if name == "everyday_heldout" else f"{name}.json")
    if out_path.exists():  # a rerun keeps the record of the blind first run
        first = json.loads(out_path.read_text()).get("first_run")
        if first is not None:
            figures["first_run"] = first
    out_path.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=2))
    return 0


def baseline(name: str) -> int:
    """The set through the council and through the same model alone, one lenient judge."""
    from bench.eval.harness import run_model_alone
    from council_core.llm import models

    path = SETS / f"{name}.jsonl"
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    council = {r["id"]: r for r in asyncio.run(council_rows(name))}

    def show(r: dict[str, Any], res: dict[str, Any]) -> None:
        res["at"] = dt.datetime.now(dt.UTC).isoformat()  # clock answers are judged then
        print(f"alone {r['id']}: {res['final'][:80]!r} ({res['latency_ms'] / 1000:.1f} s)")

    looks = [r for r in rows if r.get("lookalike")]  # no answer to compare: routing only
    rows = [r for r in rows if not r.get("lookalike")]
    model = str(models.model_path(models.tier(models.DEFAULT_TIER)))
    alone = run_model_alone(rows, model, threads=2, on_result=show)
    today = dt.date.today()
    out = []
    for r in rows:
        c, a = council[r["id"]], alone[r["id"]]
        out.append({
            "id": r["id"], "prompt": r["prompt"],
            "council": c["answer"],
            "council_ok": lenient(r, c["answer"], today, dt.datetime.fromisoformat(c["at"])),
            "council_ms": c["ms"], "skill": c["skill"],
            "alone": a["answer"], "alone_final": a["final"],
            "alone_ok": lenient(r, a["final"], today, dt.datetime.fromisoformat(a["at"])),
            "alone_ms": round(a["latency_ms"], 1),
        })  # fmt: skip
    figures = {
        "date": today.isoformat(), "set": name, "n": len(out),
        "model": models.DEFAULT_TIER,
        "council_right": sum(x["council_ok"] for x in out),
        "alone_right": sum(x["alone_ok"] for x in out),
        "council_p50_ms": statistics.median(x["council_ms"] for x in out),
        "alone_p50_ms": statistics.median(x["alone_ms"] for x in out),
        "lookalikes": len(looks),
        "lookalikes_not_math": sum(council[r["id"]]["ok"] for r in looks),
        "rows": out,
        "lookalike_rows": [council[r["id"]] for r in looks],
    }  # fmt: skip
    (RESULTS / f"everyday_baseline_{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=2))
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--baseline":
        raise SystemExit(baseline(args[1] if len(args) > 1 else "everyday_heldout"))
    raise SystemExit(asyncio.run(main(args[0] if args else "everyday_heldout")))
