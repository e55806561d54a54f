"""Document answers that name the option or value from the cited passage: no citation markers
as the answer, no invented options, never empty; routing by what the documents hold."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from council_core.base.result import Chunk, Retract, SkillAnswer
from council_core.knowledge.rerank import expand_terms, names_document, rerank, term_groups
from council_core.llm.base import GenerationOptions, LLMBackend, Message, Piece
from council_core.router import Council
from council_core.skill import Query, Skill
from council_core.skills.knowledge import NOT_FOUND, NOT_IN_DOCS, KnowledgeSkill
from council_core.skills.knowledge_answer import (
    asks_for_option,
    key_tokens,
    misses_the_option,
    strip_markers,
    unsupported,
)

MAN1 = Path("/usr/share/man/man1")


class ScriptedLLM(LLMBackend):
    """A real LLMBackend subclass that streams a fixed reply and records the prompts."""

    name = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[list[Message]] = []

    async def stream_chat(
        self, messages: list[Message], opts: GenerationOptions | None = None
    ) -> AsyncIterator[Piece]:
        self.prompts.append(messages)
        for word in self.reply.split(" "):
            if word:
                yield Piece(word + " ")
        yield Piece("", finish_reason="stop")

    async def stream_complete(self, prompt, opts=None):  # pragma: no cover - unused
        yield Piece("")


class Manager:
    def __init__(self, backend: LLMBackend) -> None:
        self._backend = backend

    async def backend(self, purpose: str = "general") -> LLMBackend:
        return self._backend


@pytest.fixture
def man_dir(tmp_path: Path) -> Path:
    """Real man pages of this machine (coreutils), as a user's folder of manuals."""
    d = tmp_path / "manuals"
    d.mkdir()
    for page in ("cat.1.gz", "tac.1.gz", "fold.1.gz"):
        shutil.copy(MAN1 / page, d / page)
    (d / "boiler.md").write_text(
        "# Boiler\n\nThe boiler pressure should read 1.5 bar when the system is cold. "
        "Northside Heating services it every October.\n",
        encoding="utf-8",
    )
    return d


@pytest.fixture
def mctx(ctx, store, man_dir):
    store.ingest([man_dir])
    ctx.provide("documents", store)
    return ctx


# ----- the checks on a generated answer -----


def test_markers_are_stripped_and_tidied():
    assert strip_markers("The option is [1].") == "The option is."
    assert strip_markers("Use -n [1][2] or see (passage 2).") == "Use -n or see."
    assert strip_markers("[1]") == ""
    assert strip_markers("Set it to 1.5 bar [Passage 1].") == "Set it to 1.5 bar."


def test_key_tokens_must_stand_in_the_passages():
    context = "-p port\nPort to connect to on the remote host.\n-i[SUFFIX], --in-place"
    assert key_tokens("Use -p 2222 or --in-place") == ["-p", "--in-place", "2222"]
    assert unsupported("Use -p to pick the port.", context) == []
    assert unsupported("Use -R to pick the port.", context) == ["-R"]
    assert unsupported("Edit with -i.", context) == []  # "-i[SUFFIX]" holds -i
    assert unsupported("It waits 30 seconds.", context) == ["30"]


def test_an_option_question_needs_an_option_of_the_passage():
    ctx = "-s, --spaces\nbreak at spaces"
    assert asks_for_option("How do I make fold break at spaces?")
    assert asks_for_option("Which flag of fold breaks at spaces?")
    assert not asks_for_option("What is the boiler pressure when cold?")
    assert misses_the_option("Which flag breaks at spaces?", "It breaks at spaces.", "-s", ctx)
    assert not misses_the_option("Which flag breaks at spaces?", "Use -s.", "-s", ctx)
    assert not misses_the_option("Which flag breaks at spaces?", "Use --spaces.", "-s", ctx)
    # the best passage is prose, not an option's entry: nothing to miss
    assert not misses_the_option("How do I fold?", "It wraps lines.", "fold wraps", ctx)


# ----- query expansion and re-ranking -----


def test_expansion_adds_the_manuals_words():
    assert "archive" in expand_terms("how do I list what is in a tarball")
    assert "reverse" in expand_terms("sort in descending order")
    assert ["in-place"] in term_groups("edit the file in place")
    assert expand_terms("the boiler pressure") == ["boiler", "pressure"]


def test_a_question_names_a_command_as_a_whole_word():
    assert names_document("In grep, which option counts?", "grep(1) — print lines that match")
    assert not names_document("Which ssh option sets the port?", "ssh-keygen(1) — key tool")
    assert names_document("Which ssh-keygen option sets the type?", "ssh-keygen(1) — keys")
    assert names_document("what does the boiler need", "Boiler")


def test_rerank_puts_the_named_page_first(mctx):
    store = mctx.documents
    q = "Which tac option puts the separator before instead of after?"
    hits = rerank(q, store.search(q, 20, "hybrid"), 5)
    assert Path(hits[0].path).name == "tac.1.gz"
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


# ----- answers through the skill -----


async def test_a_marker_as_the_answer_is_replaced_by_the_quote(mctx):
    llm = ScriptedLLM("The cat option that numbers all output lines is [1].")
    mctx.provide("llm", Manager(llm))
    events: list[object] = []
    ans = await KnowledgeSkill(mctx).answer(
        Query("Which cat option numbers all output lines?"), events.append
    )
    assert "[1]" not in ans.answer
    assert "-n, --number" in ans.answer  # the option's entry, quoted
    assert Path(ans.sources[0].path).name == "cat.1.gz"
    assert ans.data["mode"] == "extractive"
    assert any("named no option" in n for n in ans.notes)
    # the streamed generated text was withdrawn before the quote came
    kinds = [type(e).__name__ for e in events]
    assert "Retract" in kinds and kinds.index("Retract") < len(kinds) - 1
    assert isinstance(events[-1], Chunk) and events[-1].text == ans.answer
    # the prompt names passages by document and never invites "[1]"
    prompt = llm.prompts[0][-1].content
    assert "From cat(1):" in prompt and "[1]" not in prompt


async def test_an_option_the_passage_lacks_is_not_answered(mctx):
    mctx.provide("llm", Manager(ScriptedLLM("Use -R to number all output lines.")))
    ans = await KnowledgeSkill(mctx).answer(Query("Which cat option numbers all output lines?"))
    assert "-R" not in ans.answer and "-n, --number" in ans.answer
    assert any("-R" in n for n in ans.notes)
    assert ans.confidence <= 0.7


async def test_an_empty_generation_never_gives_an_empty_answer(mctx):
    mctx.provide("llm", Manager(ScriptedLLM("")))
    ans = await KnowledgeSkill(mctx).answer(Query("Which fold option breaks lines at spaces?"))
    assert ans.answer.strip()
    assert "-s, --spaces" in ans.answer


async def test_a_right_generated_answer_stands_with_markers_removed(mctx):
    mctx.provide("llm", Manager(ScriptedLLM("Use -s (--spaces) to break at spaces [1].")))
    events: list[object] = []
    ans = await KnowledgeSkill(mctx).answer(
        Query("Which fold option breaks lines at spaces?"), events.append
    )
    assert ans.answer == "Use -s (--spaces) to break at spaces."
    assert ans.data["mode"] == "generated"
    assert not any(isinstance(e, Retract) for e in events)
    assert Path(ans.sources[0].path).name == "fold.1.gz"


async def test_a_value_answer_from_notes_stands(mctx):
    mctx.provide("llm", Manager(ScriptedLLM("It should read 1.5 bar when cold.")))
    ans = await KnowledgeSkill(mctx).answer(Query("What should the boiler pressure be when cold?"))
    assert ans.answer == "It should read 1.5 bar when cold."
    assert ans.sources[0].path.endswith("boiler.md")


async def test_not_found_asks_the_router_to_label_the_next_answer(mctx):
    mctx.settings.knowledge.generate_answers = False
    ans = await KnowledgeSkill(mctx).answer(Query("What is the boiling point of mercury?"))
    assert ans.answer == NOT_FOUND
    assert ans.confidence < KnowledgeSkill.confident_at
    assert ans.data["pass_on_note"] == NOT_IN_DOCS


# ----- routing -----


class ModelOwn(Skill):
    """A real Skill subclass standing in for the general model (no model in unit tests)."""

    name = "general"
    is_fallback = True
    threshold = 0.0

    def score(self, query: Query) -> float:
        return 0.1

    async def answer(self, query, emit=None) -> SkillAnswer:
        return SkillAnswer("The model's own answer.", confidence=0.9)


async def test_a_document_question_without_a_cue_goes_to_the_documents(mctx):
    mctx.settings.knowledge.generate_answers = False
    skill = KnowledgeSkill(mctx)
    q = "Which fold option breaks lines at spaces?"  # never says "my documents"
    assert skill.score(Query(q)) >= 0.85
    council = Council(mctx, skills={"knowledge": KnowledgeSkill, "general": ModelOwn})
    council._hooks = []
    r = await council.ask(q)
    assert r.skill == "knowledge"
    assert "-s, --spaces" in r.answer
    assert Path(r.sources[0].path).name == "fold.1.gz"


class NotInDocs(Skill):
    """What the knowledge skill returns when the documents lack the answer (see the test
    above): unsure, asking the router to label whatever answers next."""

    name = "docs-stand-in"
    threshold = 0.5

    def score(self, query: Query) -> float:
        return 0.6 if "boiler" in query.text else 0.0

    async def answer(self, query, emit=None) -> SkillAnswer:
        return SkillAnswer(NOT_FOUND, confidence=0.15, data={"pass_on_note": NOT_IN_DOCS})


async def test_the_models_own_answer_is_labelled_when_the_documents_lack_it(ctx):
    council = Council(ctx, skills={"docs": NotInDocs, "general": ModelOwn})
    council._hooks = []
    r = await council.ask("What pressure does a bicycle tyre need, unlike the boiler?")
    assert r.skill == "general" and r.answer == "The model's own answer."
    assert NOT_IN_DOCS in r.notes
    # a question the documents skill did not try carries no such label
    r = await council.ask("Who painted the Mona Lisa?")
    assert r.skill == "general" and NOT_IN_DOCS not in r.notes
