"""Household arithmetic as people ask it: how many boxes or buses (rounded up), a download's
time, what an appliance's electricity costs, BMI, a dose by body weight, money at a given
exchange rate, a cost per use, a part of a budget or goal as a percent, an amount at a rate
per minute or hour.

As in the other readers every number of the question must have its role, else None and the
math skill goes on (and the word-problem skill or the general model answers)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .numwords import to_digits
from .rates import _f
from .timecalc import _hm, _numbers_outside

_N = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _norm(t: str) -> str:
    return " ".join(t.lower().split()).rstrip("?!. ")


def _dec(v: Fraction, places: int = 2) -> str:
    d = (Decimal(v.numerator) / Decimal(v.denominator)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    text = f"{d:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(v: Fraction) -> str:
    d = (Decimal(v.numerator) / Decimal(v.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return f"${d:,.2f}"


# ----- how many boxes, buses, packs: a division rounded up -----

_CONTAINER = (
    r"(box(?:es)?|bus(?:es)?|vans?|cars?|tables?|packs?|bags?|crates?|trips?|shelves|shelf|rows?"
    r"|cartons?|bins?|pages?|trays?|buckets?|cans?|rolls?|bottles?|jars?|taxis?|boats?|rooms?)"
)
_HOLDS = re.compile(
    rf"\b(?:each|one|a|every|per)\s+{_CONTAINER}\s+(?:holds?|fits?|seats?|takes?|carries|has room for"
    rf"|can\s+(?:hold|fit|seat|take|carry))\s+(?:up\s+to\s+)?{_N}\b"
    rf"|\b{_N}\s+(?:per|a|in\s+(?:each|a|one))\s+{_CONTAINER}\b"
    rf"|\b{_CONTAINER}\s+(?:holds?|fits?|seats?|takes?)\s+(?:up\s+to\s+)?{_N}\b"
)


def containers(t: str) -> str | None:
    """'87 students, each bus holds 30, how many buses' -> '3 buses (87 ÷ 30 = 2.9, rounded up)'."""
    text = to_digits(_norm(t))  # "212 students plus fourteen chaperones"
    ask = re.search(rf"\bhow\s+many\s+{_CONTAINER}\b", text)
    m = _HOLDS.search(text)
    if ask is None or m is None:
        return None
    g = m.groups()
    (word, cap, cap_at) = (
        (g[0], g[1], m.span(2))
        if g[1]
        else (g[3], g[2], m.span(3))
        if g[2]
        else (g[4], g[5], m.span(6))
    )
    if word.rstrip("es").rstrip("s")[:3] != ask.group(1).rstrip("es").rstrip("s")[:3]:
        return None
    nums = [x for x in re.finditer(_N, text) if x.span(1) != cap_at]
    people = (
        r"(?:students|kids|children|adults|chaperones|teachers|parents|people|guests|players|"
        r"friends|staff|employees|workers|passengers|campers|volunteers|coaches)"
    )
    if (
        len(nums) == 2
        and re.fullmatch(
            rf"\s+{people}\s+(?:plus|and|with|\+)\s+", text[nums[0].end() : nums[1].start()]
        )
        and re.match(rf"\s+{people}\b", text[nums[1].end() :])
    ):
        total = _f(nums[0].group(1)) + _f(nums[1].group(1))  # "212 students plus 14 chaperones"
    elif len(nums) == 1:
        total = _f(nums[0].group(1))
    else:
        return None
    size = _f(cap)
    if _numbers_outside(text, [x.span(1) for x in nums] + [cap_at]) or size <= 0:
        return None
    if total.denominator != 1:
        return None
    n = math.ceil(total / size)
    left = n * size - total
    unit = ask.group(1)
    note = f"; the last one has room for {_dec(left)} more" if left else ""
    whole = (
        " + ".join(x.group(1) for x in nums) + " = " + _dec(total)
        if len(nums) == 2
        else _dec(total)
    )
    return f"{n} {unit} ({whole} ÷ {_dec(size)} = {_dec(total / size, 4)}, rounded up{note})"


# ----- a download's time -----

_SIZE = re.compile(
    r"(?<![\d.])" + _N + r"\s*(kb|mb|gb|tb|kilobytes?|megabytes?|gigabytes?|terabytes?)\b"
)
_SPEED = re.compile(
    r"(?<![\d.])" + _N + r"\s*(kbps|mbps|gbps|kb/s|mb/s|gb/s|megabits?(?:\s+per\s+second)?|"
    r"megabytes?\s+(?:per|a)\s+second|gigabits?(?:\s+per\s+second)?)"
)
_BYTES = {"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def download(t: str) -> str | None:
    """'how long to download a 4.5 GB file at 50 Mbps' -> '12 minutes (4.5 GB = 36,000 megabits
    ÷ 50 Mbps = 720 s)'. Decimal units (1 GB = 1000 MB); 'Mbps' is bits, 'MB/s' bytes."""
    text = _norm(t)
    if not re.search(
        r"\bhow\s+long\b|\bhow\s+much\s+time\b|\bhow\s+many\s+(?:minutes|hours|seconds)\b", text
    ):
        return None
    if not re.search(r"\bdownload|\bupload|\btransfer|\bcopy", text):
        return None
    v = list(_SPEED.finditer(text))
    s = [x for x in _SIZE.finditer(text) if not any(y.start() <= x.start() < y.end() for y in v)]
    if len(s) != 1 or len(v) != 1 or _numbers_outside(text, [s[0].span(1), v[0].span(1)]):
        return None
    size_bytes = _f(s[0].group(1)) * _BYTES[s[0].group(2)[0]]
    unit = v[0].group(2)
    per_bit = not re.search(r"/s|bytes", unit) or "bit" in unit
    rate = _f(v[0].group(1)) * _BYTES[unit[0]] / (1 if per_bit else Fraction(1, 8))  # bits/s
    if rate <= 0:
        return None
    secs = size_bytes * 8 / rate
    return (
        f"{_hm(int(secs))} ({s[0].group(1)} {s[0].group(2).upper()} × 8 = "
        f"{_dec(size_bytes * 8 / 10**6)} megabits ÷ {_dec(rate / 10**6)} Mbps = {_dec(secs)} s; "
        "decimal units, at full speed)"
    )


# ----- an appliance's electricity -----

_WATTS = re.compile(r"(?<![\d.])" + _N + r"\s*(w|watts?|kw|kilowatts?)\b")
_KWH_PRICE = re.compile(
    r"(?:\$\s*" + _N + r"|" + _N + r"\s*(cents?|¢))\s*(?:per|a|/)\s*(?:kwh|kilowatt[- ]hours?)\b"
)
_HOURS = re.compile(r"(?<![\d.])" + _N + r"\s*(?:hours?|hrs?|h)\s*(?:a|per|each)\s+day\b")
_DAYS = re.compile(
    r"\b(?:a|per|each|for\s+a|in\s+a|for\s+the)\s+(day|week|month|year)\b|(?<![\d.])"
    + _N
    + r"\s+(days?)\b"
)


def electricity(t: str) -> str | None:
    """'a 1500 watt heater runs 6 hours a day, electricity is 15 cents per kWh, how much a month'
    -> '$40.50 a month (1.5 kW × 6 h × 30 days = 270 kWh × $0.15)'."""
    text = _norm(t)
    if not re.search(r"\bhow\s+much\b|\bwhat\s+(?:does|will|would)\b.*\bcost|\bcost\b", text):
        return None
    w, p = list(_WATTS.finditer(text)), list(_KWH_PRICE.finditer(text))
    hrs = list(_HOURS.finditer(text))
    if len(w) != 1 or len(p) != 1 or len(hrs) != 1:
        return None
    price = _f(p[0].group(1)) if p[0].group(1) else _f(p[0].group(2)) / 100
    kw = _f(w[0].group(1)) / (1 if w[0].group(2).startswith("k") else 1000)
    hours = _f(hrs[0].group(1))
    spans = [w[0].span(1), (p[0].span(1) if p[0].group(1) else p[0].span(2)), hrs[0].span(1)]
    rest = text[max(hrs[0].end(), p[0].end(), w[0].end()) :]
    period = re.search(
        r"\b(?:a|per|each|every|for\s+a|in\s+a|for\s+the|over\s+a)\s+(day|week|month|year)\b", rest
    )
    days_n = re.search(r"(?<![\d.])" + _N + r"\s+(days?|weeks?|months?)\b", text)
    if days_n is not None:
        spans.append(days_n.span(1))
    if _numbers_outside(text, spans):
        return None
    per_day = kw * hours
    if days_n is not None:
        unit = days_n.group(2).rstrip("s")
        n = _f(days_n.group(1)) * {"day": 1, "week": 7, "month": 30}[unit]
        label = f"for {days_n.group(1)} {days_n.group(2)}"
    elif period is not None:
        n = Fraction({"day": 1, "week": 7, "month": 30, "year": 365}[period.group(1)])
        label = f"a {period.group(1)}"
    else:
        n, label = Fraction(1), "a day"
    kwh = per_day * n
    days_note = (
        "" if n == 1 else f" × {_dec(n)} days" + (" (30-day month)" if label == "a month" else "")
    )
    return (
        f"{_money(kwh * price)} {label} ({_dec(kw, 3)} kW × {_dec(hours)} h{days_note} = "
        f"{_dec(kwh, 3)} kWh × {_money(price) if price >= 1 else f'${_dec(price, 4)}'} per kWh)"
    )


# ----- BMI -----

_LB = re.compile(r"(?<![\d.])" + _N + r"\s*(lbs?|pounds?|kg|kilos?|kilograms?)\b")
_FT_IN = re.compile(
    r"(?<![\d.])(\d)\s*(?:ft|feet|foot|'|’)\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:in|inches|\"|”)?)?(?![\d.])"
)
_CM = re.compile(r"(?<![\d.])" + _N + r"\s*(cm|centimet(?:er|re)s?|m|meters?|metres?)\b")


def bmi(t: str) -> str | None:
    """'whats my bmi if im 180 lbs and 5 ft 10' -> '25.8 (81.65 kg ÷ (1.778 m)²; 18.5-24.9 is the
    normal range)'."""
    text = _norm(t)
    if not re.search(r"\bbmi\b|\bbody\s+mass\s+index\b", text):
        return None
    w = list(_LB.finditer(text))
    if len(w) != 1:
        return None
    kg = _f(w[0].group(1)) * (
        Fraction("0.45359237") if w[0].group(2).startswith(("lb", "pound")) else 1
    )
    spans = [w[0].span(1)]
    fi = _FT_IN.search(text)
    cm = [c for c in _CM.finditer(text)]
    if fi is not None:
        inches = int(fi.group(1)) * 12 + (_f(fi.group(2)) if fi.group(2) else 0)
        metres = inches * Fraction("0.0254")
        spans += [fi.span(1)] + ([fi.span(2)] if fi.group(2) else [])
    elif len(cm) == 1:
        metres = _f(cm[0].group(1)) / (100 if cm[0].group(2).startswith(("c",)) else 1)
        spans.append(cm[0].span(1))
    else:
        return None
    if _numbers_outside(text, spans) or metres <= 0 or kg <= 0:
        return None
    value = kg / metres**2
    band = (
        "underweight" if value < Fraction("18.5") else
        "normal" if value < 25 else
        "overweight" if value < 30 else
        "obese"
    )  # fmt: skip
    return (
        f"{_dec(value, 1)} ({_dec(kg, 2)} kg ÷ ({_dec(metres, 3)} m)² = {_dec(value, 2)}; "
        f"{band} on the WHO adult scale: 18.5-24.9 is normal)"
    )


# ----- a dose by body weight -----

_PER_KG = re.compile(
    r"(?<![\d.])"
    + _N
    + r"\s*(mg|mcg|µg|g|ml|units?)\s*(?:per|/|a|for\s+each)\s*(kg|kilo(?:gram)?|lb|pound)\b"
)


def dose(t: str) -> str | None:
    """'dose is 10 mg per kg, my kid weighs 44 lbs, how many mg' -> '199.58 mg (44 lb = 19.958
    kg × 10 mg/kg)'. Arithmetic only: the prescriber's dose is the one to give."""
    text = _norm(t)
    m = _PER_KG.search(text)
    if m is None or not re.search(
        r"\bhow\s+(?:many|much)\b|\bwhat(?:'s|s|\s+is)\s+the\s+dose\b", text
    ):
        return None
    rest = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    w = list(_LB.finditer(rest))
    if len(w) != 1 or _numbers_outside(text, [m.span(1), w[0].span(1)]):
        return None
    body = _f(w[0].group(1))
    to_kg = Fraction("0.45359237") if w[0].group(2).startswith(("lb", "pound")) else Fraction(1)
    per = _f(m.group(1))
    if m.group(3).startswith(("lb", "pound")):
        total, how = (
            per * body * to_kg / Fraction("0.45359237"),
            f"{_dec(body * to_kg / Fraction('0.45359237'), 3)} lb",
        )
    else:
        total, how = per * body * to_kg, f"{_dec(body * to_kg, 3)} kg"
    conv = f"{w[0].group(1)} {w[0].group(2)} = " if w[0].group(2)[0] != m.group(3)[0] else ""
    return (
        f"{_dec(total, 2)} {m.group(2)} ({conv}{how} × {m.group(1)} {m.group(2)} per {m.group(3)}; "
        "check the dose with the prescriber or the label)"
    )


# ----- money at a given exchange rate -----

_CUR = (
    r"(usd|us\s+dollars?|dollars?|\$|euros?|eur|€|gbp|pounds?|£|jpy|yen|¥|cad|canadian\s+dollars?"
    r"|aud|pesos?|mxn|rupees?|inr|francs?|chf|yuan|cny|won|krw)(?![a-z])"
)
_RATE = re.compile(
    rf"\b(?:1|one|a)\s*{_CUR}\s*(?:is|=|equals|gets?(?:\s+you)?|buys|is\s+worth|to)\s*(?:about\s+)?{_N}\s*{_CUR}"
)
_CUR_NAME = {"usd": "usd", "dollar": "usd", "dollars": "usd", "$": "usd", "us dollar": "usd",
             "us dollars": "usd", "eur": "eur", "euro": "eur", "euros": "eur", "€": "eur",
             "gbp": "gbp", "pound": "gbp", "pounds": "gbp", "£": "gbp", "jpy": "jpy", "yen": "jpy",
             "¥": "jpy", "cad": "cad", "canadian dollar": "cad", "canadian dollars": "cad",
             "aud": "aud", "peso": "mxn", "pesos": "mxn", "mxn": "mxn", "rupee": "inr",
             "rupees": "inr", "inr": "inr", "franc": "chf", "francs": "chf", "chf": "chf",
             "yuan": "cny", "cny": "cny", "won": "krw", "krw": "krw"}  # fmt: skip


def exchange(t: str) -> str | None:
    """'if 1 usd is 0.92 euros how many euros is $250' -> '230 EUR (250 × 0.92)'."""
    text = _norm(t)
    m = _RATE.search(text)
    if m is None:
        return None
    a, rate, b = _CUR_NAME.get(m.group(1)), _f(m.group(2)), _CUR_NAME.get(m.group(3))
    if a is None or b is None or a == b or rate <= 0:
        return None
    rest = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    amt = list(re.finditer(rf"(?:(\$|€|£|¥)\s*{_N}|(?<![\d.]){_N}\s*{_CUR})", rest))
    if len(amt) != 1 or not re.search(
        r"\bhow\s+(?:many|much)\b|\bwhat(?:'s|s|\s+is)\b|\bconvert\b", text
    ):
        return None
    x = amt[0]
    cur = _CUR_NAME.get(x.group(1) or x.group(4) or "")
    value = _f(x.group(2) or x.group(3))
    span = x.span(2) if x.group(2) else x.span(3)
    if cur is None or _numbers_outside(text, [(m.start(), m.end(2)), span]):  # "1 usd is 0.92"
        return None
    if cur == a:
        out, how, to = value * rate, f"{_dec(value)} × {m.group(2)}", b
    elif cur == b:
        out, how, to = value / rate, f"{_dec(value)} ÷ {m.group(2)}", a
    else:
        return None
    return f"{_dec(out, 2)} {to.upper()} ({how}, at the rate given: 1 {a.upper()} = {m.group(2)} {b.upper()})"


# ----- a part as a percent: budget, goal -----


def _percent_of(part: Fraction, whole: Fraction, sign: str = "") -> str:
    """'30% ($1,380 of $4,600)'; '≈' when the percent is rounded."""
    pct = part * 100 / whole
    exact = (pct * 100).denominator == 1
    return f"{'' if exact else '≈'}{_dec(pct, 2)}% ({sign}{_dec(part)} of {sign}{_dec(whole)})"


_PART_OF = re.compile(
    r"(?:\$\s*)?"
    + _N
    + r"\s*(?:[a-z]+\s+)?(?:of|out\s+of)\s+(?:my|the|our|a|his|her|their)\s+(?:\$\s*)?"
    + _N
    + r"\s*(?:[a-z]+\s+)?(budget|goal|target|limit|allowance|paycheck|salary|income|plan)\b"
)
_GOAL = re.compile(
    r"\b(?:goal|target|budget|limit)\s+(?:is|was|of)\s+(?:\$\s*)?"
    + _N
    + r"\b[^.?!]*?\b(?:i(?:'ve)?|we(?:'ve)?)\s+"
    r"(?:have\s+)?(?:walked|saved|spent|done|made|raised|read|run|ran|did|used|hit|reached|got)\s+(?:\$\s*)?"
    + _N
)


_GOES_TO = re.compile(
    r"\bwhat\s+(?:percent|%|percentage|share|fraction)\s+of\s+(?:my|the|our|his|her|their)\s+"
    r"(?:\w+\s+)?(budget|pay|income|paycheck|salary|earnings|money)\s+(?:goes\s+(?:to|on)"
    r"|is\s+(?:spent\s+on|for|going\s+to)|(?:do|does)\s+(?:i|we|he|she|they)\s+spend\s+on|is)\s+"
    r"(?:the\s+|my\s+)?([a-z]+)"
)
_WHOLE_WORDS = r"(?:budget|pay|income|paycheck|salary|earnings|take-home|make|earn|bring\s+home)"


def _goes_to(text: str) -> str | None:
    """'My take-home pay is $4,600 a month and rent is $1,380. What percent of my budget goes to
    rent?' -> '30% ($1,380 of $4,600)'."""
    ask = _GOES_TO.search(text)
    if ask is None:
        return None
    thing = ask.group(2).rstrip("s")
    amounts = list(re.finditer(r"\$\s*" + _N, text))
    if len(amounts) != 2:
        return None
    part = whole = None
    for a in amounts:
        before = text[max(0, a.start() - 30) : a.start()]
        after = text[a.end() : a.end() + 25]
        if re.search(rf"\b{re.escape(thing)}s?\b[^$]*$", before) or re.match(
            rf"\s*(?:a\s+month\s+|a\s+week\s+)?(?:on|for)\s+(?:the\s+|my\s+)?{re.escape(thing)}",
            after,
        ):
            part = a
        elif re.search(rf"\b{_WHOLE_WORDS}\b[^$]*$", before):
            whole = a
    if part is None or whole is None or _numbers_outside(text, [part.span(1), whole.span(1)]):
        return None
    p, w = _f(part.group(1)), _f(whole.group(1))
    if w <= 0:
        return None
    return _percent_of(p, w, "$")


def part_percent(t: str) -> str | None:
    """'i spent $450 of my $1,800 budget, what percent is that' -> '25% ($450 of $1,800)';
    'my goal is 10,000 steps and i walked 7,350, what percent of my goal' -> '73.5%'."""
    text = _norm(t)
    if not re.search(
        r"\bwhat\s+(?:percent|%|percentage)\b|\bhow\s+many\s+percent\b|\bas\s+a\s+percent", text
    ):
        return None
    said = _goes_to(text)
    if said is not None:
        return said
    m = _PART_OF.search(text)
    if m is not None:
        part, whole, spans = _f(m.group(1)), _f(m.group(2)), [m.span(1), m.span(2)]
    else:
        g = _GOAL.search(text)
        if g is None:
            return None
        part, whole, spans = _f(g.group(2)), _f(g.group(1)), [g.span(1), g.span(2)]
    if whole <= 0 or _numbers_outside(text, spans):
        return None
    return _percent_of(part, whole)


# ----- a cost per use -----

_PER_USE = re.compile(
    r"\bcost\s+per\s+(use|wear|wash|ride|visit|class|session|game|month|day|meal|cup|load|person)\b"
    r"|\bper\s+(use|wear|wash|ride|visit|class|session|game)\b"
)


def per_use(t: str) -> str | None:
    """'shoes cost $120 and i wore them 80 times, whats the cost per wear' -> '$1.50 per wear'."""
    text = _norm(t)
    m = _PER_USE.search(text)
    if m is None:
        return None
    price = list(re.finditer(r"\$\s*" + _N, text))
    times = list(
        re.finditer(
            r"(?<![\d.$])"
            + _N
            + r"\s*(?:times|uses|wears|washes|rides|visits|classes|sessions|games)\b",
            text,
        )
    )
    if len(price) != 1 or len(times) != 1:
        return None
    if _numbers_outside(text, [price[0].span(1), times[0].span(1)]):
        return None
    n = _f(times[0].group(1))
    if n <= 0:
        return None
    what = m.group(1) or m.group(2)
    return f"{_money(_f(price[0].group(1)) / n)} per {what} ({_money(_f(price[0].group(1)))} ÷ {_dec(n)})"


# ----- an amount at a rate per minute or hour -----

_PER_TIME = re.compile(
    r"(?<![\d.])"
    + _N
    + r"\s*(calories|cals?|kcal|words|steps|gallons|liters|litres|pages|laps|miles|km|dollars)\s*"
    r"(?:a|per|an|each|every)\s+(minute|min|hour|hr)\b"
)


def _same_unit(word: str) -> str:
    w = word.lower()
    return "calories" if w.startswith(("cal", "kcal")) else w.rstrip("s")


def per_time(t: str) -> str | None:
    """'i burn about 10 calories a minute running, how many in 45 minutes' -> '450 calories'."""
    text = to_digits(_norm(t))  # "five hundred cals"
    m = _PER_TIME.search(text)
    if m is None or not re.search(r"\bhow\s+(?:many|much|long)\b", text):
        return None
    unit = "minute" if m.group(3).startswith("min") else "hour"
    rest = text[m.end() :]
    d = re.search(r"(?<![\d.])" + _N + r"\s*(minutes?|mins?|hours?|hrs?)\b", rest)
    if d is None:
        # "11 cal a min ... how many mins to burn 500 cals": the time for an amount
        ask = re.search(r"\bhow\s+(?:many\s+(minutes?|mins?|hours?|hrs?)|long)\b", rest)
        same = _same_unit(m.group(2))
        a = [
            x
            for x in re.finditer(r"(?<![\d.])" + _N + r"\s*([a-z]+)\b", rest)
            if _same_unit(x.group(2)) == same
        ]
        if ask is None or len(a) != 1:
            return None
        off = m.end()
        if _numbers_outside(text, [m.span(1), (off + a[0].start(1), off + a[0].end(1))]):
            return None
        rate = _f(m.group(1))
        if rate <= 0:
            return None
        need = _f(a[0].group(1)) / rate  # in the rate's unit of time
        want = "minute" if (ask.group(1) or unit).startswith("min") else "hour"
        if want != unit:
            need = need * 60 if want == "minute" else need / 60
        return (
            f"{'' if (need * 100).denominator == 1 else '≈'}{_dec(need, 2)} {want}s "
            f"({a[0].group(1)} {a[0].group(2)} ÷ {m.group(1)} a {unit})"
        )
    off = m.end()
    if _numbers_outside(text, [m.span(1), (off + d.start(1), off + d.end(1))]):
        return None
    dur = _f(d.group(1))
    d_unit = "minute" if d.group(2).startswith("min") else "hour"
    if d_unit != unit:
        dur = dur * 60 if d_unit == "hour" else dur / 60
    total = _f(m.group(1)) * dur
    return f"{_dec(total, 2)} {m.group(2)} ({m.group(1)} a {unit} × {_dec(dur, 4)} {unit}s)"


# ----- rent by floor area -----

_SQ = r"(?:square\s+(?:foot|feet|ft)|sq\.?\s*(?:ft|feet|foot)|sf|ft²|square\s+met(?:er|re)s?|sq\.?\s*m|m²)"
_PER_AREA = re.compile(
    r"\$\s*" + _N + rf"\s*(?:per|a|/)\s*{_SQ}\s*(?:per|a|/)\s*(year|yr|month|mo)\b"
)


def area_rent(t: str) -> str | None:
    """'Office space is listed at $28 per square foot per year. For 1,250 sq ft, what's the
    monthly rent?' -> '$2,916.67 a month ($28 × 1,250 sq ft = $35,000 a year ÷ 12)'."""
    text = _norm(t)
    m = _PER_AREA.search(text)
    if m is None:
        return None
    rest = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    a = list(re.finditer(r"(?<![\d.$])" + _N + rf"\s*{_SQ}", rest))
    if len(a) != 1 or _numbers_outside(text, [m.span(1), a[0].span(1)]):
        return None
    want = re.search(
        r"\b(monthly|yearly|annual(?:ly)?|a\s+month|per\s+month|a\s+year|per\s+year)\b", rest
    )
    if want is None or not re.search(r"\bwhat|\bhow\s+much\b", text):
        return None
    rate, area = _f(m.group(1)), _f(a[0].group(1))
    year = rate * area * (12 if m.group(2).startswith("mo") else 1)
    monthly = "month" in want.group(1) or want.group(1) == "monthly"
    if monthly:
        return f"{_money(year / 12)} a month ({_money(rate)} × {_dec(area)} sq ft = {_money(year)} a year ÷ 12)"
    return f"{_money(year)} a year ({_money(rate)} × {_dec(area)} sq ft" + (
        " × 12 months)" if m.group(2).startswith("mo") else ")"
    )


# ----- a time from a pace -----

_METRES = {"m": Fraction(1), "meter": Fraction(1), "metre": Fraction(1), "km": Fraction(1000),
           "kilometer": Fraction(1000), "kilometre": Fraction(1000), "k": Fraction(1000),
           "mi": Fraction("1609.344"), "mile": Fraction("1609.344"), "yd": Fraction("0.9144"),
           "yard": Fraction("0.9144")}  # fmt: skip
_DIST = r"(m|meters?|metres?|km|kilomet(?:er|re)s?|k|mi|miles?|yd|yards?)\b"
_PACE = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])\s*(?:min(?:utes)?\s*)?(?:per|/|a|every|for\s+(?:each|every))\s*"
    r"(?:(\d+(?:\.\d+)?)\s*)?" + _DIST
)


def pace_time(t: str) -> str | None:
    """'swim pace is 2:05 per 100m. how long for a 1500m swim' -> '31:15 (15 × 2:05)'."""
    text = _norm(t)
    m = _PACE.search(text)
    if m is None or not re.search(r"\bhow\s+long\b|\bwhat\s+time\b|\bhow\s+much\s+time\b", text):
        return None
    rest = text[m.end() :]
    d = list(re.finditer(r"(?<![\d.:])(\d+(?:\.\d+)?)\s*" + _DIST, rest))
    if len(d) != 1:
        return None
    off = m.end()
    spans = [m.span(1), m.span(2)] + ([m.span(3)] if m.group(3) else [])
    spans.append((off + d[0].start(1), off + d[0].end(1)))
    if _numbers_outside(text, spans):
        return None
    unit_p = m.group(4).rstrip("s") if m.group(4) not in ("m", "mi") else m.group(4)
    unit_d = d[0].group(2).rstrip("s") if d[0].group(2) not in ("m", "mi") else d[0].group(2)
    if unit_p not in _METRES or unit_d not in _METRES:
        return None
    per = (_f(m.group(3)) if m.group(3) else Fraction(1)) * _METRES[unit_p]
    dist = _f(d[0].group(1)) * _METRES[unit_d]
    pace = int(m.group(1)) * 60 + int(m.group(2))
    if per <= 0 or int(m.group(2)) > 59:
        return None
    secs = Fraction(pace) * dist / per
    whole = round(secs)
    h, rem = divmod(whole, 3600)
    mi, sec = divmod(rem, 60)
    shown = f"{h}:{mi:02d}:{sec:02d}" if h else f"{mi}:{sec:02d}"
    words = (f"{h} h " if h else "") + f"{mi} min {sec} s"
    approx = "" if secs.denominator == 1 else "≈"
    return f"{approx}{shown} ({words}: {_dec(dist / per, 4)} × {m.group(1)}:{m.group(2)})"


def answer(t: str) -> str | None:
    for fn in (
        containers,
        download,
        electricity,
        bmi,
        dose,
        exchange,
        part_percent,
        per_use,
        per_time,
        pace_time,
        area_rent,
    ):
        out = fn(t)
        if out is not None:
            return out
    return None
