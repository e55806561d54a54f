"""A cached listing of the granted folders, for fast name/type/size/date search.

The first walk uses ``os.scandir`` (no stat of directories twice); later searches reuse the
listing and rescan only directories whose mtime changed (a file added, removed or renamed
changes its parent's mtime). Ignore files (``.gitignore`` / ``.councilignore``) are honoured
with gitignore-style patterns, hidden entries are skipped.
"""

from __future__ import annotations

import fnmatch
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILES = (".gitignore", ".councilignore")


@dataclass(slots=True)
class Entry:
    path: str
    name: str  # lower-case
    ext: str  # lower-case, without dot
    size: int
    mtime: float
    is_dir: bool


@dataclass
class Query:
    words: list[str]
    exts: set[str] | None = None
    after: float | None = None
    before: float | None = None
    min_size: int | None = None
    under: list[str] | None = None
    dirs: bool = False


class _Ignore:
    def __init__(self, patterns: list[str]) -> None:
        self.patterns = [p.rstrip("/") for p in patterns if p and not p.startswith("#")]

    @classmethod
    def read(cls, folder: str) -> _Ignore | None:
        pats: list[str] = []
        for name in IGNORE_FILES:
            try:
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                    pats += [ln.strip() for ln in f]
            except OSError:
                continue
        return cls(pats) if pats else None

    def match(self, rel: str, name: str) -> bool:
        for p in self.patterns:
            neg = p.startswith("!")
            if neg:
                continue
            pat = p.lstrip("/")
            if fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat):
                return True
        return False


class FileIndex:
    def __init__(self, roots: list[Path]) -> None:
        self.roots = [str(r) for r in roots]
        self._dirs: dict[str, tuple[float, list[Entry]]] = {}
        self._ignores: dict[str, list[tuple[str, _Ignore]]] = {}
        self._lock = threading.Lock()
        self.walked_at: float | None = None
        self.last_walk_files = 0
        self.last_walk_s = 0.0

    # ----- walking -----

    def _scan_dir(
        self, d: str, ignores: list[tuple[str, _Ignore]]
    ) -> tuple[list[Entry], list[str]]:
        entries: list[Entry] = []
        subdirs: list[str] = []
        try:
            it = os.scandir(d)
        except OSError:
            return entries, subdirs
        with it:
            for de in it:
                name = de.name
                if name.startswith("."):
                    continue
                ignored = False
                for base, ign in ignores:
                    rel = os.path.relpath(de.path, base)
                    if ign.match(rel, name):
                        ignored = True
                        break
                if ignored:
                    continue
                try:
                    is_dir = de.is_dir(follow_symlinks=False)
                    st = de.stat(follow_symlinks=False)
                except OSError:
                    continue
                if de.is_symlink():
                    continue  # links are never followed: they may lead outside a grant
                low = name.lower()
                ext = low.rsplit(".", 1)[1] if "." in low[1:] else ""
                entries.append(Entry(de.path, low, ext, st.st_size, st.st_mtime, is_dir))
                if is_dir:
                    subdirs.append(de.path)
        return entries, subdirs

    def _walk(self, root: str, inherited: list[tuple[str, _Ignore]]) -> int:
        count = 0
        stack: list[tuple[str, list[tuple[str, _Ignore]]]] = [(root, inherited)]
        while stack:
            d, ignores = stack.pop()
            ign = _Ignore.read(d)
            if ign is not None:
                ignores = [*ignores, (d, ign)]
            try:
                mtime = os.stat(d).st_mtime
            except OSError:
                continue
            entries, subdirs = self._scan_dir(d, ignores)
            self._dirs[d] = (mtime, entries)
            self._ignores[d] = ignores
            count += len(entries)
            stack.extend((s, ignores) for s in subdirs)
        return count

    def refresh(self) -> None:
        """First call walks everything; later calls rescan changed directories only."""
        with self._lock:
            t0 = time.perf_counter()
            if self.walked_at is None:
                n = 0
                for r in self.roots:
                    if os.path.isdir(r):
                        n += self._walk(r, [])
                self.last_walk_files = n
                self.last_walk_s = time.perf_counter() - t0
            else:
                for d, (mtime, _entries) in list(self._dirs.items()):
                    try:
                        now = os.stat(d).st_mtime
                    except OSError:
                        self._forget_tree(d)
                        continue
                    if now != mtime:
                        # Rescan this directory; new subdirectories are walked fully.
                        old = {e.path for e in self._dirs[d][1] if e.is_dir}
                        ignores = self._ignores.get(d, [])
                        entries, subdirs = self._scan_dir(d, ignores)
                        self._dirs[d] = (now, entries)
                        for s in subdirs:
                            if s not in old or s not in self._dirs:
                                self._walk(s, ignores)
                        for gone in old - set(subdirs):
                            self._forget_tree(gone)
            self.walked_at = time.time()

    def _forget_tree(self, d: str) -> None:
        prefix = d.rstrip(os.sep) + os.sep
        for k in [k for k in self._dirs if k == d or k.startswith(prefix)]:
            self._dirs.pop(k, None)
            self._ignores.pop(k, None)

    def entries(self) -> Iterable[Entry]:
        for _mtime, entries in self._dirs.values():
            yield from entries

    def __len__(self) -> int:
        return sum(len(e) for _m, e in self._dirs.values())

    # ----- searching -----

    def search(self, q: Query, limit: int = 50) -> list[Entry]:
        self.refresh()
        words = [w.lower() for w in q.words if w]
        unders = [u.rstrip(os.sep) + os.sep for u in (q.under or [])]
        scored: list[tuple[float, Entry]] = []
        for e in self.entries():
            if e.is_dir != q.dirs:
                continue
            if q.exts is not None and e.ext not in q.exts:
                continue
            if q.after is not None and e.mtime < q.after:
                continue
            if q.before is not None and e.mtime >= q.before:
                continue
            if q.min_size is not None and e.size < q.min_size:
                continue
            if unders and not any(e.path.startswith(u) for u in unders):
                continue
            if words:
                hits = sum(1 for w in words if w in e.name)
                if hits == 0:
                    continue
                score = hits / len(words) + (0.1 if e.name.startswith(words[0]) else 0)
            else:
                score = 0.0
            scored.append((score + e.mtime / 1e12, e))
        scored.sort(key=lambda t: t[0], reverse=True)
        return [e for _s, e in scored[:limit]]
