"""Money questions with one exact answer, worked out from the text with no model: compound and
simple interest, loan and mortgage payments, percentage change, discounts, sales tax (and the
price before either), splitting a bill, savings goals, markup and margin.

Found by a user's test: "If I invest 1000 dollars at 5% interest compounded yearly, how much
will I have after 10 years?" went to the word-problem skill (a model-written program, ~60 s)
and "if i save $40 a week how many weeks til i have 1000 bucks" took 63 s; these are formulas.

Reading is by roles, not by templates: every number of the question is read as an amount of
money, a rate (5%), a period (10 years), a count (4 people), or a bare number; a family
(interest, loan, ...) is chosen by its words, and it answers only when each number it needs is
there and no number is left over (a story with more in it than the formula goes on to the
word-problem skill). Interest that is neither "simple" nor "compound(ed)" is ambiguous and not
answered here. Each function returns the answer in words, or None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SCALE = {"k": 1000, "grand": 1000, "thousand": 1000, "million": 10**6, "mil": 10**6, "m": 10**6}
_SCALES = r"k|grand|thousand|million|mil"
_CUR_WORD = r"(?:dollars?|bucks|usd|euros?|eur|pounds?|gbp|quid)\b"
_TOKEN = re.compile(
    rf"(?P<pre>[$€£])\s*(?P<n1>{_NUM})(?:\s*(?P<s1>{_SCALES})\b|(?P<m1>m)\b)?(?:\s*{_CUR_WORD})?"
    rf"|(?P<n2>{_NUM})\s*(?P<pct>%|percent\b|pct\b)"
    rf"|(?P<n3>{_NUM})(?:\s*(?P<s3>{_SCALES})\b|(?P<m3>m)\b)?(?:\s*(?P<cur>{_CUR_WORD}))?",
    re.IGNORECASE,
)
_PERIOD = re.compile(r"^\s*(?P<unit>years?|yrs?|months?|mos?|weeks?|wks?|days?)\b", re.IGNORECASE)
_COUNT = re.compile(
    r"^\s*(?:(?:other\s+)?(?:people|persons|ways|friends|guys|roommates|housemates|"
    r"coworkers|colleagues|of\s+us|of\s+them|players|members)\b)",
    re.IGNORECASE,
)
_WORD_NUMS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}  # fmt: skip
_WORD_BEFORE_UNIT = re.compile(
    r"\b(" + "|".join(_WORD_NUMS) + r")(?=[\s-]+(?:years?|months?|weeks?|days?|people|persons|"
    r"ways|friends|guys|roommates|of\s+us)\b)",
    re.IGNORECASE,
)
_PER_YEAR = {
    "annually": 1, "annual": 1, "yearly": 1, "year": 1, "semi-annually": 2, "semiannually": 2,
    "semi-annual": 2, "biannually": 2, "half-yearly": 2, "quarterly": 4, "quarter": 4,
    "monthly": 12, "month": 12, "weekly": 52, "week": 52, "daily": 365, "day": 365,
}  # fmt: skip

_CENT = Decimal("0.01")


@dataclass
class Tok:
    kind: str  # "money", "rate", "period", "count", "bare"
    value: Decimal
    start: int
    end: int
    unit: str = ""  # a period's unit ("year", "month", "week", "day"); a currency sign
    used: bool = False


def _num(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def tokens(text: str) -> list[Tok]:
    """Each number of text with its role."""
    out: list[Tok] = []
    for m in _TOKEN.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_"):
            continue  # inside a word or a longer number ("mp3", "2x")
        if m.group("n2") is not None:
            out.append(Tok("rate", _num(m.group("n2")), m.start(), m.end()))
            continue
        if m.group("n1") is not None:
            v = _num(m.group("n1"))
            scale = m.group("s1") or m.group("m1")
            if scale:
                v *= _SCALE[scale.lower()]
            out.append(Tok("money", v, m.start(), m.end(), unit=m.group("pre")))
            continue
        v = _num(m.group("n3"))
        scale = m.group("s3") or m.group("m3")
        end = m.end()
        if scale:
            v *= _SCALE[scale.lower()]
        rest = text[end:]
        if m.group("cur") or scale:
            sign = {"e": "€", "p": "£", "g": "£", "q": "£"}.get(
                (m.group("cur") or "d")[0].lower(), "$"
            )
            out.append(Tok("money", v, m.start(), end, unit=sign))
            continue
        p = _PERIOD.match(rest)
        if p is not None:
            unit = p.group("unit").lower()
            unit = {"yr": "year", "yrs": "year", "mo": "month", "mos": "month", "wk": "week",
                    "wks": "week"}.get(unit, unit.rstrip("s"))  # fmt: skip
            out.append(Tok("period", v, m.start(), end + p.end(), unit=unit))
            continue
        if _COUNT.match(rest) is not None:
            out.append(Tok("count", v, m.start(), end))
            continue
        out.append(Tok("bare", v, m.start(), end))
    return out


@dataclass
class Reading:
    text: str  # lower-cased, number words as digits
    toks: list[Tok]
    cur: str

    def of(self, kind: str) -> list[Tok]:
        return [t for t in self.toks if t.kind == kind and not t.used]

    def has(self, pattern: str) -> bool:
        return re.search(pattern, self.text) is not None


def read(t: str) -> Reading | None:
    text = " ".join(t.lower().replace("per cent", "percent").split()).rstrip("?!. ")
    if len(text) > 400:
        return None
    text = _WORD_BEFORE_UNIT.sub(lambda m: str(_WORD_NUMS[m.group(1).lower()]), text)
    # "in a year", "within a month": a period of one ("put away each month ... in a year")
    text = re.sub(r"\b(in|within|over|for|after)\s+an?\s+(year|month|week|day)\b", r"\1 1 \2", text)
    text = re.sub(r"\b(?:a|one)\s+(?:hundred|thousand|million)\b",
                  lambda m: {"hundred": "100", "thousand": "1000", "million": "1000000"}[
                      m.group(0).split()[-1]], text)  # fmt: skip
    toks = tokens(text)
    if not toks:
        return None
    signs = {x.unit for x in toks if x.kind == "money" and x.unit}
    return Reading(text, toks, next(iter(signs)) if len(signs) == 1 else "$")


def _money(r: Reading, d: Decimal) -> str:
    q = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    return f"{sign}{r.cur}{abs(q):,.2f}"


def _pct(d: Decimal | Fraction) -> str:
    """A percentage as it reads: 25, 33.33 (1/3 shown rounded), 6.5."""
    f = Fraction(d) if isinstance(d, Decimal) else d
    for places in range(0, 5):
        if (f * 10**places).denominator == 1:
            s = f"{Decimal(f.numerator) / Decimal(f.denominator):.{places}f}"
            return s
    return f"{Decimal(f.numerator) / Decimal(f.denominator):.2f}"


def _exact_pct(f: Fraction) -> bool:
    return any((f * 10**p).denominator == 1 for p in range(5))


def _plain(d: Decimal) -> str:
    s = f"{d.normalize():f}"
    return s


def _years(r: Reading, p: Tok) -> Decimal:
    return {"year": Decimal(1), "month": Decimal(1) / 12, "week": Decimal(7) / Decimal("365.25"),
            "day": Decimal(1) / Decimal(365)}[p.unit] * p.value  # fmt: skip


def _period_words(p: Tok) -> str:
    n = _plain(p.value)
    return f"{n} {p.unit}" + ("" if p.value == 1 else "s")


def _one(toks: list[Tok]) -> Tok | None:
    return toks[0] if len(toks) == 1 else None


def _principal(r: Reading) -> Tok | None:
    """The one amount of money (a bare number when no amount is marked as money)."""
    money = r.of("money")
    if len(money) == 1:
        return money[0]
    if not money:
        return _one(r.of("bare"))
    return None


def _done(r: Reading, *used: Tok | None) -> bool:
    """Every token is one the formula uses, and no number is left in words ("for three kids")."""
    from .timecalc import NUMBER_WORDS

    ids = {id(u) for u in used if u is not None}
    words = [
        m
        for m in NUMBER_WORDS.finditer(r.text)
        if not re.match(r"half|quarter", m.group(0))
        and not (m.group(0) == "one" and r.text[: m.start()].endswith(("the ", "each ")))
    ]  # "the one with the 4 share": a pronoun, not a count
    return all(id(t) in ids for t in r.toks) and not words


# ----- interest -----

_INVEST = (
    r"\b(?:invest(?:ed|ing|ment)?|deposit(?:ed)?|put|save[ds]?|savings|account|cd|bond|"
    r"principal|interest|compound(?:ed|ing)?|grows?|earns?|yield)\b"
)
_LOANISH = r"\b(?:loan|mortgage|borrow(?:ed|ing)?|financ\w*|owe|debt|credit card|payments?)\b"


def _compounding(r: Reading) -> tuple[int | None, str] | None:
    """Periods per year and their word; (None, 'continuously'); None when not said."""
    if r.has(r"\bcontinuous(?:ly)?\b"):
        return None, "continuously"
    m = re.search(
        r"\bcompound(?:ed|ing|s)?\s+(?:interest\s+)?(?:(?:every|each|per|a|once\s+a)\s+)?"
        r"(annually|annual|yearly|year|semi-?annually|semi-annual|biannually|half-yearly|"
        r"quarterly|quarter|monthly|month|weekly|week|daily|day)\b"
        r"|\b(annually|yearly|semi-?annually|quarterly|monthly|weekly|daily)\s+compound(?:ed|ing)?\b"
        r"|\b(?:interest\s+)?compounded\s+(twice|four times|12 times)\s+a\s+year\b",
        r.text,
    )
    if m is None:
        if r.has(r"\bcompound(?:ed|ing|s)?\b") and not r.has(r"\bsimple\b"):
            # "compound interest" with no period: the usual reading is once a year
            return 1, "yearly"
        return None
    word = (m.group(1) or m.group(2) or m.group(3) or "").replace("semiannually", "semi-annually")
    if word in ("twice",):
        return 2, "twice a year"
    if word == "four times":
        return 4, "quarterly"
    if word == "12 times":
        return 12, "monthly"
    n = _PER_YEAR[word]
    label = {1: "yearly", 2: "twice a year", 4: "quarterly", 12: "monthly", 52: "weekly",
             365: "daily"}[n]  # fmt: skip
    return n, label


def interest(t: str) -> str | None:
    """'$1000 at 5% compounded yearly for 10 years' -> '$1,628.89 after 10 years (...)'."""
    r = read(t)
    if r is None or not r.has(_INVEST):
        return None
    owed = r.has(_LOANISH + r"|\bowe")  # a loan at simple interest: what is owed
    if owed and not r.has(r"\bsimple\b"):
        return None  # a loan at compound interest is repaid monthly: loan()
    if not r.has(r"\binterest|compound|invest|deposit|savings|account|\bcd\b|apy|apr|grow|earn"):
        return None
    rate = _one(r.of("rate"))
    period = _one(r.of("period"))
    if rate is None or period is None:
        return None
    rate.used = period.used = True
    p = _principal(r)
    if p is None:
        return None
    p.used = True
    if not _done(r, p, rate, period):
        return None
    simple = r.has(r"\bsimple\b")
    how = None if simple else _compounding(r)
    if not simple and how is None:
        return None  # neither simple nor compound: ambiguous, not ours
    P, i, years = p.value, rate.value / 100, _years(r, period)
    if simple:
        total = P * (1 + i * years)
        formula = f"{_plain(P)} × (1 + {_plain(i)} × {_plain(years)})"
        how_words = "simple interest"
    else:
        n, label = how  # type: ignore[misc]
        if n is None:
            total = P * (i * years).exp()
            formula = f"{_plain(P)} × e^({_plain(i)} × {_plain(years)})"
        else:
            per = i / n
            k = years * n
            total = P * (1 + per) ** k
            formula = f"{_plain(P)} × (1 + {_plain(i)}/{n})^{_plain(k)}" if n > 1 else (
                f"{_plain(P)} × {_plain(1 + i)}^{_plain(k)}")  # fmt: skip
        how_words = f"compounded {label}"
    earned = total - P
    span = _period_words(period)
    if owed:
        exact = f"{total:.6f}".rstrip("0").rstrip(".")
        return (
            f"{_money(r, total)} owed after {span} ({_money(r, P)} borrowed at {_pct(rate.value)}% "
            f"{how_words}: {formula} = {exact}); interest {_money(r, earned)}"
        )
    exact = f"{total:.6f}".rstrip("0").rstrip(".")
    if r.has(r"how much (?:interest|will (?:i|it|you|we) (?:earn|make|gain))|interest (?:earned|"
             r"will|would|do|did|is|does)|(?:earn|make|get|gain)\w*\s+in\s+interest|total interest"
             r"|\bjust the interest|\bonly the interest|how much (?:do|would|will) (?:i|you) (?:earn|make)"):  # fmt: skip
        return (
            f"{_money(r, earned)} of interest over {span} ({_money(r, P)} at {_pct(rate.value)}% "
            f"{how_words} grows to {_money(r, total)}: {formula} = {exact})"
        )
    return (
        f"{_money(r, total)} after {span} ({_money(r, P)} at {_pct(rate.value)}% {how_words}: "
        f"{formula} = {exact}); interest earned {_money(r, earned)}"
    )


# ----- loans -----


def loan(t: str) -> str | None:
    """'monthly payment on a $250,000 mortgage at 6.5% for 30 years' -> '$1,580.17 a month ...'."""
    r = read(t)
    if r is None or not r.has(_LOANISH + r"|\bborrow|\bfinance") or r.has(r"\bsimple\b"):
        return None
    rate = _one(r.of("rate"))
    period = _one(r.of("period"))
    if rate is None or period is None or period.unit not in ("year", "month"):
        return None
    rate.used = period.used = True
    p = _principal(r)
    if p is None:
        return None
    p.used = True
    if not _done(r, p, rate, period):
        return None
    if r.has(r"\b(?:weekly|bi-?weekly|every (?:two )?weeks?|a week|per week|yearly payments?|"
             r"annual payments?)\b|\binterest[- ]only\b|\bballoon\b"):  # fmt: skip
        return None
    n = int(period.value * (12 if period.unit == "year" else 1))
    if n != period.value * (12 if period.unit == "year" else 1) or n <= 0:
        return None
    P, i = p.value, rate.value / 100 / 12
    pay = P / n if i == 0 else P * i / (1 - (1 + i) ** -n)
    total = pay * n
    head = (
        f"{_money(r, pay)} a month ({_money(r, P)} at {_pct(rate.value)}% a year over "
        f"{_period_words(period)}: {n} monthly payments"
    )
    tail = f"); total paid {_money(r, total)}, of which interest {_money(r, total - P)}"
    if r.has(
        r"\bin total\b|\btotal (?:cost|paid|amount|repaid|repayment)|\baltogether\b|\boverall\b"
    ) and not r.has(r"\btotal interest"):
        return (
            f"{_money(r, total)} in total ({n} monthly payments of {_money(r, pay)} on "
            f"{_money(r, P)} at {_pct(rate.value)}% a year; interest {_money(r, total - P)})"
        )
    if r.has(r"\btotal interest|\bhow much interest|\binterest (?:will|would|do) (?:i|we) pay"):
        return (
            f"{_money(r, total - P)} of interest ({_money(r, pay)} a month for {n} months on "
            f"{_money(r, P)} at {_pct(rate.value)}% a year; total paid {_money(r, total)})"
        )
    return head + tail


# ----- percentage change -----

_CHANGE = re.compile(
    r"\b(?:percent(?:age)?|%)\s*(?:change|increase|decrease|rise|drop|growth|decline|gain|loss|"
    r"difference|up|down)\b"
    r"|\b(?:change|increase|decrease|rise|drop|growth|decline|gain|loss|went up|went down|grew|"
    r"fell|dropped|rose|increased|decreased|jumped|raised|cut|reduced)\b"
)


def percent_change(t: str) -> str | None:
    """'went from 80 to 100, what % increase' -> '25% increase (from 80 to 100: +20)'."""
    r = read(t)
    if r is None or not (_CHANGE.search(r.text) or r.has(r"\bfrom\s+\S+\s+to\b")):
        return None
    if not r.has(r"%|\bpercent"):
        return None
    if r.of("rate") or r.of("period") or r.of("count"):
        return None
    m = re.search(
        r"\bfrom\s+[$€£]?\s*(" + _NUM + r")\s*(?:k\b)?[^\d]{0,25}?\bto\s+[$€£]?\s*(" + _NUM + r")",
        r.text,
    ) or re.search(
        r"\b(?:was|were|is|used to be|costs?|cost)\s+[$€£]?\s*(" + _NUM + r")[^\d]{0,40}?"
        r"\b(?:now|is now|and now|but now|became|becomes|to)\s+(?:it'?s\s+|is\s+|costs?\s+)?[$€£]?\s*("
        + _NUM + r")",
        r.text,
    ) or re.search(
        r"^[^\d]*?[$€£]?\s*(" + _NUM + r")\s*(?:to|->|→)\s*[$€£]?\s*(" + _NUM + r")\b[^\d]*$",
        r.text,
    )  # fmt: skip
    if m is None or len(r.toks) != 2:
        return None
    a, b = _num(m.group(1)), _num(m.group(2))
    if a == 0:
        return None
    f = (Fraction(b) - Fraction(a)) / Fraction(a) * 100
    word = "increase" if f > 0 else "decrease" if f < 0 else "change"
    shown = _pct(abs(f))
    approx = "" if _exact_pct(abs(f)) else "≈"
    diff = b - a
    sign = "+" if diff > 0 else ""
    return (
        f"{approx}{shown}% {word} (from {_plain(a)} to {_plain(b)}: {sign}{_plain(diff)}, "
        f"{sign}{_plain(diff)} / {_plain(a)} = {approx}{'+' if f > 0 else '-' if f < 0 else ''}"
        f"{shown}%)"
    )


# ----- discounts, tax, tips on a price -----

_OFF = (
    r"off\b|discount|sale\b|markdown|marked down|reduction|reduced|savings|(?:pay\s+)?cut\b|"
    r"decrease\b|less\b|drop\b"
)
_UP = r"(?:pay\s+)?raise\b|pay rise|rise\b|increase\b|hike\b|bump\b|more\b"
_TAX = r"(?:sales\s+)?tax\b|vat\b|gst\b|hst\b"
_TIP_W = r"tip\b|gratuity|service charge"


def _roles(r: Reading) -> dict[str, list[Tok]]:
    out: dict[str, list[Tok]] = {"off": [], "up": [], "tax": [], "tip": [], "other": []}
    for x in r.of("rate"):
        after = r.text[x.end : x.end + 25]
        before = r.text[max(0, x.start - 30) : x.start]
        for role, pat in (("off", _OFF), ("up", _UP), ("tax", _TAX), ("tip", _TIP_W)):
            if re.match(rf"\s*(?:{pat})", after) or re.match(rf"\s*(?:sales\s+)?(?:{pat})", after):
                out[role].append(x)
                break
        else:
            for role, pat in (("off", _OFF), ("up", _UP), ("tax", _TAX), ("tip", _TIP_W)):
                if re.search(
                    # "8% tax", "tax of 8%", "tax here is 8.875%", "the tax rate is 7%"
                    rf"(?:{pat})\s*(?:rate\s+)?(?:(?:here|there|where\s+i\s+live)\s+)?"
                    r"(?:of|at|is|=|:)?\s*(?:a|an|the)?\s*$",
                    before,
                ):
                    out[role].append(x)
                    break
            else:
                if re.search(
                    r"\b(?:leave|leaving|add|adding)\s+(?:a\s+|an\s+)?$", before
                ) and re.search(r"\btip", r.text):
                    out["tip"].append(x)  # "$186.40 before tip, we want to leave 18%"
                else:
                    out["other"].append(x)
    return out


def price(t: str) -> str | None:
    """'30% off $80' -> '$56.00 (...)'; '$49.99 plus 8.25% tax' -> total; 'I paid $60 after a
    25% discount, what was the original price' -> '$80.00'."""
    r = read(t)
    if r is None or r.of("period") or r.of("count"):
        return None
    if r.has(r"\bsplit|\bdivide|\bshare|\bper person|\beach\b|\binterest|\bloan|\bmortgage"):
        return None
    if any(_after(r, x, _HOURLY_AFTER) for x in r.toks):
        return None  # a wage ("25 an hour and 20% tax, take home a year"), not a price
    roles = _roles(r)
    if roles["other"] or roles["tip"] or not (roles["off"] or roles["tax"] or roles["up"]):
        return None
    p = _principal(r)
    if p is None:
        return None
    if p.kind == "bare" and not r.has(
        r"\b(?:dollars?|bucks|price|priced|cost|costs|pay|paid|salary|wage|income|rent|bill|buy|"
        r"bought|tax|vat|discount|sale|item|store|shop|earn|make|made|raise|off|save|sells?|sold)\b"
    ):
        return None  # "25% more than 80" is not money: the math parser's percentage
    rates = roles["off"] + roles["up"] + roles["tax"]
    if not _done(r, p, *rates):
        return None
    P = p.value
    reverse = r.has(
        r"\boriginal(?:ly)?\b|\bbefore (?:the )?(?:tax|discount|sale|markdown|vat)|\bpre-?tax\b|"
        r"\bwithout (?:the )?(?:tax|discount|vat)|\bregular price\b|\bfull price\b|\bwas it\b|"
        r"\bexcluding (?:tax|vat)|\bnormal price\b|\busual price\b|\bbefore it went on sale|"
        r"\bbefore (?:the |my |a )?(?:raise|increase|hike|cut|drop)"
    )
    if (
        reverse
        and not roles["tax"]
        and not r.has(
            r"\boriginal(?:ly)?\b|\bbefore (?:the )?(?:discount|sale|markdown)|\bwithout (?:the )?discount"
            r"|\bregular price\b|\bfull price\b|\bwas it\b|\bnormal price\b|\busual price\b"
            r"|\bbefore it went on sale|\bbefore (?:the |my |a )?(?:raise|increase|hike|cut|drop)"
        )
    ):
        reverse = False  # "what will I actually pay, before tax?" with no tax given: a price now
    if reverse:
        if not r.has(r"\b(?:paid|total|came to|cost|costs|was|were|after|including|incl|with)\b"):
            return None
        factor = Decimal(1)
        for x in roles["off"]:
            factor *= 1 - x.value / 100
        for x in roles["up"] + roles["tax"]:
            factor *= 1 + x.value / 100
        if factor <= 0:
            return None
        before = P / factor
        parts = " and ".join(
            [f"{_pct(x.value)}% off" for x in roles["off"]]
            + [f"{_pct(x.value)}% increase" for x in roles["up"]]
            + [f"{_pct(x.value)}% tax" for x in roles["tax"]]
        )
        return (
            f"{_money(r, before)} before {parts.replace(' off', ' discount')} "
            f"({_money(r, P)} ÷ {_plain(factor)} = {_plain(before.quantize(Decimal('0.0001')))})"
        )
    now = P
    steps = []
    for x in roles["off"]:
        cut = now * x.value / 100
        steps.append(f"{_pct(x.value)}% off saves {_money(r, cut)}")
        now -= cut
    for x in roles["up"]:
        more = now * x.value / 100
        steps.append(f"{_pct(x.value)}% more adds {_money(r, more)}")
        now += more
    for x in roles["tax"]:
        tax = now * x.value / 100
        steps.append(f"{_pct(x.value)}% tax adds {_money(r, tax)}")
        now += tax
    if (
        len(roles["tax"]) == 1
        and not roles["off"]
        and r.has(
            r"how much (?:is|will be|would be|'s) (?:the )?tax|what(?:'s| is) the (?:sales )?tax\b"
            r"|\bhow much tax\b|\btax on\b"
        )
        and not r.has(r"\btotal\b|\baltogether\b|\bwith (?:the )?tax\b|\bin all\b")
    ):
        tax = now - P
        return f"{_money(r, tax)} of tax ({_pct(roles['tax'][0].value)}% of {_money(r, P)}); {_money(r, now)} with the tax"
    if (
        len(roles["off"]) == 1
        and not roles["tax"]
        and r.has(r"how much (?:do|will|would) (?:i|you|we) save|\bsavings?\b")
    ):
        cut = P - now
        return f"{_money(r, cut)} saved ({_pct(roles['off'][0].value)}% of {_money(r, P)}); you pay {_money(r, now)}"
    return f"{_money(r, now)} ({_money(r, P)}: {'; '.join(steps)})"


# ----- splitting a bill -----


def split(t: str) -> str | None:
    """'split $126.50 between 4 people' -> '$31.63 each (...)'."""
    r = read(t)
    if r is None or not r.has(r"\bsplit|\bdivid|\bshar|\bper person|\beach\b|\bevenly|\d\s*ways\b"):
        return None
    if not r.has(
        r"\bbill|\bcheck|\bcheque|\btab|\bdinner|\blunch|\bmeal|\brent|\bsplit|\bcost|\btotal|\bpizza|\d\s*ways\b|\bper person"
    ):
        return None
    if r.has(r"\bhow\s+many\b"):
        return None  # "choose 3 people out of 10, how many ways": counting, not a bill
    count = _one(r.of("count"))
    if count is None:
        m = re.search(r"\b(?:between|among|amongst|by|in)\s+(\d+)\b(?!\s*%)", r.text)
        if m is None:
            return None
        count = next((x for x in r.toks if x.start == m.start(1) and x.kind == "bare"), None)
        if count is None:
            return None
    count.used = True
    n = count.value
    if re.search(r"\b(?:me|i|myself)\s+(?:and|\+|plus)\s+(?:my\s+)?$", r.text[max(0, count.start - 20) : count.start]) or re.match(
        r"\s*(?:\w+\s+){0,2}(?:and|\+|plus)\s+(?:me|i|myself)\b", r.text[count.end : count.end + 30]
    ):  # fmt: skip
        n += 1  # "me and 3 friends": four people
    if n != int(n) or n < 2:
        return None
    roles = _roles(r)
    if roles["off"] or roles["other"]:
        return None
    p = _principal(r)
    if p is None:
        return None
    p.used = True
    if not _done(r, p, count, *roles["tip"], *roles["tax"]):
        return None
    total = p.value
    notes = []
    for x in roles["tax"]:
        total += p.value * x.value / 100
        notes.append(f"{_pct(x.value)}% tax")
    for x in roles["tip"]:
        total += p.value * x.value / 100
        notes.append(f"{_pct(x.value)}% tip")
    each = total / n
    exact = "" if each == each.quantize(_CENT) else f" = {_plain(each.quantize(Decimal('0.0001')))}"
    with_ = f" with {' and '.join(notes)}" if notes else ""
    return f"{_money(r, each)} each ({_money(r, total)}{with_} ÷ {int(n)}{exact})"


# ----- savings goals -----


_ADVERB_UNIT = {"weekly": "week", "monthly": "month", "daily": "day", "yearly": "year",
                "annually": "year"}  # fmt: skip


def _goal(r: Reading) -> Tok | None:
    """The amount to reach (the one amount left once what is saved is taken), marked used."""
    goal = _principal(r)
    if goal is not None:
        goal.used = True
    return goal


def _saved(r: Reading) -> Tok | None:
    """The amount already saved ("I have 200 saved", "starting with $500"), marked used."""
    have = None
    for x in r.of("money") + r.of("bare"):
        before = r.text[max(0, x.start - 30) : x.start]
        if re.search(
            r"(?:already (?:have|got|saved)|have saved|saved up|starting (?:with|at|from)|"
            r"start with|currently have|right now i have|i've got)\s*(?:a|an)?\s*$",
            before,
        ) or (
            re.match(
                r"\s*(?:saved|already|in (?:the bank|savings|my account)|so far)", r.text[x.end :]
            )
            and not re.search(r"\b(?:un)?til+\b|\bto\s*$|\breach\w*\s*$", before)
        ):
            have = x
    if have is not None:
        have.used = True
    return have


_EVERY = (
    r"(?:a|per|each|every|/)\s*(week|month|day|year)\b|\b(weekly|monthly|daily|yearly|annually)\b"
)


def savings_goal(t: str) -> str | None:
    """'if I save $40 a week how long until I have $1000' -> '25 weeks (...)'."""
    r = read(t)
    if r is None or not r.has(
        r"\bsav(?:e|ing)|\bput (?:away|aside|in)|\bset aside|\bdeposit|\bstash|\bsock away"
    ):
        return None
    if r.has(r"\binterest|%|\bpercent"):
        return None
    if not r.has(
        r"\bhow (?:long|many (?:weeks|months|days|years))|\bwhen will|\buntil|\btill|\btil\b"
    ):
        return None
    per_tok = None
    unit = ""
    for x in r.of("money") + r.of("bare"):
        m = re.match(r"\s*" + "(?:" + _EVERY + ")", r.text[x.end : x.end + 20])
        if m:
            if per_tok is not None:
                return None
            per_tok = x
            unit = m.group(1) or _ADVERB_UNIT[m.group(2)]
    if per_tok is None:
        return None
    per_tok.used = True
    have, goal = _saved(r), _goal(r)
    if goal is None or not _done(r, per_tok, goal, have):
        return None
    need = goal.value - (have.value if have else 0)
    if per_tok.value <= 0 or need <= 0:
        return None
    n = math.ceil(need / per_tok.value)
    word = unit + ("" if n == 1 else "s")
    exact = need / per_tok.value
    start = f"{_money(r, have.value)} + " if have else ""
    if exact == n:
        how = f"{start}{n} × {_money(r, per_tok.value)} = {_money(r, goal.value)}"
    else:
        how = (
            f"{_plain(need)} ÷ {_plain(per_tok.value)} = {_plain(exact.quantize(Decimal('0.01')))}; after "
            f"{n - 1} {unit}s you would have {_money(r, (have.value if have else 0) + (n - 1) * per_tok.value)}"
        )
    return f"{n} {word} ({how})"


def saving_rate(t: str) -> str | None:
    """'i want 5000 for a trip in 8 months, how much do i need to save per month' ->
    '$625.00 a month (...)'."""
    r = read(t)
    if r is None or r.of("rate") or r.has(r"\binterest"):
        return None
    m = re.search(
        r"\bhow much (?:do|would|should|will|must) (?:i|we|you) (?:need to |have to |)"
        r"(?:save|put (?:away|aside)|set aside|sock away|stash)\b.{0,20}?"
        + "(?:"
        + _EVERY
        + ")"
        + r"|\bhow much (?:to|should i|must i) (?:save|put away|set aside)\b.{0,20}?(?:"
        + _EVERY
        + ")",
        r.text,
    )
    if m is None:
        return None
    unit = next((g for g in m.groups() if g), "")
    unit = _ADVERB_UNIT.get(unit, unit)
    period = _one(r.of("period"))
    if period is None:
        return None
    period.used = True
    have, goal = _saved(r), _goal(r)
    if goal is None or not _done(r, period, goal, have):
        return None
    per_year = {"year": Decimal(1), "month": Decimal(12), "week": Decimal(52), "day": Decimal(365)}
    if period.unit == unit:
        n = period.value
    elif period.unit == "year" and unit in per_year:
        n = period.value * per_year[unit]
    else:
        return None
    need = goal.value - (have.value if have else 0)
    if n <= 0 or need <= 0:
        return None
    each = need / n
    exact = "" if each == each.quantize(_CENT) else f" = {_plain(each.quantize(Decimal('0.0001')))}"
    start = (
        f"({_money(r, goal.value)} - {_money(r, have.value)}) "
        if have
        else f"{_money(r, goal.value)} "
    )
    return f"{_money(r, each)} a {unit} ({start}÷ {_plain(n)} {unit}s{exact})"


# ----- markup and margin -----


def markup(t: str) -> str | None:
    """'bought for $40, sold for $60: markup?' -> '50% markup ...'; '40% markup on a $25 cost'
    -> '$35.00'."""
    r = read(t)
    if r is None or not r.has(r"\bmark-?up|\bmargin|\bprofit"):
        return None
    if r.of("period") or r.of("count"):
        return None
    rates = r.of("rate")
    if len(rates) == 1:
        x = rates[0]
        p = _principal(r)
        if p is None or not _done(r, p, x):
            return None
        # "a 35% profit margin (margin on selling price, not markup)": said not to be a markup
        denied = r.has(r"\bnot\s+(?:a\s+|the\s+)?mark-?up|\bisn'?t\s+(?:a\s+)?mark-?up")
        both = r.has(r"\bmargin") and r.has(r"\bmark-?up")
        if both and not denied:
            return None  # both named: which one is meant is not guessed
        if r.has(r"\bmargin") and (denied or not r.has(r"\bmark-?up")):
            if x.value >= 100:
                return None
            sell = p.value / (1 - x.value / 100)
            return (
                f"{_money(r, sell)} (a {_pct(x.value)}% margin on a cost of {_money(r, p.value)}: "
                f"{_plain(p.value)} ÷ (1 - {_plain(x.value / 100)}); profit {_money(r, sell - p.value)})"
            )
        if r.has(r"\bmark-?up"):
            sell = p.value * (1 + x.value / 100)
            return (
                f"{_money(r, sell)} (a {_pct(x.value)}% markup on {_money(r, p.value)}: "
                f"profit {_money(r, sell - p.value)})"
            )
        return None
    if rates:
        return None
    cost_m = re.search(
        r"\b(?:cost(?:s|ed)?|bought|buy|paid|pay|purchased?|costing|get (?:them|it|these))\b"
        r"[^$€£\d]{0,20}?[$€£]?\s*(" + _NUM + r")",
        r.text,
    )
    sell_m = re.search(
        r"\b(?:sell(?:s|ing)?|sold|selling price|price|retails?|charge)\b[^$€£\d]{0,20}?[$€£]?\s*("
        + _NUM
        + r")",
        r.text,
    )
    if cost_m is None or sell_m is None or len(r.toks) != 2:
        return None
    c, s = _num(cost_m.group(1)), _num(sell_m.group(1))
    if c <= 0 or s <= 0:
        return None
    mk = (Fraction(s) - Fraction(c)) / Fraction(c) * 100
    mg = (Fraction(s) - Fraction(c)) / Fraction(s) * 100
    a_mk = "" if _exact_pct(mk) else "≈"
    a_mg = "" if _exact_pct(mg) else "≈"
    mk_s = f"{a_mk}{_pct(mk)}% markup (profit {_money(r, s - c)} on a cost of {_money(r, c)})"
    mg_s = f"{a_mg}{_pct(mg)}% margin (profit {_money(r, s - c)} on a price of {_money(r, s)})"
    if r.has(r"\bmargin") and not r.has(r"\bmark-?up"):
        return f"{mg_s}; as a markup on cost: {a_mk}{_pct(mk)}%"
    if r.has(r"\bmark-?up") and not r.has(r"\bmargin"):
        return f"{mk_s}; as a margin of the price: {a_mg}{_pct(mg)}%"
    return f"{mk_s}; {mg_s}"


# ----- doubling time -----


def doubling(t: str) -> str | None:
    """'how long to double my money at 7% compounded annually' -> '10.24 years (...)'."""
    r = read(t)
    if r is None:
        return None
    m = re.search(r"\b(double|triple|quadruple)\b", r.text)
    if m is None or not r.has(
        r"\bhow (?:long|many years)\b|\bwhen will\b|\btime to\b|\byears to\b"
    ):
        return None
    rate = _one(r.of("rate"))
    if rate is None or len(r.toks) != 1 or rate.value <= 0:
        return None
    how = _compounding(r)
    if how is None:
        return None
    k = {"double": 2, "triple": 3, "quadruple": 4}[m.group(1)]
    i = float(rate.value) / 100
    n, label = how
    if n is None:
        years = math.log(k) / i
        formula = f"ln {k} ÷ {i:g}"
    else:
        years = math.log(k) / (n * math.log(1 + i / n))
        formula = f"ln {k} ÷ ln(1 + {i:g})" if n == 1 else f"ln {k} ÷ ({n} × ln(1 + {i:g}/{n}))"
    extra = ""
    if n is not None:
        steps = math.ceil(years * n - 1e-9)
        unit = {1: "year", 2: "half-year", 4: "quarter", 12: "month", 52: "week", 365: "day"}[n]
        when = f"year {steps}" if n == 1 else f"{unit} {steps} (year {steps / n:.4g})"
        extra = f"; the balance first reaches {k}× at the end of {when}"
    return f"{years:.2f} years at {_pct(rate.value)}% compounded {label} ({formula}){extra}"


# ----- pay: hourly and yearly, overtime -----

_HOURLY_AFTER = r"\s*(?:/\s*(?:hr|hour)\b|(?:an?|per|each)\s+(?:hr|hour)\b|hourly\b|ph\b)"
_YEARLY_AFTER = (
    r"\s*(?:/\s*(?:yr|year)\b|(?:a|per|each)\s+(?:yr|year)\b|annually\b|yearly\b|salary\b)"
)
_HOURS_WEEK_AFTER = (
    r"\s*(?:hrs?|hours?)(?:\s*(?:a|per|/|each)\s*(?:week|wk)\b|\s+(?:work\s*)?weeks?\b)"
    r"|\s*-?\s*(?:hr|hour)\s+(?:work\s*)?weeks?\b"
)


def _after(r: Reading, x: Tok, pattern: str) -> bool:
    return re.match(pattern, r.text[x.end : x.end + 24]) is not None


def _pick(r: Reading, pattern: str, kinds: tuple[str, ...] = ("money", "bare")) -> Tok | None:
    found = [x for k in kinds for x in r.of(k) if _after(r, x, pattern)]
    return found[0] if len(found) == 1 else None


def _week_hours_and_weeks(r: Reading) -> tuple[Tok | None, Tok | None, str]:
    """Hours a week and weeks a year as said, marked used; the assumption when not said."""
    hours = _pick(r, _HOURS_WEEK_AFTER, ("bare", "period"))
    weeks = next((x for x in r.of("period") if x.unit == "week" and x is not hours), None)
    for x in (hours, weeks):
        if x is not None:
            x.used = True
    said = []
    if hours is None:
        said.append("40 hours a week")
    if weeks is None:
        said.append("52 weeks a year")
    return hours, weeks, f" (taking {' and '.join(said)})" if said else ""


def _hours_and_weeks(r: Reading, amount: Tok) -> tuple[Decimal, Decimal, str] | None:
    """Hours a week and weeks a year for a pay question whose one amount is `amount` (40 and
    52 when not said, with the assumption in words); None when a number is left over."""
    amount.used = True
    hours, weeks, assumed = _week_hours_and_weeks(r)
    if not _done(r, amount, hours, weeks):
        return None
    return (hours.value if hours else Decimal(40)), (weeks.value if weeks else Decimal(52)), assumed


def pay(t: str) -> str | None:
    """'$22.50/hr, 40 hrs a week, 52 weeks: what is that a year' -> '$46,800.00 a year';
    '85k a year, what is that hourly' -> '$40.87 an hour (...)'."""
    r = read(t)
    if r is None or r.has(r"%|\btax|\binterest|\bovertime|\braise"):
        return None
    hourly = _pick(r, _HOURLY_AFTER)
    yearly = _pick(r, _YEARLY_AFTER)
    # what is asked: the side of the question with no amount on it
    to_year = r.has(r"\b(?:a|per|each|/)\s*(?:year|yr)\b|\bannual(?:ly)?\b|\byearly\b|\bsalary\b")
    to_hour = r.has(r"\bhourly\b|\b(?:an|per|each|/)\s*(?:hour|hr)\b")
    if hourly is not None and yearly is None and to_year:
        said = _hours_and_weeks(r, hourly)
        if said is None:
            return None
        h, w, assumed = said
        year = hourly.value * h * w
        return (
            f"{_money(r, year)} a year ({_money(r, hourly.value)} × {_plain(h)} hours × "
            f"{_plain(w)} weeks){assumed}"
        )
    if yearly is not None and hourly is None and to_hour:
        said = _hours_and_weeks(r, yearly)
        if said is None:
            return None
        h, w, assumed = said
        if h <= 0 or w <= 0:
            return None
        rate = yearly.value / (h * w)
        return (
            f"{_money(r, rate)} an hour ({_money(r, yearly.value)} ÷ ({_plain(h)} hours × "
            f"{_plain(w)} weeks) = {_plain(rate.quantize(Decimal('0.0001')))}){assumed}"
        )
    return None


_PER_UNIT = {
    "week": r"\s*(?:/\s*(?:wk|week)\b|(?:a|per|each|every)\s+(?:wk|week)\b|weekly\b)",
    "month": r"\s*(?:/\s*(?:mo|month)\b|(?:a|per|each|every)\s+month\b|monthly\b)",
    "year": _YEARLY_AFTER,
}
_PER_YEAR_N = {"week": Decimal(52), "month": Decimal(12), "year": Decimal(1)}


def pay_period(t: str) -> str | None:
    """'getting paid $1,150 a week, how much is that per month on average (52 wks a year)' ->
    '$4,983.33 a month ($1,150.00 × 52 weeks ÷ 12 months)'."""
    r = read(t)
    if r is None or r.has(r"%|\btax|\binterest|\bovertime|\braise|\bhour|\bhr\b"):
        return None
    given = [
        (u, x)
        for u, pat in _PER_UNIT.items()
        for x in r.of("money") + r.of("bare")
        if _after(r, x, pat)
    ]
    if len(given) != 1:
        return None
    unit, amount = given[0]
    said = re.sub(r"\b52\s*(?:weeks?|wks?)\s+(?:a|per|in\s+a)\s+(?:year|yr)\b", "", r.text)
    asked = [
        u for u in _PER_UNIT
        if u != unit and re.search(rf"\b(?:a|per|each|every|/)\s*{u}\b|\b{u}ly\b" if u != "year" else
                                   r"\b(?:a|per|each|/)\s*(?:year|yr)\b|\bannual(?:ly)?\b|\byearly\b", said)
    ]  # fmt: skip
    if len(asked) != 1 or not r.has(r"\bhow much|\bwhat|\bwhats"):
        return None
    to = asked[0]
    amount.used = True
    weeks = next((x for x in r.of("period") if x.unit == "week" and x.value == 52), None)
    if weeks is not None:
        weeks.used = True
    if not _done(r, amount, weeks):
        return None
    per_year = amount.value * _PER_YEAR_N[unit]
    out = per_year / _PER_YEAR_N[to]
    steps = f"{_money(r, amount.value)} × {_PER_YEAR_N[unit]} {unit}s"
    if to != "year":
        steps += f" ÷ {_PER_YEAR_N[to]} {to}s"
    return f"{_money(r, out)} a {to} ({steps})"


def overtime(t: str) -> str | None:
    """'$18 an hour, worked 46 hrs, overtime is time and a half after 40: gross pay' -> '$882.00'."""
    r = read(t)
    if r is None or not r.has(
        r"\bover\s*time\b|\bot\b|\btime\s+and\s+a\s+half\b|\bdouble\s+time\b"
    ):
        return None
    rate = _pick(r, _HOURLY_AFTER)
    if rate is None:
        return None
    rate.used = True
    m = re.search(
        r"\btime\s+and\s+a\s+half\b|\b(1\.5|2|double)\s*(?:x|times)\b|\bdouble\s+time\b", r.text
    )
    if m is None:
        return None
    factor = Decimal("1.5") if ("half" in m.group(0) or m.group(1) == "1.5") else Decimal(2)
    for x in r.toks:  # "1.5x" is the factor, not an amount
        if m.group(1) and x.start == m.start(1):
            x.used = True
    worked = [x for x in r.of("bare") + r.of("money")
              if re.match(r"\s*(?:hrs?|hours?)\b", r.text[x.end : x.end + 8])
              or re.search(r"\bwork(?:ed|ing)?\s*$", r.text[max(0, x.start - 12) : x.start])]  # fmt: skip
    after = [x for x in r.of("bare") + r.of("money") + r.of("period")
             if re.search(r"\b(?:after|over|above|past|beyond)\s*$", r.text[max(0, x.start - 10) : x.start])]  # fmt: skip
    if len(after) == 1:
        worked = [x for x in worked if x is not after[0]]
    if len(worked) != 1:
        return None
    base = after[0] if len(after) == 1 else None
    worked[0].used = True
    if base is not None:
        base.used = True
    if not _done(r, rate, worked[0], base):
        return None
    limit = base.value if base else Decimal(40)
    hours = worked[0].value
    regular, extra = min(hours, limit), max(hours - limit, Decimal(0))
    total = regular * rate.value + extra * rate.value * factor
    assumed = "" if base else " (taking overtime after 40 hours)"
    return (
        f"{_money(r, total)} gross ({_plain(regular)} h × {_money(r, rate.value)} = "
        f"{_money(r, regular * rate.value)}, plus {_plain(extra)} h overtime × "
        f"{_money(r, rate.value * factor)} = {_money(r, extra * rate.value * factor)}){assumed}"
    )


_RATIO = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)(?:\s*:\s*(\d+(?:\.\d+)?))?(?![\d:])"
)


def ratio_split(t: str) -> str | None:
    """'splitting $2500 with my sister 2:3, she gets the bigger share' -> '$1,500.00 (...)'."""
    r = read(t)
    if r is None or not r.has(r"\bsplit|\bdivid|\bshar(?:e|ing)\b|\bratio\b"):
        return None
    m = _RATIO.search(r.text)
    if m is None:
        return None
    if re.fullmatch(r"\d{1,2}:\d{2}", m.group(0)) and not r.has(r"\bratio\b"):
        return None  # "at 10:30": a clock time
    if r.has(
        r"\bif\b|\bgives?\b|\bgave\b|\bpercent|\bhalf\b|\btwice\b|\bthen\b|\bleft\b"
        r"|\bmore than\b|\bless than\b|\bdifference\b|\bafter\b|\bspent|\blost|\bsold"
    ):
        return None  # a story that goes on after the split: the word-problem skill's
    if not r.has(
        r"\bhow much|\bhow many|\bshares?\b|\beach get|\bgets?\b|\bwhat does|^(?:split|divide|share)"
    ):
        return None
    parts = [Decimal(g) for g in m.groups() if g is not None]
    in_ratio = [x for x in r.toks if m.start() <= x.start and x.end <= m.end()]
    for x in in_ratio:
        x.used = True
    total = _principal(r)
    extra: list[Tok] = []
    named: int | None = None
    for x in r.toks:
        if x.used or x is total:
            continue
        before, after = r.text[: x.start], r.text[x.end :]
        # "between my 3 kids" with three parts: the count of the people sharing
        if x.value == len(parts) and re.search(
            r"\b(?:between|among|with|for)\s+(?:my|our|the|his|her)?\s*$", before
        ):
            extra.append(x)
        # "how much does the one with the 4 share get": the share of that part
        elif (
            x.value in parts
            and named is None
            and re.search(r"\b(?:the\s+one\s+with|gets?|getting|has|having)\s+(?:the\s+)?$", before)
            and re.match(r"\s*(?:share|part|parts|portion)?\b", after)
        ):
            named = parts.index(x.value)
            extra.append(x)
    if total is None or not _done(r, total, *in_ratio, *extra) or any(p <= 0 for p in parts):
        return None
    total.used = True
    whole = sum(parts, Decimal(0))
    shares = [total.value * p / whole for p in parts]
    how = ":".join(_plain(p) for p in parts)

    def show(d: Decimal) -> str:  # an amount of money, or a plain number as it was given
        if total is not None and total.kind == "money":
            return _money(r, d)
        exact = d.quantize(Decimal("0.0001")) == d
        return _plain(d) if exact else "≈" + _plain(d.quantize(Decimal("0.01")))

    listed = ", ".join(show(x) for x in shares)
    if named is not None:
        return (
            f"{show(shares[named])} (the {_plain(parts[named])} part of {show(total.value)} in the "
            f"ratio {how}: {listed})"
        )
    if r.has(r"\b(?:bigger|larger|biggest|largest|more)\b"):
        pick = max(shares)
    elif r.has(r"\b(?:smaller|smallest|less)\b"):
        pick = min(shares)
    else:
        return f"{listed} ({show(total.value)} in the ratio {how}: {_plain(whole)} parts)"
    return f"{show(pick)} ({show(total.value)} in the ratio {how}: {listed})"


def size_split(t: str) -> str | None:
    """'three of us split $2,340 rent by room size. mine is 150 sq ft, the others are 120 and
    90. how much is my share' -> '$975.00 (...)': shares in proportion to the sizes."""
    r = read(t)
    if r is None or not r.has(r"\bsplit|\bdivid|\bshar(?:e|ing)\b"):
        return None
    if not r.has(
        r"\bby\s+(?:(?:room|bedroom)\s+)?size|\bproportion|\bby\s+(?:square\s+)?(?:footage|sq\.?\s*ft)"
    ):
        return None
    if r.has(r"%|\bif\b|\bthen\b|\bafter\b|\bgives?\b"):
        return None
    money = r.of("money")
    if len(money) != 1:
        return None
    total = money[0]
    sizes = [x for x in r.of("bare") if x is not total]
    # "how much does the 150 sq ft room pay": the size asked about, said again
    ask = re.search(r"\bhow\s+much\b|\bwhat\b|\bwhats\b", r.text)
    named = None
    if (
        ask is not None
        and len(sizes) > 2
        and sizes[-1].start > ask.start()
        and any(x.value == sizes[-1].value for x in sizes[:-1])
    ):
        named = sizes.pop()
    if len(sizes) < 2 or any(x.value <= 0 for x in sizes):
        return None
    # "three of us": as many people as there are sizes
    people = r.of("count")
    if any(c.value != len(sizes) for c in people):
        return None
    if not _done(r, total, named, *sizes, *people):
        return None
    whole = sum((x.value for x in sizes), Decimal(0))
    shares = [total.value * x.value / whole for x in sizes]
    mine = [
        i for i, x in enumerate(sizes)
        if re.search(r"\b(?:mine|my\s+(?:room|bedroom|one|share))\s+(?:is|=|:)\s*(?:the\s+)?$",
                     r.text[max(0, x.start - 25) : x.start])
    ]  # fmt: skip
    listed = ", ".join(
        f"{_plain(x.value)}: {_money(r, v)}" for x, v in zip(sizes, shares, strict=True)
    )
    how = f"{_money(r, total.value)} × size ÷ {_plain(whole)}"
    if named is not None:
        mine = [next(i for i, x in enumerate(sizes) if x.value == named.value)]
    if len(mine) == 1 and (named is not None or r.has(r"\bmy\b|\bmine\b|\bi\s+pay\b")):
        return f"{_money(r, shares[mine[0]])} ({how}; {listed})"
    return f"{listed} ({how})"


def tip_told(t: str) -> str | None:
    """A tip told in a sentence: 'bill came to $86.40 and i want to tip 18 percent, whats the
    total w/ tip' -> '$15.55 (18% of $86.40 ...); $101.95 with the tip'."""
    r = read(t)
    if r is None or not r.has(r"\btip|\bgratuity"):
        return None
    if r.has(
        r"\bsplit|\beach\b|\bper person|\bways\b|\bpeople\b|\bof us\b|\btax|\bdiscount|\boff\b"
    ):
        return None
    rate = _one(r.of("rate"))
    bill = _principal(r)
    if rate is None or bill is None or not _done(r, rate, bill):
        return None
    if not r.has(r"\bhow much|\bwhat|\bwhats|\btotal|\bcalculate|\bwork out"):
        return None
    from .everyday import tip_answer

    return tip_answer(rate.value, bill.value, bill.unit or r.cur)


def tax_and_tip(t: str) -> str | None:
    """'lunch subtotal was $72, tax here is 8.875% and we always tip 18% on the pre-tax amount,
    whats the grand total' -> '$91.35 ($72.00 + $6.39 tax + $12.96 tip)'. The tip's base must be
    said (before or after the tax)."""
    r = read(t)
    if r is None or not r.has(r"\btip|\bgratuity") or not r.has(r"\btax"):
        return None
    if r.has(r"\bsplit|\beach\b|\bper person|\bways\b|\bof us\b|\bdiscount|\boff\b"):
        return None
    roles = _roles(r)
    if len(roles["tip"]) != 1 or len(roles["tax"]) != 1 or roles["other"] or roles["off"]:
        return None
    bill = _principal(r)
    tip, tax = roles["tip"][0], roles["tax"][0]
    if bill is None or not _done(r, bill, tip, tax):
        return None
    if not r.has(r"\btotal\b|\baltogether\b|\bin all\b|\bhow much|\bwhat do (?:i|we) pay"):
        return None
    pre = r.has(
        r"\bpre-?tax\b|\bbefore (?:the )?tax\b|\bsubtotal\b.{0,20}\btip|\btip\b.{0,30}\bsubtotal\b"
    )
    post = r.has(
        r"\bafter (?:the )?tax\b|\bon the total\b|\bincluding (?:the )?tax\b|\bwith (?:the )?tax\b"
    )
    if pre == post:
        return None  # the tip's base not said: not guessed
    b = bill.value
    tax_amt = (b * tax.value / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    base = b if pre else b + tax_amt
    tip_amt = (base * tip.value / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    total = b + tax_amt + tip_amt
    on = "before tax" if pre else "after tax"
    return (
        f"{_money(r, total)} ({_money(r, b)} + {_money(r, tax_amt)} tax ({_pct(tax.value)}%) + "
        f"{_money(r, tip_amt)} tip ({_pct(tip.value)}% of the bill {on}))"
    )


def answer(t: str) -> str | None:
    """The answer when t is one of these money questions, else None (with 40 significant
    digits for the powers of compound interest; the process's own Decimal context is left as
    it was)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return _first(t)


def _first(t: str) -> str | None:
    for fn in (
        tax_and_tip,
        ratio_split,
        size_split,
        overtime,
        pay,
        pay_period,
        doubling,
        loan,
        interest,
        savings_goal,
        saving_rate,
        split,
        markup,
        percent_change,
        price,
        tip_told,
    ):
        out = fn(t)
        if out is not None:
            return out
    return None
