"""Holidays by name: the date of each in a given year (fixed dates, Easter, US Thanksgiving).
Shared by the countdown reader (everyday.py) and the date arithmetic (timecalc.py)."""

from __future__ import annotations

import datetime as _dt


def _easter(year: int) -> _dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return _dt.date(year, month, day)


def _thanksgiving(year: int) -> _dt.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = _dt.date(year, 11, 1)
    return first + _dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


HOLIDAYS = {
    "christmas eve": lambda y: _dt.date(y, 12, 24),
    "christmas day": lambda y: _dt.date(y, 12, 25),
    "christmas": lambda y: _dt.date(y, 12, 25),
    "xmas": lambda y: _dt.date(y, 12, 25),
    "boxing day": lambda y: _dt.date(y, 12, 26),
    "new year's eve": lambda y: _dt.date(y, 12, 31),
    "new years eve": lambda y: _dt.date(y, 12, 31),
    "new year's day": lambda y: _dt.date(y, 1, 1),
    "new years day": lambda y: _dt.date(y, 1, 1),
    "new year's": lambda y: _dt.date(y, 1, 1),
    "new years": lambda y: _dt.date(y, 1, 1),
    "new year": lambda y: _dt.date(y, 1, 1),
    "halloween": lambda y: _dt.date(y, 10, 31),
    "valentine's day": lambda y: _dt.date(y, 2, 14),
    "valentines day": lambda y: _dt.date(y, 2, 14),
    "valentine's": lambda y: _dt.date(y, 2, 14),
    "st patrick's day": lambda y: _dt.date(y, 3, 17),
    "st. patrick's day": lambda y: _dt.date(y, 3, 17),
    "the fourth of july": lambda y: _dt.date(y, 7, 4),
    "fourth of july": lambda y: _dt.date(y, 7, 4),
    "independence day": lambda y: _dt.date(y, 7, 4),
    "easter": _easter,
    "easter sunday": _easter,
    "thanksgiving": _thanksgiving,
}
