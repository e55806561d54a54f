"""Start at login: the XDG autostart entry ~/.config/autostart/council.desktop."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ENTRY = """[Desktop Entry]
Type=Application
Name=Council
Comment=Local-first assistant (tray)
Exec={exec}
Icon=council
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def autostart_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / "council.desktop"


def launcher() -> str:
    script = Path(sys.executable).parent / "council-app"
    if script.exists():
        return str(script)
    return shutil.which("council-app") or f"{sys.executable} -m app.main"


def set_autostart(enabled: bool) -> Path:
    f = autostart_file()
    if enabled:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(ENTRY.format(exec=launcher()), encoding="utf-8")
    else:
        f.unlink(missing_ok=True)
    return f
