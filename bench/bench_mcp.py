"""MCP server overhead: a tool call over stdio (`council mcp`, the official SDK client) vs the
same tool called in-process.

    python bench/bench_mcp.py [--n 200]

The tool is `calculate` on "17*23" (SymPy, warm), so the difference is the protocol: JSON-RPC
framing, pipes, schema validation, logging and metrics. Prints a table and writes
bench/results/mcp.json. Target: overhead <= 5 ms at p50.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


async def main(n: int) -> dict[str, float]:
    os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-"))
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    from council_core.context import SkillContext
    from council_core.mcp.tools import CouncilTools
    from council_core.router import Council

    ctx = SkillContext()
    tools = CouncilTools(Council(ctx))
    await tools.calculate("17*23")
    local = []
    for _ in range(n):
        t0 = time.perf_counter()
        await tools.calculate("17*23")
        local.append((time.perf_counter() - t0) * 1000)
    await ctx.aclose()

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    params = StdioServerParameters(
        command="setsid", args=["-w", sys.executable, "-m", "council_core", "mcp"], env=env
    )
    remote = []
    async with Client(params, read_timeout_seconds=120) as c:
        for _ in range(5):
            await c.call_tool("calculate", {"expression": "17*23"})
        for _ in range(n):
            t0 = time.perf_counter()
            r = await c.call_tool("calculate", {"expression": "17*23"})
            remote.append((time.perf_counter() - t0) * 1000)
            assert not r.is_error and json.loads(r.content[0].text)["result"] == "391"
    return {
        "in_process_p50_ms": statistics.median(local),
        "stdio_p50_ms": statistics.median(remote),
        "stdio_p95_ms": pct(remote, 0.95),
        "overhead_p50_ms": statistics.median(remote) - statistics.median(local),
        "calls": n,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    res = asyncio.run(main(ap.parse_args().n))
    rows = [
        ("calculate in-process p50", "-", f"{res['in_process_p50_ms']:.3f} ms"),
        ("calculate over stdio p50", "-", f"{res['stdio_p50_ms']:.2f} ms"),
        ("calculate over stdio p95", "-", f"{res['stdio_p95_ms']:.2f} ms"),
        ("MCP overhead p50", "<= 5 ms", f"{res['overhead_p50_ms']:.2f} ms"),
    ]
    print("| figure | target | measured |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    out = ROOT / "bench" / "results" / "mcp.json"
    out.write_text(json.dumps(res, indent=2) + "\n")
