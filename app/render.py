"""Answer text to a QTextDocument: Markdown prose through Qt's own Markdown reader, fenced
code blocks highlighted with Pygments. Works on partial text while an answer streams in (an
unclosed fence is shown as code so far)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QTextCursor, QTextDocument

_FENCE = re.compile(r"^```[ \t]*([\w+#.-]*)[^\n]*\n", re.MULTILINE)
CODE_BG = "#f3f5f8"  # light theme
CODE_BG_DARK = "#1e2127"  # dark theme
PYGMENTS_STYLE = {False: "default", True: "monokai"}


@dataclass
class Segment:
    kind: str  # "text" | "code"
    text: str
    lang: str = ""


def split_fences(text: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            if pos < len(text):
                out.append(Segment("text", text[pos:]))
            return out
        if m.start() > pos:
            out.append(Segment("text", text[pos : m.start()]))
        end = text.find("\n```", m.end() - 1)
        if end == -1:  # still streaming
            out.append(Segment("code", text[m.end() :], m.group(1)))
            return out
        out.append(Segment("code", text[m.end() : end + 1], m.group(1)))
        close = text.find("\n", end + 4)
        pos = len(text) if close == -1 else close + 1


def code_blocks(text: str) -> list[str]:
    return [s.text.rstrip("\n") for s in split_fences(text) if s.kind == "code"]


@lru_cache(maxsize=64)
def _lexer(lang: str):  # type: ignore[no-untyped-def]
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang or "text")
    except ClassNotFound:
        return TextLexer()


def highlight_html(code: str, lang: str, dark: bool = False) -> str:
    """Inline-styled HTML (Qt's rich text has no CSS classes) for one code block, in colours
    that read on a light or a dark palette."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
    except ImportError:  # pygments is optional: plain monospace
        body = html.escape(code)
    else:
        fmt = HtmlFormatter(nowrap=True, noclasses=True, style=PYGMENTS_STYLE[dark])
        body = highlight(code, _lexer(lang), fmt)
    body = body.rstrip("\n").replace("\n", "<br/>").replace("  ", "&nbsp;&nbsp;")
    return (
        f'<table width="100%" cellpadding="8" bgcolor="{CODE_BG_DARK if dark else CODE_BG}" '
        'style="margin: 4px 0px;">'
        f'<tr><td><span style="font-family: monospace; font-size: 10pt;">{body}</span>'
        "</td></tr></table>"
    )


def render_into(doc: QTextDocument, text: str, dark: bool = False) -> None:
    doc.clear()
    cursor = QTextCursor(doc)
    for seg in split_fences(text):
        if seg.kind == "text":
            if seg.text.strip():
                cursor.insertMarkdown(seg.text)
        else:
            cursor.insertHtml(highlight_html(seg.text.rstrip("\n"), seg.lang, dark))
