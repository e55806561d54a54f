"""Cloud escalation bench: local-only vs local + cloud on a labelled mixed prompt set.

The "provider" is a real model served on 127.0.0.1 through the OpenAI API by llama.cpp's
server (``python -m llama_cpp.server``, the ``[server]`` extra) and priced by the settings'
endpoint table, so escalation, approval (an auto-approve rule), the ledger and the cost
figures are all real; only the price is a stand-in (gpt-4o-mini's list price by default).

The local council is every skill the registry loads except ``general`` (math, logic, ... once
they are merged), plus a bench general skill: a small local model (SmolLM2-135M by default) on
a second loopback llama.cpp server, free, with confidence = geometric mean token probability
from its log-probabilities. Below ``--threshold`` the council escalates.

Without llama.cpp's server or the model files it falls back to the project's loopback test
server (``tests/helpers/openai_server.py``) for both: the figures then measure only plumbing
and cost accounting, and the JSON says so (``"mode": "test-server"``).

    python bench/bench_cloud.py [--threshold 0.6] [--provider-model PATH] [--local-model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# ----- the labelled prompt set: fixed enumerations, not hand-picked questions -----

CAPITALS = {
    "France": "Paris",
    "Germany": "Berlin",
    "Italy": "Rome",
    "Spain": "Madrid",
    "Japan": "Tokyo",
    "Egypt": "Cairo",
    "Canada": "Ottawa",
    "Australia": "Canberra",
    "Kenya": "Nairobi",
    "Peru": "Lima",
    "Norway": "Oslo",
    "Poland": "Warsaw",
}
SYMBOLS = {
    "hydrogen": "H",
    "helium": "He",
    "carbon": "C",
    "nitrogen": "N",
    "oxygen": "O",
    "sodium": "Na",
    "iron": "Fe",
    "copper": "Cu",
    "silver": "Ag",
    "gold": "Au",
    "lead": "Pb",
    "potassium": "K",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
PRODUCTS = [
    (7, 8),
    (12, 11),
    (17, 23),
    (9, 9),
    (25, 4),
    (13, 7),
    (6, 14),
    (19, 3),
    (21, 5),
    (8, 12),
    (15, 15),
    (11, 11),
]


def prompt_set() -> list[dict[str, str]]:
    items = []
    for country, city in CAPITALS.items():
        items.append(
            {"kind": "capital", "prompt": f"What is the capital of {country}?", "expect": city}
        )
    for name, sym in SYMBOLS.items():
        items.append(
            {"kind": "symbol", "prompt": f"What is the chemical symbol of {name}?", "expect": sym}
        )
    for i, m in enumerate(MONTHS):
        items.append(
            {
                "kind": "month",
                "prompt": f"Which month comes after {m}?",
                "expect": MONTHS[(i + 1) % 12],
            }
        )
    for a, b in PRODUCTS:
        items.append({"kind": "arithmetic", "prompt": f"What is {a} * {b}?", "expect": str(a * b)})
    return items


def correct(answer: str, expect: str) -> bool:
    if len(expect) <= 2:  # chemical symbols: case-sensitive whole word
        return re.search(rf"(?<![A-Za-z]){re.escape(expect)}(?![a-z])", answer) is not None
    return re.search(rf"\b{re.escape(expect)}\b", answer, re.IGNORECASE) is not None


# ----- servers -----


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_llama_server(model: Path, alias: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        alias,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--verbose",
        "false",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server for {model.name} exited ({proc.returncode})")
        try:
            if httpx.get(url + "/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.kill()
    raise RuntimeError(f"llama_cpp.server for {model.name} did not start")


def have_llama_server() -> bool:
    try:
        import fastapi  # noqa: F401
        import llama_cpp  # noqa: F401
        import sse_starlette  # noqa: F401
        import starlette_context  # noqa: F401
    except ImportError:
        return False
    return True


# ----- the bench general skill -----


def make_general(base_url: str, threshold: float) -> Any:
    from council_core.base.errors import SkillDeclined
    from council_core.base.result import SkillAnswer
    from council_core.llm.base import GenerationOptions, Message
    from council_core.llm.openai_compat import OpenAIBackend
    from council_core.skill import Skill

    class BenchGeneral(Skill):
        """A local LLM on loopback; confidence from its token log-probabilities."""

        name = "general"
        is_fallback = True
        confident_at = threshold

        def __init__(self, ctx: Any) -> None:
            super().__init__(ctx)
            self.backend = OpenAIBackend("local", base_url, "local", timeout_s=60)

        def score(self, query: Any) -> float:
            return 0.1

        async def answer(self, query: Any, emit: Any = None) -> Any:
            msgs = [
                Message("system", "Answer with the final answer first, in a few words."),
                Message("user", query.text),
            ]
            c = await self.backend.chat(
                msgs, GenerationOptions(max_tokens=24, temperature=0.0, logprobs=True, seed=1)
            )
            if not c.text.strip():
                raise SkillDeclined("empty answer")
            lps = c.logprobs or []
            conf = math.exp(sum(lps) / len(lps)) if lps else 0.0
            return SkillAnswer(c.text.strip(), confidence=conf)

        async def aclose(self) -> None:
            await self.backend.aclose()

    return BenchGeneral


# ----- runs -----


async def run_set(
    council: Any, items: list[dict[str, str]], *, no_cloud: bool
) -> list[dict[str, Any]]:
    out = []
    for it in items:
        t0 = time.perf_counter()
        r = await council.ask(it["prompt"], "bench", no_cloud=no_cloud)
        out.append(
            {
                **it,
                "answer": r.answer,
                "skill": r.skill,
                "confidence": r.confidence,
                "escalated": r.escalated,
                "cost_usd": r.cost_usd,
                "ok": correct(r.answer, it["expect"]),
                "error": r.error.kind if r.error else None,
                "notes": r.notes,
                "latency_s": time.perf_counter() - t0,
            }
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cache = Path(os.environ.get("COUNCIL_MODEL_CACHE", Path.home() / ".cache/council/models"))
    ap.add_argument("--threshold", type=float, default=0.6, help="escalate below this confidence")
    ap.add_argument("--local-model", type=Path, default=cache / "SmolLM2-135M-Instruct.Q4_1.gguf")
    ap.add_argument(
        "--provider-model", type=Path, default=cache / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    )
    ap.add_argument("--price-in", type=float, default=0.00015, help="USD per 1k prompt tokens")
    ap.add_argument("--price-out", type=float, default=0.0006, help="USD per 1k output tokens")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N prompts")
    args = ap.parse_args()

    home = tempfile.mkdtemp(prefix="council-bench-cloud-")
    os.environ["COUNCIL_HOME"] = home
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ["COUNCIL_STANDIN_API_KEY"] = "sk-bench-standin-key-000000"

    procs: list[subprocess.Popen[bytes]] = []
    test_servers: list[Any] = []
    mode = "llama.cpp"
    try:
        if have_llama_server() and args.local_model.exists() and args.provider_model.exists():
            p1, local_url = start_llama_server(args.local_model, "local")
            p2, provider_url = start_llama_server(args.provider_model, "standin")
            procs += [p1, p2]
            local_name, provider_name = args.local_model.name, args.provider_model.name
        else:
            from tests.helpers.openai_server import OpenAIServer

            mode = "test-server"
            local = OpenAIServer("I am not sure").start()
            local.token_logprob = -1.0
            provider = OpenAIServer("a fixed test-server answer").start()
            test_servers += [local, provider]
            local_url, provider_url = local.base_url, provider.base_url
            local_name = provider_name = "tests/helpers/openai_server.py"
        result = asyncio.run(bench(args, local_url, provider_url))
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for s in test_servers:
            s.stop()
    result.update(mode=mode, local_model=local_name, provider_model=provider_name)
    report(result)
    return 0


async def bench(args: argparse.Namespace, local_url: str, provider_url: str) -> dict[str, Any]:
    from council_core.approval import ApprovalChannel, decline_all
    from council_core.context import SkillContext
    from council_core.hooks.escalate import CloudEscalation
    from council_core.registry import skill_classes
    from council_core.router import Council
    from council_core.settings import OpenAIEndpoint

    items = prompt_set()
    if args.limit:
        items = items[: args.limit]
    ctx = SkillContext(approval=ApprovalChannel(decline_all))  # only the auto-approve rule pays
    s = ctx.settings
    s.llm.endpoints = [
        OpenAIEndpoint(
            name="standin",
            base_url=provider_url,
            model="standin",
            price_in_per_1k=args.price_in,
            price_out_per_1k=args.price_out,
            timeout_s=120,
        )
    ]
    s.cloud.provider = "standin"
    s.cloud.confidence_threshold = args.threshold
    s.cloud.max_output_tokens = 32
    s.llm.temperature = 0.0
    s.budget.daily_usd = 1.0
    s.budget.auto_approve_per_request_usd = 0.01
    import logging

    for name in ("council", "council_core.registry"):
        logging.getLogger(name).setLevel(logging.ERROR)
    skills = {n: c for n, c in skill_classes().items() if n != "general"}
    skills["general"] = make_general(local_url, args.threshold)
    council = Council(ctx, skills=skills, hooks=[CloudEscalation(ctx)])
    try:
        t0 = time.perf_counter()
        local_only = await run_set(council, items, no_cloud=True)
        t_local = time.perf_counter() - t0
        t0 = time.perf_counter()
        with_cloud = await run_set(council, items, no_cloud=False)
        t_cloud = time.perf_counter() - t0
        spend = ctx.service("cloud").spend()
        rows = ctx.service("cloud").ledger.recent(1000)
    finally:
        await council.aclose()
    return summarize(items, local_only, with_cloud, spend.day_usd, rows, t_local, t_cloud, args)


def summarize(
    items: list[dict[str, str]],
    local_only: list[dict[str, Any]],
    with_cloud: list[dict[str, Any]],
    spent: float,
    rows: list[Any],
    t_local: float,
    t_cloud: float,
    args: argparse.Namespace,
) -> dict[str, Any]:
    n = len(items)
    esc = [r for r in with_cloud if r["escalated"]]
    # An escalation is "correct" when the local answer it replaced was wrong.
    local_by_prompt = {r["prompt"]: r for r in local_only}
    local_wrong = {r["prompt"] for r in local_only if not r["ok"]}
    esc_right = [r for r in esc if r["prompt"] in local_wrong]
    wrong_caught = len([p for p in local_wrong if any(r["prompt"] == p for r in esc)])
    per_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({it["kind"] for it in items}):
        lo = [r for r in local_only if r["kind"] == kind]
        wc = [r for r in with_cloud if r["kind"] == kind]
        per_kind[kind] = {
            "n": len(lo),
            "local_only_accuracy": sum(r["ok"] for r in lo) / len(lo),
            "with_cloud_accuracy": sum(r["ok"] for r in wc) / len(wc),
            "escalated": sum(r["escalated"] for r in wc),
        }
    settled = [r for r in rows if r.state == "settled"]
    # What other thresholds would have done, from the local run's confidences (local side
    # only: which prompts would escalate; the provider is not called again).
    sweep = []
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        up = [r for r in local_only if r["confidence"] < t]
        sweep.append(
            {
                "threshold": t,
                "share_local": 1 - len(up) / n,
                "escalation_precision": (sum(not r["ok"] for r in up) / len(up)) if up else None,
                "escalation_recall": (
                    sum(not r["ok"] for r in up) / len(local_wrong) if local_wrong else None
                ),
            }
        )
    return {
        "n": n,
        "threshold": args.threshold,
        "price_in_per_1k": args.price_in,
        "price_out_per_1k": args.price_out,
        "local_only_accuracy": sum(r["ok"] for r in local_only) / n,
        "with_cloud_accuracy": sum(r["ok"] for r in with_cloud) / n,
        "share_answered_locally": 1 - len(esc) / n,
        "escalations": len(esc),
        "escalation_precision": (len(esc_right) / len(esc)) if esc else None,
        "wrong_local_answers": len(local_wrong),
        "wrong_local_caught": wrong_caught,
        "escalation_recall": (wrong_caught / len(local_wrong)) if local_wrong else None,
        "cost_per_100_usd": spent / n * 100,
        "ledger_spent_usd": spent,
        "sum_result_cost_usd": sum(r["cost_usd"] for r in with_cloud),
        "ledger_rows_settled": len(settled),
        "ledger_rows_other": len(rows) - len(settled),
        "mean_latency_local_s": t_local / n,
        "mean_latency_with_cloud_s": t_cloud / n,
        "mean_latency_escalated_s": (sum(r["latency_s"] for r in esc) / len(esc)) if esc else None,
        "per_kind": per_kind,
        "threshold_sweep": sweep,
        "local_skills": sorted({r["skill"] or "none" for r in local_only}),
        "samples": [
            {
                "prompt": r["prompt"],
                "local": local_by_prompt[r["prompt"]]["answer"][:60],
                "local_conf": round(local_by_prompt[r["prompt"]]["confidence"], 3),
                "final": r["answer"][:60],
                "escalated": r["escalated"],
                "ok": r["ok"],
            }
            for r in with_cloud
        ],
    }


def report(res: dict[str, Any]) -> None:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{100 * x:.1f}%"

    rows = [
        ("mode / provider stand-in", "", f"{res['mode']}: {res['provider_model']}"),
        ("local model", "", res["local_model"]),
        ("prompts", "", str(res["n"])),
        ("share answered locally", "94% (seed)", pct(res["share_answered_locally"])),
        ("escalations", "", str(res["escalations"])),
        (
            "escalations that replaced a wrong local answer",
            "high",
            pct(res["escalation_precision"]),
        ),
        ("wrong local answers escalated (recall)", "high", pct(res["escalation_recall"])),
        ("accuracy local-only", "", pct(res["local_only_accuracy"])),
        ("accuracy local + cloud", "> local-only", pct(res["with_cloud_accuracy"])),
        ("cost per 100 requests (USD)", "$0.04 (seed)", f"${res['cost_per_100_usd']:.4f}"),
        ("cost per 100 requests, local-only", "", "$0.0000"),
        (
            "ledger spent == sum of result costs",
            "equal",
            f"${res['ledger_spent_usd']:.6f} / ${res['sum_result_cost_usd']:.6f}",
        ),
        ("mean latency local-only (s)", "", f"{res['mean_latency_local_s']:.3f}"),
        ("mean latency with cloud (s)", "", f"{res['mean_latency_with_cloud_s']:.3f}"),
    ]
    w = max(len(r[0]) for r in rows)
    print(f"{'figure':<{w}} | {'target':<14} | measured")
    print("-" * (w + 40))
    for name, target, value in rows:
        print(f"{name:<{w}} | {target:<14} | {value}")
    print()
    for kind, k in res["per_kind"].items():
        print(
            f"  {kind:<11} n={k['n']:<3} local {100 * k['local_only_accuracy']:5.1f}%  "
            f"with cloud {100 * k['with_cloud_accuracy']:5.1f}%  escalated {k['escalated']}"
        )
    print("\n  threshold sweep (local confidences; which prompts would escalate):")
    for sw in res["threshold_sweep"]:
        print(
            f"  < {sw['threshold']:.1f}: local {pct(sw['share_local']):>6}  "
            f"precision {pct(sw['escalation_precision']):>6}  recall {pct(sw['escalation_recall']):>6}"
        )
    out = ROOT / "bench" / "results" / "cloud.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    raise SystemExit(main())
