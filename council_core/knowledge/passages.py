"""Passage selection: which stored passages of the retrieved chunks answer a question best.

Each passage's similarity to the question (computed by the search from stored vectors: no
model call here) plus a smaller lexical part (query-term coverage and the chunk's own rank);
a chosen passage grows within its paragraph so it keeps the name or number asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

POOL = 5  # top hits whose passages compete
LEX_W = 0.5  # weight of query-term coverage against the chunk's similarity
MIX = 0.25  # weight of that lexical score against the passage's own similarity
OPTION_W = 0.1  # prior of an option's entry (a lead line "-c, --count") for "how do I" questions
EXPAND_WORDS = 60  # a chosen passage grows within its paragraph up to this many words


@dataclass
class Passage:
    text: str  # the quoted lines, each stripped, joined by newlines
    hit: Any  # council_core.knowledge.search.SearchHit
    score: float
    lead: str = ""
    offset: int = 0  # start of the quoted text in the chunk
    end: int = 0  # its end in the chunk


def best_passages(question: str, hits: list[Any], top: int = 3) -> list[Passage]:
    """The stored passages of the top hits that answer best: each passage's similarity to
    the question (computed by the search from stored vectors: no model call here) plus a
    smaller lexical part (query-term coverage and the chunk's own rank)."""
    from .rerank import coverage, term_groups

    groups = term_groups(question)
    option = asks_for_option(question)
    cands: list[Passage] = []
    for rank, h in enumerate(hits[:POOL]):
        title = " ".join(h.title.lower().split())
        for q in h.passages:
            quote = _tidy(q.text)
            if not any(c.isalpha() for c in quote):
                continue
            flat = " ".join(quote.split()).lower()
            if len(flat.split()) < 12 and flat.split(" - ")[-1] in title:
                continue  # the page's one-line summary: already in the answer's header
            lex = coverage(groups, f"{q.lead} {quote}")
            prior = LEX_W * lex + h.score - 0.03 * rank
            if option and (q.lead or quote).lstrip().startswith("-"):
                prior += OPTION_W  # asked how to do something: an option's entry answers it
            cands.append(
                Passage(
                    quote, h, q.cosine + MIX * prior, q.lead, q.start - h.start, q.end - h.start
                )
            )
    if not cands:
        return [Passage(h.text, h, h.cosine or 0.0) for h in hits[:top]]
    cands.sort(key=lambda p: p.score, reverse=True)
    out: list[Passage] = []
    for c in cands:
        if EXPAND_WORDS:
            _expand(c, EXPAND_WORDS)
        if not any(o.hit is c.hit and o.offset <= c.offset and c.end <= o.end for o in out):
            out.append(c)  # (a passage inside one already taken adds nothing)
        if len(out) == top:
            break
    return out


def _tidy(text: str) -> str:
    """Lines kept (tables, lists), each with its spacing collapsed; blank lines dropped."""
    return "\n".join(x for x in (" ".join(y.split()) for y in text.split("\n")) if x)


def _expand(p: Passage, words: int) -> None:
    """Grow p with the neighbouring passages of its paragraph (the sentences around it),
    while the whole stays within `words`: a passage cut out of a paragraph can miss the
    name or number that the question asks for."""
    h = p.hit
    ps = sorted(h.passages, key=lambda x: x.start)
    at = [j for j, x in enumerate(ps) if x.start - h.start == p.offset]
    if not at:
        return
    lo = hi = at[0]
    n = len(p.text.split())

    def joined(a: int, b: int) -> bool:  # no blank line between passages a and a+1 .. b
        return "\n\n" not in h.text[ps[a].end - h.start : ps[b].start - h.start]

    grown = True
    while grown:
        grown = False
        if hi + 1 < len(ps) and joined(hi, hi + 1) and n + len(ps[hi + 1].text.split()) <= words:
            hi += 1
            n += len(ps[hi].text.split())
            grown = True
        if lo > 0 and joined(lo - 1, lo) and n + len(ps[lo - 1].text.split()) <= words:
            lo -= 1
            n += len(ps[lo].text.split())
            grown = True
    if (lo, hi) == (at[0], at[0]):
        return
    span = h.text[ps[lo].start - h.start : ps[hi].end - h.start]
    p.text = _tidy(span)
    p.offset, p.end = ps[lo].start - h.start, ps[hi].end - h.start
    if lo < at[0]:
        p.lead = ps[lo].lead


_ASKS_OPTION = re.compile(
    r"\b(?:option|options|flag|flags|switch|argument|parameter)\b"
    r"|^\s*(?:how\s+(?:do|can|would|should)\s+(?:i|you|we)|how\s+to|can\s+\S+\s+(?:be|make))\b",
    re.IGNORECASE,
)


def asks_for_option(question: str) -> bool:
    """Whether the question asks how to do something or which option does it."""
    return _ASKS_OPTION.search(question) is not None
