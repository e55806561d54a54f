"""Unit conversions people type, exact: "convert 5 miles to km", "100 f to c", "how many grams in
a pound", "what is 3 cups in ml". Every factor is the unit's definition (1 inch = 2.54 cm, 1 lb =
0.45359237 kg, 1 US gallon = 231 in³), kept as a fraction, so the result is exact and shown as a
decimal (rounded only where it does not end, with the exact value beside it).

From a new user's batch (2026-12-02): "convert 5 miles to km" took the word-problem skill 47 s
(a program from the model), "convert 100 fahrenheit to celsius" 25 s. Volumes are US customary
(said in the answer); data sizes are decimal (kB = 1000 B) with the binary ones (KiB) by name.
A unit it does not know, or two of different kinds, is not its question (None).
"""

from __future__ import annotations

import re
from fractions import Fraction

from .numwords import to_digits

F = Fraction

# unit -> (kind, factor to the kind's base unit), then the names people type for it
_UNITS: dict[str, tuple[str, Fraction, tuple[str, ...]]] = {
    # length (metre)
    "mm": ("length", F(1, 1000), ("millimeter", "millimeters", "millimetre", "millimetres")),
    "cm": ("length", F(1, 100), ("centimeter", "centimeters", "centimetre", "centimetres")),
    "m": ("length", F(1), ("meter", "meters", "metre", "metres")),
    "km": ("length", F(1000), ("kilometer", "kilometers", "kilometre", "kilometres", "kms")),
    "in": ("length", F("0.0254"), ("inch", "inches")),
    "ft": ("length", F("0.3048"), ("foot", "feet")),
    "yd": ("length", F("0.9144"), ("yard", "yards", "yds")),
    "mi": ("length", F("1609.344"), ("mile", "miles")),
    "nmi": ("length", F(1852), ("nautical mile", "nautical miles")),
    # mass (kilogram)
    "mg": ("mass", F(1, 10**6), ("milligram", "milligrams")),
    "g": ("mass", F(1, 1000), ("gram", "grams", "gr")),
    "kg": ("mass", F(1), ("kilogram", "kilograms", "kilo", "kilos", "kgs")),
    "t": ("mass", F(1000), ("tonne", "tonnes", "metric ton", "metric tons")),
    "oz": ("mass", F("0.028349523125"), ("ounce", "ounces")),
    "lb": ("mass", F("0.45359237"), ("pound", "pounds", "lbs")),
    "st": ("mass", F("6.35029318"), ("stone", "stones")),
    # volume (litre), US customary
    "ml": ("volume", F(1, 1000), ("milliliter", "milliliters", "millilitre", "millilitres", "mls")),
    "l": ("volume", F(1), ("liter", "liters", "litre", "litres")),
    "gal": ("volume", F("3.785411784"), ("gallon", "gallons", "us gallon", "us gallons")),
    "qt": ("volume", F("0.946352946"), ("quart", "quarts")),
    "pt": ("volume", F("0.473176473"), ("pint", "pints")),
    "cup": ("volume", F("0.2365882365"), ("cups",)),
    "fl oz": ("volume", F("0.0295735295625"), ("fluid ounce", "fluid ounces", "floz")),
    "tbsp": ("volume", F("0.01478676478125"), ("tablespoon", "tablespoons")),
    "tsp": ("volume", F("0.00492892159375"), ("teaspoon", "teaspoons")),
    # speed (metre per second)
    "m/s": ("speed", F(1), ("meters per second", "metres per second")),
    "km/h": ("speed", F(5, 18), ("kph", "kmh", "kmph", "kilometers per hour", "kilometres per hour")),
    "mph": ("speed", F("0.44704"), ("miles per hour",)),
    "kn": ("speed", F(1852, 3600), ("knot", "knots")),
    # time (second)
    "s": ("time", F(1), ("sec", "secs", "second", "seconds")),
    "min": ("time", F(60), ("mins", "minute", "minutes")),
    "h": ("time", F(3600), ("hr", "hrs", "hour", "hours")),
    "day": ("time", F(86400), ("days",)),
    "week": ("time", F(604800), ("weeks", "wk", "wks")),
    "fortnight": ("time", F(1209600), ("fortnights",)),
    # area (square metre)
    "m²": ("area", F(1), ("m2", "sq m", "square meter", "square meters", "square metre", "square metres")),
    "km²": ("area", F(10**6), ("km2", "sq km", "square kilometer", "square kilometers", "square kilometre", "square kilometres")),
    "ft²": ("area", F("0.09290304"), ("ft2", "sq ft", "square foot", "square feet")),
    "mi²": ("area", F("2589988.110336"), ("mi2", "sq mi", "square mile", "square miles")),
    "acre": ("area", F("4046.8564224"), ("acres",)),
    "ha": ("area", F(10000), ("hectare", "hectares")),
    # data (byte)
    "bit": ("data", F(1, 8), ("bits",)),
    "B": ("data", F(1), ("byte", "bytes")),
    "kB": ("data", F(10**3), ("kb", "kilobyte", "kilobytes")),
    "MB": ("data", F(10**6), ("mb", "megabyte", "megabytes")),
    "GB": ("data", F(10**9), ("gb", "gigabyte", "gigabytes")),
    "TB": ("data", F(10**12), ("tb", "terabyte", "terabytes")),
    "KiB": ("data", F(2**10), ("kib", "kibibyte", "kibibytes")),
    "MiB": ("data", F(2**20), ("mib", "mebibyte", "mebibytes")),
    "GiB": ("data", F(2**30), ("gib", "gibibyte", "gibibytes")),
    "TiB": ("data", F(2**40), ("tib", "tebibyte", "tebibytes")),
    # temperature: converted by formula below
    "°C": ("temperature", F(1), ("c", "celsius", "centigrade", "degrees c", "degrees celsius", "degree celsius", "degrees centigrade")),
    "°F": ("temperature", F(1), ("f", "fahrenheit", "degrees f", "degrees fahrenheit", "degree fahrenheit")),
    "K": ("temperature", F(1), ("k", "kelvin", "kelvins")),
}  # fmt: skip

_NAMES: dict[str, str] = {}
for _sym, (_kind, _f, _aliases) in _UNITS.items():
    _NAMES.setdefault(_sym.lower(), _sym)
    for _a in _aliases:
        _NAMES[_a] = _sym

_AMOUNT = (
    r"(\d+\s+\d+/\d+|\d+/\d+"  # a mixed number or a fraction ("1 1/2 cups", "3/4 cup")
    r"|-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?|-?\.\d+|(?:an|a|one)(?=\s))"
)
_UNIT_WORDS = r"([a-z°²/][a-z°²/. 2]*?)"
_CONVERT = re.compile(
    rf"^(?:convert\s+|what\s+is\s+|what's\s+|how\s+much\s+is\s+"
    # a few words before the amount: "oven setting 180c in fahrenheit"
    r"|(?:[a-z']+\s+){1,3}?)?"
    rf"{_AMOUNT}\s*{_UNIT_WORDS}"
    rf"\s+(?:to|in|into|in\s+terms\s+of|as)\s+{_UNIT_WORDS}$",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    rf"^how\s+many\s+{_UNIT_WORDS}\s+(?:are\s+(?:there\s+)?|is\s+|make\s+|does\s+it\s+take\s+to\s+make\s+)?"
    rf"(?:in\s+)?{_AMOUNT}\s*{_UNIT_WORDS}(?:\s+make)?$",
    re.IGNORECASE,
)


# "recipe says 3/4 cup butter, how many tbsp is that": the amount first, the question after
_IS_THAT = re.compile(
    rf"^(?:[^\d,;]*?\s)?{_AMOUNT}\s*{_UNIT_WORDS}(?:\s+(?:of\s+)?[a-z]+)?\s*[,.;:]?\s*"
    rf"how\s+many\s+{_UNIT_WORDS}\s+(?:is\s+(?:that|this|it)|would\s+(?:that|it)\s+be"
    r"|does\s+that\s+make|do\s+i\s+need)$",
    re.IGNORECASE,
)


# one amount with its unit somewhere in a sentence, the unit wanted at the end: "british
# recipe says bake at 190c, what do i set my oven to in fahrenheit"
_ONE_AMOUNT = re.compile(
    rf"(?:^|(?<=\s)){_AMOUNT}\s*([a-z°][a-z°/]*)(?=[\s,.;:!?)-]|$)", re.IGNORECASE
)
_ASKS = re.compile(r"\b(?:what|whats|how|convert|is\s+that|set)\b", re.IGNORECASE)


def _told(text: str) -> tuple[str, str, str] | None:
    """(amount, its unit, the unit asked for) when text holds exactly one number, with a unit
    right after it, a question, and "in/to <unit>" as its last words."""
    if len(re.findall(r"\d+(?:[.,/]\d+)*", text)) != 1:
        return None
    # the first amount with a unit ("a uk site says bake at 220C": not "a uk")
    m = next((x for x in _ONE_AMOUNT.finditer(text) if _unit(x.group(2)) is not None), None)
    if m is None:
        return None
    rest = text[m.end() :]
    if not _ASKS.search(rest):
        return None
    rest = re.sub(
        r"\s*\((?:us|u\.s\.|imperial|metric)(?:\s+(?:measures?|units?|cups?))?\)\s*$",
        "",
        rest,
        flags=re.I,
    )
    for tail in re.finditer(r"(?=\s(?:in|into|to)\s+(\S.*)$)", rest, re.IGNORECASE):
        if _unit(tail.group(1)) is not None:
            return m.group(1), m.group(2), tail.group(1)
    # "..., how many tbsp is that": the unit asked for after "how many"
    many = re.search(
        r"\bhow\s+many\s+(\S+)\s+(?:is\s+(?:that|it)|would\s+(?:that|it)\s+be|do\s+i\s+need)$"
        r"|(?:=|\bis|\bequals|\bmakes)\s*how\s+many\s+(\S+)$",  # "3/4 cup of sugar = how many tbsp"
        rest,
        re.I,
    )
    if many is not None and _unit(many.group(1) or many.group(2)) is not None:
        return m.group(1), m.group(2), many.group(1) or many.group(2)
    return None


_SCALE_WORD = re.compile(r"\b(celsius|centigrade|fahrenheit)\b", re.IGNORECASE)


def _scale_told(text: str) -> tuple[str, str, str] | None:
    """'my oven only shows celsius and the recipe says 375 degrees F, what do i set it to':
    one temperature, the other scale named elsewhere in the sentence, a question."""
    if len(re.findall(r"\d+(?:[.,/]\d+)*", text)) != 1 or not _ASKS.search(text):
        return None
    m = _ONE_AMOUNT.search(text)
    if m is None or (_unit(m.group(2)) is None and m.group(2).lower() != "degrees"):
        # "the recipe (from a UK site) says 180. what is that in fahrenheit": a bare number,
        # both scales named, the one asked for last
        bare = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]*\d)\s*([a-z°]*)", text, re.IGNORECASE)
        if bare is not None and (bare.group(2).lower() == "degrees" or _unit(bare.group(2))):
            return None  # "180 degrees", "180 grams": not a bare number
        scales = [_unit(w.group(1)) for w in _SCALE_WORD.finditer(text)]
        last = re.search(
            r"\b(?:in|to|into)\s+(celsius|centigrade|fahrenheit)$", text, re.IGNORECASE
        )
        if bare is None or last is None or len(set(scales)) != 2 or len(scales) != 2:
            return None
        dst = _unit(last.group(1))
        src_scale = next(x for x in scales if x != dst)
        return (bare.group(1), src_scale or "", dst or "") if dst and src_scale else None
    src = _unit(m.group(2))
    if src is None and m.group(2).lower() == "degrees":  # "375 degrees F"
        after = re.match(r"\s*([a-z]+)", text[m.end() :], re.IGNORECASE)
        src = _unit("degrees " + after.group(1)) if after else None
    if src not in ("°C", "°F"):
        return None
    named = {_unit(w.group(1)) for w in _SCALE_WORD.finditer(text[: m.start()] + text[m.end() :])}
    named.discard(src)
    named.discard(None)
    if len(named) != 1:
        return None
    return m.group(1), src, named.pop() or ""


def _unit(words: str) -> str | None:
    w = " ".join(words.strip().rstrip(".").split())
    if w in _UNITS:  # case kept: "MB", "K", "B"
        return w
    low = w.lower()
    if low in _NAMES:
        return _NAMES[low]
    if low.startswith("degrees "):
        return _NAMES.get(low[len("degrees ") :])
    return None


def seconds_in(word: str) -> Fraction:
    """A time unit's length in seconds ("hours" -> 3600)."""
    sym = _unit(word)
    if sym is None or _UNITS[sym][0] != "time":
        raise ValueError(f"not a unit of time: {word!r}")
    return _UNITS[sym][1]


def _amount(text: str) -> Fraction:
    t = text.lower()
    if t in ("a", "an", "one"):
        return F(1)
    if "/" in t:  # "3/4", "1 1/2"
        whole, _, frac = t.rpartition(" ")
        return F(whole or 0) + F(frac)
    return F(t.replace(",", ""))


def _to_base(kind: str, sym: str, v: Fraction) -> Fraction:
    if kind != "temperature":
        return v * _UNITS[sym][1]
    if sym == "°C":
        return v + F("273.15")
    if sym == "°F":
        return (v - 32) * F(5, 9) + F("273.15")
    return v  # K


def _from_base(kind: str, sym: str, v: Fraction) -> Fraction:
    if kind != "temperature":
        return v / _UNITS[sym][1]
    if sym == "°C":
        return v - F("273.15")
    if sym == "°F":
        return (v - F("273.15")) * F(9, 5) + 32
    return v


def _decimal(v: Fraction) -> tuple[str, bool]:
    """v as a decimal: (text, exact). Exact when it ends within 10 decimals; otherwise rounded
    to 6 significant digits (at least 2 decimals)."""
    from decimal import ROUND_HALF_UP, Decimal

    d = Decimal(v.numerator) / Decimal(v.denominator)
    for places in range(11):
        if (v * 10**places).denominator == 1:
            return f"{d.quantize(Decimal(1).scaleb(-places)):,f}", True
    digits = max(2, 6 - len(str(abs(int(d)))))
    return f"{d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):,f}", False


def _shown(sym: str, n: Fraction) -> str:
    if sym in ("°C", "°F", "K"):
        return sym if sym != "K" else " K"
    if sym in ("cup", "day", "week", "acre", "bit") and n > 1:
        return f" {sym}s"
    return f" {sym}"


_SPELLED = {"half": "1/2", "quarter": "1/4", "third": "1/3", "three quarter": "3/4",
            "three quarters": "3/4", "two thirds": "2/3"}  # fmt: skip


def convert(t: str) -> str | None:
    """'convert 5 miles to km' -> '5 mi = 8.04672 km'; 'how many grams in a pound' ->
    '1 lb = 453.59237 g'; '100 f to c' -> '100 °F ≈ 37.7778 °C (exactly 340/9)'."""
    text = t.strip().rstrip("?!. ")
    # "2/3 of a cup in tbsp", "half a cup in ml", "three quarters of a cup": the amount as a number
    text = re.sub(r"(\d+/\d+|\d*\.\d+)\s+of\s+an?\s+(?=[a-z])", r"\1 ", text, flags=re.I)
    text = re.sub(
        r"\b(?:(?:a|one)\s+)?(half|quarter|third|three\s+quarters?|two\s+thirds)(?:\s+of)?"
        r"(?:\s+an?)?\s+(?=[a-z])",
        lambda m: _SPELLED[" ".join(m.group(1).lower().split())] + " ",
        text,
        flags=re.I,
    )
    text = to_digits(text)  # "convert fifteen gallons to litres"
    readings: list[tuple[str, str, str]] = []
    m = _CONVERT.match(text)
    if m is not None:
        readings.append((m.group(1), m.group(2), m.group(3)))
    m = _HOW_MANY.match(text)
    if m is not None:
        readings.append((m.group(2), m.group(3), m.group(1)))
    m = _IS_THAT.match(text)
    if m is not None:
        readings.append((m.group(1), m.group(2), m.group(3)))
    # the first reading whose two units are units ("a 10k run lol how many miles is that": the
    # amount-first pattern takes "k run" for the unit, the one-amount reading gets "k")
    told = next((r for r in readings if _unit(r[1]) and _unit(r[2])), None) or (
        _told(text) or _scale_told(text)
    )
    if told is None:
        ordered = _form_order(text)
        return convert(ordered) if ordered and ordered != text else None
    amount, src, dst = told
    a, b = _unit(src), _unit(dst)
    if a is None or b is None or a == b or re.search(r"/0+(?!\d)", amount):
        return None
    # a runner's "5k" is kilometres when the other side is a length (else kelvin)
    if a == "K" and src.strip().lower() == "k" and _UNITS[b][0] == "length":
        a = "km"
    if b == "K" and dst.strip().lower() == "k" and _UNITS[a][0] == "length":
        b = "km"
    kind = _UNITS[a][0]
    if _UNITS[b][0] != kind:
        return None
    x = _amount(amount)
    y = _from_base(kind, b, _to_base(kind, a, x))
    xs = amount.strip() if "/" in amount else _decimal(x)[0]  # "2/3 cup", as the user said it
    ys, exact = _decimal(y)
    out = f"{xs}{_shown(a, x)} {'=' if exact else '≈'} {ys}{_shown(b, y)}"
    if not exact and y.denominator < 1000:  # 340/9, not 781250/12573
        out += f" (exactly {y.numerator}/{y.denominator})"
    if kind == "volume" and ({a, b} & {"gal", "qt", "pt", "cup", "fl oz", "tbsp", "tsp"}):
        out += " (US measures)"
    if (
        kind == "data"
        and ({a, b} & {"kB", "MB", "GB", "TB"})
        and ({a, b} & {"B", "kB", "MB", "GB", "TB"}) == {a, b}
    ):
        out += " (decimal units: 1 kB = 1000 B; the binary KiB, MiB, GiB are 1024-based)"
    return out


# "5 feet 10 inches in cm", "6'2\" to meters", "1 hour 45 minutes in minutes": parts of one kind
_FEET_INCHES = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:'|’|ft|foot|feet)\s*(\d+(?:\.\d+)?)\s*(?:\"|”|''|inch(?:es)?(?![a-z])"
    # "5'11 in cm": that "in" asks for a unit, it is not inches
    r"|in(?![a-z])(?!\s+(?:cm|mm|m|meters?|metres?|centimet\w*|millimet\w*|km|feet|ft|inches)\b)"
    r"|(?=\s|,|$))"
)
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
_COMPOUND = re.compile(
    r"^(?:convert\s+|how\s+tall\s+is\s+|how\s+long\s+is\s+|what(?:'s|\s+is)\s+"
    r"|(?:i'?m|i\s+am|i\s+weigh|(?:he|she)(?:'s|\s+is)|(?:he|she)\s+weighs"
    r"|my\s+(?:height|weight|son|daughter)\s+is)\s+)?"
    r"(?P<parts>\d+(?:\.\d+)?\s*[a-z]+(?:\s*,?\s*(?:and\s+)?\d+(?:\.\d+)?\s*[a-z]+){1,2})"
    r"(?:\s*(?:tall|long|heavy)?\s*[,.;]?\s*(?:how\s+(?:tall|long|much)\s+is\s+(?:that|this|it)"
    r"|what(?:'s|\s+is)\s+(?:that|this|it)|whats\s+(?:that|this|it)|thats?|convert(?:\s+it)?))?"
    rf"\s+(?:to|in|into)\s+{_UNIT_WORDS}$",
    re.IGNORECASE,
)


# "my passport form wants height in cm. im 5 ft 9 in": the unit asked for in one sentence, the
# amount in the next (or the other way round)
_WANTS = (
    r"\b(?:wants?|needs?|asks?\s+for|requires?|says?\s+to\s+(?:give|enter|put))\s+"
    r"(?:(?:my|the|your|it|his|her)\s+)?(?:height|weight|length|distance|it)?\s*in\s+(?P<u>[a-z]+)"
)
_WANTS_FIRST = re.compile(
    rf"^[^.;!?]*?{_WANTS}(?:\s*[.,;:!-]\s*|\s+and\s+)(?P<rest>(?:[^.;!?]|\.(?=\d))+)$",
    re.IGNORECASE,
)
_WANTS_LAST = re.compile(
    rf"^(?P<rest>(?:[^.;!?]|\.(?=\d))+?)\s*[.,;:!-]\s*[^.;!?]*?{_WANTS}$", re.IGNORECASE
)


def _form_order(text: str) -> str | None:
    """The amount, then "in <unit>": 'im 5 ft 9 in in cm'."""
    text = re.sub(
        r"\s*[,.;-]?\s*(?:what|whats|what's)\s+(?:do|should|would)\s+i\s+(?:put|write|enter|say"
        r"|fill\s+in)(?:\s+down)?$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    m = _WANTS_FIRST.match(text) or _WANTS_LAST.match(text)
    if m is None or _unit(m.group("u")) is None:
        return None
    return f"{m.group('rest').strip()} in {m.group('u')}"


def compound(t: str) -> str | None:
    """'5 feet 10 inches in cm' -> '5 ft 10 in = 177.8 cm'."""
    text = _FEET_INCHES.sub(r"\1 ft \2 in", t.strip().rstrip("?!. "))
    m = _COMPOUND.match(text)
    if m is None:
        ordered = _form_order(text)
        m = _COMPOUND.match(ordered) if ordered else None
    if m is None:
        return None
    b = _unit(m.group(2))
    if b is None:
        return None
    kind = _UNITS[b][0]
    if kind == "temperature":
        return None
    total = Fraction(0)
    shown = []
    for amount, word in _PART.findall(m.group("parts")):
        a = _unit(word)
        if a is None or _UNITS[a][0] != kind:
            return None
        x = Fraction(amount)
        total += _to_base(kind, a, x)
        shown.append(f"{_decimal(x)[0]}{_shown(a, x)}")
    y = _from_base(kind, b, total)
    ys, exact = _decimal(y)
    return f"{' '.join(shown)} {'=' if exact else '≈'} {ys}{_shown(b, y)}"
