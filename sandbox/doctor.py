"""`council doctor` lines for the sandbox: firejail present, a real sandbox starts, and which
limits this machine can enforce for a whole run (a cgroup per run, or the fallback)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from council_core.base.errors import CouncilError
from council_core.base.status import ComponentStatus

from . import cgroups
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
        ),
        limits_status(),
    ]


def limits_status() -> ComponentStatus:
    """Which whole-run limits hold here. Both ways the whole run is limited (without a cgroup
    the memory check is polled), so neither fails the doctor; the line says which."""
    sup = cgroups.support()
    always = "time, CPU, file size, open files, output and workspace quota: yes"
    if sup.available:
        detail = (
            f"cgroup memory/pids per run: yes (cgroup v{sup.version}); "
            f"/tmp and /dev/shm count as memory; {always}"
        )
        return ComponentStatus("sandbox limits", True, detail)
    detail = (
        f"cgroup memory/pids per run: no ({sup.why}); fallback: the run's total resident "
        "memory plus its /tmp and /dev/shm are checked every 0.1 s and the run is stopped past "
        f"the limit, processes limited per uid (RLIMIT_NPROC); {always}"
    )
    return ComponentStatus("sandbox limits", True, detail)
