"""Make untrusted text safe to show: file names, sandbox output, model text.

A file name or the output of sandboxed code may hold control characters and terminal escape
sequences: a newline that adds a fake line to an approval prompt, ``ESC[8m`` that hides the
rest of a line, ``ESC]52;c;...`` that writes the user's clipboard, a right-to-left override
that reverses what is read. Every display boundary (CLI approval prompt, the approval text the
GUI shows, file-plan listings, audit log lines, ``council run`` output) passes text through
``safe_text`` (output, keeps newlines and tabs) or ``safe_path`` (one line: escapes them too).

Escaped characters are written as visible ``\\xNN`` / ``\\uNNNN``; an undecodable byte kept by
``os.fsdecode`` (a lone surrogate) is written as ``\\xNN`` of the original byte.
"""

from __future__ import annotations

import os
import re

# C0 controls (but \t \n, handled per call), DEL, C1 controls, and the invisible Unicode
# format characters that reorder or hide text (bidi overrides/isolates, zero-width marks,
# line/paragraph separators), plus lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_ONE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    n = ord(c)
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if c == "\r":
        return "\\r"
    if 0xDC80 <= n <= 0xDCFF:  # a byte os.fsdecode could not decode
        return f"\\x{n - 0xDC00:02x}"
    if n <= 0xFF:
        return f"\\x{n:02x}"
    return f"\\u{n:04x}"


def safe_text(text: str) -> str:
    """`text` with every control character and escape sequence made visible, except newlines
    and tabs (for multi-line output such as what a program printed)."""
    return _UNSAFE.sub(_escape, text)


def safe_path(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path (or any one-line value) as one visible line: newlines and tabs escaped too."""
    raw = os.fspath(path)
    s = os.fsdecode(raw) if isinstance(raw, bytes) else raw
    return _UNSAFE_ONE_LINE.sub(_escape, s)


def json_safe(line: str) -> str:
    """A JSON text with the characters json.dumps(ensure_ascii=False) leaves raw (C1 controls,
    bidi and invisible format characters) written as ``\\uNNNN``: still the same JSON."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line)
