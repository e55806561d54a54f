"""Everyday questions with one exact answer that the math skill works out from the text and
the machine's clock, with no model: the time now (here or in a named place) and a time in one
place in another, today's date, days until a date or a holiday and between holidays, time units
("how many seconds in a week"), the average, median, sum, product or range of a list, leap
years, the weekday of a date, tips, a runner's pace, and unit conversions (units.py).

Each function returns the answer in words, or None when the text is not that question (the
caller goes on to the other readings). Found from a user's test on 2026-12-02: "how many days
until christmas?" -> "12 days" and "what time is it in Tokyo right now" -> "I don't have
real-time access" from the general model, "average of 12, 15 and 21" -> 19 at 0.95 and "how
many seconds in a week" -> 1689600 at 0.92 (the general model's arithmetic).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .fmt import format_fraction
from .formulas import _MONTH, _month, paint
from .holidays import HOLIDAYS as _HOLIDAYS
from .timecalc import NUMBER_WORDS, _dates, _numbers_outside, holiday_dates
from .units import _UNITS, _unit, compound, convert, seconds_in

# ----- the clock -----

# Places people name that are not the last part of an IANA zone name ("Asia/Tokyo" gives
# "tokyo"): countries with one zone, and big cities that share another city's zone.
_PLACE_ZONES = {
    "india": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "japan": "Asia/Tokyo", "china": "Asia/Shanghai", "beijing": "Asia/Shanghai",
    "korea": "Asia/Seoul", "south korea": "Asia/Seoul", "uk": "Europe/London",
    "england": "Europe/London", "britain": "Europe/London", "scotland": "Europe/London",
    "ireland": "Europe/Dublin", "france": "Europe/Paris", "germany": "Europe/Berlin",
    "spain": "Europe/Madrid", "italy": "Europe/Rome", "netherlands": "Europe/Amsterdam",
    "poland": "Europe/Warsaw", "greece": "Europe/Athens", "turkey": "Europe/Istanbul",
    "israel": "Asia/Jerusalem", "egypt": "Africa/Cairo", "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi", "thailand": "Asia/Bangkok", "vietnam": "Asia/Ho_Chi_Minh",
    "philippines": "Asia/Manila", "indonesia": "Asia/Jakarta", "pakistan": "Asia/Karachi",
    "uae": "Asia/Dubai", "new zealand": "Pacific/Auckland", "iceland": "Atlantic/Reykjavik",
    "washington dc": "America/New_York", "washington d.c.": "America/New_York",
    "boston": "America/New_York", "miami": "America/New_York", "atlanta": "America/New_York",
    "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "california": "America/Los_Angeles", "las vegas": "America/Los_Angeles",
    "dallas": "America/Chicago", "houston": "America/Chicago", "texas": "America/Chicago",
    "montreal": "America/Toronto", "hawaii": "Pacific/Honolulu", "utc": "UTC", "gmt": "UTC",
    "la": "America/Los_Angeles", "l.a.": "America/Los_Angeles", "nyc": "America/New_York",
    "sf": "America/Los_Angeles",
    # US zones by name, and common abbreviations (the place's rules: "est" in July is EDT)
    "pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
    "eastern": "America/New_York", "eastern time": "America/New_York",
    "central": "America/Chicago", "central time": "America/Chicago",
    "mountain": "America/Denver", "mountain time": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "est": "America/New_York",
    "edt": "America/New_York", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "bst": "Europe/London",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
}  # fmt: skip

_NOW = re.compile(
    r"^(?:what(?:'s| is)\s+(?:the\s+)?(?:current\s+|local\s+)?time(?:\s+is\s+it)?"
    r"|what\s+time\s+is\s+it|current\s+time|(?:the\s+)?time\s+now|local\s+time|time)"
    r"(?:\s+(?:right\s+)?now)?(?:\s+in\s+(?P<place>[a-z][a-z .'-]*?))?"
    r"(?:\s+(?:(?:right\s+)?now|at\s+the\s+moment|currently|please))?$",
    re.IGNORECASE,
)
_TODAY = re.compile(
    r"^(?:what(?:'s| is)\s+(?:the\s+)?(?:date|day)(?:\s+(?:it\s+)?today|\s+is\s+it(?:\s+today)?)?"
    r"|what(?:'s| is)\s+today(?:'s\s+date)?|what\s+day\s+(?:of\s+the\s+week\s+)?is\s+(?:it\s+)?today"
    r"|today'?s\s+date|what\s+(?:date|day)\s+is\s+(?:it|today)|(?:the\s+)?date(?:\s+today)?"
    r"|(?:the\s+)?day\s+(?:is\s+)?(?:it\s+)?today)$",
    re.IGNORECASE,
)


@functools.cache
def _zones_by_city() -> dict[str, str]:
    """'new_york' -> 'America/New_York': the zone database's last name parts, read once
    (available_timezones() walks the tzdata folders)."""
    import zoneinfo

    out: dict[str, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        if "/" in name:
            out.setdefault(name.rsplit("/", 1)[1].lower(), name)
    return out


def _zone(place: str) -> str | None:
    key = " ".join(place.lower().replace("the ", " ").split())
    if key in _PLACE_ZONES:
        return _PLACE_ZONES[key]
    return _zones_by_city().get(key.replace(" ", "_"))


def clock(t: str, now: _dt.datetime | None = None) -> str | None:
    """'what time is it in Tokyo' -> '15:04 in Tokyo (Asia/Tokyo, UTC+09:00), Wednesday 2
    December 2026'; 'what's today's date' -> 'Wednesday, 2 December 2026'."""
    from zoneinfo import ZoneInfo

    text = t.strip().rstrip("?!. ")
    now = now or _dt.datetime.now().astimezone()
    if _TODAY.match(text):
        return f"{now:%A}, {now.day} {now:%B %Y}"
    m = _NOW.match(text)
    if m is None:
        return None
    place = (m.group("place") or "").strip()
    if not place or place.lower() in ("here", "my time zone", "my timezone"):
        return f"{now:%H:%M} ({now:%Z}, UTC{_offset(now)}), {now:%A} {now.day} {now:%B %Y}"
    zone = _zone(place)
    if zone is None:
        return None  # a place the zone database does not name: another skill may know it
    there = now.astimezone(ZoneInfo(zone))
    shown = place.upper() if len(place) <= 3 else place.title()  # "UTC", "UK", "New York"
    out = f"{there:%H:%M} ({_twelve(there)}) in {shown} ({zone}, UTC{_offset(there)}), {there:%A} {there.day} {there:%B}"
    if there.date() != now.date():
        out += f" (your date is {now:%A} {now.day} {now:%B})"
    return out


def _offset(d: _dt.datetime) -> str:
    off = d.utcoffset() or _dt.timedelta(0)
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    return f"{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"


# ----- days until a date or a holiday -----


_HOLIDAY_NAMES = {
    "xmas": "Christmas", "new years": "New Year's Day", "new year": "New Year's Day",
    "new year's": "New Year's Day", "new years day": "New Year's Day", "valentines day": "Valentine's Day",
    "valentine's": "Valentine's Day", "new years eve": "New Year's Eve",
    "thanksgiving": "Thanksgiving (US)", "fourth of july": "the Fourth of July",
    "the fourth of july": "the Fourth of July",
}  # fmt: skip

_UNTIL = re.compile(
    r"^(?:how\s+(?:many|much)\s+(?P<unit>days|weeks|sleeps)(?:\s+(?:are\s+)?(?:left|are\s+there|is\s+it|remain))?"
    r"|how\s+long(?:\s+is\s+it)?|(?:number\s+of\s+)?(?P<unit2>days|weeks|sleeps)(?:\s+left)?|countdown)"
    r"\s+(?:until|till|til|'til|to|before|left\s+until|left\s+till)\s+(?P<what>.+?)$",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"^how\s+many\s+days\s+(?:are\s+there\s+|is\s+it\s+|are\s+)?(?:between|from)\s+(?P<a>.+?)"
    r"\s+(?:and|to|until|till)\s+(?P<b>.+?)$",
    re.IGNORECASE,
)
_ON_DATE = re.compile(rf"^(?:{_MONTH}\.?\s+(\d{{1,2}})|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})"
                      r"(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$", re.IGNORECASE)  # fmt: skip


def _resolve(what: str, start: _dt.date) -> tuple[_dt.date, str, bool] | None:
    """A holiday's or a date's next day on or after start: (day, its name, whether a holiday).
    A date with a year stands as it is."""
    what = " ".join(what.lower().replace("’", "'").split())
    what = re.sub(r"^(?:this|next)\s+", "", what)
    if what in _HOLIDAYS:
        rule = _HOLIDAYS[what]
        day = rule(start.year)
        if day < start:
            day = rule(start.year + 1)
        return day, _HOLIDAY_NAMES.get(what, what.title().replace("'S", "'s")), True
    d = _ON_DATE.match(what)
    if d is None:
        return None
    year = int(d.group(5)) if d.group(5) else start.year
    try:
        day = _dt.date(year, _month(d.group(1) or d.group(4)), int(d.group(2) or d.group(3)))
    except ValueError:
        return None
    if day < start and not d.group(5):
        day = day.replace(year=year + 1)
    return day, f"{day:%B} {day.day}", False


def days_until(t: str, today: _dt.date | None = None) -> str | None:
    """'how many days until christmas' -> '23 days until Christmas (Friday, 25 December
    2026)'; also a date ('until March 3', 'till 3rd of March 2027')."""
    m = _UNTIL.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    today = today or _dt.date.today()
    found = _resolve(m.group("what"), today)
    if found is None:
        return None
    day, name, _ = found
    n = (day - today).days
    when = f"{day:%A}, {day.day} {day:%B %Y}"
    if n == 0:
        return f"{name} is today ({when})"
    if n < 0:
        return f"{name} was {-n} day{'s' if n != -1 else ''} ago ({when})"
    unit = (m.group("unit") or m.group("unit2") or "days").lower()
    if unit == "weeks":
        w, r = divmod(n, 7)
        return f"{w} week{'s' if w != 1 else ''} and {r} day{'s' if r != 1 else ''} until {name} ({when}; {n} days)"
    return f"{n} day{'s' if n != 1 else ''} until {name} ({when})"


def days_between_holidays(t: str, today: _dt.date | None = None) -> str | None:
    """'how many days between christmas and new year' -> '7 days (Friday, 25 December 2026 to
    Friday, 1 January 2027)'. Only when a holiday is named: two plain dates are
    formulas.days_between's."""
    m = _BETWEEN.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    today = today or _dt.date.today()
    first = _resolve(m.group("a"), today)
    if first is None:
        return None
    second = _resolve(m.group("b"), first[0])
    if second is None or not (first[2] or second[2]):
        return None
    n = (second[0] - first[0]).days
    a, b = first[0], second[0]
    return (
        f"{n} day{'s' if n != 1 else ''} (from {first[1]}, {a:%A} {a.day} {a:%B %Y}, "
        f"to {second[1]}, {b:%A} {b.day} {b:%B %Y})"
    )


# ----- time units -----

_UNIT = r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?)"
_HOW_MANY_IN = re.compile(
    rf"^how\s+many\s+{_UNIT}\s+(?:are\s+(?:there\s+)?)?in\s+(?:a|an|one|(\d+(?:\.\d+)?))\s+{_UNIT}$",
    re.IGNORECASE,
)


def time_units(t: str) -> str | None:
    """'how many seconds in a week' -> '604800 seconds' (units.py's factors, said in the
    question's own unit word)."""
    m = _HOW_MANY_IN.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    count = Fraction(m.group(2)) if m.group(2) else Fraction(1)
    value = count * seconds_in(m.group(3)) / seconds_in(m.group(1))
    unit = m.group(1).lower()
    unit = unit if unit.endswith("s") else unit + "s"
    return f"{format_fraction(value)} {unit}"


# ----- statistics of a list -----

_NUM = r"-?\d[\d,]*(?:\.\d+)?(?![\d,])|-?\d+(?:\.\d+)?"
_STATS = re.compile(
    r"^(?:the\s+)?(?P<what>average|mean|arithmetic\s+mean|median|sum|total|product|"
    r"smallest|largest|minimum|maximum|min|max|range)"
    r"\s+(?:value\s+)?(?:of\s+)?(?:the\s+numbers\s+)?(?P<list>.+)$",
    re.IGNORECASE,
)


def _numbers(text: str) -> list[Fraction] | None:
    """'12, 15 and 21' / '4 8 15 16' -> the numbers; None when anything else stands there."""
    parts = [
        p for p in re.split(r"\s*(?:,\s+|;\s*|\s+and\s+|,\s*and\s+|\s+)\s*", text.strip()) if p
    ]
    if len(parts) < 2:
        return None
    out = []
    for p in parts:
        p = p.strip(",")
        if not re.fullmatch(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", p):
            return None
        out.append(Fraction(p.replace(",", "")))
    return out


# "what is my average if i got 80, 90 and 85", "my scores were 80 90 85, whats the mean"
_MY_STATS = re.compile(
    r"^(?:what(?:'s| is| would be)\s+|whats\s+)?(?:my|the)\s+(?P<what>average|mean|median)\s+"
    r"(?:score\s+|grade\s+|mark\s+)?(?:be\s+)?(?:if|when|with|for)\s+(?:i\s+(?:got|get|scored|have|had)\s+"
    r"|(?:my\s+)?(?:scores?|grades?|marks?|results?)\s+(?:of|are|were)\s+)?(?P<list>[-\d][\d.,\s]*(?:and\s+-?\d[\d.,]*)?)$"
    # "my test scores were 82 91 77 88 and 95 whats my avg", "highs this week were ... range"
    r"|^(?:[a-z']+(?:\s+|(?=:))){0,5}?(?:(?:are|were|was)\s+|:\s*)?(?P<list2>\d[\d.,\s]*(?:and\s+-?\d[\d.,]*)?)"
    r"(?:\s*(?:minutes|mins|hours|hrs|points|pts|dollars|degrees|miles|km|kg|lbs|pounds|seconds|secs|steps))?"
    r"\s*[-,.;:]?\s+"
    # "... 190 and 131. average?": the question may be the one word
    r"(?:(?:what(?:'s| is| was)|whats)\s+(?:my|the|their|its)\s+)?"
    r"(?P<what2>average|avg|mean|median|range|total|sum)$",
    re.IGNORECASE,
)


def statistics(t: str) -> str | None:
    """'average of 12, 15 and 21' -> '16 (the sum 48 divided by 3 numbers)'."""
    my = _MY_STATS.match(t.strip().rstrip("?!. "))
    if my is not None:
        what, items = my.group("what") or my.group("what2"), my.group("list") or my.group("list2")
        what = "average" if what.lower() == "avg" else what
        items = items.strip().rstrip(",.;")
        return statistics(f"{what} of {items.strip().rstrip(',')}")
    m = _STATS.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    xs = _numbers(m.group("list"))
    if xs is None:
        return None
    what = " ".join(m.group("what").lower().split())
    n = len(xs)
    total = sum(xs, Fraction(0))
    f = format_fraction
    if what in ("average", "mean", "arithmetic mean"):
        return f"{f(total / n)} (the sum {f(total)} divided by {n} numbers)"
    if what == "median":
        s = sorted(xs)
        mid = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
        how = (
            "the middle one" if n % 2 else f"halfway between {f(s[n // 2 - 1])} and {f(s[n // 2])}"
        )
        return f"{f(mid)} ({how} of the {n} numbers in order)"
    if what in ("sum", "total"):
        return f(total)
    if what == "product":
        p = Fraction(1)
        for x in xs:
            p *= x
        return f(p)
    if what in ("smallest", "minimum", "min"):
        return f(min(xs))
    if what in ("largest", "maximum", "max"):
        return f(max(xs))
    return f"{f(max(xs) - min(xs))} (from {f(min(xs))} to {f(max(xs))})"  # range


# ----- leap years, the weekday of a date -----

_LEAP = re.compile(r"^(?:is|was|will)\s+(\d{1,5})\s+(?:be\s+)?a\s+leap\s+year$", re.IGNORECASE)


def leap_year(t: str) -> str | None:
    """'is 2027 a leap year' -> 'No: 2027 is not a leap year (not divisible by 4)'."""
    m = _LEAP.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    y = int(m.group(1))
    if y % 400 == 0:
        return f"Yes: {y} is a leap year (divisible by 400)"
    if y % 100 == 0:
        return f"No: {y} is not a leap year (divisible by 100 but not by 400)"
    if y % 4 == 0:
        return f"Yes: {y} is a leap year (divisible by 4, not by 100)"
    return f"No: {y} is not a leap year (not divisible by 4)"


_LEAP_COUNT = re.compile(
    r"^how\s+many\s+leap\s+years\s+(?:are\s+there\s+|were\s+there\s+|will\s+there\s+be\s+)?"
    r"(?:from|between|in)\s+(?:the\s+years?\s+)?(\d{1,4})\s+(?:and|to|thru|through|-|until|till)"
    r"\s+(\d{1,4})(?:\s*\((inclusive|both included)\)|,?\s+(inclusive))?$",
    re.IGNORECASE,
)


def leap_years(t: str) -> str | None:
    """'how many leap years from 2001 thru 2100' -> '24 (2004, 2008, ..., 2096; 2100 is not:
    divisible by 100, not by 400)'. Both years count ("from 2001 to 2100" names a range of
    years, each of which is leap or not)."""
    m = _LEAP_COUNT.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    a, b = sorted((int(m.group(1)), int(m.group(2))))
    if a < 1 or b - a > 100_000:
        return None
    import calendar

    leap = [y for y in range(a, b + 1) if calendar.isleap(y)]
    if not leap:
        return f"0 leap years from {a} to {b} (both included)"
    shown = (
        ", ".join(str(y) for y in leap)
        if len(leap) <= 4
        else (f"{leap[0]}, {leap[1]}, ..., {leap[-1]}")
    )
    skipped = [y for y in range(a - a % 100 + 100 if a % 100 else a, b + 1, 100) if y % 400]
    note = (
        "; " + ", ".join(str(y) for y in skipped) + " not (a century year not divisible by 400)"
        if skipped
        else ""
    )
    n = len(leap)
    return f"{n} leap year{'s' if n != 1 else ''} from {a} to {b}, both included ({shown}{note})"


_A_DATE = (
    rf"(?:{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{1,4}})"
    rf"|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{1,4}})"
    r"|(\d{4})-(\d{2})-(\d{2}))"
)
_WEEKDAY = re.compile(
    r"^(?:what|which)\s+day(?:\s+of\s+the\s+week)?\s+(?:was|is|will\s+be|did|does|will)\s+"
    rf"{_A_DATE}(?:\s+(?:be|fall\s+on|fall|land\s+on))?$",
    re.IGNORECASE,
)


def weekday(t: str) -> str | None:
    """'what day of the week was July 4 1976' -> 'Sunday (4 July 1976)'."""
    # "what day of the week is christmas 2026": the holiday as its date first
    m = _WEEKDAY.match(holiday_dates(t.strip().rstrip("?!. ")))
    if m is None:
        return None
    g = m.groups()
    try:
        if g[0]:
            day = _dt.date(int(g[2]), _month(g[0]), int(g[1]))
        elif g[3]:
            day = _dt.date(int(g[5]), _month(g[4]), int(g[3]))
        else:
            day = _dt.date(int(g[6]), int(g[7]), int(g[8]))
    except ValueError:
        return None
    return f"{day:%A} ({day.day} {day:%B} {day.year})"


# ----- tips -----

_MONEY = r"([$€£])?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*([$€£])?"
_TIP = re.compile(
    r"^(?:(?:how\s+much\s+is|what(?:'s|\s+is)|calculate|work\s+out)\s+)?(?:(?:a|an|the)\s+)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:%|percent)\s+tip|tip\s+of\s+(\d+(?:\.\d+)?)\s*(?:%|percent))"
    rf"\s+(?:on|of|for)\s+(?:a|an|the|my)?\s*{_MONEY}"
    r"(?:\s*(?:dollars?|euros?|pounds?|bill|check|cheque|meal|tab|dinner|lunch))*$",
    re.IGNORECASE,
)


def tip(t: str) -> str | None:
    """'tip of 18% on $62.40' -> '$11.23 (18% of $62.40 = $11.232); $73.63 with the tip'."""
    m = _TIP.match(t.strip().rstrip("?!. "))
    if m is None:
        return None
    rate = Decimal(m.group(1) or m.group(2))
    bill = Decimal(m.group(4).replace(",", ""))
    return tip_answer(rate, bill, m.group(3) or m.group(5) or "$")


def tip_answer(rate: Decimal, bill: Decimal, cur: str) -> str:
    """The tip and the total, to the cent (half up), with the exact tip when it was rounded."""
    exact = bill * rate / 100
    cents = Decimal("0.01")
    tip_ = exact.quantize(cents, rounding=ROUND_HALF_UP)
    total = (bill + exact).quantize(cents, rounding=ROUND_HALF_UP)
    shown = f"{cur}{bill:,.2f}"
    more = "" if exact == tip_ else f" = {cur}{exact.normalize():f}"
    return (
        f"{cur}{tip_:,.2f} ({rate.normalize():f}% of {shown}{more}); {cur}{total:,.2f} with the tip"
    )


# ----- a runner's pace -----

_DIST = r"(?P<dist>\d+(?:\.\d+)?)\s*(?P<du>km|k|kilometers?|kilometres?|mi|miles?)\b"
_TIME = (
    r"(?:(?P<hms>\d+:\d{2}(?::\d{2})?)"
    r"|(?:(?P<h>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b\s*(?:and\s+)?)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b\s*(?:and\s+)?)?"
    r"(?:(?P<s>\d+)\s*(?:seconds?|secs?)\b)?)"
)
_RAN = re.compile(rf"{_DIST}[^.?!]{{0,40}}?\bin\s+{_TIME}", re.IGNORECASE)
_PER = re.compile(r"(?:per|/|a|each)\s*(?P<per>km|kilometer|kilometre|mi|mile)\b", re.IGNORECASE)
_KM_PER_MI = Fraction("1.609344")
# asked for (not "runs 3 miles in 30 minutes at a steady pace. How far ...")
_ASKS_PACE = re.compile(
    r"\bwhat(?:'s|\s+is|\s+was|\s+were)?\s+(?:(?:my|the|his|her|their|our|your)\s+)?"
    r"(?:average\s+)?pace\b|\bpace\s+(?:per|/|a)\b|\bpace\s*\?|\bmy\s+pace\b",
    re.IGNORECASE,
)


def pace(t: str) -> str | None:
    """'I ran 5 km in 27 minutes. what was my pace per km?' -> '5:24 per km (27 min over 5 km;
    11.11 km/h)'."""
    text = t.strip()
    if len(text) > 240 or not _ASKS_PACE.search(text):
        return None
    m = _RAN.search(text)
    if m is None:
        return None
    if m.group("hms"):
        parts = [int(x) for x in m.group("hms").split(":")]
        secs = (
            Fraction(parts[0] * 60 + parts[1])
            if len(parts) == 2
            else Fraction(parts[0] * 3600 + parts[1] * 60 + parts[2])
        )
    else:
        h, mi, s = m.group("h"), m.group("m"), m.group("s")
        if not (h or mi or s):
            return None
        secs = Fraction(h or 0) * 3600 + Fraction(mi or 0) * 60 + Fraction(s or 0)
    dist = Fraction(m.group("dist"))
    if dist <= 0 or secs <= 0:
        return None
    in_km = m.group("du").lower().startswith("k")
    km = dist if in_km else dist * _KM_PER_MI
    per = _PER.search(text[m.end() :]) or _PER.search(text)
    per_km = per.group("per").lower().startswith("k") if per else in_km
    unit = "km" if per_km else "mile"
    each = secs / km if per_km else secs / km * _KM_PER_MI
    whole = int(each + Fraction(1, 2))  # to the nearest second
    speed = km / secs * 3600 if per_km else km / _KM_PER_MI / secs * 3600
    speed_unit = "km/h" if per_km else "mph"
    return (
        f"{whole // 60}:{whole % 60:02d} per {unit} "
        f"({f'{float(secs / 60):.2f}'.rstrip('0').rstrip('.')} min over {m.group('dist')} "
        f"{m.group('du')}; "
        f"{float(speed):.2f} {speed_unit})"
    )


# ----- a time in one place, in another -----

_AT = (
    r"(?P<time>noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|\d{1,2}(?::\d{2})?\s+in\s+the\s+(?:morning|afternoon|evening)|\d{1,2}(?::\d{2})?\s+at\s+night"
    r"|\d{1,2}:\d{2})"
)
_PLACE = r"[a-z][a-z .'-]*?"
_ON = r"(?:,?\s+on\s+(?P<date>[a-z0-9 ,.-]+?))?"  # "on jan 15 2025": that day's offsets
_ZONE_TIME = [
    re.compile(
        rf"^(?:what(?:'s|\s+is)\s+|convert\s+)?{_AT}\s+(?:in\s+)?(?P<a>{_PLACE})(?:\s+time)?"
        rf"\s+(?:in|to|into)\s+(?P<b>{_PLACE})(?:\s+time)?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?:if|when)\s+)?it(?:'?s|\s+is)\s+{_AT}\s+in\s+(?P<a>{_PLACE}){_ON},?\s+"
        rf"what(?:'s|\s+is)?\s+(?:the\s+)?time(?:\s+is\s+it)?\s+in\s+(?P<b>{_PLACE})$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^what(?:'s|\s+is)?\s+(?:the\s+)?time(?:\s+is\s+it)?\s+in\s+(?P<b>{_PLACE}),?\s+"
        rf"(?:if|when)\s+it(?:'?s|\s+is)\s+{_AT}\s+in\s+(?P<a>{_PLACE}){_ON}$",
        re.IGNORECASE,
    ),
    re.compile(  # "call is at 9:00am los angeles time on july 10 2025. what time is that in tokyo"
        rf"^(?:[a-z']+\s+){{1,3}}?(?:is\s+|starts\s+|begins\s+)?at\s+{_AT}\s+(?:in\s+)?"
        rf"(?P<a>{_PLACE})(?:\s+time)?{_ON}\s*[,.;]?\s+what(?:'s|\s+is)?\s+(?:the\s+)?time\s+"
        rf"(?:is\s+(?:that|it)\s+|will\s+(?:that|it)\s+be\s+)?(?:for\s+me\s+)?in\s+(?P<b>{_PLACE})$",
        re.IGNORECASE,
    ),
    re.compile(  # "3pm in new york is what time in london"
        rf"^{_AT}\s+in\s+(?P<a>{_PLACE}){_ON},?\s+(?:is\s+)?what(?:\s+time)?(?:\s+is\s+(?:that|it))?"
        rf"\s+in\s+(?P<b>{_PLACE})$",
        re.IGNORECASE,
    ),
]


def _clock_time(text: str) -> tuple[int, int] | None:
    t = text.lower().replace(".", "")
    part = re.search(r"\s+(?:in\s+the\s+(morning)|in\s+the\s+(?:afternoon|evening)|at\s+night)$", t)
    if part is not None:  # "10:30 in the morning" is 10:30 am, "8 in the evening" 8 pm
        t = t[: part.start()] + ("am" if part.group(1) else "pm")
    t = t.replace(" ", "")
    if t == "noon":
        return 12, 0
    if t == "midnight":
        return 0, 0
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", t)
    if m is None:
        return None
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m.group(3) == "pm" else 0)
    if h > 23 or mi > 59:
        return None
    return h, mi


_ZoneRead = tuple[tuple[int, int], tuple[str, str], tuple[str, str], str]


def _zone_pattern(text: str) -> _ZoneRead | None:
    """The time, the place it is said in, the place asked about, the day (or "")."""
    for pat in _ZONE_TIME:
        m = pat.match(text)
        if m is None:
            continue
        hm = _clock_time(m.group("time"))
        za, zb = _zone(m.group("a")), _zone(m.group("b"))
        if hm is not None and za is not None and zb is not None:
            return hm, (m.group("a"), za), (m.group("b"), zb), m.groupdict().get("date") or ""
    return None


_ASK_ZONE = re.compile(
    rf"[,.;-]?\s*(?:what(?:'s|\s+is)?\s+(?:the\s+)?time(?:\s+and\s+(?:day|date))?\s+(?:is\s+(?:that|it)\s+|will\s+(?:that|it)\s+be\s+"
    rf"|would\s+(?:that|it)\s+be\s+)?|what(?:'s|s|\s+is)\s+(?:that|it)\s+)"
    # "for me in", "for my coworker in", "for my sister who lives in"
    r"(?:for\s+(?:me|us|you|him|her|them|(?:my|our|the|a)\s+[a-z]+(?:\s+[a-z]+)?)\s+"
    r"(?:(?:who|that)(?:'s|\s+is|\s+lives|\s+works|\s+are)\s+)?)?"
    rf"(?:here\s+)?in\s+(?P<b>{_PLACE})(?:\s+time)?$",
    re.IGNORECASE,
)


_IN_PLACE = re.compile(r"\bin\s+((?:[a-z.'-]+\s+){0,2}[a-z.'-]+)", re.IGNORECASE)
# "at 3pm new york time": the place the time is said in
_OWN_TIME = re.compile(r"\s+((?:[a-z.'-]+\s+){0,2}?[a-z.'-]+)\s+time\b", re.IGNORECASE)


def _places_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each "in <place>" the zone database knows, the longest run of
    words that names one ("in new york at 3pm" -> "new york")."""
    places = []
    for m in _IN_PLACE.finditer(text):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if _zone(name) is not None:
                places.append((m.start(1), m.start(1) + len(name), name))
                break
    return places


_ASK_THEM = re.compile(
    r"[,.;-]?\s*what\s+time\s+(?:will|would|is)\s+(?:it|that)\s+(?:be\s+)?"
    r"(?:for\s+(?:her|him|them)|there|over\s+there|where\s+(?:she|he|they)\s+(?:is|are|lives?))$",
    re.IGNORECASE,
)


def _zone_for_them(text: str) -> _ZoneRead | None:
    """'I need to call my sister in London at 3 pm New York time on November 3, 2025. What time
    will it be for her?': the time in its own place ("New York time"), the other place ("in
    London") the one asked about."""
    ask = _ASK_THEM.search(text)
    if ask is None:
        return None
    head = text[: ask.start()]
    times = list(re.finditer(_AT, head, re.IGNORECASE))
    if len(times) != 1:
        return None
    own = _OWN_TIME.match(head[times[0].end() :])
    if own is None or _zone(own.group(1)) is None:
        return None
    others = _places_in(head[: times[0].start()])
    if len(others) != 1:
        return None
    date = re.search(
        rf"\b(?:on\s+)?(?P<d>{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)\b",
        head[times[0].end() :],
        re.IGNORECASE,
    )
    off = times[0].end()
    spans = [(times[0].start(), times[0].end()), (others[0][0], others[0][1])]
    if date:
        spans.append((off + date.start("d"), off + date.end("d")))
    if _numbers_outside(head.lower(), spans):
        return None
    hm = _clock_time(times[0].group("time"))
    za, zb = _zone(own.group(1)), _zone(others[0][2])
    if hm is None or za is None or zb is None or za == zb:
        return None
    return hm, (own.group(1), za), (others[0][2], zb), date.group("d") if date else ""


def _zone_story(text: str) -> _ZoneRead | None:
    """'my coworker in mumbai wants to talk at 2pm her time on march 20 2025 what time is that
    for me in chicago': one clock time, one place before the question, the place asked about."""
    ask = _ASK_ZONE.search(text)
    if ask is None or _zone(ask.group("b")) is None:
        return _zone_for_them(text)
    head = text[: ask.start()]
    times = list(re.finditer(_AT, head, re.IGNORECASE))
    if len(times) != 1:
        return None
    places = _places_in(head)
    own = _OWN_TIME.match(head[times[0].end() :])
    if own is not None and _zone(own.group(1)) is not None:  # "at 3pm new york time"
        at = times[0].end() + own.start(1)
        places = [(at, at + len(own.group(1)), own.group(1))]
    else:  # "at 10am pacific on jan 8", "3pm EST"
        named = re.match(r"\s+([a-z]+)\b", head[times[0].end() :], re.IGNORECASE)
        if named is not None and named.group(1).lower() in _PLACE_ZONES and not places:
            at = times[0].end() + named.start(1)
            places = [(at, at + len(named.group(1)), named.group(1))]
    if len(places) != 1:
        return None
    date = (
        re.search(  # "on November 3, 2025"
            rf"\bon\s+(?P<d>{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,\s+\d{{4}})\b",
            head[times[0].end() :],
            re.IGNORECASE,
        )
        or re.search(
            r"\bon\s+(?P<d>[a-z0-9 ,.]+?)(?=\s*(?:[,.;]|\s-|$))",
            head[times[0].end() :],
            re.IGNORECASE,
        )
        or re.search(  # "4:30 pm los angeles time nov 12 2025": a month's name, no "on"
            rf"(?P<d>\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)(?=\s*(?:[,.;]|\s-|$))",
            head[times[0].end() :],
            re.IGNORECASE,
        )
    )
    said = date.group("d") if date else ""
    spans = [(times[0].start(), times[0].end()), (places[0][0], places[0][1])]
    if date:
        off = times[0].end()
        spans.append((off + date.start("d"), off + date.end("d")))
    if _numbers_outside(head.lower(), spans):
        return None
    hm = _clock_time(times[0].group("time"))
    za, zb = _zone(places[0][2]), _zone(ask.group("b"))
    if hm is None or za is None or zb is None or za == zb:
        return None
    return hm, (places[0][2], za), (ask.group("b"), zb), said


def zone_time(t: str, now: _dt.datetime | None = None) -> str | None:
    """'If it's 09:30 in Paris, what time is it in Tokyo?' -> '17:30 in Tokyo (Asia/Tokyo,
    UTC+09:00) when it is 09:30 in Paris (Europe/Paris, UTC+01:00), today'."""
    from zoneinfo import ZoneInfo

    text = t.strip().rstrip("?!. ")
    read = _zone_pattern(text) or _zone_story(text)
    if read is None:
        return None
    hm, (a, za), (b, zb), said = read
    now = now or _dt.datetime.now().astimezone()
    day = now.astimezone(ZoneInfo(za)).date()
    # "on wednesday november 5 2025 -": the date says the day
    said = re.sub(
        r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", "", said.strip(" ,.-"), flags=re.I
    )
    if said:
        on = _dates(said, day)
        if len(on) != 1 or on[0][0].group(0).strip() != said:
            return None  # a day that is not one clear date: not guessed
        day = on[0][1]
    there = _dt.datetime(day.year, day.month, day.day, *hm, tzinfo=ZoneInfo(za))
    here = there.astimezone(ZoneInfo(zb))
    shift = (here.date() - there.date()).days
    when = {1: " the next day", -1: " the day before"}.get(shift, "")
    name = {x: (x.upper() if len(x) <= 3 else x.title()) for x in (a, b)}
    return (
        f"{here:%H:%M} ({_twelve(here)}){when} in {name[b]} ({zb}, UTC{_offset(here)}) when it is "
        f"{there:%H:%M} in {name[a]} ({za}, UTC{_offset(there)}); "
        f"offsets as of {there:%A} {there.day} {there:%B}{f' {there.year}' if said else ''}"
    )


def _twelve(t: _dt.datetime) -> str:
    """'1:00 pm' for 13:00."""
    return f"{(t.hour % 12) or 12}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"


_OUT_OF = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:/|out\s+of|of)\s*(\d+(?:\.\d+)?)(?![\d.])")


def score_percent(t: str) -> str | None:
    """'got 43/50 on my chem quiz whats that as a percent' -> '86% (43 out of 50)'."""
    text = " ".join(t.lower().split()).rstrip("?!. ")
    if not re.search(
        r"\b(?:as\s+an?\s+|in\s+|what\s+|which\s+|my\s+)?(?:percent(?:age)?|%)\s*(?:is\s+(?:that|it))?$"
        r"|\bwhat\s+(?:percent(?:age)?|%)\b|\bpercent(?:age)?\s+(?:is|did|was)\b",
        text,
    ):
        return None
    if not re.search(
        r"\b(?:got|get|scored?|score|made|answered|hit|passed|correct|right|out\s+of)\b|/", text
    ):
        return None
    m = _OUT_OF.search(text)
    if m is None or len(re.findall(r"\d+(?:\.\d+)?", text)) != 2:
        return None
    if NUMBER_WORDS.search(text):
        return None
    a, b = Fraction(m.group(1)), Fraction(m.group(2))
    if b == 0:
        return None
    pct = a / b * 100
    shown = format_fraction(pct) if (pct * 100).denominator == 1 else f"≈{float(pct):.2f}"
    return f"{shown.split(' = ')[-1]}% ({m.group(1)} out of {m.group(2)})"


_NUMER = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11}  # fmt: skip
_DENOM = {"half": 2, "halves": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
          "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "twelfth": 12, "sixteenth": 16,
          "twentieth": 20, "hundredth": 100}  # fmt: skip
_SPELLED = re.compile(
    rf"^(?:what(?:'s|\s+is)\s+|whats\s+|convert\s+|write\s+)?({'|'.join(_NUMER)})[\s-]+"
    rf"({'|'.join(sorted(_DENOM, key=len, reverse=True))})s?\s+(?:as|in|to|into)\s+(?:a\s+)?"
    r"(decimal|percent(?:age)?|%)$",
    re.IGNORECASE,
)


def spelled_fraction(t: str) -> str | None:
    """'seven eighths as a decimal' -> '0.875 (7/8)'."""
    m = _SPELLED.match(" ".join(t.split()).rstrip("?!. "))
    if m is None:
        return None
    f = Fraction(_NUMER[m.group(1).lower()], _DENOM[m.group(2).lower()])
    if m.group(3).lower() == "decimal":
        exact = (f * 10**6).denominator == 1
        return f"{'' if exact else '≈'}{float(f):.6g} ({f.numerator}/{f.denominator})"
    pct = f * 100
    exact = (pct * 100).denominator == 1
    return f"{'' if exact else '≈'}{float(pct):.4g}% ({f.numerator}/{f.denominator})"


_SCIENTIFIC = re.compile(
    r"^(?:how\s+(?:do|would|can|should)\s+(?:i|you|we)\s+(?:write|express)\s+|write\s+|express\s+"
    r"|convert\s+|put\s+)?(?P<n>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)\s+"
    r"(?:(?P<s>thousand|million|billion|trillion)\s+)?(?:in|as|to|into|using)\s+(?:scientific|exponential)(?:\s+notation|\s+form)?$",
    re.IGNORECASE,
)


_SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCI_NUM = re.compile(
    r"(?<![\d.])(?P<n>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)"
    r"(?:\s+(?P<s>thousand|million|billion|trillion))?(?![\d.,]\d)",
    re.IGNORECASE,
)


def _sci_told(text: str) -> re.Match[str] | None:
    """'the body has roughly 37.2 trillion cells, how do i write that in scientific notation':
    one number (with its scale word) anywhere, scientific notation asked for."""
    wants = re.search(
        r"\b(?:in|as|to|into|using)\s+(?:scientific|exponential)\s+(?:notation|form)\b", text, re.I
    )
    if not wants or not re.search(r"\b(?:how|what|whats|write|express|convert|put)\b", text, re.I):
        return None
    found = list(_SCI_NUM.finditer(text))
    return found[0] if len(found) == 1 else None


def scientific(t: str) -> str | None:
    """'how do i write 45600000 in scientific notation' -> '4.56 × 10^7'."""

    text = " ".join(t.split()).rstrip("?!. ")
    m = _SCIENTIFIC.match(text) or _sci_told(text)
    if m is None:
        return None
    d = Decimal(m.group("n").replace(",", ""))
    scale = m.groupdict().get("s")
    if scale:
        d *= _SCALE_WORDS[scale.lower()]
    if d == 0:
        return "0 × 10^0"
    sign, digits, exp = d.normalize().as_tuple()
    assert isinstance(exp, int)
    e = len(digits) - 1 + exp
    mant = "".join(str(x) for x in digits)
    mant = mant[0] + ("." + mant[1:] if len(mant) > 1 else "")
    return f"{'-' if sign else ''}{mant} × 10^{e} ({'-' if sign else ''}{mant}e{e})"


# ----- unit prices -----

_OFFER = re.compile(
    r"(?P<q>\d+(?:\.\d+)?)\s*-?\s*(?P<u>[a-z]+)\b(?:\s+(?!for\b|at\b)[a-z]+){0,3}?"
    r"\s*(?:for|at|@|-|–|,|:)?\s*\$(?P<p>\d+(?:\.\d+)?)"
    r"|\$(?P<p2>\d+(?:\.\d+)?)\s+(?:for|per)\s+(?:a\s+|the\s+)?(?P<q2>\d+(?:\.\d+)?)\s*-?\s*(?P<u2>[a-z]+)\b",
    re.IGNORECASE,
)
_PRICE_UNIT = {"ounce": "oz", "ounces": "oz", "oz": "oz", "lb": "lb", "lbs": "lb", "pound": "lb",
               "pounds": "lb", "g": "g", "gram": "g", "grams": "g", "kg": "kg", "ml": "ml",
               "l": "l", "liter": "l", "litre": "l", "liters": "l", "litres": "l",
               "roll": "roll", "rolls": "roll", "pack": "pack", "packs": "pack", "can": "can",
               "cans": "can", "bottle": "bottle", "bottles": "bottle", "count": "item", "ct": "item",
               "pk": "item", "sheets": "sheet", "sheet": "sheet", "bag": "bag", "bags": "bag",
               "pods": "pod", "pod": "pod", "eggs": "egg", "egg": "egg", "diapers": "diaper",
               "gallon": "gal", "gallons": "gal", "gal": "gal", "fl": "fl oz"}  # fmt: skip
_BETTER = re.compile(
    r"\bcheaper\b|\bbetter\s+(?:deal|buy|value|price|to\s+buy)\b|\bis\s+it\s+better\b"
    r"|\b(?:lower|lowest)\s+(?:price|cost)\b|\bbest\s+(?:deal|buy|value|price)\b"
    r"|\bless\s+per\b|\bcheapest\b",
    re.IGNORECASE,
)


def _measure(word: str) -> tuple[str, str, Fraction] | None:
    """(shown unit, kind, size of one in the kind's base) for a price's unit: "oz" -> mass,
    "liter" -> volume, "rolls" -> a count of rolls."""
    sym = (
        _unit(word)
        if word.lower() not in ("roll", "rolls", "can", "cans", "pack", "packs")
        else None
    )
    if sym is not None and _UNITS[sym][0] in ("mass", "volume"):
        return sym, _UNITS[sym][0], _UNITS[sym][1]
    unit = _PRICE_UNIT.get(word.lower())
    return (unit, unit, Fraction(1)) if unit else None


def unit_price(t: str) -> str | None:
    """'which is cheaper per ounce, the 24 oz peanut butter for $4.29 or the 32 oz one for
    $5.49' -> 'the 32 oz for $5.49: $0.1716 per oz (...)'; 'how much per ounce is a 16 oz bag
    for $4.80' -> '$0.3000 per oz'. Every number is an amount or a price."""
    text = " ".join(t.split())
    offers = []
    for m in _OFFER.finditer(text):
        q, u, p = (m["q"], m["u"], m["p"]) if m["q"] else (m["q2"], m["u2"], m["p2"])
        got = _measure(u)
        if got is None:
            return None
        offers.append((Fraction(q), got, Fraction(p), u))
    if len(re.findall(r"\d+(?:\.\d+)?", text)) != 2 * len(offers) or any(o[0] == 0 for o in offers):
        return None

    def cents(v: Fraction) -> str:
        return f"${Decimal(v.numerator) / Decimal(v.denominator):.4f}"

    if len(offers) == 1:
        per = re.search(r"\bper\s+([a-z]+)\b|\bunit\s+price\b|\bprice\s+per\s+unit\b", text, re.I)
        if per is None or not re.search(r"\bhow\s+much\b|\bwhat(?:'s|s|\s+is)\b", text, re.I):
            return None
        q, (sym, kind, size), p, u = offers[0]
        want = _measure(per.group(1)) if per.group(1) else (sym, kind, size)
        if want is None or want[1] != kind:
            return None
        v = p / (q * size / want[2])
        return f"{cents(v)} per {want[0]} (${float(p):.2f} for {q.numerator if q.denominator == 1 else float(q):g} {u})"
    if len(offers) != 2 or not _BETTER.search(text):
        return None
    (q1, m1, p1, u1), (q2, m2, p2, u2) = offers
    if m1[1] != m2[1]:
        return None
    base = m1  # the first offer's unit: "2 liter for $2.49 or 500 ml for $0.99" -> per l
    rated = [(p / (q * m[2] / base[2]), q, p, u) for q, m, p, u in offers]

    def shown(v: Fraction, q: Fraction, p: Fraction, u: str) -> str:
        amount = f"{q.numerator}" if q.denominator == 1 else f"{float(q):g}"
        return f"{amount} {u} for ${float(p):.2f}: {cents(v)} per {base[0]}"

    if rated[0][0] == rated[1][0]:
        return f"the same price per {base[0]} ({'; '.join(shown(*x) for x in rated)})"
    best = 0 if rated[0][0] < rated[1][0] else 1
    return f"the {shown(*rated[best])} (the other: {shown(*rated[1 - best])})"


def answer(t: str) -> str | None:
    """The answer when t is one of these everyday questions, else None."""
    for fn in (
        clock,
        days_until,
        days_between_holidays,
        time_units,
        statistics,
        leap_year,
        leap_years,
        scientific,
        score_percent,
        spelled_fraction,
        weekday,
        tip,
        convert,
        compound,
        zone_time,
        pace,
        unit_price,
        paint,
    ):
        out = fn(t)
        if out is not None:
            return out
    return None
