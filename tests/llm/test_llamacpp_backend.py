"""The embedded llama.cpp backend with a real model: streaming, stop, cancel, KV reuse, limits."""

from __future__ import annotations

import asyncio

import pytest

from council_core.base.errors import BackendUnavailable, BadInput
from council_core.llm.base import GenerationOptions, Message
from council_core.llm.llamacpp import LlamaCppBackend, _held_back

pytestmark = pytest.mark.llm

GREEDY = GenerationOptions(max_tokens=24, temperature=0)


async def test_streams_pieces_with_usage_and_logprobs(smol: LlamaCppBackend) -> None:
    msgs = [Message("user", "Name three colours.")]
    pieces = [p async for p in smol.stream_chat(msgs, GREEDY.model_copy(update={"logprobs": True}))]
    text_pieces = [p for p in pieces if p.text]
    assert len(text_pieces) >= 3, "the answer arrives in several pieces, not at once"
    last = pieces[-1]
    assert last.finish_reason in ("stop", "length")
    assert last.usage is not None and last.usage.prompt_tokens > 5
    assert last.usage.completion_tokens >= len(text_pieces)
    lps = [p.logprob for p in pieces if p.logprob is not None]
    assert lps and all(lp <= 0 for lp in lps)
    assert "".join(p.text for p in pieces).strip()


async def test_max_tokens_ends_with_length(smol: LlamaCppBackend) -> None:
    c = await smol.chat(
        [Message("user", "Write a long story about a dragon.")],
        GenerationOptions(max_tokens=5, temperature=0),
    )
    assert c.finish_reason == "length"
    assert c.usage.completion_tokens == 5


async def test_stop_sequence_cuts_the_text(smol: LlamaCppBackend) -> None:
    full = await smol.complete("1, 2, 3, 4, 5,", GenerationOptions(max_tokens=20, temperature=0))
    assert " 8" in full.text, full.text  # the model continues the count
    cut = await smol.complete(
        "1, 2, 3, 4, 5,", GenerationOptions(max_tokens=20, temperature=0, stop=[" 8"])
    )
    assert cut.finish_reason == "stop"
    assert " 8" not in cut.text and cut.text == full.text[: full.text.index(" 8")]


def test_held_back_keeps_possible_stop_prefixes() -> None:
    assert _held_back("hello wor", ["world"]) == 3
    assert _held_back("hello", ["xyz"]) == 0
    assert _held_back("a\nUs", ["\nUser:"]) == 3


async def test_cancel_stops_generation_and_frees_the_model(smol: LlamaCppBackend) -> None:
    opts = GenerationOptions(max_tokens=400, temperature=0.8, seed=3)
    stream = smol.stream_chat([Message("user", "Tell me a very long story.")], opts)
    got = 0
    async for piece in stream:
        got += bool(piece.text)
        if got >= 3:
            break
    await stream.aclose()  # type: ignore[attr-defined]
    await smol.run_on_model(lambda llm: None)  # waits until the worker lets go
    assert 3 <= smol.last_generated < 20, "the worker stopped within a token or so, not at 400"
    assert not smol.busy
    c = await smol.chat([Message("user", "Hi")], GenerationOptions(max_tokens=2, temperature=0))
    assert c.usage.completion_tokens <= 2


async def test_consumer_task_cancelled_mid_stream(smol: LlamaCppBackend) -> None:
    started = asyncio.Event()

    async def consume() -> None:
        n = 0
        async for _ in smol.stream_chat(
            [Message("user", "Count to one thousand.")], GenerationOptions(max_tokens=500)
        ):
            n += 1
            if n == 2:
                started.set()

    task = asyncio.create_task(consume())
    await started.wait()  # it is generating
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await smol.run_on_model(lambda llm: None)
    assert 2 <= smol.last_generated < 20, "generation stopped soon after the consumer left"


async def test_next_turn_reuses_the_kv_cache(smol: LlamaCppBackend) -> None:
    convo = [Message("system", "You are brief."), Message("user", "What is the capital of Italy?")]
    await smol.reset_cache()
    first = await smol.chat(convo, GREEDY)
    assert smol.last_prompt_reused == 0
    convo += [Message("assistant", first.text), Message("user", "And of France?")]
    second = await smol.chat(convo, GREEDY)
    # Everything up to the previous answer is already in the cache.
    assert smol.last_prompt_reused >= first.usage.prompt_tokens
    assert smol.last_prompt_reused > 0.7 * second.usage.prompt_tokens


async def test_long_history_is_truncated_oldest_first(smol: LlamaCppBackend) -> None:
    filler = "This is an old message about nothing in particular. " * 20  # ~220 tokens
    convo = [Message("system", "You are brief.")]
    for i in range(8):
        convo += [Message("user", f"{i}: {filler}"), Message("assistant", "OK.")]
    convo.append(Message("user", "Say hello."))
    assert smol.count_tokens(" ".join(m.content for m in convo)) > smol.context_window
    c = await smol.chat(convo, GREEDY)
    assert c.text.strip()
    assert c.usage.prompt_tokens <= smol.context_window - GREEDY.max_tokens


async def test_a_single_huge_message_is_refused_with_a_fix(smol: LlamaCppBackend) -> None:
    huge = "word " * 3000
    with pytest.raises(BadInput) as err:
        await smol.chat([Message("user", huge)], GREEDY)
    assert "context window" in err.value.message and "n_ctx" in (err.value.fix or "")
    with pytest.raises(BadInput):
        await smol.complete(huge, GREEDY)


def test_count_tokens_uses_the_tokenizer(smol: LlamaCppBackend) -> None:
    n = smol.count_tokens("hello world, this is a test")
    assert 4 <= n <= 12
    assert smol.count_tokens("word " * 100) >= 100
    assert smol.context_window == 1024


async def test_missing_and_broken_model_files(tmp_path) -> None:
    missing = LlamaCppBackend(tmp_path / "nope.gguf")
    with pytest.raises(BackendUnavailable) as err:
        missing.load()
    assert "council models install" in (err.value.fix or "")
    assert not (await missing.health()).ok
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0garbage" * 100)
    with pytest.raises(BackendUnavailable) as err:
        LlamaCppBackend(broken).load()
    assert "broken.gguf" in err.value.message
    with pytest.raises(BackendUnavailable):
        await missing.chat([Message("user", "hi")])


async def test_cancel_during_a_long_prompt_stops_reading_it(smol: LlamaCppBackend) -> None:
    await smol.reset_cache()
    long = "lorem ipsum dolor sit amet " * 80  # ~800 tokens: two batches of 512
    stream = smol.stream_chat([Message("user", long)], GenerationOptions(max_tokens=4))
    task = asyncio.ensure_future(stream.__anext__())  # type: ignore[attr-defined]
    await asyncio.sleep(0.05)  # the worker is reading the first batch
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await smol.run_on_model(lambda llm: None)
    n_read = await smol.run_on_model(lambda llm: llm.n_tokens)
    assert n_read < smol.count_tokens(long), "the rest of the prompt was not read"
    # And a full read of the same prompt afterwards still answers.
    c = await smol.chat([Message("user", long)], GenerationOptions(max_tokens=2))
    assert c.usage.completion_tokens >= 1


async def test_a_saved_state_spares_re_reading_a_prompt_start(smol: LlamaCppBackend) -> None:
    """Another prompt in between replaces the live KV cache; the saved state of the earlier
    prompt is restored for the next one that starts the same way, with the same answer."""
    from council_core.llm.llamacpp import MIN_STATE_GAIN

    rules = Message("system", "You answer questions about the user's greenhouse. " * 4)
    q1 = [rules, Message("user", "What is a greenhouse?")]
    q2 = [rules, Message("user", "Name one plant that grows well in a greenhouse.")]
    other = [Message("system", "You are brief."), Message("user", "Say hi.")]
    await smol.reset_cache()
    fresh = await smol.chat(q2, GREEDY)  # read from scratch: the reference
    await smol.reset_cache()
    await smol.chat(q1, GREEDY)
    await smol.chat(other, GREEDY)
    assert smol.last_prompt_reused < MIN_STATE_GAIN  # nothing in common with q1
    again = await smol.chat(q2, GREEDY)
    assert smol.last_prompt_reused >= 40  # the system prompt came from the saved state
    assert again.text == fresh.text
    await smol.reset_cache()  # forgets the saved states too
    await smol.chat(q2, GREEDY)
    assert smol.last_prompt_reused == 0
