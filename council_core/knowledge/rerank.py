"""Query expansion and re-ranking for document search (manuals and notes).

Users and manuals word things differently ("tarball" / "archive", "folder" / "directory",
"descending" / "reverse"): `expand_terms` adds the words manuals use to a query's terms, for
BM25 and for the lexical scores below. `rerank` orders the hybrid search's top ~20 chunks by a
local scorer that needs no model call: the cosine of the chunk's best passage (computed by the
search from stored vectors), the share of the (expanded) query terms the chunk holds, and
whether the question names the document (a command's man page, a note's title); the weights
were chosen on the dev splits of the man-page sets (bench/bench_knowledge_answers.py --direct).
"""

from __future__ import annotations

import re
from typing import Any

from .search import query_terms, term_coverage

# a user's word -> words a manual uses for it (written from general Unix/manual vocabulary)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "tarball": ("archive", "tar"),
    "tarballs": ("archive", "tar"),
    "zipped": ("compressed",),
    "unpack": ("extract",),
    "unpacking": ("extract",),
    "folder": ("directory",),
    "folders": ("directories",),
    "subfolder": ("subdirectory",),
    "subfolders": ("subdirectories",),
    "descending": ("reverse",),
    "backwards": ("reverse",),
    "utc": ("universal", "coordinated"),
    "gmt": ("universal", "coordinated"),
    "symlink": ("symbolic",),
    "symlinks": ("symbolic",),
    "soft": ("symbolic",),
    "dotfiles": ("hidden", "entries starting"),
    "insensitive": ("ignore", "case"),
    "uppercase": ("case",),
    "lowercase": ("case",),
    "recursive": ("recursively",),
    "verbose": ("debugging",),
    "debug": ("debugging", "verbose"),
    "debugging": ("verbose",),
    "quiet": ("silent", "suppress"),
    "silently": ("suppress",),
    "random": ("permutation", "shuffle"),
    "resume": ("continue", "partially"),
    "numerically": ("numerical", "numeric"),
    "numbers": ("numerical", "numeric"),
    "delete": ("remove",),
    "erase": ("remove",),
    "show": ("print", "display", "list"),
    "display": ("print", "show"),
    "deep": ("depth",),
    "deeper": ("depth",),
    "levels": ("depth",),
    "level": ("depth",),
    "keep": ("preserve",),
    "readable": ("human",),
    "default": ("defaults",),
    "count": ("number",),
    "overwrite": ("overwriting", "replace"),
    "duplicate": ("unique", "repeated"),
    "duplicates": ("unique", "repeated"),
    "ask": ("prompt", "interactive"),
    "asks": ("prompt", "interactive"),
    "asking": ("prompt", "interactive"),
    "confirm": ("prompt", "interactive"),
    "replace": ("overwrite",),
    "replaces": ("overwrite",),
    "replacing": ("overwrite",),
    "stop": ("suppress", "disable"),
    "names": ("name",),
}
# phrases, matched on the lower-cased question
PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bin[ -]place\b"), ("in-place",)),
    (re.compile(r"\bupper\s+(?:and|or)\s+lower\b"), ("ignore", "case")),
    (re.compile(r"\bhow\s+many\b"), ("number",)),
    (re.compile(r"\bnon-?standard\s+port\b"), ("port",)),
)

W_LEX = 0.35  # share of expanded query terms the chunk (with its title and section) holds
W_NAME = 0.25  # the question names the document (a command, a note's title)
W_FUSED = 0.1  # the hybrid search's own order


def term_groups(query: str, terms: list[str] | None = None) -> list[list[str]]:
    """Each content word of the query with the words manuals use for it; a phrase's words
    ("in place" -> "in-place") form a group of their own."""
    terms = list(terms if terms is not None else query_terms(query))
    groups = [[t, *(w for x in SYNONYMS.get(t, ()) for w in x.split())] for t in terms]
    low = query.lower()
    for pat, words in PHRASES:
        if pat.search(low):
            groups.append([w for x in words for w in x.split()])
    return groups


def bm25_terms(query: str) -> list[str]:
    """The query's terms, the words manuals use for them ("tarball" -> "archive"), and the
    options it names as the store indexes them ("-p" -> "optp", knowledge.chunking)."""
    from .chunking import option_terms

    return expand_terms(query, query_terms(query)) + option_terms(query).split()


def expand_terms(query: str, terms: list[str] | None = None) -> list[str]:
    """The query's content words followed by the words manuals use for them (no repeats):
    what BM25 looks for."""
    out: list[str] = []
    for g in term_groups(query, terms):
        out.extend(w for w in g if w not in out)
    return out


def coverage(groups: list[list[str]], text: str) -> float:
    """Share of the groups with a word in text (council_core.knowledge.search.term_coverage per word)."""
    if not groups:
        return 0.0
    return sum(any(term_coverage([w], text) for w in g) for g in groups) / len(groups)


def doc_name(title: str, path: str = "") -> str:
    """What a question calls a document: a man page's command ("ssh-keygen" of
    "ssh-keygen(1) — ..."), else the title before any " — " summary."""
    name = title.split(" — ", 1)[0]
    name = name.split("(", 1)[0].strip().lower()
    return name


def names_document(question: str, title: str, path: str = "") -> bool:
    """The question names the document: its command or title as whole words ("In grep, ..."
    names grep(1) but not ssh-keygen(1) for "ssh ...")."""
    name = doc_name(title, path)
    if not name or len(name) < 2:
        return False
    pat = r"(?<![\w-])" + re.escape(name) + r"(?![\w-])"
    return re.search(pat, question.lower()) is not None


def chunk_score(question: str, groups: list[list[str]], hit: Any, rank: int) -> float:
    """The local re-ranking score of one hybrid hit (higher is better)."""
    lex = coverage(groups, f"{hit.title} {hit.section} {hit.text}")
    name = 1.0 if names_document(question, hit.title, hit.path) else 0.0
    return (hit.cosine or 0.0) + W_LEX * lex + W_NAME * name + W_FUSED / (1 + rank)


def rerank(question: str, hits: list[Any], k: int = 5) -> list[Any]:
    """The best k of the hybrid search's hits by `chunk_score` (each hit's `score` is set to
    it, so callers see the order's reason)."""
    groups = term_groups(question)
    scored = [(chunk_score(question, groups, h, r), h) for r, h in enumerate(hits)]
    scored.sort(key=lambda t: t[0], reverse=True)
    out = []
    for s, h in scored[:k]:
        h.score = round(s, 5)
        out.append(h)
    return out
