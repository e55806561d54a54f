"""AST -> SymPy objects, from a whitelist. SymPy is imported here (call ``sympy_module``
lazily); no string ever reaches ``sympify``/``parse_expr``: every node becomes a SymPy object
through a direct constructor call.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from council_core.base.errors import BadInput

from .exact import MAX_BITS, MAX_FACTORIAL, check_pow, division_by_zero, too_big
from .parser import Node

MAX_SYMBOLIC_EXP = 1000


def sympy_module() -> Any:
    import sympy

    return sympy


class Builder:
    def __init__(self, *, imaginary: bool = True) -> None:
        self.sp = sympy_module()
        self.imaginary = imaginary
        self._symbols: dict[str, Any] = {}

    def symbol(self, name: str) -> Any:
        if name not in self._symbols:
            self._symbols[name] = self.sp.Symbol(name)
        return self._symbols[name]

    def build(self, node: Node) -> Any:
        sp = self.sp
        kind = node[0]
        if kind == "num":
            v: Fraction = node[1]
            return sp.Rational(v.numerator, v.denominator)
        if kind == "sym":
            return self.symbol(node[1])
        if kind == "const":
            return {"pi": sp.pi, "e": sp.E, "i": sp.I, "oo": sp.oo, "tau": 2 * sp.pi}[node[1]]
        if kind == "neg":
            return -self.build(node[1])
        if kind in ("add", "sub", "mul", "div", "mod", "pow"):
            a, b = self.build(node[1]), self.build(node[2])
            if kind == "add":
                return a + b
            if kind == "sub":
                return a - b
            if kind == "mul":
                return a * b
            if kind == "div":
                if b == 0:
                    raise division_by_zero()
                return a / b
            if kind == "mod":
                if b == 0:
                    raise division_by_zero()
                return sp.Mod(a, b)
            return self.power(a, b)
        if kind == "fact":
            a = self.build(node[1])
            if a.is_Integer and (a > MAX_FACTORIAL):
                raise too_big(f"{a}!")
            if a.is_Integer and a < 0:
                raise BadInput("the factorial of a negative number is undefined", fix="use n >= 0")
            return sp.factorial(a)
        if kind == "pct":
            return self.build(node[1]) / 100
        if kind == "deg":
            return self.build(node[1]) * sp.pi / 180
        if kind == "call":
            return self.call(node[1], [self.build(a) for a in node[2]])
        if kind == "list":
            items = [self.build(a) for a in node[1]]
            if items and all(isinstance(r, list) for r in items):
                if len({len(r) for r in items}) != 1:
                    raise BadInput(
                        "the matrix rows have different lengths",
                        fix="give every row the same number of entries",
                    )
                return sp.Matrix(items)
            if any(isinstance(r, sp.MatrixBase) for r in items):
                rows = [list(r) for r in items]
                if len({len(r) for r in rows}) != 1:
                    raise BadInput(
                        "the matrix rows have different lengths",
                        fix="give every row the same number of entries",
                    )
                return sp.Matrix(rows)
            return items
        if kind == "rel":
            raise BadInput(
                "an equation cannot be used inside an expression",
                fix="write one equation, like x^2 = 4",
            )
        raise BadInput(f"unsupported expression part {kind!r}", fix="simplify the expression")

    def power(self, a: Any, b: Any) -> Any:
        sp = self.sp
        if isinstance(a, sp.MatrixBase):
            if not b.is_Integer:
                raise BadInput(
                    "a matrix power needs a whole-number exponent", fix="use A^2 or A^-1"
                )
            if abs(int(b)) > 1000:
                raise too_big("that matrix power")
            if b < 0:
                return a.inv() ** int(-b)
            return a ** int(b)
        if a.is_Rational and b.is_Rational:
            if a == 0 and b < 0:
                raise division_by_zero()
            check_pow(Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
        elif b.is_Integer and abs(b) > MAX_SYMBOLIC_EXP and not a.is_Rational:
            if a.is_number:
                raise too_big("that power")
            if abs(b) > MAX_BITS:
                raise too_big("that power")
        elif (
            a.is_Rational and abs(a) > 1 and b.is_number and b.is_real and b.is_finite
        ) and b > MAX_BITS:
            raise too_big("that power")
        return sp.Pow(a, b)

    def call(self, name: str, args: list[Any]) -> Any:
        sp = self.sp
        simple = {
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec,
            "csc": sp.csc, "asin": sp.asin, "acos": sp.acos, "acot": sp.acot, "sinh": sp.sinh,
            "cosh": sp.cosh, "tanh": sp.tanh, "asinh": sp.asinh, "acosh": sp.acosh,
            "atanh": sp.atanh, "exp": sp.exp, "ln": sp.log, "abs": sp.Abs, "floor": sp.floor,
            "ceil": sp.ceiling, "sign": sp.sign, "re": sp.re, "im": sp.im, "conj": sp.conjugate,
        }  # fmt: skip
        if any(isinstance(a, list | sp.MatrixBase) for a in args) and name not in ("max", "min"):
            raise BadInput(f"{name} does not take a list or matrix", fix=f"give {name} numbers")
        if name in simple:
            if name == "exp" and args[0].is_Rational and args[0] > MAX_BITS:
                raise too_big("that power")
            return simple[name](args[0])
        if name == "atan":
            return sp.atan(args[0]) if len(args) == 1 else sp.atan2(args[0], args[1])
        if name == "log":
            if len(args) == 2:
                if args[1] == 1 or args[1] == 0:
                    raise BadInput(
                        "a logarithm base must be positive and not 1", fix="use base 2, 10 or e"
                    )
                return sp.log(args[0], args[1])
            return sp.log(args[0])
        if name == "log10":
            return sp.log(args[0], 10)
        if name == "log2":
            return sp.log(args[0], 2)
        if name == "sqrt":
            return sp.sqrt(args[0])
        if name == "cbrt":
            return sp.real_root(args[0], 3) if args[0].is_real else sp.cbrt(args[0])
        if name == "root":
            n = args[1]
            if n == 0:
                raise division_by_zero()
            return (
                sp.real_root(args[0], n) if args[0].is_real and n.is_Integer else args[0] ** (1 / n)
            )
        if name == "round":
            return (
                sp.Integer(round(args[0])) if args[0].is_number else sp.Function("round")(args[0])
            )
        if name == "factorial":
            return self.build_fact(args[0])
        if name in ("gcd", "lcm"):
            fn = sp.gcd if name == "gcd" else sp.lcm
            out = args[0]
            for a in args[1:]:
                out = fn(out, a)
            return out
        if name == "binomial":
            n, k = args
            if (
                n.is_Integer
                and k.is_Integer
                and min(int(k), max(int(n - k), 0)) * max(int(abs(n)), 2).bit_length() > MAX_BITS
            ):
                raise too_big(f"binomial({n}, {k})")
            return sp.binomial(n, k)
        if name == "perm":
            n, k = args
            if (
                n.is_Integer
                and k.is_Integer
                and int(k) * max(int(abs(n)), 2).bit_length() > MAX_BITS
            ):
                raise too_big(f"perm({n}, {k})")
            return sp.ff(n, k)
        if name in ("max", "min"):
            flat: list[Any] = []
            for a in args:
                flat.extend(a if isinstance(a, list) else [a])
            return (sp.Max if name == "max" else sp.Min)(*flat)
        if name == "mod":
            if args[1] == 0:
                raise division_by_zero()
            return sp.Mod(args[0], args[1])
        raise BadInput(f"unsupported function {name}", fix="use a common math function")

    def build_fact(self, a: Any) -> Any:
        if a.is_Integer and a > MAX_FACTORIAL:
            raise too_big(f"{a}!")
        return self.sp.factorial(a)
