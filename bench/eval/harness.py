"""The council's evaluation: one labelled prompt set across all skills, run through
`council batch`, judged, and compared side by side with the same local model alone.

Rows (bench/eval/sets/*.jsonl): {"id", "prompt", "expected", "category", "skill", "judge",
"split": "dev"|"heldout", optional "docs": folder to ingest first (relative to the repo),
optional "setup": [prompts said earlier in another session], optional "fast": true (in the CI
subset)}.

The ``gsm8k`` category is read from ``shared/eval/gsm8k-train-400.jsonl`` beside (or above)
the checkout (GSM8K train sample, OpenAI, MIT): the first 200 rows are the dev split, the last
200 the held-out split. Tune on dev only; report held-out separately.

The model alone is asked fairly: the same model, in the same run, with room to reason step by
step before a final "Answer:" line (``BASELINE_MAX_TOKENS``); short-answer kinds are judged on
that final line.

    python bench/eval/harness.py [--split all] [--fast] [--baseline] [--report FILE]
    council eval ...   (the same, from a source checkout)
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

# The model alone may reason: step by step when it helps, then the final answer on its own
# line. (An earlier prompt asked for the answer first in one sentence, which stops a small
# model from working a problem out: unfair to it on math and logic.)
SYSTEM_PROMPT = (
    "You are a helpful assistant. Think the question through step by step when it needs "
    "working out, in plain text (no LaTeX). End with a last line of the form "
    "'Answer: <the final answer>'."
)
BASELINE_MAX_TOKENS = 512
# Judge kinds that read one short result: the model alone is judged on its "Answer:" line.
_SHORT_KINDS = {"number", "symbolic", "set", "yesno", "exact", "exact_first"}

GSM8K_FILE = "gsm8k-train-400.jsonl"
GSM8K_DEV = 200  # the first 200 rows: dev; the rest: held-out


def gsm8k_path() -> Path | None:
    """shared/eval/gsm8k-train-400.jsonl beside the checkout (CI: ../shared/eval) or above it
    (a git worktree under the project folder)."""
    for parent in REPO.parents:
        p = parent / "shared" / "eval" / GSM8K_FILE
        if p.is_file():
            return p
    return None


def load_gsm8k(split: str = "all", path: Path | None = None) -> list[dict[str, Any]]:
    """GSM8K rows as eval rows: dev = the first GSM8K_DEV, held-out = the rest."""
    path = path or gsm8k_path()
    if path is None or not path.is_file():
        raise FileNotFoundError(
            f"the gsm8k category needs ../shared/eval/{GSM8K_FILE} beside the checkout "
            "(the GSM8K sample is not part of the repository); put it there or leave out "
            "--category gsm8k"
        )
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        src = json.loads(line)
        row_split = "dev" if n < GSM8K_DEV else "heldout"
        if split != "all" and row_split != split:
            continue
        rows.append(
            {
                "id": src.get("id") or f"gsm8k-{n + 1}",
                "prompt": src["prompt"],
                "expected": str(src["answer"]).replace(",", ""),
                "category": "gsm8k",
                "skill": "wordmath",
                "judge": "number",
                "split": row_split,
            }
        )
    return rows


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
    if not paths and (categories is None or "gsm8k" in categories) and not fast:
        try:
            gsm = load_gsm8k(split)
        except FileNotFoundError as exc:
            if categories:  # asked for by name: say why it is missing
                raise
            print(f"note: {exc}", file=sys.stderr)
            gsm = []
        rows += gsm[:limit_per_category] if limit_per_category else gsm
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
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ, COUNCIL_HOME=str(home), PYTHONPATH=path)
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
    rows: list[dict[str, Any]],
    model_path: str,
    max_tokens: int = BASELINE_MAX_TOKENS,
    threads: int | None = None,
    on_result: Any = None,
) -> dict[str, dict[str, Any]]:
    """Baseline: the same local model with no council (prompts straight to llama.cpp), with
    a prompt that lets it reason before its final "Answer:" line."""
    from llama_cpp import Llama

    llm = Llama(
        model_path=model_path, n_ctx=2048, n_threads=threads or os.cpu_count() or 2, verbose=False
    )
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
            "final": final_answer(text),
            "finish_reason": res["choices"][0].get("finish_reason"),
            "latency_ms": (time.perf_counter() - t0) * 1000,
            "skill": "model",
            "cost_usd": 0.0,
            "error": None,
        }
        if on_result is not None:  # a long run can be watched, and kept if cut short
            on_result(r, out[r["id"]])
    return out


_ANSWER_LINE = re.compile(r"(?im)^\W*(?:final\s+)?answer\s*(?:is)?\s*[:：]\s*(.+)$")


def final_answer(text: str) -> str:
    """The model alone's final answer: its last "Answer: ..." line, else its last line."""
    text = re.sub(r"\\boxed\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\[()\[\]]", "", text)  # LaTeX math delimiters: \(12\) is 12
    found = _ANSWER_LINE.findall(text)
    if found:
        return str(found[-1]).strip().strip("*").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _answer_text(res: dict[str, Any]) -> str:
    parts = [res.get("answer") or ""]
    if res.get("output"):
        parts.append(str(res["output"]))
    return "\n".join(parts)


_ONE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _judged(row: dict[str, Any], res: dict[str, Any]) -> bool:
    """Code answers are judged on what the program printed, then on the whole answer. The
    model alone's short answers are judged on its final "Answer:" line; function rows on the
    code's hidden tests."""
    if function_tasks.is_function_row(row):  # function rows: the code on hidden tests
        return function_tasks.judged(row, res)
    if "final" in res and row["judge"] in _SHORT_KINDS:
        if judge(str(row["expected"]), str(res["final"]), row["judge"]):
            return True
        # A final sentence with one number in it ("So, Pop spent 15 dollars.") is that number,
        # as the word-problem skill reads its own step-by-step answer.
        nums = set(_ONE_NUMBER.findall(str(res["final"]).replace(",", "")))
        return (
            row["judge"] == "number"
            and len(nums) == 1
            and judge(str(row["expected"]), nums.pop(), "number")
        )
    if res.get("output") and judge(str(row["expected"]), str(res["output"]), row["judge"]):
        return True
    return judge(str(row["expected"]), _answer_text(res), row["judge"])


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


# Confidence buckets for the calibration table: (label, low, high).
BUCKETS = [("<0.5", 0.0, 0.5), ("0.5-0.7", 0.5, 0.7), ("0.7-0.9", 0.7, 0.9), (">=0.9", 0.9, 1.01)]


def calibration(pairs: list[tuple[float, bool]]) -> dict[str, dict[str, Any]]:
    """Accuracy per confidence bucket: {label: {n, accuracy}}."""
    out: dict[str, dict[str, Any]] = {}
    for label, lo, hi in BUCKETS:
        mine = [ok for c, ok in pairs if lo <= c < hi]
        out[label] = {"n": len(mine), "accuracy": sum(mine) / len(mine) if mine else None}
    return out


def score(rows: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    conf_pairs: dict[str, list[tuple[float, bool]]] = defaultdict(list)
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
        if res.get("confidence") is not None:
            conf_pairs[r["category"]].append((float(res["confidence"]), ok))
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
        "calibration": calibration([p for v in conf_pairs.values() for p in v]),
        "calibration_by_category": {c: calibration(v) for c, v in sorted(conf_pairs.items())},
        "confident_wrong": sum(
            1 for v in conf_pairs.values() for c, ok in v if c >= 0.9 and not ok
        ),
        "wrong": wrong,
    }


def calibration_table(council: dict[str, Any]) -> str:
    """Accuracy per confidence bucket, overall and per category."""
    cats = council.get("calibration_by_category") or {}
    if not cats:
        return ""
    head = "| confidence | " + " | ".join(["all", *cats]) + " |"
    lines = [head, "|---|" + "---|" * (len(cats) + 1)]
    for label, _lo, _hi in BUCKETS:
        cells = []
        for cal in [council["calibration"], *cats.values()]:
            b = cal[label]
            cells.append(f"{100 * b['accuracy']:.0f}% of {b['n']}" if b["n"] else "-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
    ap.add_argument("--threads", type=int, help="llama.cpp threads for the baseline")
    ap.add_argument(
        "--parallel",
        action="store_true",
        help="run the model alone at the same time as the council (halves the wall time; "
        "both share the CPU, so latencies are higher)",
    )
    ap.add_argument("--report", type=Path, help="write the JSON report here")
    args = ap.parse_args(argv)
    try:
        rows = load_rows(
            args.set, args.split, set(args.category or []) or None, args.fast, args.limit
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.spread:
        rows = spread(rows, args.spread)
    model = args.model or default_model_path() if args.baseline else None
    if args.baseline and not model:
        print("no model for the baseline: pass --model PATH", file=sys.stderr)
        return 2
    alone = None
    pending = None
    if args.baseline and model and args.parallel:
        from concurrent.futures import ThreadPoolExecutor

        print("running the model alone alongside the council...", file=sys.stderr)
        pool = ThreadPoolExecutor(1)
        pending = pool.submit(
            run_model_alone,
            [r for r in rows if not function_tasks.is_function_row(r)],
            model,
            BASELINE_MAX_TOKENS,
            args.threads,
        )
    print(f"running {len(rows)} prompts through the council...", file=sys.stderr)
    t0 = time.perf_counter()
    council_results = run_council(rows)
    council = score(rows, council_results)
    council["wall_s"] = time.perf_counter() - t0
    council["functions"] = function_tasks.integrity(rows, council_results)
    fn_rows = [r for r in rows if function_tasks.is_function_row(r)]
    other = [r for r in rows if not function_tasks.is_function_row(r)]
    if pending is not None or (args.baseline and model):
        if pending is None:
            print("running the same prompts through the model alone...", file=sys.stderr)
        alone_results = (
            pending.result()
            if pending is not None
            else run_model_alone(other, model, threads=args.threads)
            if other
            else {}
        )
        # the model alone completes function rows (scored on the same hidden tests)
        alone_results.update(function_tasks.run_model_alone(fn_rows, model))
        alone = score(rows, alone_results)
    print(table(council, alone))
    cal = calibration_table(council)
    if cal:
        print("\ncouncil accuracy by its confidence:\n" + cal)
        print(
            f"wrong answers at confidence >= 0.9: {council['confident_wrong']} of "
            f"{council['n']} ({100 * council['confident_wrong'] / max(1, council['n']):.1f}%)"
        )
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
