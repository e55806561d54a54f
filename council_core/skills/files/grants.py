"""Permission controls for file actions.

Only folders the user granted (settings.files.granted, read-only or read-write) are listed,
read or changed. A path is resolved (symlinks, ``..``) before it is checked, so a link or a
``..`` that leads outside is refused. Hidden files, ~/.ssh, keyrings and the Council data dir
are never touched, even inside a grant.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from council_core.base.errors import PermissionDenied

Mode = Literal["ro", "rw"]

_NEVER = (
    ".ssh",
    ".gnupg",
    ".local/share/keyrings",
    ".password-store",
    ".mozilla",
    ".config/google-chrome",
    ".config/chromium",
)


@dataclass(frozen=True)
class Grant:
    root: Path
    mode: Mode


class Grants:
    def __init__(self, grants: list[Grant], protected: list[Path] | None = None) -> None:
        self.grants = [Grant(Path(os.path.realpath(g.root)), g.mode) for g in grants]
        home = Path(os.path.expanduser("~"))
        self.protected = [Path(os.path.realpath(home / p)) for p in _NEVER]
        self.protected += [Path(os.path.realpath(p)) for p in (protected or [])]

    @classmethod
    def from_settings(cls, granted: list[object], protected: list[Path]) -> Grants:
        out = []
        for g in granted:
            path = getattr(g, "path", None)
            mode: Mode = "rw" if getattr(g, "mode", "ro") == "rw" else "ro"
            if path:
                out.append(Grant(Path(os.path.expanduser(str(path))), mode))
        return cls(out, protected)

    def roots(self) -> list[Path]:
        return [g.root for g in self.grants]

    def grant_for(self, path: Path) -> Grant | None:
        best: Grant | None = None
        for g in self.grants:
            inside = path == g.root or g.root in path.parents
            if inside and (best is None or len(g.root.parts) > len(best.root.parts)):
                best = g
        return best

    def is_hidden_or_protected(self, real: Path, grant_root: Path) -> bool:
        for p in self.protected:
            if real == p or p in real.parents:
                return True
        rel = real.relative_to(grant_root) if real != grant_root else Path()
        return any(part.startswith(".") for part in rel.parts)

    def check(self, path: str | os.PathLike[str], need: Mode = "ro") -> Path:
        """The resolved path if allowed; else PermissionDenied naming the fix."""
        raw = os.fspath(path)
        if "\x00" in raw:
            raise PermissionDenied("a path with a NUL byte was refused", fix="name a real file")
        real = Path(os.path.realpath(os.path.expanduser(raw)))
        grant = self.grant_for(real)
        if grant is None:
            shown = raw.encode("utf-8", "backslashreplace").decode("utf-8")
            raise PermissionDenied(
                f"{shown!r} is outside the folders you granted",
                fix="grant the folder in Settings > Files (or: council files grant FOLDER)",
            )
        if self.is_hidden_or_protected(real, grant.root):
            raise PermissionDenied(
                f"{real} is hidden or protected and is never touched",
                fix="move the file to a visible folder you granted",
            )
        if need == "rw" and grant.mode != "rw":
            raise PermissionDenied(
                f"{grant.root} is granted read-only", fix="grant it read-write in Settings > Files"
            )
        return real
