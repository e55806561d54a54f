"""The knowledge skill: routing cues, extractive and generated answers, always with sources."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from council_core.base.errors import BackendUnavailable
from council_core.base.result import Chunk
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece
from council_core.router import Council
from council_core.skill import Query
from council_core.skills.knowledge import NOT_FOUND, KnowledgeSkill


class EchoPassageLLM(LLMBackend):
    """A real LLMBackend subclass that answers from the first passage it is given."""

    name = "echo-passage"

    def __init__(self) -> None:
        self.prompts: list[list[Message]] = []

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        self.prompts.append(messages)
        user = messages[-1].content
        # "Passages:\nFrom <document>:\n<first passage>..."
        first = user.split("Passages:\nFrom ", 1)[1].split("\n")[1]
        for word in ("Per", "your", "notes:", *first.split()[-12:]):
            yield Piece(word + " ")
        yield Piece("", finish_reason="stop")

    async def stream_complete(self, prompt, opts=None):  # pragma: no cover - unused
        yield Piece("")


class DeclineLLM(EchoPassageLLM):
    """Says the passages do not answer (what the model says when they don't)."""

    async def stream_chat(self, messages, opts=None):
        self.prompts.append(messages)
        yield Piece(NOT_FOUND)
        yield Piece("", finish_reason="stop")


class Manager:
    def __init__(self, backend=None, error=None):
        self._backend, self._error = backend, error
        self.purposes: list[str] = []

    async def backend(self, purpose: str = "general"):
        self.purposes.append(purpose)
        if self._error:
            raise self._error
        return self._backend


@pytest.fixture
def kctx(ctx, store, docs_dir):
    store.ingest([docs_dir])
    ctx.provide("documents", store)
    return ctx


def test_score_uses_cues_and_the_fts_probe(kctx):
    skill = KnowledgeSkill(kctx)
    assert skill.score(Query("according to my notes, when does the passport expire?")) >= 0.9
    assert skill.score(Query("when is the irrigation pump serviced")) >= skill.threshold
    assert skill.score(Query("what is 17*23")) < skill.threshold
    assert skill.score(Query("tell me a joke about cats")) < skill.threshold


def test_score_with_no_store_is_zero_without_a_cue(ctx):
    ctx.provide("documents", None)  # a store that cannot answer
    skill = KnowledgeSkill(ctx)
    assert skill.score(Query("hello there")) == 0.0


async def test_extractive_answer_quotes_the_passage_with_sources(kctx):
    kctx.settings.knowledge.generate_answers = False
    chunks = []
    ans = await KnowledgeSkill(kctx).answer(
        Query("who should I phone if the heating fails at night?"), chunks.append
    )
    assert "extension 4471" in ans.answer
    assert ans.answer.startswith("From Greenhouse Handbook")
    assert ans.confidence >= KnowledgeSkill.confident_at
    assert ans.sources and ans.sources[0].path.startswith("/")
    assert "Emergency contacts" in ans.sources[0].locator or "page 2" in ans.sources[0].locator
    assert "4471" in ans.sources[0].snippet
    assert [c.text for c in chunks if isinstance(c, Chunk)] == [ans.answer]


async def test_extractive_answer_embeds_only_the_question(kctx, monkeypatch):
    """The quote is picked from the stored passage vectors: one model call per answer."""
    kctx.settings.knowledge.generate_answers = False
    emb = kctx.documents.embedder
    calls = []
    real = emb.encode
    monkeypatch.setattr(
        emb, "encode", lambda texts, *a, **k: calls.append(list(texts)) or real(texts, *a, **k)
    )
    ans = await KnowledgeSkill(kctx).answer(Query("when do the roof vents open?"))
    assert "27 degrees" in ans.answer
    assert calls == [["when do the roof vents open?"]]
    # a question with a lead-in also embeds its gist (the words a passage would use)
    calls.clear()
    ans = await KnowledgeSkill(kctx).answer(Query("How do I know when the roof vents open?"))
    assert "27 degrees" in ans.answer
    assert calls == [["How do I know when the roof vents open?"], ["know when the roof vents open"]]


async def test_a_quote_grows_to_the_rest_of_its_paragraph(kctx):
    """The passage that matches is one sentence; the quote keeps its paragraph's next
    sentence (it fits the limit) but not the next section."""
    kctx.settings.knowledge.generate_answers = False
    ans = await KnowledgeSkill(kctx).answer(Query("when does my passport expire?"))
    assert "March 2031" in ans.answer
    assert "six months of validity" in ans.answer
    assert "bike lock" not in ans.answer.lower()
    # sources: the passage quoted, and other hits only when relevant themselves
    assert ans.sources[0].path.endswith("notes.md") and "March 2031" in ans.sources[0].snippet
    assert all(s.path.endswith("notes.md") for s in ans.sources)


async def test_unrelated_question_says_not_found_with_low_confidence(kctx):
    kctx.settings.knowledge.generate_answers = False
    ans = await KnowledgeSkill(kctx).answer(Query("what is the boiling point of mercury?"))
    assert ans.answer == NOT_FOUND
    assert ans.confidence < KnowledgeSkill.confident_at


async def test_empty_knowledge_base_says_how_to_add_documents(ctx, store):
    ctx.provide("documents", store)
    skill = KnowledgeSkill(ctx)
    # asked about the documents in so many words: the answer stands
    ans = await skill.answer(Query("in my notes, where is the key?"))
    assert NOT_FOUND in ans.answer and "council ingest" in ans.answer
    assert ans.confidence >= KnowledgeSkill.confident_at
    # otherwise it is unsure, and the router asks another skill
    ans = await skill.answer(Query("where is the key?"))
    assert NOT_FOUND in ans.answer and ans.confidence < KnowledgeSkill.confident_at


async def test_not_in_the_documents_stands_when_asked_about_them(kctx):
    kctx.settings.knowledge.generate_answers = False
    ans = await KnowledgeSkill(kctx).answer(
        Query("according to my notes, what is the boiling point of mercury?")
    )
    assert ans.answer == NOT_FOUND
    assert ans.confidence >= KnowledgeSkill.confident_at


async def test_generated_answer_streams_with_short_context_and_sources(kctx):
    llm = EchoPassageLLM()
    mgr = Manager(llm)
    kctx.provide("llm", mgr)
    chunks = []
    ans = await KnowledgeSkill(kctx).answer(
        Query("how often must the irrigation pump be serviced?"), chunks.append
    )
    assert mgr.purposes == ["knowledge"]
    assert ans.data["mode"] == "generated"
    prompt = llm.prompts[0][-1].content
    assert "14 weeks" in prompt and "Question: how often" in prompt
    assert len(prompt.split()) < 300  # prompt reading is the slow part on CPU
    assert "".join(c.text for c in chunks).strip() == ans.answer
    assert ans.sources and any("14 weeks" in s.snippet for s in ans.sources)


async def test_missing_model_falls_back_to_the_quote(kctx):
    kctx.provide("llm", Manager(error=BackendUnavailable("no model", fix="council models pull")))
    ans = await KnowledgeSkill(kctx).answer(Query("when do the roof vents open?"))
    assert ans.data["mode"] == "extractive"
    assert "27 degrees" in ans.answer
    assert any("unavailable" in n for n in ans.notes)


async def test_router_sends_document_questions_here(kctx):
    kctx.settings.knowledge.generate_answers = False
    council = Council(kctx, skills={"knowledge": KnowledgeSkill})
    council._hooks = []
    r = await council.ask("according to my documents, what is the orchid zone target temperature?")
    assert r.skill == "knowledge"
    assert "19 degrees" in r.answer
    assert r.sources


async def test_a_declined_generated_answer_stands_only_when_asked_about_the_documents(kctx):
    """Asked about the notes, the model's "not there" stands; asked plainly while the notes
    match strongly, the best passage is quoted rather than given up on."""
    kctx.provide("llm", Manager(DeclineLLM()))
    skill = KnowledgeSkill(kctx)
    asked = await skill.answer(Query("in my notes, how often is the irrigation pump serviced?"))
    plain = await skill.answer(Query("how often is the irrigation pump serviced?"))
    assert asked.answer == NOT_FOUND
    assert asked.confidence >= KnowledgeSkill.confident_at
    assert "closest passages" in " ".join(asked.notes)
    assert "14 weeks" in plain.answer and plain.data["mode"] == "extractive"
    assert "did not find it" in " ".join(plain.notes)


async def test_what_the_user_said_in_conversation_wins_over_the_documents(kctx):
    """Told in conversation that the passport was renewed, a plain question is left to the
    memory-aware general skill; naming the notes still answers from them."""
    kctx.settings.knowledge.generate_answers = False
    skill = KnowledgeSkill(kctx)
    mem = kctx.memory  # the real conversation memory on this test's COUNCIL_HOME
    # a document question answered here before does not count as something the user said
    mem.add_turn("s0", "When does my passport expire?", "March 2031.", skill="knowledge")
    ans = await skill.answer(Query("When does my passport expire?"))
    assert "March 2031" in ans.answer and ans.confidence >= KnowledgeSkill.confident_at
    mem.add_turn("s1", "I renewed my passport; it now expires in June 2040.", "Noted.")
    ans = await skill.answer(Query("When does my passport expire?"))
    assert ans.confidence < KnowledgeSkill.confident_at
    assert "conversation memory" in " ".join(ans.notes)
    ans = await skill.answer(Query("According to my notes, when does my passport expire?"))
    assert "March 2031" in ans.answer and ans.confidence >= KnowledgeSkill.confident_at
