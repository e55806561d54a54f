"""council eval: run the labelled prompt set (from a source checkout) and report."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "eval", help="run the evaluation set and report accuracy and latency", add_help=False
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    harness = Path(__file__).resolve().parents[2] / "bench" / "eval" / "harness.py"
    if not harness.exists():
        print(
            "error: the evaluation set ships with the source checkout (bench/eval/)",
            file=sys.stderr,
        )
        return 2
    spec = importlib.util.spec_from_file_location("council_eval_harness", harness)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main(args.rest))
