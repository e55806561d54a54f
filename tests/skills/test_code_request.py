"""What a code request asks for, and the examples it gives (text only: no model, no sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from council_core.skills.code_request import Example, is_literal, read_request, stub_names

ROOT = Path(__file__).resolve().parents[2]

ISSUE_PROMPT = '''Write this Python function and make sure it passes its examples:
```python
def count_vowels(s: str) -> int:
    """Return the number of vowels in s; y counts only at the end.

    >>> count_vowels("abcde")
    2
    >>> count_vowels("ACEDY")
    3
    """
```'''


def test_a_stub_is_a_function_to_write_never_code_to_run() -> None:
    req = read_request(ISSUE_PROMPT)
    assert req is not None
    assert req.intent == "function" and req.name == "count_vowels"
    assert req.stubs == ["count_vowels"]
    assert [(e.src, e.want, e.kind) for e in req.examples] == [
        ('count_vowels("abcde")', "2", "doctest"),
        ('count_vowels("ACEDY")', "3", "doctest"),
    ]


@pytest.mark.parametrize(
    "body", ["pass", "...", "raise NotImplementedError", 'raise NotImplementedError("todo")']
)
def test_every_kind_of_stub_is_recognised(body: str) -> None:
    prompt = f"```python\ndef area(w, h):\n    {body}\n```"
    assert stub_names(prompt.split("\n", 1)[1].rsplit("```", 1)[0]) == ["area"]
    req = read_request(prompt)
    assert req is not None and req.intent == "function"


def test_code_with_a_body_is_run_and_a_run_question_about_a_stub_is_run() -> None:
    run = read_request("What does this print?\n```python\nprint(sum(range(5)))\n```")
    assert run is not None and run.intent == "run"
    # 'def f(): pass' that the code then calls is real code: the question is what it prints.
    q = "What does this print?\n```python\ndef f():\n    pass\nprint(f())\n```"
    asked = read_request(q)
    assert asked is not None and asked.intent == "run"
    bash = read_request("please run\n```bash\necho hi\n```")
    assert bash is not None and (bash.intent, bash.lang) == ("run", "bash")


def test_fix_requests_with_a_traceback_or_a_failing_example() -> None:
    fib = (
        "fib(0) should return 0 and fib(10) should return 55, but this returns 1 and 89. "
        "Fix it:\n```python\ndef fib(n):\n    a, b = 1, 1\n    for _ in range(n):\n"
        "        a, b = b, a + b\n    return a\n```"
    )
    req = read_request(fib)
    assert req is not None and req.intent == "fix" and req.name == "fib"
    assert [(e.src, e.want) for e in req.examples] == [("fib(0)", "0"), ("fib(10)", "55")]
    tb = (
        "word_count('a b a') fails with KeyError: 'a'. It should return {'a': 2, 'b': 1}.\n"
        "```python\ndef word_count(text):\n    counts = {}\n    for w in text.split():\n"
        "        counts[w] += 1\n    return counts\n```"
    )
    req = read_request(tb)
    assert req is not None and req.intent == "fix"
    assert req.examples == [Example("word_count('a b a')", "{'a': 2, 'b': 1}", "value")]
    # A pasted session that raised: the call must stop raising.
    mean = (
        "This crashes on an empty list, fix it:\n```python\ndef mean(xs):\n"
        "    return sum(xs) / len(xs)\n```\n>>> mean([])\nTraceback (most recent call last):\n"
        "ZeroDivisionError: division by zero"
    )
    req = read_request(mean)
    assert req is not None and req.intent == "fix"
    assert req.examples == [Example("mean([])", "", "runs")]


def test_examples_from_prose_and_input_output_pairs() -> None:
    req = read_request(
        "Write a Python function compress(s) that run-length encodes a string. For example, "
        "compress('aaab') should return 'a3b1', compress('') should return '' and "
        "compress('xy') -> 'x1y1'."
    )
    assert req is not None and req.intent == "function" and req.name == "compress"
    assert [(e.src, e.want) for e in req.examples] == [
        ("compress('aaab')", "'a3b1'"),
        ("compress('')", "''"),
        ("compress('xy')", "'x1y1'"),
    ]
    io = read_request(
        "Implement two_sum(nums, target) in Python.\n\nInput: nums = [2, 7, 11, 15], "
        "target = 9\nOutput: [0, 1]"
    )
    assert io is not None and io.intent == "function"
    assert [(e.src, e.want) for e in io.examples] == [("two_sum([2, 7, 11, 15], 9)", "[0, 1]")]


def test_a_number_that_ends_a_sentence_and_a_following_clause_are_not_part_of_it() -> None:
    req = read_request(
        "Write a Python function nth_prime(n). nth_prime(1) should return 2 and nth_prime(6) "
        "should return 13."
    )
    assert req is not None
    assert [(e.src, e.want) for e in req.examples] == [
        ("nth_prime(1)", "2"),
        ("nth_prime(6)", "13"),
    ]


def test_only_literals_are_expected_values() -> None:
    assert is_literal("[1, -2.5, 'a', {'k': (None, True)}]")
    assert not is_literal("0 and fib(10)")
    assert not is_literal("__import__('os').system('x')")


def test_function_without_examples_and_programs_to_run() -> None:
    req = read_request("Write a Python function that checks whether a number is prime")
    assert req is not None and req.intent == "function" and req.examples == []
    prog = read_request("Write a function that prints hello and run it")
    assert prog is not None and prog.intent == "program"
    assert read_request("what is the capital of France") is None


def test_the_write_and_run_eval_prompts_stay_programs() -> None:
    rows = (ROOT / "bench" / "eval" / "sets" / "code.jsonl").read_text().splitlines()
    intents = {(r := json.loads(line))["id"]: read_request(r["prompt"]) for line in rows}
    assert {k: v.intent if v else None for k, v in intents.items()} == dict.fromkeys(
        intents, "program"
    )


def test_every_function_task_is_read_with_its_examples() -> None:
    rows = (ROOT / "bench" / "eval" / "sets" / "function.jsonl").read_text().splitlines()
    for line in rows:
        row = json.loads(line)
        req = read_request(row["prompt"])
        assert req is not None, row["id"]
        assert req.intent == ("fix" if row["kind"] == "fix" else "function"), row["id"]
        assert req.name == row["entry"], row["id"]
        assert req.examples, row["id"]


def test_a_stub_pasted_without_a_fence_is_a_function_to_write() -> None:
    """Function-writing tasks are often given as bare Python: imports, signature, docstring."""
    raw = (
        "from typing import List\n\n\ndef has_close_elements(numbers: List[float], t: float) -> bool:\n"
        '    """True when two numbers are closer than t.\n'
        "    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)\n    False\n"
        "    >>> has_close_elements([1.0, 2.8, 3.0], 0.3)\n    True\n"
        '    """\n'
    )
    req = read_request(raw)
    assert req is not None and req.intent == "function" and req.name == "has_close_elements"
    assert [e.want for e in req.examples] == ["False", "True"]
    # with prose around it too
    req = read_request("Please finish this:\n" + raw + "\nThanks!")
    assert req is not None and req.intent == "function" and len(req.examples) == 2


def test_a_def_with_only_a_comment_for_a_body_is_a_stub_to_complete() -> None:
    req = read_request(
        "Complete the following code:\n```python\ndef vowels(s):\n    # count vowels\n```"
    )
    assert req is not None and req.intent == "function" and req.name == "vowels"


@pytest.mark.parametrize(
    ("prompt", "name", "n_examples"),
    [
        (
            "Can you implement a function that checks whether a string is a palindrome? "
            "is_pal('racecar') -> True, is_pal('ab') -> False",
            "is_pal",
            2,
        ),
        (
            "I need a python function fizzbuzz(n) returning a list of strings for 1..n",
            "fizzbuzz",
            0,
        ),
        ("Give me a function that doubles a number: double(4) should return 8", "double", 1),
    ],
)
def test_function_requests_in_everyday_words(prompt: str, name: str, n_examples: int) -> None:
    req = read_request(prompt)
    assert req is not None and req.intent == "function" and req.name == name
    assert len(req.examples) == n_examples


def test_wanting_to_learn_python_is_not_a_code_request() -> None:
    assert read_request("I want to learn python") is None
