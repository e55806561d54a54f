"""The judge for every eval set: ``judge(expected, answer, kind) -> bool``.

Kinds:
  number    the answer's result is the expected number. The result is the literal the answer
            starts with, or the one after its last "=" / "≈". Fractions, decimals, thousand
            separators, percentages and scientific notation compare with a tolerance that
            follows the digits the answer printed (never looser than 3 significant digits).
            An expression without a result ("17 * 23") is wrong, so is an echoed operand.
  symbolic  mathematically equivalent expressions (SymPy, on expressions read by the math
            skill's own safe parser: no eval). The part after the last "=" counts, before
            any "≈". "+ C" marks an antiderivative: equal up to a constant. A factored
            expected form needs a factored answer; matrices compare entry by entry.
  set       solutions in any order: "x = 2 or x = 3", "x = 7, y = 3", "2, 3". Every expected
            solution and nothing else.
  yesno     the first word of the answer (yes/no/true/false).
  contains  every part of expected (split on "&&") appears in the answer, case-insensitive;
            "|" separates alternatives.
  word      one of the alternatives (split on "|") appears as a whole word, case-sensitive
            (chemical symbols, Python names).
  exact     equal after normalizing case, spaces, "×·*", superscripts; or equal to the part
            after the last "=".
  text      one of the alternatives (split on "|") appears as whole words in the answer.
  exact_first  the answer's lead (the text before its first ":") equals expected, ignoring
            case: "Thursday: Monday + 10 days ..." for "Thursday".
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

KINDS = ("number", "symbolic", "set", "yesno", "contains", "exact", "text", "exact_first", "word")

_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUM = re.compile(
    r"[-−]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?[eE][-+]?\d+|\s?[×x*]\s?10\^[-+]?\d+)?"
    r"(?:\s?/\s?\d+(?:\.\d+)?)?%?|[-−]?\.\d+"
)
_LEADING_WORDS = re.compile(
    r"^\s*(?:the answer is|answer:|result:|it is|it's|that's|that is|approximately|about|"
    r"roughly|exactly|equals|=|≈|~)\s*",
    re.IGNORECASE,
)


def judge(expected: str, answer: str, kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"unknown judge kind {kind!r}; use one of {KINDS}")
    if answer is None:
        return False
    answer = answer.strip()
    if not answer:
        return False
    try:
        return bool(_JUDGES[kind](expected.strip(), answer))
    except Exception:
        return False


# ----- number -----


def _to_number(lit: str) -> tuple[Fraction, int] | None:
    """A literal -> (value, decimals printed); None when it is not one."""
    s = lit.replace("−", "-").replace(" ", "").replace(",", "")
    pct = s.endswith("%")
    s = s.rstrip("%")
    m = re.fullmatch(r"(-?[\d.]+)(?:[eE]([-+]?\d+)|[×x*]10\^([-+]?\d+))?(?:/([\d.]+))?", s)
    if not m:
        return None
    mant, e1, e2, den = m.groups()
    try:
        v = Fraction(mant)
    except ValueError:
        return None
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    exp = int(e1 or e2 or 0)
    v *= Fraction(10) ** exp
    decimals -= exp
    if den:
        if Fraction(den) == 0:
            return None
        v /= Fraction(den)
        decimals = 99  # a fraction is exact
    if pct:
        v /= 100
        decimals += 2
    return v, decimals


def _leading_literal(text: str) -> str | None:
    t = _LEADING_WORDS.sub("", text)
    t = re.sub(r"^[$€£]\s*", "", t)  # "$18": the amount is the number
    m = _NUM.match(t)
    if not m:
        return None
    raw_rest = t[m.end() :]
    rest = raw_rest.lstrip()
    # A literal followed by an operator is an expression, not a result ("17 * 23"); a
    # parenthetical after a space is a remark ("0.5 (1/2)").
    if rest and rest[0] in "*×·/^+-−÷√!":
        return None
    if raw_rest.startswith("("):
        return None
    if rest[:1].isalpha() and not re.match(
        r"(?:is|and|or|because|since|the|which|so|as|digits?|\b)", rest, re.I
    ):
        return None
    return m.group()


def _candidates(answer: str) -> list[str]:
    out = []
    lead = _leading_literal(answer)
    if lead:
        out.append(lead)
    pieces = re.split(r"=|≈|\bis\b", answer)
    if len(pieces) > 1:
        tail = _leading_literal(pieces[-1])
        if tail:
            out.append(tail)
    return out


def _expected_value(expected: str) -> complex | Fraction | None:
    lit = _to_number(expected)
    if lit is not None:
        return lit[0]
    try:
        v = _sym(expected)
        c = complex(v.evalf(30))
        return c
    except Exception:
        return None


def _num_close(
    exp: complex | Fraction, got: Fraction, decimals: int, exp_decimals: int = 99
) -> bool:
    """``exp`` exact (integer, fraction, short decimal): equal, or equal to the precision the
    answer printed. ``exp`` rounded (7+ decimals) or irrational: within the looser of the two
    printed precisions, and never worse than 5e-4 relative."""
    exact = isinstance(exp, Fraction) and (exp_decimals <= 6 or exp_decimals == 99)
    if isinstance(exp, Fraction) and got == exp:
        return True
    e = complex(exp)
    if abs(e.imag) > 1e-12:
        return False
    ev, g = e.real, float(got)
    printed = 0.5 * 10.0 ** (-decimals) if decimals < 99 else 0.0
    if exact and isinstance(exp, Fraction):
        if decimals >= 99:
            return False
        half = Fraction(1, 2) * Fraction(10) ** (-decimals)
        err = abs(got - exp)
        return err <= half and (exp == 0 or err <= abs(exp) * Fraction(5, 10000))
    rounded = 0.5 * 10.0 ** (-exp_decimals) if 0 < exp_decimals < 99 else 0.0
    tol = max(printed, rounded, abs(ev) * 1e-9)
    return abs(g - ev) <= tol * 1.0000001 and abs(g - ev) <= max(abs(ev) * 5e-4, 1e-12)


def judge_number(expected: str, answer: str) -> bool:
    exp = _expected_value(expected)
    if exp is None:
        return False
    lit_e = _to_number(expected)
    exp_decimals = lit_e[1] if lit_e is not None else 99
    for lit in _candidates(answer):
        parsed = _to_number(lit)
        if parsed is not None and _num_close(exp, parsed[0], parsed[1], exp_decimals):
            return True
    return False


# ----- symbolic (SymPy, via the math skill's safe parser) -----


def _sym(text: str) -> Any:
    from council_core.skills.math.build import Builder
    from council_core.skills.math.parser import parse

    t = text.replace("≤", "<=").replace("≥", ">=")
    return Builder().build(parse(t))


def _result_part(answer: str) -> str:
    a = answer.split("≈")[0]
    a = re.split(r"=", a)[-1]
    return a.strip().rstrip(".")


def _strip_c(text: str) -> tuple[str, bool]:
    m = re.search(r"\s*\+\s*C\s*$", text)
    if m:
        return text[: m.start()], True
    return text, False


def _factored(e: Any) -> bool:
    import sympy as sp

    if isinstance(e, sp.Mul):
        return any(
            isinstance(a, sp.Add) or (isinstance(a, sp.Pow) and isinstance(a.base, sp.Add))
            for a in e.args
        )
    return isinstance(e, sp.Pow) and isinstance(e.base, sp.Add)


def _equivalent(a: Any, b: Any, up_to_constant: bool = False) -> bool:
    import sympy as sp

    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if (
            not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase))
            or a.shape != b.shape
        ):
            return False
        return all(_equivalent(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, list) or isinstance(b, list):
        return False
    diff = sp.simplify(a - b)
    if diff == 0:
        return True
    if up_to_constant and not diff.free_symbols:
        return True
    # Numeric spot checks for what simplify cannot close.
    syms = sorted(diff.free_symbols, key=str)
    if up_to_constant:
        return all(sp.simplify(sp.diff(diff, s)) == 0 for s in syms)
    import random

    rnd = random.Random(7)
    for _ in range(6):
        point = {s: sp.Rational(rnd.randint(11, 97), 37) for s in syms}
        try:
            v = complex(diff.subs(point).evalf(30))
        except (TypeError, ValueError):
            return False
        if abs(v) > 1e-9 * (1 + abs(complex(a.subs(point).evalf(30)))):
            return False
    return True


def judge_symbolic(expected: str, answer: str) -> bool:
    from council_core.skills.math.limits import run_limited_sync

    exp_text, exp_c = _strip_c(expected)
    got_text, got_c = _strip_c(_result_part(answer))
    if exp_c and not got_c:
        return False

    def work() -> bool:
        e, g = _sym(exp_text), _sym(got_text)
        if _factored(e) and not _factored(g):
            return False
        if _factored(e):
            import sympy as sp

            return bool(sp.expand(e - g) == 0) and _same_factors(e, g)
        return _equivalent(e, g, up_to_constant=exp_c)

    return run_limited_sync(work, 10.0)


def _same_factors(e: Any, g: Any) -> bool:
    import sympy as sp

    def norm(x: Any) -> set[Any]:
        _, factors = sp.factor_list(x)
        return {(sp.expand(f), k) for f, k in factors}

    return norm(e) == norm(g)


# ----- set -----


def _solutions(text: str) -> list[dict[str, str]]:
    t = text.strip().rstrip(".")
    t = re.sub(r"\s*\((?:multiplicity \d+|[^)]*free)\)", "", t)
    t = re.sub(r"^(?:the\s+)?(?:solutions?|roots?|answers?)\s*(?:are|is|:)\s*", "", t, flags=re.I)
    t = t.strip("{}")
    groups = [g for g in re.split(r"\s+or\s+|;\s*", t) if g.strip()]
    sols = []
    for g in groups:
        items = [i for i in re.split(r",\s*|\s+and\s+", g) if i.strip()]
        sol: dict[str, str] = {}
        for n, item in enumerate(items):
            if "=" in item:
                k, _, v = item.partition("=")
                sol[k.strip()] = v.strip()
            else:
                sol[f"_{n}"] = item.strip()
        sols.append(sol)
    # "x = 2, x = 3" or "2, 3": one variable, several values.
    flat = [(k, v) for s in sols for k, v in s.items()]
    names = {k for k, _ in flat}
    if len(names) <= 1 or all(k.startswith("_") for k in names):
        return [{"v": v} for _, v in flat]
    return sols


def _value_eq(a: str, b: str) -> bool:
    a, b = a.split("≈")[0].strip(), b.split("≈")[0].strip()
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    try:
        return bool(_equivalent(_sym(a), _sym(b)))
    except Exception:
        return False


def judge_set(expected: str, answer: str) -> bool:
    from council_core.skills.math.limits import run_limited_sync

    exp, got = _solutions(expected), _solutions(answer)
    if len(exp) != len(got):
        return False

    def work() -> bool:
        remaining = list(got)
        for e in exp:
            for g in remaining:
                if set(e) == set(g) and all(_value_eq(e[k], g[k]) for k in e):
                    remaining.remove(g)
                    break
            else:
                return False
        return not remaining

    return run_limited_sync(work, 10.0)


# ----- the rest -----


def judge_yesno(expected: str, answer: str) -> bool:
    first = re.findall(r"[a-z]+", answer.lower())[:1]
    if not first:
        return False
    word = {"true": "yes", "correct": "yes", "false": "no", "incorrect": "no"}.get(
        first[0], first[0]
    )
    want = {"true": "yes", "false": "no"}.get(expected.lower().strip(), expected.lower().strip())
    return word == want


def _norm(text: str) -> str:
    t = text.translate(_SUP)
    t = re.sub(r"(\d)(?=-)", r"\1", t)
    t = t.replace("×", "*").replace("·", "*").replace("−", "-").replace("**", "^")
    t = re.sub(r"\s+", "", t.lower()).rstrip(".")
    return t


def _superscripts_to_carets(text: str) -> str:
    return re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda m: "^" + m.group().translate(_SUP), text)


def judge_exact(expected: str, answer: str) -> bool:
    e = _norm(_superscripts_to_carets(expected))
    a = _superscripts_to_carets(answer)
    return _norm(a) == e or _norm(a.split("=")[-1]) == e


def judge_contains(expected: str, answer: str) -> bool:
    """Alternatives split on "|"; within one, every part split on "&&" must appear."""
    a = re.sub(r"\s+", " ", answer.lower())
    for alt in expected.split("|"):
        parts = [p.strip().lower() for p in alt.split("&&") if p.strip()]
        if parts and all(re.sub(r"\s+", " ", p) in a for p in parts):
            return True
    return False


def judge_text(expected: str, answer: str) -> bool:
    a = " " + re.sub(r"[^\w%.]+", " ", answer.lower()) + " "
    for alt in expected.split("|"):
        w = re.sub(r"[^\w%.]+", " ", alt.lower()).strip()
        if w and re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", a):
            return True
    return False


_JUDGES = {
    "number": judge_number,
    "symbolic": judge_symbolic,
    "set": judge_set,
    "yesno": judge_yesno,
    "contains": judge_contains,
    "exact": judge_exact,
    "text": judge_text,
}

__all__ = ["KINDS", "judge"]


def _exact_first(expected: str, answer: str) -> bool:
    return answer.split(":", 1)[0].strip().rstrip(".").lower() == expected.strip().lower()


_JUDGES["exact_first"] = _exact_first


def _word(expected: str, answer: str) -> bool:
    return any(
        re.search(rf"(?<![A-Za-z0-9_]){re.escape(a)}(?![A-Za-z0-9_])", answer)
        for a in expected.split("|")
        if a
    )


_JUDGES["word"] = _word
