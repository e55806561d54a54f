"""Passage selection: which stored passages of the retrieved chunks answer a question best.

Each passage's similarity to the question (computed by the search from stored vectors: no
model call here) plus a smaller lexical part (query-term coverage and the chunk's own rank);
a chosen passage grows within its paragraph so it keeps the name or number asked for.
For "how do I" questions an option's entry is preferred, and each passage is also compared
with the question's gist (`focus_text`: no "how do I", no command name), which an option's
description resembles more than the whole question does. The weights were chosen on the dev
splits of both man-page sets (57 questions; bench/bench_knowledge_answers.py): the right
option quoted 44 -> 48 of 57.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

POOL = 5  # top hits whose passages compete
LEX_W = 0.5  # weight of query-term coverage against the chunk's similarity
MIX = 0.4  # weight of that lexical score against the passage's own similarity
OPTION_W = 0.5  # prior of an option's entry (a lead line "-c, --count") for "how do I" questions
# the passage's similarity to the question's gist (lead-in and the named document dropped:
# "With grep, how do I list the names of files ..." -> "list the names of files ...") gets
# this share; an option's description matches the gist better than the whole question
FOCUS_W = 0.3
EXPAND_WORDS = 60  # a chosen passage grows within its paragraph up to this many words


@dataclass
class Passage:
    text: str  # the quoted lines, each stripped, joined by newlines
    hit: Any  # council_core.knowledge.search.SearchHit
    score: float
    lead: str = ""
    offset: int = 0  # start of the quoted text in the chunk
    end: int = 0  # its end in the chunk


def best_passages(question: str, hits: list[Any], top: int = 3, focus: Any = None) -> list[Passage]:
    """The stored passages of the top hits that answer best: each passage's similarity to
    the question (computed by the search from stored vectors: no model call here), mixed
    with its similarity to the question's gist when `focus` (that text's embedding,
    `focus_text`) is given, plus a smaller lexical part (query-term coverage and the
    chunk's own rank)."""
    import numpy as np

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
            sim = q.cosine
            if focus is not None and q.vector is not None:
                gist = float(np.dot(q.vector, np.asarray(focus, dtype=np.float32)))
                sim = (1.0 - FOCUS_W) * sim + FOCUS_W * gist
            cands.append(
                Passage(quote, h, sim + MIX * prior, q.lead, q.start - h.start, q.end - h.start)
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


_LEAD_IN = re.compile(
    r"^\s*(?:(?:with|in|using|for)\s+[\w.+-]+\s*,\s*)?"
    r"(?:how\s+(?:do|can|would|should)\s+(?:i|you|we)\s+|how\s+to\s+"
    r"|is\s+there\s+a\s+way\s+to\s+|can\s+i\s+)",
    re.IGNORECASE,
)


def focus_text(question: str, hits: list[Any]) -> str:
    """The question's gist: without its lead-in ("how do I", "With grep,") and without the
    best hit's document when the question names it ("with paste"): the words an option's
    description would use. "" when that leaves the question as it was or under two words."""
    from .rerank import doc_name, names_document

    t = _LEAD_IN.sub("", question)
    if hits and names_document(question, hits[0].title, hits[0].path):
        name = re.escape(doc_name(hits[0].title, hits[0].path))
        t = re.sub(rf"(?i)\b(?:with|in|using|for)\s+{name}(?![\w-])", "", t)
        t = re.sub(rf"(?i)(?<![\w-]){name}(?![\w-])", "", t)
    t = " ".join(t.replace("?", " ").split())
    same = " ".join(question.replace("?", " ").split())
    return t if t != same and len(t.split()) >= 2 else ""


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
    r"|^\s*(?:(?:with|in|using|for)\s+[\w.+-]+\s*,\s*)?"  # "With grep, how do I ..."
    r"(?:how\s+(?:do|can|would|should)\s+(?:i|you|we)|how\s+to|is\s+there\s+a\s+way\s+to"
    r"|can\s+\S+\s+(?:be|make))\b",
    re.IGNORECASE,
)


def asks_for_option(question: str) -> bool:
    """Whether the question asks how to do something or which option does it."""
    return _ASKS_OPTION.search(question) is not None
