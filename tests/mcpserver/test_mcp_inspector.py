"""The official MCP Inspector (npm, CLI mode) drives `python -m council_core mcp` over stdio:
an independent client lists Council's tools and calls one.

`bash installer/install.sh test` installs the Inspector (pinned) into
``~/.cache/council/npm``; ``MCP_INSPECTOR_BIN`` points at another ``mcp-inspector``. The
test skips only when Node.js or npm is not installed at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSPECTOR_VERSION = "2.12.0"  # keep in step with installer/install.sh
SERVED = {"ask", "calculate", "reason", "search_documents", "run_code", "find_files",
          "plan_file_changes", "apply_file_plan", "remember", "recall"}  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("node") is None or shutil.which("npm") is None,
        reason="Node.js/npm are not installed, so the MCP Inspector cannot run "
        "(install Node.js >= 20 with npm, then bash installer/install.sh test)",
    ),
]


def _inspector() -> Path:
    if os.environ.get("MCP_INSPECTOR_BIN"):
        return Path(os.environ["MCP_INSPECTOR_BIN"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "council"
    return cache / "npm" / "node_modules" / ".bin" / "mcp-inspector"


def _run(tmp_path: Path, *method: str) -> dict:
    exe = _inspector()
    if not exe.exists():
        pytest.fail(
            f"the MCP Inspector is not installed at {exe}: run `bash installer/install.sh test` "
            f"(npm install @modelcontextprotocol/inspector@{INSPECTOR_VERSION}; needs the "
            "network once)"
        )
    env = dict(os.environ, COUNCIL_HOME=str(tmp_path / "council-home"),
               HOME=str(tmp_path),  # the Inspector's own catalog and secrets stay in the test
               MCP_CATALOG_PATH=str(tmp_path / "inspector-catalog.json"))  # fmt: skip
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [str(exe), "--cli", sys.executable, "-m", "council_core", "mcp", *method],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:] or proc.stdout[-2000:]
    return json.loads(proc.stdout)


def test_the_inspector_lists_councils_tools_and_calls_one(tmp_path: Path) -> None:
    listed = _run(tmp_path, "--method", "tools/list")
    tools = {t["name"]: t for t in listed["tools"]}
    assert set(tools) == SERVED
    assert "SymPy" in tools["calculate"]["description"]
    assert tools["calculate"]["inputSchema"]["required"] == ["expression"]

    called = _run(tmp_path, "--method", "tools/call", "--tool-name", "calculate",
                  "--tool-arg", "expression=17*23")  # fmt: skip
    assert not called.get("isError"), called
    assert "391" in json.dumps(called["content"])
