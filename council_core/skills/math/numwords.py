"""Numbers in words ("twelve", "forty-two", "three hundred") as digits: one table for the
readers (nl's expression words, chance's counts)."""

from __future__ import annotations

import re

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_NUMWORD = re.compile(
    r"\b(?:("
    + "|".join(_TENS)
    + r")(?:[\s-]("
    + "|".join(_UNITS[1:10])
    + r"))?|("
    + "|".join(_UNITS)
    + r"))\b(?:\s+(hundred|thousand|million))?",
    re.IGNORECASE,
)
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def _numword(m: re.Match[str]) -> str:
    if m.group(1):
        v = (_TENS.index(m.group(1).lower()) + 2) * 10
        if m.group(2):
            v += _UNITS.index(m.group(2).lower())
    else:
        v = _UNITS.index(m.group(3).lower())
    if m.group(4):
        v *= _SCALE[m.group(4).lower()]
    return str(v)


def to_digits(text: str) -> str:
    """'pick 3 out of twelve' -> 'pick 3 out of 12'; 'forty-two' -> '42'."""
    return _NUMWORD.sub(_numword, text)
