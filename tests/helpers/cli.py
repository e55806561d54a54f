"""Run the real ``council`` command in a subprocess, the way a user does.

``python -m council_core`` from the repository root, so the code under test is what runs
(not an older installed copy). The environment is the test's (``COUNCIL_HOME`` points at the
test's temporary home through the autouse fixture) unless ``env`` replaces it; ``home`` sets
``COUNCIL_HOME`` explicitly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_council(
    *args: str,
    stdin: str | None = None,
    home: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``council ARGS...``: returncode, stdout and stderr as text; never raises on failure."""
    run_env = dict(os.environ if env is None else env)
    if home is not None:
        run_env["COUNCIL_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "council_core", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        env=run_env,
        timeout=timeout,
        check=False,
    )
