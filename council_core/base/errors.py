"""The one error hierarchy of Council.

::

    CouncilError
    ├── UserFacingError            a problem the user can fix; `.fix` says how
    │   ├── BadInput               malformed, hostile or too large input
    │   ├── NeedsKey               a cloud provider needs an API key
    │   ├── BackendUnavailable     a model/backend/engine is missing, down or loading
    │   ├── ComponentMissing       a system package or optional extra is not installed
    │   ├── BudgetExceeded         a paid request would pass a budget limit
    │   ├── ApprovalDeclined       the user (or the policy) said no
    │   ├── SandboxDenied          sandboxed code touched something it may not
    │   ├── PermissionDenied       a path outside the granted folders
    │   ├── SkillTimeout           a skill ran past its time limit
    │   └── StorageError           the data dir is full, read-only or corrupt
    ├── SkillDeclined              "not my kind of question": the router tries the next skill
    └── BugError                   an internal error: a bug in Council, never the user's fault

Library exceptions are converted at the boundary with ``raise ... from exc`` so callers never
see a ``PrologError`` or an ``httpx.ConnectError``.
"""

from __future__ import annotations

from typing import Any


class CouncilError(Exception):
    """Base of every error Council raises on purpose."""

    kind: str = "error"

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class UserFacingError(CouncilError):
    kind = "user_error"


class BadInput(UserFacingError):
    kind = "bad_input"


class NeedsKey(UserFacingError):
    kind = "needs_key"

    def __init__(self, provider: str, message: str | None = None) -> None:
        super().__init__(
            message or f"no API key for provider {provider!r}",
            fix=f"add a key in Settings, or run: council key set {provider}",
        )
        self.provider = provider


class BackendUnavailable(UserFacingError):
    kind = "backend_unavailable"


class ComponentMissing(UserFacingError):
    kind = "component_missing"


class BudgetExceeded(UserFacingError):
    kind = "budget_exceeded"


class ApprovalDeclined(UserFacingError):
    kind = "declined"


class SandboxDenied(UserFacingError):
    kind = "sandbox_denied"

    def __init__(
        self, message: str, *, fix: str | None = None, paths: list[str] | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.paths = paths or []


class PermissionDenied(UserFacingError):
    kind = "permission_denied"


class SkillTimeout(UserFacingError):
    kind = "timeout"


class StorageError(UserFacingError):
    kind = "storage_error"


class SkillDeclined(CouncilError):
    """Raised by a skill that finds the query is not for it; the router moves on."""

    kind = "declined_by_skill"


class BugError(CouncilError):
    """An internal error: a bug in Council."""

    kind = "internal"

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(
            message, fix=fix or "this is a bug in Council; the log in the data dir has details"
        )
