"""The freedesktop.org trash (Trash spec 1.0): deleting never unlinks."""

from __future__ import annotations

import os
import time
import urllib.parse
from pathlib import Path


def home_trash() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local/share")
    return Path(base) / "Trash"


def _free_name(folder: Path, name: str) -> str:
    stem, dot, ext = name.partition(".") if not name.startswith(".") else (name, "", "")
    candidate, n = name, 1
    while (folder / candidate).exists() or (
        folder.parent / "info" / (candidate + ".trashinfo")
    ).exists():
        n += 1
        candidate = f"{stem}.{n}{dot}{ext}" if dot else f"{stem}.{n}"
    return candidate


def trash(path: Path) -> Path:
    """Move `path` into the trash; returns where it now lies."""
    root = home_trash()
    files, info = root / "files", root / "info"
    files.mkdir(parents=True, exist_ok=True)
    info.mkdir(parents=True, exist_ok=True)
    name = _free_name(files, path.name)
    info_file = info / (name + ".trashinfo")
    quoted = urllib.parse.quote(os.fsencode(os.path.abspath(path)))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    fd = os.open(info_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"[Trash Info]\nPath={quoted}\nDeletionDate={stamp}\n")
    dest = files / name
    try:
        os.rename(path, dest)
    except OSError:
        import shutil

        try:
            shutil.move(os.fspath(path), os.fspath(dest))
        except OSError:
            info_file.unlink(missing_ok=True)
            raise
    return dest


def restore(trashed: Path, original: Path) -> None:
    os.rename(trashed, original) if _same_dev(trashed, original.parent) else _move(
        trashed, original
    )
    (trashed.parent.parent / "info" / (trashed.name + ".trashinfo")).unlink(missing_ok=True)


def _same_dev(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _move(src: Path, dst: Path) -> None:
    import shutil

    shutil.move(os.fspath(src), os.fspath(dst))
