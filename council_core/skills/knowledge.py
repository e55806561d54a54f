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
from typing import Any

from council_core.base.errors import CouncilError, UserFacingError
from council_core.base.logs import get_logger
from council_core.base.result import Chunk, SkillAnswer, Source
from council_core.knowledge.passages import Passage, best_passages
from council_core.skill import Emit, Query, Skill, _drop

log = get_logger(__name__)

NOT_FOUND = "I don't find that in your documents."
# Retrieval relevance (cosine of the query and a chunk's best passage) below which nothing
# counts as found: calibrated on the dev split of bench/eval/sets/knowledge_manpages.jsonl
# (the middle of the gap between answerable and unrelated dev questions;
# bench/bench_knowledge.py reports it).
FOUND_COSINE = 0.34
PASSAGE_WORDS = 90  # longest quote (a passage and a nearly tied runner-up)
# A conversation turn at least this similar to the question (and closer than the documents)
# leaves the answer to the general skill, which answers from conversation memory.
MEMORY_MIN = 0.45
TIE = 0.12  # a nearly tied runner-up passage (this close to the best) is quoted too
LLM_PASSAGES = 2  # passages given to the model
LLM_WORDS = 70  # ... while they stay within this many words (the first always goes)
# The model (1.5B) is told the passages were retrieved for the question: told only "use
# only the passages", it declined answers that the first passage stated outright.
SYSTEM_PROMPT = (
    "The numbered passages come from the user's documents and were retrieved for this "
    "question. Answer it from them in one to three sentences, citing passages like [1]. "
    f"Only if none of them is about the question, reply: {NOT_FOUND}"
)

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
        from council_core.knowledge.search import query_terms

        n = len(query_terms(query.text))
        if n >= 2 and probe >= 0.99:
            return 0.6
        if n >= 3 and probe >= 0.75:
            return 0.52
        if n >= 3 and probe >= 0.66:  # one filler word missing; answer() checks relevance
            return 0.5
        return round(0.45 * probe, 3)

    # ----- answering -----

    async def answer(self, query: Query, emit: Emit = _drop) -> SkillAnswer:
        store = self.ctx.documents
        # Asked about the documents in so many words ("in my notes"): "not there" is the
        # answer and stands; otherwise it is unsure, so the router asks another skill.
        asked = bool(_CUE.search(query.text))
        docs, _chunks = await asyncio.to_thread(store.count)
        if docs == 0:
            return SkillAnswer(
                f"{NOT_FOUND} No documents are ingested yet; add some with: "
                "council ingest PATH (or drop files on the Council window).",
                confidence=0.6 if asked else 0.1,
            )
        hits = await asyncio.to_thread(store.search, query.text, 5, "hybrid")
        relevance = _relevance(hits)
        if relevance < FOUND_COSINE:
            return SkillAnswer(
                NOT_FOUND,
                confidence=0.6 if asked else 0.15,
                sources=[_source(h, h.snippet) for h in hits[:2]],
                notes=["the closest passages are listed as sources"] if hits else [],
                data={"relevance": relevance},
            )
        if not asked and await asyncio.to_thread(self._told_closer, query.text, relevance):
            return SkillAnswer(
                NOT_FOUND,
                confidence=0.2,
                sources=[_source(h, h.snippet) for h in hits[:2]],
                notes=[
                    "something you said in conversation matches this more closely than "
                    "your documents; answered from conversation memory"
                ],  # fmt: skip
                data={"relevance": relevance},
            )
        passages = best_passages(query.text, hits)
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
                    confidence = 0.6 if asked else min(confidence, 0.3)
                    notes.append("the closest passages are listed as sources")
                return SkillAnswer(
                    text, confidence=confidence, sources=sources, notes=notes,
                    data={"relevance": relevance, "mode": "generated"},
                )  # fmt: skip
        text = extractive_answer(passages[0], passages[1] if len(passages) > 1 else None)
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
        # short: every prompt token costs ~10 ms on 2 cores; the sources carry the locators
        lines: list[str] = []
        words = 0
        for p in passages[:LLM_PASSAGES]:
            body = f"{p.lead}\n{p.text}" if p.lead else p.text  # lines kept: tables, lists
            if lines and words + len(body.split()) > LLM_WORDS:
                break
            words += len(body.split())
            lines.append(f"[{len(lines) + 1}] {p.hit.title.split(' — ')[0]}: {body}")
        context = "\n".join(lines)
        messages = [
            Message("system", SYSTEM_PROMPT),
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

    def _told_closer(self, question: str, relevance: float) -> bool:
        """Whether the user said something in conversation ("the spare key is under the
        flowerpot") that matches the question more closely than the best passage of the
        documents: then the general skill answers from that memory. Turns this skill
        answered do not count (asking a document question twice must not bypass it)."""
        try:
            hits = self.ctx.memory.search(question, k=3, min_score=max(MEMORY_MIN, relevance))
        except CouncilError:
            return False
        except Exception as exc:  # memory must never take the answer down
            log.warning("knowledge: conversation memory unavailable: %s", exc)
            return False
        return any(h.skill != self.name for h in hits)

    def doctor(self) -> list[Any]:
        from council_core.base.status import ComponentStatus

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
    for h in hits[:3]:  # further hits only when they are relevant themselves
        if h.chunk_id not in seen and (h.cosine or 0.0) >= FOUND_COSINE:
            seen.add(h.chunk_id)
            out.append(_source(h, h.snippet))
    return out


def extractive_answer(p: Passage, runner_up: Passage | None = None) -> str:
    """Quote the best passage with its option line; a nearly tied runner-up from the same
    document follows it (two close options: the reader picks), within PASSAGE_WORDS."""
    lines = [p.lead] if p.lead else []
    lines.append(p.text)
    r = runner_up
    if (
        r is not None
        and r.hit.path == p.hit.path
        and p.score - r.score <= TIE
        and (r.lead, r.text) != (p.lead, p.text)
        and len(f"{p.lead} {p.text} {r.lead} {r.text}".split()) <= PASSAGE_WORDS
    ):
        lines += ["", r.lead] if r.lead else ["", "..."]
        lines.append(r.text)
    quote = "\n> ".join(x for line in lines for x in line.split("\n"))
    where = f", {p.hit.locator}" if p.hit.locator else ""
    return f"From {p.hit.title} ({_short_path(p.hit.path)}{where}):\n> {quote}"


def _short_path(path: str) -> str:
    from pathlib import Path

    try:
        return "~/" + str(Path(path).relative_to(Path.home()))
    except ValueError:
        return path
