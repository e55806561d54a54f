"""Print the escape table (attack | allowed twin | result) from a real run of the escape suite.

python bench/escape_table.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sandbox")]

from escape_cases import CASES, escape_env, run_case  # noqa: E402

from council_core.base.paths import resolve_paths  # noqa: E402
from sandbox.executor import SafeExecutor  # noqa: E402


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="council-escapes-"))
    os.environ["COUNCIL_HOME"] = str(tmp / "home")
    paths = resolve_paths().ensure()
    ex = SafeExecutor(paths.workspace_dir, paths.data_dir)
    who = "root, code dropped to an unprivileged uid" if os.geteuid() == 0 else "a normal user"
    print(f"Escape suite as {who}\n\n| attack | allowed twin | result |\n|---|---|---|")
    failed = 0
    with escape_env(ex, tmp / "planted", paths.db_file) as env:
        for case in CASES:
            try:
                _, denial = run_case(case, env)
                verdict = f"contained: {denial}; twin ok"
            except AssertionError as exc:
                failed += 1
                verdict = f"FAILED: {exc}"
            print(f"| {case.attack} | {case.twin} | {verdict} |")
    ex.close()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
