"""The general skill ("Agent-0"): whatever no specialist can answer, answered by the LLM.

It sends a system prompt, the recent turns of the session (from conversation memory when it is
available), and the question; streams the answer as it comes; and reports a confidence derived
from the token log-probabilities of the first part of the answer (where the system prompt asks
for the final answer), mapped through a logistic calibration fitted on the labelled eval set
(bench/eval/sets/general.jsonl, dev split; see bench/bench_llm.py for the reliability table).

A paid backend (a non-loopback endpoint) is never called from here: the request is handed to
the cloud escalation hook, which asks for approval and records the cost in the ledger.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from council_core.base.errors import BackendUnavailable, BadInput, CouncilError
from council_core.base.logs import get_logger
from council_core.base.result import Chunk, Progress, SkillAnswer
from council_core.base.status import ComponentStatus
from council_core.llm.base import GenerationOptions, Message
from council_core.skill import Emit, Query, Skill, _drop

log = get_logger("skills.general")

SYSTEM_PROMPT = (
    "You are Council, a helpful assistant running on the user's own computer. "
    "Give the final answer first, in plain text, in a short first sentence; then add a brief "
    "explanation only if it helps. Do not use LaTeX or Markdown math. "
    "If you are not sure, say so."
)

CONTINUE_PROMPT = (
    "Your answer above was cut off. Continue it exactly where it stopped; do not repeat "
    "anything you already wrote."
)

# Added when the question asks to remember something: the model stores nothing.
NO_STORE_PROMPT = (
    " You cannot store facts or notes: never say that you noted, saved or stored something, "
    "and never cite fact numbers."
)
REMEMBER_NOTE = (
    "nothing was stored as a fact: the logic skill stores relations such as "
    "'remember that Bob is Alice's brother'; `council facts list` shows what is stored"
)
_REMEMBER_ASK = re.compile(r"^\W*(?:\w+\W+){0,4}?remember\b", re.I)

# How many answer tokens the confidence looks at: the final answer comes first.
CONF_TOKENS = 8
# Logistic calibration conf = sigmoid(A + B * mean_logprob(first CONF_TOKENS tokens)),
# fitted on the dev split of bench/eval/sets/general.jsonl with the default model
# (bench/bench_llm.py --calibrate prints the fit and the reliability table).
CALIB_A = 3.18
CALIB_B = 5.48


def confidence_from_logprobs(logprobs: Iterable[float] | None) -> float:
    lps = list(logprobs or [])[:CONF_TOKENS]
    if not lps:
        return 0.5  # the backend gave none: neither sure nor unsure
    mean = sum(lps) / len(lps)
    z = CALIB_A + CALIB_B * mean
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class GeneralSkill(Skill):
    name: ClassVar[str] = "general"
    description: ClassVar[str] = "Anything else, answered by the language model."
    threshold: ClassVar[float] = 0.0
    confident_at: ClassVar[float] = 0.5
    can_stream: ClassVar[bool] = True
    is_fallback: ClassVar[bool] = True

    def score(self, query: Query) -> float:
        return 0.1  # the last resort: tried after every specialist

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        manager = self.ctx.llm
        status = manager.status() if hasattr(manager, "status") else {}
        if status and not status.get("loaded") and not status.get("down"):
            # The model's name, never its file path (it widened the answer card).
            emit(Progress("loading model", message=str(status.get("name") or "")))
        backend = await manager.backend("general")
        if backend.is_paid:
            self._refuse_paid(backend)
        s = self.ctx.settings.llm
        opts = GenerationOptions(max_tokens=s.max_tokens, temperature=s.temperature, logprobs=True)
        check_fits(query.text, backend, opts.max_tokens)
        messages = self.build_messages(query, backend, opts.max_tokens)
        remember = bool(_REMEMBER_ASK.match(query.text))
        if remember:
            messages[0] = Message("system", SYSTEM_PROMPT + NO_STORE_PROMPT)
        guard = ClaimGuard()
        parts: list[str] = []
        logprobs: list[float] = []
        usage = None
        finish = "stop"
        async for piece in backend.stream_chat(messages, opts):
            # Leading whitespace tokens say nothing about the answer.
            if piece.logprob is not None and (parts or piece.text.strip()):
                logprobs.append(piece.logprob)
            if piece.text and (parts or piece.text.strip()):
                parts.append(piece.text)
                shown = guard.feed(piece.text)
                if shown:
                    emit(Chunk(shown))
            if piece.usage is not None:
                usage = piece.usage
            if piece.finish_reason:
                finish = piece.finish_reason
        rest = guard.flush()
        if rest:
            emit(Chunk(rest))
        text = guard.text.strip()
        if not text and "".join(parts).strip():
            text = "(the model's answer only claimed to store a fact; nothing was stored)"
        if not text:
            raise BackendUnavailable(
                f"local model unavailable: {backend.model_name} returned an empty answer",
                fix="ask again or rephrase; if it keeps happening run `council doctor`",
            )
        notes = []
        if remember or guard.stripped:
            notes.append(REMEMBER_NOTE)
        if finish == "length":
            notes.append(f"answer cut at {opts.max_tokens} tokens (llm.max_tokens)")
        return SkillAnswer(
            text,
            confidence=round(confidence_from_logprobs(logprobs), 4),
            notes=notes,
            data={
                "model": backend.model_name,
                "prompt_tokens": usage.prompt_tokens if usage else None,
                "completion_tokens": usage.completion_tokens if usage else None,
                "mean_logprob": (sum(logprobs[:CONF_TOKENS]) / min(len(logprobs), CONF_TOKENS))
                if logprobs
                else None,
            },
        )

    # ----- prompt -----

    def build_messages(self, query: Query, backend: Any, max_tokens: int) -> list[Message]:
        messages = [Message("system", SYSTEM_PROMPT)]
        turns, recalled = self._memory_context(query, backend, max_tokens)
        if not turns:
            # A caller that keeps its own history (the OpenAI API of `council serve`).
            turns = _history(query.options.get("history"))
        messages.extend(turns)
        question = query.text
        if recalled:
            question = (
                "Things you may need from earlier conversations:\n"
                + "\n".join(f"- {r}" for r in recalled)
                + f"\n\n{query.text}"
            )
        messages.append(Message("user", question))
        partial = query.options.get("continue_from")
        if isinstance(partial, str) and partial.strip():
            # "Continue" after an answer was cut: the model sees what it wrote and goes on.
            messages.append(Message("assistant", partial))
            messages.append(Message("user", CONTINUE_PROMPT))
        return messages

    def _memory_context(
        self, query: Query, backend: Any, max_tokens: int
    ) -> tuple[list[Message], list[str]]:
        settings = self.ctx.settings.memory
        if not settings.enabled or not query.session or settings.context_tokens <= 0:
            return [], []
        try:
            window = int(backend.context_window)
            budget = min(
                settings.context_tokens,
                max(0, window - max_tokens - backend.count_tokens(query.text) - 200),
            )
            if budget <= 0:
                return [], []
            res = self.ctx.memory.context_for(query.session, query.text, budget)
            if inspect.isawaitable(res):
                # context_for is synchronous in the memory API; tolerate an async one.
                raise _AsyncContext(res)
            return _context_messages(res)
        except _AsyncContext as wrapped:
            wrapped.res.close()
            log.warning("memory.context_for returned a coroutine; ignoring it")
        except CouncilError as exc:
            log.info("answering without conversation memory: %s", exc.message)
        except Exception as exc:  # memory must never take the answer down
            log.warning("answering without conversation memory: %s: %s", type(exc).__name__, exc)
        return [], []

    def _refuse_paid(self, backend: Any) -> None:
        try:
            self.ctx.service("cloud")
        except CouncilError as exc:
            raise BackendUnavailable(
                f"the general model {backend.model_name} is a paid cloud endpoint, and the cloud "
                f"service that approves and records paid requests is unavailable ({exc.message})",
                fix="use a local model (council settings set llm.backend llamacpp), or install "
                "the cloud component",
            ) from exc
        # Every paid call goes through the cloud escalation hook: approval, budget, ledger.
        raise BackendUnavailable(
            f"the general model {backend.model_name} is a paid cloud endpoint: it is only "
            "called through cloud escalation, with your approval",
            fix="approve the escalation, or use a local model "
            "(council settings set llm.backend llamacpp)",
        )

    def doctor(self) -> list[ComponentStatus]:
        return []


class ClaimGuard:
    """Removes claims of stored facts ("(fact #2)", "stored as fact #3") from streamed model
    text: only the component that stored something may say so, and the general model stores
    nothing. Text that may be the start of such a claim is held back until it is decided."""

    _CLAIM = re.compile(
        r"\s*\((?:(?:stored|saved|noted|kept)\s+)?(?:as\s+)?facts?\s*#\s*\d+"
        r"(?:\s*(?:,|and)\s*#?\s*\d+)*\)"
        r"|\s*\b(?:(?:stored|saved|noted|kept)\s+)?(?:as\s+)?facts?\s*#\s*\d+"
        r"(?:\s*(?:,|and)\s*#?\s*\d+)*",
        re.I,
    )
    # an unclosed "(" near the end, or the start of "fact #12" / "stored as fact #"
    _HOLD = re.compile(
        r"(?:\s*\([^()]{0,40}|\s*\b(?:(?:stored|saved|noted|kept|as)\s*)*"
        r"f(?:a(?:c(?:ts?(?:\s*#?\s*\d*)?)?)?)?(?:\s*(?:,|and)\s*#?\s*\d*)*|\s+)$",
        re.I,
    )

    def __init__(self) -> None:
        self._held = ""
        self._out: list[str] = []
        self.stripped = 0

    def feed(self, piece: str) -> str:
        self._held += piece
        m = self._HOLD.search(self._held)
        cut = m.start() if m else len(self._held)
        ready, self._held = self._held[:cut], self._held[cut:]
        return self._clean(ready)

    def flush(self) -> str:
        ready, self._held = self._held, ""
        return self._clean(ready)

    @property
    def text(self) -> str:
        return "".join(self._out)

    def _clean(self, s: str) -> str:
        s, n = self._CLAIM.subn("", s)
        self.stripped += n
        self._out.append(s)
        return s


def check_fits(text: str, backend: Any, max_tokens: int) -> None:
    """A question the model cannot read at all (longer than its context, or a long run of
    symbols) is a clear error at once, not a long wait for a timeout (a 5,000-character line
    of "(" used to wait 60 s)."""
    if len(text) >= 200 and sum(ch.isalnum() for ch in text) < 0.1 * len(text):
        # 5,000 "(" fit in the context (1,250 tokens) but the model reads them for seconds
        # and then answers with more of them until the time limit.
        raise BadInput(
            f"the question is {len(text):,} characters of mostly symbols, with almost no "
            "words or numbers in it",
            fix="ask in words, or for math type the expression itself (e.g. 2*(3+4))",
        )
    window = int(backend.context_window)
    room = window - max_tokens - backend.count_tokens(SYSTEM_PROMPT) - 16
    n = backend.count_tokens(text)
    if n > room:
        raise BadInput(
            f"the question is too long for the model: {n:,} tokens, and "
            f"{backend.model_name} reads at most {max(room, 0):,} tokens of question "
            f"(context {window:,} tokens, {max_tokens} kept for the answer)",
            fix="shorten it; for a long text, save it to a file, add it with "
            "`council ingest FILE` and ask about it; or raise llm.n_ctx in Settings",
        )


def _history(raw: Any) -> list[Message]:
    out: list[Message] = []
    for m in raw or []:
        if isinstance(m, dict) and m.get("role") in ("user", "assistant"):
            out.append(Message(m["role"], str(m.get("content") or "")))
    return out


class _AsyncContext(Exception):
    def __init__(self, res: Any) -> None:
        super().__init__("async context_for")
        self.res = res


def _text_of(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return str(item.get("text") or item.get("content") or "")
    return str(getattr(item, "text", None) or getattr(item, "content", None) or "")


def _turn_messages(turn: Any) -> list[Message]:
    """One stored turn (user + assistant) or one chat message, as chat messages."""
    get = turn.get if isinstance(turn, dict) else lambda k, d=None: getattr(turn, k, d)
    role = get("role")
    if role in ("user", "assistant") and get("content") is not None:
        return [Message(role, str(get("content")))]
    out = []
    user, assistant = get("user"), get("assistant")
    if user:
        out.append(Message("user", str(user)))
    if assistant:
        out.append(Message("assistant", str(assistant)))
    return out


def _context_messages(res: Any) -> tuple[list[Message], list[str]]:
    """Adapt what memory returns: recent turns as chat messages (a stable prefix, so the KV
    cache is reused turn after turn), recalled older memories as text for the question."""
    if res is None:
        return [], []
    if isinstance(res, str):
        return [], ([res.strip()] if res.strip() else [])
    get = res.get if isinstance(res, dict) else lambda k, d=None: getattr(res, k, d)
    if isinstance(res, list | tuple):
        turns_src: Any = res
        recalled_src: Any = []
    else:
        turns_src = get("turns") or get("recent") or get("messages") or []
        recalled_src = get("memories") or get("recalled") or get("relevant") or []
    turns: list[Message] = []
    for t in turns_src:
        turns.extend(_turn_messages(t))
    recalled = [s for s in (_text_of(r).strip() for r in recalled_src) if s]
    return turns, recalled
