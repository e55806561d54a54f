"""The eval harness's GSM8K category, the fair baseline's answer reading and the calibration
table (no model needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "eval"))

import harness  # noqa: E402


def test_gsm8k_splits_dev_first_and_heldout_last(tmp_path: Path) -> None:
    src = tmp_path / harness.GSM8K_FILE
    src.write_text(
        "".join(
            json.dumps({"id": f"g{i}", "prompt": f"q{i}?", "answer": f"{i},000"}) + "\n"
            for i in range(250)
        )
    )
    dev = harness.load_gsm8k("dev", src)
    held = harness.load_gsm8k("heldout", src)
    assert [r["id"] for r in dev] == [f"g{i}" for i in range(harness.GSM8K_DEV)]
    assert [r["id"] for r in held] == [f"g{i}" for i in range(harness.GSM8K_DEV, 250)]
    assert dev[3]["expected"] == "3000" and dev[3]["judge"] == "number"
    assert {r["category"] for r in dev + held} == {"gsm8k"}


def test_missing_gsm8k_file_says_where_it_belongs(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="shared/eval/gsm8k-train-400.jsonl"):
        harness.load_gsm8k("dev", tmp_path / "nowhere.jsonl")


def test_the_real_sample_is_split_200_200() -> None:
    if harness.gsm8k_path() is None:
        pytest.skip("the GSM8K sample is not beside the checkout (../shared/eval)")
    assert len(harness.load_gsm8k("dev")) == 200
    assert len(harness.load_gsm8k("heldout")) == 200


@pytest.mark.parametrize(
    ("text", "final"),
    [
        ("She earns 12/60 per minute.\n0.2 * 50 = 10\nAnswer: $10", "$10"),
        ("Working...\n**Answer:** 18 dollars", "18 dollars"),
        ("Final answer: \\boxed{42}", "42"),
        ("So the meat left is \\(12\\) kilograms.", "So the meat left is 12 kilograms."),
        ("Some steps\nThe total is 7", "The total is 7"),  # no Answer line: the last line
    ],
)
def test_the_model_alone_is_judged_on_its_final_line(text: str, final: str) -> None:
    assert harness.final_answer(text) == final


def test_step_by_step_working_does_not_count_as_the_answer() -> None:
    row = {"id": "r", "prompt": "q", "expected": "10", "judge": "number", "category": "gsm8k"}
    right = {"answer": "12 * 50 = 600\nAnswer: 10", "final": "10"}
    wrong = {"answer": "10 minutes at 12 each\nAnswer: 120", "final": "120"}
    got = harness.score([row, {**row, "id": "w"}], {"r": right, "w": wrong})
    assert got["accuracy"] == 0.5


def test_calibration_buckets_count_accuracy_by_confidence() -> None:
    cal = harness.calibration([(0.95, True), (0.95, False), (0.6, True), (0.1, False)])
    assert cal[">=0.9"] == {"n": 2, "accuracy": 0.5}
    assert cal["0.5-0.7"] == {"n": 1, "accuracy": 1.0}
    assert cal["0.7-0.9"] == {"n": 0, "accuracy": None}
    assert cal["<0.5"] == {"n": 1, "accuracy": 0.0}


def test_a_final_sentence_with_one_number_is_judged_on_that_number() -> None:
    """The model alone often ends "So, Pop spent 15 dollars." with no Answer line: that is its
    answer (the word-problem skill reads its own reasoning the same way); a sentence with two
    numbers is not guessed at."""
    row = {"id": "r", "prompt": "q", "expected": "15", "judge": "number", "category": "gsm8k"}
    one = {"answer": "...\nSo, Pop spent 15 dollars.", "final": "So, Pop spent 15 dollars."}
    two = {"answer": "...", "final": "In 3 weeks Pop spent 15 dollars."}
    other = {"answer": "...", "final": "So, Pop spent 16 dollars."}
    got = harness.score(
        [row, {**row, "id": "t"}, {**row, "id": "o"}], {"r": one, "t": two, "o": other}
    )
    assert got["accuracy"] == pytest.approx(1 / 3)
