"""The fast path: exact arithmetic on Python ``Fraction``s for plain numeric questions
("17 * 23", "0.1 + 0.2", "25% of 80% of 160", "20!"), with no SymPy import. Anything it
cannot do exactly (pi, sqrt(2), symbols) raises ``NotExact`` and goes to SymPy.

Sizes are checked before computing, so 9^9^9^9 is refused at once instead of hanging.
"""

from __future__ import annotations

import math
from fractions import Fraction

from council_core.base.errors import BadInput

from .parser import Node

MAX_BITS = 200_000  # about 60,000 decimal digits
MAX_FACTORIAL = 5000


class NotExact(Exception):
    """This expression needs SymPy (irrational, symbolic or unsupported here)."""


def too_big(what: str) -> BadInput:
    return BadInput(
        f"{what} is too large to compute (over {MAX_BITS * 0.30103:,.0f} digits)",
        fix="use smaller numbers; for huge powers ask for the number of digits or a logarithm",
    )


def division_by_zero() -> BadInput:
    return BadInput("division by zero: the result is undefined", fix="check the divisor")


def check_pow(base: Fraction, exp: Fraction) -> None:
    """Refuse a power whose exact value would be too large, before computing it."""
    if exp.denominator != 1:
        return
    mag = max(abs(base.numerator), base.denominator)
    if mag <= 1:
        return
    if abs(exp) > MAX_BITS or abs(exp) * mag.bit_length() > MAX_BITS:
        raise too_big("that power")


def _int(v: Fraction, what: str) -> int:
    if v.denominator != 1:
        raise BadInput(f"{what} needs whole numbers, got {v}", fix="use integers")
    return v.numerator


def _exact_root(v: Fraction, n: int) -> Fraction:
    if n <= 0:
        raise NotExact
    if v < 0:
        if n % 2 == 0:
            raise NotExact  # imaginary: SymPy says so properly
        return -_exact_root(-v, n)
    out = []
    for part in (v.numerator, v.denominator):
        if part.bit_length() > 4000:
            raise NotExact
        r = round(part ** (1.0 / n)) if part.bit_length() < 1000 else _iroot(part, n)
        for cand in (r - 1, r, r + 1):
            if cand >= 0 and cand**n == part:
                out.append(cand)
                break
        else:
            raise NotExact
    return Fraction(out[0], out[1])


def _iroot(x: int, n: int) -> int:
    lo, hi = 0, 1 << (x.bit_length() // n + 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**n <= x:
            lo = mid
        else:
            hi = mid - 1
    return lo


def evaluate(node: Node) -> Fraction:
    kind = node[0]
    if kind == "num":
        return node[1]  # type: ignore[no-any-return]
    if kind == "neg":
        return -evaluate(node[1])
    if kind in ("add", "sub", "mul", "div", "mod", "pow"):
        a, b = evaluate(node[1]), evaluate(node[2])
        if kind == "add":
            return a + b
        if kind == "sub":
            return a - b
        if kind == "mul":
            if max(a.numerator.bit_length(), b.numerator.bit_length()) > MAX_BITS:
                raise too_big("that product")
            return a * b
        if kind == "div":
            if b == 0:
                raise division_by_zero()
            return a / b
        if kind == "mod":
            if b == 0:
                raise division_by_zero()
            return a % b
        return _pow(a, b)
    if kind == "fact":
        n = _int(evaluate(node[1]), "a factorial")
        if n < 0:
            raise BadInput("the factorial of a negative number is undefined", fix="use n >= 0")
        if n > MAX_FACTORIAL:
            raise too_big(f"{n}!")
        return Fraction(math.factorial(n))
    if kind == "pct":
        return evaluate(node[1]) / 100
    if kind == "call":
        return _call(node[1], [evaluate(a) for a in node[2]])
    raise NotExact


def _pow(a: Fraction, b: Fraction) -> Fraction:
    if a == 0 and b < 0:
        raise division_by_zero()
    if b.denominator == 1:
        check_pow(a, b)
        return a ** int(b)
    if abs(b.numerator) > 1000 or b.denominator > 1000:
        raise NotExact
    root = _exact_root(a, b.denominator)
    check_pow(root, Fraction(b.numerator))
    if root == 0 and b < 0:
        raise division_by_zero()
    return root**b.numerator


def _call(name: str, args: list[Fraction]) -> Fraction:
    if name in ("gcd", "lcm"):
        ints = [_int(a, name) for a in args]
        return Fraction(math.gcd(*ints) if name == "gcd" else math.lcm(*ints))
    if name in ("binomial", "perm"):
        n, k = (_int(a, name) for a in args)
        if n < 0 or k < 0:
            raise NotExact
        if k > n:
            return Fraction(0)
        if min(k, n - k) * max(n, 2).bit_length() > MAX_BITS:
            raise too_big(f"{name}({n}, {k})")
        return Fraction(math.comb(n, k) if name == "binomial" else math.perm(n, k))
    if name == "factorial":
        return evaluate(("fact", ("num", args[0])))
    if name == "abs":
        return abs(args[0])
    if name == "floor":
        return Fraction(math.floor(args[0]))
    if name == "ceil":
        return Fraction(math.ceil(args[0]))
    if name == "sign":
        return Fraction((args[0] > 0) - (args[0] < 0))
    if name == "max":
        return max(args)
    if name == "min":
        return min(args)
    if name == "mod":
        if args[1] == 0:
            raise division_by_zero()
        return args[0] % args[1]
    if name == "sqrt":
        return _exact_root(args[0], 2)
    if name == "cbrt":
        return _exact_root(args[0], 3)
    if name == "root":
        return _exact_root(args[0], _int(args[1], "root"))
    if name in ("log", "log2", "log10"):
        base = args[1] if len(args) > 1 else {"log2": Fraction(2), "log10": Fraction(10)}.get(name)
        if base is None:
            raise NotExact
        return _exact_log(args[0], base)
    raise NotExact


def _exact_log(x: Fraction, base: Fraction) -> Fraction:
    if x <= 0 or base <= 0 or base == 1:
        raise NotExact
    if x == 1:
        return Fraction(0)
    try:
        approx = math.log(x) / math.log(base)
    except (OverflowError, ValueError, ZeroDivisionError) as exc:
        raise NotExact from exc
    k = round(approx)
    if abs(approx - k) < 1e-9 and abs(k) < 10000 and base**k == x:
        return Fraction(k)
    raise NotExact
