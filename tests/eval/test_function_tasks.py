"""The function category's scoring: hidden tests run in the real sandbox against the code of an
answer (the council's ``code`` field, or the first block of the model alone's reply)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "eval"))

import function_tasks  # noqa: E402

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(shutil.which("firejail") is None, reason="firejail is not installed"),
]

ROWS = {
    (r := json.loads(line))["entry"]: r
    for line in (REPO / "bench" / "eval" / "sets" / "function.jsonl").read_text().splitlines()
}
RIGHT = "def to_binary(n):\n    return ('-' if n < 0 else '') + bin(abs(n))[2:]\n"
# Passes the three examples the prompt shows, not the hidden tests.
EXAMPLES_ONLY = "def to_binary(n):\n    return {5: '101', 0: '0', -2: '-10'}[n]\n"


def test_the_set_has_hidden_tests_and_a_held_out_half() -> None:
    rows = list(ROWS.values())
    assert len(rows) == 38
    assert sum(r["split"] == "heldout" for r in rows) == 23
    # 8 held-out tasks in the bare form public suites use: no prose, no fence
    assert sum(r.get("form") == "bare" for r in rows) == 8
    for r in rows:
        assert r["judge"] == "tests" and "assert" in r["tests"]
        assert r["tests"].strip() not in r["prompt"]


def test_hidden_tests_pass_the_right_function_and_fail_the_rest() -> None:
    row = ROWS["to_binary"]
    assert function_tasks.hidden_tests_pass(row, RIGHT)
    assert not function_tasks.hidden_tests_pass(row, EXAMPLES_ONLY)
    stub = "def to_binary(n):\n    pass\n"
    assert not function_tasks.hidden_tests_pass(row, stub)
    looping = "while True:\n    pass\n" + RIGHT
    assert not function_tasks.hidden_tests_pass(row, looping, timeout_s=2)


def test_the_code_of_an_answer() -> None:
    council = {"answer": "...", "code": RIGHT}
    alone = {"answer": f"Sure:\n```python\n{RIGHT}```\nIt converts n."}
    cut_off = {"answer": f"```python\n{RIGHT}"}
    for res in (council, alone, cut_off):
        assert function_tasks.code_of(res).strip() == RIGHT.strip()
        assert function_tasks.judged(ROWS["to_binary"], res)


def test_integrity_counts_stubs_and_confident_failures() -> None:
    rows = [ROWS["to_binary"], ROWS["median"]]
    results = {
        rows[0]["id"]: {
            "code": "def to_binary(n):\n    '''doc'''\n",
            "answer": "(no output)",
            "confidence": 0.95,
            "notes": [],
        },
        rows[1]["id"]: {"code": "x", "confidence": 0.95, "notes": ["tests: 1 of 2 passed"]},
    }
    got = function_tasks.integrity(rows, results)
    assert got["stubs_run_as_answers"] == [rows[0]["id"]]
    assert got["confident_with_failed_tests"] == [rows[1]["id"]]
    assert got["confident_without_tests"] == [rows[0]["id"]]
