"""The executor itself: results, refusal without firejail, the pool, parallel isolation, CLI."""

from __future__ import annotations

import ast
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from escape_cases import needs_firejail

from council_core.base import metrics
from council_core.base.errors import ComponentMissing, SandboxDenied
from council_core.base.paths import resolve_paths
from sandbox.executor import SafeExecutor
from sandbox.policy import Grant, Limits
from sandbox.result import ExecResult
from tests.helpers.cli import run_council

REPO = Path(__file__).resolve().parents[2]


def test_refuses_without_firejail(monkeypatch: pytest.MonkeyPatch, council_home: Path) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    paths = resolve_paths().ensure()
    ex = SafeExecutor(paths.workspace_dir, paths.data_dir)
    with pytest.raises(ComponentMissing) as err:
        ex.run("python", "print(1)")
    assert err.value.fix == "install firejail: sudo apt-get install firejail"


pytestmark = pytest.mark.sandbox


@needs_firejail
def test_result_fields_and_audit(executor: SafeExecutor) -> None:
    before = metrics.snapshot().get("council_sandbox_runs_total", [])
    res = executor.run(
        "python",
        "import sys\nprint('out')\nprint('err', file=sys.stderr)\n"
        "open('a.txt', 'w').write('1')\nsys.exit(3)",
    )
    assert (res.stdout, res.stderr, res.exit_code) == ("out\n", "err\n", 3)
    assert res.files == ["a.txt"] and executor.list_files() == ["a.txt"]
    assert res.outcome == "error" and 0 < res.duration_s < 5
    after = metrics.snapshot()["council_sandbox_runs_total"]
    assert sum(v for _, v in after) == sum(v for _, v in before) + 1


@needs_firejail
def test_output_is_capped(executor: SafeExecutor) -> None:
    executor.limits = Limits(max_output_kb=4)
    res = executor.run("python", "print('x' * 100000)\nprint('done')")
    assert res.truncated and len(res.stdout) == 4096 and res.exit_code == 0


@needs_firejail
def test_bash_and_shell_denials(executor: SafeExecutor) -> None:
    res = executor.run("bash", "echo hi; cat /etc/shadow; exit 4")
    assert res.stdout == "hi\n" and res.exit_code == 4
    assert [d.path for d in res.denied] == ["/etc/shadow"]


@needs_firejail
def test_grants_read_only_and_refused_grants(executor: SafeExecutor, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "f.txt").write_text("granted")
    code = f"print(open({str(data / 'f.txt')!r}).read())\nopen({str(data / 'g.txt')!r}, 'w')"
    res = executor.run("python", code, grants=[Grant.make(data, "ro")])
    assert res.stdout == "granted\n" and "Read-only file system" in res.stderr
    assert not (data / "g.txt").exists()
    assert res.denied[0].path == str(data / "g.txt") and res.denied[0].write
    for bad in ("/etc", "/home", str(resolve_paths().data_dir)):
        with pytest.raises(SandboxDenied):
            executor.run("python", "pass", grants=[Grant.make(bad)])


@needs_firejail
def test_pool_is_used_once_and_keyed_by_view(executor: SafeExecutor, tmp_path: Path) -> None:
    executor.pool.size = 1
    pol = executor.policy("p1")
    executor.warm("p1")
    assert executor.pool.wait_ready(pol)
    res = executor.run("python", "import os; print(os.getcwd())", session="p1")
    assert res.pooled and res.stdout.strip() == res.workspace
    # Another session or other grants never get p1's sandbox.
    other = executor.run("python", "import os; print(os.getcwd())", session="p2")
    assert not other.pooled and other.stdout.strip().endswith("/p2")
    assert executor.pool.wait_ready(pol)
    granted = tmp_path / "g"
    granted.mkdir()
    res = executor.run("python", "pass", session="p1", grants=[Grant.make(granted)])
    assert not res.pooled


@needs_firejail
def test_twenty_parallel_runs_stay_isolated(executor: SafeExecutor) -> None:
    code = (
        "import os, glob\n"
        "open('mine.txt', 'w').write(os.getcwd())\n"
        "print((len(glob.glob('/proc/[0-9]*')), sorted(os.listdir('.')), "
        "glob.glob(os.path.dirname(os.getcwd()) + '/*')))\n"
    )

    def one(i: int) -> ExecResult:
        return executor.run("python", code, session=f"par{i}")

    t0 = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, range(20)))
    assert time.perf_counter() - t0 < 30
    assert len({r.workspace for r in results}) == 20
    for res in results:
        assert res.exit_code == 0, res.stderr
        nprocs, files, siblings = ast.literal_eval(res.stdout)
        assert nprocs <= 3 and files == ["mine.txt"]
        assert siblings == [res.workspace]  # no other session's workspace is visible
        assert (Path(res.workspace) / "mine.txt").read_text() == res.workspace


@needs_firejail
def test_cli_run(tmp_path: Path, council_home: Path) -> None:
    f = tmp_path / "prog.py"
    f.write_text("print(6 * 7)\n")
    out = run_council("run", "python", str(f), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "42\n" and "[sandbox] exit 0" in out.stderr
    out = run_council("run", "bash", "-", "--json", stdin="echo hi; exit 5", timeout=60)
    assert out.returncode == 1
    assert '"exit_code": 5' in out.stdout and '"stdout": "hi\\n"' in out.stdout
