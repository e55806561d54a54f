"""The Prolog engine with real SWI-Prolog: termination, injection, limits, errors."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from council_core.base.errors import BadInput, BugError
from council_core.skills.logic.engine import PrologEngine, T, f  # noqa: F401


@pytest.fixture(scope="module")
def engine():
    from council_core.skills.logic.engine import shared_engine

    return shared_engine()


def test_left_recursion_and_cycles_terminate(engine: PrologEngine) -> None:
    facts = [f("parent", "a", "b"), f("parent", "b", "c"), f("parent", "c", "a")]
    t0 = time.perf_counter()
    res = engine.solve_sync(facts, T("yn", T("rel", "ancestor", "a", "c")))
    assert res.name == "yes"
    assert engine.solve_sync(facts, T("yn", T("rel", "ancestor", "a", "zed"))) == "closed_no"
    who = engine.solve_sync(facts, T("who", "ancestor", "a"))
    assert sorted(item.args[0].args[0] for item in who.args[0]) == ["b", "c"]
    cyc = [f("all", "x", "y"), f("all", "y", "x"), f("isa", "s", "x")]
    assert engine.solve_sync(cyc, T("yn", T("isa", "s", "q"))) == "unknown"
    loops = [f("in", "p", "q"), f("in", "q", "p")]
    assert engine.solve_sync(loops, T("yn", T("rel", "in", "p", "r"))) == "unknown"
    taller = [f(T("cmp", "tall"), "a", "b"), f(T("cmp", "tall"), "b", "a")]
    assert engine.solve_sync(taller, T("best", "tall")).name == "unknown"
    assert time.perf_counter() - t0 < 2


def test_user_text_is_data_never_code(engine: PrologEngine, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = [
        f"X = 1), shell('touch {marker}'",
        "halt.",
        f"shell('touch {marker}')",
        "'); halt. %",
        "a :- halt",
        "\"quoted\" \\ 'x' =.. [call, halt]",
        "é ü ß 中文",
    ]
    for text in hostile:
        res = engine.solve_sync(
            [f("isa", text, text), f("parent", text, "b")], T("yn", T("isa", text, text))
        )
        assert res.name == "yes"
        who = engine.solve_sync([f("parent", text, "b")], T("who", "parent", "b"))
        assert who.args[0][0].args[0].args[0] == text  # round-trips exactly
    assert not marker.exists()
    assert engine.solve_sync([], T("day", "monday", 1)) == T("day", "tuesday")
    assert os.getpid() > 0


def test_thousands_of_kb_facts_stay_within_limits(engine: PrologEngine) -> None:
    n = 5000
    kb = [f("parent", f"p{i}", f"p{i + 1}") for i in range(n)]
    kb += [f("in", f"c{i}", f"c{i + 1}") for i in range(n)]
    t0 = time.perf_counter()
    engine.kb_replace_sync(kb, "big")
    assert engine.kb_count_sync() == 2 * n
    res = engine.solve_sync([], T("yn", T("rel", "ancestor", "p0", f"p{n}")))
    assert res.name == "yes" and len(res.args[0]) == n
    res = engine.solve_sync([], T("yn", T("rel", "in", "c10", "c20")))
    assert res.name == "yes"
    assert time.perf_counter() - t0 < 10
    engine.kb_replace_sync([], None)
    assert engine.kb_count_sync() == 0


def test_runaway_query_hits_the_limit_not_the_process() -> None:
    from council_core.skills.logic.engine import shared_engine

    eng = shared_engine()
    saved, eng.inference_limit = eng.inference_limit, 20_000
    try:
        kb = [f("parent", f"p{i}", f"p{i + 1}") for i in range(2000)]
        with pytest.raises(BadInput, match="limit"):
            eng.solve_sync(kb, T("yn", T("rel", "ancestor", "p0", "p2000")))
        assert eng.solve_sync([], T("day", "sunday", 1)) == T("day", "monday")
    finally:
        eng.inference_limit = saved


def test_bad_clause_is_an_error_not_the_tracer(engine: PrologEngine) -> None:
    with pytest.raises(BugError):
        engine.solve_sync([T("not_a_fact", "x")], T("yn", T("isa", "a", "b")))  # type: ignore[list-item]
    # an unknown goal simply fails
    assert engine.solve_sync([], T("no_such_goal", "x")) == "failed"
    # the engine still answers afterwards (a tracer would have killed the process)
    assert engine.solve_sync([f("isa", "s", "man")], T("yn", T("isa", "s", "man"))).name == "yes"


async def test_async_solve_uses_one_thread(engine: PrologEngine) -> None:
    import asyncio

    facts = [f("isa", "s", "man"), f("all", "man", "mortal")]
    results = await asyncio.gather(
        *(engine.solve(facts, T("yn", T("isa", "s", "mortal"))) for _ in range(20))
    )
    assert all(r.name == "yes" for r in results)
