"""`council doctor` lines for the sandbox: firejail present, and a real sandbox starts."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from council_core.base.errors import CouncilError
from council_core.base.status import ComponentStatus

from .policy import INSTALL_FIX, running_as_root


def checks() -> list[ComponentStatus]:
    fj = shutil.which("firejail")
    if not fj:
        return [ComponentStatus("sandbox", False, "firejail not found", INSTALL_FIX)]
    from .executor import SafeExecutor

    with tempfile.TemporaryDirectory(prefix="council-doctor-") as tmp:
        ex = SafeExecutor(Path(tmp) / "workspaces", Path(tmp))
        try:
            res = ex.run("python", "print(6 * 7)")
        except CouncilError as exc:
            return [ComponentStatus("sandbox", False, exc.message, exc.fix)]
    if res.stdout.strip() != "42":
        return [
            ComponentStatus(
                "sandbox",
                False,
                f"firejail did not run code (exit {res.exit_code}): {res.stderr.strip()[:200]}",
                "check that firejail is setuid root and user namespaces are allowed",
            )
        ]
    who = f"as uid {res.uid} (dropped from root)" if running_as_root() else "as your user"
    return [
        ComponentStatus(
            "sandbox", True, f"firejail runs code {who} in {res.duration_s * 1000:.0f} ms"
        )
    ]
