"""Questions about manuals worded the user's way: the passage quoted is the option's entry
whose description answers the question (not an example or a nearby command), and a question
that shares few words with its manual still reaches the documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from council_core.knowledge.passages import asks_for_option, focus_text
from council_core.knowledge.rerank import rerank
from council_core.router import Council
from council_core.skill import Query
from council_core.skills.knowledge import STRONG_EVIDENCE, KnowledgeSkill
from tests.core.test_no_dead_ends import ReachedGeneral

MAN1 = Path("/usr/share/man/man1")


@pytest.fixture
def man_ctx(ctx, store, tmp_path):
    d = tmp_path / "manuals"
    d.mkdir()
    for page in ("sed.1.gz", "mv.1.gz", "head.1.gz"):
        shutil.copy(MAN1 / page, d / page)
    store.ingest([d])
    ctx.provide("documents", store)
    ctx.settings.knowledge.generate_answers = False  # the quote, no model
    return ctx


def test_the_gist_drops_the_lead_in_and_the_named_page(man_ctx):
    q = "With sed, how do I stop it from printing every line automatically?"
    hits = rerank(q, man_ctx.documents.search(q, 20, "hybrid"), 5)
    assert Path(hits[0].path).name == "sed.1.gz"
    assert focus_text(q, hits) == "stop it from printing every line automatically"
    # nothing to drop: no second embedding
    assert focus_text("when does the pump run?", hits) == ""
    assert asks_for_option(q)


async def test_the_options_entry_is_quoted_not_a_command_that_mentions_the_words(man_ctx):
    # sed's page has the option line, a blank line, then its description; the "q" command's
    # entry shares more words with the question ("auto-print", "printed")
    ans = await KnowledgeSkill(man_ctx).answer(
        Query("How do I stop sed from printing every line automatically?")
    )
    assert "-n, --quiet, --silent" in ans.answer, ans.answer
    assert "suppress automatic printing" in ans.answer
    assert Path(ans.sources[0].path).name == "sed.1.gz"


async def test_a_question_in_other_words_than_its_manual_reaches_the_documents(man_ctx):
    q = "Can mv ask me before it replaces a file?"  # the page: "prompt before overwrite"
    store = man_ctx.documents
    assert store.probe(q) < 0.5  # few of its words stand in the page
    skill = KnowledgeSkill(man_ctx)
    assert skill._evidence(q) >= STRONG_EVIDENCE
    assert skill.score(Query(q)) >= 0.85
    classes = {"knowledge": KnowledgeSkill, "general": ReachedGeneral}
    council = Council(man_ctx, skills=classes, hooks=[])
    try:
        r = await council.ask(q)
    finally:
        await council.aclose()
    assert r.skill == "knowledge", (r.skill, r.answer)
    assert "-i, --interactive" in r.answer
    assert Path(r.sources[0].path).name == "mv.1.gz"
