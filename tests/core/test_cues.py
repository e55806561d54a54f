"""Routing cues in one place (council_core/cues.py): one prompt -> skill table.

``claims`` is what every skill consults instead of listing its neighbours' words; the table
says, prompt by prompt, which skill's strong cue a prompt carries ("-" for none: the skills'
own scores and the cascade decide).
"""

from __future__ import annotations

import pytest

from council_core import cues
from council_core.skill import Query
from council_core.skills.code import CodeSkill
from council_core.skills.conversation import ConversationSkill
from council_core.skills.math import MathSkill

TABLE = [
    # code
    ("write a python function that reverses a string", "code"),
    ("Run this Python code: print(6*7)", "code"),
    ("```python\nprint(1)\n```", "code"),
    ("generate a bash script that counts lines in a file", "code"),
    # knowledge: the documents named
    ("according to my notes, when does my passport expire?", "knowledge"),
    ("what do my documents say about the pump?", "knowledge"),
    ("search my notes for the bike lock", "knowledge"),
    ("what does the manual say about descaling? check the docs", "knowledge"),
    ("in the notes, when is the P-200 serviced?", "knowledge"),
    # a story's library or papers are not the user's documents (a GSM8K problem was answered
    # "I don't find that in your documents")
    ("There were 500 old books in the library. How many books are in the library now?", "-"),
    ("Tom reads 3 articles in the papers each day. How many in a week?", "-"),
    # files
    ("move the screenshots on my Desktop into Pictures/Screenshots", "files"),
    ("how much disk space is free?", "files"),
    ("find the pdf files in Downloads", "files"),
    ("find the report.pdf in Downloads", "files"),
    ("what's the mean of 1.5, 2.5 and 3.5", "-"),  # a decimal is no file extension
    # conversation
    ("hi! what can you do?", "conversation"),
    ("help", "conversation"),
    ("Hello!", "conversation"),
    ("what are your skills?", "conversation"),
    ("hello, what can you help me with?", "conversation"),  # missed by the held-out check
    ("My name is Dana and my cat is called Pixel.", "conversation"),
    ("I keep my bike in the garage on Wren Street.", "conversation"),
    ("By the way, I'm allergic to peanuts.", "conversation"),
    # no strong cue: math, logic and general decide by their own scores
    ("What is 17 * 23?", "-"),
    ("what is 2.5 * 4", "-"),
    ("Solve: 2x² - 8x + 6 = 0", "-"),
    ("I need to calculate 15% of 80", "-"),
    ("I have 3 apples and eat one. How many are left?", "-"),
    ("All men are mortal. Socrates is a man. Is Socrates mortal?", "-"),
    ("What is the capital of France?", "-"),
    ("My question is: what is 2 + 2?", "-"),
    ("remember that Bob is Alice's brother", "-"),
    ("I think the answer is 42, is it?", "-"),
]


@pytest.mark.parametrize(("prompt", "skill"), TABLE)
def test_prompt_carries_the_cue_of(prompt, skill):
    got = cues.claims(prompt)
    assert (got[0] if got else "-") == skill, got


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("hi! what can you do?", "help"),
        ("help", "help"),
        ("Good morning", "greeting"),
        ("My favorite color is green.", "statement"),
        ("remember that my locker code is 4312", "remember"),
        ("My name is?", None),
        ("I want you to tell me a joke", None),
        ("I need to calculate 15% of 80", None),
        ("My bike costs 3 * 40 dollars", None),
        # a question typed without "?" or an apostrophe is not a statement to remember
        ("i weigh 11 stone 4 lbs whats that in kg", None),
        ("my passport form wants height in cm. im 5 ft 9 in", None),
        ("my son wants it in blue. he likes boats", "statement"),
        ("i weigh 70 kg, is that healthy", None),
        ("I only want the total size of a directory from du, not every subfolder", None),
        ("we just need the 15% tip on 84.50", None),
    ],
)
def test_conversation_kinds(prompt, kind):
    assert cues.conversation_kind(prompt) == kind


def test_a_claimed_prompt_is_left_alone_by_the_other_skills(ctx):
    """Adding a skill's cue to cues.py is all it takes: math and code step aside."""
    q = Query("My name is Dana and my cat is called Pixel.")
    assert ConversationSkill(ctx).score(q) >= 0.5
    assert MathSkill(ctx).score(q) == 0.0
    assert CodeSkill(ctx).score(q) == 0.0
    assert MathSkill(ctx).score(Query("write a python function that adds 2 + 2")) == 0.0
