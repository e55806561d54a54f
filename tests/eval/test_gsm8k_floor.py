"""The CI subset of the GSM8K category: four evenly spaced dev problems (GSM8K train sample,
OpenAI, MIT; kept outside the repository in ../shared/eval) through a real `council batch`
with the default model, the word-problem skill and the Firejail sandbox, with an accuracy
floor. The full category and the fair side-by-side baseline run with
`council eval --category gsm8k --baseline`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "eval"))

import harness  # noqa: E402

# Four, not ten: each problem costs a program (up to 256 tokens after a 721-token prefix) and a
# step-by-step reasoning (up to 512 tokens), twice when they disagree: ~20-60 s on an idle
# 2-core machine. Set well below the held-out figure in the README (GSM8K rows).
N = 4
FLOOR = 0.4
ROUTED = 0.8  # share of them the word-problem skill answers


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if harness.gsm8k_path() is None:
        pytest.skip(
            f"the GSM8K sample is not beside the checkout (../shared/eval/{harness.GSM8K_FILE})"
        )
    dev = harness.load_gsm8k("dev")
    rows = dev[:: len(dev) // N][:N]
    home = tmp_path_factory.mktemp("gsm8k-home")
    t0 = time.perf_counter()
    results = harness.run_council(rows, home=home, timeout=900)
    out = harness.score(rows, results)
    out["wall_s"] = time.perf_counter() - t0
    return out


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.llm
def test_gsm8k_floor(report: dict) -> None:
    assert report["n"] == N
    got = report["by_category"]["gsm8k"]["accuracy"]
    assert got >= FLOOR, f"gsm8k: {got:.0%} < {FLOOR:.0%}; {report['wrong']}"


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.llm
def test_gsm8k_is_answered_by_programs_locally(report: dict) -> None:
    routed = report["confusion"].get("wordmath", {}).get("wordmath", 0) / report["n"]
    assert routed >= ROUTED, report["confusion"]
    assert report["local_share"] == 1.0
    # Confidence means something: no wrong answer claims to be sure.
    assert report["confident_wrong"] <= 1, report["wrong"]
