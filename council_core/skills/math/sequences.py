"""Sums and facts of whole numbers asked in words: the sum of the first n natural, odd or even
numbers, squares, cubes or primes, the sum of the numbers from a to b, the n-th Fibonacci
number, the divisors of n (how many, their sum, the list) and the sum or product of n's digits.

Exact, from closed forms or SymPy's number theory (no model, no eval). Each function returns
the answer in words, or None when the text is not that question.
"""

from __future__ import annotations

import math
import re

_N = r"(\d{1,7}|\d{1,3}(?:,\d{3})+)"
_LEAD = (
    r"^(?:(?:what(?:'s| is)|whats|find|calculate|compute|work out|tell me|give me)\s+)?(?:the\s+)?"
)
_FIRST = re.compile(
    _LEAD + r"sum\s+of\s+(?:all\s+)?(?:the\s+)?first\s+" + _N + r"\s+"
    r"(natural numbers|positive integers|whole numbers|counting numbers|integers|numbers|"
    r"odd(?: numbers| integers)?|even(?: numbers| integers)?|(?:perfect\s+)?squares|cubes|"
    r"primes|prime numbers|square numbers|cube numbers)$",
    re.IGNORECASE,
)
_RANGE = re.compile(
    r"^(?:(?:what(?:'s| is)|whats|find|calculate|compute|work out)\s+)?(?:the\s+)?"
    r"(?:sum\s+of\s+(?:all\s+)?(?:the\s+)?(?:(?P<kind>whole numbers|numbers|integers|odd numbers|even numbers|"
    r"squares|cubes|primes|prime numbers)\s+)?(?:from\s+)?"
    r"|add\s+(?:up\s+)?(?:all\s+)?(?:the\s+)?(?:(?P<kind2>whole numbers|numbers|integers|odd numbers|even numbers)\s+)?(?:from\s+)?)"
    + _N
    + r"\s+(?:to|through|thru|-|and)\s+"
    + _N
    + r"(?:\s+inclusive)?$",
    re.IGNORECASE,
)
_SQUARES_OF = re.compile(
    _LEAD
    + r"(?:sum\s+of|(?:add|sum)\s+up)\s+(?:all\s+)?(?:the\s+)?(squares|cubes)\s+(?:of\s+)?(?:the\s+)?"
    r"(?:numbers\s+|integers\s+)?(?:from\s+)?"
    + _N
    + r"(?:\s*(?:\^|\*\*)\s*[23]|[²³])?\s+(?:to|through|-)\s+"
    + _N
    + r"(?:\s*(?:\^|\*\*)\s*[23]|[²³])?$",
    re.IGNORECASE,
)
_FIB = re.compile(
    _LEAD + r"(?:(" + r"\d{1,5}" + r")(?:st|nd|rd|th)\s+fibonacci(?:\s+number)?"
    r"|fibonacci\s+(?:number\s+)?(?:#\s*|no\.?\s*|number\s+)?(\d{1,5})|fib\s*\(\s*(\d{1,5})\s*\))$",
    re.IGNORECASE,
)
_DIVISORS = re.compile(
    r"^(?:(?:what(?:'s| is| are)|whats|find|list|calculate|compute|give me|show me)\s+)?(?:the\s+)?"
    r"(?:(?P<count>how many (?:divisors|factors|positive divisors)\s+(?:does|do|has)\s+"
    + _N
    + r"(?:\s+have)?|(?:number|count) of (?:positive\s+)?(?:divisors|factors) (?:of|for) "
    + _N
    + r")"
    r"|(?P<sum>sum of (?:the\s+|all\s+)?(?:positive\s+)?(?:divisors|factors) of " + _N + r")"
    r"|(?P<list>(?:all\s+)?(?:the\s+)?(?:positive\s+)?divisors of " + _N + r"))$",
    re.IGNORECASE,
)
_POWER_OR_N = r"(\d[\d,]*(?:\s*(?:\^|\*\*)\s*\d{1,5})?)"
_DIGITS = re.compile(
    _LEAD
    + r"(?:(sum|product)\s+of\s+(?:the\s+|all\s+)?digits\s+(?:of|in)\s+"
    + _POWER_OR_N
    + r"|add\s+(?:up\s+)?(?:all\s+)?(?:the\s+)?digits\s+(?:of|in)\s+"
    + _POWER_OR_N
    + r"|digit\s+sum\s+of\s+"
    + _POWER_OR_N
    + r"|(\d[\d,]*)'?s?\s+digit\s+sum)$",
    re.IGNORECASE,
)


def _int(s: str) -> int:
    return int(s.replace(",", ""))


def first_n(t: str) -> str | None:
    m = _FIRST.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    n, kind = _int(m.group(1)), m.group(2).lower()
    if n < 1 or n > 10**6:
        return None
    if kind.startswith("odd"):
        return f"{n * n:,} (1 + 3 + ... + {2 * n - 1} = {n}²)"
    if kind.startswith("even"):
        return f"{n * (n + 1):,} (2 + 4 + ... + {2 * n} = {n} × {n + 1})"
    if "square" in kind:
        s = n * (n + 1) * (2 * n + 1) // 6
        return f"{s:,} (1² + 2² + ... + {n}² = {n}·{n + 1}·{2 * n + 1}/6)"
    if "cube" in kind:
        s = (n * (n + 1) // 2) ** 2
        return f"{s:,} (1³ + ... + {n}³ = ({n}·{n + 1}/2)²)"
    if kind.startswith("prime"):
        if n > 100000:
            return None
        from sympy import prime, primerange

        last = int(prime(n))
        ps = list(primerange(2, last + 1))
        head = " + ".join(str(p) for p in ps[:5]) + (f" + ... + {last}" if n > 5 else "")
        return f"{sum(ps):,} (the first {n} primes: {head})"
    return f"{n * (n + 1) // 2:,} (1 + 2 + ... + {n} = {n} × {n + 1} / 2)"


def range_sum(t: str) -> str | None:
    text = t.strip().rstrip("?!. ")
    m = _SQUARES_OF.match(text)
    if m is not None:
        power = 2 if m.group(1).lower() == "squares" else 3
        a, b = _int(m.group(2)), _int(m.group(3))
        if a > b or b - a > 10**6:
            return None
        s = sum(k**power for k in range(a, b + 1))
        sym = "²" if power == 2 else "³"
        return f"{s:,} ({a}{sym} + ... + {b}{sym})"
    m = _RANGE.match(text)
    if m is None or not re.match(r"(?i)^(?:\w+\s+)*?(?:sum|add)\b", text):
        return None
    a, b = _int(m.group(3)), _int(m.group(4))
    kind = (m.group("kind") or m.group("kind2") or "numbers").lower()
    if a > b or b - a > 10**6:
        return None
    if kind.startswith("odd"):
        terms = [k for k in range(a, b + 1) if k % 2]
    elif kind.startswith("even"):
        terms = [k for k in range(a, b + 1) if k % 2 == 0]
    elif kind.startswith("prime"):
        from sympy import primerange

        terms = [int(p) for p in primerange(a, b + 1)]
    elif kind in ("squares", "cubes"):
        power = 2 if kind == "squares" else 3
        terms = [k**power for k in range(a, b + 1)]
    else:
        s = (a + b) * (b - a + 1) // 2
        return (
            f"{s:,} ({a} + {a + 1} + ... + {b}: {b - a + 1} numbers, ({a} + {b}) × {b - a + 1} / 2)"
        )
    if not terms:
        return None
    return f"{sum(terms):,} (the {kind} from {a} to {b}: {len(terms)} of them)"


def fibonacci(t: str) -> str | None:
    m = _FIB.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    n = int(m.group(1) or m.group(2) or m.group(3))
    if n > 20000:
        return None
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return f"{a:,} (the {n}th Fibonacci number, counting F1 = F2 = 1)".replace(
        f"{n}th", _ordinal(n)
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def divisors(t: str) -> str | None:
    m = _DIVISORS.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    raw = next(g for g in m.groups()[::-1] if g and re.fullmatch(r"[\d,]+", g))
    n = _int(raw)
    if n < 1 or n > 10**12:
        return None
    from sympy import divisors as divs
    from sympy import factorint

    ds = [int(d) for d in divs(n)]
    fact = (
        " × ".join(f"{p}^{e}" if e > 1 else f"{p}" for p, e in sorted(factorint(n).items())) or "1"
    )
    if m.group("count"):
        return f"{len(ds)} divisors ({n} = {fact}: {', '.join(map(str, ds[:24]))}{' ...' if len(ds) > 24 else ''})"
    if m.group("sum"):
        return f"{sum(ds):,} (the divisors of {n}: {', '.join(map(str, ds[:24]))}{' ...' if len(ds) > 24 else ''})"
    return f"{', '.join(map(str, ds[:200]))} ({len(ds)} divisors; {n} = {fact})"


def digits(t: str) -> str | None:
    m = _DIGITS.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    raw = (m.group(2) or m.group(3) or m.group(4) or m.group(5)).replace(",", "")
    shown = ""
    power = re.fullmatch(r"(\d+)\s*(?:\^|\*\*)\s*(\d+)", raw)
    if power is not None:  # "the digits of 2^100": of the number it is
        base, exp = int(power.group(1)), int(power.group(2))
        if base > 1 and exp * math.log10(base) > 1000:
            return None
        shown = f"{base}^{exp} = {base**exp}; "
        raw = str(base**exp)
    if len(raw) > 1000:
        return None
    ds = [int(c) for c in raw]
    if (m.group(1) or "sum").lower() == "product":
        p = 1
        for d in ds:
            p *= d
        return f"{p:,} ({shown}{' × '.join(raw)})"
    return f"{sum(ds)} ({shown}{' + '.join(raw)})"


_TERM = re.compile(r"^(\d{1,7})(?:\s*(?:\^|\*\*)\s*(\d{1,2})|([²³]))?$")


def ellipsis_sum(t: str) -> str | None:
    """'1^2 + 2^2 + ... + 20^2' -> '2,870'; '1 + 2 + ... + 100' -> '5,050'; '2 + 4 + 8 + ... +
    1024' -> '2,046'. The terms before the dots fix the pattern; the last term ends it."""
    text = re.sub(
        r"^(?:(?:what(?:'s| is)|whats|calculate|compute|find|evaluate|work out)\s+)?(?:the\s+)?"
        r"(?:sum\s+|value\s+)?(?:of\s+)?",
        "",
        t.strip().rstrip("?!.= ").replace("…", "..."),
        flags=re.IGNORECASE,
    )
    parts = [p.strip() for p in text.split("+")]
    dots = [i for i, p in enumerate(parts) if re.fullmatch(r"\.{2,}|(?:\.\s*){3}", p)]
    if len(dots) != 1 or dots[0] == 0 or dots[0] != len(parts) - 2:
        return None
    terms = []
    for part in parts[: dots[0]] + parts[-1:]:
        m = _TERM.match(part)
        if m is None:
            return None
        power = int(m.group(2)) if m.group(2) else {"²": 2, "³": 3}.get(m.group(3) or "", 1)
        terms.append((int(m.group(1)), power, m.group(2) is not None or m.group(3) is not None))
    head, last = terms[:-1], terms[-1]
    if any(x[2] for x in terms):  # powers: k^p for consecutive k
        p = head[0][1]
        if not all(x[2] and x[1] == p for x in terms):
            return None
        bases = [x[0] for x in head]
        if any(b - a != 1 for a, b in zip(bases, bases[1:], strict=False)) or last[0] < bases[-1]:
            return None
        n = last[0] - bases[0] + 1
        if n > 10**6:
            return None
        total = sum(k**p for k in range(bases[0], last[0] + 1))
        return f"{total:,} (the sum of k^{p} for k = {bases[0]} to {last[0]}: {n} terms)"
    vals = [x[0] for x in head]
    end = last[0]
    diffs = {b - a for a, b in zip(vals, vals[1:], strict=False)} or {1}
    if len(diffs) == 1 and (d := diffs.pop()) > 0 and (end - vals[0]) % d == 0 and end >= vals[-1]:
        n = (end - vals[0]) // d + 1
        total = (vals[0] + end) * n // 2
        return f"{total:,} ({n} terms from {vals[0]} to {end} in steps of {d}: ({vals[0]} + {end}) × {n} / 2)"
    if (
        len(vals) >= 2
        and vals[0] > 0
        and all(b % a == 0 for a, b in zip(vals, vals[1:], strict=False))
    ):
        ratios = {b // a for a, b in zip(vals, vals[1:], strict=False)}
        if len(ratios) == 1 and (r := ratios.pop()) > 1:
            k, term = 0, vals[0]
            while term < end and k < 10**4:
                term *= r
                k += 1
            if term != end:
                return None
            n = k + 1
            total = vals[0] * (r**n - 1) // (r - 1)
            return f"{total:,} ({n} terms, each {r} times the one before: {vals[0]} × ({r}^{n} − 1) / {r - 1})"
    return None


# a trailing note that only restates the convention: "(starting 2, 3, 5...)", ", with F1 = 1
# and F2 = 1", "(F1 = F2 = 1)"
_NOTE = re.compile(
    r"\s*(?:\((?:starting|starts|beginning|begins|from|i\.e\.|e\.g\.|like)?[\s\d,.…]*\)"
    r"|\((?:starting|starts|beginning|begins)\s+(?:with|at|from)?[\s\d,.…]*\)"
    r"|[,(]?\s*(?:with|where|if|using|counting)?\s*f\s*[01]\s*=\s*"
    r"(?:[01](?:\s*(?:and|,)\s*f\s*[12]\s*=\s*1)?|f\s*2\s*=\s*1)\)?)\s*$",
    re.IGNORECASE,
)


def answer(t: str) -> str | None:
    text = (
        re.sub(r"(?i)[\s,]+(?:pls|plz|please|thanks|thx)\b", "", t.strip()).strip().rstrip("?!. ")
    )
    bare = _NOTE.sub("", text)
    for fn in (ellipsis_sum, first_n, range_sum, fibonacci, divisors, digits):
        out = fn(text) or (fn(bare) if bare != text else None)
        if out is not None:
            return out
    return None
