"""The "sandbox" service: a SafeExecutor configured from settings (``ctx.sandbox``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
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
        workspace_mb=s.workspace_mb,
    )


def _traversable(path: Path) -> bool:
    """True when every existing ancestor lets other users through (the x bit for others)."""
    for p in [path, *path.parents]:
        try:
            if not os.stat(p).st_mode & 0o001:
                return False
        except FileNotFoundError:
            continue
    return True


def workspace_root(data_dir: Path, workspace_dir: Path) -> Path:
    """Where workspaces live. As root, code runs as an unprivileged uid that cannot pass
    through /root (mode 700): the workspaces then live under /var/lib/council-sandbox/<id>,
    one folder per data dir, traversable but not listable by others."""
    if os.geteuid() != 0 or _traversable(workspace_dir.parent):
        return workspace_dir
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    base = Path("/var/lib/council-sandbox")
    root = base / tag
    for d in (base, root):
        d.mkdir(mode=0o711, exist_ok=True)
        os.chmod(d, 0o711)
    return root / "workspaces"


def build(ctx: Any) -> SafeExecutor:
    s = ctx.settings.sandbox
    grants = [Grant.make(g.path, g.mode) for g in s.granted]
    return SafeExecutor(
        workspace_root(ctx.paths.data_dir, ctx.paths.workspace_dir),
        ctx.paths.data_dir,
        limits=limits_from(ctx.settings),
        grants=grants,
        pool_size=s.pool_size,
    )
