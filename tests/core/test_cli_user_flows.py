"""Forget everything clears conversation memory and remembered facts alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers.cli import run_council as council

REPO = Path(__file__).resolve().parents[2]
FACT_ROW = re.compile(r"^\s*\d+\s+\d{4}-\d\d-\d\d\s+Bob", re.M)


def test_forget_all_clears_turns_and_facts(council_home):
    out = council("batch", stdin="remember that Bob is Alice's brother\nWhat is 6 * 7?\n")
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["skill"] for r in rows] == ["logic", "math"]
    assert FACT_ROW.search(council("facts", "list").stdout)
    assert council("memory", "list").stdout.strip()
    out = council("memory", "forget", "--all")
    assert out.returncode == 0, out.stderr
    assert "2 turn(s)" in out.stdout and "1 remembered fact(s)" in out.stdout
    assert not council("memory", "list").stdout.strip()
    assert not FACT_ROW.search(council("facts", "list").stdout)


def test_terminal_chat_answers_and_quits(council_home):
    out = council("chat", stdin="What is 6 * 7?\nwhat's 10% of 250\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert "42" in out.stdout and "25" in out.stdout
    assert "math" in out.stderr  # the footer names the skill


@pytest.mark.parametrize("word", ["q", "quit", "exit", "Quit"])
def test_terminal_chat_leaves_on_the_words_people_type(council_home, word):
    out = council("chat", stdin=f"What is 6 * 7?\n{word}\nwhat's 10% of 250\n")
    assert out.returncode == 0, out.stderr
    assert "42" in out.stdout
    assert out.stdout.count("council> ") == 1  # nothing after the quit word was asked
