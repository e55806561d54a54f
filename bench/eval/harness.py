"""The council's evaluation: one labelled prompt set across all skills, run through
`council batch`, judged, and compared side by side with the same local model alone.

Rows (bench/eval/sets/*.jsonl): {"id", "prompt", "expected", "category", "skill", "judge",
"split": "dev"|"heldout", optional "docs": folder to ingest first (relative to the repo),
optional "setup": [prompts said earlier in another session], optional "fast": true (in the CI
subset)}.

    python bench/eval/harness.py [--split all] [--fast] [--baseline] [--report FILE]
    council eval ...   (the same, from a source checkout)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SETS = HERE / "sets"
sys.path.insert(0, str(HERE))

import function_tasks  # noqa: E402
from judge import judge  # noqa: E402

SYSTEM_PROMPT = (
    "You are a helpful assistant. Give the final answer first, in plain text (no LaTeX), "
    "then at most one short sentence of explanation."
)


def load_rows(
    paths: Iterable[Path] | None = None,
    split: str = "all",
    categories: set[str] | None = None,
    fast: bool = False,
    limit_per_category: int | None = None,
) -> list[dict[str, Any]]:
    files = sorted(paths) if paths else sorted(SETS.glob("*.jsonl"))
    rows: list[dict[str, Any]] = []
    per_cat: Counter[str] = Counter()
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "category" not in row or "prompt" not in row:
                break  # a benchmark-only file (e.g. knowledge_manpages.jsonl), not eval rows
            row.setdefault("id", f"{f.stem}-{n}")
            row.setdefault("split", "dev")
            if split != "all" and row["split"] != split:
                continue
            if categories and row["category"] not in categories:
                continue
            if fast and not row.get("fast"):
                continue
            if limit_per_category and per_cat[row["category"]] >= limit_per_category:
                continue
            per_cat[row["category"]] += 1
            rows.append(row)
    return rows


def spread(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """Up to n evenly spaced rows of each category, in the set's order."""
    out: list[dict[str, Any]] = []
    for cat in dict.fromkeys(r["category"] for r in rows):
        mine = [r for r in rows if r["category"] == cat]
        out += mine[:: max(1, len(mine) // n)][:n]
    return out


def _council(
    home: Path, *args: str, stdin: str | None = None, timeout: float = 3600
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COUNCIL_HOME=str(home), PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "council_core", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=timeout,
    )


def run_council(
    rows: list[dict[str, Any]], home: Path | None = None, timeout: float = 3600
) -> dict[str, dict[str, Any]]:
    """Run every row through one `council batch` process; returns results by row id."""
    tmp = None
    if home is None:
        tmp = tempfile.TemporaryDirectory(prefix="council-eval-")
        home = Path(tmp.name)
    try:
        for folder in sorted({r["docs"] for r in rows if r.get("docs")}):
            out = _council(home, "ingest", str(REPO / folder), timeout=timeout)
            if out.returncode != 0:
                raise RuntimeError(f"ingest of {folder} failed:\n{out.stderr[-2000:]}")
        lines: list[str] = []
        order: list[str | None] = []
        # Memory rows: what was said earlier, in another session, comes first.
        for r in rows:
            for said in r.get("setup", []):
                lines.append(json.dumps({"prompt": said, "session": f"setup-{r['id']}"}))
                order.append(None)
        later = [r for r in rows if r.get("setup")]
        for r in [r for r in rows if not r.get("setup")] + later:
            lines.append(json.dumps({"prompt": r["prompt"], "session": f"eval-{r['id']}"}))
            order.append(r["id"])
        out = _council(home, "batch", stdin="\n".join(lines) + "\n", timeout=timeout)
        results = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
        if len(results) != len(lines):
            raise RuntimeError(
                f"council batch returned {len(results)} of {len(lines)} results"
                f" (exit {out.returncode}):\n{out.stderr[-3000:]}"
            )
        return {rid: res for rid, res in zip(order, results, strict=True) if rid is not None}
    finally:
        if tmp is not None:
            tmp.cleanup()


def run_model_alone(
    rows: list[dict[str, Any]], model_path: str, max_tokens: int = 160
) -> dict[str, dict[str, Any]]:
    """Baseline: the same local model with no council (prompts straight to llama.cpp)."""
    from llama_cpp import Llama

    llm = Llama(model_path=model_path, n_ctx=2048, n_threads=os.cpu_count() or 2, verbose=False)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        prompt = r["prompt"]
        if r.get("setup"):  # the model alone remembers nothing across sessions
            prompt = r["prompt"]
        t0 = time.perf_counter()
        res = llm.create_chat_completion(
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": prompt},
            ],
            max_tokens=max_tokens,
            temperature=0.0,
        )
        text = res["choices"][0]["message"]["content"] or ""
        out[r["id"]] = {
            "answer": text,
            "latency_ms": (time.perf_counter() - t0) * 1000,
            "skill": "model",
            "cost_usd": 0.0,
            "error": None,
        }
    return out


def _answer_text(res: dict[str, Any]) -> str:
    parts = [res.get("answer") or ""]
    if res.get("output"):
        parts.append(str(res["output"]))
    return "\n".join(parts)


def _judged(row: dict[str, Any], res: dict[str, Any]) -> bool:
    """Code answers are judged on what the program printed, then on the whole answer."""
    if function_tasks.is_function_row(row):  # function rows: the code on hidden tests
        return function_tasks.judged(row, res)
    if res.get("output") and judge(str(row["expected"]), str(res["output"]), row["judge"]):
        return True
    return judge(str(row["expected"]), _answer_text(res), row["judge"])


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def score(rows: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    by_cat: dict[str, list[bool]] = defaultdict(list)
    lat_cat: dict[str, list[float]] = defaultdict(list)
    lat_skill: dict[str, list[float]] = defaultdict(list)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    routed_ok = 0
    cost = 0.0
    local = 0
    wrong: list[dict[str, Any]] = []
    for r in rows:
        res = results.get(r["id"], {})
        ok = bool(res) and res.get("error") is None and _judged(r, res)
        by_cat[r["category"]].append(ok)
        skill = res.get("skill") or "none"
        lat = float(res.get("latency_ms") or 0)
        lat_cat[r["category"]].append(lat)
        lat_skill[skill].append(lat)
        confusion[r.get("skill", "?")][skill] += 1
        routed_ok += skill == r.get("skill")
        cost += float(res.get("cost_usd") or 0)
        local += skill != "cloud"
        if not ok:
            wrong.append(
                {
                    "id": r["id"],
                    "prompt": r["prompt"][:120],
                    "expected": r["expected"],
                    "got": _answer_text(res)[:200],
                    "skill": skill,
                    "error": res.get("error"),
                }
            )
    n = len(rows) or 1
    return {
        "n": len(rows),
        "accuracy": sum(sum(v) for v in by_cat.values()) / n,
        "by_category": {
            c: {
                "n": len(v),
                "accuracy": sum(v) / len(v),
                "p50_ms": pct(lat_cat[c], 0.5),
                "p95_ms": pct(lat_cat[c], 0.95),
            }
            for c, v in sorted(by_cat.items())
        },
        "latency_by_skill": {
            s: {"n": len(v), "p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95)}
            for s, v in sorted(lat_skill.items())
        },
        "routing_accuracy": routed_ok / n,
        "local_share": local / n,
        "cost_per_100": 100 * cost / n,
        "confusion": {k: dict(v) for k, v in confusion.items()},
        "median_latency_ms": pct([lat for v in lat_cat.values() for lat in v], 0.5),
        "wrong": wrong,
    }


def table(council: dict[str, Any], alone: dict[str, Any] | None) -> str:
    head = "| category | n | council accuracy | council p50 / p95 ms |"
    sep = "|---|---|---|---|"
    if alone:
        head += " model alone accuracy | model alone p50 ms |"
        sep += "---|---|"
    lines = [head, sep]
    for cat, c in council["by_category"].items():
        line = (
            f"| {cat} | {c['n']} | {100 * c['accuracy']:.1f}% | "
            f"{c['p50_ms']:.0f} / {c['p95_ms']:.0f} |"
        )
        if alone:
            a = alone["by_category"].get(cat, {})
            line += f" {100 * a.get('accuracy', 0):.1f}% | {a.get('p50_ms', 0):.0f} |"
        lines.append(line)
    line = (
        f"| **all** | {council['n']} | **{100 * council['accuracy']:.1f}%** | "
        f"{council['median_latency_ms']:.0f} (median) |"
    )
    if alone:
        line += f" {100 * alone['accuracy']:.1f}% | {alone['median_latency_ms']:.0f} (median) |"
    lines.append(line)
    return "\n".join(lines)


def default_model_path() -> str | None:
    """The GGUF the configured embedded tier (or llm.model_path) points at."""
    try:
        from council_core.llm.models import model_path, tier
        from council_core.settings import load_settings

        s = load_settings()
        path = s.llm.model_path or str(model_path(tier(s.llm.model_tier)))
        return path if Path(path).exists() else None
    except Exception:
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--set", action="append", type=Path, help="a .jsonl set (default: all)")
    ap.add_argument("--split", default="all", choices=["all", "dev", "heldout"])
    ap.add_argument("--category", action="append", help="only these categories")
    ap.add_argument("--fast", action="store_true", help="only rows marked fast (the CI subset)")
    ap.add_argument("--limit", type=int, help="at most N rows per category")
    ap.add_argument(
        "--spread",
        type=int,
        help="N evenly spaced rows per category (every list and form of the set)",
    )
    ap.add_argument("--baseline", action="store_true", help="also run the model alone")
    ap.add_argument("--model", help="GGUF for the baseline (default: the configured model)")
    ap.add_argument("--report", type=Path, help="write the JSON report here")
    args = ap.parse_args(argv)
    rows = load_rows(args.set, args.split, set(args.category or []) or None, args.fast, args.limit)
    if args.spread:
        rows = spread(rows, args.spread)
    model = args.model or default_model_path() if args.baseline else None
    if args.baseline and not model:
        print("no model for the baseline: pass --model PATH", file=sys.stderr)
        return 2
    print(f"running {len(rows)} prompts through the council...", file=sys.stderr)
    t0 = time.perf_counter()
    council_results = run_council(rows)
    council = score(rows, council_results)
    council["wall_s"] = time.perf_counter() - t0
    council["functions"] = function_tasks.integrity(rows, council_results)
    alone = None
    if args.baseline and model:
        print("running the same prompts through the model alone...", file=sys.stderr)
        fn_rows = [r for r in rows if function_tasks.is_function_row(r)]
        other = [r for r in rows if not function_tasks.is_function_row(r)]
        alone_results = run_model_alone(other, model) if other else {}
        alone_results.update(function_tasks.run_model_alone(fn_rows, model))
        alone = score(rows, alone_results)
    print(table(council, alone))
    print(
        f"\nrouting accuracy {100 * council['routing_accuracy']:.1f}%, answered locally "
        f"{100 * council['local_share']:.1f}%, cost per 100 requests "
        f"${council['cost_per_100']:.4f}"
    )
    print(
        "latency by skill: "
        + ", ".join(
            f"{s} p50 {v['p50_ms']:.0f} / p95 {v['p95_ms']:.0f} ms"
            for s, v in council["latency_by_skill"].items()
        )
    )
    if any(function_tasks.is_function_row(r) for r in rows):
        print(
            "function rows: " + ", ".join(f"{k} {len(v)}" for k, v in council["functions"].items())
        )
    if args.report:
        args.report.write_text(
            json.dumps({"council": council, "model_alone": alone}, indent=2, default=str)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
