"""ExLlamaV2 on a CUDA GPU: an EXL2/GPTQ model directory loaded in-process, tokens streamed.

Optional (the ``gpu`` extra). ``exllamav2`` compiles a CUDA extension at first import and, with
CPU-only torch, fails with ``OSError: CUDA_HOME ...`` after setting torch to one thread; so it
is imported only when ``torch.cuda.is_available()``, and torch's thread count is restored
afterwards whatever happens. Without CUDA the backend refuses with "needs a CUDA GPU".
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

from council_core.base.errors import BackendUnavailable, BadInput, CouncilError
from council_core.base.logs import get_logger

from .base import GenerationOptions, Health, LLMBackend, Message, Piece, Usage

log = get_logger("llm.exllama")

NEEDS_GPU = "needs a CUDA GPU"


def cuda_status() -> tuple[bool, str]:
    """(available, detail) without importing exllamav2."""
    try:
        import torch
    except ImportError:
        return False, f"{NEEDS_GPU} (torch is not installed)"
    try:
        if torch.cuda.is_available():
            return True, f"CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}"
    except Exception as exc:
        return False, f"{NEEDS_GPU} ({exc})"
    return False, f"{NEEDS_GPU} (torch {torch.__version__} sees no CUDA device)"


def import_exllamav2() -> Any:
    """Import exllamav2 only on CUDA, restoring torch's thread counts afterwards."""
    ok, detail = cuda_status()
    if not ok:
        raise BackendUnavailable(
            f"ExLlamaV2 {detail}",
            fix="use the llamacpp backend (council settings set llm.backend llamacpp)",
        )
    import torch

    threads, interop = torch.get_num_threads(), torch.get_num_interop_threads()
    try:
        import exllamav2
    except (ImportError, OSError) as exc:
        raise BackendUnavailable(
            f"exllamav2 cannot be imported: {exc}",
            fix="pip install 'council[gpu]' on a machine with the CUDA toolkit",
        ) from exc
    finally:
        torch.set_num_threads(threads)
        with _suppress_runtime():
            torch.set_num_interop_threads(interop)
    return exllamav2


class _suppress_runtime:
    """set_num_interop_threads raises once parallel work has started; that is harmless."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, typ: Any, exc: Any, tb: Any) -> bool:
        return typ is RuntimeError


class ExLlamaV2Backend(LLMBackend):
    name: ClassVar[str] = "exllamav2"
    needs_gpu: ClassVar[bool] = True

    def __init__(self, model_dir: str, *, n_ctx: int = 4096) -> None:
        self.model_dir = Path(model_dir).expanduser() if model_dir else None
        self.n_ctx = n_ctx
        self._gen: Any = None
        self._tokenizer: Any = None
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.last_used = time.monotonic()

    @property
    def loaded(self) -> bool:
        return self._gen is not None

    @property
    def model_name(self) -> str:
        return self.model_dir.name if self.model_dir else self.name

    @property
    def context_window(self) -> int:
        return self.n_ctx

    def load(self) -> None:
        with self._lock:
            if self._gen is not None:
                return
            ex = import_exllamav2()  # refuses without CUDA, before touching the model dir
            if self.model_dir is None or not (self.model_dir / "config.json").is_file():
                raise BackendUnavailable(
                    f"no EXL2/GPTQ model directory at {self.model_dir or '(unset)'}",
                    fix="set llm.exllama_model_dir to a directory with config.json and weights",
                )
            from exllamav2 import ExLlamaV2, ExLlamaV2Cache, ExLlamaV2Config, ExLlamaV2Tokenizer
            from exllamav2.generator import ExLlamaV2DynamicGenerator

            try:
                config = ExLlamaV2Config(str(self.model_dir))
                config.max_seq_len = min(self.n_ctx, config.max_seq_len)
                model = ExLlamaV2(config)
                cache = ExLlamaV2Cache(model, max_seq_len=config.max_seq_len, lazy=True)
                model.load_autosplit(cache)
                tokenizer = ExLlamaV2Tokenizer(config)
                self._gen = ExLlamaV2DynamicGenerator(model=model, cache=cache, tokenizer=tokenizer)
            except Exception as exc:
                raise BackendUnavailable(
                    f"ExLlamaV2 cannot load {self.model_dir}: {exc}",
                    fix="check the model directory (EXL2 or GPTQ) and the GPU memory",
                ) from exc
            self._tokenizer = tokenizer
            self.n_ctx = config.max_seq_len
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="exllama")
            log.info("loaded %s with exllamav2 %s", self.model_dir, ex.__version__)

    async def health(self) -> Health:
        ok, detail = cuda_status()
        if not ok:
            return Health(False, detail, "use the llamacpp backend")
        return Health(True, "loaded" if self.loaded else detail)

    def count_tokens(self, text: str) -> int:
        if self._tokenizer is None:
            return super().count_tokens(text)
        return int(self._tokenizer.encode(text).shape[-1])

    def _prompt(self, messages: list[Message]) -> str:
        # ChatML: what the Qwen and most EXL2 instruction models use.
        body = "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages)
        return body + "<|im_start|>assistant\n"

    def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        opts = opts or GenerationOptions()
        return self._stream(self._prompt(messages), opts, ["<|im_end|>", *opts.stop])

    def stream_complete(
        self, prompt: str, opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        opts = opts or GenerationOptions()
        return self._stream(prompt, opts, list(opts.stop))

    async def _stream(
        self, prompt: str, opts: GenerationOptions, stop: list[str]
    ) -> AsyncIterator[Piece]:
        if self._gen is None or self._executor is None:
            raise BackendUnavailable(f"ExLlamaV2 model not loaded ({NEEDS_GPU})")
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()

        def push(item: Any) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work() -> None:
            try:
                self._run(prompt, opts, stop, cancel, push)
            except CouncilError as exc:
                push(exc)
            except Exception as exc:
                push(BackendUnavailable(f"ExLlamaV2 generation failed: {exc}"))

        loop.run_in_executor(self._executor, work)
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if item.finish_reason:
                    return
        finally:
            cancel.set()
            self.last_used = time.monotonic()

    def _run(
        self, prompt: str, opts: GenerationOptions, stop: list[str], cancel: Any, push: Any
    ) -> None:
        from exllamav2.generator import ExLlamaV2DynamicJob, ExLlamaV2Sampler

        ids = self._tokenizer.encode(prompt, encode_special_tokens=True)
        n_prompt = int(ids.shape[-1])
        if n_prompt >= self.n_ctx:
            raise BadInput(
                f"the prompt is {n_prompt} tokens; the context window is {self.n_ctx}",
                fix="shorten the prompt",
            )
        settings = ExLlamaV2Sampler.Settings()
        settings.temperature = opts.temperature
        settings.top_p = opts.top_p
        if opts.temperature == 0:
            settings = ExLlamaV2Sampler.Settings.greedy()
        job = ExLlamaV2DynamicJob(
            input_ids=ids,
            max_new_tokens=min(opts.max_tokens, self.n_ctx - n_prompt),
            gen_settings=settings,
            stop_conditions=[self._tokenizer.eos_token_id, *stop],
            return_logits=False,
            return_probs=opts.logprobs,
            seed=opts.seed,
        )
        self._gen.enqueue(job)
        generated = 0
        while self._gen.num_remaining_jobs():
            if cancel.is_set():
                self._gen.cancel(job)
                return
            for r in self._gen.iterate():
                if r.get("stage") != "streaming":
                    continue
                text = r.get("text", "")
                lp = None
                probs = r.get("token_probs")
                if probs is not None and probs.numel():
                    import math

                    lp = math.log(max(float(probs.flatten()[-1]), 1e-12))
                ids_out = r.get("token_ids")
                generated += int(ids_out.shape[-1]) if ids_out is not None else 0
                if text:
                    push(Piece(text, lp))
                if r.get("eos"):
                    reason = "length" if r.get("eos_reason") == "max_new_tokens" else "stop"
                    push(Piece("", None, reason, Usage(n_prompt, generated)))
                    return
        push(Piece("", None, "stop", Usage(n_prompt, generated)))

    async def aclose(self) -> None:
        gen, self._gen = self._gen, None
        ex, self._executor = self._executor, None
        if ex is not None:
            ex.shutdown(wait=False, cancel_futures=True)
        if gen is not None:
            await asyncio.to_thread(_free_cuda)


def _free_cuda() -> None:
    import gc

    gc.collect()
    try:
        import torch

        torch.cuda.empty_cache()
    except Exception:
        pass
