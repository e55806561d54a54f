"""Named formulas for questions asked in words: geometry (perimeter, area, volume,
circumference, diagonal, hypotenuse; a room's walls and floor; a tank's capacity in litres or
US gallons) and the number of days between two dates.

A recognized question becomes an expression for our own parser (exact, never eval'd) with the
unit to show; anything else gives None, and the math skill goes on as before (and declines a
word problem it does not understand). Recognition is strict: the shape, the quantity and
exactly the dimensions the formula needs, each named ("radius 3", "length 12 and width 8",
"a 12 by 8 rectangle"); a question with other numbers in it is not ours.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_NUM = r"(\d+(?:\.\d+)?)"
_UNITS = (
    r"mm|cm|km|m|in|inch|inches|ft|foot|feet|yd|yard|yards|mi|mile|miles|meters?|metres?|"
    r"millimeters?|centimeters?|kilometers?|units?"
)
_UNIT = rf"(?:\s*({_UNITS})\b)?"
_SHORT = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m", "millimeter": "mm",
    "millimeters": "mm", "centimeter": "cm", "centimeters": "cm", "kilometer": "km",
    "kilometers": "km", "inch": "in", "inches": "in", "foot": "ft", "feet": "ft", "yard": "yd",
    "yards": "yd", "mile": "mi", "miles": "mi", "unit": "units",
}  # fmt: skip
_SQ = {1: "", 2: "²", 3: "³"}


@dataclass
class Formula:
    expr: str  # for the math parser
    unit: str  # "cm²", or ""
    what: str  # "the volume of the sphere", for the answer

    def label(self, value: str) -> str:
        return f"{value} {self.unit}".rstrip() if self.unit else value


# (quantity, shape) -> (expression over named dimensions, unit power)
_TABLE: dict[tuple[str, str], tuple[str, int]] = {
    ("perimeter", "rectangle"): ("2*({length} + {width})", 1),
    ("area", "rectangle"): ("{length}*{width}", 2),
    ("diagonal", "rectangle"): ("sqrt({length}^2 + {width}^2)", 1),
    ("perimeter", "square"): ("4*{side}", 1),
    ("area", "square"): ("{side}^2", 2),
    ("diagonal", "square"): ("{side}*sqrt(2)", 1),
    ("area", "circle"): ("pi*{radius}^2", 2),
    ("circumference", "circle"): ("2*pi*{radius}", 1),
    ("perimeter", "circle"): ("2*pi*{radius}", 1),
    ("volume", "sphere"): ("4/3*pi*{radius}^3", 3),
    ("surface area", "sphere"): ("4*pi*{radius}^2", 2),
    ("volume", "cube"): ("{side}^3", 3),
    ("surface area", "cube"): ("6*{side}^2", 2),
    ("volume", "cylinder"): ("pi*{radius}^2*{height}", 3),
    ("volume", "cone"): ("pi*{radius}^2*{height}/3", 3),
    ("area", "triangle"): ("{base}*{height}/2", 2),
    ("volume", "box"): ("{length}*{width}*{height}", 3),
    # the four walls of a room, to paint or paper (doors and windows not taken off)
    ("wall area", "room"): ("2*({length} + {width})*{height}", 2),
    ("floor area", "room"): ("{length}*{width}", 2),
}
_NEEDS = {key: sorted(set(re.findall(r"\{(\w+)\}", expr))) for key, (expr, _p) in _TABLE.items()}
_SHAPE = re.compile(
    r"\b(rectangle|rectangular (?:box|prism|solid)|cuboid|box|circle|sphere|ball|cube|"
    r"square(?!\s+(?:inch|inches|feet|foot|ft|meters?|metres?|cm|mm|m|yards?|yd|miles?|mi|km|units?)\b)|"
    r"cylinder|cylindrical|cone|(?:right[- ])?triangle|tv|television|screen|monitor|room|bedroom"
    r"|living room|kitchen|bathroom|office|pizza|pool|swimming pool|aquarium|fish tank)s?\b",
    re.I,
)
_QUANTITY = re.compile(
    r"^(?:the\s+)?(perimeter|area|surface area|volume|circumference|diagonal|hypotenuse)\s+of\b",
    re.I,
)
# the quantity asked for anywhere in the question ("my tv ... how long is the diagonal")
_QUANTITY_ANY = re.compile(
    r"\b(surface area|perimeter|area|volume|circumference|diagonal|hypotenuse)\b", re.I
)
# "how many square inches of pizza": an area
_SQUARE_UNITS = re.compile(r"\bmany\s+(?:square|sq\.?)\s+[a-z]+\b", re.I)
# "how many liters does it hold": a volume, shown in litres or US gallons
_CAPACITY = re.compile(
    r"\bhow\s+(?:many|much)\s+(?:us\s+)?(liters?|litres?|gallons?)\b|\b(?:capacity|volume)\s+in\s+"
    r"(liters?|litres?|gallons?)\b",
    re.I,
)
_WALLS = re.compile(
    r"\bwalls?\b.*\b(?:paint|wallpaper|area|sq|square)|\b(?:paint|wallpaper)\b.*\bwalls?\b", re.I
)
_FLOOR = re.compile(r"\b(?:floor(?:ing)?|carpet|tiles?)\b", re.I)
# one cubic unit in litres, and litres in a US gallon
_LITRES = {"m": "1000", "cm": "1/1000", "mm": "1/1000000", "ft": "28.316846592",
           "in": "0.016387064", "yd": "764.554857984"}  # fmt: skip
_GALLON_L = "3.785411784"
_DIM_NAMES = {
    "length": r"length|long",
    "width": r"width|wide|breadth",
    "height": r"height|high|tall|depth|deep|ceilings?",
    "radius": r"radius",
    "diameter": r"diameter|across",
    "side": r"side(?:\s+length)?|edge(?:\s+length)?|sides?\s+of\s+length",
    "base": r"base",
}


def _canon_shape(shape: str) -> str:
    s = shape.lower()
    if s.startswith("rectangular") or s in ("cuboid", "box"):
        return "box"
    if s == "ball":
        return "sphere"
    if s == "cylindrical":
        return "cylinder"
    if s in ("tv", "television", "screen", "monitor"):
        return "rectangle"
    if s.endswith("room") or s in ("kitchen", "office"):
        return "room"
    if s == "pizza":
        return "circle"
    if s in ("pool", "swimming pool", "aquarium", "fish tank"):
        return "box"  # a round one (a radius or diameter given) is a cylinder: geometry()
    if "triangle" in s:
        return "triangle"
    return s


def _dims(t: str) -> tuple[dict[str, str], str]:
    dims: dict[str, str] = {}
    unit = ""
    for name, words in _DIM_NAMES.items():
        # "radius 3", "radius of 3 cm", "a radius is 3", "3 cm long", "length = 12"
        m = re.search(rf"\b(?:{words})\b\s*(?:of|is|=|:|equal to)?\s*{_NUM}{_UNIT}", t, re.I)
        if m is None:
            m2 = re.search(rf"{_NUM}{_UNIT}\s+(?:{words})\b", t, re.I)
            if m2 is None:
                continue
            m = m2
        dims[name] = m.group(1)
        unit = unit or (m.group(2) or "")
    # "a 36 x 18 x 16 inch aquarium": length, width, height
    m3 = re.search(
        rf"{_NUM}{_UNIT}\s*(?:by|x|×)\s*{_NUM}{_UNIT}\s*(?:by|x|×)\s*{_NUM}{_UNIT}", t, re.I
    )
    if m3 and not {"length", "width", "height"} & set(dims):
        dims["length"], dims["width"], dims["height"] = m3.group(1), m3.group(3), m3.group(5)
        unit = unit or (m3.group(6) or m3.group(4) or m3.group(2) or "")
        return dims, _SHORT.get(unit.lower(), unit.lower())
    # "a 12 by 8 rectangle", "rectangle 12 x 8"
    m = re.search(rf"{_NUM}{_UNIT}\s*(?:by|x|×)\s*{_NUM}{_UNIT}", t, re.I)
    if m and "length" not in dims and "width" not in dims:
        dims["length"], dims["width"] = m.group(1), m.group(3)
        unit = unit or (m.group(2) or m.group(4) or "")
    return dims, _SHORT.get(unit.lower(), unit.lower())


_LADDER_LONG = re.compile(
    rf"{_NUM}{_UNIT}\s*(?:-\s*)?(?:long\s+)?ladder\b|\bladder\s+(?:is|of)\s+{_NUM}{_UNIT}", re.I
)
_LADDER_OUT = re.compile(
    rf"{_NUM}{_UNIT}\s+(?:out\s+|away\s+)?(?:from|off)\s+the\s+(?:wall|house|building|base)"
    rf"|{_NUM}{_UNIT}\s+(?:out|away)\b",
    re.I,
)


def ladder(t: str) -> Formula | None:
    """'20 foot ladder ... feet 6 ft out from the wall, how high up the wall does it reach' ->
    sqrt(20^2 - 6^2): the ladder is the hypotenuse."""
    if not re.search(r"\bladder\b", t, re.I) or not re.search(
        r"\bhow\s+(?:high|far\s+up|tall)\b|\breach\b|\bheight\b", t, re.I
    ):
        return None
    long_, out = _LADDER_LONG.search(t), _LADDER_OUT.search(t)
    if long_ is None or out is None or len(re.findall(_NUM, t)) != 2:
        return None
    n_long, u_long = (
        (long_.group(1), long_.group(2)) if long_.group(1) else (long_.group(3), long_.group(4))
    )
    n_out, u_out = (out.group(1), out.group(2)) if out.group(1) else (out.group(3), out.group(4))
    if n_long == n_out and long_.start() == out.start():
        return None
    unit = _SHORT.get((u_long or u_out or "").lower(), (u_long or u_out or "").lower())
    unit_out = _SHORT.get((u_out or u_long or "").lower(), (u_out or u_long or "").lower())
    if unit != unit_out or float(n_out) >= float(n_long):
        return None
    return Formula(f"sqrt({n_long}^2 - {n_out}^2)", unit, "the height the ladder reaches")


_FENCE_BY = re.compile(rf"{_NUM}{_UNIT}\s*(?:by|x|×)\s*{_NUM}{_UNIT}", re.I)
_THREE_SIDES = re.compile(r"\b(?:other\s+|only\s+)?(?:3|three)\s+sides\b", re.I)
_OPEN_SIDE = re.compile(
    rf"\b{_NUM}{_UNIT}\s*(?:-\s*)?(?:long\s+)?sides?\b"
    r"|\b(long(?:er)?|short(?:er)?)\s+sides?\b",
    re.I,
)


def fence(t: str) -> Formula | None:
    """'fence in the backyard, its 40 by 25 ft, how many feet of fencing' -> 2*(40 + 25);
    'the house runs along one of the 40 ft sides, fence for the other 3 sides' -> 40 + 2*25."""
    if not re.search(r"\bfenc", t, re.I) or not re.search(
        r"\bhow\s+(?:much|many|long)\b|\bwhat\s+length\b", t, re.I
    ):
        return None
    m = _FENCE_BY.search(t)
    if m is None:
        return None
    a, b = m.group(1), m.group(3)
    raw = m.group(2) or m.group(4) or ""
    unit = _SHORT.get(raw.lower(), raw.lower())
    rest = t[: m.start()] + " " + t[m.end() :]
    three = _THREE_SIDES.search(rest)
    if three is not None:
        rest = rest[: three.start()] + " " + rest[three.end() :]
    side = _OPEN_SIDE.search(rest)
    if side is not None and three is None:
        return None
    left = re.findall(_NUM, rest[: side.start()] + rest[side.end() :] if side else rest)
    if left:
        return None  # a gate, a price per foot, a second yard: not ours
    if three is None:
        return Formula(f"2*({a} + {b})", unit, "the fence around all four sides")
    if side is None:
        return None  # three sides, but which one is open?
    big, small = (a, b) if float(a) >= float(b) else (b, a)
    if side.group(1):
        if side.group(1) not in (a, b):
            return None
        other_side = b if side.group(1) == a else a
        if a == b:
            other_side = a
        open_side = side.group(1)
    else:
        open_side = big if side.group(3).lower().startswith("long") else small
        other_side = small if open_side == big else big
    return Formula(
        f"{open_side} + 2*{other_side}", unit, f"the fence on three sides ({open_side} {unit} open)"
    )


_COVERS = re.compile(
    r"\b(?:covers?|coverage\s+(?:is|of)|good\s+for|does)\s+(?:about\s+|roughly\s+)?(\d+(?:\.\d+)?)\s*"
    r"(?:sq\.?\s*(?:ft|feet)|square\s+(?:feet|foot|ft)|ft²|sqft)",
    re.I,
)
_COATS = re.compile(r"\b(one|two|three|1|2|3|single|double)\s+coats?\b", re.I)


def paint(t: str) -> str | None:
    """'Painting the walls of a 12 x 10 ft room with 8 ft ceilings, two coats. A gallon covers
    400 sq ft ... how many whole gallons' -> '2 gallons (...)': the four walls, coats, coverage."""
    from fractions import Fraction
    from math import ceil

    if not re.search(r"\bpaint", t, re.I) or not re.search(r"\bwalls?\b", t, re.I):
        return None
    if not re.search(r"\bhow\s+many\s+(?:whole\s+)?(?:gallons?|cans?)\b", t, re.I):
        return None
    if re.search(r"\bdoors?\b|\bwindows?\b", t, re.I) and not re.search(
        r"\b(?:ignor\w*|not\s+counting|excluding|skip\w*)\s+(?:the\s+)?(?:doors?|windows?)", t, re.I
    ):
        return None
    cover = _COVERS.search(t)
    if cover is None:
        return None
    rest = t[: cover.start()] + " " + t[cover.end() :]
    coats_m = _COATS.search(rest)
    coats = 1
    if coats_m is not None:
        w = coats_m.group(1).lower()
        coats = {"one": 1, "single": 1, "two": 2, "double": 2, "three": 3}.get(w) or int(w)
        rest = rest[: coats_m.start()] + " " + rest[coats_m.end() :]
    dims, unit = _dims(rest)
    if unit not in ("ft", "") or not {"length", "width", "height"} <= set(dims):
        return None
    if sorted(re.findall(_NUM, rest)) != sorted([dims["length"], dims["width"], dims["height"]]):
        return None
    L, W, H = (Fraction(dims[k]) for k in ("length", "width", "height"))
    area = 2 * (L + W) * H
    need = area * coats / Fraction(cover.group(1))
    n = ceil(need)
    a = f"{float(area):g}"
    return (
        f"{n} gallon{'s' if n != 1 else ''} (walls 2 × ({dims['length']} + {dims['width']}) × "
        f"{dims['height']} = {a} sq ft{f' × {coats} coats' if coats != 1 else ''} ÷ "
        f"{cover.group(1)} sq ft per gallon = {float(need):.4g}, rounded up)"
    )


def _feet_inches(m: re.Match[str]) -> str:
    """'14 ft 6 in' -> '14.5 ft' (when the inches are a whole number of hundredths of a foot)."""
    from fractions import Fraction

    v = Fraction(m.group(1)) + Fraction(m.group(2)) / 12
    if (v * 100).denominator != 1 or Fraction(m.group(2)) >= 12:
        return m.group(0)
    return f"{float(v):g} ft"


def geometry(t: str) -> Formula | None:
    """t: the question without its lead ("the volume of a sphere with radius 3")."""
    # "12 ft by 14 ft 6 in": one length in feet
    t = re.sub(
        r"(\d+)\s*(?:ft|feet|foot|')\s*(\d+(?:\.\d+)?)\s*(?:in|inches|inch|\")(?![a-z])",
        _feet_inches,
        t,
        flags=re.IGNORECASE,
    )
    up = ladder(t) or fence(t)
    if up is not None:
        return up
    q = _QUANTITY.match(t) or _QUANTITY_ANY.search(t)
    shape_m = _SHAPE.search(t)
    capacity = _CAPACITY.search(t)
    if shape_m is None:
        return None
    shape = _canon_shape(shape_m.group(1))
    if shape == "room":
        if _WALLS.search(t):
            quantity = "wall area"
        elif (
            _FLOOR.search(t)
            or (q is not None and q.group(1).lower() == "area")
            or _SQUARE_UNITS.search(t)  # "living room is 12 ft by 14.5 ft, how many sq ft is that"
        ):
            quantity = "floor area"
        else:
            return None
    elif q is not None:
        quantity = q.group(1).lower()
    elif capacity is not None:
        quantity = "volume"
    elif _SQUARE_UNITS.search(t):
        quantity = "area"
    else:
        return None
    # "a 14 inch pizza": its size is the diameter
    pie = re.search(rf"{_NUM}\s*(?:-\s*)?(inch|in|cm|\"|”)?(?:\s+|-)pizza", t, re.I)
    if shape_m.group(1).lower().startswith("pizza") and pie is not None:
        t = t[: pie.start()] + f"diameter {pie.group(1)} {pie.group(2) or ''}" + t[pie.end() :]
    dims, unit = _dims(t)
    if shape == "box" and ("radius" in dims or "diameter" in dims):
        shape = "cylinder"
    if shape == "rectangle" and "length" not in dims and {"height", "width"} <= set(dims):
        dims["length"] = dims.pop("height")  # a screen "48 in wide and 27 in tall"
    if quantity == "hypotenuse":
        m = re.search(rf"\blegs?\s+(?:of\s+)?(?:length\s+)?{_NUM}{_UNIT}\s+and\s+{_NUM}", t, re.I)
        if shape != "triangle" or m is None or len(re.findall(_NUM, t)) != 2:
            return None
        u = _SHORT.get((m.group(2) or "").lower(), (m.group(2) or "").lower())
        return Formula(f"sqrt({m.group(1)}^2 + {m.group(3)}^2)", u, "the hypotenuse")
    # every number in the question is a dimension we read: nothing left unexplained
    if sorted(re.findall(_NUM, t)) != sorted(dims.values()):
        return None
    if "diameter" in dims and "radius" not in dims:
        dims["radius"] = f"({dims.pop('diameter')}/2)"
    if shape == "square" and "side" not in dims and "length" in dims and len(dims) == 1:
        dims["side"] = dims.pop("length")
    if shape == "cube" and "side" not in dims and "length" in dims and len(dims) == 1:
        dims["side"] = dims.pop("length")

    key = (quantity, shape)
    if key not in _TABLE or sorted(dims) != _NEEDS[key]:
        return None
    expr, power = _TABLE[key]
    if capacity is not None and power == 3:
        want = (capacity.group(1) or capacity.group(2)).lower()
        if unit not in _LITRES:
            return None
        if want.startswith("gal"):
            return Formula(
                f"({expr.format(**dims)})*{_LITRES[unit]}/{_GALLON_L}", "US gallons",
                f"the volume of the {shape}",
            )  # fmt: skip
        return Formula(
            f"({expr.format(**dims)})*{_LITRES[unit]}", "L", f"the volume of the {shape}"
        )
    return Formula(
        expr.format(**dims), f"{unit}{_SQ[power]}" if unit else "", f"the {quantity} of the {shape}"
    )


# ----- days between two dates -----

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]  # fmt: skip
    )
}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # fmt: skip
_DATE = rf"{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?"
_DAYS = re.compile(
    rf"^how many days (?:are there |is it |are )?(?:between|from)\s+{_DATE}\s+(?:and|to|until|till)\s+"
    rf"{_DATE}(?:\s+inclusive)?$",
    re.I,
)


def _month(name: str) -> int:
    low = name.lower()
    return next(v for k, v in _MONTHS.items() if k.startswith(low[:3]))


def days_between(t: str, today: _dt.date | None = None) -> str | None:
    """'how many days are there between March 3 and April 20' -> '48 days'."""
    m = _DAYS.match(t.strip().rstrip("?. "))
    if m is None:
        return None
    today = today or _dt.date.today()
    y1 = int(m.group(3)) if m.group(3) else None
    y2 = int(m.group(6)) if m.group(6) else None
    year1 = y1 or y2 or today.year
    year2 = y2 or year1
    try:
        a = _dt.date(year1, _month(m.group(1)), int(m.group(2)))
        b = _dt.date(year2, _month(m.group(4)), int(m.group(5)))
    except ValueError:
        return None
    if b < a and y2 is None:
        b = b.replace(year=b.year + 1)
    n = (b - a).days
    crosses_feb = any(
        _dt.date(y, 3, 1) > a and _dt.date(y, 3, 1) <= b for y in range(a.year, b.year + 1)
    )
    note = f" (counting from {a:%B} {a.day}, {a.year})" if crosses_feb and y1 is None else ""
    text = f"{n} day{'s' if n != 1 else ''}{note}"
    if "inclusive" in t.lower():
        text = f"{n + 1} days, counting both {a:%B} {a.day} and {b:%B} {b.day}{note}"
    return text
