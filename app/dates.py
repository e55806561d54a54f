"""Times for people: in the user's locale, never a Unix timestamp."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, QLocale


def local_when(ts: Any) -> str:
    """A Unix time (float or numeric string) as a short local date and time; other text as is."""
    try:
        secs = float(ts)
    except (TypeError, ValueError):
        return str(ts or "")
    if secs <= 0:
        return ""
    dt = QDateTime.fromMSecsSinceEpoch(int(secs * 1000))
    locale = QLocale()
    today = QDateTime.currentDateTime().date()
    if dt.date() == today:
        return "today " + locale.toString(dt.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(dt, QLocale.FormatType.ShortFormat)
