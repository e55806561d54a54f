"""The conversation skill: statements are acknowledged briefly and remembered, and "help"
is answered from the real state (skills on, documents, granted folders, sandbox, cloud)."""

from __future__ import annotations

from council_core.hooks.memory_hook import MemoryHook
from council_core.router import Council
from council_core.settings import GrantedFolder
from council_core.skills.conversation import ConversationSkill, second_person
from council_core.skills.math import MathSkill


def _council(ctx, hooks=None) -> Council:
    return Council(
        ctx, skills={"conversation": ConversationSkill, "math": MathSkill}, hooks=hooks or []
    )


async def test_a_statement_is_acknowledged_in_one_line_not_echoed(ctx):
    r = await _council(ctx).ask("My name is Dana and my cat is called Pixel.")
    assert r.skill == "conversation" and r.error is None
    assert r.answer.startswith("Noted: your name is Dana and your cat is called Pixel.")
    assert "\n" not in r.answer and len(r.answer) < 120
    assert "My name" not in r.answer and "Explanation" not in r.answer


async def test_a_statement_is_remembered_in_the_conversation(ctx):
    hook = MemoryHook(ctx)
    council = _council(ctx, hooks=[hook])
    r = await council.ask("I keep my bike in the garage on Wren Street.", session="s1")
    assert r.answer == "Noted: you keep your bike in the garage on Wren Street. I'll remember that."
    assert r.turn_id is not None
    from memory.turns import TurnLog

    log = TurnLog(ctx.paths.db_file)
    try:
        turns = log.recent("s1", 5)
    finally:
        log.close()
    assert [t.user for t in turns][-1] == "I keep my bike in the garage on Wren Street."
    await hook.aclose()


async def test_with_memory_off_it_says_it_will_not_remember(ctx):
    ctx.settings.memory.enabled = False
    r = await _council(ctx).ask("I'm allergic to peanuts.")
    assert "you're allergic to peanuts" in r.answer
    assert "memory is off" in r.answer and "Settings" in r.answer


async def test_help_is_composed_from_the_real_state(ctx, tmp_path):
    r = await _council(ctx).ask("hi! what can you do?")
    assert r.skill == "conversation" and r.answer.startswith("Hi!")
    assert "- math:" in r.answer and "- code:" in r.answer
    assert "Your documents: none yet" in r.answer
    assert "no folders granted yet" in r.answer
    tools_line = next(line for line in r.answer.splitlines() if line.startswith("- tools:"))
    assert "no MCP server added yet: council mcp add" in tools_line

    pics = tmp_path / "Pictures"
    pics.mkdir()
    ctx.settings.router.disabled_skills = ["code"]
    ctx.settings.files.granted = [GrantedFolder(path=str(pics), mode="rw")]
    ctx.settings.cloud.paused = True
    r = await _council(ctx).ask("help")
    assert not r.answer.startswith("Hi!")
    assert "- code:" not in r.answer and "- math:" in r.answer
    assert f"{pics} (read-write)" in r.answer
    assert "Cloud: paused" in r.answer

    from council_core.settings import McpServerEntry

    ctx.settings.mcp.servers = [McpServerEntry(name="time", command=["mcp-server-time"])]
    r = await _council(ctx).ask("help")
    tools_line = next(line for line in r.answer.splitlines() if line.startswith("- tools:"))
    assert "no MCP server" not in tools_line


async def test_questions_and_requests_are_not_statements(ctx):
    council = _council(ctx)
    for prompt in ("My name is?", "I want you to tell me a joke", "I need to calculate 15% of 80"):
        r = await council.ask(prompt)
        assert r.skill != "conversation", (prompt, r.answer)
    assert (await council.ask("I need to calculate 15% of 80")).answer == "12"


def test_second_person():
    assert second_person("I am a nurse and I was born in Oslo") == (
        "you are a nurse and you were born in Oslo"
    )
    assert second_person("The dog was happy") == "The dog was happy"
