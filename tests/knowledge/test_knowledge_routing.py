"""A question about an ingested manual reaches the knowledge skill through the whole cascade:
"P-200" looks like math ("-200"), but math declines instead of ending it with an error
(issue 18: "How often is the P-200 pump serviced?" -> `unknown name 'How'`)."""

from __future__ import annotations

from council_core.registry import skill_classes
from council_core.router import Council
from tests.core.test_no_dead_ends import ReachedGeneral


async def test_a_manual_question_with_a_model_number_reaches_the_documents(ctx, store, tmp_path):
    manual = tmp_path / "manuals" / "p200.md"
    manual.parent.mkdir()
    manual.write_text(
        "# P-200 circulation pump\n\n## Maintenance\n\n"
        "The P-200 pump is serviced every 14 weeks: replace the seal kit and flush the "
        "impeller housing.\n\n## Installation\n\nMount the P-200 on a level concrete plinth.\n",
        encoding="utf-8",
    )
    store.ingest([manual.parent])
    ctx.provide("documents", store)
    ctx.settings.knowledge.generate_answers = False  # the quote, no model
    classes = dict(skill_classes())
    classes["general"] = ReachedGeneral
    council = Council(ctx, skills=classes, hooks=[])
    try:
        r = await council.ask("How often is the P-200 pump serviced?")
    finally:
        await council.aclose()
    assert r.error is None, r.error
    assert r.skill == "knowledge", (r.skill, r.answer)
    assert "14 weeks" in r.answer and r.sources
