"""MCP client: does the tools skill pick the right tool of the user's MCP servers, and only then?

    python bench/bench_mcp_client.py [--split dev|heldout|all] [--no-args]

Real servers (mcp-server-time, mcp-server-git on a fresh repo at /tmp/proj) and the real local
model fill the arguments under each tool's JSON schema. The labelled set is
bench/eval/sets/mcp_tools.jsonl (30 prompts for a tool, 30 for none; dev/held-out halves).
Prints a table and writes bench/results/mcp_client.json. Targets: tool chosen correctly >= 90%,
0 invalid argument objects, p50 added latency <= 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SET = ROOT / "bench" / "eval" / "sets" / "mcp_tools.jsonl"
REPO = Path("/tmp/proj")


def make_repo() -> None:
    if (REPO / ".git").exists():
        return
    REPO.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="b",
        GIT_AUTHOR_EMAIL="b@x",
        GIT_COMMITTER_NAME="b",
        GIT_COMMITTER_EMAIL="b@x",
    )
    for i, msg in enumerate(["first", "add notes"]):
        (REPO / f"f{i}.txt").write_text(f"line {i}\n")
        subprocess.run(["git", "init", "-q"], cwd=REPO, check=True)
        subprocess.run(["git", "add", "."], cwd=REPO, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", msg], cwd=REPO, check=True, env=env)


async def run(split: str, with_args: bool) -> dict[str, Any]:
    os.environ.setdefault("COUNCIL_HOME", tempfile.mkdtemp(prefix="council-bench-"))
    from council_core.base.errors import CouncilError
    from council_core.context import SkillContext
    from council_core.settings import McpServerEntry
    from council_core.skill import Query
    from council_core.skills.tools import ToolsSkill

    make_repo()
    bindir = Path(sys.executable).parent
    ctx = SkillContext()
    ctx.settings.mcp.servers = [
        McpServerEntry(
            name="time", command=[str(bindir / "mcp-server-time"), "--local-timezone", "UTC"]
        ),
        McpServerEntry(name="git", command=[str(bindir / "mcp-server-git")]),
    ]
    skill = ToolsSkill(ctx)
    rows = [json.loads(x) for x in SET.read_text().splitlines() if x.strip()]
    if split != "all":
        rows = [r for r in rows if r["split"] == split]
    await skill._tools()  # start the servers once (not counted)
    await skill.choose("warm up the embedder")
    right = invalid = called_ok = 0
    lat: list[float] = []
    wrong: list[str] = []
    try:
        for r in rows:
            t0 = time.perf_counter()
            q = Query(r["prompt"])
            picked = None
            if skill.score(q) >= skill.threshold:
                got = await skill.choose(r["prompt"])
                picked = got[0].key if got else None
            ok = picked == r["tool"]
            right += ok
            if not ok:
                wrong.append(f"{r['prompt']!r}: want {r['tool']}, got {picked}")
            if ok and picked and with_args:
                tool = got[0]  # type: ignore[index]
                try:
                    args = await skill.arguments(tool, r["prompt"])
                    res = await skill._hub().call(tool, args)
                    called_ok += not res.is_error
                except CouncilError as exc:
                    invalid += "could not fill" in exc.message
                    wrong.append(f"{r['prompt']!r}: args: {exc.message[:120]}")
            if picked:
                lat.append((time.perf_counter() - t0) * 1000)
    finally:
        await ctx.aclose()
    n_tool = sum(1 for r in rows if r["tool"])
    return {
        "split": split,
        "prompts": len(rows),
        "tool_choice_accuracy": right / len(rows),
        "invalid_argument_objects": invalid,
        "calls_ok": called_ok,
        "tool_prompts": n_tool,
        "p50_added_ms": statistics.median(lat) if lat else 0.0,
        "threshold": ctx.settings.mcp.tool_match,
        "misses": wrong,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="all")
    ap.add_argument("--no-args", action="store_true")
    a = ap.parse_args()
    if not shutil.which("git"):
        sys.exit("git is needed")
    res = asyncio.run(run(a.split, not a.no_args))
    print("| figure | target | measured |\n|---|---|---|")
    print(
        f"| tool chosen correctly ({res['split']}, {res['prompts']}) | >= 90% | "
        f"{res['tool_choice_accuracy']:.1%} |"
    )
    print(f"| invalid argument objects | 0 | {res['invalid_argument_objects']} |")
    print(f"| tool calls answered | - | {res['calls_ok']} of {res['tool_prompts']} |")
    print(
        f"| p50 added latency (choice + arguments + call) | <= 1.5 s | "
        f"{res['p50_added_ms'] / 1000:.2f} s |"
    )
    for m in res["misses"]:
        print("  miss:", m)
    (ROOT / "bench" / "results" / f"mcp_client_{res['split']}.json").write_text(
        json.dumps(res, indent=2) + "\n"
    )
