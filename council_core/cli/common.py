"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def make_context(approver: Any = None) -> Any:
    from council_core.approval import ApprovalChannel, terminal_approver
    from council_core.base.logs import setup_logging
    from council_core.context import SkillContext

    ctx = SkillContext(approval=ApprovalChannel(approver or terminal_approver))
    setup_logging(ctx.paths.log_dir)
    return ctx


def make_council(approver: Any = None) -> Any:
    from council_core.router import Council

    return Council(make_context(approver))


def print_json(obj: Any) -> None:
    from council_core.base.textsafe import json_safe

    sys.stdout.write(json_safe(json.dumps(obj, ensure_ascii=False)) + "\n")
    sys.stdout.flush()


def print_error(err: Any) -> None:
    """err: ErrorInfo or CouncilError."""
    from council_core.base.textsafe import safe_text

    msg = f"error: {err.message}"
    if getattr(err, "fix", None):
        msg += f"\n  fix: {err.fix}"
    print(safe_text(msg), file=sys.stderr)


def format_footer(result: Any) -> str:
    bits = [result.skill or "none", f"{result.latency_ms:.1f} ms"]
    if result.confidence:
        bits.append(f"confidence {result.confidence:.2f}")
    if result.cost_usd:
        bits.append(f"${result.cost_usd:.4f}")
    if result.escalated:
        bits.append("cloud")
    return " · ".join(bits)


def format_sources(result: Any) -> str:
    from council_core.base.textsafe import safe_path

    lines = []
    for i, s in enumerate(result.sources, 1):
        loc = f" ({safe_path(s.locator)})" if s.locator else ""
        lines.append(f"  [{i}] {safe_path(s.path)}{loc}")
    return "\n".join(lines)
