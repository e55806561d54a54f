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
from typing import Any

from council_core import cues
from council_core.base.errors import CouncilError, UserFacingError
from council_core.base.logs import get_logger
from council_core.base.result import Chunk, Retract, SkillAnswer, Source
from council_core.knowledge.passages import Passage, best_passages, focus_text
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
# only the passages", it declined answers that the first passage stated outright. Passages
# are named by their document, not numbered: asked to cite "[1]", it wrote "The option ...
# is [1]." with the marker where the answer belongs.
SYSTEM_PROMPT = (
    "The passages come from the user's documents and were retrieved for this question. "
    "Answer it from them in one or two sentences: first the exact option, value or name as "
    "the passage writes it, then what it does. Do not mention passage numbers. "
    f"Only if none of them is about the question, reply: {NOT_FOUND}"
)
HITS = 20  # hybrid search hits that the local scorer re-ranks (council_core.knowledge.rerank)
# The re-ranked best hit's score (cosine of its best passage + term coverage + the question
# naming the document + fused rank; council_core.knowledge.rerank.chunk_score) at or above which the
# documents hold the answer. Calibrated on dev only (bench/bench_knowledge_answers.py
# --calibrate; 157 man pages + 4 notes ingested): 67 answerable questions (both man-page sets
# and the notes) min 0.705, p10 1.016; 97 general questions max 0.866, p90 0.765; the best cut
# is 0.818 (162 of 164 sorted right), taken a little lower to favour the user's documents.
FOUND_EVIDENCE = 0.8
# ... and at or above which the question is routed here before any other skill, even when it
# does not mention the documents: above every general dev question (66 of 67 answerable).
STRONG_EVIDENCE = 0.9
# share of the question's words in one chunk (FTS5, no model) from which the evidence is
# computed (~50 ms); the thresholds above hold for any question, so this only saves time.
# At 0.5, dev questions worded unlike their manual (probe 0.33-0.4, evidence 1.1-1.4)
# went to the general model.
PROBE_MIN = 0.2
# what the router adds to another skill's answer after this one found nothing
NOT_IN_DOCS = "not found in your documents: this answer is the local model's own"


_CUE = cues.KNOWLEDGE_CUE  # the documents named in so many words ("in my notes")


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
        if n >= 2 and probe >= PROBE_MIN:
            # words of the question stand in a document: ask the documents how well they
            # hold it (one query embedding; the hits are kept for answer()). The probe counts
            # the question's own words only, so a question worded unlike the manual ("ask
            # before it replaces" for "prompt before overwrite") probes low and still holds
            evidence = self._evidence(query.text)
            if evidence >= STRONG_EVIDENCE:
                return 0.85  # the documents hold it: before the other specialists
            if evidence >= FOUND_EVIDENCE:
                return 0.55  # before the general model, after a specialist that is sure
        if n >= 2 and probe >= 0.99:
            return 0.6
        if n >= 3 and probe >= 0.75:
            return 0.52
        if n >= 3 and probe >= 0.66:  # one filler word missing; answer() checks relevance
            return 0.5
        return round(0.45 * probe, 3)

    def _retrieve(self, question: str) -> list[Any]:
        """The hybrid search's top HITS, re-ranked by the local scorer; the best 5. The last
        few questions' hits are kept (score() and answer() ask for the same)."""
        cache: dict[str, list[Any]] = self.__dict__.setdefault("_hits_cache", {})
        store = self.ctx.documents
        gen = getattr(store, "generation", None)
        key = f"{gen() if callable(gen) else ''}\n{question}"
        if key not in cache:
            from council_core.knowledge.rerank import rerank

            hits = rerank(question, store.search(question, HITS, "hybrid"), 5)
            cache[key] = hits
            while len(cache) > 8:
                cache.pop(next(iter(cache)))
        return cache[key]

    def _passages(self, question: str, hits: list[Any]) -> list[Passage]:
        """The best passages of the hits, chosen by their similarity to the question and to
        its gist (one more query embedding; council_core.knowledge.passages.focus_text)."""
        gist = focus_text(question, hits)
        embed = getattr(self.ctx.documents, "query_vector", None)
        focus = embed(gist) if gist and embed is not None else None
        return best_passages(question, hits, focus=focus)

    def _evidence(self, question: str) -> float:
        try:
            hits = self._retrieve(question)
        except CouncilError:
            return 0.0
        except Exception as exc:  # routing must survive a damaged store
            log.warning("knowledge evidence failed: %s", exc)
            return 0.0
        return float(hits[0].score) if hits else 0.0

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
        hits = await asyncio.to_thread(self._retrieve, query.text)
        relevance = _relevance(hits)
        evidence = float(hits[0].score) if hits else 0.0
        data: dict[str, Any] = {"relevance": relevance, "evidence": round(evidence, 4)}
        if evidence < FOUND_EVIDENCE:
            return SkillAnswer(
                NOT_FOUND,
                confidence=0.6 if asked else 0.15,
                sources=[_source(h, h.snippet) for h in hits[:2]],
                notes=["the closest passages are listed as sources"] if hits else [],
                data={**data, "pass_on_note": NOT_IN_DOCS},
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
                data=data,
            )
        passages = await asyncio.to_thread(self._passages, query.text, hits)
        confidence = min(0.95, 0.55 + (evidence - FOUND_EVIDENCE) * 0.8)
        sources = _sources(passages, hits)
        notes: list[str] = []
        quote = extractive_answer(passages[0], passages[1] if len(passages) > 1 else None)
        if self.ctx.settings.knowledge.generate_answers:
            try:
                text, context = await self._generate(query.text, passages, emit)
            except UserFacingError as exc:
                notes.append(f"quoted the best passage: the local model is unavailable ({exc})")
                text = context = ""
            checked = self._check(query.text, text, context, passages[0], evidence, asked)
            if checked is not None:
                text, why, conf = checked
                if why:
                    notes.append(why)
                if text:
                    conf = min(confidence, conf)
                    if conf < self.confident_at:
                        data["pass_on_note"] = NOT_IN_DOCS
                    return SkillAnswer(
                        text, confidence=conf, sources=sources, notes=notes,
                        data={**data, "mode": "generated"},
                    )  # fmt: skip
                confidence = min(confidence, conf)
            if text or context:  # streamed text that the quote replaces
                emit(Retract(self.name))
        emit(Chunk(quote))
        return SkillAnswer(
            quote,
            confidence=confidence,
            sources=sources,
            notes=notes,
            data={**data, "mode": "extractive"},
        )

    def _check(
        self, question: str, text: str, context: str, best: Passage, evidence: float, asked: bool
    ) -> tuple[str, str, float] | None:
        """The generated answer as it may stand: (text, note, confidence cap), with text ""
        when the quote replaces it (the note says why); None when there was no answer."""
        from council_core.skills.knowledge_answer import (
            misses_the_option,
            strip_markers,
            unsupported,
        )

        if not context:
            return None
        clean = strip_markers(text)
        if not clean or not any(c.isalnum() for c in clean):
            return "", "quoted the best passage: the local model gave no answer", 1.0
        if NOT_FOUND.lower().rstrip(".") in clean.lower():
            if asked or evidence < STRONG_EVIDENCE:
                note = "the closest passages are listed as sources"
                return clean, note, 0.6 if asked else 0.3
            # the documents match strongly: quote the passage rather than give up on it
            return "", "quoted the best passage: the local model did not find it there", 0.6
        invented = unsupported(clean, context)
        if invented:
            names = ", ".join(dict.fromkeys(invented))
            return "", f"quoted the passage: the model's answer named {names}, which it lacks", 0.7
        if misses_the_option(question, clean, best.lead or best.text.split("\n", 1)[0], context):
            return "", "quoted the passage: the model's answer named no option of it", 0.7
        return clean, "", 1.0

    async def _generate(
        self, question: str, passages: list[Passage], emit: Emit
    ) -> tuple[str, str]:
        """(the model's answer, the passages it was given)."""
        from council_core.llm.base import GenerationOptions, Message

        llm = await self.ctx.llm.backend("knowledge")
        # short: every prompt token costs ~6 ms on 2 cores; the sources carry the locators
        lines: list[str] = []
        words = 0
        for p in passages[:LLM_PASSAGES]:
            body = f"{p.lead}\n{p.text}" if p.lead else p.text  # lines kept: tables, lists
            if lines and words + len(body.split()) > LLM_WORDS:
                break
            words += len(body.split())
            lines.append(f"From {p.hit.title.split(' — ')[0]}:\n{body}")
        context = "\n\n".join(lines)
        messages = [
            Message("system", SYSTEM_PROMPT),
            Message("user", f"Passages:\n{context}\n\nQuestion: {question}"),
        ]
        opts = GenerationOptions(
            max_tokens=min(120, self.ctx.settings.llm.max_tokens),
            temperature=0.1,
        )
        parts: list[str] = []
        async for piece in llm.stream_chat(messages, opts):
            if piece.text:
                parts.append(piece.text)
                emit(Chunk(piece.text))
        return "".join(parts).strip(), context

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
