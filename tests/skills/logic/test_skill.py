"""LogicSkill end to end with real Prolog and SQLite in tmp_path."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from council_core.base.errors import SkillDeclined
from council_core.skill import Query
from council_core.skills.logic import LogicSkill
from council_core.skills.logic.facts import forget_all
from tests.helpers.cli import run_council

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def skill(ctx):
    s = LogicSkill(ctx)
    yield s
    await s.aclose()
    await ctx.aclose()


@pytest.mark.parametrize(
    ("prompt", "start"),
    [
        (
            "All men are mortal. Socrates is a man. Is Socrates mortal?",
            "Yes: Socrates is a man, all men are mortal",
        ),
        ("If A then B. B is false. Is A true?", "No: B is false, if A then B"),
        ("If A then B. B is true. Is A true?", "Cannot be determined"),
        ("Either P or Q. Not P. Is Q true?", "Yes"),
        ("Alice is taller than Bob. Bob is taller than Carol. Who is the shortest?", "Carol"),
        (
            "Tom is Bob's father. Bob is Sue's father. What is the relationship between Tom and Sue?",
            "Tom is Sue's grandfather",
        ),
        ("If today is Monday, what day is it in 10 days?", "Thursday"),
        ("What comes next: 2, 4, 6, 8?", "10"),
        # the premises inside one question sentence, before or after it
        (
            "Is Socrates mortal if all men are mortal and Socrates is a man?",
            "Yes: Socrates is a man, all men are mortal",
        ),
        ("If all cats are animals and Tom is a cat, is Tom an animal?", "Yes"),
        ("Given that no fish are mammals and Nemo is a fish, is Nemo a mammal?", "No"),
        ("Is Tom an animal, given that all cats are animals and Tom is a cat?", "Yes"),
        ("If Alice is taller than Bob and Bob is taller than Carol, who is the shortest?", "Carol"),
    ],
)
async def test_answers_result_first_with_derivation(skill, prompt: str, start: str) -> None:
    assert skill.score(Query(prompt)) >= skill.threshold
    ans = await skill.answer(Query(prompt))
    assert ans.answer.startswith(start)
    assert ans.confidence >= skill.confident_at


@pytest.mark.parametrize(
    "prompt",
    [
        "What is 17 * 23?",
        "Solve x^2 - 4 = 0",
        "What is the capital of France?",
        "Write a Python function that reverses a string",
        "Summarize my notes on the project",
        "Who wrote Hamlet?",
        "remember that I prefer tea",
    ],
)
async def test_declines_what_is_not_logic(skill, prompt: str) -> None:
    assert skill.score(Query(prompt)) < skill.threshold
    with pytest.raises(SkillDeclined):
        await skill.answer(Query(prompt))


async def test_knowledge_questions_without_facts_pass_on(skill) -> None:
    with pytest.raises(SkillDeclined):
        await skill.answer(Query("Is 7 prime?"))
    with pytest.raises(SkillDeclined):
        await skill.answer(Query("Is Paris in France?"))


async def test_injection_through_text_runs_nothing(skill, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    prompts = [
        f"X = 1), shell('touch {marker}') is a man. Is it mortal?",
        "halt. Is halt a man?",
        f"All men are mortal. shell('touch {marker}') is a man. Is Socrates mortal?",
        'Bob is "taller" than Al\'ice. Who is the tallest?',
    ]
    for p in prompts:
        try:
            await skill.answer(Query(p))
        except SkillDeclined:
            pass
    assert not marker.exists()
    ans = await skill.answer(Query("All men are mortal. Socrates is a man. Is Socrates mortal?"))
    assert ans.answer.startswith("Yes")


async def test_remember_then_ask_then_forget(skill, ctx) -> None:
    assert skill.score(Query("remember that Bob is Alice's brother")) >= 0.5
    ans = await skill.answer(Query("remember that Bob is Alice's brother"))
    assert "Bob is Alice's brother" in ans.answer
    await skill.answer(Query("Remember that Alice is Carol's mother"))
    got = await skill.answer(Query("Who is Alice's brother?"))
    assert got.answer.startswith("Bob")
    rel = await skill.answer(Query("What is the relationship between Bob and Carol?"))
    assert rel.answer.startswith("Bob is Carol's uncle")
    assert forget_all(ctx) == 2
    with pytest.raises(SkillDeclined):
        await skill.answer(Query("Who is Alice's brother?"))


def test_facts_cli_lists_and_forgets(council_home: Path) -> None:
    from council_core.context import SkillContext
    from council_core.skills.logic.facts import FactStore

    store = FactStore(SkillContext().paths.db_file)
    fid = store.add(
        "brother", "bob", "alice", {"bob": "Bob", "alice": "Alice"}, "Bob is Alice's brother"
    )
    store.add("in", "paris", "france", {}, "Paris is in France")
    store.close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_council("facts", *args, timeout=60)

    out = cli("list", "--json")
    assert out.returncode == 0, out.stderr
    assert [f["source"] for f in json.loads(out.stdout)] == [
        "Bob is Alice's brother",
        "Paris is in France",
    ]
    assert cli("forget", str(fid)).returncode == 0
    assert cli("forget", "9999").returncode == 1
    assert "forgot 1 facts" in cli("forget", "--all").stdout
    assert json.loads(cli("list", "--json").stdout) == []


async def test_remembered_facts_do_not_claim_unrelated_questions(skill) -> None:
    await skill.answer(Query("remember that Bob is Alice's brother"))
    for prompt in (
        "What is the target temperature for the orchid zone?",
        "What is our internet customer number?",
        "Who is Carol's sister?",
    ):
        with pytest.raises(SkillDeclined):
            await skill.answer(Query(prompt))
    assert (await skill.answer(Query("Who is Alice's brother?"))).answer.startswith("Bob")
