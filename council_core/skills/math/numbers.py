"""Number questions people type that are exact facts about integers, answered without a
model: bases ("convert 255 to binary", "0xff in decimal", "1010 binary to decimal"), Roman
numerals ("2024 in roman numerals", "what is MCMXCIV"), primes next to a number or by rank
("next prime after 100", "the 10th prime"), and "the cube of 7".
Each function returns the answer text, or None when the text is not its question.
"""

from __future__ import annotations

import re

_BASES = {
    "binary": 2, "bin": 2, "base 2": 2, "base-2": 2,
    "octal": 8, "oct": 8, "base 8": 8, "base-8": 8,
    "decimal": 10, "base 10": 10, "base-10": 10, "denary": 10,
    "hexadecimal": 16, "hex": 16, "base 16": 16, "base-16": 16,
}  # fmt: skip
_BASE_NAMES = {2: "binary", 8: "octal", 10: "decimal", 16: "hexadecimal"}
_BASE_WORD = (
    r"(?:binary|bin|octal|oct|decimal|denary|hexadecimal|hex|base[ -]?(?:[2-9]|[12]\d|3[0-6]))"
)
_LEAD = (
    r"^(?:what(?:'s|\s+is)\s+|convert\s+|change\s+|turn\s+|express\s+|write\s+"
    r"|how\s+(?:do\s+(?:you|i|we)|to|would\s+(?:you|i))\s+(?:write|say|express)\s+)?"
)
_NUM = r"(?P<num>-?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9a-fA-F]+))"
# "convert 255 to binary", "255 in hex", "0xff in decimal", "1010 binary to decimal",
# "hex ff to decimal", "what is 0b1010 in base 10"
_CONVERT = re.compile(
    _LEAD + rf"(?:(?:the\s+)?(?P<from1>{_BASE_WORD})\s+(?:number\s+)?)?{_NUM}"
    rf"(?:\s+(?:in\s+)?(?P<from2>{_BASE_WORD}))?\s+(?:to|in|into|as)\s+(?P<to>{_BASE_WORD})"
    r"(?:\s+(?:form|notation))?\s*\??$",
    re.IGNORECASE,
)
# "1110011 from binary", "ff from hex to decimal"
_FROM = re.compile(
    _LEAD + rf"{_NUM}\s+from\s+(?P<from2>{_BASE_WORD})(?:\s+(?:to|in|into)\s+(?P<to>{_BASE_WORD}))?"
    r"\s*\??$",
    re.IGNORECASE,
)
# "binary of 10", "what is 10 in binary" is _CONVERT; "what is 0xff" (a prefixed literal alone)
_LITERAL = re.compile(
    _LEAD + r"(?P<num>0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+)\s*\??$", re.IGNORECASE
)
_OF = re.compile(
    _LEAD + rf"(?:the\s+)?(?P<to>{_BASE_WORD})\s+(?:of|for)\s+(?P<num>-?\d+)\s*\??$",
    re.IGNORECASE,
)


def _polite(t: str) -> str:
    """The text without a trailing "pls", "please", "thanks" (and spaces squeezed)."""
    t = " ".join(t.strip().split())
    return re.sub(r"[\s,]+(?:pls|plz|please|thanks|thank\s+you|thx)\s*([?.!]?)\s*$", r"\1", t,
                  flags=re.I)  # fmt: skip


def _base_of(word: str | None) -> int | None:
    if word is None:
        return None
    w = " ".join(word.lower().replace("-", " ").split())
    if w in _BASES:
        return _BASES[w]
    m = re.fullmatch(r"base ?(\d+)", w)
    return int(m.group(1)) if m else None


def _digits_in(n: int, base: int) -> str:
    if n == 0:
        return "0"
    sign, n = ("-", -n) if n < 0 else ("", n)
    out = []
    while n:
        n, r = divmod(n, base)
        out.append("0123456789abcdefghijklmnopqrstuvwxyz"[r])
    return sign + "".join(reversed(out))


def _read(num: str, base: int | None) -> tuple[int, int] | None:
    """(value, base) of a numeral: a 0x/0b/0o prefix says its base; else `base` or 10."""
    neg = num.startswith("-")
    body = num[1:] if neg else num
    prefixed = {"0x": 16, "0b": 2, "0o": 8}.get(body[:2].lower())
    if prefixed is not None:
        if base is not None and base != prefixed:
            return None
        base, body = prefixed, body[2:]
    base = base or 10
    try:
        v = int(body, base)
    except ValueError:
        return None
    return (-v if neg else v), base


def _shown(v: int, base: int) -> str:
    prefix = {2: "0b", 8: "0o", 16: "0x"}.get(base, "")
    d = _digits_in(v, base)
    return f"-{prefix}{d[1:]}" if d.startswith("-") else f"{prefix}{d}"


def base_conversion(t: str) -> str | None:
    t = _polite(t)
    m = _CONVERT.match(t) or _FROM.match(t)
    if m:
        src = _base_of(m.groupdict().get("from1") or m.group("from2"))
        dst = _base_of(m.group("to")) or 10
        if not 2 <= dst <= 36 or (src is not None and not 2 <= src <= 36):
            return None
        if src is None and dst == 10 and not m.group("num").lower().startswith(("0x", "0b", "0o")):
            return None  # "convert 12 to decimal": nothing to convert
        read = _read(m.group("num"), src)
    else:
        m = _OF.match(t) or _LITERAL.match(t)
        if not m:
            return None
        dst = _base_of(m.groupdict().get("to")) or 10
        if not 2 <= dst <= 36:
            return None
        read = _read(m.group("num"), None)
    if read is None:
        return None
    v, src_base = read
    if src_base == dst:
        return None
    name = _BASE_NAMES.get(dst, f"base {dst}")
    src_name = _BASE_NAMES.get(src_base, f"base {src_base}")
    out = _digits_in(v, dst)
    also = f", written {_shown(v, dst)}" if dst in (2, 8, 16) else ""
    return f"{out} ({src_name} {_digits_in(v, src_base)} = {name} {out}{also})"


_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip
_TO_ROMAN = re.compile(
    _LEAD + r"(?P<n>\d{1,4})\s+(?:in(?:to)?|to|as)\s+(?:a\s+)?roman(?:\s+numerals?)?\s*\??$",
    re.IGNORECASE,
)
_ROMAN_FOR = re.compile(
    r"^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?roman\s+numerals?\s+(?:for|of)\s+(?P<n>\d{1,4})\s*\??$",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"(?:(?:a\s+)?(?:normal|regular|ordinary|arabic|decimal)\s+(?:numbers?|numerals?|digits)"
    r"|(?:a\s+)?number|decimal|arabic(?:\s+numerals?)?|digits)"
)
_FROM_ROMAN = re.compile(
    r"^(?:what(?:'s|\s+is)\s+(?:the\s+roman\s+numeral\s+)?|convert\s+(?:the\s+roman\s+numeral\s+)?"
    r"|roman\s+numeral\s+)?(?P<r>[MDCLXVI]{2,}|[mdclxvi]{3,})"
    rf"(?:\s+(?:in(?:to)?|to|as)\s+{_NUMBER_WORDS})?"
    r"(?:\s+(?:in|from)\s+roman(?:\s+numerals?)?)?"
    rf"(?:\s+(?:in(?:to)?|to|as)\s+{_NUMBER_WORDS})?\s*\??$",
    re.IGNORECASE,
)


def to_roman(n: int) -> str:
    out = []
    for v, s in _ROMAN:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def from_roman(r: str) -> int | None:
    """The value of a well-formed Roman numeral (1-3999), else None ("IIII", "VX")."""
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    r = r.upper()
    total = 0
    for i, ch in enumerate(r):
        v = vals[ch]
        total += -v if i + 1 < len(r) and vals[r[i + 1]] > v else v
    return total if 0 < total < 4000 and to_roman(total) == r else None


def roman(t: str) -> str | None:
    t = _polite(t)
    m = _TO_ROMAN.match(t) or _ROMAN_FOR.match(t)
    if m:
        n = int(m.group("n"))
        if not 1 <= n <= 3999:
            return f"Roman numerals (standard form) go from 1 to 3999; {n:,} is outside."
        return f"{to_roman(n)} ({n} in Roman numerals)"
    m = _FROM_ROMAN.match(t)
    if m:
        said = "roman" in t.lower() or re.search(r"\b(?:number|decimal|arabic)\b", t, re.I)
        r = m.group("r")
        if not said and (not r.isupper() or len(r) < 4):
            return None  # "mix", "CD", "CV": words and acronyms, unless it says Roman
        v = from_roman(r)
        if v is None:
            return None
        return f"{v} ({m.group('r').upper()} in Roman numerals)"
    return None


_ORD = r"(\d+(?:st|nd|rd|th))"
_NEXT_PRIME = re.compile(
    r"^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?(?P<dir>next|first|smallest|previous|last|largest"
    r"|biggest|closest)\s+prime(?:\s+number)?\s+(?P<rel>after|above|over|greater\s+than"
    r"|larger\s+than|bigger\s+than|before|below|under|less\s+than|smaller\s+than|to)\s+"
    r"(?P<n>[\d,]+)\s*\??$",
    re.IGNORECASE,
)
_NTH_PRIME = re.compile(
    rf"^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?{_ORD}\s+prime(?:\s+number)?\s*\??$", re.IGNORECASE
)
_POWER_OF = re.compile(
    r"^(?:what(?:'s|\s+is)\s+)?(?:the\s+)?(?P<p>square|cube)\s+of\s+(?P<n>-?[\d,]+(?:\.\d+)?)\s*\??$",
    re.IGNORECASE,
)


def primes(t: str) -> str | None:
    t = " ".join(t.strip().split())
    nth, m = _NTH_PRIME.match(t), _NEXT_PRIME.match(t)
    if nth is None and m is None:
        return None
    from sympy import isprime, nextprime, prevprime, prime  # ~0.3 s once: only when asked

    if nth is not None:
        k = int(nth.group(1)[:-2])
        if not 1 <= k <= 10**6:
            return None
        return f"{prime(k):,} (the {nth.group(1)} prime)"
    assert m is not None
    n = int(m.group("n").replace(",", ""))
    if n > 10**30:
        return None
    rel = m.group("rel").lower()
    down = rel.startswith(("before", "below", "under", "less", "smaller")) or m.group(
        "dir"
    ).lower() in ("previous", "last", "largest", "biggest")
    if m.group("dir").lower() == "closest" or rel == "to":
        up = nextprime(n)
        lo = prevprime(n) if n > 2 else None
        if isprime(n):
            return f"{n:,} is prime itself"
        if lo is None or up - n < n - lo:
            return f"{up:,} (the closest prime to {n:,})"
        if n - lo < up - n:
            return f"{lo:,} (the closest prime to {n:,})"
        return f"{lo:,} and {up:,} (both {n - lo} from {n:,})"
    if down:
        if n <= 2:
            return f"There is no prime below {n:,}."
        p = prevprime(n)
        return f"{p:,} (the largest prime below {n:,})"
    return f"{nextprime(n):,} (the smallest prime above {n:,})"


def power_of(t: str) -> str | None:
    from fractions import Fraction

    from .fmt import format_decimal

    m = _POWER_OF.match(" ".join(t.strip().split()))
    if not m:
        return None
    raw = m.group("n").replace(",", "")
    k = 2 if m.group("p").lower() == "square" else 3
    out = Fraction(raw) ** k  # exact: a decimal's power terminates
    shown = str(out.numerator) if out.denominator == 1 else format_decimal(out)
    return f"{shown} ({raw}{'²' if k == 2 else '³'})"


def answer(t: str) -> str | None:
    for fn in (base_conversion, roman, primes, power_of):
        out = fn(t)
        if out is not None:
            return out
    return None
