"""Short answers: exact results first, a decimal after "≈" when the exact form is not one."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

FULL_DIGITS = 1000
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _digits(n: int) -> int:
    n = abs(n)
    if n < 10:
        return 1
    d = int(n.bit_length() * 0.30102999566398) + 1
    while d > 1 and n < 10 ** (d - 1):
        d -= 1
    while n >= 10**d:
        d += 1
    return d


def format_int(n: int) -> str:
    d = _digits(n)
    if d <= FULL_DIGITS:
        return str(n)
    lead = abs(n) // 10 ** (d - 15)
    s = str(lead)
    sign = "-" if n < 0 else ""
    return f"≈ {sign}{s[0]}.{s[1:]}e+{d - 1} ({d:,} digits)"


def _terminates(q: int) -> bool:
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def format_decimal(v: Fraction, places: int = 12) -> str:
    if v.denominator == 1:
        return format_int(v.numerator)
    if _terminates(v.denominator) and v.denominator < 10**places:
        sign = "-" if v < 0 else ""
        num = abs(v.numerator)
        den = v.denominator
        ip, rem = divmod(num, den)
        digits: list[str] = []
        while rem and len(digits) < places + 5:
            rem *= 10
            dgt, rem = divmod(rem, den)
            digits.append(str(dgt))
        return f"{sign}{format_int(ip)}.{''.join(digits)}"
    x = float(v) if abs(v.numerator).bit_length() < 1000 else None
    if x is None:
        return f"{v}"
    return f"{x:.{places}g}"


def format_fraction(v: Fraction, *, prefer_decimal: bool = False) -> str:
    if v.denominator == 1:
        return format_int(v.numerator)
    if max(v.numerator.bit_length(), v.denominator.bit_length()) > 3000:
        return format_decimal(v)
    dec = format_decimal(v)
    if prefer_decimal and _terminates(v.denominator):
        return dec
    if prefer_decimal:
        return f"{dec} ({v.numerator}/{v.denominator})"
    sep = "=" if _terminates(v.denominator) else "≈"
    return f"{v.numerator}/{v.denominator} {sep} {dec}"


def expr_str(expr: Any) -> str:
    """A SymPy expression as people write it: 3x² + 4x, e^(3x), √2, π, i."""
    sp = _sp()
    if isinstance(expr, sp.MatrixBase):
        rows = [", ".join(expr_str(v) for v in expr.row(i)) for i in range(expr.rows)]
        return "[" + ", ".join(f"[{r}]" for r in rows) + "]"
    if expr.is_Integer:
        return format_int(int(expr))
    poly = isinstance(expr, sp.Expr) and expr.is_polynomial()
    s = sp.sstr(expr, order="grlex") if poly else sp.sstr(expr)
    s = re.sub(r"\bexp\(", "e^(", s)
    s = re.sub(r"\bE\b", "e", s)
    s = re.sub(r"\bpi\b", "π", s)
    s = re.sub(r"\bI\b", "i", s)
    s = re.sub(r"\boo\b", "∞", s)
    s = re.sub(r"\bsqrt\((\w+)\)", r"√\1", s)
    s = re.sub(r"\bsqrt\(", "√(", s)
    s = re.sub(r"\*\*(\d+)(?![\d.(])", lambda m: m.group(1).translate(_SUP), s)
    s = s.replace("**", "^")
    s = re.sub(r"(?<![\w.])(\d+)\*(?=[a-zA-Zπ√(e])", r"\1", s)
    s = re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹])\*(?=[a-zA-Z(π√])", r"\1", s)
    s = s.replace(")*(", ")(")
    s = re.sub(r"\blog\((.+?), (\d+)\)$", r"log(\1, \2)", s)
    return s


def number_str(expr: Any, *, prefer_decimal: bool = False) -> str:
    """A numeric SymPy value: exact, and '≈ decimal' when the exact form is not a decimal."""
    sp = _sp()
    if expr.is_Rational:
        return format_fraction(Fraction(int(expr.p), int(expr.q)), prefer_decimal=prefer_decimal)
    exact = expr_str(expr)
    try:
        approx = sp.N(expr, 12)
    except Exception:
        return exact
    if approx.is_Float or (approx.is_number and not approx.free_symbols):
        a = _short_float(approx)
        if a and a != exact:
            return f"{a}" if prefer_decimal else f"{exact} ≈ {a}"
    return exact


def _short_float(v: Any) -> str:
    sp = _sp()
    if v.is_real is False or v.has(sp.I):
        re_, im_ = v.as_real_imag()
        r, i = _short_float(re_), _short_float(abs(im_))
        sign = "-" if im_ < 0 else "+"
        return f"{r} {sign} {i}i" if r != "0" else f"{'-' if im_ < 0 else ''}{i}i"
    try:
        f = float(v)
    except (TypeError, OverflowError):
        return ""
    if f == 0:
        return "0"
    s = f"{f:.10g}"
    if "e" in s:
        mant, exp = s.split("e")
        return f"{mant}e{int(exp):+d}"
    return s


def _sp() -> Any:
    import sympy

    return sympy


MAX_PLACES = 50


def format_places(v: Fraction, places: int) -> str:
    """v rounded half away from zero to exactly ``places`` decimals ("to 5 decimal places")."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext

    places = max(0, min(places, MAX_PLACES))
    with localcontext() as c:
        c.prec = max(60, _digits(v.numerator) - _digits(v.denominator) + places + 20)
        d = Decimal(v.numerator) / Decimal(v.denominator)
        return str(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_sig(v: Fraction, digits: int) -> str:
    """v to `digits` significant digits, half away from zero (1.414... to 4 digits: 1.414;
    0.001234 to 2: 0.0012; 12345.678 to 3: 12300)."""
    a = abs(v)
    if a == 0:
        return format_places(v, max(0, digits - 1))
    exp = _digits(a.numerator) - _digits(a.denominator)  # 10**exp is within 10x of a
    while Fraction(10) ** exp > a:
        exp -= 1
    while Fraction(10) ** (exp + 1) <= a:
        exp += 1
    places = digits - 1 - exp
    if places >= 0:
        out = format_places(v, places)
        if places and abs(Fraction(out)) >= Fraction(10) ** (exp + 1):
            out = format_places(v, places - 1)  # 9.996 to 3 digits: 10.0, not 10.00
        return out
    step = 10 ** (-places)
    n = int(format_places(v / step, 0)) * step
    return str(n)


def digits_str(expr: Any, digits: int) -> str | None:
    """A real SymPy number to ``digits`` significant digits; None when not a real number."""
    if not (getattr(expr, "is_number", False) and expr.is_real):
        return None
    if expr.is_Rational:
        v = Fraction(int(expr.p), int(expr.q))
    else:
        approx = expr.evalf(max(digits, 1) + 30)
        if not approx.is_Float:
            return None
        v = Fraction(str(approx))
    return format_sig(v, digits)


def places_str(expr: Any, places: int) -> str | None:
    """A real SymPy number to ``places`` decimals; None when it is not a real number."""
    if not (getattr(expr, "is_number", False) and expr.is_real):
        return None
    if expr.is_Rational:
        return format_places(Fraction(int(expr.p), int(expr.q)), places)
    approx = expr.evalf(max(places, 0) + 30)
    if not approx.is_Float:
        return None
    return format_places(Fraction(str(approx)), places)
