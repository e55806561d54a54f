"""OpenAIBackend against a real OpenAI-protocol server on 127.0.0.1."""

from __future__ import annotations

import socket
import time

import pytest

from council_core.base.errors import BackendUnavailable, BadInput, NeedsKey
from council_core.llm.base import GenerationOptions, Message
from council_core.llm.openai_compat import EndpointError, OpenAIBackend, is_loopback_url

KEY = "sk-backendtest-0123456789abcdef"
MSGS = [Message("system", "be brief"), Message("user", "what is the capital of France")]


@pytest.fixture
async def backend(openai_server):
    be = OpenAIBackend("local", openai_server.base_url, "test-model", api_key=KEY, timeout_s=2.0)
    yield be
    await be.aclose()


async def test_streaming_chat_yields_pieces_in_order_with_usage(backend, openai_server):
    openai_server.answer = "Paris is the capital of France."
    pieces = [p async for p in backend.stream_chat(MSGS, GenerationOptions(max_tokens=20))]
    assert "".join(p.text for p in pieces) == "Paris is the capital of France."
    assert len([p for p in pieces if p.text]) == 6  # one per word: really streamed
    last = pieces[-1]
    assert last.finish_reason == "stop"
    assert last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (8, 6)
    sent = openai_server.requests[-1]
    assert sent["json"]["stream"] is True and sent["json"]["max_tokens"] == 20
    assert sent["json"]["messages"][1] == {"role": "user", "content": MSGS[1].content}
    assert sent["headers"]["authorization"] == f"Bearer {KEY}"


async def test_logprobs_are_requested_and_parsed(backend, openai_server):
    openai_server.answer = "one two three"
    opts = GenerationOptions(logprobs=True)
    c = await backend.chat(MSGS, opts)
    assert c.logprobs == [-0.25, -0.25, -0.25]
    sent = openai_server.requests[-1]["json"]
    assert sent["logprobs"] is True and sent["top_logprobs"] == 1
    pieces = [p async for p in backend.stream_chat(MSGS, opts) if p.text]
    assert [p.logprob for p in pieces] == [-0.25, -0.25, -0.25]
    c2 = await backend.complete("count:", opts)
    assert c2.logprobs == [-0.25, -0.25, -0.25]
    assert openai_server.requests[-1]["json"]["logprobs"] == 1


async def test_max_tokens_bounds_output_and_reports_length(backend, openai_server):
    openai_server.answer = "one two three four five six"
    c = await backend.chat(MSGS, GenerationOptions(max_tokens=3))
    assert (c.text, c.finish_reason, c.usage.completion_tokens) == ("one two three", "length", 3)


async def test_non_streaming_chat_and_completion_report_usage_and_cost(openai_server):
    be = OpenAIBackend("p", openai_server.base_url, "m", price_in_per_1k=1.0, price_out_per_1k=2.0)
    openai_server.answer = "four words of text"
    c = await be.chat(MSGS)
    assert c.text == "four words of text"
    assert c.cost_usd == pytest.approx((8 * 1.0 + 4 * 2.0) / 1000)
    c2 = await be.complete("2 + 2 =")
    assert c2.text == "four words of text" and c2.usage.prompt_tokens == 4
    assert openai_server.requests[-1]["path"] == "/v1/completions"
    streamed = "".join([p.text async for p in be.stream_complete("2 + 2 =")])
    assert streamed == "four words of text"
    assert "authorization" not in openai_server.requests[-1]["headers"]  # no key: no header
    await be.aclose()


@pytest.mark.parametrize(
    ("behaviour", "exc", "retryable"),
    [("429", EndpointError, True), ("500", EndpointError, True), ("400", BadInput, None)],
)
async def test_http_errors_are_converted(backend, openai_server, behaviour, exc, retryable):
    openai_server.default = behaviour
    for call in (
        lambda: backend.chat(MSGS),
        lambda: _drain(backend.stream_chat(MSGS)),
    ):
        with pytest.raises(exc) as info:
            await call()
        assert info.value.fix
        assert f"HTTP {behaviour}" in info.value.message
        if retryable is not None:
            assert info.value.retryable is retryable


async def test_401_asks_for_a_key(backend, openai_server):
    openai_server.default = "401"
    with pytest.raises(NeedsKey) as info:
        await backend.chat(MSGS)
    assert "council key set local" in info.value.fix


@pytest.mark.parametrize("behaviour", ["garbage", "empty"])
async def test_garbage_and_empty_answers_are_clear_errors(backend, openai_server, behaviour):
    openai_server.default = behaviour
    with pytest.raises(EndpointError, match="not an OpenAI-style answer"):
        await backend.chat(MSGS)
    with pytest.raises(EndpointError, match="not an OpenAI-style answer"):
        await _drain(backend.stream_chat(MSGS))


async def test_server_dying_mid_stream_is_an_error_after_partial_text(backend, openai_server):
    openai_server.answer = "a b c d e f g h"
    openai_server.default = "die"
    got: list[str] = []

    async def consume() -> None:
        async for p in backend.stream_chat(MSGS):
            got.append(p.text)

    with pytest.raises(EndpointError) as info:
        await consume()
    assert "".join(got) == "a b c d"  # half streamed, then the connection was cut
    assert info.value.retryable
    assert (
        "before the answer was complete" in info.value.message or "mid-answer" in info.value.message
    )


async def test_timeout_is_bounded_and_clear(openai_server):
    openai_server.default = "hang"
    openai_server.hang_s = 5
    be = OpenAIBackend("slow", openai_server.base_url, "m", timeout_s=0.3)
    t0 = time.perf_counter()
    with pytest.raises(EndpointError, match=r"within 0.3 s") as info:
        await be.chat(MSGS)
    assert time.perf_counter() - t0 < 2.0
    assert info.value.retryable
    await be.aclose()


async def test_connection_refused(unused_port):
    be = OpenAIBackend("gone", f"http://127.0.0.1:{unused_port}/v1", "m", timeout_s=2)
    with pytest.raises(BackendUnavailable, match="cannot connect") as info:
        await _drain(be.stream_chat(MSGS))
    assert info.value.fix and "start the server" in info.value.fix
    h = await be.health()
    assert not h.ok and h.fix
    await be.aclose()


async def test_key_never_appears_in_errors_or_repr(openai_server):
    openai_server.default = "echo_auth"  # the server puts the Authorization header in its body
    be = OpenAIBackend("p", openai_server.base_url, "m", api_key=KEY)
    with pytest.raises(EndpointError) as info:
        await be.chat(MSGS)
    assert "upstream failed" in info.value.message
    assert KEY not in str(info.value) and KEY not in repr(be)
    await be.aclose()


async def test_health_and_paid_detection(backend):
    assert (await backend.health()).ok
    assert not backend.is_paid
    for url, paid in [
        ("http://localhost:8080/v1", False),
        ("http://127.0.0.5:1/v1", False),
        ("http://[::1]:8000/v1", False),
        ("https://api.openai.com/v1", True),
        ("http://192.168.1.10:11434/v1", True),
    ]:
        assert is_loopback_url(url) is not paid
        assert OpenAIBackend("x", url, "m").is_paid is paid
    with pytest.raises(BadInput):
        OpenAIBackend("x", "not a url", "m")


@pytest.fixture
def unused_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def _drain(it) -> list:
    return [p async for p in it]
