"""The escape suite: every attack is contained, the host is checked afterwards, and in the same
sandbox an allowed twin action succeeds (a sandbox where nothing works does not pass).

Runs as root (CI: the code drops to an unprivileged uid) and as a normal user (see
tests/sandbox/README.md for the runuser command).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from escape_cases import (
    CASES,
    Case,
    Env,
    escape_env,
    host_processes_with,
    needs_firejail,
    run_case,
)

from council_core.base.paths import resolve_paths
from sandbox.executor import SafeExecutor

pytestmark = [pytest.mark.sandbox, needs_firejail]


@pytest.fixture
def env(executor: SafeExecutor, tmp_path: Path) -> Iterator[Env]:
    with escape_env(executor, tmp_path / "planted", resolve_paths().db_file) as e:
        yield e


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_attack_is_contained_and_twin_works(case: Case, env: Env) -> None:
    res, denial = run_case(case, env)
    assert denial
    # The host afterwards: nothing of the sandbox is left running (firejail's own teardown
    # is reaped in the background, so allow it a moment).
    end = time.monotonic() + 3
    while time.monotonic() < end and (
        host_processes_with(env.tag_sleep) or (res.uid is not None and _processes_of_uid(res.uid))
    ):
        time.sleep(0.01)
    assert not host_processes_with(env.tag_sleep)
    if res.uid is not None:
        assert not _processes_of_uid(res.uid)


def _processes_of_uid(uid: int) -> list[int]:
    import os

    out = []
    for e in os.scandir("/proc"):
        if e.name.isdigit():
            try:
                if e.stat().st_uid == uid:
                    out.append(int(e.name))
            except OSError:
                pass
    return out
