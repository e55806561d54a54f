"""Tokens and token-list helpers shared by the grammar and the question parser.

Kept apart from ``grammar`` so that ``questions`` (which ``grammar`` calls for the last
sentence) and ``grammar`` do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass


class NoParse(Exception):
    """The text is outside the grammar."""


@dataclass
class Tok:
    text: str  # as typed
    low: str

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _index(toks: list[Tok], word: str) -> int | None:
    for i, t in enumerate(toks):
        if t.low == word:
            return i
    return None


def _strip(toks: list[Tok], punct: str) -> list[Tok]:
    while toks and toks[0].low == punct:
        toks = toks[1:]
    while toks and toks[-1].low == punct:
        toks = toks[:-1]
    return toks


def _split_on(toks: list[Tok], word: str) -> list[list[Tok]]:
    parts: list[list[Tok]] = [[]]
    for t in toks:
        if t.low == word:
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


_LEAD = [
    ["remember", "that"],
    ["suppose", "that"],
    ["assume", "that"],
    ["given", "that"],
    ["we", "know", "that"],
    ["it", "is", "known", "that"],
    ["suppose"],
    ["assume"],
    ["also"],
    ["and"],
    ["now"],
    ["so"],
    ["then"],
    ["therefore"],
    ["premise"],
    ["fact"],
]


def _strip_lead(toks: list[Tok]) -> list[Tok]:
    changed = True
    while changed and toks:
        changed = False
        low = [t.low for t in toks]
        for lead in _LEAD:
            if low[: len(lead)] == lead and len(low) > len(lead):
                toks = toks[len(lead) :]
                if toks and (toks[0].low.isdigit() or toks[0].low in (":", ",")):
                    toks = toks[1:]
                while toks and toks[0].low in (":", ","):
                    toks = toks[1:]
                changed = True
                break
    return toks
