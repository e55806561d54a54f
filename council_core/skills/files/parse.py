"""Turning a request about files into a structured intent.

A small grammar over the words people use: a verb (find/open/move/copy/rename/delete), a
description of the files (type words, extensions, "about X", "named X"), a time phrase
("last month", "this week", "yesterday", "in 2024"), a source folder ("on my Desktop",
"in Downloads", "in this project") and a destination ("into Pictures/Screenshots").
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Action = Literal[
    "find", "open", "move", "copy", "rename", "trash", "space", "disk", "battery", "memory", "undo"
]

TYPES: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "photo": {"jpg", "jpeg", "png", "gif", "heic", "webp", "tif", "tiff", "bmp", "raw"},
    "image": {"jpg", "jpeg", "png", "gif", "heic", "webp", "tif", "tiff", "bmp", "svg"},
    "screenshot": {"png", "jpg", "jpeg"},
    "document": {"pdf", "doc", "docx", "odt", "txt", "md", "rtf"},
    "note": {"txt", "md", "org", "rst", "odt", "docx"},
    "video": {"mp4", "mkv", "mov", "avi", "webm"},
    "music": {"mp3", "flac", "ogg", "wav", "m4a", "opus"},
    "archive": {"zip", "tar", "gz", "tgz", "xz", "7z", "rar", "bz2"},
    "spreadsheet": {"xls", "xlsx", "ods", "csv"},
    "presentation": {"ppt", "pptx", "odp"},
}
_TYPE_WORDS = {
    "pdf": "pdf",
    "pdfs": "pdf",
    "photo": "photo",
    "photos": "photo",
    "picture": "image",
    "pictures": "image",
    "image": "image",
    "images": "image",
    "screenshot": "screenshot",
    "screenshots": "screenshot",
    "document": "document",
    "documents": "document",
    "doc": "document",
    "docs": "document",
    "note": "note",
    "notes": "note",
    "video": "video",
    "videos": "video",
    "movie": "video",
    "movies": "video",
    "song": "music",
    "songs": "music",
    "music": "music",
    "archive": "archive",
    "archives": "archive",
    "zip": "archive",
    "zips": "archive",
    "spreadsheet": "spreadsheet",
    "spreadsheets": "spreadsheet",
    "presentation": "presentation",
    "presentations": "presentation",
    "slides": "presentation",
}
_STOP = {
    "the",
    "a",
    "an",
    "my",
    "all",
    "any",
    "some",
    "that",
    "this",
    "these",
    "those",
    "i",
    "me",
    "file",
    "files",
    "folder",
    "folders",
    "which",
    "saved",
    "downloaded",
    "got",
    "put",
    "please",
    "can",
    "you",
    "find",
    "open",
    "show",
    "where",
    "is",
    "are",
    "of",
    "for",
    "to",
    "in",
    "on",
    "from",
    "into",
    "with",
    "about",
    "named",
    "called",
    "by",
    "date",
    "last",
    "month",
    "week",
    "year",
    "today",
    "yesterday",
    "ago",
    "and",
    "or",
    "it",
    "them",
    "delete",
    "remove",
    "move",
    "copy",
    "rename",
    "trash",
    "locate",
    "search",
    "look",
    "up",
    "there",
    "here",
    "project",
    "directory",
}


@dataclass
class Request:
    action: Action
    words: list[str] = field(default_factory=list)  # name words
    about: list[str] = field(default_factory=list)  # content words ("about taxes")
    kind: str | None = None  # key of TYPES, or None
    exts: set[str] | None = None
    after: float | None = None
    before: float | None = None
    source: str | None = None  # folder phrase as typed
    dest: str | None = None
    rename_by: str | None = None


_VERBS: list[tuple[str, Action]] = [
    (r"\bundo\b", "undo"),
    (r"\b(what'?s|what is|what are)\s+taking\s+(up\s+)?(the\s+)?(most\s+)?space\b", "space"),
    (r"\b(largest|biggest)\s+(folders?|files?|directories)\b", "space"),
    (r"\b(disk|free|storage)\s+space\b|\bdisk usage\b|\bhow full\b", "disk"),
    (r"\bbattery\b", "battery"),
    (r"\b(memory|ram)\s+(usage|status|use|left|free)\b|\bhow much (memory|ram)\b", "memory"),
    (r"^\s*(please\s+)?(move|put)\b", "move"),
    (r"^\s*(please\s+)?copy\b", "copy"),
    (r"^\s*(please\s+)?rename\b", "rename"),
    (r"^\s*(please\s+)?(delete|remove|trash|clean up|get rid of)\b", "trash"),
    (r"^\s*(please\s+)?open\b", "open"),
    (
        r"\b(find|locate|search for|look for|where is|where are|where did i (put|save)|show me)\b",
        "find",
    ),
]

_FOLDER = r"((?:~/|/)?[\w.\- ]+?(?:/[\w.\- ]+)*)"


def _time_range(text: str, now: float | None = None) -> tuple[float | None, float | None]:
    now_dt = datetime.fromtimestamp(now or time.time())
    day0 = now_dt.replace(hour=0, minute=0, second=0, microsecond=0)
    t = text.lower()
    if "yesterday" in t:
        return (day0 - timedelta(days=1)).timestamp(), day0.timestamp()
    if "today" in t:
        return day0.timestamp(), None
    if "last week" in t:
        start = day0 - timedelta(days=day0.weekday() + 7)
        return start.timestamp(), (start + timedelta(days=7)).timestamp()
    if "this week" in t:
        return (day0 - timedelta(days=day0.weekday())).timestamp(), None
    month0 = day0.replace(day=1)
    if "last month" in t:
        prev = (month0 - timedelta(days=1)).replace(day=1)
        return prev.timestamp(), month0.timestamp()
    if "this month" in t:
        return month0.timestamp(), None
    if "last year" in t:
        y = now_dt.year - 1
        return datetime(y, 1, 1).timestamp(), datetime(y + 1, 1, 1).timestamp()
    m = re.search(r"\b(?:in|from|during)\s+((?:19|20)\d\d)\b", t)
    if m:
        y = int(m.group(1))
        return datetime(y, 1, 1).timestamp(), datetime(y + 1, 1, 1).timestamp()
    m = re.search(r"\b(?:last|past)\s+(\d+)\s+days?\b", t)
    if m:
        return (day0 - timedelta(days=int(m.group(1)))).timestamp(), None
    return None, None


def parse(text: str, now: float | None = None) -> Request | None:
    t = " ".join(text.strip().split())
    low = t.lower()
    action: Action | None = None
    for pat, act in _VERBS:
        if re.search(pat, low):
            action = act
            break
    if action is None:
        return None
    req = Request(action)
    req.after, req.before = _time_range(low, now)
    # Destination: "into X", "to X" (move/copy); source: "on/in/from X".
    body = low
    if action == "move":
        # "move X to the trash / bin": the desktop's real trash, not a folder named "trash"
        m = re.search(
            r"\s(?:into|to|in)\s+(?:the\s+|my\s+)?(?:trash|bin|recycle bin|rubbish bin|"
            r"wastebasket|trash can|waste ?basket)(?:\s+(?:can|folder))?\s*[.!?]?$",
            body,
        )
        if m:
            action = req.action = "trash"
            body = body[: m.start()]
    if action in ("move", "copy"):
        m = re.search(
            r"\s(?:into|to)\s+(?:the\s+|my\s+)?" + _FOLDER + r"(?:\s+folder)?\s*[.!?]?$", body
        )
        if m:
            req.dest = t[m.start(1) : m.end(1)].strip()
            body = body[: m.start()]
    if action == "rename":
        m = re.search(r"\bby\s+(date|time|modification date)\b", body)
        req.rename_by = "date" if m else None
        if m:
            body = body[: m.start()] + body[m.end() :]
    if action in ("space",):
        m = re.search(r"\b(?:in|under|inside)\s+(?:the\s+|my\s+)?" + _FOLDER + r"\s*[?.!]?$", body)
        if m:
            req.source = t[m.start(1) : m.end(1)].strip()
        return req
    m = re.search(
        r"\b(?:on|in|from|inside|under)\s+(?:the\s+|my\s+)?(this project|"
        + _FOLDER
        + r")(?:\s+folder)?(?=\s+(?:last|this|from|that|which|i)\b|\s*[?.!]?$)",
        body,
    )
    if m:
        src = t[m.start(1) : m.end(1)].strip()
        if not re.fullmatch(
            r"(last|this) (month|week|year)|today|yesterday|(19|20)\d\d", src.lower()
        ):
            req.source = src
            body = body[: m.start()] + " " + body[m.end() :]
    # Content: "about X" up to a time/place phrase.
    m = re.search(r"\babout\s+([\w\- ]+?)(?=\s+(?:i|that|which|from|in|on|last|this)\b|$)", body)
    if m:
        req.about = [w for w in re.findall(r"[\w\-]+", m.group(1)) if w not in _STOP]
        body = body[: m.start()] + " " + body[m.end() :]
    m = re.search(r"\b(?:named|called)\s+[\"']?([^\"']+?)[\"']?(?=\s+(?:in|on|from)\b|$)", body)
    if m:
        req.words += re.findall(r"[\w\-.]+", m.group(1))
        body = body[: m.start()] + " " + body[m.end() :]
    for ext in re.findall(r"(?:^|\s)\*?\.([a-z0-9]{1,6})\b", body):
        req.exts = (req.exts or set()) | {ext}
    body = re.sub(r"(?:^|\s)\*?\.[a-z0-9]{1,6}\b", " ", body)
    for w in re.findall(r"[a-z0-9][\w\-]*", body):
        if w in _TYPE_WORDS and req.kind is None:
            req.kind = _TYPE_WORDS[w]
            if req.kind == "screenshot":
                req.words.append("screen")
            continue
        if w in _STOP or w in _TYPE_WORDS or w in {"what", "whats", "taking", "space"}:
            continue
        if action in ("find", "open", "move", "copy", "rename", "trash"):
            req.words.append(w)
    if req.kind and req.kind != "screenshot":
        req.exts = (req.exts or set()) | TYPES[req.kind]
    elif req.kind == "screenshot":
        req.exts = (req.exts or set()) | TYPES["screenshot"]
    return req
