"""As root, a data dir inside a private home (mode 700, like /root) still gives working
workspaces: the sandbox uid must be able to reach them."""

from __future__ import annotations

import os
import shutil

import pytest

from council_core.base.paths import resolve_paths
from council_core.context import SkillContext


@pytest.mark.sandbox
@pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed")
async def test_code_runs_when_data_dir_is_in_a_private_home(tmp_path):
    private = tmp_path / "private-home"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    ctx = SkillContext(paths=resolve_paths(private / "council"))
    ex = ctx.service("sandbox")
    try:
        res = await ex.execute_python("print(6 * 7)")
    finally:
        await ctx.aclose()
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == "42"
    if os.geteuid() == 0:
        assert not str(ex.workspace_root).startswith(str(private))
