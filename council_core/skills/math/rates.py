"""Rates and proportions asked in words, exact and with no model: speed, distance and time; fuel
economy, fuel for a trip and its cost; scaling a recipe; cooking time by weight; weighted grades,
the score needed on the next test, and a credit-weighted GPA.

As in money.py, every number of the question must have its role (a distance, a duration, a
speed, a fuel amount, a price, a count, a weight, a score); a story with more in it goes on to
the word-problem skill. Each function returns the answer in words, or None.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .timecalc import _hm, _numbers_outside, durations

_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_DIST_U = {
    "miles": "mi", "mile": "mi", "mi": "mi", "km": "km", "kms": "km", "kilometers": "km",
    "kilometres": "km", "kilometer": "km", "kilometre": "km", "meters": "m", "metres": "m",
    "meter": "m", "metre": "m", "m": "m",
}  # fmt: skip
_DIST = re.compile(
    _NUM
    + r"\s*(miles?|mi|kms?|kilomet(?:er|re)s?|met(?:er|re)s?|m)\b(?!\s*(?:/|per)\s*(?:h|hr|hour|s|sec|gal|l\b|lit))",
    re.IGNORECASE,
)
_SPEED = re.compile(
    _NUM + r"\s*(mph|miles?\s+(?:per|an|a)\s+hour|miles?/h(?:ou)?r|km/h|kmh|kph|km/hr|"
    r"kilomet(?:er|re)s?\s+(?:per|an|a)\s+hour|km\s+(?:per|an|a)\s+hour|m/s|met(?:er|re)s?\s+per\s+second)",
    re.IGNORECASE,
)


def _f(s: str) -> Fraction:
    return Fraction(s.replace(",", ""))


def _num_s(f: Fraction, places: int = 2) -> str:
    """An exact value as it reads: 62.5, 33.33 (rounded), 12."""
    if f.denominator == 1:
        return str(f.numerator)
    for p in range(1, places + 1):
        if (f * 10**p).denominator == 1:
            return f"{float(f):.{p}f}"
    return f"{float(f):.{places}f}"


def _unexplained(text: str, spans: list[tuple[int, int]]) -> bool:
    return _numbers_outside(text, spans)


_WORD_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
           "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a": 1, "half a": 0.5}  # fmt: skip


def _norm(t: str) -> str:
    """Lower case, one space; counts in words as digits ("serves four", "three dozen" -> 36)
    and mixed numbers as decimals when exact ("1 1/2 cups" -> "1.5 cups")."""
    text = " ".join(t.lower().split()).rstrip("?!. ")
    text = re.sub(
        r"\b(half a|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\s+dozen\b",
        lambda m: _num_s(Fraction(_WORD_N.get(m.group(1), m.group(1))) * 12), text,
    )  # fmt: skip
    text = re.sub(
        r"\b(?:serves|serving|feeds|feeding|for|makes|making)\s+"
        r"(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\b",
        lambda m: m.group(0).rsplit(" ", 1)[0] + " " + str(_WORD_N[m.group(1)]), text,
    )  # fmt: skip

    # "one and a half cups", "2 and a half cups": a decimal
    text = re.sub(
        r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+and\s+a\s+half\b"
        r"(?=\s+(?:cups?|tbsp|tablespoons?|tsp|teaspoons?|pounds?|lbs?|kg|g|grams?|ounces?|oz|liters?"
        r"|litres?|l|ml|sticks?|pints?|quarts?|gallons?)\b)",
        lambda m: _num_s(Fraction(_WORD_N.get(m.group(1), m.group(1))) + Fraction(1, 2)),
        text,
    )

    def mixed(m: re.Match[str]) -> str:
        if int(m.group(3)) == 0:
            return m.group(0)  # "1/0": the math parser's to report
        v = Fraction(int(m.group(1) or 0)) + Fraction(int(m.group(2)), int(m.group(3)))
        return _num_s(v, 4) if (v * 10**4).denominator == 1 else m.group(0)

    return re.sub(r"(?<![\d./])(?:(\d+)\s+)?(\d+)/(\d+)(?![\d./])", mixed, text)


# ----- speed, distance, time -----


def _speed_unit(u: str) -> str:
    u = u.lower()
    if u.startswith("mi") or u == "mph":
        return "mph"
    if u in ("m/s",) or u.startswith("met"):
        return "m/s"
    return "km/h"


def travel(t: str) -> str | None:
    """'drove 240 miles in 4 hours, average speed?' -> '60 mph'; 'how long to go 150 km at 60
    km/h' -> '2.5 hours'; 'how far in 2.5 hours at 65 mph' -> '162.5 miles'."""
    text = _norm(t)
    if re.search(
        r"\b(?:gallons?|liters?|litres?|mpg|fuel|gas|petrol|per\s+(?:km|mile|kilometer))\b|/\s*(?:km|mi)\b|\bpace\b",
        text,
    ):
        return None
    dists = list(_DIST.finditer(text))
    speeds = list(_SPEED.finditer(text))
    dists = [d for d in dists if not any(s.start() <= d.start() < s.end() for s in speeds)]
    durs = durations(text)
    durs = [d for d in durs if not any(s.start() <= d[1] < s.end() for s in speeds)]
    # a distance's "m" must not be a duration's minutes ("50 m" in "10 km in 50 m")
    dists = [d for d in dists if not any(a <= d.start() < b for _, a, b in durs)]
    spans = [(m.start(), m.end()) for m in dists + speeds] + [(a, b) for _, a, b in durs]
    if _unexplained(text, spans):
        return None
    if len(dists) == 1 and len(durs) == 1 and not speeds:
        if not re.search(
            r"\bspeed\b|\bhow fast\b|\bmph\b|\bkm/h\b|\bkph\b|\bper hour\b|\bvelocity\b|\bm/s\b|\bpace\b",
            text,
        ):
            return None
        d, u = _f(dists[0].group(1)), _DIST_U[dists[0].group(2).lower()]
        secs = durs[0][0]
        if secs <= 0:
            return None
        if u == "m" and not re.search(r"\bkm/h\b|\bkph\b", text):
            v = d / secs
            approx = "" if (v * 100).denominator == 1 else "≈"
            return (
                f"{approx}{_num_s(v)} m/s ({_num_s(d)} m ÷ {_num_s(secs)} s; "
                f"≈{_num_s(v * Fraction(18, 5))} km/h)"
            )
        if u == "m":
            d, u = d / 1000, "km"
        v = d / (secs / 3600)
        unit = "mph" if u == "mi" else "km/h"
        approx = "" if (v * 100).denominator == 1 else "≈"
        return f"{approx}{_num_s(v)} {unit} ({_num_s(d)} {u} in {_hm(round(secs))})"
    if len(dists) == 1 and len(speeds) == 1 and not durs:
        if not re.search(
            r"\bhow long\b|\bhow much time\b|\bhow many (?:hours|minutes)\b|\btime\b|\bwhen\b", text
        ):
            return None
        d, du = _f(dists[0].group(1)), _DIST_U[dists[0].group(2).lower()]
        v, su = _f(speeds[0].group(1)), _speed_unit(speeds[0].group(2))
        if {"mi": "mph", "km": "km/h", "m": "m/s"}[du] != su or v <= 0:
            return None
        if su == "m/s":
            return f"{_num_s(d / v)} seconds ({_num_s(d)} m ÷ {_num_s(v)} m/s)"
        hours = d / v
        whole = round(hours * 3600)
        word = "hour" if hours == 1 else "hours"
        approx = "" if (hours * 100).denominator == 1 else "≈"
        return f"{approx}{_num_s(hours)} {word} ({_hm(whole)}; {_num_s(d)} {du} ÷ {_num_s(v)} {su})"
    if len(speeds) == 1 and len(durs) == 1 and not dists:
        if not re.search(
            r"\bhow far\b|\bdistance\b|\bhow many (?:miles|km|kilomet\w+|meters|metres)\b", text
        ):
            return None
        v, su = _f(speeds[0].group(1)), _speed_unit(speeds[0].group(2))
        secs = durs[0][0]
        if su == "m/s":
            d = v * secs
            return f"{_num_s(d)} meters ({_num_s(v)} m/s × {_num_s(secs)} s)"
        d = v * secs / 3600
        unit = "miles" if su == "mph" else "km"
        return f"{_num_s(d)} {unit} ({_num_s(v)} {su} × {_hm(round(secs))})"
    return None


# ----- fuel -----

_GAL = re.compile(_NUM + r"\s*(?:gallons?|gal)\b", re.IGNORECASE)
_LIT = re.compile(_NUM + r"\s*(?:liters?|litres?|l)\b(?!\s*/\s*100|\s+per\s+100)", re.IGNORECASE)
_MPG = re.compile(
    _NUM + r"\s*(?:mpg|miles?\s+(?:per|a|to the)\s+gallon|miles?/gal(?:lon)?)", re.IGNORECASE
)
_L100 = re.compile(
    _NUM + r"\s*(?:l|liters?|litres?)\s*(?:/|per)\s*100\s*(?:km|kilomet\w+)", re.IGNORECASE
)
_PRICE = re.compile(
    r"[$€£]\s*" + _NUM + r"\s*(?:/|per|a|an|each)\s*(gallon|gal|liter|litre|l)\b"
    r"|"
    + _NUM
    + r"\s*(?:dollars?|euros?|pounds?|cents?)?\s*(?:/|per|a|an)\s*(gallon|gal|liter|litre|l)\b",
    re.IGNORECASE,
)


# "430 miles each way", "a round trip": the distance is driven twice
_EACH_WAY = re.compile(r"\beach\s+way\b|\bone\s+way\b")
_ROUND_TRIP = re.compile(
    r"\beach\s+way\b|\bround[- ]?trip\b|\bthere\s+and\s+back\b|\bboth\s+ways\b"
    r"|\bback\s+and\s+forth\b|\breturn\s+trip\b"
)


# "a round trip of 430 miles", "a 430 mile round trip": the distance is the whole trip
_TRIP_TOTAL = re.compile(
    r"\bround[- ]?trip\s+(?:of|is)\s+(?:about\s+)?\d|\d\s*(?:-\s*)?(?:miles?|mi|km)\s+round[- ]?trip\b"
)


def fuel(t: str) -> str | None:
    """Fuel economy, fuel for a distance, and what a trip's fuel costs."""
    text = _norm(t)
    if not re.search(
        r"\b(?:gallons?|gal|liters?|litres?|mpg|fuel|gas|petrol|diesel|l/100)\b|l/100|\bmiles per gallon\b",
        text,
    ):
        return None
    mpg, l100 = list(_MPG.finditer(text)), list(_L100.finditer(text))
    price = list(_PRICE.finditer(text))
    taken = [(m.start(), m.end()) for m in mpg + l100 + price]
    # the unit asked for ("in l per 100 km"): its 100 is no distance
    taken += [
        (u.start(), u.end())
        for u in re.finditer(
            r"\b(?:in|as)\s+(?:l|liters?|litres?)\s*(?:/|per)\s*100\s*(?:km|kilomet\w+)", text
        )
    ]
    gal = [m for m in _GAL.finditer(text) if not any(a <= m.start() < b for a, b in taken)]
    lit = [m for m in _LIT.finditer(text) if not any(a <= m.start() < b for a, b in taken)]
    dists = [m for m in _DIST.finditer(text) if not any(a <= m.start() < b for a, b in taken)]
    spans = taken + [(m.start(), m.end()) for m in gal + lit + dists]
    if _unexplained(text, spans) or len(dists) > 1 or len(price) > 1:
        return None
    d = _f(dists[0].group(1)) if dists else None
    du = _DIST_U[dists[0].group(2).lower()] if dists else None
    trip = ""
    if d is not None and _ROUND_TRIP.search(text) and not _TRIP_TOTAL.search(text):
        if not _EACH_WAY.search(text):
            return None  # "a round trip of 430 miles" or "430 miles away, round trip": unclear
        trip = f"; there and back: 2 × {_num_s(d)}"
        d = 2 * d
    p = _f(price[0].group(1) or price[0].group(3)) if price else None
    cur = "$"
    if price:
        sign = re.match(r"[$€£]", price[0].group(0))
        cur = sign.group(0) if sign else ("€" if "euro" in price[0].group(0) else "$")
        cents = "cent" in price[0].group(0) and not sign
        if cents:
            p = p / 100 if p is not None else None
    if (
        d is not None
        and gal
        and not lit
        and not mpg
        and not l100
        and du == "mi"
        and len(gal) == 1
        and not price
    ):
        g = _f(gal[0].group(1))
        if g <= 0:
            return None
        v = d / g
        return f"{_num_s(v)} mpg ({_num_s(d)} miles ÷ {_num_s(g)} gallons)"
    if (
        d is not None
        and lit
        and not gal
        and not mpg
        and not l100
        and du == "km"
        and len(lit) == 1
        and not price
    ):
        li = _f(lit[0].group(1))
        if li <= 0 or d <= 0:
            return None
        if re.search(r"\bkm\s*(?:/|per)\s*l(?:iter|itre)?\b|\bkilomet\w+ per lit\w+", text):
            return f"{_num_s(d / li)} km per liter ({_num_s(d)} km ÷ {_num_s(li)} L)"
        return f"{_num_s(li * 100 / d)} L/100 km ({_num_s(li)} L × 100 ÷ {_num_s(d)} km)"
    if d is not None and len(mpg) == 1 and du == "mi" and not gal and not lit and not l100:
        r = _f(mpg[0].group(1))
        if r <= 0:
            return None
        g = d / r
        if p is not None and price[0].group(2 if price[0].group(1) else 4).lower().startswith(
            "gal"
        ):
            cost = g * p
            return (
                f"{cur}{float(cost):,.2f} ({_num_s(d)} miles ÷ {_num_s(r)} mpg = {_num_s(g)} gallons "
                f"× {cur}{float(p):.2f}{trip})"
            )
        if p is not None:
            return None
        return f"{_num_s(g)} gallons ({_num_s(d)} miles ÷ {_num_s(r)} mpg{trip})"
    if d is not None and len(l100) == 1 and du == "km" and not gal and not lit and not mpg:
        r = _f(l100[0].group(1))
        li = d * r / 100
        if p is not None and price[0].group(2 if price[0].group(1) else 4).lower().startswith("l"):
            cost = li * p
            return (
                f"{cur}{float(cost):,.2f} ({_num_s(d)} km at {_num_s(r)} L/100 km = {_num_s(li)} L "
                f"× {cur}{float(p):.2f}{trip})"
            )
        if p is not None:
            return None
        return f"{_num_s(li)} liters ({_num_s(d)} km × {_num_s(r)} L / 100 km{trip})"
    return None


# ----- recipes and cooking -----

_QTY = re.compile(
    _NUM + r"\s*(g|grams?|kg|kilograms?|cups?|tbsp|tablespoons?|tsp|teaspoons?|ml|milliliters?|"
    r"millilitres?|l|liters?|litres?|oz|ounces?|lbs?|pounds?|eggs?|cloves?|pinch(?:es)?|sticks?)\b",
    re.IGNORECASE,
)


def recipe(t: str) -> str | None:
    """'recipe for 4 needs 300 g flour, how much for 6' -> '450 g (300 g × 6/4)'."""
    text = _norm(t)
    if not re.search(
        r"\brecipe\b|\bserves?\b|\bservings?\b|\bmakes?\b|\bbatch\b|\bportions?\b|\bfeeds?\b", text
    ):
        return None
    qty = list(_QTY.finditer(text))
    if len(qty) != 1:
        return None
    q = qty[0]
    # the recipe's count ("for 4", "serves 4", "makes 12") and the count asked for ("for 6"):
    # the first and the last "for/serves/makes N" of the question
    counts = [
        m
        for m in re.finditer(
            r"\b(?:for|serves?|serving|feeds?|feeding|makes?|making|yields?|to|need|want)\s+(\d+(?:\.\d+)?)\b"
            r"(?!\s*(?:%|g\b|grams|cups?|kg|ml|oz|tbsp|tsp|minutes?|hours?))",
            text,
        )
        if not (q.start() <= m.start(1) < q.end())
    ]
    if len(counts) != 2:
        return None
    base, target = counts
    spans = [(q.start(), q.end()), (base.start(1), base.end(1)), (target.start(1), target.end(1))]
    if _unexplained(text, spans) or target.start() < q.start():
        return None
    a, b, amount = _f(base.group(1)), _f(target.group(1)), _f(q.group(1))
    if a <= 0:
        return None
    out = amount * b / a
    unit = q.group(2)
    what = re.match(r"\s*(?:of\s+)?([a-z]+)", text[q.end() :])
    stop = ("for", "to", "and", "how", "serves", "makes", "feeds", "if", "in", "but", "what")
    item = f" of {what.group(1)}" if what and what.group(1) not in stop else ""
    approx = "" if (out * 10**4).denominator == 1 else "≈"
    return (
        f"{approx}{_num_s(out, 4)} {unit}{item} ({_num_s(amount)} {unit} × {_num_s(b)}/{_num_s(a)})"
    )


_GRAMS = {"g": 1, "gram": 1, "grams": 1, "kg": 1000, "kilo": 1000, "kilos": 1000,
          "kilogram": 1000, "kilograms": 1000, "lb": 453.59237, "lbs": 453.59237,
          "pound": 453.59237, "pounds": 453.59237}  # fmt: skip


def cooking_time(t: str) -> str | None:
    """'20 minutes per pound, how long for a 6 lb turkey' -> '2 hours (120 minutes)'; '20 min
    per 500 g plus an extra 20 min, for a 2.25 kg bird' -> '1 hour 50 minutes'."""
    text = _norm(t)
    m = re.search(
        _NUM + r"\s*(minutes?|mins?|hours?)\s*(?:per|a|for each|each|/|for every)\s*"
        r"(?:(\d+(?:\.\d+)?)\s*)?(pounds?|lbs?|g|grams?|kg|kilos?|kilograms?)\b",
        text,
    )
    if m is None:
        return None
    w = [
        x
        for x in re.finditer(
            _NUM + r"\s*(?:-\s*)?(pounds?|lbs?|kg|kilos?|kilograms?|g|grams?)\b", text
        )
        if not (m.start() <= x.start() < m.end())
    ]
    extra = list(
        re.finditer(
            r"\b(?:plus|and|then|with)\s+(?:an?\s+)?(?:extra|additional|another|more)?\s*"
            + _NUM
            + r"\s*(minutes?|mins?)\b",
            text,
        )
    )
    if len(w) != 1 or len(extra) > 1:
        return None
    spans = [(m.start(), m.end()), (w[0].start(), w[0].end())] + [
        (e.start(), e.end()) for e in extra
    ]
    if _unexplained(text, spans):
        return None
    unit_w, wu = m.group(4).lower(), w[0].group(2).lower()
    per_amount = _f(m.group(3)) if m.group(3) else Fraction(1)
    if per_amount <= 0:
        return None
    per = _f(m.group(1)) * (60 if m.group(2).lower().startswith("h") else 1)
    grams = (
        _f(w[0].group(1)) * Fraction(str(_GRAMS[wu])) / (per_amount * Fraction(str(_GRAMS[unit_w])))
    )
    mins = per * grams
    add = _f(extra[0].group(1)) if extra else Fraction(0)
    total = mins + add
    how = (
        f"{_num_s(_f(w[0].group(1)))} {wu} at {_num_s(_f(m.group(1)))} {m.group(2)} per "
        f"{_num_s(per_amount) + ' ' if m.group(3) else ''}{unit_w} = {_num_s(mins)} minutes"
    )
    if extra:
        how += f", plus {_num_s(add)}"
    return f"{_hm(round(total * 60))} ({_num_s(total)} minutes: {how})"


# ----- grades -----

_LETTER = {
    "a+": 4.0, "a": 4.0, "a-": 3.7, "b+": 3.3, "b": 3.0, "b-": 2.7, "c+": 2.3, "c": 2.0,
    "c-": 1.7, "d+": 1.3, "d": 1.0, "d-": 0.7, "f": 0.0,
}  # fmt: skip


def weighted_grade(t: str) -> str | None:
    """'exam is 40% and I got 80, homework 60% and I got 90, final grade?' -> '86'."""
    text = _norm(t)
    if not re.search(
        r"\bgrade\b|\bscore\b|\baverage\b|\boverall\b|\bweighted\b|\bmark\b|\bfinal\b|\bgpa\b", text
    ):
        return None
    pairs: list[tuple[Fraction, Fraction, tuple[int, int], tuple[int, int]]] = []
    # "midterm 30% (got 65)"; "<thing> (worth|is|counts) W% ... (got|scored) S"; "got S on
    # <thing> (worth) W%": each (weight, score) pair once, the most specific reading first
    readings = [
        (
            _NUM
            + r"\s*%\s*\(\s*(?:avg|average|got|get|scored|score|grade|mark|=|:)?\s*(?:of\s+)?"
            + _NUM
            + r"\s*%?\s*\)",
            False,
        ),
        (
            _NUM + r"\s*%(?:\s+of\s+(?:the|my)\s+(?:grade|mark|total))?[^\d%]{0,30}?"
            r"\b(?:got|get|scored|score|have|had|made|with|:|=|-)\s*(?:a|an)?\s*"
            + _NUM
            + r"(?!\s*%)",
            False,
        ),
        (
            r"(?:\b(?:got|get|scored|have|had|made)\s+(?:a|an)?\s*|(?:\band\b|,)\s*)"
            + _NUM
            + r"(?:\s*%)?\s+(?:on|in|for)\s+"
            r"(?:the\s+|my\s+)?[a-z]+(?:\s+[a-z]+)?\s*(?:\(|,)?\s*(?:which\s+is\s+|that'?s\s+|worth\s+|"
            r"weighted\s+|counts?\s+(?:for\s+)?)?" + _NUM + r"\s*%",
            True,
        ),
    ]
    taken: list[tuple[int, int]] = []
    for pattern, score_first in readings:
        for m in re.finditer(pattern, text):
            w, sc = (2, 1) if score_first else (1, 2)
            spans = [(m.start(w), m.end(w)), (m.start(sc), m.end(sc))]
            if any(a <= x < b or a < y <= b for x, y in spans for a, b in taken):
                continue
            taken += spans
            pairs.append((_f(m.group(w)), _f(m.group(sc)), spans[0], spans[1]))
    pairs.sort(key=lambda p: p[2])
    if len(pairs) < 2:
        return None
    if _unexplained(text, [p[2] for p in pairs] + [p[3] for p in pairs]):
        return None
    total_w = sum((p[0] for p in pairs), Fraction(0))
    if total_w <= 0:
        return None
    g = sum((p[0] * p[1] for p in pairs), Fraction(0)) / total_w
    terms = " + ".join(f"{_num_s(p[0] / 100)} × {_num_s(p[1])}" for p in pairs)
    note = (
        "" if total_w == 100 else f"; the weights add up to {_num_s(total_w)}%, so divided by that"
    )
    approx = "" if (g * 100).denominator == 1 else "≈"
    return f"{approx}{_num_s(g)} ({terms}{note})"


def needed_score(t: str) -> str | None:
    """'I got 78, 85 and 90, what do I need on the next test to average 85' -> '87'."""
    text = _norm(t)
    m = re.search(
        r"\b(?:average|avg|mean)\s+(?:of\s+)?(?:exactly\s+|at\s+least\s+)?(?:an?\s+)?"
        + _NUM
        + r"\b",
        text,
    ) or re.search(r"(?<![\d.])" + _NUM + r"\s+(?:average|avg|mean)\b", text)  # "an 85 average"
    if m is None or not re.search(
        r"\bneed\b|\bhave to\b|\bmust\b|\brequired\b|\bwhat score\b|\bwhat do i\b", text
    ):
        return None
    ordinal = (
        r"(?:next|last|final|second|third|fourth|fifth|sixth|seventh|eighth|\d+(?:st|nd|rd|th))"
    )
    if not re.search(
        rf"\b{ordinal}\s+(?:test|exam|quiz|game|round|assignment|one)\b"
        rf"|\b(?:on|in|for)\s+(?:the|my)\s+{ordinal}\b"
        r"|\b(?:test|exam|quiz|game|round|assignment)\s+(?:#|no\.?\s*)?\d+\b",
        text,
    ):
        return None
    # "on test 4": the number of the next test, not a score
    which = re.search(r"\b(?:test|exam|quiz|game|round|assignment)\s+(?:#|no\.?\s*)?(\d+)\b", text)
    target = _f(m.group(1))
    nums = [
        x
        for x in re.finditer(r"\d+(?:\.\d+)?(?!st|nd|rd|th)", text)
        if not (m.start(1) <= x.start() < m.end(1))
    ]
    nums = [x for x in nums if not re.match(r"\d+(?:st|nd|rd|th)", text[x.start() :])]
    if which is not None:
        nums = [x for x in nums if x.start() != which.start(1)]
        if int(which.group(1)) != len(nums) + 1:
            return None
    if len(nums) < 2 or "%" in text:
        return None
    scores = [_f(x.group(0)) for x in nums]
    said = re.search(
        r"\b(?:first|past|last)\s+(two|three|four|five|six|seven|eight|nine|ten)\b", text
    )
    words = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    if said and words.index(said.group(1)) + 2 != len(scores):
        return None  # "my first three tests" with two scores: not what was said
    if (
        re.search(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half)\b", text)
        and not said
    ):
        return None
    n = len(scores) + 1
    need = target * n - sum(scores)
    shown = " + ".join(_num_s(s) for s in scores)
    note = "" if need <= 100 else " (more than 100: out of reach on a 100-point test)"
    return f"{_num_s(need)} on the next one{note} ({_num_s(target)} × {n} − ({shown}) = {_num_s(need)})"


def gpa(t: str) -> str | None:
    """'3 credits A, 4 credits B+, 2 credits C: GPA?' -> '3.16 (...)'."""
    text = _norm(t)
    if not re.search(r"\bgpa\b|\bgrade point\b", text):
        return None
    grade = r"([a-d][+-]?|f|[0-4](?:\.\d+)?)"
    pairs = []
    for m in re.finditer(
        r"\b(\d+(?:\.\d+)?)[- ]?(?:credits?|credit hours?|units?|hours?|cr)\s*(?:course|class)?\s*(?:with|of|at|:|,|=|-|got|earned)?\s*(?:an?\s+)?"
        + grade
        + r"(?![\w+-])(?:\s*\(\s*([0-4](?:\.\d+)?)\s*\))?",
        text,
    ):
        pairs.append((m.group(1), m.group(3) or m.group(2), m))  # "A (4.0)": the points given
    if len(pairs) < 2:
        pairs = []
        for m in re.finditer(
            r"(?<![\w.])"
            + grade
            + r"\s+(?:in|for|on)\s+(?:an?\s+)?(\d+(?:\.\d+)?)[- ]?(?:credits?|credit hours?|units?|hours?|cr)\b",
            text,
        ):
            pairs.append((m.group(2), m.group(1), m))
    if len(pairs) < 2:
        return None
    spans = [(p[2].start(), p[2].end()) for p in pairs]
    if _unexplained(text, spans):
        return None
    total = Fraction(0)
    credits = Fraction(0)
    shown = []
    for c, g, _ in pairs:
        pts = Fraction(str(_LETTER[g])) if g in _LETTER else _f(g)
        if pts > 4:
            return None
        credits += _f(c)
        total += _f(c) * pts
        shown.append(f"{c} × {_num_s(pts)}")
    if credits <= 0:
        return None
    v = total / credits
    return f"{float(v):.2f} ({' + '.join(shown)} = {_num_s(total)} points ÷ {_num_s(credits)} credits; A = 4, B = 3, ±0.3)"


# ----- proportions -----


def _stem(word: str) -> str:
    w = word.lower()
    for suffix in ("ies", "es", "s"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def proportion(t: str) -> str | None:
    """'500 g flour to 350 g water, i have 800 g flour, how much water' -> '560 g of water';
    '3 notebooks cost $4.50, how much for 7 notebooks' -> '$10.50'."""
    text = _norm(t)
    qty = list(_QTY.finditer(text))
    if len(qty) == 3:  # a : b as c : ?
        a, b, c = qty
        item = [re.match(r"\s*(?:of\s+)?([a-z]+)", text[q.end() :]) for q in qty]
        names = [m.group(1) if m else "" for m in item]
        if not (
            re.search(r"\bto\b|:|\bfor every\b|\bper\b", text[a.end() : b.start()])
            and a.group(2).lower() == c.group(2).lower()
            and names[0]
            and names[0] == names[2]
            and names[1]
            and re.search(rf"\bhow (?:much|many)\b[^\d]*\b{re.escape(names[1])}\b", text[c.end() :])
        ):
            return None
        if _unexplained(text, [(q.start(), q.end()) for q in qty]):
            return None
        x, y, z = _f(a.group(1)), _f(b.group(1)), _f(c.group(1))
        if x <= 0:
            return None
        out = y * z / x
        u = b.group(2)
        return (
            f"{_num_s(out)} {u} of {names[1]} ({_num_s(y)} {u} × {_num_s(z)}/{_num_s(x)}: "
            f"{_num_s(x)} {a.group(2)} of {names[0]} to {_num_s(y)} {u} of {names[1]})"
        )
    m = re.search(
        r"\b(\d+(?:\.\d+)?)\s+([a-z]+(?:\s+[a-z]+)?)\s+(?:cost|costs|are|is|was|were|for|sell\s+for|go\s+for)\s+"
        r"([$€£])\s*" + _NUM + r"\b",
        text,
    )
    if m is None:
        return None
    n = re.search(
        r"\bhow much (?:for|do|does|would|will|is|are|to buy|to get)\s+(?:it\s+cost\s+(?:for|to buy)\s+)?"
        r"(\d+(?:\.\d+)?)\s+([a-z]+(?:\s+[a-z]+)?)",
        text[m.end() :],
    )
    if n is None or _stem(m.group(2).split()[-1]) not in {_stem(w) for w in n.group(2).split()}:
        return None  # the same thing counted: "3 notebooks ... 7 notebooks"
    start = m.end()
    spans = [(m.start(1), m.end(1)), (m.start(4), m.end(4)), (start + n.start(1), start + n.end(1))]
    if _unexplained(text, spans):
        return None
    count, cost, want = _f(m.group(1)), _f(m.group(4)), _f(n.group(1))
    if count <= 0:
        return None
    total = cost * want / count
    cur = m.group(3)
    return (
        f"{cur}{float(total):,.2f} ({cur}{float(cost):.2f} for {_num_s(count)} is "
        f"{cur}{_num_s(cost / count, 4) if (cost / count * 100).denominator > 1 else f'{float(cost / count):.2f}'}"
        f" each; × {_num_s(want)})"
    )


_PER_SERVING = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(g|grams?|oz|ounces?|cups?|slices?|pieces?|tbsp|ml|servings?)\b"
    r"[^.\d]{0,30}?(?<![\d.])(\d+(?:\.\d+)?)\s*(calories|cals?|kcal|g\s+(?:of\s+)?(?:protein|fat|sugar|carbs?|fiber))\b"
)


def nutrition(t: str) -> str | None:
    """'one serving of this cereal is 40 g and 150 calories. i poured 65 g, how many calories is
    that' -> '243.75 calories (150 × 65/40)'."""
    text = _norm(t)
    m = _PER_SERVING.search(text)
    if m is None:
        return None
    unit = m.group(2).rstrip("s")
    what = m.group(4)
    ask = re.search(
        r"\bhow\s+(?:many|much)\s+(calories|cals?|kcal|protein|fat|sugar|carbs?|fiber)\b", text
    )
    if ask is None or ask.group(1).rstrip("s") not in what:
        return None
    other = [
        x
        for x in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([a-z]+)\b", text)
        if x.start() >= m.end() and x.group(2).rstrip("s") == unit
    ]
    if len(other) != 1:
        return None
    o = other[0]
    spans = [(m.start(1), m.end(1)), (m.start(3), m.end(3)), (o.start(1), o.end(1))]
    spans += [
        (x.start(), x.end()) for x in re.finditer(r"\bone\s+(?:serving|portion|bowl)\b", text)
    ]
    if _unexplained(text, spans):
        return None
    a, c, b = _f(m.group(1)), _f(m.group(3)), _f(o.group(1))
    if a <= 0:
        return None
    return f"{_num_s(c * b / a)} {what} ({_num_s(c)} × {_num_s(b)}/{_num_s(a)}: {_num_s(c)} {what} per {_num_s(a)} {m.group(2)})"


# ----- work done together, pages an hour -----

_JOB_TIME = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|days?)\b")
_TOGETHER = re.compile(
    r"\b(?:together|both|at the same time|at once|combined|simultaneously|team up|with (?:his|her|my|their) help)\b"
)


_PARTS = re.compile(
    r"(\d+(?:\.\d+)?)\s+parts?\s+(?:of\s+)?([a-z]+)\s*(?:to|and|for\s+every|:|,)\s*"
    r"(\d+(?:\.\d+)?)\s+parts?\s+(?:of\s+)?([a-z]+)"
)
_TOTAL = re.compile(
    r"(\d+(?:\.\d+)?)\s*(liters?|litres?|l|ml|cups?|gallons?|quarts?|oz|ounces?|g|grams?|kg)\b"
)


def parts(t: str) -> str | None:
    """'1 part concentrate to 5 parts water, i want 3 liters total, how much concentrate' ->
    '0.5 liters of concentrate (3 liters × 1/6)'."""
    text = _norm(t)
    m = _PARTS.search(text)
    if m is None or not re.search(
        r"\btotal\b|\bin\s+all\b|\baltogether\b|\bwant\b|\bmake\b|\bneed\b", text
    ):
        return None
    totals = [x for x in _TOTAL.finditer(text) if not (m.start() <= x.start() < m.end())]
    ask = re.search(r"\bhow\s+much\s+(?:of\s+(?:the\s+)?)?([a-z]+)", text)
    if len(totals) != 1 or ask is None:
        return None
    tot = totals[0]
    spans = [(m.start(1), m.end(1)), (m.start(3), m.end(3)), (tot.start(), tot.end())]
    if _unexplained(text, spans):
        return None
    a, b, total = _f(m.group(1)), _f(m.group(3)), _f(tot.group(1))
    names = [_stem(m.group(2)), _stem(m.group(4))]
    want = _stem(ask.group(1))
    if want not in names or a + b <= 0:
        return None
    share = a if want == names[0] else b
    out = total * share / (a + b)
    thing = m.group(2) if want == names[0] else m.group(4)
    approx = "" if (out * 10000).denominator == 1 else "≈"
    return (
        f"{approx}{_num_s(out, 3)} {tot.group(2)} of {thing} ({_num_s(total)} {tot.group(2)} × "
        f"{_num_s(share)}/{_num_s(a + b)}: {_num_s(a)} part{'s' if a != 1 else ''} to {_num_s(b)})"
    )


def _clock_words(n: Fraction, unit: str) -> str:
    """' (2 hours 24 minutes)' for 2.4 hours; '' for whole hours or other units."""
    if unit.rstrip("s") not in ("hour", "minute") or n.denominator == 1:
        return ""
    secs = n * (3600 if unit.startswith("hour") else 60)
    return f" ({'' if secs.denominator == 1 else '≈'}{_hm(round(secs))})"


def together(t: str) -> str | None:
    """'I paint the fence in 4 hours, my brother in 6; together how long' -> '2.4 hours (2 hours
    24 minutes)': the rates add up (1/4 + 1/6 of the job an hour)."""
    text = _norm(t)
    if not _TOGETHER.search(text) or not re.search(
        r"\bhow\s+long\b|\bhow\s+many\s+(?:hours|minutes|days)\b|\bhow\s+much\s+time\b", text
    ):
        return None
    if re.search(
        r"\bempt|\bdrain|\bleak|\bout\s+of\b|\bafter\b|\bleaves?\b|\bjoins?\b|\bstarts?\b", text
    ):
        return None  # one works against the other, or they do not start together: not this
    found = list(_JOB_TIME.finditer(text))
    # "my brother needs 4": a time with the unit of the others
    bare = [
        m for m in re.finditer(r"\b(?:needs|takes|in|does it in|only)\s+(\d+(?:\.\d+)?)\b(?!\s*[a-z%$])", text)
        if not any(f.start() <= m.start(1) < f.end() for f in found)
    ]  # fmt: skip
    spans = [(m.start(), m.end()) for m in found] + [(m.start(1), m.end(1)) for m in bare]
    if len(found) + len(bare) < 2 or not found or _unexplained(text, spans):
        return None
    units = {m.group(2)[0] for m in found}  # h, m, d
    if len(units) != 1:
        return None
    times = [_f(m.group(1)) for m in found] + [_f(m.group(1)) for m in bare]
    if any(x <= 0 for x in times):
        return None
    each = sum((1 / x for x in times), Fraction(0))
    both = 1 / each
    unit = {"h": "hours", "m": "minutes", "d": "days"}[units.pop()]
    shown = " + ".join(f"1/{_num_s(x)}" for x in times)
    exact = (both * 100).denominator == 1
    value = _num_s(both) if exact else f"≈{_num_s(both)}"
    extra = _clock_words(both, unit)
    return (
        f"{value} {unit}{extra} together (the job at {shown} = {each.numerator}/{each.denominator}"
        f" of it per {unit[:-1]})"
    )


_PER_TIME = re.compile(
    r"(\d+(?:\.\d+)?)\s+([a-z]+)\s+(?:an?|per|each|every)\s+(hour|minute|day|week|month)\b"
)
_HOW_LONG = re.compile(r"\bhow\s+long\b|\bhow\s+many\s+(hours|minutes|days|weeks|months)\b")


def how_long_at(t: str) -> str | None:
    """'i read 45 pages an hour, the book is 360 pages, how many hours' -> '8 hours'."""
    text = _norm(t)
    ask = _HOW_LONG.search(text)
    rates = list(_PER_TIME.finditer(text))
    if ask is None or len(rates) != 1:
        return None
    r = rates[0]
    what = _stem(r.group(2))
    if what in ("mile", "km", "kilometer", "kilometre", "meter", "metre", "mph", "dollar", "buck"):
        return None  # speeds and money have their own readers
    amounts = [
        m for m in re.finditer(r"(\d+(?:\.\d+)?)\s+(?:more\s+)?([a-z]+)", text)
        if m.start() != r.start() and _stem(m.group(2)) == what
    ]  # fmt: skip
    if len(amounts) != 1:
        return None
    a = amounts[0]
    if _unexplained(text, [(r.start(), r.end()), (a.start(), a.end())]):
        return None
    rate, amount = _f(r.group(1)), _f(a.group(1))
    if rate <= 0:
        return None
    unit = r.group(3)
    if ask.group(1) and ask.group(1).rstrip("s") != unit:
        return None
    n = amount / rate
    approx = "" if (n * 100).denominator == 1 else "≈"
    plural = "" if n == 1 else "s"
    extra = _clock_words(n, unit)
    return (
        f"{approx}{_num_s(n)} {unit}{plural}{extra} ({_num_s(amount)} {r.group(2)} ÷ "
        f"{_num_s(rate)} {'an' if unit == 'hour' else 'a'} {unit})"
    )


def answer(t: str) -> str | None:
    if _ROUND_TRIP.search(_norm(t)) and not _TRIP_TOTAL.search(_norm(t)) and fuel(t) is None:
        return None  # "drive 200 miles each way at 50 mph": not read as one way
    for fn in (
        together,
        how_long_at,
        parts,
        fuel,
        travel,
        cooking_time,
        recipe,
        nutrition,
        gpa,
        needed_score,
        weighted_grade,
        proportion,
    ):
        out = fn(t)
        if out is not None:
            return out
    return None
