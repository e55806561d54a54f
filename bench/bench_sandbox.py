"""Sandbox latency: print(1) bare firejail vs SafeExecutor without and with a warm pool, and 20
parallel runs. Figures are medians measured in this one run.

    python bench/bench_sandbox.py [--n 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.executor import SafeExecutor  # noqa: E402
from sandbox.policy import PYTHON  # noqa: E402


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=15)
    n = ap.parse_args().n
    tmp = Path(tempfile.mkdtemp(prefix="council-bench-"))
    ex = SafeExecutor(tmp / "data" / "workspaces", tmp / "data", pool_size=0)
    pol = ex.policy("bench")
    pol.prepare_workspace()
    bare_argv = pol.argv(ex.firejail, [PYTHON, "-I", "-c", "print(1)"])
    bare, nopool, warm = [], [], []
    for _ in range(n):  # interleaved, so machine noise hits all three alike
        t = time.perf_counter()
        out = subprocess.run(bare_argv, capture_output=True, env=pol.env(), cwd="/")
        bare.append(time.perf_counter() - t)
        assert out.stdout == b"1\n", out
        t = time.perf_counter()
        r = ex.run("python", "print(1)", "bench")
        nopool.append(time.perf_counter() - t)
        assert r.stdout == "1\n" and not r.pooled
    ex.pool.size = 2
    ex.warm("bench")
    for _ in range(n):
        ex.pool.wait_ready(pol)
        # A pooled sandbox is spawned at once but takes ~30-40 ms to finish booting (firejail
        # namespaces, the uid drop, the interpreter): "warm" is a pool whose sandboxes have
        # booted, as they have when the next request comes a moment after the last one.
        time.sleep(0.25)
        t = time.perf_counter()
        r = ex.run("python", "print(1)", "bench")
        warm.append(time.perf_counter() - t)
        assert r.stdout == "1\n" and r.pooled
    ex.pool.size = 0
    code = "import os; open('me', 'w').write(os.getcwd()); print(sorted(os.listdir('.')))"
    t = time.perf_counter()
    with ThreadPoolExecutor(20) as tp:
        results = list(tp.map(lambda i: ex.run("python", code, f"par{i}"), range(20)))
    par_s = time.perf_counter() - t
    isolated = all(r.ok and r.stdout.strip() == "['me']" for r in results) and all(
        (Path(r.workspace) / "me").read_text() == r.workspace for r in results
    )
    ex.close()
    fig = {
        "bare_firejail_ms": round(ms(bare), 1),
        "executor_no_pool_ms": round(ms(nopool), 1),
        "ratio_no_pool_vs_bare": round(ms(nopool) / ms(bare), 3),
        "executor_warm_pool_ms": round(ms(warm), 1),
        "parallel_20_s": round(par_s, 2),
        "parallel_20_isolated": isolated,
        "n": n,
        "uid_drop": r.uid is not None,
    }
    rows = [
        ("bare firejail, same flags, print(1)", "-", f"{fig['bare_firejail_ms']} ms"),
        (
            "SafeExecutor, no pool",
            "<= 1.15x bare",
            f"{fig['executor_no_pool_ms']} ms ({fig['ratio_no_pool_vs_bare']}x)",
        ),
        ("SafeExecutor, warm pool", "<= 15 ms", f"{fig['executor_warm_pool_ms']} ms"),
        (
            "20 parallel runs",
            "isolated, host fine",
            f"{fig['parallel_20_s']} s, isolated={isolated}",
        ),
    ]
    print("| figure | target | measured |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "sandbox.json").write_text(json.dumps(fig, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
