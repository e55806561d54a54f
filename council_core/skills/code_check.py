"""Check a function against examples inside the sandbox, and read what happened.

``check_program`` wraps the candidate code and the examples into one Python program that runs
in the sandbox: it loads the code, runs each example with its own time limit and a cap on what
it prints, and reports one tagged JSON line per example. ``read_check`` turns the run back into
a ``CheckRun``; a run the sandbox stopped (wall-clock, memory or process limits) reports the
example that was running as failed, with the limit that stopped it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from .code_request import Example

PER_EXAMPLE_S = 3.0
PRINT_CAP = 65536

_RUNNER = r"""
import contextlib as _cl, io as _io, json as _json, math as _math, signal as _signal
import sys as _sys, traceback as _tb
_TAG = __TAG__
_EXAMPLES = _json.loads(__EXAMPLES__)
_SOLUTION = __SOLUTION__
_LIMIT = __LIMIT__
_CAP = __CAP__


class _Capped(_io.StringIO):
    def write(self, s):
        if self.tell() + len(s) > _CAP:
            raise RuntimeError("printed more than %d KB" % (_CAP // 1024))
        return super().write(s)


class _Slow(BaseException):
    pass


def _alarm(signum, frame):
    raise _Slow()


def _report(**d):
    _sys.__stdout__.write("\n" + _TAG + _json.dumps(d) + "\n")
    _sys.__stdout__.flush()


def _same(got, want):
    try:
        if got == want:
            return True
    except Exception:
        return False
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return _math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return False


def _norm(text):
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _short(text, n=300):
    return text if len(text) <= n else text[:n] + "..."


def _exc_name(want):
    last = want.strip().splitlines()[-1]
    return last.split(":", 1)[0].strip().rsplit(".", 1)[-1]


_G = {"__name__": "solution", "__builtins__": __builtins__}
try:
    exec(compile(_SOLUTION, "solution.py", "exec"), _G)
except BaseException as _e:
    _frames = [f for f in _tb.extract_tb(_e.__traceback__) if f.filename == "solution.py"]
    _text = "".join(_tb.format_list(_frames)) + "".join(_tb.format_exception_only(type(_e), _e))
    _report(load_error=_text[-2000:])
    raise SystemExit(3)
_report(loaded=True)
_signal.signal(_signal.SIGALRM, _alarm)
for _i, _ex in enumerate(_EXAMPLES):
    _kind, _want = _ex["kind"], _ex["want"]
    _buf = _Capped()
    _ok, _got, _err = False, "", None
    _raises = _kind == "doctest" and _want.lstrip().startswith("Traceback")
    try:
        with _cl.redirect_stdout(_buf):
            _signal.setitimer(_signal.ITIMER_REAL, _LIMIT)
            try:
                try:
                    _code = compile(_ex["src"], "<example>", "eval")
                    _expr = True
                except SyntaxError:
                    _code = compile(_ex["src"], "<example>", "exec")
                    _expr = False
                _val = eval(_code, _G)
            finally:
                _signal.setitimer(_signal.ITIMER_REAL, 0)
        _printed = _buf.getvalue()
        if _kind in ("assert", "runs"):
            _ok = True
            _got = _short(repr(_val)) if _expr else ""
        elif _kind == "value":
            _got = _short(repr(_val))
            _ok = _same(_val, eval(_want, _G))
        else:
            _text = _printed + (repr(_val) + "\n" if _expr and _val is not None else "")
            _got = _short(_text.strip())
            if _raises:
                _err = "no exception was raised"
            else:
                _ok = _norm(_text) == _norm(_want)
                if not _ok and _expr and not _printed:
                    try:
                        _ok = _same(_val, eval(_want, _G))
                    except Exception:
                        pass
    except _Slow:
        _err = "took longer than %g s (stopped)" % _LIMIT
    except BaseException as _e:
        _name = type(_e).__name__
        _err = _short("%s: %s" % (_name, _e))
        if _raises and _name == _exc_name(_want):
            _ok, _err, _got = True, None, _name
        elif _kind == "assert" and isinstance(_e, AssertionError):
            _err = "the assertion failed" + (": %s" % _e if str(_e) else "")
    _report(i=_i, ok=_ok, got=_got, error=_err, printed=_short(_buf.getvalue(), 500))
"""


def check_program(code: str, examples: list[Example], tag: str) -> str:
    """The program that loads ``code`` and runs ``examples`` against it (in the sandbox)."""
    data = json.dumps([{"src": e.src, "want": e.want, "kind": e.kind} for e in examples])
    return (
        _RUNNER.replace("__TAG__", repr(tag))
        .replace("__EXAMPLES__", repr(data))
        .replace("__SOLUTION__", repr(code))
        .replace("__LIMIT__", repr(PER_EXAMPLE_S))
        .replace("__CAP__", repr(PRINT_CAP))
    )


def new_tag() -> str:
    return "\x1ecouncil-check-" + secrets.token_hex(6) + " "


@dataclass
class ExampleResult:
    example: Example
    ok: bool
    got: str = ""
    error: str | None = None
    printed: str = ""

    def line(self) -> str:
        mark = "passed" if self.ok else "FAILED"
        text = f"[{mark}] {self.example.show()}"
        if not self.ok:
            text += f"  (got {self.error})" if self.error else f"  (got {self.got or 'nothing'})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "example": self.example.show(),
            "origin": self.example.origin,
            "ok": self.ok,
            "got": self.got,
            "error": self.error,
        }


@dataclass
class CheckRun:
    results: list[ExampleResult] = field(default_factory=list)
    load_error: str | None = None
    stopped: str | None = None  # the sandbox stopped the run: "timeout", "memory limit", ...
    output: str = ""  # what the code printed when it was loaded
    exec_result: Any = None
    expected: int = 0  # how many examples were to run

    @property
    def passed(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def total(self) -> int:
        return self.expected

    @property
    def all_passed(self) -> bool:
        return self.load_error is None and self.stopped is None and self.passed == self.total

    def score(self) -> tuple[int, int]:
        """For choosing the best attempt: examples passed, then loaded at all."""
        return self.passed, int(self.load_error is None)

    def report(self) -> str:
        lines = []
        if self.load_error:
            lines.append("Loading the code failed:\n" + self.load_error.strip())
        lines += [r.line() for r in self.results]
        if self.stopped:
            lines.append(f"The sandbox stopped the run ({self.stopped}).")
        return "\n".join(lines)


def read_check(res: Any, examples: list[Example], tag: str) -> CheckRun:
    """Turn the sandbox's result of ``check_program`` into a CheckRun."""
    run = CheckRun(exec_result=res, expected=len(examples))
    found: dict[int, ExampleResult] = {}
    plain: list[str] = []
    loaded = False
    for line in res.stdout.split("\n"):  # not splitlines(): the tag starts with \x1e
        if not line.startswith(tag):
            plain.append(line)
            continue
        try:
            d = json.loads(line[len(tag) :])
        except ValueError:
            continue
        if "load_error" in d:
            run.load_error = str(d["load_error"])
        elif d.get("loaded"):
            loaded = True
        elif isinstance(d.get("i"), int) and 0 <= d["i"] < len(examples) and d["i"] not in found:
            found[d["i"]] = ExampleResult(
                examples[d["i"]],
                bool(d.get("ok")),
                str(d.get("got") or ""),
                d.get("error"),
                str(d.get("printed") or ""),
            )
    run.output = "\n".join(plain).strip("\n")
    if not res.ok or len(found) < len(examples):
        if res.timed_out:
            run.stopped = "it ran past the sandbox's time limit"
        elif res.killed_reason:
            run.stopped = res.killed_reason
        elif res.truncated:
            run.stopped = "it printed more than the sandbox's output cap"
        elif run.load_error is None and not loaded:
            err = (res.stderr or "").strip()[-1500:]
            run.load_error = err or f"the program exited with status {res.exit_code}"
        elif run.load_error is None:
            run.stopped = f"exit status {res.exit_code}"
    for i, ex in enumerate(examples):
        if i in found:
            run.results.append(found[i])
        elif run.load_error is None:
            why = run.stopped or "it did not run"
            first_missing = i == min(set(range(len(examples))) - set(found))
            run.results.append(
                ExampleResult(ex, False, error=f"stopped: {why}" if first_missing else "not run")
            )
    return run
