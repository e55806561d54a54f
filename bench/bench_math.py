"""Math through the whole Council router: warm latency, router overhead, cold CLI start.

    python bench/bench_math.py

Prints figure | target | measured and writes bench/results/math.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARITH = ["What is 17 * 23?", "0.1 + 0.2", "25% of 80% of 160", "what's 9 times 8", "2^64"]
# {k} changes every round so SymPy's cache cannot answer from memory.
SYMBOLIC = [
    "solve x^2 - {k}x + 6 = 0",
    "Find the derivative of f(x) = x³ + {k}x²",
    "solve 2x + 3 = {k}",
    "d/dx sin({k}x)*cos(x)",
]
HEAVY = ("torch", "faiss", "PySide6", "llama_cpp", "sentence_transformers", "sqlalchemy")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


async def warm_figures(n: int) -> dict[str, float]:
    from council_core.context import SkillContext
    from council_core.router import Council

    council = Council(SkillContext())  # every registered skill, as `council ask` builds it
    await council.warm(["math"])
    skill = council.skills["math"]
    arith, symb, overhead = [], [], []
    for i in range(n):
        for p in ARITH:
            r = await council.ask(p)
            assert r.ok and r.skill == "math", r
            arith.append(r.latency_ms)
        for p in SYMBOLIC:
            r = await council.ask(p.format(k=i + 7))
            assert r.ok and r.skill == "math", r
            symb.append(r.latency_ms)
    # Router overhead: the ask's latency minus the time inside the skill's answer().
    inner = skill.answer
    spent: list[float] = []

    async def timed(query, emit=None):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return await (inner(query, emit) if emit else inner(query))
        finally:
            spent.append(time.perf_counter() - t0)

    skill.answer = timed  # type: ignore[method-assign]
    for i in range(n):
        for p in ARITH + SYMBOLIC:
            spent.clear()
            r = await council.ask(p.format(k=i + 7))
            overhead.append(max(0.0, r.latency_ms - sum(spent) * 1000))
    await council.aclose()
    return {
        "arith_p50_ms": statistics.median(arith),
        "symbolic_p50_ms": statistics.median(symb),
        "router_overhead_p99_ms": pct(overhead, 99),
        "router_overhead_p50_ms": statistics.median(overhead),
    }


def cold_figures(runs: int) -> dict[str, float | str]:
    times = []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as home:
        env["COUNCIL_HOME"] = home
        cmd = [sys.executable, "-m", "council_core", "ask", "What is 17 * 23?"]
        for _ in range(runs):
            t0 = time.perf_counter()
            out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            assert out.stdout.strip() == "391", out.stderr
        probe = (
            "import sys, runpy\n"
            "sys.argv = ['council', 'ask', 'What is 17 * 23?']\n"
            "try:\n    runpy.run_module('council_core', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules), 'sympy' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
        )
    heavy = out.stdout.strip().splitlines()[-1]
    return {"cold_ask_median_s": statistics.median(times), "cold_heavy_imports": heavy}


def main() -> int:
    n = int(os.environ.get("BENCH_N", "40"))
    os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-"))
    warm = asyncio.run(warm_figures(n))
    cold = cold_figures(int(os.environ.get("BENCH_COLD_RUNS", "7")))
    rows = [
        ("warm arithmetic p50 (ms)", "<= 0.5", warm["arith_p50_ms"]),
        ("warm symbolic p50 (ms)", "<= 20", warm["symbolic_p50_ms"]),
        ("router overhead p99 (ms)", "<= 1", warm["router_overhead_p99_ms"]),
        ("cold `council ask` median (s)", "<= 0.8", cold["cold_ask_median_s"]),
    ]
    print(f"{'figure':<34} | {'target':<7} | measured")
    print("-" * 58)
    for name, target, value in rows:
        print(f"{name:<34} | {target:<7} | {value:.3f}")
    print(f"imports on the cold path: {cold['cold_heavy_imports']}")
    out = {**warm, **cold, "n": n}
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "math.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
