"""The "sandbox" service: a SafeExecutor configured from settings (``ctx.sandbox``)."""

from __future__ import annotations

from typing import Any

from .executor import SafeExecutor
from .policy import Grant, Limits


def limits_from(settings: Any) -> Limits:
    s = settings.sandbox
    return Limits(
        timeout_s=s.timeout_s,
        memory_mb=s.memory_mb,
        cpu_s=s.cpu_s,
        file_size_mb=s.file_size_mb,
        max_processes=s.max_processes,
        max_open_files=s.max_open_files,
        max_output_kb=s.max_output_kb,
    )


def build(ctx: Any) -> SafeExecutor:
    s = ctx.settings.sandbox
    grants = [Grant.make(g.path, g.mode) for g in s.granted]
    return SafeExecutor(
        ctx.paths.workspace_dir,
        ctx.paths.data_dir,
        limits=limits_from(ctx.settings),
        grants=grants,
        pool_size=s.pool_size,
    )
