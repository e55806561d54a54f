"""Carry out a ``Task`` with SymPy and phrase the answer, result first. Runs on a worker
thread under a time limit (see ``limits``)."""

from __future__ import annotations

from typing import Any

from council_core.base.errors import BadInput

from .build import Builder
from .fmt import digits_str, expr_str, number_str, places_str
from .nl import Task
from .parser import Node

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def undefined(what: str = "the result") -> BadInput:
    return BadInput(f"{what} is undefined (division by zero or a pole)", fix="check the expression")


def run_task(task: Task) -> tuple[str, float]:
    b = Builder()
    handler = _HANDLERS[task.kind]
    return handler(b, task)


def _value(b: Builder, v: Any, decimal: bool = False) -> str:
    sp = b.sp
    if isinstance(v, list):
        return ", ".join(_value(b, x, decimal) for x in v)
    if isinstance(v, sp.MatrixBase):
        return expr_str(v)
    if v.has(sp.zoo, sp.nan):
        raise undefined()
    if v.is_number:
        return number_str(v, prefer_decimal=decimal)
    return expr_str(v)


def _eval(b: Builder, task: Task) -> tuple[str, float]:
    assert task.expr is not None
    v = b.build(task.expr)
    if not isinstance(v, list) and not isinstance(v, b.sp.MatrixBase) and v.free_symbols:
        v = b.sp.simplify(v) if _small(v) else v
    places = task.extra.get("places")
    if places is not None and not isinstance(v, list | b.sp.MatrixBase):
        rounded = places_str(v, int(places))
        if rounded is not None:
            return rounded, 1.0
    digits = task.extra.get("digits")
    if digits is not None and not isinstance(v, list | b.sp.MatrixBase):
        shown = digits_str(v, int(digits))
        if shown is not None:
            return shown, 1.0
    return _value(b, v, task.decimal), 1.0


def _small(v: Any) -> bool:
    return bool(v.count_ops() < 60)


def _lhs(b: Builder, node: Node) -> Any:
    if node[0] == "rel":
        if node[1] != "=":
            return None
        return b.build(node[2]) - b.build(node[3])
    return b.build(node)


def _solve(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    if any(e[0] == "rel" and e[1] != "=" for e in task.exprs):
        return _inequality(b, task)
    eqs = [_lhs(b, e) for e in task.exprs]
    syms = [b.symbol(v) for v in task.vars]
    if not syms or not any(eq.free_symbols for eq in eqs):
        raise BadInput(
            "there is no unknown to solve for",
            fix="write an equation with a variable, like 2x + 3 = 11",
        )
    if len(eqs) == 1 and len(syms) == 1:
        eq, x = eqs[0], syms[0]
        if eq.is_polynomial(x) and sp.degree(eq, x) > 50:
            raise BadInput(
                "that equation's degree is too high",
                fix="ask about a polynomial of degree 50 or less",
            )
        sols = sp.solve(eq, x)
        if task.extra.get("real"):
            sols = [s for s in sols if s.is_real]
        name = expr_str(x)
        if not sols:
            if sp.simplify(eq) == 0:
                return f"every {name} is a solution (the equation is an identity)", 1.0
            return f"no solution for {name}", 1.0
        sols = sorted(set(sols), key=_sort_key)
        return " or ".join(f"{name} = {_sol_str(b, s)}" for s in sols), 1.0
    sols = sp.solve(eqs, syms, dict=True)
    if not sols:
        return "no solution: the equations are inconsistent", 1.0
    parts = []
    for sol in sols:
        parts.append(
            ", ".join(
                f"{expr_str(k)} = {_sol_str(b, v)}"
                for k, v in sorted(sol.items(), key=lambda kv: str(kv[0]))
            )
        )
    free = [str(s) for s in syms if all(s not in sol for sol in sols)]
    tail = f" ({', '.join(free)} free)" if free else ""
    return " or ".join(parts) + tail, 1.0


def _sort_key(s: Any) -> tuple[int, float, float]:
    try:
        c = complex(s.evalf())
        return (0 if abs(c.imag) < 1e-12 else 1, c.real, c.imag)
    except (TypeError, ValueError):
        return (2, 0.0, 0.0)


def _sol_str(b: Builder, v: Any) -> str:
    if v.is_number and not v.is_Rational:
        return number_str(v)
    return expr_str(v)


def _inequality(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    rels = []
    for e in task.exprs:
        if e[0] != "rel":
            raise BadInput("mixing equations and expressions", fix="give only (in)equalities")
        lhs, rhs = b.build(e[2]), b.build(e[3])
        op = {"<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge, "=": sp.Eq, "!=": sp.Ne}[e[1]]
        rels.append(op(lhs, rhs))
    x = b.symbol(task.vars[0])
    sol = sp.reduce_inequalities(rels, x)
    return _rel_str(b, sol), 1.0


def _rel_str(b: Builder, sol: Any) -> str:
    sp = b.sp
    if sol is sp.true:
        return "every real number is a solution"
    if sol is sp.false:
        return "no solution"
    syms = list(sol.free_symbols)
    if len(syms) == 1:
        try:
            return _set_str(b, sol.as_set(), expr_str(syms[0]))
        except (NotImplementedError, AttributeError, TypeError):
            pass
    s = expr_str(sol)
    s = s.replace("<=", "≤").replace(">=", "≥").replace(" & ", " and ").replace(" | ", " or ")
    return s.replace("(", "").replace(")", "") if isinstance(sol, sp.And | sp.Or) else s


def _set_str(b: Builder, st: Any, x: str) -> str:
    sp = b.sp
    if isinstance(st, sp.Union):
        return " or ".join(_set_str(b, a, x) for a in st.args)
    if isinstance(st, sp.FiniteSet):
        return " or ".join(f"{x} = {expr_str(v)}" for v in st)
    if isinstance(st, sp.Interval):
        lo, hi = st.start, st.end
        lo_op = "<" if st.left_open else "≤"
        hi_op = "<" if st.right_open else "≤"
        if lo == -sp.oo and hi == sp.oo:
            return f"every real {x}"
        if lo == -sp.oo:
            return f"{x} {hi_op} {expr_str(hi)}"
        if hi == sp.oo:
            return f"{x} {'>' if st.left_open else '≥'} {expr_str(lo)}"
        return f"{expr_str(lo)} {lo_op} {x} {hi_op} {expr_str(hi)}"
    if st == sp.S.Reals:
        return f"every real {x}"
    raise TypeError(type(st).__name__)


def _diff(b: Builder, task: Task) -> tuple[str, float]:
    assert task.expr is not None and task.var is not None
    if task.order > 20:
        raise BadInput("that derivative order is too high", fix="ask for order 20 or less")
    e = b.build(task.expr)
    x = b.symbol(task.var)
    d = b.sp.diff(e, x, task.order)
    if d.count_ops() > 12:
        simpler = b.sp.simplify(d)
        if simpler.count_ops() < d.count_ops():
            d = simpler
    if task.order == 1:
        op = f"d/d{task.var}"
    else:
        sup = str(task.order).translate(_SUP)
        op = f"d{sup}/d{task.var}{sup}"
    return f"{op}({expr_str(e)}) = {expr_str(d)}", 1.0


def _integrate(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None and task.var is not None
    e = b.build(task.expr)
    x = b.symbol(task.var)
    if task.lower is not None and task.upper is not None:
        lo, hi = b.build(task.lower), b.build(task.upper)
        v = sp.integrate(e, (x, lo, hi))
        if v.has(sp.Integral):
            v = sp.N(sp.Integral(e, (x, lo, hi)), 12)
            return f"∫ {expr_str(e)} d{task.var} from {expr_str(lo)} to {expr_str(hi)} ≈ {v}", 0.9
        if v.has(sp.zoo, sp.nan) or v in (sp.oo, -sp.oo):
            return f"the integral diverges ({expr_str(v)})", 1.0
        val = number_str(v) if v.is_number else expr_str(v)
        return f"∫ from {expr_str(lo)} to {expr_str(hi)} of {expr_str(e)} d{task.var} = {val}", 1.0
    v = sp.integrate(e, x)
    if v.has(sp.Integral):
        return f"no closed form found for ∫ {expr_str(e)} d{task.var}", 0.3
    return f"∫ {expr_str(e)} d{task.var} = {expr_str(v)} + C", 1.0


def _limit(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None and task.point is not None and task.var is not None
    e = b.build(task.expr)
    x = b.symbol(task.var)
    p = b.build(task.point)
    direction = task.direction if p.is_finite else ("-" if p == sp.oo else "+")
    v = sp.limit(e, x, p, dir=direction)
    arrow = f"{task.var}→{expr_str(p)}{'' if direction == '+-' or not p.is_finite else direction}"
    if isinstance(v, sp.AccumBounds) or v.has(sp.AccumBounds):
        return f"the limit does not exist (lim {arrow}: it oscillates in {expr_str(v)})", 1.0
    if v is sp.zoo or v.has(sp.nan):
        return f"the limit does not exist (lim {arrow} of {expr_str(e)})", 1.0
    val = number_str(v) if v.is_number else expr_str(v)
    return f"lim {arrow} {expr_str(e)} = {val}", 1.0


MAX_EXPANDED_TERMS = 5000


def _expanded_terms(sp: Any, e: Any) -> int:
    """An upper bound on the number of terms ``expand`` would produce, computed before expanding:
    (a1+...+ak)^n has C(n+k-1, k-1) terms; a product multiplies, a sum adds."""
    from math import comb

    cap = 10**9
    if e.is_Pow and e.base.is_Add and e.exp.is_Integer and e.exp > 0:
        k = _expanded_terms(sp, e.base)
        n = int(e.exp)
        if n > 100_000 or k > 100_000:
            return cap
        return min(cap, comb(n + k - 1, k - 1))
    if e.is_Mul:
        total = 1
        for a in e.args:
            total = min(cap, total * _expanded_terms(sp, a))
        return total
    if e.is_Add:
        return min(cap, sum(_expanded_terms(sp, a) for a in e.args))
    return 1


def _algebra(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None
    e = b.build(task.expr)
    if task.kind == "factor" and e.is_Integer:
        return _primefactors(b, task)
    if task.kind == "expand":
        terms = _expanded_terms(sp, e)
        if terms > MAX_EXPANDED_TERMS:
            raise BadInput(
                f"the expansion would have about {terms:,} terms",
                fix=f"expand something smaller (at most {MAX_EXPANDED_TERMS:,} terms)",
            )
        r = sp.expand(e)
    elif task.kind == "factor":
        r = sp.factor(e)
    else:
        r = sp.simplify(e)
    return expr_str(r), 1.0


def _primefactors(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None
    n = b.build(task.expr)
    if not n.is_Integer or n == 0:
        raise BadInput("prime factorization needs a nonzero whole number", fix="e.g. factor 360")
    if abs(n) > 10**40:
        raise BadInput("that number is too large to factor quickly", fix="use a number below 10^40")
    f = sp.factorint(int(n))
    parts = [
        str(p) + (str(k).translate(_SUP) if k > 1 else "") for p, k in sorted(f.items()) if p != -1
    ]
    sign = "-" if n < 0 else ""
    if abs(n) == 1:
        return f"{n} has no prime factors", 1.0
    return f"{n} = {sign}{' × '.join(parts)}", 1.0


def _is(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None
    n = b.build(task.expr)
    prop = task.extra.get("prop", "prime")
    if not (getattr(n, "is_Integer", False)) and prop in ("prime", "composite", "even", "odd"):
        return f"No, {expr_str(n)} is not a whole number, so it is not {prop}.", 1.0
    if prop in ("prime", "composite"):
        if abs(n) > 10**300:
            raise BadInput("that number is too large to test", fix="use a number below 10^300")
        prime = bool(sp.isprime(n))
        if prop == "prime":
            if prime:
                return f"Yes, {n} is prime.", 1.0
            if n < 2:
                return f"No, {n} is not prime (primes are whole numbers above 1).", 1.0
            small = sp.factorint(int(n), limit=10**6)
            if len(small) >= 1 and abs(n) < 10**30:
                fac = " × ".join(
                    f"{p}{str(k).translate(_SUP) if k > 1 else ''}"
                    for p, k in sorted(sp.factorint(int(n)).items())
                )
                return f"No, {n} is not prime: {n} = {fac}.", 1.0
            return f"No, {n} is not prime.", 1.0
        composite = not prime and n > 1
        return (f"Yes, {n} is composite." if composite else f"No, {n} is not composite."), 1.0
    if prop in ("even", "odd"):
        even = n % 2 == 0
        yes = even if prop == "even" else not even
        return (f"Yes, {n} is {prop}." if yes else f"No, {n} is {'odd' if even else 'even'}."), 1.0
    root = sp.sqrt(n)
    yes = bool(root.is_Integer)
    return (f"Yes, {n} = {root}²." if yes else f"No, {n} is not a perfect square."), 1.0


def _matrix(b: Builder, task: Task) -> tuple[str, float]:
    sp = b.sp
    assert task.expr is not None
    m = b.build(task.expr)
    if not isinstance(m, sp.MatrixBase):
        raise BadInput("that is not a matrix", fix="write a matrix as [[1, 2], [3, 4]]")
    if max(m.shape) > 12:
        raise BadInput("the matrix is too large (12×12 at most)", fix="use a smaller matrix")
    op = task.extra["op"]
    square = m.rows == m.cols
    if op in ("det", "inv", "eigenvals", "trace") and not square:
        raise BadInput(
            f"the {op} needs a square matrix; this one is {m.rows}×{m.cols}",
            fix="use a square matrix",
        )
    if op == "det":
        return _value(b, m.det()), 1.0
    if op == "inv":
        if m.det() == 0:
            raise BadInput(
                "the matrix is singular (its determinant is 0), so it has no inverse",
                fix="check the entries",
            )
        return expr_str(m.inv()), 1.0
    if op == "transpose":
        return expr_str(m.T), 1.0
    if op == "rank":
        return str(m.rank()), 1.0
    if op == "trace":
        return _value(b, m.trace()), 1.0
    ev = m.eigenvals()
    items = sorted(ev.items(), key=lambda kv: _sort_key(kv[0]))
    parts = [f"λ = {_sol_str(b, k)}" + (f" (multiplicity {v})" if v > 1 else "") for k, v in items]
    return " or ".join(parts), 1.0


_HANDLERS = {
    "eval": _eval,
    "solve": _solve,
    "diff": _diff,
    "integrate": _integrate,
    "limit": _limit,
    "simplify": _algebra,
    "expand": _algebra,
    "factor": _algebra,
    "primefactors": _primefactors,
    "is": _is,
    "matrix": _matrix,
}
