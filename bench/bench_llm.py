"""LLM benchmarks: the embedded default (Qwen2.5-Coder-1.5B Q4_K_M) on this machine.

    python bench/bench_llm.py            # speed figures (about a minute)
    python bench/bench_llm.py --eval     # + the general-knowledge set, per list, calibration
    python bench/bench_llm.py --tier smollm2-135m   # another tier

Figures: cold load, decode tokens/s, prompt reading tokens/s, the next turn's first token in a
10-turn conversation (KV cache reused) vs the same 10-turn prompt read fresh, and the Council's
overhead over calling llama.cpp directly on the same prompt (alternating, one run, same model
object, KV cache cleared before each). Writes bench/results/llm.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench" / "eval"))
os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-llm-"))

from council_core.llm import models  # noqa: E402
from council_core.llm.base import GenerationOptions, Message  # noqa: E402
from council_core.llm.llamacpp import LlamaCppBackend  # noqa: E402

SETS = REPO / "bench" / "eval" / "sets"
RESULTS = REPO / "bench" / "results"

TURNS = [
    ("Hi! I'm planning a trip to Lisbon.", None),
    ("What language do they speak there?", None),
    ("How do I say thank you?", None),
    ("What is the local currency?", None),
    ("Is it expensive compared to Paris?", None),
    ("Which month is warmest?", None),
    ("Name one famous dish.", None),
    ("What river runs through the city?", None),
    ("How far is Porto?", None),
    ("Remind me: which city am I visiting?", None),
]


async def first_token_s(backend: LlamaCppBackend, messages: list[Message]) -> float:
    t0 = time.perf_counter()
    stream = backend.stream_chat(messages, GenerationOptions(max_tokens=8, temperature=0))
    try:
        async for piece in stream:
            if piece.text:
                return time.perf_counter() - t0
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return time.perf_counter() - t0


async def speed(path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    loads = []
    for _ in range(2):
        b = LlamaCppBackend(path, n_ctx=4096)
        t0 = time.perf_counter()
        await asyncio.to_thread(b.load)
        loads.append(time.perf_counter() - t0)
        await b.aclose()
    out["load_s_first"] = loads[0]
    out["load_s"] = min(loads)
    b = LlamaCppBackend(path, n_ctx=4096)
    await asyncio.to_thread(b.load)
    # Decode: time between the first and the last of 128 tokens.
    msgs = [Message("user", "Write a long story about a lighthouse keeper.")]
    stamps = []
    async for p in b.stream_chat(msgs, GenerationOptions(max_tokens=128, temperature=0.7, seed=1)):
        stamps.append(time.perf_counter())
        if p.usage:
            n = p.usage.completion_tokens
    out["decode_tok_s"] = (n - 1) / (stamps[-2] - stamps[0]) if n > 2 else 0.0
    # Prompt reading: a ~500-token prompt, KV cleared.
    long = "The quick brown fox jumps over the lazy dog. " * 50
    await b.reset_cache()
    t0 = time.perf_counter()
    c = await b.chat([Message("user", long)], GenerationOptions(max_tokens=1, temperature=0))
    out["prefill_tok_s"] = c.usage.prompt_tokens / (time.perf_counter() - t0)
    # 10-turn conversation: answers produced by the model itself.
    convo = [Message("system", "You are a helpful assistant. Answer in one short sentence.")]
    for q, _ in TURNS[:9]:
        convo.append(Message("user", q))
        c = await b.chat(convo, GenerationOptions(max_tokens=40, temperature=0))
        convo.append(Message("assistant", c.text.strip()))
    final = [*convo, Message("user", TURNS[9][0])]
    out["ten_turn_prompt_tokens"] = len(b._fit_chat(final, 8))
    out["next_turn_first_token_s"] = await first_token_s(b, final)
    out["next_turn_reused_tokens"] = b.last_prompt_reused
    await b.reset_cache()
    out["fresh_ten_turn_first_token_s"] = await first_token_s(b, final)
    out["fresh_reused_tokens"] = b.last_prompt_reused
    out["overhead"] = await overhead(b)
    await b.aclose()
    return out


async def overhead(b: LlamaCppBackend, rounds: int = 3) -> dict[str, Any]:
    """The same question through Council (router + general skill) and through llama.cpp's
    own create_chat_completion, same model object, KV cleared before each, alternating."""
    from council_core.context import SkillContext
    from council_core.router import Council
    from council_core.skills.general import SYSTEM_PROMPT, GeneralSkill

    ctx = SkillContext()
    ctx.settings.llm.max_tokens = 64
    ctx.settings.llm.temperature = 0.0
    ctx.settings.memory.enabled = False

    class _Mgr:
        async def backend(self, purpose: str = "general", wait_s: float | None = None) -> Any:
            return b

        def status(self) -> dict[str, Any]:
            return {"loaded": True}

    ctx.provide("llm", _Mgr())
    council = Council(ctx, skills={"general": GeneralSkill}, hooks=[])
    q = "Explain in two sentences why the sky is blue."
    msgs = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": q}]
    direct, via, d_tok, c_tok = [], [], [], []
    for _ in range(rounds):
        await b.reset_cache()
        t0 = time.perf_counter()
        r = await b.run_on_model(
            lambda llm: llm.create_chat_completion(
                messages=msgs,
                max_tokens=64,
                temperature=0.0,
                repeat_penalty=b.options.repeat_penalty,
            )
        )
        direct.append(time.perf_counter() - t0)
        d_tok.append(r["usage"]["completion_tokens"])
        await b.reset_cache()
        t0 = time.perf_counter()
        res = await council.ask(q)
        via.append(time.perf_counter() - t0)
        c_tok.append(b.count_tokens(res.answer))
    d, c = statistics.median(direct), statistics.median(via)
    dpt = d / max(1, statistics.median(d_tok))
    cpt = c / max(1, statistics.median(c_tok))
    return {
        "direct_s": d,
        "council_s": c,
        "direct_tokens": statistics.median(d_tok),
        "council_tokens": statistics.median(c_tok),
        "overhead_pct_wall": 100 * (c - d) / d,
        "overhead_pct_per_token": 100 * (cpt - dpt) / dpt,
    }


# ----- the labelled set -----


def judge(expected: str, answer: str, how: str) -> bool:
    alts = expected.split("|")
    if how == "word":  # case-sensitive whole word (chemical symbols, Python names)
        return any(
            re.search(rf"(?<![A-Za-z0-9_]){re.escape(a)}(?![A-Za-z0-9_])", answer) for a in alts
        )
    if how == "exact":
        return answer.strip().strip(".").lower() in [a.lower() for a in alts]
    return any(a.lower() in answer.lower() for a in alts)


async def run_eval(path: Path, limit: int | None) -> dict[str, Any]:
    from council_core.context import SkillContext
    from council_core.skill import Query
    from council_core.skills.general import CONF_TOKENS, GeneralSkill

    rows = [json.loads(x) for x in (SETS / "general.jsonl").read_text().splitlines() if x]
    if limit:
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    ctx = SkillContext()
    ctx.settings.llm.max_tokens = 48
    ctx.settings.llm.temperature = 0.0
    ctx.settings.llm.model_path = str(path)
    ctx.settings.memory.enabled = False
    skill = GeneralSkill(ctx)
    recs = []
    t0 = time.perf_counter()
    for r in rows:
        ans = await skill.answer(Query(r["prompt"]))
        ok = judge(r["expected"], ans.answer, r["judge"])
        recs.append({**r, "answer": ans.answer, "ok": ok, "mean_lp": ans.data["mean_logprob"]})
    elapsed = time.perf_counter() - t0
    await ctx.aclose()
    per: dict[str, list[bool]] = defaultdict(list)
    for x in recs:
        per[x["list"]].append(x["ok"])
    fit = calibrate([x for x in recs if x["split"] == "dev"])
    held = [x for x in recs if x["split"] == "heldout"]
    table = reliability(held, fit)
    (RESULTS / "llm_eval_answers.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in recs), encoding="utf-8"
    )
    return {
        "n": len(recs),
        "accuracy": sum(x["ok"] for x in recs) / len(recs),
        "per_list": {k: {"n": len(v), "accuracy": sum(v) / len(v)} for k, v in per.items()},
        "seconds": elapsed,
        "calibration": {"A": fit[0], "B": fit[1], "conf_tokens": CONF_TOKENS},
        "reliability_heldout": table,
    }


def calibrate(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Logistic regression of correctness on the mean log-prob (Newton's method)."""
    xs = [r["mean_lp"] if r["mean_lp"] is not None else -5.0 for r in rows]
    ys = [1.0 if r["ok"] else 0.0 for r in rows]
    from fitting import logistic_fit

    return logistic_fit(xs, ys, ridge=1e-3, iters=50)


def reliability(rows: list[dict[str, Any]], fit: tuple[float, float]) -> list[dict[str, Any]]:
    bins = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)]
    out = []
    for lo, hi in bins:
        sel = []
        for r in rows:
            x = r["mean_lp"] if r["mean_lp"] is not None else -5.0
            p = 1 / (1 + math.exp(-(fit[0] + fit[1] * x)))
            if lo <= p < hi:
                sel.append((p, r["ok"]))
        out.append(
            {
                "bin": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                "n": len(sel),
                "mean_confidence": statistics.mean(p for p, _ in sel) if sel else None,
                "accuracy": statistics.mean(1.0 if ok else 0.0 for _, ok in sel) if sel else None,
            }
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tier", default=models.DEFAULT_TIER)
    ap.add_argument("--eval", action="store_true", help="run the labelled general set too")
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--limit", type=int, default=None, help="evaluate only N rows")
    args = ap.parse_args()
    t = models.tier(args.tier)
    path = models.model_path(t)
    if not path.is_file():
        print(f"model missing: council models install {t.name}", file=sys.stderr)
        return 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "llm.json" if t.name == models.DEFAULT_TIER else f"llm-{t.name}.json"
    res: dict[str, Any] = {}
    if (RESULTS / name).exists():  # keep the part of the figures this run does not redo
        res = json.loads((RESULTS / name).read_text(encoding="utf-8"))
    res.update({"tier": t.name, "cpus": os.cpu_count()})
    if not args.eval_only:
        res["speed"] = asyncio.run(speed(path))
    if args.eval or args.eval_only:
        res["eval"] = asyncio.run(run_eval(path, args.limit))
    (RESULTS / name).write_text(json.dumps(res, indent=2), encoding="utf-8")
    print_table(res)
    return 0


def print_table(res: dict[str, Any]) -> None:
    rows = []
    s = res.get("speed")
    if s:
        o = s["overhead"]
        rows += [
            (
                "cold load (first / best)",
                "<= 3 s",
                f"{s['load_s_first']:.2f} / {s['load_s']:.2f} s",
            ),
            ("decode", ">= 35 tok/s", f"{s['decode_tok_s']:.1f} tok/s"),
            ("prompt reading", "-", f"{s['prefill_tok_s']:.0f} tok/s"),
            (
                f"10-turn next-turn first token ({s['next_turn_reused_tokens']} of "
                f"{s['ten_turn_prompt_tokens']} tokens reused)",
                "<= 0.3 s",
                f"{s['next_turn_first_token_s']:.3f} s",
            ),
            (
                f"10-turn fresh prompt first token ({s['ten_turn_prompt_tokens']} tokens)",
                "<= 2 s",
                f"{s['fresh_ten_turn_first_token_s']:.3f} s",
            ),
            (
                "Council overhead vs llama.cpp direct (wall / per token)",
                "<= 5%",
                f"{o['overhead_pct_wall']:+.1f}% / {o['overhead_pct_per_token']:+.1f}% "
                f"({o['council_s']:.2f} s vs {o['direct_s']:.2f} s; "
                f"{o['council_tokens']:.0f} vs {o['direct_tokens']:.0f} tokens)",
            ),
        ]
    e = res.get("eval")
    if e:
        rows.append(
            (
                "general set accuracy (all lists)",
                ">= 80%",
                f"{100 * e['accuracy']:.1f}% of {e['n']}",
            )
        )
        for k, v in e["per_list"].items():
            rows.append((f"  {k}", "-", f"{100 * v['accuracy']:.1f}% of {v['n']}"))
        c = e["calibration"]
        rows.append(
            (
                "calibration (dev) conf = sigmoid(A + B*mean_lp)",
                "-",
                f"A={c['A']:.3f} B={c['B']:.3f}",
            )
        )
    w = max(len(r[0]) for r in rows) + 2
    print(f"{'figure':<{w}}{'target':<14}measured   [{res['tier']}, {res['cpus']} cores]")
    for f, tgt, m in rows:
        print(f"{f:<{w}}{tgt:<14}{m}")
    if e:
        print("\nreliability on the heldout split (bin | n | mean confidence | accuracy)")
        for b in e["reliability_heldout"]:
            mc = "-" if b["mean_confidence"] is None else f"{b['mean_confidence']:.2f}"
            ac = "-" if b["accuracy"] is None else f"{b['accuracy']:.2f}"
            print(f"  {b['bin']:<8} {b['n']:>4}  {mc:>5}  {ac:>5}")


if __name__ == "__main__":
    raise SystemExit(main())
