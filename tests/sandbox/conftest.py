from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from council_core.base.paths import resolve_paths
from sandbox.executor import SafeExecutor
from sandbox.policy import Limits


@pytest.fixture
def executor(council_home: Path) -> Iterator[SafeExecutor]:
    paths = resolve_paths().ensure()
    ex = SafeExecutor(paths.workspace_dir, paths.data_dir, Limits(timeout_s=10))
    yield ex
    ex.close()
