"""Shared fixtures: every test gets its own COUNCIL_HOME and never touches the user's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def council_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "council-home"
    home.mkdir()
    monkeypatch.setenv("COUNCIL_HOME", str(home))
    # The assembled model files are shared by every COUNCIL_HOME (like a real install).
    if "COUNCIL_MODEL_CACHE" not in os.environ:
        from council_core.base.paths import shared_model_cache

        monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(shared_model_cache()))
    for var in list(os.environ):
        if var.startswith("COUNCIL_") and var not in ("COUNCIL_HOME", "COUNCIL_MODEL_CACHE"):
            monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def ctx(council_home: Path):
    from council_core.context import SkillContext

    return SkillContext()


@pytest.fixture
def openai_server():
    """A real OpenAI-protocol server on 127.0.0.1 (tests/helpers/openai_server.py)."""
    from tests.helpers.openai_server import OpenAIServer

    with OpenAIServer() as srv:
        yield srv
