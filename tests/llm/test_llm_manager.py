"""The LLM manager: lazy load, clear errors within a second, backoff, idle unload, paid URLs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from council_core.base.errors import BackendUnavailable
from council_core.llm.base import GenerationOptions, Health, LLMBackend, Message, Piece
from council_core.llm.manager import LLMManager
from council_core.llm.net import is_loopback_url
from council_core.settings import OpenAIEndpoint


class HangingRemote(LLMBackend):
    """A network backend whose server accepted the connection and then never answers."""

    name = "hanging"
    needs_network = True

    def __init__(self) -> None:
        self.calls = 0

    async def health(self) -> Health:
        self.calls += 1
        await asyncio.sleep(30)
        return Health(True)

    async def stream_chat(self, messages, opts=None) -> AsyncIterator[Piece]:  # type: ignore[override]
        raise AssertionError("must not be called when unhealthy")
        yield Piece("")

    stream_complete = stream_chat  # type: ignore[assignment]


async def test_missing_model_fails_fast_with_the_install_command(ctx) -> None:
    ctx.settings.llm.model_path = "/nonexistent/model.gguf"
    mgr = LLMManager(ctx)
    t0 = time.perf_counter()
    with pytest.raises(BackendUnavailable) as err:
        await mgr.backend("general")
    assert time.perf_counter() - t0 < 1.0
    assert err.value.message.startswith("local model unavailable: ")
    assert "llm.model_path" in (err.value.fix or "")
    # Within the backoff window the next call answers at once with the same reason.
    t0 = time.perf_counter()
    with pytest.raises(BackendUnavailable, match="not found"):
        await mgr.backend("general")
    assert time.perf_counter() - t0 < 0.05
    assert mgr.status()["down"]


async def test_missing_tier_names_the_tier(ctx, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COUNCIL_MODEL_CACHE", str(tmp_path / "empty-cache"))
    ctx.settings.llm.model_tier = "qwen2.5-coder-0.5b"
    with pytest.raises(BackendUnavailable) as err:
        await LLMManager(ctx).backend()
    assert err.value.fix == "run: council models install qwen2.5-coder-0.5b"


async def test_unhealthy_remote_answers_within_a_second(ctx) -> None:
    remote = HangingRemote()
    mgr = LLMManager(ctx, factory=lambda s: remote)
    t0 = time.perf_counter()
    with pytest.raises(BackendUnavailable) as err:
        await mgr.backend("general")
    assert time.perf_counter() - t0 < 1.5
    assert "health check" in err.value.message
    # Backoff: no second health check right away.
    t0 = time.perf_counter()
    with pytest.raises(BackendUnavailable):
        await mgr.backend("general")
    assert time.perf_counter() - t0 < 0.05
    assert remote.calls == 1
    await mgr.aclose()


async def test_backoff_doubles_then_recovers(ctx, monkeypatch) -> None:
    import council_core.llm.manager as m

    monkeypatch.setattr(m, "BACKOFF_START_S", 0.05)
    attempts = {"n": 0}

    class Flaky(HangingRemote):
        async def health(self) -> Health:
            attempts["n"] += 1
            return Health(attempts["n"] >= 3, "connection refused", "start the server")

    mgr = LLMManager(ctx, factory=lambda s: Flaky())
    delays = []
    for _ in range(2):
        with pytest.raises(BackendUnavailable, match="connection refused"):
            await mgr.backend()
        delays.append(mgr._down.delay)  # type: ignore[union-attr]
        await asyncio.sleep(mgr._down.delay + 0.01)  # type: ignore[union-attr]
    assert delays == [0.05, 0.1]
    b = await mgr.backend()
    assert isinstance(b, Flaky) and mgr.status()["down"] is None


@pytest.mark.llm
async def test_loads_lazily_unloads_when_idle_and_reloads(ctx, smol_path) -> None:
    ctx.settings.llm.model_path = str(smol_path)
    ctx.settings.llm.n_ctx = 512
    ctx.settings.llm.idle_unload_s = 0.3
    mgr = LLMManager(ctx)
    assert mgr.status()["loaded"] is False  # nothing loads before the first question
    b = await mgr.backend("general")
    assert mgr.status()["loaded"] is True
    c = await b.chat([Message("user", "Hi")], GenerationOptions(max_tokens=2))
    assert c.usage.completion_tokens >= 1
    await asyncio.sleep(1.0)
    assert mgr.status()["loaded"] is False, "the model is unloaded after idle_unload_s"
    b2 = await mgr.backend("general")
    assert b2 is not b and mgr.status()["loaded"] is True
    await mgr.aclose()
    assert mgr.status()["loaded"] is False


async def test_still_loading_gives_a_clear_error_when_asked_not_to_wait(ctx) -> None:
    class SlowLoad(HangingRemote):
        needs_network = False
        loaded = False

        def load(self) -> None:
            time.sleep(0.5)
            self.loaded = True

    mgr = LLMManager(ctx, factory=lambda s: SlowLoad())
    with pytest.raises(BackendUnavailable, match="still loading"):
        await mgr.backend(wait_s=0.1)
    b = await mgr.backend()  # the same load, awaited
    assert b.loaded  # type: ignore[attr-defined]


def test_non_loopback_endpoints_are_paid(ctx) -> None:
    assert is_loopback_url("http://127.0.0.1:8080/v1")
    assert is_loopback_url("http://localhost:11434/v1")
    assert is_loopback_url("http://[::1]:8000/v1")
    assert not is_loopback_url("https://api.openai.com/v1")
    assert not is_loopback_url("http://192.168.1.5:8080/v1")
    assert not is_loopback_url("http://127.0.0.1.evil.com/v1")
    ctx.settings.llm.backend = "openai"
    ctx.settings.llm.endpoints = [
        OpenAIEndpoint(name="local", base_url="http://127.0.0.1:8080/v1", model="m"),
        OpenAIEndpoint(name="cloud", base_url="https://api.example.com/v1", model="m"),
    ]
    ctx.settings.llm.openai_endpoint = "local"
    assert LLMManager(ctx).is_paid() is False
    ctx.settings.llm.openai_endpoint = "cloud"
    assert LLMManager(ctx).is_paid() is True
    assert LLMManager(ctx).status()["paid"] is True


async def test_no_endpoint_configured_is_a_clear_error(ctx) -> None:
    ctx.settings.llm.backend = "openai"
    with pytest.raises(BackendUnavailable) as err:
        await LLMManager(ctx).backend()
    assert "Endpoints" in (err.value.fix or "")


async def test_exllama_without_cuda_says_it_needs_a_gpu(ctx) -> None:
    from council_core.llm.exllama import cuda_status

    if cuda_status()[0]:
        pytest.skip("this machine has CUDA; the refusal path is for CPU-only machines")
    ctx.settings.llm.backend = "exllamav2"
    ctx.settings.llm.exllama_model_dir = "/tmp/no-such-model"
    t0 = time.perf_counter()
    with pytest.raises(BackendUnavailable) as err:
        await LLMManager(ctx).backend()
    assert time.perf_counter() - t0 < 1.0 + 5.0  # includes importing torch, when present
    assert "needs a CUDA GPU" in err.value.message
