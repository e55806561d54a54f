"""Text hygiene for memory: what may be stored, how questions are normalized for exact
matching, what gets embedded, and a conservative token estimate.
"""

from __future__ import annotations

import re
import unicodedata

from council_core.base.errors import BadInput

# A turn's text is stored up to this size (a pasted 1 MB log is kept); larger is refused.
MAX_TEXT_CHARS = 2_000_000
# What the embedder sees of a turn (the model reads ~256 word pieces anyway).
EMBED_CHARS = 2000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
_CONTRACTIONS = {
    "what's": "what is",
    "whats": "what is",
    "who's": "who is",
    "where's": "where is",
    "how's": "how is",
    "it's": "it is",
    "i'm": "i am",
    "don't": "do not",
    "can't": "cannot",
}
_FILLER = {"please", "pls", "hey", "hi", "so", "um", "uh", "again", "now", "tell", "me"}


def clean(value: str | bytes, what: str = "text") -> str:
    """Text that SQLite and the embedder take safely, or ``BadInput`` when it is too large.

    Bytes are decoded as UTF-8 with replacement characters; lone surrogates (from a
    non-UTF-8 file read with surrogateescape) become replacement characters; NUL and other
    control characters are dropped (newlines and tabs stay).
    """
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        raise BadInput(f"the {what} must be text, not {type(value).__name__}", fix="pass a string")
    if len(value) > MAX_TEXT_CHARS:
        raise BadInput(
            f"the {what} is {len(value) / 1e6:.1f} M characters; memory keeps at most "
            f"{MAX_TEXT_CHARS / 1e6:.0f} M per turn",
            fix="store a shorter text, or add large documents with `council ingest`",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
    return _CONTROL.sub("", value)


def normalize(question: str) -> str:
    """A key under which the same question asked again matches exactly ("What's 2+2?",
    "what is 2 + 2" -> "what is 2 2")."""
    s = unicodedata.normalize("NFKC", question).casefold().replace("’", "'")
    words = []
    for w in _SPACE.split(s.strip()):
        words.append(_CONTRACTIONS.get(w, w))
    s = _PUNCT.sub(" ", " ".join(words))
    kept = [w for w in _SPACE.split(s.strip()) if w and w not in _FILLER]
    return " ".join(kept)[:500]


def memory_text(user: str, assistant: str) -> str:
    """What is embedded for one turn: what the user said (a later question matches the
    user's own words best: "My favorite color is teal" vs "what colour do I like?" scores
    0.59 alone, 0.52 with the answer appended), plus the answer when the user's text is too
    short to stand alone ("yes", "do it")."""
    u = user.strip()[:EMBED_CHARS]
    if len(u.split()) >= 4:
        return u
    return (u + "\n" + assistant.strip()[: max(0, EMBED_CHARS - len(u))]).strip()


_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def numbers(s: str) -> list[str]:
    """The numbers in a text: two turns that differ in them are never merged as duplicates
    ("meeting at 3pm" / "meeting at 4pm" embed at 0.93)."""
    return sorted(_NUMBER.findall(s))


def estimate_tokens(s: str) -> int:
    """A deliberately high estimate (~3 characters a token; English runs ~4), so a budget
    computed with it never overflows a real tokenizer's count by much."""
    return len(s) // 3 + 1


def truncate_to_tokens(s: str, tokens: int) -> str:
    if estimate_tokens(s) <= tokens:
        return s
    keep = max(0, (tokens - 1) * 3 - 1)
    return s[:keep] + "…" if keep > 0 else ""
