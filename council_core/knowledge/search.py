"""Retrieval over the document store: BM25 (SQLite FTS5), vectors (FAISS), and both fused
with reciprocal rank fusion. Every hit carries its source: path, locator, text, scores.

It takes what it reads (the SQLite engine, the vector index, the query's embedding), not the
store, so it does not import ``documents`` (which calls it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

RRF_K = 20  # chosen on the dev split of the man-page questions (10 and 60 tried)
CANDIDATES = 40  # chunks taken from each ranking before fusion
PASSAGES_PER_CHUNK = 4  # vector candidates: this many passages per wanted chunk
# FTS5 column weights: title, section, body
BM25_WEIGHTS = (4.0, 1.5, 1.0)

_STOP_TEXT = """a about above after again all am an and any are as at be because been before being
    below between both but by can could did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself tell know want wants
    need please way get make use using used say says does thing things one ones also us
    according documents document docs notes files file"""
STOPWORDS = frozenset(_STOP_TEXT.split())
_TERM = re.compile(r"[\w][\w'.+-]*\w|\w")


@dataclass
class PassageHit:
    """A passage of a hit: its text (from the chunk), offsets in the document, the
    definition line it belongs to, and its cosine with the query."""

    text: str
    start: int
    end: int
    lead: str
    cosine: float
    vector: Any = None  # the stored embedding (numpy float32), for a second query (passages)


@dataclass
class SearchHit:
    chunk_id: int
    path: str
    title: str
    format: str
    text: str
    section: str
    page: int | None
    start: int
    end: int
    line_start: int | None
    line_end: int | None
    score: float
    bm25_rank: int | None = None
    vector_rank: int | None = None
    cosine: float | None = None  # of the chunk's best passage
    passages: list[PassageHit] = field(default_factory=list)  # best first

    @property
    def locator(self) -> str:
        bits = []
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.section:
            bits.append(f"section {self.section}")
        if self.line_start is not None:
            if self.line_end and self.line_end != self.line_start:
                bits.append(f"lines {self.line_start}-{self.line_end}")
            else:
                bits.append(f"line {self.line_start}")
        return ", ".join(bits)

    @property
    def snippet(self) -> str:
        """What to show of the hit: its passage closest to the query (with the definition
        line it belongs to), or the chunk itself when the query was not embedded (BM25)."""
        if self.cosine is None or not self.passages:
            return self.text
        p = self.passages[0]
        return f"{p.lead}\n{p.text}" if p.lead else p.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "locator": self.locator,
            "score": round(self.score, 5),
            "cosine": None if self.cosine is None else round(self.cosine, 4),
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "snippet": self.snippet,
        }


def query_terms(query: str) -> list[str]:
    """The content words of a query, lower-cased, stopwords dropped, order kept, unique."""
    seen: list[str] = []
    for m in _TERM.finditer(query.lower()):
        t = m.group(0).strip("'.")
        if t.endswith("'s"):
            t = t[:-2]
        if len(t) < 2 and not t.isdigit():
            continue
        if t in STOPWORDS or t in seen:
            continue
        seen.append(t)
    return seen


def fts_query(terms: list[str]) -> str:
    # each term quoted (FTS5 syntax cannot be injected); '-' and '.' become phrase tokens
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms)


def _bm25(engine: Engine, terms: list[str], limit: int) -> list[int]:
    if not terms:
        return []
    w = ", ".join(str(x) for x in BM25_WEIGHTS)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? "
            f"ORDER BY bm25(chunks_fts, {w}) LIMIT ?",
            (fts_query(terms), limit),
        ).all()
    return [int(r[0]) for r in rows]


def search_chunks(
    engine: Engine,
    query: str,
    k: int,
    mode: str,
    *,
    index: Callable[[], Any],
    embed: Callable[[str], Any],
    terms: Callable[[str], list[str]] | None = None,
) -> list[SearchHit]:
    """Best chunks for `query` by "bm25", "vector" or "hybrid". ``index()`` gives the passage
    vector index and ``embed(query)`` the query's vector; both are called only when vectors
    are needed (BM25 alone loads no model). ``terms(query)`` gives the BM25 terms (default:
    the query's content words; the store passes ``rerank.bm25_terms``, which expands them)."""
    import numpy as np

    if mode not in ("hybrid", "bm25", "vector"):
        from council_core.base.errors import BadInput

        raise BadInput(f"unknown search mode {mode!r}", fix="use hybrid, bm25 or vector")
    query = query.strip()
    if not query:
        return []
    n = max(k, CANDIDATES)
    bm_terms = (terms or query_terms)(query)
    bm: list[int] = _bm25(engine, bm_terms, n) if mode != "vector" else []
    vec: list[tuple[int, float]] = []  # (chunk id, its best passage's cosine), best first
    qv = None
    if mode != "bm25":
        qv = embed(query)
        vec = _best_chunks(engine, index().search(qv, n * PASSAGES_PER_CHUNK)[0], n)
    fused: dict[int, float] = {}
    for r, cid in enumerate(bm):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r + 1)
    for r, (cid, _s) in enumerate(vec):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r + 1)
    ranked = sorted(fused.items(), key=lambda t: t[1], reverse=True)[:k]
    if not ranked:
        return []
    if bm and vec and k >= 2 and vec[0][0] not in dict(ranked):
        # the closest passage's chunk always makes the list: chunks that both rankings
        # place middling would otherwise bury it when BM25 misses the question's wording
        ranked[-1] = (vec[0][0], fused[vec[0][0]])
    ids = [cid for cid, _ in ranked]
    marks = ",".join("?" * len(ids))
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT c.id, d.path, d.title, d.format, c.text, c.section, c.page, c.start, "
            "c.end, c.line_start, c.line_end FROM chunks c JOIN documents d "
            f"ON d.id = c.doc_id WHERE c.id IN ({marks})",
            tuple(ids),
        ).all()
        prow = conn.exec_driver_sql(
            "SELECT chunk_id, start, end, lead, vector FROM passages "
            f"WHERE chunk_id IN ({marks}) ORDER BY id",
            tuple(ids),
        ).all()
    by_id = {int(r[0]): r for r in rows}
    parts: dict[int, list[PassageHit]] = {}
    if prow:
        sims = [0.0] * len(prow)  # bm25 alone needs no model: passages stay in text order
        mat_rows = None
        if qv is not None:
            mat = np.frombuffer(b"".join(r[4] for r in prow), dtype=np.float32)
            mat_rows = mat.reshape(len(prow), -1)
            sims = (mat_rows @ np.asarray(qv, dtype=np.float32)).tolist()
        for i, (pr, sim) in enumerate(zip(prow, sims, strict=True)):
            c = by_id.get(int(pr[0]))
            if c is not None:
                t = c[4][pr[1] - c[7] : pr[2] - c[7]]
                vec_i = mat_rows[i] if mat_rows is not None else None
                parts.setdefault(int(pr[0]), []).append(
                    PassageHit(t, pr[1], pr[2], pr[3], sim, vec_i)
                )
    bm_rank = {cid: i + 1 for i, cid in enumerate(bm)}
    vec_rank = {cid: i + 1 for i, (cid, _) in enumerate(vec)}
    hits = []
    for cid, fused_score in ranked:
        row = by_id.get(cid)
        if row is None:  # removed while searching
            continue
        ps = sorted(parts.get(cid, []), key=lambda p: p.cosine, reverse=True)
        hits.append(
            SearchHit(
                chunk_id=cid,
                path=row[1],
                title=row[2],
                format=row[3],
                text=row[4],
                section=row[5],
                page=row[6],
                start=row[7],
                end=row[8],
                line_start=row[9],
                line_end=row[10],
                score=fused_score,
                bm25_rank=bm_rank.get(cid),
                vector_rank=vec_rank.get(cid),
                cosine=ps[0].cosine if ps and qv is not None else None,
                passages=ps,
            )
        )
    return hits


def _best_chunks(engine: Engine, found: list[tuple[int, float]], n: int) -> list[tuple[int, float]]:
    """Passage hits (id, cosine) -> the chunks they belong to, each at its best passage."""
    if not found:
        return []
    marks = ",".join("?" * len(found))
    with engine.connect() as conn:
        owner: dict[int, int] = dict(
            conn.exec_driver_sql(
                f"SELECT id, chunk_id FROM passages WHERE id IN ({marks})",
                tuple(int(pid) for pid, _ in found),
            ).all()
        )
    best: dict[int, float] = {}
    for pid, sim in found:
        cid = owner.get(int(pid))
        if cid is not None and cid not in best:
            best[cid] = float(sim)
    return list(best.items())[:n]


_SUFFIXES = (
    "ations", "ation", "ally", "ings", "ing", "ions", "ion", "ers", "er", "ed", "es", "ly", "s"
)  # fmt: skip


def stem(word: str) -> str:
    """A light suffix stripper (serviced, services, servicing -> servic), applied alike to
    query terms and text, so coverage agrees with FTS5's porter matching on common forms."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


_WORDS = re.compile(r"[\w][\w'.+-]*\w|\w")


def term_coverage(terms: list[str], text: str) -> float:
    """Share of the terms found in text: by stem, or as a prefix substring (like FTS5's
    porter stems; it also finds terms such as "--all" or "day" in "Tuesday")."""
    if not terms:
        return 0.0
    low = text.lower()
    stems = {stem(m.group(0).strip("'.")) for m in _WORDS.finditer(low)}
    found = sum(
        1
        for t in terms
        if stem(t) in stems or (t[: max(4, len(t) - 2)] if len(t) > 4 else t) in low
    )
    return found / len(terms)


def fts_probe(engine: Engine, query: str) -> float:
    terms = query_terms(query)
    if not terms:
        return 0.0
    w = ", ".join(str(x) for x in BM25_WEIGHTS)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT title, section, body FROM chunks_fts WHERE chunks_fts MATCH ? "
            f"ORDER BY bm25(chunks_fts, {w}) LIMIT 3",
            (fts_query(terms),),
        ).all()
    best = 0.0
    for title, section, body in rows:
        best = max(best, term_coverage(terms, f"{title} {section} {body}"))
    return best
