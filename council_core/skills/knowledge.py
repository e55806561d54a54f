"""The knowledge skill: questions about the user's own documents, answered with sources.

Routing is cheap: text cues ("in my notes", "according to ...") plus an FTS5 probe of the
document store (no model). Answering retrieves with hybrid search (BM25 + vectors), then
either phrases an answer from the best passages with the local LLM (short context: prompt
reading is the slow part on CPU) or, when the model is off or missing, quotes the best
passage. Every answer carries its sources; when retrieval finds nothing relevant the skill
says so with low confidence, so the router can try another skill.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from council_core.errors import CouncilError, UserFacingError
from council_core.logs import get_logger
from council_core.result import Chunk, SkillAnswer, Source
from council_core.skill import Emit, Query, Skill, _drop

log = get_logger(__name__)

NOT_FOUND = "I don't find that in your documents."
# Retrieval relevance (cosine of query and chunk) below which nothing counts as found.
FOUND_COSINE = 0.33
PASSAGE_WORDS = 90  # longest quoted passage
LLM_PASSAGES = 2  # passages given to the model (~250 prompt tokens)

_CUE = re.compile(
    r"\b(?:(?:in|from|within|search|check|across)\s+(?:my|our|the)\s+"
    r"(?:own\s+)?(?:documents?|docs|notes|files|papers|pdfs?|manuals?|man\s?pages?|"
    r"knowledge\s?base|library|folder|ingested)"
    r"|according\s+to\s+(?:my|the|our)\b"
    r"|(?:my|our)\s+(?:documents?|docs|notes|files|pdfs?|papers)\s+(?:say|said|mention)"
    r"|what\s+do\s+(?:my|the)\s+(?:documents?|docs|notes|files)\s+say"
    r"|man\s?page\s+(?:of|for)"
    r")",
    re.IGNORECASE,
)


@dataclass
class Passage:
    text: str
    hit: Any  # memory.search.SearchHit
    score: float


class KnowledgeSkill(Skill):
    name = "knowledge"
    description = "Answers from your own documents (PDF, DOCX, HTML, Markdown, ...) with sources."
    threshold = 0.5
    confident_at = 0.5
    can_stream = True

    # ----- routing -----

    def score(self, query: Query) -> float:
        cue = bool(_CUE.search(query.text))
        try:
            store = self.ctx.documents
            probe = float(store.probe(query.text))
        except CouncilError:
            return 0.6 if cue else 0.0
        except Exception as exc:  # a damaged store must not break routing
            log.warning("knowledge probe failed: %s", exc)
            return 0.6 if cue else 0.0
        if cue:
            return 0.9 if probe > 0 else 0.6
        from memory.search import query_terms

        n = len(query_terms(query.text))
        if n >= 2 and probe >= 0.99:
            return 0.6
        if n >= 3 and probe >= 0.75:
            return 0.52
        return round(0.45 * probe, 3)

    # ----- answering -----

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        store = self.ctx.documents
        docs, _chunks = await asyncio.to_thread(store.count)
        if docs == 0:
            return SkillAnswer(
                f"{NOT_FOUND} No documents are ingested yet; add some with: "
                "council ingest PATH (or drop files on the Council window).",
                confidence=0.1,
            )
        hits = await asyncio.to_thread(store.search, query.text, 5, "hybrid")
        relevance = _relevance(hits)
        if relevance < FOUND_COSINE:
            return SkillAnswer(
                NOT_FOUND,
                confidence=0.15,
                sources=[_source(h, h.text) for h in hits[:2]],
                notes=["the closest passages are listed as sources"] if hits else [],
                data={"relevance": relevance},
            )
        passages = await asyncio.to_thread(best_passages, store, query.text, hits)
        confidence = min(0.95, 0.55 + (relevance - FOUND_COSINE) * 1.2)
        sources = _sources(passages, hits)
        notes: list[str] = []
        if self.ctx.settings.knowledge.generate_answers:
            try:
                text = await self._generate(query.text, passages, emit)
            except UserFacingError as exc:
                notes.append(f"quoted the best passage: the local model is unavailable ({exc})")
                text = ""
            if text:
                if NOT_FOUND.lower().rstrip(".") in text.lower():
                    confidence = min(confidence, 0.3)
                return SkillAnswer(
                    text, confidence=confidence, sources=sources, notes=notes,
                    data={"relevance": relevance, "mode": "generated"},
                )  # fmt: skip
        text = extractive_answer(passages[0])
        emit(Chunk(text))
        return SkillAnswer(
            text,
            confidence=confidence,
            sources=sources,
            notes=notes,
            data={"relevance": relevance, "mode": "extractive"},
        )

    async def _generate(self, question: str, passages: list[Passage], emit: Emit) -> str:
        from council_core.llm.base import GenerationOptions, Message

        llm = await self.ctx.llm.backend("knowledge")
        context = "\n".join(
            f"[{i}] ({p.hit.title}, {p.hit.locator or 'start'}) {p.text}"
            for i, p in enumerate(passages[:LLM_PASSAGES], 1)
        )
        messages = [
            Message(
                "system",
                "Answer the question using only the numbered passages from the user's "
                "documents. Answer in one to three sentences and cite passages like [1]. If "
                f"the passages do not contain the answer, reply exactly: {NOT_FOUND}",
            ),
            Message("user", f"Passages:\n{context}\n\nQuestion: {question}"),
        ]
        opts = GenerationOptions(
            max_tokens=min(200, self.ctx.settings.llm.max_tokens),
            temperature=0.1,
        )
        parts: list[str] = []
        async for piece in llm.stream_chat(messages, opts):
            if piece.text:
                parts.append(piece.text)
                emit(Chunk(piece.text))
        return "".join(parts).strip()

    def doctor(self) -> list[Any]:
        from council_core.skill import ComponentStatus

        try:
            docs, chunks = self.ctx.documents.count()
        except CouncilError as exc:
            return [ComponentStatus("knowledge", False, exc.message, exc.fix)]
        return [
            ComponentStatus(
                "knowledge",
                True,
                f"{docs} documents, {chunks} chunks",
                None if docs else "add documents with: council ingest PATH",
                optional=True,
            )
        ]


def _relevance(hits: list[Any]) -> float:
    return max((h.cosine or 0.0 for h in hits[:3]), default=0.0)


def _source(hit: Any, snippet: str) -> Source:
    snip = " ".join(snippet.split())
    return Source(hit.path, hit.locator, snip[:300], round(hit.cosine or hit.score, 4))


def _sources(passages: list[Passage], hits: list[Any]) -> list[Source]:
    out: list[Source] = []
    seen: set[int] = set()
    for p in passages[:LLM_PASSAGES]:
        if p.hit.chunk_id not in seen:
            seen.add(p.hit.chunk_id)
            out.append(_source(p.hit, p.text))
    for h in hits[:3]:
        if h.chunk_id not in seen:
            seen.add(h.chunk_id)
            out.append(_source(h, h.text))
    return out


# ----- passage selection -----

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'`-])")


def _pieces(text: str) -> list[str]:
    """Paragraphs of a chunk; long ones cut into sentence windows of <= PASSAGE_WORDS."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        words = para.split()
        if len(words) <= PASSAGE_WORDS:
            out.append(para)
            continue
        cur: list[str] = []
        n = 0
        for sent in _SENT.split(para):
            w = len(sent.split())
            if cur and n + w > PASSAGE_WORDS:
                out.append(" ".join(cur))
                cur, n = [], 0
            cur.append(sent)
            n += w
        if cur:
            out.append(" ".join(cur))
    return _group_short(out)


def _group_short(pieces: list[str], short: int = 15) -> list[str]:
    """Runs of short paragraphs (table rows, option lines) become one passage."""
    out: list[str] = []
    for piece in pieces:
        n = len(piece.split())
        if (
            out
            and n < short
            and len(out[-1].split()) + n <= PASSAGE_WORDS
            and (len(out[-1].split()) < short or out[-1].endswith(":") or "|" in out[-1])
        ):
            out[-1] = out[-1] + "\n" + piece
        else:
            out.append(piece)
    return out


def best_passages(store: Any, question: str, hits: list[Any], top: int = 3) -> list[Passage]:
    """The paragraphs of the top hits that answer best: a lexical shortlist, then the
    embedding similarity of the few shortlisted (one small batch)."""
    from memory.search import query_terms, term_coverage

    terms = query_terms(question)
    cands: list[Passage] = []
    for rank, h in enumerate(hits[:3]):
        for piece in _pieces(h.text):
            if len(piece.split()) < 3 and not any(c.isalpha() for c in piece):
                continue
            lex = term_coverage(terms, piece)
            prior = (h.cosine or 0.0) - 0.03 * rank
            cands.append(Passage(piece, h, lex + prior))
    if not cands:
        return [Passage(h.text, h, h.cosine or 0.0) for h in hits[:top]]
    cands.sort(key=lambda p: p.score, reverse=True)
    short = cands[:6]
    try:
        import numpy as np

        vecs = store.embedder.encode([question] + [f"{p.hit.title}\n{p.text}" for p in short])
        sims = vecs[1:] @ vecs[0]
        for p, s in zip(short, np.asarray(sims).tolist(), strict=True):
            p.score = 0.5 * p.score + float(s)
        short.sort(key=lambda p: p.score, reverse=True)
    except CouncilError:
        pass  # the lexical order stands
    return short[:top]


def extractive_answer(p: Passage) -> str:
    lines = [" ".join(ln.split()) for ln in p.text.split("\n") if ln.strip()]
    words = " ".join(lines).split()
    quote = (
        "\n> ".join(lines)
        if len(words) <= PASSAGE_WORDS
        else " ".join(words[:PASSAGE_WORDS]) + " ..."
    )
    where = f", {p.hit.locator}" if p.hit.locator else ""
    return f"From {p.hit.title} ({_short_path(p.hit.path)}{where}):\n> {quote}"


def _short_path(path: str) -> str:
    from pathlib import Path

    try:
        return "~/" + str(Path(path).relative_to(Path.home()))
    except ValueError:
        return path
