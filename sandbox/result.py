"""What one sandboxed run returns, and how its failures are named."""

from __future__ import annotations

import ast
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

# Exit statuses of a process killed by a signal, as firejail reports them (128 + signal).
_SIGNALS = {137: "killed (SIGKILL)", 152: "CPU time limit", 153: "file size limit"}


@dataclass
class DeniedPath:
    """A path outside the workspace the code tried to use and could not."""

    path: str
    write: bool = False
    secret: bool = False  # blacklisted for good: never offered as a grant

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ExecResult:
    language: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    duration_s: float = 0.0
    timed_out: bool = False
    killed_reason: str | None = None  # "timeout", "memory limit", "process limit", ...
    files: list[str] = field(default_factory=list)  # created or changed in the workspace
    denied: list[DeniedPath] = field(default_factory=list)
    truncated: bool = False
    workspace: str = ""
    pooled: bool = False
    uid: int | None = None
    removed: list[str] = field(default_factory=list)  # written past the disk quota, deleted

    @property
    def ok(self) -> bool:
        """Exited 0 and no limit stopped anything (a child killed by the run's memory limit
        makes the run fail even when the code's main process exits 0)."""
        return self.exit_code == 0 and not self.timed_out and not self.killed_reason

    @property
    def outcome(self) -> str:
        if self.timed_out:
            return "timeout"
        if self.denied and not self.ok:
            return "denied"
        if self.killed_reason:
            return "limit"
        return "ok" if self.exit_code == 0 else "error"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["outcome"] = self.outcome
        d["duration_s"] = round(self.duration_s, 4)
        return d


def limit_reason(exit_code: int, stderr: str) -> str | None:
    """Name the limit that stopped the code, if one did."""
    tail = stderr[-4000:]
    if "MemoryError" in tail or "Cannot allocate memory" in tail:
        return "memory limit"
    if "File too large" in tail or exit_code == 153:
        return "file size limit"
    if "Resource temporarily unavailable" in tail and (
        "fork" in tail or "BlockingIOError" in tail or "Popen" in tail
    ):
        return "process limit"
    if "Too many open files" in tail:
        return "open files limit"
    return _SIGNALS.get(exit_code)


_PY_ERR = re.compile(
    r"(PermissionError|FileNotFoundError|IsADirectoryError|OSError|NotADirectoryError)"
    r": \[Errno (\d+)\] [^:\n]+: '(/[^'\n]+)'"
)
_SH_ERR = re.compile(
    r"(?m)(/[^\s:'\"]+)(?:'|\")?: (Permission denied|No such file or directory|Read-only file system)"
)


def split_report(stderr: str, nonce: str) -> tuple[str, dict[str, Any] | None]:
    """Cut the bootstrap's report line off stderr."""
    marker = "\n\x1e" + nonce + " "
    i = stderr.rfind(marker)
    if i < 0:
        return stderr, None
    line = stderr[i + len(marker) :].split("\n", 1)[0]
    try:
        report = ast.literal_eval(line)
    except (ValueError, SyntaxError):
        report = None
    return stderr[:i], report if isinstance(report, dict) else None


def parse_seen(raw: Any) -> list[Any]:
    """The paths the code's process could not open, as the bootstrap passed them on (a string
    written by that process: parsed here, checked for shape, never trusted beyond hints)."""
    if not isinstance(raw, str) or not raw:
        return []
    try:
        items = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    if not isinstance(items, list):
        return []
    return [
        (p, bool(w))
        for it in items[:200]
        if isinstance(it, (list, tuple)) and len(it) == 2
        for p, w in [it]
        if isinstance(p, str)
    ]


def denied_paths(
    stderr: str, seen: list[Any], workspace: str, secret_paths: list[str]
) -> list[DeniedPath]:
    """Paths outside the workspace that failed inside the sandbox but exist on the host."""
    found: dict[str, bool] = {}
    for p, w in seen:
        if isinstance(p, str):
            found[p] = found.get(p, False) or bool(w)
    for m in _PY_ERR.finditer(stderr):
        found.setdefault(m.group(3), m.group(2) == "30")
    for m in _SH_ERR.finditer(stderr):
        found.setdefault(m.group(1), m.group(2) == "Read-only file system")
    out = []
    ws = workspace.rstrip("/") + "/"
    for p, w in found.items():
        p = os.path.normpath(p)
        if p.startswith(ws) or p == ws[:-1] or p.startswith(("/proc/", "/dev/", "/sys/")):
            continue
        target = p if os.path.lexists(p) else os.path.dirname(p) if w else ""
        if not target or not os.path.lexists(target):
            continue  # missing on the host too: a plain mistake, not a denial
        secret = any(p == s or p.startswith(s.rstrip("/") + "/") for s in secret_paths)
        out.append(DeniedPath(p, w, secret))
    return out
