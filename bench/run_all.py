"""Run every benchmark in bench/ and print one table (figure | target | measured).

    python bench/run_all.py [--only math,files] [--skip llm]

Each bench_<area>.py prints its own table and writes bench/results/<area>.json; this runs them
one after another (the machine has 2 cores: never in parallel) and gathers the tables.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated areas")
    ap.add_argument("--skip", help="comma-separated areas")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    skip = set(args.skip.split(",")) if args.skip else set()
    failed = []
    tables = []
    for script in sorted(HERE.glob("bench_*.py")):
        area = script.stem.removeprefix("bench_")
        if (only and area not in only) or area in skip:
            continue
        print(f"== {area}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=HERE.parent
        )
        took = time.perf_counter() - t0
        if proc.returncode != 0:
            failed.append(area)
            tables.append(f"## {area}: FAILED (exit {proc.returncode})\n{proc.stderr[-1500:]}")
        else:
            tables.append(f"## {area} ({took:.0f} s)\n{proc.stdout.strip()}")
    print("\n\n".join(tables))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
