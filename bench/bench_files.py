"""Files skill benchmarks: first walk rate, search p95 over 100k files, undo of 1,000 moves.

python bench/bench_files.py [--files 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from council_core.skills.files.grants import Grant, Grants  # noqa: E402
from council_core.skills.files.index import FileIndex, Query  # noqa: E402
from council_core.skills.files.parse import parse  # noqa: E402
from council_core.skills.files.service import FileActions  # noqa: E402

WORDS = [
    "report",
    "taxes",
    "holiday",
    "invoice",
    "notes",
    "draft",
    "photo",
    "scan",
    "budget",
    "heron",
    "letter",
    "plan",
    "meeting",
    "todo",
    "backup",
    "music",
    "thesis",
    "cv",
]
EXTS = ["pdf", "txt", "md", "png", "jpg", "docx", "odt", "csv", "py", "mp3"]


def make_tree(root: Path, n: int) -> None:
    per_dir = 200
    for i in range(n):
        d = root / f"d{i // (per_dir * 50)}" / f"s{(i // per_dir) % 50}"
        if i % per_dir == 0:
            d.mkdir(parents=True, exist_ok=True)
        w = WORDS[i % len(WORDS)] + "-" + WORDS[(i * 7) % len(WORDS)]
        (d / f"{w}-{i}.{EXTS[i % len(EXTS)]}").touch()


def p(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "granted"
        make_tree(root, args.files)
        os.sync()
        idx = FileIndex([root])
        t0 = time.perf_counter()
        idx.refresh()
        walk_s = time.perf_counter() - t0
        rate = len(idx) / walk_s
        queries = [
            Query(words=["taxes"], exts={"pdf"}),
            Query(words=["heron", "notes"]),
            Query(words=[], exts={"mp3"}, after=time.time() - 3600),
            Query(words=["invoice-budget"]),
            Query(words=["thesis"], exts={"docx", "odt"}),
        ]
        lat = []
        for _ in range(8):
            for q in queries:
                t = time.perf_counter()
                idx.search(q, limit=50)
                lat.append((time.perf_counter() - t) * 1000)
        # Undo a 1,000-file reorganization.
        src, dst = Path(tmp) / "src", Path(tmp) / "dst"
        src.mkdir()
        dst.mkdir()
        for i in range(1000):
            (src / f"f{i:04d}.txt").write_bytes(os.urandom(2048))
        fa = FileActions(Grants([Grant(src, "rw"), Grant(dst, "rw")]), Path(tmp) / "data")
        plan = fa.plan(parse("move the txt files in src into dst"), "bench")
        t = time.perf_counter()
        fa.run(plan)
        run_s = time.perf_counter() - t
        t = time.perf_counter()
        _pid, restored, problems = fa.undo_last()
        undo_s = time.perf_counter() - t
        assert restored == 1000 and not problems
    rows = [
        (
            "first walk (files/s)",
            ">= 20,000",
            f"{rate:,.0f} ({len(idx):,} entries, {walk_s:.2f} s)",
        ),
        ("search p50 (ms)", "", f"{statistics.median(lat):.1f}"),
        ("search p95 (ms)", "<= 200", f"{p(lat, 0.95):.1f}"),
        ("run 1,000 moves (s)", "", f"{run_s:.2f}"),
        ("undo 1,000 moves, hashes checked (s)", "<= 2", f"{undo_s:.2f}"),
    ]
    print(f"{'figure':<40} {'target':<12} measured")
    for r in rows:
        print(f"{r[0]:<40} {r[1]:<12} {r[2]}")
    out = Path(__file__).parent / "results" / "files.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "walk_files_per_s": rate,
                "search_p50_ms": statistics.median(lat),
                "search_p95_ms": p(lat, 0.95),
                "undo_1000_s": undo_s,
                "run_1000_s": run_s,
                "files": len(idx),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
