"""The one approval channel of the core.

Anything that spends money or widens what generated code or a file plan may touch asks here
first. A front end answers: the GUI with a dialog, the CLI with a y/N prompt, ``batch`` and API
callers by policy (default: decline). Standing "always under a limit" grants are kept by the
channel so the user is not asked twice.
"""

from __future__ import annotations

import asyncio
import enum
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

ApprovalKind = Literal["cloud", "sandbox_paths", "code_run", "file_plan", "tool_call"]


class Choice(enum.Enum):
    APPROVE_ONCE = "once"
    APPROVE_ALWAYS = "always"  # always for this kind (and folder) under `limit_usd`
    DECLINE = "decline"


@dataclass
class ApprovalRequest:
    kind: ApprovalKind
    title: str  # one line: what will happen
    why: str  # why it is asked
    details: str = ""  # exact text leaving the machine, the code, the list of operations
    cost_usd: float | None = None
    remaining_budget_usd: float | None = None
    paths: list[str] = field(default_factory=list)
    scope: str = ""  # key for "always" grants: provider name, folder, ...
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every front end shows these: a file name or code with a newline or a terminal escape
        # must not add, hide or rewrite a line of what the user approves.
        from .base.textsafe import safe_path, safe_text

        self.title = safe_path(self.title)
        self.why = safe_path(self.why)
        self.details = safe_text(self.details)
        self.paths = [safe_path(p) for p in self.paths]


@dataclass
class Decision:
    choice: Choice
    limit_usd: float | None = None  # for APPROVE_ALWAYS on cloud requests
    mode: Literal["ro", "rw"] | None = None  # for path grants
    reason: str = ""

    @property
    def approved(self) -> bool:
        return self.choice is not Choice.DECLINE


Approver = Callable[[ApprovalRequest], Awaitable[Decision]]


async def decline_all(req: ApprovalRequest) -> Decision:
    """The default policy for batch and API callers."""
    return Decision(Choice.DECLINE, reason="declined by policy (non-interactive caller)")


async def approve_all(req: ApprovalRequest) -> Decision:
    """Policy for callers that explicitly opted in (e.g. `council batch --approve-all`)."""
    return Decision(Choice.APPROVE_ONCE, reason="approved by policy")


async def terminal_approver(req: ApprovalRequest) -> Decision:
    """Ask on the terminal; anything but y/yes/a/always declines. No tty: decline."""
    if not sys.stdin or not sys.stdin.isatty():
        return await decline_all(req)
    lines = [f"\n[approval needed] {req.title}", f"  why: {req.why}"]
    if req.cost_usd is not None:
        lines.append(f"  estimated cost: ${req.cost_usd:.4f}")
    if req.remaining_budget_usd is not None:
        lines.append(f"  budget left: ${req.remaining_budget_usd:.4f}")
    if req.paths:
        lines.append("  paths: " + ", ".join(req.paths))
    if req.details:
        lines.append("  ---\n" + "\n".join("  " + ln for ln in req.details.splitlines()))
    print("\n".join(lines), file=sys.stderr)
    answer = await asyncio.to_thread(input, "Approve? [y]es once / [a]lways / [N]o: ")
    answer = answer.strip().lower()
    if answer in ("a", "always"):
        return Decision(Choice.APPROVE_ALWAYS, limit_usd=req.cost_usd, reason="user: always")
    if answer in ("y", "yes"):
        return Decision(Choice.APPROVE_ONCE, reason="user: yes")
    return Decision(Choice.DECLINE, reason="user: no")


class ApprovalChannel:
    """Routes approval requests to the front end's approver, remembering standing grants."""

    def __init__(self, approver: Approver = decline_all) -> None:
        self.approver = approver
        # (kind, scope) -> limit in USD (None: no money involved, e.g. a folder grant)
        self._always: dict[tuple[str, str], float | None] = {}
        self._lock = asyncio.Lock()

    def grant_always(self, kind: str, scope: str, limit_usd: float | None = None) -> None:
        self._always[(kind, scope)] = limit_usd

    def revoke_all(self) -> None:
        self._always.clear()

    def _standing(self, req: ApprovalRequest) -> bool:
        key = (req.kind, req.scope)
        if key not in self._always:
            return False
        limit = self._always[key]
        if limit is None or req.cost_usd is None:
            return True
        return req.cost_usd <= limit

    async def request(self, req: ApprovalRequest) -> Decision:
        if self._standing(req):
            return Decision(Choice.APPROVE_ONCE, reason="standing approval")
        async with self._lock:  # one question at a time on the front end
            decision = await self.approver(req)
        if decision.choice is Choice.APPROVE_ALWAYS:
            self.grant_always(req.kind, req.scope, decision.limit_usd)
        return decision
