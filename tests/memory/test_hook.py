"""MemoryHook around a real Council: turns recorded, corrections win, a cold process stays
light, and another process finds what this one stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from council_core.base.errors import BadInput
from council_core.base.result import SkillAnswer
from council_core.hooks.memory_hook import MemoryHook
from council_core.router import Council
from council_core.skill import Query, Skill
from memory.feedback import FeedbackLog
from memory.schema import TurnState
from memory.turns import TurnLog
from tests.helpers.cli import run_council

ROOT = Path(__file__).resolve().parents[2]


class ParrotSkill(Skill):
    """Answers "you said: ..."; refuses questions containing "!bad"."""

    name = "parrot"
    threshold = 0.1

    def score(self, query: Query) -> float:
        return 0.9

    async def answer(self, query: Query, emit=None) -> SkillAnswer:
        if "!bad" in query.text:
            raise BadInput("bad question", fix="ask a better one")
        return SkillAnswer(f"you said: {query.text}", confidence=0.9)


def council(ctx) -> Council:
    return Council(ctx, skills={"parrot": ParrotSkill}, hooks=[MemoryHook(ctx)])


async def test_turns_are_recorded_and_a_correction_wins_next_time(ctx):
    c = council(ctx)
    r = await c.ask("How many moons does Mars have?", "s1")
    assert r.ok and r.turn_id is not None
    log = TurnLog(ctx.paths.db_file)
    assert log.get(r.turn_id).assistant == "you said: How many moons does Mars have?"
    FeedbackLog(log.engine).record(r.turn_id, "correction", "Two: Phobos and Deimos.")

    again = await c.ask("how many moons does mars have", "s2")
    assert again.answer == "Two: Phobos and Deimos." and again.skill == "memory"
    assert log.get(again.turn_id).state == TurnState.NOT_MEMORY  # from recall: no new memory
    other = await c.ask("How many moons does Jupiter have?", "s2")
    assert other.skill == "parrot"
    FeedbackLog(log.engine).record(other.turn_id, "up")
    assert MemoryHook(ctx).skill_scores()["parrot"]["up"] == 1
    log.close()
    await c.aclose()


async def test_errors_and_disabled_memory_are_not_recorded(ctx):
    c = council(ctx)
    bad = await c.ask("this is !bad", "s")
    assert not bad.ok and bad.turn_id is None
    ctx.settings.memory.enabled = False
    off = await c.ask("remember nothing of this", "s")
    assert off.ok and off.turn_id is None
    assert TurnLog(ctx.paths.db_file).counts()["turns"] == 0
    await c.aclose()


def test_a_cold_process_records_without_loading_models(council_home):
    code = """
import asyncio, sys
from council_core.context import SkillContext
from council_core.hooks.memory_hook import MemoryHook
from council_core.base.result import CouncilResult
from council_core.skill import Query

async def main():
    ctx = SkillContext()
    hook = MemoryHook(ctx)
    q = Query("17*23", "cold")
    assert await hook.before(q) is None
    res = CouncilResult(prompt=q.text, answer="391", skill="math", confidence=1.0)
    await hook.after(q, res)
    await hook.aclose()
    print(res.turn_id, "torch" in sys.modules, "faiss" in sys.modules,
          "sentence_transformers" in sys.modules)

asyncio.run(main())
"""
    env = {**os.environ, "COUNCIL_HOME": str(council_home)}
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1", "False", "False", "False"]


async def test_my_favorite_color_is_found_by_a_later_process(ctx, council_home):
    c = council(ctx)
    told = await c.ask("My favorite color is teal", "monday")
    await c.aclose()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_council(*args, home=council_home, timeout=180)

    # A new process, a new session: the pending turn is embedded on this first search.
    r = cli("memory", "search", "what colour do I like best?", "--session", "friday", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert hits[0]["turn_id"] == told.turn_id and "teal" in hits[0]["user"]

    index = council_home / "data" / "indexes" / "turns.faiss"
    index.unlink()
    r = cli("memory", "reindex")
    assert r.returncode == 0 and "1 memories" in r.stdout, r.stderr
    assert index.exists()

    r = cli("feedback", "correct", str(told.turn_id), "Teal, like the duck")
    assert r.returncode == 0, r.stderr
    r = cli("feedback", "export")
    assert json.loads(r.stdout.splitlines()[0])["correction"] == "Teal, like the duck"
    r = cli("memory", "export", "--format", "markdown")
    assert "My favorite color is teal" in r.stdout
    r = cli("feedback", "up", "999")
    assert r.returncode == 1 and "memory list" in r.stderr
