"""What a chat prompt gets from conversation memory: ``context_for`` and ``MemoryContext``.

The session's recent turns, the older memories most relevant to the question (other
sessions' statements only, above a threshold), and the user's preferences, within a token
budget. ``MemoryStore.context_for`` calls this with itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .text import estimate_tokens, truncate_to_tokens

if TYPE_CHECKING:
    from .store import Hit, MemoryStore

# Older turns of the same session below this similarity stay out of the prompt (unrelated
# turns score up to ~0.3 with all-MiniLM-L6-v2; a paraphrased question 0.36-0.79).
CONTEXT_MIN_SCORE = 0.3

_QUESTION = re.compile(
    r"^\s*(what|who|whom|whose|which|when|where|why|how|is|are|was|were|do|does|did|can|"
    r"could|should|would|will|shall|may|might|has|have|had)\b|\?\s*$",
    re.IGNORECASE,
)


def _is_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


@dataclass
class MemoryContext:
    """What ``context_for`` returns for a chat prompt.

    - ``messages``: the session's most recent turns, oldest first, as
      ``{"role": "user"|"assistant", "content": str}`` (put them before the new question);
    - ``memories``: older relevant memories as short strings ("On 2026-11-20 the user said:
      ...; the answer was: ..."), best first (put them in the system prompt);
    - ``preferences``: the user's stated preferences (key -> value);
    - ``hits``: the ``Hit`` behind each memory (ids and scores);
    - ``tokens``: the estimate (``memory.text.estimate_tokens``, ~3 characters a token) of
      everything above, always <= ``budget``.
    """

    messages: list[dict[str, str]] = field(default_factory=list)
    memories: list[str] = field(default_factory=list)
    preferences: dict[str, Any] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    tokens: int = 0
    budget: int = 0


def context_for(
    store: MemoryStore,
    session: str | None,
    query: str | None,
    budget_tokens: int | None = None,
    *,
    recent_turns: int | None = None,
    k: int = 5,
) -> MemoryContext:
    """Recent turns of ``session`` plus the most relevant older memories, within
    ``budget_tokens`` (default: settings.memory.context_tokens). See ``MemoryContext``."""
    import datetime as _dt

    budget = store.context_tokens if budget_tokens is None else max(0, int(budget_tokens))
    ctx = MemoryContext(budget=budget)
    used = 0

    prefs = store.get_preferences()
    for key, value in prefs.items():
        cost = estimate_tokens(f"{key}: {value}") + 2
        if used + cost <= budget // 4:
            ctx.preferences[key] = value
            used += cost

    n_recent = store.recent_turns if recent_turns is None else recent_turns
    recent = store.log.recent(session, n_recent) if session else []
    recent_ids = [t.id for t in recent]

    hits: list[Hit] = []
    if query and query.strip() and k > 0:
        # No session: every memory is from "another" session, so the threshold applies.
        hits = store.search(
            query, k, session=session or "", exclude=recent_ids, min_score=CONTEXT_MIN_SCORE
        )
        # From other sessions, what the user *stated* is worth recalling ("my favorite
        # color is teal"); questions they asked there ("capital of Malta?") only lengthen
        # the prompt of a similar question here.
        hits = [h for h in hits if h.session == session or not _is_question(h.user)]

    def fmt(h: Hit) -> str:
        day = _dt.date.fromtimestamp(h.created).isoformat()
        return f"On {day} the user said: {h.user.strip()} — the answer was: {h.assistant.strip()}"

    pending_mem = [(h, fmt(h)) for h in hits]

    mem_used = 0

    def take_memories(limit: int) -> None:
        nonlocal used, mem_used
        limit = min(limit, used + store.recall_tokens - mem_used)
        while pending_mem:
            h, s = pending_mem[0]
            cost = estimate_tokens(s) + 2
            if used + cost > limit:
                s = truncate_to_tokens(s, min(120, limit - used - 2))
                cost = estimate_tokens(s) + 2
                if not s or used + cost > limit:
                    return
            pending_mem.pop(0)
            ctx.memories.append(s)
            ctx.hits.append(h)
            used += cost
            mem_used += cost

    take_memories(used + (budget - used) * 2 // 5)
    msgs: list[dict[str, str]] = []
    for t in reversed(recent):  # newest first, so the latest survive a small budget
        pair = [("assistant", t.assistant), ("user", t.user)]
        stop = False
        for role, content in pair:
            cost = estimate_tokens(content) + 4
            if used + cost > budget:
                content = truncate_to_tokens(content, budget - used - 4)
                cost = estimate_tokens(content) + 4
                if not content or used + cost > budget:
                    stop = True
                    break
            msgs.append({"role": role, "content": content})
            used += cost
        if stop:
            break
    msgs.reverse()
    if msgs and msgs[0]["role"] == "assistant":
        used -= estimate_tokens(msgs[0]["content"]) + 4
        msgs.pop(0)
    ctx.messages = msgs
    take_memories(budget)
    ctx.tokens = used
    return ctx
