"""``ComponentStatus``: one line of ``council doctor`` (a component, ok or not, and its fix).

Every part of Council reports through it (skills, backends, memory, the sandbox), so it lives
on the ground floor.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ComponentStatus:
    """One line of `council doctor`."""

    name: str
    ok: bool
    detail: str = ""
    fix: str | None = None
    optional: bool = False
