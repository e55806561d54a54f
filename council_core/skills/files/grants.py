"""Permission controls for file actions.

Only folders the user granted (settings.files.granted, read-only or read-write) are listed,
read or changed. A path is resolved (symlinks, ``..``) before it is checked, so a link or a
``..`` that leads outside is refused. Hidden files and everything on the protected list
(``council_core.base.protected_paths``: keys, tokens, keyrings, browser profiles, system secrets,
Council's own folders) are never touched, even inside a grant. A grant the protected-paths
rule refuses (``/``, a system folder, a whole home, ``~/.ssh``...) is refused when it is made
and ignored, with a warning in ``council doctor``, when an older settings file holds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from council_core.base.errors import PermissionDenied
from council_core.base.logs import get_logger
from council_core.base.protected_paths import grant_refusal, protected_paths
from council_core.base.textsafe import safe_path

log = get_logger("files.grants")

Mode = Literal["ro", "rw"]


@dataclass(frozen=True)
class Grant:
    root: Path
    mode: Mode


class Grants:
    def __init__(self, grants: list[Grant], protected: list[Path] | None = None) -> None:
        extra = [os.fspath(p) for p in (protected or [])]
        self.protected = [Path(p) for p in protected_paths(extra)]
        self.grants: list[Grant] = []
        self.ignored: list[tuple[Path, str]] = []  # (folder, why): refused grants from settings
        for g in grants:
            why = grant_refusal(g.root, extra)
            if why is not None:
                log.warning("ignoring the grant of %s: %s", g.root, why)
                self.ignored.append((Path(g.root), why))
                continue
            self.grants.append(Grant(Path(os.path.realpath(g.root)), g.mode))

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
            raise PermissionDenied(
                f"{safe_path(raw)} is outside the folders you granted",
                fix="grant the folder in Settings > Files (or: council files grant FOLDER)",
            )
        if self.is_hidden_or_protected(real, grant.root):
            raise PermissionDenied(
                f"{safe_path(real)} is hidden or protected and is never touched",
                fix="move the file to a visible folder you granted",
            )
        if need == "rw" and grant.mode != "rw":
            raise PermissionDenied(
                f"{safe_path(grant.root)} is granted read-only",
                fix="grant it read-write in Settings > Files",
            )
        return real
