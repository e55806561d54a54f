"""The "memory" service factory: ``ctx.memory`` is a ``MemoryStore`` on ``ctx.paths``."""

from __future__ import annotations

from typing import Any

from .store import MemoryStore


def build(ctx: Any) -> MemoryStore:
    s = ctx.settings.memory
    return MemoryStore(
        ctx.paths.db_file,
        ctx.paths.index_dir,
        cross_session_threshold=s.cross_session_threshold,
        recent_turns=s.recent_turns,
        context_tokens=s.context_tokens,
        recall_tokens=s.recall_tokens,
    )
