"""The model's program and what it printed: pull the code out of the reply, read the answer
line, tidy floating-point noise, compare two results. Pure text work; the program itself only
ever runs in the sandbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:```|$)", re.S | re.I)
_NUM = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?|-?\.\d+")
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds"}
MAX_ANSWER_CHARS = 300


def code_of(reply: str) -> str:
    """The program in the model's reply: the first fenced block, or the whole reply."""
    m = _FENCE.search(reply)
    code = m.group(1) if m else reply
    code = code.strip("\n")
    return code + "\n" if code.strip() else ""


# Python's round() works on the binary float and breaks ties to even: round(12.675, 2) is 12.67
# and round(2.5) is 2, where a person (and a till) says 12.68 and 3. A program that rounds gets
# this definition in front of it: decimal rounding, ties away from zero, of the number as printed.
HALF_UP_ROUND = (
    "import builtins as _builtins\n"
    "from decimal import ROUND_HALF_UP as _HALF_UP, Decimal as _Decimal\n"
    "\n"
    "\n"
    "def round(x, n=None):  # ties away from zero, on the decimal digits: 12.675 -> 12.68\n"
    "    if isinstance(x, bool) or not isinstance(x, (int, float)):\n"
    "        return _builtins.round(x, n)\n"
    "    d = _Decimal(repr(x))\n"
    "    if isinstance(x, float):  # float noise first: 0.15 * 84.5 is 12.674999999999999\n"
    "        d = d.quantize(_Decimal(1).scaleb(d.adjusted() - 14))\n"
    "    d = d.quantize(_Decimal(1).scaleb(-(n or 0)), rounding=_HALF_UP)\n"
    "    return int(d) if n is None else type(x)(d)\n"
    "\n"
    "\n"
)
_CALLS_ROUND = re.compile(r"(?<![\w.])round\s*\(")


def with_half_up_round(code: str) -> str:
    """The program, with HALF_UP_ROUND in front when it calls round()."""
    if not _CALLS_ROUND.search(code) or "def round(" in code:
        return code
    return HALF_UP_ROUND + code


@dataclass
class Reading:
    """What the program printed, read as an answer."""

    line: str  # the answer line as shown to the user
    value: Fraction | None  # its number, when it has one

    @property
    def key(self) -> str:
        """For comparing two programs' answers: the number, else the normalized text."""
        if self.value is not None:
            return str(self.value.limit_denominator(10**6))
        return re.sub(r"\s+", " ", self.line.strip().lower())


def _tidy_number(lit: str) -> str:
    """Floating-point noise off a printed number: 9.999999999999998 -> 10, 0.30000000000000004
    -> 0.3; 12.0 -> 12. Other numbers stay as printed."""
    s = lit.replace(",", "")
    if "e" in s.lower() or "." not in s:
        return lit
    whole, _, frac = s.partition(".")
    if len(frac) >= 9:
        v = round(float(s), 8)
        text = f"{v:.8f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if frac.strip("0") == "":
        return whole
    return lit


def _currency_first(line: str) -> str:
    """ "$64.80" -> "64.80 dollars" (the number first, as the answer convention says)."""
    m = re.match(r"^\s*(-?)\s*([$€£])\s*(\d[\d,]*(?:\.\d+)?)(.*)$", line)
    if not m:
        return line
    sign, sym, num, rest = m.groups()
    rest = rest.strip()
    unit = _CURRENCY[sym]
    return f"{sign}{num} {unit}" + (f" {rest}" if rest and not rest.startswith(unit) else "")


_ANSWER_LINE = re.compile(r"(?im)^\W*(?:final\s+)?answer\s*(?:is)?\s*[:：]\s*(.+)$")


_ANSWER_IS = re.compile(r"(?i)\b(?:the\s+)?(?:final\s+)?answer\s+is\s*:?\s*([^\n]+)")
_HASHES = re.compile(r"(?m)^\s*####\s*(.+)$")
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")


def answer_line(text: str) -> str | None:
    """The final answer of a step-by-step reply: its last "Answer: ..." line, else the last
    \\boxed{...}, else its last "the answer is ...", else a "#### ..." line; without markup. None when it gave none (a
    reply cut off before its answer)."""
    boxed = _BOXED.findall(text)
    text = _BOXED.sub(r"\1", text)
    text = re.sub(r"\\[()\[\]]", "", text)  # LaTeX math delimiters
    text = re.sub(r"\$\s*([-\d.,]+)\s*\$", r"\1", text)  # $76$ (math), not $76 (money)
    found = _ANSWER_LINE.findall(text) or boxed or _ANSWER_IS.findall(text) or _HASHES.findall(text)
    if not found:
        return None
    line = str(found[-1]).strip().strip("*").strip().rstrip(".").strip()
    return line or None


def read_output(stdout: str) -> Reading | None:
    """The answer line (the last non-empty line printed), or None when nothing was printed."""
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    if not lines:
        return None
    line = _currency_first(lines[-1])[:MAX_ANSWER_CHARS]
    line = _NUM.sub(lambda m: _tidy_number(m.group()), line, count=1)
    value: Fraction | None = None
    m = _NUM.search(line)
    # The line leads with its number ("43 stickers", "6.403"), not "10:30 PM on July 01".
    if m and m.start() <= 1 and not re.match(r"\s*[:/]\d", line[m.end() :]):
        try:
            value = Fraction(m.group().replace(",", ""))
        except (ValueError, ZeroDivisionError):
            value = None
    return Reading(line, value)


_COUNT_Q = re.compile(r"\bhow many\b", re.I)
_FRACTIONAL_OK = re.compile(
    r"\b(?:hours?|minutes?|miles?|km|kilomet|met(?:er|re)s?|feet|foot|inch|pounds?|kg|"
    r"kilogram|grams?|ounces?|liters?|litres?|gallons?|cups?|percent|%|decimal|average|"
    r"times|dollars?|cents?|\$|fraction|ratio|years|days|weeks|seconds?|degrees?|units?|"
    r"square|cubic|tons?|yards?|quarts?|pints?|teaspoons?|tablespoons?)\b",
    re.I,
)


_SIZE_Q = re.compile(r"\bhow\s+(?:much|long|far|old|fast|tall|big|large|heavy|wide|deep)\b", re.I)
# Questions where a number below zero is a fair answer.
_SIGNED = re.compile(
    r"\b(?:temperatures?|degrees?|below zero|negative|minus|debt|owe[sd]?|loss|deficit|"
    r"balance|change in|elevation|sea level|net)\b|°",
    re.I,
)


def implausible(question: str, reading: Reading) -> str | None:
    """A reason the answer cannot be right for this question, or None. Counting questions
    ("how many apples") have whole, non-negative answers; "how much / how long / how far"
    answers are not negative unless the question is about signed things (temperatures,
    debts, losses)."""
    v = reading.value
    if v is None:
        return None
    if _COUNT_Q.search(question) and v < 0:
        return "a negative count"
    if v < 0 and _SIZE_Q.search(question) and not _SIGNED.search(question):
        return "a negative amount"
    m = _COUNT_Q.search(question)
    if m and v.denominator != 1:
        asked = question[m.end() : m.end() + 40]
        if not _FRACTIONAL_OK.search(asked):
            return "a count that is not a whole number"
    return None
