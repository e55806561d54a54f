"""ExLlamaV2 on a machine without CUDA: a clear refusal, and torch's threads left alone."""

from __future__ import annotations

import importlib.util

import pytest

from council_core.base.errors import BackendUnavailable
from council_core.llm.base import Message
from council_core.llm.exllama import ExLlamaV2Backend, cuda_status, import_exllamav2


@pytest.fixture(autouse=True)
def _cpu_only() -> None:
    if cuda_status()[0]:
        pytest.skip("this machine has CUDA: the refusal path is for CPU-only machines")


def test_refuses_without_cuda_and_keeps_torch_threads() -> None:
    before = None
    if importlib.util.find_spec("torch") is not None:
        import torch

        before = torch.get_num_threads()
    with pytest.raises(BackendUnavailable) as err:
        import_exllamav2()
    assert "needs a CUDA GPU" in err.value.message
    assert "llamacpp" in (err.value.fix or "")
    if before is not None:
        import torch

        assert torch.get_num_threads() == before


async def test_backend_refuses_before_touching_the_model_dir(tmp_path) -> None:
    b = ExLlamaV2Backend(str(tmp_path / "model"))
    with pytest.raises(BackendUnavailable, match="needs a CUDA GPU"):
        b.load()
    h = await b.health()
    assert not h.ok and "needs a CUDA GPU" in h.detail
    with pytest.raises(BackendUnavailable):
        await b.chat([Message("user", "hi")])
