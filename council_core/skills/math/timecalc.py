"""Time and date arithmetic on times and dates the question gives (no clock needed): a time of
day plus or minus a duration ("what time is it 90 minutes after 10:45"), the time between two
times of day ("how long from 9:15am to 5:40pm"), a date plus or minus days, weeks, months or
years ("what date is 100 days after 2025-03-01"), the days between two dates, and an age on a
date ("how old was someone born 12 March 1990 on 1 Jan 2020").

Each function returns the answer in words, or None when the text is not that question; every
number of the question must be part of a time, a date or the duration (a story with more in it
goes on to the word-problem skill).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from fractions import Fraction

from .formulas import _MONTH, _month, days_between

# ----- times of day and durations -----

_CLOCK = re.compile(
    r"\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?![a-z])"
    r"|\b(?P<h2>\d{1,2}):(?P<m2>\d{2})(?!\d)(?!\s*(?:hours?|hrs?|minutes?|mins?)\b)"
    r"|\b(?P<word>noon|midday|midnight)\b",
    re.IGNORECASE,
)
_DUR_PART = re.compile(
    r"(?P<nh>\d+)\s+and\s+a\s+half\s+(?P<uh>hours?|hrs?|minutes?|mins?)\b"
    r"|(?P<n>\d+(?:\.\d+)?)(?:\s*|-)(?P<u>hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b"
    r"|(?P<half>half an hour|an hour and a half|a half hour|an hour|a quarter of an hour|"
    r"quarter of an hour|a minute|and a half)",
    re.IGNORECASE,
)
_HALF = {
    "half an hour": 1800, "a half hour": 1800, "an hour and a half": 5400, "an hour": 3600,
    "a quarter of an hour": 900, "quarter of an hour": 900, "a minute": 60, "and a half": 0,
}  # fmt: skip


def _clock(m: re.Match[str]) -> int | None:
    """Seconds after midnight of a matched time of day."""
    if m.group("word"):
        return 0 if m.group("word").lower() == "midnight" else 12 * 3600
    if m.group("h2") is not None:
        h, mi = int(m.group("h2")), int(m.group("m2"))
        if h > 23 or mi > 59:
            return None
        return h * 3600 + mi * 60
    h, mi = int(m.group("h")), int(m.group("m") or 0)
    if not 1 <= h <= 12 or mi > 59:
        return None
    pm = m.group("ap").lower().startswith("p")
    h = h % 12 + (12 if pm else 0)
    return h * 3600 + mi * 60


def _durations(text: str) -> list[tuple[int, int, int]]:
    """(seconds, start, end) of each duration, seconds rounded to whole ones."""
    return [(round(x), a, b) for x, a, b in durations(text)]


def durations(text: str) -> list[tuple[Fraction, int, int]]:
    """(seconds, start, end) of each run of duration parts ("2 hours 15 minutes" is one)."""
    out: list[tuple[Fraction, int, int]] = []
    for m in _DUR_PART.finditer(text):
        if m.group("half") and m.group("half").lower() == "and a half":
            # "2 hours and a half": half of the unit just read
            if (
                not out
                or out[-1][2] != m.start() - 1
                or not re.search(r"hours?\s*$", text[: m.start()])
            ):
                continue
            s0, a, _ = out[-1]
            out[-1] = (s0 + 1800, a, m.end())
            continue
        if m.group("nh"):
            mult = 3600 if m.group("uh").lower().startswith("h") else 60
            secs = (int(m.group("nh")) + Fraction(1, 2)) * mult
        elif m.group("half"):
            secs = Fraction(_HALF[m.group("half").lower()])
        else:
            u = m.group("u").lower()
            if u in ("m", "s") and not (out and out[-1][2] >= m.start() - 1):
                continue  # "50m" alone is a distance; "1h 50m" is a duration
            if u == "m" and re.match(r"\s*\d", text[m.end() :]):
                continue
            mult = 3600 if u.startswith("h") else 60 if u.startswith("m") else 1
            secs = Fraction(m.group("n")) * mult
        if out and re.fullmatch(r"[\s,]*(?:and\s*)?", text[out[-1][2] : m.start()]):
            s0, a, _ = out[-1]
            out[-1] = (s0 + secs, a, m.end())
        else:
            out.append((secs, m.start(), m.end()))
    return out


def _hm(secs: int) -> str:
    h, rem = divmod(abs(secs), 3600)
    mi, s = divmod(rem, 60)
    parts = []
    if h:
        parts.append(f"{h} hour{'s' if h != 1 else ''}")
    if mi:
        parts.append(f"{mi} minute{'s' if mi != 1 else ''}")
    if s:
        parts.append(f"{s} second{'s' if s != 1 else ''}")
    return " ".join(parts) or "0 minutes"


def _show(secs: int) -> str:
    """'13:05 (1:05 pm)'."""
    secs %= 86400
    h, rem = divmod(secs, 3600)
    mi, s = divmod(rem, 60)
    ap = "am" if h < 12 else "pm"
    h12 = h % 12 or 12
    sec = f":{s:02d}" if s else ""
    return f"{h:02d}:{mi:02d}{sec} ({h12}:{mi:02d}{sec} {ap})"


# numbers in words: a story that says "for five days" has more in it than the formula
NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|twice|thrice|double|triple|half|dozen|quarter)\b",
    re.IGNORECASE,
)


def _numbers_outside(text: str, spans: list[tuple[int, int]]) -> bool:
    """A number of text (in digits or in words) that is in none of spans."""
    for m in [*re.finditer(r"\d+(?:[.,]\d+)*", text), *NUMBER_WORDS.finditer(text)]:
        if not any(a <= m.start() and m.end() <= b for a, b in spans):
            return True
    return False


_MINUS = re.compile(
    r"\b(?:before|earlier than|ago|earlier|minus|subtract(?:ed)?|back|prior to)\b|-\s*$"
)
_PLUS = re.compile(
    r"\b(?:after|from|past|later|later than|plus|add(?:ed)?|in|finish|end|ends|done|takes|lasts|"
    r"last|long|for)\b|\+"
)
_ASKS_TIME = re.compile(
    r"\bwhat\s+time\b|\bwhen\b|\btime\s+(?:will|would|is|was)\b|\bwhat(?:'s|\s+is)\s+\d|"
    r"\b(?:plus|minus|add|subtract)\b|[+]|\bwhat\s+will\s+the\s+clock\b|\bclock\b",
    re.IGNORECASE,
)


def clock_shift(t: str) -> str | None:
    """'what time is it 90 minutes after 10:45' -> '12:15 (12:15 pm); 10:45 + 1 hour 30
    minutes'."""
    text = " ".join(t.lower().split()).rstrip("?!. ")
    clocks = [m for m in _CLOCK.finditer(text) if _clock(m) is not None]
    durs = _durations(text)
    if len(clocks) != 1 or len(durs) != 1:
        return None
    c, (secs, a, b) = clocks[0], durs[0]
    rest = (text[: min(a, c.start())] + " " + text[max(b, c.end()) :]).strip()
    bare = re.fullmatch(
        r"(?:(?:what(?:'s| is)|whats)\s+)?(?:(?:the\s+)?time(?:\s+(?:is|was))?)?", rest
    )
    if not (_ASKS_TIME.search(text) or bare):
        return None
    if c.start() < b and a < c.end():
        return None
    if _numbers_outside(text, [(c.start(), c.end()), (a, b)]):
        return None
    # the word that ties the duration to the time: "90 minutes after 10:45", "10:45 plus 90 min"
    link = text[c.end() : a] if a > c.end() else text[b : c.start()]
    after_dur = text[b : b + 30]
    if re.search(r"\b(?:in|after)\s*$", text[:a]) and not _MINUS.search(link):
        link += " in"  # "what time will it be in 3 hours if it's 10pm"
    arrive = re.search(
        r"(?:\b(?:be there|be at|be in|be home|be back|get there|arrive|land|finish|be done|be ready)"
        r"\b[^\d]{0,12}|\bby\s*)$",
        text[: c.start()],
    )
    if arrive and re.search(
        r"\b(?:what time|when)\b[^\d]{0,25}\b(?:leave|start|set off|depart|wake up|get up|begin|go)\b",
        text,
    ):
        # "be there at 9am and it takes 40 minutes: what time should I leave" counts back
        start = _clock(c)
        assert start is not None
        h, rem = divmod(start, 3600)
        return f"{_show(start - secs)}: {h:02d}:{rem // 60:02d} - {_hm(secs)}"
    minus = bool(_MINUS.search(link) or re.match(r"\s*(?:ago|earlier|before)\b", after_dur))
    plus = bool(_PLUS.search(link) or re.match(r"\s*(?:later|after|from now)\b", after_dur))
    if (
        not minus
        and not plus
        and re.search(
            r"\b(?:start\w*|begin\w*|began|leave|left|depart\w*|set off|at)\b",
            text[: c.start()] + link,
        )
        and re.search(
            r"\b(?:finish\w*|end\w*|arriv\w*|done|get\s+(?:back|there|home|out)|land\w*|over"
            r"|let\s+out|wrap\w*|out)\b",
            text,
        )
    ):
        plus = True  # "I started at 7:45 and worked 8 hours, when did I finish"
    if minus == plus:
        if not (plus and minus and re.search(r"\bbefore\b|\bago\b|\bminus\b|\bsubtract", link)):
            return None
        plus = False
    start = _clock(c)
    assert start is not None
    end = start + secs if plus else start - secs
    day = ""
    if end >= 86400:
        day = " the next day" if end < 2 * 86400 else f" {end // 86400} days later"
    elif end < 0 and (c.group("word") or "").lower() != "midnight":
        day = " the day before"
    sign = "+" if plus else "-"
    h, rem = divmod(start, 3600)
    return f"{_show(end)}{day}: {h:02d}:{rem // 60:02d} {sign} {_hm(secs)}"


_BETWEEN_ASK = re.compile(
    r"\bhow\s+(?:long|many\s+(?:hours|minutes|mins|hrs))\b|\bduration\b|\btime\s+between\b|"
    r"\bhours?\s+(?:between|from)\b|\bminutes?\s+(?:between|from)\b|\bhow\s+much\s+time\b|"
    r"\belapsed\b|\bhow\s+many\s+hours\s+did\s+(?:i|you|we|he|she|they)\b|\bhow\s+much\s+sleep\b"
    r"|\bhow\s+many\s+hours\s+(?:of\s+sleep|is\s+that|was\s+that)\b",
    re.IGNORECASE,
)


def clock_between(t: str) -> str | None:
    """'how long from 9:15am to 5:40pm' -> '8 hours 25 minutes (505 minutes, ≈8.42 hours)'."""
    text = " ".join(t.lower().split()).rstrip("?!. ")
    clocks = [m for m in _CLOCK.finditer(text) if _clock(m) is not None]
    durs = _durations(text)
    if len(clocks) != 2 or len(durs) > 1 or not _BETWEEN_ASK.search(text):
        return None
    # "took a 30-minute unpaid lunch": one break taken off the time worked
    pause = None
    if durs:
        secs0, da, db = durs[0]
        near = text[max(0, da - 25) : db + 25]
        if not re.search(r"\b(?:lunch|break|unpaid|off)\b", near) or da < clocks[1].end():
            return None
        pause = (secs0, da, db)
    spans = [(m.start(), m.end()) for m in clocks] + ([(pause[1], pause[2])] if pause else [])
    if _numbers_outside(text, spans):
        return None
    if not re.search(
        r"\b(?:to|and|until|till|til|-|–|out|left|ended|finished|stopped)\b|[-–]",
        text[clocks[0].end() : clocks[1].start()],
    ):
        return None
    a, b = _clock(clocks[0]), _clock(clocks[1])
    assert a is not None and b is not None
    secs = b - a
    night = ""
    if secs <= 0:
        secs += 86400
        night = ", overnight"
    if pause is not None:
        if pause[0] >= secs:
            return None
        secs -= pause[0]
        night += f"; {_hm(secs + pause[0])} less a {_hm(pause[0])} break"
    mins = secs / 60
    hours = secs / 3600
    hours_s = f"{hours:g}" if abs(hours * 100 - round(hours * 100)) < 1e-9 else f"≈{hours:.2f}"
    return f"{_hm(secs)} ({mins:g} minutes, {hours_s} hours{night})"


# ----- dates -----

_DATE = re.compile(
    r"\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b"
    rf"|\b{_MONTH.replace('(', '(?P<m1>', 1)}\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH.replace('(', '(?P<m2>', 1)}\.?(?:,?\s+(?P<y2>\d{{4}}))?\b",
    re.IGNORECASE,
)


def _date(m: re.Match[str], today: _dt.date) -> tuple[_dt.date, bool] | None:
    """The date and whether its year was given."""
    try:
        if m.group("iy"):
            return _dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))), True
        if m.group("m1"):
            y = m.group("y1")
            return _dt.date(int(y or today.year), _month(m.group("m1")), int(m.group("d1"))), bool(
                y
            )
        y = m.group("y2")
        return _dt.date(int(y or today.year), _month(m.group("m2")), int(m.group("d2"))), bool(y)
    except ValueError:
        return None


def _dates(text: str, today: _dt.date) -> list[tuple[re.Match[str], _dt.date, bool]]:
    out = []
    for m in _DATE.finditer(text):
        d = _date(m, today)
        if d is not None:
            out.append((m, d[0], d[1]))
    return out


def _long(d: _dt.date, month_first: bool = False) -> str:
    """The date as ISO and in words, in the order the user wrote ("march 15" -> "June 13")."""
    if month_first:
        return f"{d.isoformat()} ({d:%A}, {d:%B} {d.day}, {d.year})"
    return f"{d.isoformat()} ({d:%A} {d.day} {d:%B} {d.year})"


def _add_months(d: _dt.date, months: int) -> _dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_SPAN = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def date_shift(t: str, today: _dt.date | None = None) -> str | None:
    """'what date is 100 days after 2025-03-01' -> '2025-06-09 (Monday 9 June 2025)'."""
    today = today or _dt.date.today()
    text = " ".join(t.lower().split()).rstrip("?!. ")
    dates = _dates(text, today)
    spans = list(_SPAN.finditer(text))
    twice: list[tuple[int, int]] = []
    if len(spans) == 2 and spans[0].group(0).rstrip("s") == spans[1].group(0).rstrip("s"):
        # "a 90 day trial starting ..., what date is it 90 days after that": one span, said twice
        twice = [(spans[0].start(), spans[0].end())]
        spans = spans[1:]
    if len(dates) != 1 or len(spans) != 1:
        return None
    if not re.search(
        r"\bwhat\s+(?:date|day)\b|\bwhich\s+(?:date|day)\b|\bwhen\b|\bdate\b|\bwill it be\b|\bis it\b",
        text,
    ):
        return None
    (dm, d, has_year), sm = dates[0], spans[0]
    if _numbers_outside(text, [(dm.start(), dm.end()), (sm.start(), sm.end()), *twice]):
        return None
    link = text[sm.end() : dm.start()] if sm.end() <= dm.start() else text[dm.end() : sm.start()]
    if dm.end() <= sm.start():  # "... february 10 2024, what date is it 90 days after that"
        back = re.match(
            r"\s*(after|later|from|past|before|earlier|prior)\s+(?:that|it|this|then)\b",
            text[sm.end() :],
        )
        if back is None and re.match(
            r"(?:today(?:'s|\s+is)|it(?:'s|\s+is)(?:\s+now)?)\s*$", text[: dm.start()].strip()
        ):
            # "today's sept 14 2025, what date is 90 days from now": the date said is today
            back = re.match(
                r"\s*(from|after|before|ago)\s+(?:now|today)\b|\s*(ago)\b", text[sm.end() :]
            )
            if back is not None and back.group(2):
                back = re.match(r"\s*(ago)\b", text[sm.end() :])
        if back is not None:
            link = back.group(1)
    if re.search(r"\b(?:before|prior to|earlier than|minus|ago|earlier|prior)\b", link):
        sign = -1
    elif re.search(r"\b(?:after|from|past|later than|plus|following|since)\b|\+", link):
        sign = 1
    else:
        return None
    word = sm.group(1).lower()
    n, unit = (_SMALL[word] if word in _SMALL else int(word)), sm.group(2).lower().rstrip("s")
    if unit == "day":
        out = d + _dt.timedelta(days=sign * n)
    elif unit == "week":
        out = d + _dt.timedelta(weeks=sign * n)
    elif unit == "month":
        out = _add_months(d, sign * n)
    else:
        out = _add_months(d, sign * 12 * n)
    year = "" if has_year else f" (taking {d.year} for the year)"
    word = "after" if sign > 0 else "before"
    return f"{_long(out, bool(dm.group('m1')))}: {n} {unit}{'s' if n != 1 else ''} {word} {d.isoformat()}{year}"


def dates_between(t: str, today: _dt.date | None = None) -> str | None:
    """'how many days between 2024-01-01 and 2024-03-01' -> '60 days'."""
    today = today or _dt.date.today()
    if days_between(t, today) is not None:
        return None  # month-name dates: formulas.days_between answers them
    text = " ".join(t.lower().split()).rstrip("?!. ")
    m = re.search(r"\bhow\s+many\s+(days|weeks)\b|\b(days|weeks)\s+(?:between|from)\b", text)
    if m is None:
        return None
    dates = _dates(text, today)
    if len(dates) != 2 or _numbers_outside(text, [(x.start(), x.end()) for x, _, _ in dates]):
        return None
    a, b = dates[0][1], dates[1][1]
    if not (dates[0][2] and dates[1][2]):
        return None  # a date without a year: formulas.days_between's reading
    n = (b - a).days
    unit = m.group(1) or m.group(2)
    both = bool(
        re.search(
            r"\binclusive\b|\bcounting both\b|\bincluding both\b|\bboth (?:days|dates) included\b",
            text,
        )
    )
    days = abs(n) + (1 if both else 0)
    note = ", counting both dates" if both else ""
    if unit == "weeks":
        w, r = divmod(days, 7)
        rest = f" and {r} day{'s' if r != 1 else ''}" if r else ""
        return f"{w} week{'s' if w != 1 else ''}{rest} ({days} days{note})"
    return f"{days} day{'s' if days != 1 else ''} (from {a.isoformat()} to {b.isoformat()}{note})"


def age_on(t: str, today: _dt.date | None = None) -> str | None:
    """'how old was someone born 12 march 1990 on 1 jan 2020' -> '29 years old (...)'."""
    today = today or _dt.date.today()
    text = " ".join(t.lower().split()).rstrip("?!. ")
    if not re.search(r"\bborn\b|\bbirth", text) or not re.search(r"\bhow old\b|\bage\b", text):
        return None
    dates = _dates(text, today)
    if len(dates) != 2 or not (dates[0][2] and dates[1][2]):
        return None
    if _numbers_outside(text, [(x.start(), x.end()) for x, _, _ in dates]):
        return None
    # the birth date is the one after "born"
    first_born = re.search(r"\b(?:born|birth\w*)\b[^\d]{0,20}$", text[: dates[0][0].start()])
    born, on = (dates[0][1], dates[1][1]) if first_born else (dates[1][1], dates[0][1])
    if on < born:
        return None
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    last = _add_months(born, 12 * years)
    months = 0
    while _add_months(last, months + 1) <= on:
        months += 1
    days = (on - _add_months(last, months)).days
    return (
        f"{years} years old on {on.day} {on:%B} {on.year} (born {born.day} {born:%B} {born.year}; "
        f"exactly {years} years, {months} months and {days} days)"
    )


_AGE_IN = re.compile(
    r"^(?:if\s+)?(?:i\s+was\s+|i'?m\s+|someone\s+|he\s+was\s+|she\s+was\s+)?born\s+in\s+(?P<born>\d{4})"
    r"\s*[,.;]?\s*(?:so\s+)?(?P<q>what\s+age\s+(?:do|will|did)\s+(?:i|they|he|she|you)\s+turn"
    r"|how\s+old\s+(?:will|would|am|was|do|did)\s+(?:i|they|he|she|you)(?:\s+be|\s+turn)?"
    r"|what\s+age\s+(?:will|would|am|was)\s+(?:i|they|he|she|you)(?:\s+be)?)"
    r"\s+in\s+(?P<year>\d{4})$",
    re.IGNORECASE,
)


def age_in_year(t: str) -> str | None:
    """'born in 1987, what age do i turn in 2030' -> '43'; 'how old will I be in 2030' ->
    '43 after your birthday in 2030 (42 before it)'."""
    m = _AGE_IN.match(" ".join(t.split()).rstrip("?!. "))
    if m is None:
        return None
    born, year = int(m.group("born")), int(m.group("year"))
    n = year - born
    if n < 1:
        return None
    if re.search(r"\bturn\b", m.group("q"), re.IGNORECASE):
        return f"{n} (you turn {n} in {year}: {year} - {born})"
    return f"{n} after the birthday in {year}, {n - 1} before it ({year} - {born} = {n})"


def holiday_dates(t: str) -> str:
    """A holiday named with its year as that date: "christmas 2025" -> "2025-12-25",
    "thanksgiving of 2024" -> "2024-11-28" (a holiday without a year is left as it is)."""
    from .holidays import HOLIDAYS as _HOLIDAYS

    names = "|".join(re.escape(n) for n in sorted(_HOLIDAYS, key=len, reverse=True))
    # "christmas 2025", "thanksgiving of 2024", "halloween on in 2026" ("what day is halloween on in 2026")
    pat = re.compile(rf"\b(?:{names})(?:\s+(?:on\s+)?(?:of|in))?,?\s+(\d{{4}})\b", re.IGNORECASE)

    def iso(m: re.Match[str]) -> str:
        name = m.group(0)[: m.start(1) - m.start(0)].lower().rstrip(" ,")
        name = re.sub(r"\s+(?:on\s+)?(?:of|in)$", "", name)
        return _HOLIDAYS[name](int(m.group(1))).isoformat()

    return pat.sub(iso, t)


def answer(t: str, today: _dt.date | None = None) -> str | None:
    for fn in (clock_shift, clock_between, age_in_year):
        out = fn(t)
        if out is not None:
            return out
    t = holiday_dates(t)
    for fn2 in (age_on, dates_between, date_shift):
        out = fn2(t, today)
        if out is not None:
            return out
    return None
