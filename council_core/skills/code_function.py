"""Write -> test -> repair: the code skill's answer to "write / complete / fix this function".

The model writes the function; the user's examples (``code_request``) run against it in the
sandbox (``code_check``); failures go back to the model for a bounded number of repairs
(``settings.sandbox.max_repairs``). With no examples the model also writes three obvious checks
of its own, and the answer says they are its own. A fix request first runs the user's code on
the examples, so the model sees how it fails (and a function that already passes is left as it
is). The answer holds the best attempt: the function, which examples passed, the run output,
and a confidence that is never 0.9 or more unless every example passed.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from council_core.base.logs import get_logger
from council_core.base.result import Progress, SkillAnswer
from council_core.skill import Emit, Query

from .code_check import CheckRun, check_program, new_tag, read_check
from .code_request import FENCE, LANG_OF, CodeRequest, Example, functions, is_stub, parse

if TYPE_CHECKING:
    from .code import CodeSkill

log = get_logger("skills.code_function")

# The first attempt is the model's plain completion of the request (no extra rules in the way
# of how it writes the function); what the skill adds is the checking: the user's examples and
# checks the model writes in a second turn, run in the sandbox, then repairs.
SYSTEM_PROMPT = (
    "Complete the function the user asks for. Reply with the complete Python code in one "
    "```python block."
)
OWN_CHECKS = (
    "Now write 3 assert lines that call the function on simple cases whose results are "
    "obvious, in one ```python block."
)
EDGE_CHECKS = (
    "Now write 3 assert lines for cases the examples do not show (an empty or smallest input, "
    "repeated values, negative numbers, ...), each following from the description, in one "
    "```python block."
)
CHECKS_MAX_TOKENS = 200  # a backstop: the turn ends once the checks that are used are written
OWN_GUESS = (
    "The checks not in the request are my own reading of the description. If one of them "
    "contradicts the description, reply with your code unchanged."
)
REPAIR = "Reply with the whole corrected code in one ```python block."
REPAIR_TEMPERATURE = 0.3
FRESH_TEMPERATURE = 0.8
MAX_FAILURES_SHOWN = 6
OWN_ONLY_REPAIRS = 1  # repairs for failures of the model's own checks alone


def split_reply(text: str) -> tuple[str, list[str]]:
    """The code of a reply (its first block, top-level asserts removed) and its assert lines."""
    blocks = [m.group(2) for m in FENCE.finditer(text)]
    if not blocks:
        start = text.find("```")
        if start >= 0:  # cut off before the closing fence
            blocks = [text[start:].split("\n", 1)[1] if "\n" in text[start:] else ""]
        elif parse(text) is not None:
            blocks = [text]
    if not blocks:
        return "", []
    code, asserts = _without_asserts(blocks[0])
    for extra in blocks[1:]:
        asserts += _without_asserts(extra)[1]
    return code, asserts


def _without_asserts(code: str) -> tuple[str, list[str]]:
    tree = parse(code)
    if tree is None:
        return code, []
    lines = code.splitlines(keepends=True)
    drop: set[int] = set()
    asserts = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assert) and stmt.end_lineno is not None:
            seg = ast.get_source_segment(code, stmt)
            if seg:
                asserts.append(seg)
            drop.update(range(stmt.lineno - 1, stmt.end_lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    if asserts:  # a "# Test cases" comment left hanging where the asserts were
        while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith("#")):
            kept.pop()
    return "".join(kept).rstrip() + "\n", asserts


def _normalized(code: str) -> str:
    """The code without blank lines and trailing spaces: two attempts that differ only so are
    the same attempt."""
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def function_written(name: str | None) -> Callable[[str], str | None]:
    """For a write or repair turn: the reply is enough once its first block is closed, is
    Python that loads, and defines the function asked for with a body. What the model writes
    after it (an explanation, usage) is never read; a first block that is not yet a function
    lets the model go on as before."""

    def enough(text: str) -> str | None:
        m = FENCE.search(text)
        if m is None or LANG_OF.get(m.group(1).lower()) != "python":
            return None
        tree = parse(m.group(2))
        if tree is None:
            return None
        fns = [f for f in functions(tree) if name is None or f.name == name]
        return text[: m.end()] if fns and not is_stub(fns[0]) else None

    return enough


def checks_written(need: int, least: int) -> Callable[[str], str | None]:
    """For the checks turn: the reply is enough once it holds the `need` assert lines that are
    used (the rest would be dropped), or its blocks are closed with at least `least` of them.
    An open block counts to its last whole line."""

    def enough(text: str) -> str | None:
        fences = text.count("```")
        if fences == 0:
            return None
        closed = fences % 2 == 0
        upto = text[: text.rfind("```") + 3] if closed else text[: text.rfind("\n") + 1] + "```"
        n = len(split_reply(upto)[1])
        return upto if n >= need or (closed and n >= least) else None

    return enough


def _problem(code: str, name: str | None) -> str | None:
    """Why a reply is not a function to test, or None."""
    if not code.strip():
        return "Your reply had no code block."
    tree = parse(code)
    if tree is None:
        return None  # loading it shows the SyntaxError with its line
    fns = {f.name: f for f in functions(tree)}
    if name and name not in fns:
        return f"Your code does not define the function `{name}`."
    target = fns.get(name) if name else next(iter(fns.values()), None)
    if target is None:
        return "Your code defines no function."
    if is_stub(target):
        return f"Your function `{target.name}` has no body: write the whole function."
    return None


def failures(run: CheckRun) -> str:
    """What went wrong, for the model."""
    parts = []
    if run.load_error:
        parts.append("Loading your code failed:\n" + run.load_error.strip()[-1200:])
    bad = [r for r in run.results if not r.ok]
    for r in bad[:MAX_FAILURES_SHOWN]:
        ex = r.example
        want = ex.want.strip() if ex.kind in ("value", "doctest") else ""
        if ex.kind == "runs":
            want = "no error"
        if want.startswith("Traceback"):
            want = "an exception: " + want.splitlines()[-1].strip()
        got = _what_happened(r.error, r.got)
        line = f"- {ex.src}: expected {want}, but {got}" if want else f"- {ex.src}: {got}"
        if r.printed and ex.kind != "doctest":
            line += f" (it printed {r.printed.strip()[:200]!r})"
        parts.append(line)
    if len(bad) > MAX_FAILURES_SHOWN:
        parts.append(f"- and {len(bad) - MAX_FAILURES_SHOWN} more")
    if run.stopped:
        parts.append(
            f"The sandbox stopped the run ({run.stopped}): make sure it ends quickly "
            "and does not print in a loop or start processes."
        )
    head = f"I ran your code on the examples: {run.passed} of {run.total} passed."
    return head + "\n" + "\n".join(parts)


def _what_happened(error: str | None, got: str) -> str:
    if error is None or error == "no exception was raised":
        return f"got {got or 'nothing'}"
    if error.startswith("took longer"):
        return f"it {error}"
    if error.startswith("stopped"):
        return f"the run was {error}"
    if error == "not run":
        return "it was not run (the run had stopped)"
    if error.startswith("the assertion"):
        return error
    return f"it raised {error}"


class Phases:
    """Where the time of one function request went: each model turn (prompt tokens, how many
    of them the KV cache already held, tokens written) and each sandbox run. It goes into the
    answer's data (``phases``) and the debug log."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._t0 = time.perf_counter()

    async def chat(
        self,
        name: str,
        backend: Any,
        messages: list[Any],
        opts: Any,
        enough: Callable[[str], str | None] | None = None,
    ) -> str:
        """The model's reply to `messages`, streamed (to time its first token). After each
        line, `enough` may return the reply to keep: the generation stops there (what the
        model would write after it is never read)."""
        t = time.perf_counter()
        first: float | None = None
        text = ""
        usage = None
        pieces = 0
        cut = False
        stream = backend.stream_chat(messages, opts)
        try:
            async for piece in stream:
                if first is None:
                    first = time.perf_counter() - t
                pieces += 1
                text += piece.text
                if piece.usage is not None:
                    usage = piece.usage
                if enough is not None and ("\n" in piece.text or "`" in piece.text):
                    kept = enough(text)
                    if kept is not None:
                        text, cut = kept, True
                        break
        finally:
            await stream.aclose()  # stops the generation when it was cut short
        self._add(
            name,
            t,
            first_token_s=None if first is None else round(first, 3),
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            reused_tokens=getattr(backend, "last_prompt_reused", None),
            completion_tokens=getattr(usage, "completion_tokens", pieces),
            stopped_early=cut,
        )
        return text

    def sandbox(self, t: float, res: Any, n_examples: int) -> None:
        self._add(
            "sandbox",
            t,
            examples=n_examples,
            run_s=round(float(getattr(res, "duration_s", 0.0)), 3),
            pooled=getattr(res, "pooled", None),
        )

    def _add(self, name: str, t: float, **info: Any) -> None:
        row = {"phase": name, "s": round(time.perf_counter() - t, 3), **info}
        self.rows.append(row)
        log.debug("function request phase %s", row, extra={"phase": row})

    def total(self) -> float:
        return round(time.perf_counter() - self._t0, 3)


def _warm_sandbox(skill: CodeSkill, query: Query) -> None:
    """Start this session's sandbox in the background while the model writes (a run then
    skips firejail's start-up); a sandbox that cannot start says so at the run itself."""
    try:
        skill.ctx.sandbox.warm(query.session)
    except Exception as exc:
        log.debug("could not pre-start a sandbox: %s", exc)


async def check(
    skill: CodeSkill,
    query: Query,
    code: str,
    examples: list[Example],
    emit: Emit,
    phases: Phases | None = None,
) -> CheckRun:
    tag = new_tag()
    t = time.perf_counter()
    res, _notes = await skill.execute(query, "python", check_program(code, examples, tag), emit)
    if phases is not None:
        phases.sandbox(t, res, len(examples))
    return read_check(res, examples, tag)


async def write_function(
    skill: CodeSkill, query: Query, req: CodeRequest, emit: Emit
) -> SkillAnswer:
    from council_core.llm.base import GenerationOptions, Message

    ctx = skill.ctx
    examples = list(req.examples)
    origin = "user" if examples else "own"
    request = query.text
    tried_user_code = False
    phases = Phases()
    _warm_sandbox(skill, query)
    if req.intent == "fix" and req.code and examples:
        await skill.approve_code("python", req.code)
        emit(Progress("code", message="running your code on your examples"))
        first = await check(skill, query, req.code, examples, emit, phases)
        if first.all_passed:
            return _answer(req, req.code, first, origin, 0, given=True, phases=phases)
        request += "\n\n" + failures(first).replace("your code", "the code above", 1)
        tried_user_code = True
    # With the user's examples, the model also writes a few edge-case checks of its own: they
    # catch what the examples do not show ([4, 4, 3] for "second largest distinct"). They
    # count less than the user's examples (see _score) and the model may overrule them.
    own: list[Example] = []
    backend = await ctx.llm.backend("code")
    asked = [Message("system", SYSTEM_PROMPT), Message("user", request)]
    messages = list(asked)
    repairs = ctx.settings.sandbox.max_repairs
    best: tuple[str, CheckRun, int] | None = None
    seen: set[str] = set()
    fresh = False
    attempt = 0
    own_only = 0  # runs where the user's examples passed and only its own checks failed
    problem: str | None = None
    for attempt in range(1, repairs + 2):
        what = "writing the function" if attempt == 1 else "repairing it from the failures"
        if fresh:
            what = "writing it afresh (the repair repeated an earlier attempt)"
        emit(Progress("code", attempt, repairs + 1, what))
        # The first attempt is greedy (the model's best guess); a repair samples a little, and
        # after a repair that repeated an earlier attempt word for word, the next attempt
        # starts over from the request, sampled more widely.
        temperature = 0.0 if attempt == 1 else (FRESH_TEMPERATURE if fresh else REPAIR_TEMPERATURE)
        opts = GenerationOptions(
            max_tokens=ctx.settings.llm.max_tokens,
            temperature=temperature,
            seed=None if attempt == 1 else attempt,
        )
        if fresh:  # later repairs build on this attempt, not on the repeated ones
            messages = list(asked)
        turn = "write" if attempt == 1 else ("fresh" if fresh else "repair")
        reply = await phases.chat(turn, backend, messages, opts, function_written(req.name))
        code, asserts = split_reply(reply)
        if attempt == 1 and not asserts and code.strip():
            asserts = await _own_checks(backend, messages, code, bool(examples), phases)
        if origin == "own" and not examples and asserts:
            examples = [Example(a, "", "assert", "own") for a in asserts[:MAX_OWN_CHECKS]]
        elif origin == "user" and not own and asserts and attempt == 1:
            own = [Example(a, "", "assert", "own") for a in asserts[:MAX_EDGE_CHECKS]]
        key = _normalized(code)
        repeated = bool(key) and key in seen
        seen.add(key)
        fresh = repeated
        if repeated:
            if best is not None and _user_passed(best[1]):
                break  # only its own checks failed and the model stands by its code
            if attempt > repairs:
                break
            continue  # the same code fails the same way: not run again
        problem = _problem(code, req.name)
        if problem is None:
            if attempt == 1 and not tried_user_code:
                await skill.approve_code("python", code)
            run = await check(skill, query, code, examples + own, emit, phases)
            if best is None or _score(run) > _score(best[1]):
                best = (code, run, attempt)
            if run.all_passed:
                break
            problem = failures(run)
            if own and _user_passed(run):
                # Only its own checks fail: the model gets one repair to fix the case or stand
                # by its code; a repair that still fails only them ends it (the best attempt
                # is kept, below 0.9).
                own_only += 1
                if own_only > OWN_ONLY_REPAIRS:
                    break
                problem += "\n" + OWN_GUESS
        if attempt > repairs:
            break
        messages += [
            Message("assistant", f"```python\n{code.rstrip()}\n```" if code.strip() else reply),
            Message("user", f"{problem}\n{REPAIR}"),
        ]
    if best is None:
        return SkillAnswer(
            f"The model wrote no usable function for this request in {attempt} attempts "
            f"(last problem: {problem or 'the same code again'}).",
            confidence=0.2,
            notes=[f"attempts: {attempt}", "no function written"],
            data={
                "intent": req.intent,
                "attempts": attempt,
                "outcome": "no code",
                "phases": phases.rows,
                "phases_total_s": phases.total(),
            },
        )
    code, run, at = best
    return _answer(req, code, run, origin, attempt, given=False, best_at=at, phases=phases)


MAX_EDGE_CHECKS = 3  # edge-case checks used next to the user's examples
MAX_OWN_CHECKS = 5  # checks used when the user gave no examples
OWN_CHECKS_ASKED = 3  # what either checks prompt asks for


async def _own_checks(
    backend: Any, messages: list[Any], code: str, edge: bool, phases: Phases
) -> list[str]:
    """A second turn: the model writes a few assert lines for the function it just wrote."""
    from council_core.llm.base import GenerationOptions, Message

    turn = [
        *messages,
        Message("assistant", f"```python\n{code.rstrip()}\n```"),
        Message("user", EDGE_CHECKS if edge else OWN_CHECKS),
    ]
    reply = await phases.chat(
        "checks",
        backend,
        turn,
        GenerationOptions(max_tokens=CHECKS_MAX_TOKENS, temperature=0.0),
        checks_written(MAX_EDGE_CHECKS if edge else MAX_OWN_CHECKS, OWN_CHECKS_ASKED),
    )
    return split_reply(reply)[1]


def _user_passed(run: CheckRun) -> bool:
    """Every example the user gave passed (the model's own checks aside)."""
    users = [r for r in run.results if r.example.origin == "user"]
    n_user = run.total - sum(1 for r in run.results if r.example.origin == "own")
    return (
        run.load_error is None
        and run.stopped is None
        and len(users) == n_user
        and all(r.ok for r in users)
    )


def _score(run: CheckRun) -> tuple[int, int, int]:
    """For choosing the best attempt: the user's examples passed, then the model's own checks,
    then loaded at all. An earlier attempt wins a tie."""
    user = sum(r.ok for r in run.results if r.example.origin == "user")
    own = sum(r.ok for r in run.results if r.example.origin == "own")
    return user, own, int(run.load_error is None)


def _confidence(run: CheckRun, origin: str) -> float:
    if run.all_passed:
        if run.total == 0:
            return 0.6  # it loads, nothing more is known
        return 0.95 if origin == "user" else 0.8
    if origin == "user" and _user_passed(run):
        return 0.8  # the user's examples pass; one of its own edge-case checks does not
    if run.total == 0 or run.load_error:
        return 0.3
    return round(0.5 + 0.3 * run.passed / run.total, 3)  # below 0.8: some example failed


def _answer(
    req: CodeRequest,
    code: str,
    run: CheckRun,
    origin: str,
    attempts: int,
    given: bool,
    best_at: int | None = None,
    phases: Phases | None = None,
) -> SkillAnswer:
    parts = [f"```python\n{code.rstrip()}\n```"]
    if given:
        parts = [
            "Your code already passes every example you gave; I left it as it is.",
            *parts,
        ]
    n, p = run.total, run.passed
    if n == 0:
        head = "You gave no examples and I wrote no checks: I only checked that it loads."
    elif origin == "user":
        mine = [r for r in run.results if r.example.origin == "own"]
        nu = n - len(mine)
        pu = p - sum(r.ok for r in mine)
        head = f"Checked in the sandbox against your {nu} example{'s' * (nu != 1)}: {pu} passed."
        if mine:
            head += (
                f" I added {len(mine)} edge-case check{'s' * (len(mine) != 1)} of my own: "
                f"{sum(r.ok for r in mine)} passed."
            )
    else:
        head = (
            f"You gave no examples, so I checked it with {n} check{'s' * (n != 1)} of my own "
            f"(mine, not yours): {p} passed."
        )
    report = run.report()
    parts.append(head + ("\n```\n" + report + "\n```" if report else ""))
    if run.output.strip():
        parts.append("Output:\n```\n" + run.output.strip()[-2000:] + "\n```")
    if not run.all_passed and origin == "user" and _user_passed(run):
        parts.append(
            "Your examples pass; a check of my own does not. It may be my reading of the "
            "description that is wrong: look at that case."
        )
    elif not run.all_passed:
        parts.append(
            f"It does not pass them all after {attempts} attempt{'s' * (attempts != 1)}; "
            "this is the attempt that passed the most."
        )
    tests = {"passed": p, "total": n, "origin": origin}
    has_own = any(r.example.origin == "own" for r in run.results)
    label = "own checks" if origin != "user" else "your examples"
    if origin == "user" and has_own:
        label = "your examples and my edge-case checks"
    notes = [f"tests: {p} of {n} passed ({label})"]
    if not given:
        notes.append(f"attempts: {attempts}")
    res: Any = run.exec_result
    return SkillAnswer(
        "\n\n".join(parts),
        confidence=_confidence(run, origin),
        code=code,
        output=report + ("\n" + run.output if run.output.strip() else ""),
        notes=notes,
        data={
            "intent": req.intent,
            "language": "python",
            "function": req.name,
            "stub_given": bool(req.stubs),
            "tests": tests,
            "examples": [r.to_dict() for r in run.results],
            "attempts": attempts,
            "best_attempt": best_at,
            "outcome": "ok" if run.all_passed else "failed",
            "exit_code": getattr(res, "exit_code", None),
            "killed_reason": getattr(res, "killed_reason", None),
            "duration_s": round(float(getattr(res, "duration_s", 0.0)), 4),
            "phases": phases.rows if phases else [],
            "phases_total_s": phases.total() if phases else None,
        },
    )
