"""The function-writing category, council vs the same model alone, in one process and one run,
one line per task as it finishes (for slow, shared machines; `harness.py --category function
--baseline` gives the same figures through `council batch`).

    python bench/eval/run_function_eval.py [--split dev|heldout|all] [--limit N] [--report F]
        [--ids ID,ID] [--only council|alone] [--threads N] [--phases]

--phases prints, under each council line, where the time went: each model turn (seconds, time
to the first token, prompt tokens / tokens the KV cache already held, tokens written) and each
sandbox run (pre-started or cold).

Council: the prompt goes through the router (real skills, the configured model, the sandbox).
Model alone: the same GGUF through llama.cpp with function_tasks.BASELINE_PROMPT. Both are
scored on the task's hidden tests, run in the sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import function_tasks  # noqa: E402
from harness import default_model_path, load_rows, pct  # noqa: E402


class PhaseLog(logging.Handler):
    """Collects the code skill's phase records (its debug log) for the task running."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.rows: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        row = getattr(record, "phase", None)
        if isinstance(row, dict):
            self.rows.append(row)

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows


def phase_line(rows: list[dict]) -> str:
    """One line per task: each phase of a function request (model turns, sandbox runs)."""
    parts = []
    for p in rows:
        if p["phase"] == "sandbox":
            parts.append(f"sandbox {p['s']:.2f}s({'pool' if p.get('pooled') else 'cold'})")
        else:
            parts.append(
                f"{p['phase']} {p['s']:.1f}s (first token {p.get('first_token_s')}s)"
                f" p{p.get('prompt_tokens')}"
                f"/r{p.get('reused_tokens')} c{p.get('completion_tokens')}"
            )
    spent = sum(p["s"] for p in rows)
    return f"phases {spent:.1f}s: " + (", ".join(parts) or "(none)")


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["dev", "heldout", "all"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--ids", default="", help="comma-separated task ids to run (of the split)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--report", type=Path)
    ap.add_argument("--skill-timeout", type=float, default=600.0)
    ap.add_argument("--only", choices=["council", "alone"], help="run one side only")
    ap.add_argument("--shard", default="1/1", help="I/N: every N-th task from the I-th")
    ap.add_argument(
        "--threads",
        type=int,
        default=0,
        help="LLM threads for both sides (0: the configured default); on an oversubscribed "
        "machine 1 thread is several times faster than 2",
    )
    ap.add_argument(
        "--phases",
        action="store_true",
        help="print where each council answer's time went (model turns, sandbox runs)",
    )
    args = ap.parse_args()
    rows = load_rows([HERE / "sets" / "function.jsonl"], args.split)
    if args.ids:
        wanted = set(args.ids.split(","))
        rows = [r for r in rows if r["id"] in wanted]
    if args.limit:
        rows = rows[: args.limit]
    i, n = (int(x) for x in args.shard.split("/"))
    rows = rows[i - 1 :: n]
    if args.threads:
        os.environ["COUNCIL_LLM__N_THREADS"] = str(args.threads)
    model = default_model_path()
    home = tempfile.mkdtemp(prefix="council-fn-")
    os.environ["COUNCIL_HOME"] = home
    # The model alone has no time limit; on a busy shared machine the router's 60 s would
    # cut the council short, so both get as long as they need (reported with the figures).
    os.environ.setdefault("COUNCIL_ROUTER__SKILL_TIMEOUT_S", str(args.skill_timeout))
    from council_core.approval import ApprovalChannel, decline_all
    from council_core.context import SkillContext
    from council_core.router import Council

    council = Council(SkillContext(approval=ApprovalChannel(decline_all)))
    llm = None
    if not args.no_baseline and args.only != "council":
        from llama_cpp import Llama

        threads = args.threads or os.cpu_count() or 2
        llm = Llama(
            model_path=model, n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False
        )
    phase_log = PhaseLog()
    fn_log = logging.getLogger("council.skills.code_function")
    fn_log.addHandler(phase_log)
    fn_log.setLevel(logging.DEBUG)
    results: dict[str, dict] = {}
    alone: dict[str, dict] = {}
    for r in rows:
        line = r["id"]
        if args.only != "alone":
            t0 = time.perf_counter()
            res = (await council.ask(r["prompt"], f"eval-{r['id']}")).to_dict()
            res["latency_ms"] = (time.perf_counter() - t0) * 1000
            res["phases"] = phase_log.take()
            results[r["id"]] = res
            ok = function_tasks.judged(r, res)
            line += (
                f" council {'PASS' if ok else 'fail'} {res['latency_ms'] / 1000:5.1f}s "
                f"{res.get('skill')} conf {res.get('confidence', 0):.2f} {res.get('notes')}"
                + (f" error {res['error']}" if res.get("error") else "")
                + f" load {os.getloadavg()[0]:.2f}"
            )
            if args.phases:
                line += "\n    " + phase_line(res["phases"])
        if llm is not None:
            t1 = time.perf_counter()
            out = llm.create_chat_completion(
                messages=[
                    {"role": "system", "content": function_tasks.BASELINE_PROMPT},
                    {"role": "user", "content": r["prompt"]},
                ],
                max_tokens=512,
                temperature=0.0,
            )
            a = {
                "answer": out["choices"][0]["message"]["content"] or "",
                "latency_ms": (time.perf_counter() - t1) * 1000,
            }
            alone[r["id"]] = a
            a_ok = function_tasks.judged(r, a)
            line += f" | alone {'PASS' if a_ok else 'fail'} {a['latency_ms'] / 1000:5.1f}s"
        print(line, flush=True)
    await council.aclose()

    def summary(res: dict[str, dict]) -> dict:
        oks = [bool(res[r["id"]].get("_hidden_ok")) for r in rows if r["id"] in res]
        lats = [res[r["id"]]["latency_ms"] for r in rows if r["id"] in res]
        return {
            "n": len(oks),
            "passed": sum(oks),
            "accuracy": sum(oks) / max(1, len(oks)),
            "p50_ms": pct(lats, 0.5),
            "p95_ms": pct(lats, 0.95),
        }

    report = {
        "split": args.split,
        "shard": args.shard,
        "threads": args.threads,
        "council": summary(results) if results else None,
        "model_alone": summary(alone) if alone else None,
        "integrity": function_tasks.integrity(rows, results),
    }
    print(json.dumps(report, indent=2))
    if args.report:
        args.report.write_text(
            json.dumps({**report, "council_results": results, "alone_results": alone}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
