"""Lightning Math through the real router: answers, routing, hostile input."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from council_core.base.errors import BadInput, SkillDeclined
from council_core.router import Council
from council_core.skill import Query
from council_core.skills.math import MathSkill
from council_core.skills.math.parser import parse
from tests.helpers.cli import run_council

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def council(ctx) -> Council:
    c = Council(ctx, skills={"math": MathSkill})
    c._hooks = []
    return c


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("What is 17 * 23?", "391"),
        ("0.1 + 0.2", "0.3"),
        ("what's 9 times 8", "72"),
        ("144 ÷ 12", "12"),
        ("25% of 80% of 160", "32"),
        ("log₂(64)", "6"),
        ("2^200", str(2**200)),
        ("solve x^2 - 5x + 6 = 0", "x = 2 or x = 3"),
        ("Find the derivative of f(x) = x³ + 2x²", "d/dx(x³ + 2x²) = 3x² + 4x"),
        ("integrate x^2 dx", "∫ x² dx = x³/3 + C"),
        ("factor x^2 - 9", "(x - 3)(x + 3)"),
        ("is 91 prime", "No, 91 is not prime: 91 = 7 × 13."),
        ("solve 2x > 4", "x > 2"),
    ],
)
async def test_answers_result_first(council, prompt, answer):
    r = await council.ask(prompt)
    assert (r.answer, r.skill, r.confidence, r.error) == (answer, "math", 1.0, None)


@pytest.mark.parametrize(
    "prompt",
    [
        "what is the capital of France",
        "is Socrates mortal",
        "write python that prints the primes below 100",
        "what is 2+2 in python code? run it",
        "summarize the file report.pdf",
        "who is he",
        "tell me a joke",
        "what's my locker combination",
        "what is our wifi password, the one with the prime numbers",
    ],
)
def test_declines_other_questions(ctx, prompt):
    assert MathSkill(ctx).score(Query(prompt)) < MathSkill.threshold


def test_score_is_cheap_and_does_not_import_sympy(ctx):
    code = (
        "import sys, time\n"
        "from council_core.skills.math import MathSkill\n"
        "from council_core.skill import Query\n"
        "s = MathSkill(None)\n"
        "t = time.perf_counter()\n"
        "for q in ['solve x^2 = 4', 'what is 17 * 23', 'derivative of sin(x)', 'hello']:\n"
        "    s.score(Query(q))\n"
        "print('sympy' in sys.modules, time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported, elapsed = out.stdout.split()
    assert imported == "False"
    assert float(elapsed) < 0.05


HOSTILE = [
    "__import__('os').system('id')",
    "Find the derivative of __import__('os').system('touch /tmp/pwned')",
    "9**9**9**9",
    "2^(10^10)",
    "x^(9^9^9)",
    "(10^100)!",
    "1" + "+1" * 50_000,
    "(((1+2)",
    "1+2)",
    "1/0",
    "0^-1",
    "log(0)",
    "solve x^(10^9) = 1",
    "expand (x+y+z)^400",
    "[[1,2],[3]]",
    "inverse of [[1, 2], [2, 4]]",
    "factorial(-3)",
    "sin(",
    ")(",
]


@pytest.mark.parametrize("prompt", HOSTILE)
async def test_hostile_input_gives_a_clear_error_fast(council, prompt, tmp_path):
    await council.warm()  # the 2 s bound is for a warm process (a cold one imports SymPy)
    t0 = time.perf_counter()
    r = await council.ask(prompt)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0
    assert not os.path.exists("/tmp/pwned")  # noqa: ASYNC240
    if r.ok:  # a bounded answer is allowed; it must be short
        assert len(r.answer) < 400
    else:
        assert r.error.message and r.error.fix


@pytest.mark.parametrize(
    ("prompt", "needle"),
    [
        ("9**9**9**9", "too large"),
        ("(((1+2)", "parenthes"),
        ("1+2)", "parenthes"),
        ("1/0", "division by zero"),
        ("1" + "+1" * 50_000, "too long"),
        ("Find the derivative of __import__('os').system('id')", "unexpected character"),
    ],
)
async def test_hostile_errors_say_what_is_wrong(council, prompt, needle):
    r = await council.ask(prompt)
    assert r.error is not None and needle in r.error.message
    assert r.error.kind == "bad_input"


async def test_raw_code_is_refused_not_run(ctx):
    skill = MathSkill(ctx)
    with pytest.raises(BadInput):
        await skill.answer(Query("__import__('os').system('id')"))
    with pytest.raises(SkillDeclined):
        await skill.answer(Query("tell me about the weather"))


def test_parser_never_builds_names_outside_the_whitelist():
    for text in ("os.system(1)", "exec(1)", "eval(2)", "globals()", "x.__class__", "open(1)"):
        with pytest.raises(BadInput):
            parse(text)


async def test_time_limit_stops_a_slow_computation(ctx, monkeypatch):
    monkeypatch.setattr(MathSkill, "time_limit_s", 0.2)
    c = Council(ctx, skills={"math": MathSkill})
    c._hooks = []
    t0 = time.perf_counter()
    r = await c.ask("simplify (x+1)^300 - (x-1)^300 + sin(x)^50*cos(x)^50")
    assert time.perf_counter() - t0 < 2.0
    assert r.error is not None and r.error.kind == "timeout"
    assert (await c.ask("6 * 7")).answer == "42"  # still works afterwards
    # the stopped computation really ends (a stop landing in a GC callback used to be
    # swallowed, and the simplify went on for a minute, slowing every later test)
    assert not await asyncio.to_thread(_math_threads_after, 3.0)


def _math_threads_after(wait_s: float) -> list[str]:
    import threading

    deadline = time.perf_counter() + wait_s
    while True:
        alive = [t.name for t in threading.enumerate() if t.name == "council-math" and t.is_alive()]
        if not alive or time.perf_counter() > deadline:
            return alive
        time.sleep(0.05)


def _cli(*args: str, stdin: str | None = None, home: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return run_council(*args, stdin=stdin, home=home, env=env, timeout=60)


def test_cli_ask(council_home):
    out = _cli("ask", "What is 17 * 23?", home=council_home)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "391"
    out = _cli("ask", "--json", "solve x^2 = 4", home=council_home)
    obj = json.loads(out.stdout)
    assert (obj["answer"], obj["skill"], obj["error"]) == ("x = -2 or x = 2", "math", None)


def test_cli_batch(council_home):
    lines = [
        json.dumps({"prompt": "What is 17 * 23?"}),
        "derivative of x^3",
        json.dumps({"prompt": "1/0", "session": "s1"}),
    ]
    out = _cli("batch", stdin="\n".join(lines) + "\n", home=council_home)
    assert out.returncode == 0, out.stderr
    objs = [json.loads(line) for line in out.stdout.splitlines()]
    assert [o["answer"] for o in objs[:2]] == ["391", "d/dx(x³) = 3x²"]
    assert all(o["skill"] == "math" for o in objs[:2])
    assert objs[2]["error"]["kind"] == "bad_input" and objs[2]["error"]["fix"]
    for o in objs:
        assert {"prompt", "answer", "skill", "confidence", "latency_ms", "sources", "error"} <= set(
            o
        )
