"""The CI subset of the evaluation: a fixed slice of every category, run through a real
`council batch` (real skills, real models), with accuracy floors per category. A change that
breaks a skill, the router or a model install fails here.

The full set and the side-by-side baseline run with `council eval` / bench/eval/harness.py.
"""

from __future__ import annotations

import pytest

from bench.eval import harness

# category -> (rows taken from the start of its set, accuracy floor)
SUBSET = {
    "math": (60, 0.97),
    "logic": (40, 0.90),
    "knowledge": (14, 0.70),
    "code": (8, 0.60),
    "general": (30, 0.60),
    "memory": (6, 0.50),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    rows = []
    for cat, (n, _floor) in SUBSET.items():
        rows += harness.spread(harness.load_rows(categories={cat}), n)
    home = tmp_path_factory.mktemp("eval-home")
    return harness.score(rows, harness.run_council(rows, home=home, timeout=1500))


@pytest.mark.eval
@pytest.mark.slow
@pytest.mark.parametrize("category", list(SUBSET))
def test_category_floor(report: dict, category: str) -> None:
    got = report["by_category"].get(category)
    assert got is not None, f"no {category} rows ran"
    floor = SUBSET[category][1]
    wrong = [w for w in report["wrong"] if w["id"].startswith(category)][:8]
    assert got["accuracy"] >= floor, f"{category}: {got['accuracy']:.2%} < {floor:.0%}; {wrong}"


@pytest.mark.eval
@pytest.mark.slow
def test_routing_and_locality(report: dict) -> None:
    assert report["local_share"] == 1.0  # CI configures no cloud provider
    assert report["routing_accuracy"] >= 0.85, report["confusion"]
