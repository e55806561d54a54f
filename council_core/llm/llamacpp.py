"""The embedded default backend: llama.cpp (llama-cpp-python) in-process.

One model, one KV cache, one worker thread: generation runs on the worker and is bridged to
asyncio through a queue; closing the stream sets a flag the worker checks after every token,
so a consumer that goes away stops the generation. Prompts are tokenized through the GGUF's
own chat template. The KV cache is reused across calls: llama.cpp keeps the tokens it has
evaluated, and a prompt that starts with them (the next turn of the same conversation) only
reads the new suffix. The KV states of a few recent prompts are kept too (a few MB each):
when another skill's prompt came in between, a prompt that shares a long start with one of
them (its skill's system prompt) restores that state instead of re-reading it.
Log-probabilities of the sampled tokens come from the last logits (no ``logits_all``, which
would cost n_ctx x vocab floats).
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from council_core.base.errors import BackendUnavailable, BadInput, CouncilError
from council_core.base.logs import get_logger

from .base import GenerationOptions, Health, LLMBackend, Message, Piece, Usage

log = get_logger("llm.llamacpp")

Push = Callable[[Any], None]


PREFIX_STATES = 3  # saved KV states of recent prompts
STATE_BYTES = 64 << 20  # ... within this much memory (Qwen 1.5B: ~29 KB per token)
MIN_STATE_GAIN = 16  # tokens a saved state must save over the live cache to be restored


@dataclass
class _State:
    tokens: list[int]
    data: bytes


def _common(a: Any, b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class _Finished(Exception):
    """Raised inside the worker to end a generation early (consumer gone)."""


class LlamaCppBackend(LLMBackend):
    name: ClassVar[str] = "llamacpp"
    can_stream: ClassVar[bool] = True

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        top_k: int = Field(40, ge=0)
        min_p: float = Field(0.05, ge=0, le=1)
        # Qwen's recommended value; small models loop without it.
        repeat_penalty: float = Field(1.1, ge=1, le=2)
        n_batch: int = Field(512, ge=32)

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        n_ctx: int = 4096,
        n_threads: int = 0,
        model_name: str | None = None,
        options: Options | None = None,
    ) -> None:
        self.path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or (os.cpu_count() or 1)
        self._model_name = model_name or self.path.stem
        self.options = options or self.Options()
        self._llm: Any = None
        self._formatter: Any = None
        self._vocab: Any = None
        self._has_template = True
        self._executor: ThreadPoolExecutor | None = None
        self._load_lock = threading.Lock()
        self.load_seconds: float | None = None
        self.last_prompt_reused = 0  # tokens of the last prompt served from the KV cache
        self._states: list[_State] = []  # recent prompts' KV states, most recent last
        self.last_generated = 0  # tokens the last generation produced (also when cancelled)
        self.last_used = time.monotonic()
        self._active = 0  # streams in flight

    # ----- lifecycle -----

    @property
    def busy(self) -> bool:
        return self._active > 0

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self) -> None:
        """Load the model (blocking: call it in a thread). Idempotent."""
        with self._load_lock:
            if self._llm is not None:
                return
            if not self.path.is_file():
                raise BackendUnavailable(
                    f"model file {self.path} not found",
                    fix="run: council models install  (or set llm.model_path to a GGUF file)",
                )
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendUnavailable(
                    f"llama-cpp-python is not installed ({exc})",
                    fix="bash installer/install.sh  (or pip install 'council[llm]')",
                ) from exc
            t0 = time.perf_counter()
            try:
                llm = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    n_batch=self.options.n_batch,
                    logits_all=False,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise BackendUnavailable(
                    f"llama.cpp cannot load {self.path.name}: {exc}",
                    fix="the file may be damaged or not a GGUF model: run "
                    "`council models install` again, or point llm.model_path at a GGUF file",
                ) from exc
            self._has_template = bool(llm.metadata.get("tokenizer.chat_template"))
            self._formatter = _chat_formatter(llm)
            import llama_cpp

            self._vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
            self._llm = llm
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="llamacpp")
            self.load_seconds = time.perf_counter() - t0
            self.last_used = time.monotonic()
            log.info("loaded %s in %.2f s", self.path.name, self.load_seconds)

    def unload(self) -> None:
        """Free the model (blocking). The next use needs `load()` again."""
        with self._load_lock:
            llm, self._llm = self._llm, None
            ex, self._executor = self._executor, None
            self._states = []
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)
        if llm is not None:
            llm.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.unload)

    async def health(self) -> Health:
        if self._llm is not None:
            return Health(True, f"{self.path.name} loaded")
        if not self.path.is_file():
            return Health(
                False, f"model file {self.path} not found", fix="run: council models install"
            )
        return Health(True, f"{self.path.name} not loaded yet")

    async def run_on_model(self, fn: Callable[[Any], Any]) -> Any:
        """Run `fn(llama)` on the model's worker thread, after any generation in flight (the
        model is not thread-safe). For benchmarks and tests: reset the KV cache, compare with
        llama.cpp's own API."""
        if self._llm is None or self._executor is None:
            raise BackendUnavailable("local model unavailable: the model is not loaded")
        llm = self._llm
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, llm)

    async def reset_cache(self) -> None:
        """Forget the KV cache and the saved states (the next prompt is read from scratch)."""

        def reset(llm: Any) -> None:
            self._states = []
            llm.reset()

        await self.run_on_model(reset)

    # ----- tokens -----

    @property
    def context_window(self) -> int:
        return self.n_ctx

    def count_tokens(self, text: str) -> int:
        if self._llm is None:
            return super().count_tokens(text)
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _chat_tokens(self, messages: list[Message]) -> list[int]:
        res = self._formatter(messages=[m.to_dict() for m in messages])
        return list(
            self._llm.tokenize(
                res.prompt.encode("utf-8"), add_bos=not res.added_special, special=True
            )
        )

    def _fit_chat(self, messages: list[Message], max_tokens: int) -> list[int]:
        """Tokens of the chat prompt, dropping the oldest turns when it does not fit."""
        reserve = min(max_tokens, max(64, self.n_ctx // 4))
        limit = self.n_ctx - reserve
        msgs = list(messages)
        tokens = self._chat_tokens(msgs)
        while len(tokens) > limit:
            # Keep system messages and the last message; drop the oldest other one.
            idx = next(
                (i for i, m in enumerate(msgs[:-1]) if m.role != "system"),
                None,
            )
            if idx is None:
                raise BadInput(
                    f"the prompt is {len(tokens)} tokens; the model's context window is "
                    f"{self.n_ctx} tokens with {reserve} kept for the answer",
                    fix="shorten the question, or raise llm.n_ctx in Settings",
                )
            del msgs[idx]
            tokens = self._chat_tokens(msgs)
        return tokens

    def _fit_raw(self, prompt: str, max_tokens: int) -> list[int]:
        tokens = list(self._llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False))
        reserve = min(max_tokens, max(64, self.n_ctx // 4))
        if len(tokens) > self.n_ctx - reserve:
            raise BadInput(
                f"the prompt is {len(tokens)} tokens; the model's context window is "
                f"{self.n_ctx} tokens with {reserve} kept for the answer",
                fix="shorten the prompt, or raise llm.n_ctx in Settings",
            )
        return tokens

    # ----- generation -----

    def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        opts = opts or GenerationOptions()
        if not messages:
            raise BadInput("no messages to answer", fix="send at least one user message")
        stop = [*opts.stop, *self._template_stops()]
        return self._stream(lambda: self._fit_chat(messages, opts.max_tokens), opts, stop)

    def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        opts = opts or GenerationOptions()
        return self._stream(lambda: self._fit_raw(prompt, opts.max_tokens), opts, list(opts.stop))

    def _template_stops(self) -> list[str]:
        # The end-of-turn token is caught as a token (EOG); a model without a chat template
        # gets a plain transcript, which ends where the next "User:" line would start.
        return [] if self._has_template else ["\nUser:"]

    async def _stream(
        self, build: Callable[[], list[int]], opts: GenerationOptions, stop: list[str]
    ) -> AsyncIterator[Piece]:
        if self._llm is None or self._executor is None:
            raise BackendUnavailable(
                "local model unavailable: the model is not loaded",
                fix="get the backend through the LLM manager, which loads it",
            )
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def push(item: Any) -> None:
            if cancel.is_set():
                raise _Finished
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError as exc:  # the loop is gone
                raise _Finished from exc

        fut = loop.run_in_executor(self._executor, self._generate, build, opts, stop, cancel, push)
        fut.add_done_callback(_swallow)
        self._active += 1
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if item.finish_reason is not None:
                    return
        finally:
            cancel.set()
            self._active -= 1
            self.last_used = time.monotonic()

    def _generate(
        self,
        build: Callable[[], list[int]],
        opts: GenerationOptions,
        stop: list[str],
        cancel: threading.Event,
        push: Push,
    ) -> None:
        """Runs on the worker thread. Everything it produces goes through `push`."""
        try:
            if cancel.is_set():
                return
            self._generate_inner(build, opts, stop, cancel, push)
        except _Finished:
            pass
        except CouncilError as exc:
            _push_quiet(push, exc)
        except Exception as exc:  # library failure: convert at the boundary
            log.exception("llama.cpp generation failed")
            err = BackendUnavailable(
                f"local model unavailable: generation failed ({type(exc).__name__}: {exc})",
                fix="try again; if it keeps failing run `council doctor`",
            )
            err.__cause__ = exc
            _push_quiet(push, err)
        finally:
            self.last_used = time.monotonic()

    def _generate_inner(
        self,
        build: Callable[[], list[int]],
        opts: GenerationOptions,
        stop: list[str],
        cancel: threading.Event,
        push: Push,
    ) -> None:
        import codecs

        import llama_cpp
        import numpy as np

        llm = self._llm
        if llm is None:
            raise BackendUnavailable("local model unavailable: unloaded while waiting")
        tokens = build()
        prompt_len = len(tokens)
        max_new = min(opts.max_tokens, self.n_ctx - prompt_len)
        if max_new < 1:
            raise BadInput(
                f"the prompt fills the whole context window ({self.n_ctx} tokens)",
                fix="shorten the prompt, or raise llm.n_ctx in Settings",
            )
        # Tokens already in the KV cache (llama.cpp reuses them in generate()).
        self.last_generated = 0
        cached = self._restore_state(llm, tokens, _common(llm._input_ids, tokens))
        self.last_prompt_reused = cached
        n_batch = self.options.n_batch
        if len(tokens) - cached > n_batch:
            # A long new part (seconds on 2 cores): read it batch by batch so that a consumer
            # who leaves stops it; generate() then finds the whole prompt cached.
            if cached == 0:
                llm.reset()
            else:
                llm.n_tokens = cached
            for pos in range(cached, len(tokens), n_batch):
                if cancel.is_set() or self._llm is not llm:
                    raise _Finished
                llm.eval(tokens[pos : pos + n_batch])
        if opts.seed is not None:
            llm.set_seed(opts.seed)
        o = self.options
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        n_vocab = llm.n_vocab()
        pending = ""  # text held back because it may be the start of a stop sequence
        cut: int | None = None
        generated = 0
        finish = "length"
        gen = llm.generate(
            tokens,
            top_k=o.top_k if opts.temperature > 0 else 1,
            top_p=opts.top_p,
            min_p=o.min_p,
            temp=opts.temperature,
            repeat_penalty=o.repeat_penalty,
            grammar=_json_grammar(opts.json_schema),
        )
        try:
            for tok in gen:
                if cancel.is_set() or self._llm is not llm:
                    raise _Finished
                if llama_cpp.llama_vocab_is_eog(self._vocab, tok):
                    finish = "stop"
                    break
                lp: float | None = None
                if opts.logprobs:
                    logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(n_vocab,))
                    mx = float(logits.max())
                    lse = mx + math.log(float(np.exp(logits - mx).sum()))
                    lp = float(logits[tok]) - lse
                generated += 1
                self.last_generated = generated
                text = pending + decoder.decode(llm.detokenize([tok]))
                cut = _find_stop(text, stop)
                if cut is not None:
                    push(Piece(text[:cut], lp))
                    finish = "stop"
                    break
                keep = _held_back(text, stop)
                pending = text[len(text) - keep :] if keep else ""
                push(Piece(text[: len(text) - keep], lp))
                if generated >= max_new:
                    break
        finally:
            gen.close()
        if pending and cut is None:
            push(Piece(pending))
        push(Piece("", None, finish, Usage(prompt_len, generated)))
        self._save_state(llm)  # after the answer is out: it costs ~1 ms per MB

    def _restore_state(self, llm: Any, tokens: list[int], cached: int) -> int:
        """Load the saved state that shares the longest start with `tokens` when it saves
        MIN_STATE_GAIN tokens over the live cache; returns the tokens now cached."""
        import ctypes

        import llama_cpp

        best, state = cached + MIN_STATE_GAIN - 1, None
        for st in self._states:
            n = _common(st.tokens, tokens)
            if n > best:
                best, state = n, st
        if state is None:
            return cached
        buf = (ctypes.c_uint8 * len(state.data)).from_buffer_copy(state.data)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(state.data)) != len(state.data):
            log.warning("could not restore a saved KV state; reading the prompt in full")
            self._states.remove(state)
            llm.reset()
            return 0
        n = len(state.tokens)
        llm.input_ids[:n] = state.tokens
        llm.n_tokens = n
        llm._requires_eval = True  # the logits are not from a live decode
        self._states.remove(state)
        self._states.append(state)
        return best

    def _save_state(self, llm: Any) -> None:
        """Keep the KV state of the prompt just read (and its answer), replacing a saved
        state that starts the same way; at most PREFIX_STATES are kept."""
        import ctypes

        import llama_cpp

        n = int(llm.n_tokens)
        if n < MIN_STATE_GAIN:
            return
        tokens = [int(t) for t in llm.input_ids[:n]]
        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        buf = (ctypes.c_uint8 * size)()
        got = int(llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size))
        if got <= 0 or got > size or got > STATE_BYTES:
            return
        keep = [s for s in self._states if _common(s.tokens, tokens) < MIN_STATE_GAIN]
        keep = [*keep[-(PREFIX_STATES - 1) :], _State(tokens, bytes(buf)[:got])]
        while sum(len(s.data) for s in keep) > STATE_BYTES:
            keep.pop(0)
        self._states = keep


def _json_grammar(schema: dict[str, Any] | None) -> Any:
    """A llama.cpp grammar that admits only JSON matching `schema` (None: no constraint)."""
    if not schema:
        return None
    import json

    from llama_cpp.llama_grammar import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    except Exception as exc:
        raise BadInput(
            f"cannot constrain the model to this JSON schema: {exc}",
            fix="simplify the tool's input schema",
        ) from exc


def _swallow(fut: Any) -> None:
    if not fut.cancelled():
        fut.exception()


def _push_quiet(push: Push, item: Any) -> None:
    try:
        push(item)
    except _Finished:
        pass


def _find_stop(text: str, stops: list[str]) -> int | None:
    best: int | None = None
    for s in stops:
        if s:
            i = text.find(s)
            if i >= 0 and (best is None or i < best):
                best = i
    return best


def _held_back(text: str, stops: list[str]) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of a stop sequence."""
    keep = 0
    for s in stops:
        for n in range(min(len(s) - 1, len(text)), keep, -1):
            if text.endswith(s[:n]):
                keep = n
                break
    return keep


def _chat_formatter(llm: Any) -> Any:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        # A base model without a template: a plain transcript still works.
        template = (
            "{% for m in messages %}{{ m['role'] | capitalize }}: {{ m['content'] }}\n"
            "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
        )
    eos_id, bos_id = llm.token_eos(), llm.token_bos()
    eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
    bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
    return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
