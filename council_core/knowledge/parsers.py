"""Turn a file into text plus structure: one parser per format.

Every parser returns a ``ParsedDoc``: the document's text and its blocks (headings,
paragraphs, code, table rows), each a span ``[start, end)`` of that text with the section it
belongs to and, for PDFs, its page. For plain text, Markdown and source code the text is the
file itself, so offsets are offsets in the file; for PDF, HTML, DOCX and man pages they are
offsets in the extracted text.

Parsers raise ``Unreadable`` with a short reason (shown per file in the ingest report) for
input they cannot take: encrypted or corrupt PDFs, binary data, text that is not UTF-8.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Bump when parsing or chunking changes: stored documents are then re-parsed on sync.
# 3: passages with their own vectors; 4: an option's entry is a passage of its own, tables are
# cut between rows, options are indexed for BM25 (council_core.knowledge.chunking); 5: an option
# line whose description follows a blank line (sed, timeout) is one entry with it
PARSER_VERSION = 5


class Unreadable(Exception):
    """This file cannot be ingested; the message says why (and, where possible, the fix)."""


@dataclass
class Block:
    start: int
    end: int
    kind: str = "para"  # "heading" | "para" | "code" | "row"
    section: str = ""
    page: int | None = None


@dataclass
class ParsedDoc:
    text: str
    blocks: list[Block]
    format: str
    title: str
    has_lines: bool = False  # offsets are offsets in the file: locators can give line numbers
    notes: list[str] = field(default_factory=list)


class _Builder:
    """Assembles extracted text and its blocks, tracking the heading path."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []

    @property
    def section(self) -> str:
        return " > ".join(t for _, t in self.headings)

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        text = _squash(text)
        if not text:
            return
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text[:120]))
        self._add(text, "heading", page)

    def block(self, text: str, kind: str = "para", page: int | None = None) -> None:
        text = text.strip("\n") if kind == "code" else _squash(text)
        if text.strip():
            self._add(text, kind, page)

    def _add(self, text: str, kind: str, page: int | None) -> None:
        start = self.pos
        self.parts.append(text + "\n\n")
        self.pos += len(text) + 2
        self.blocks.append(Block(start, start + len(text), kind, self.section, page))

    def build(self, fmt: str, title: str) -> ParsedDoc:
        return ParsedDoc("".join(self.parts), self.blocks, fmt, title)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ----- format detection -----

TEXT_EXT = {".txt", ".text", ".log", ".rst", ".org", ".adoc", ".asciidoc", ".csv", ".tsv", ""}
MARKDOWN_EXT = {".md", ".markdown", ".mdown", ".mkd", ".mdx"}
HTML_EXT = {".html", ".htm", ".xhtml"}
CODE_EXT = {
    ".py", ".pyi", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".c", ".h", ".cc", ".cpp", ".hpp",
    ".cxx", ".rs", ".go", ".java", ".kt", ".scala", ".rb", ".php", ".cs", ".swift", ".m",
    ".sh", ".bash", ".zsh", ".fish", ".lua", ".pl", ".pm", ".r", ".jl", ".hs", ".ml", ".ex",
    ".exs", ".erl", ".clj", ".sql", ".toml", ".yaml", ".yml", ".ini", ".cfg", ".json", ".xml",
    ".css", ".scss", ".el", ".vim", ".cmake", ".mk", ".dart", ".zig", ".nim", ".v", ".tex",
}  # fmt: skip
CODE_NAMES = {"Makefile", "Dockerfile", "CMakeLists.txt", "Rakefile", "Gemfile", "Justfile"}
_MAN_RE = re.compile(r"\.(?:[1-9][a-z]*|man|n|l)(?:\.gz)?$")
_RENDERED_MAN_RE = re.compile(r"^\s*(\S+)\((\w+)\)\s{2,}.*\S+\(\w+\)\s*$")


def detect_format(path: Path) -> str | None:
    """The parser for this path by its name, or None for an unsupported type."""
    name = path.name
    ext = path.suffix.lower()
    if _MAN_RE.search(name.lower()):
        return "man"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    if ext in HTML_EXT:
        return "html"
    if ext in MARKDOWN_EXT:
        return "markdown"
    if name in CODE_NAMES or ext in CODE_EXT:
        return "code"
    if ext in TEXT_EXT or name.upper().startswith(("README", "LICENSE", "CHANGELOG", "NOTES")):
        return "text"
    return None


def parse(path: Path, data: bytes, fmt: str, max_bytes: int | None = None) -> ParsedDoc:
    """Parse `data` (the bytes of `path`) with the parser for `fmt`.

    With `max_bytes`, compressed input (a gzipped man page, the zip members of a DOCX) is
    refused as too large when it would expand past it, before the parser expands it."""
    if max_bytes is not None:
        check_expanded_size(data, fmt, max_bytes)
    parser = PARSERS[fmt]
    doc = parser(path, data)
    if not doc.text.strip() or not doc.blocks:
        raise Unreadable("no text found in it")
    return doc


# ----- compressed input -----


class TooLarge(Unreadable):
    """The file expands past the size limit when decompressed."""


def _too_large(max_bytes: int) -> TooLarge:
    mb = max_bytes // (1024 * 1024)
    limit = f"{mb} MB" if mb else f"{max_bytes} byte"
    return TooLarge(
        f"too large: it expands to more than the {limit} limit when decompressed; raise "
        "knowledge.max_file_mb in Settings to ingest it"
    )


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip `data` (every member), stopping as soon as the output would pass
    `max_bytes`: memory stays bounded by the cap whatever the compression ratio."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise Unreadable(f"corrupt gzip data: {exc}") from exc
        if len(out) > max_bytes or d.unconsumed_tail:
            raise _too_large(max_bytes)
        if not d.eof:
            raise Unreadable("corrupt gzip data: it ends early")
        rest = d.unused_data.lstrip(b"\x00")  # members may be padded with zeros
    return bytes(out)


def check_expanded_size(data: bytes, fmt: str, max_bytes: int) -> None:
    """Raise TooLarge when `data` would expand past `max_bytes`, without expanding it."""
    if fmt == "man" and data[:2] == b"\x1f\x8b":
        gunzip_capped(data, max_bytes)  # bounded: stops at the cap
    elif fmt == "docx":
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                # zipfile never returns more than a member's declared size, so the sum of the
                # declared sizes bounds what reading the package can expand to.
                total = sum(max(0, i.file_size) for i in zf.infolist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise Unreadable(f"corrupt or not a DOCX file: {exc}") from exc
        if total > max_bytes:
            raise _too_large(max_bytes)


# ----- text-like formats -----


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise Unreadable("binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f LATIN1 -t UTF-8"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the blank-line separated paragraphs of text[start:end]."""
    end = len(text) if end is None else end
    spans = []
    for m in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        while e > s and text[e - 1] in "\n ":
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


_UNDERLINE = re.compile(r"^\s*([=\-~^*#]{3,})\s*$")


def parse_text(path: Path, data: bytes) -> ParsedDoc:
    text = decode_text(data)
    first = text.lstrip().split("\n", 1)[0]
    if _RENDERED_MAN_RE.match(first):
        return _parse_man_text(text, path, offsets_in_file=True)
    blocks: list[Block] = []
    section = ""
    for s, e in _paragraph_spans(text):
        lines = text[s:e].split("\n")
        # "Title\n=====" (reStructuredText and plain-text convention) starts a section
        if len(lines) >= 2 and _UNDERLINE.match(lines[1]) and len(lines[0].strip()) < 100:
            section = lines[0].strip()
            blocks.append(Block(s, s + len(lines[0]), "heading", section))
            rest = s + len(lines[0]) + 1 + len(lines[1]) + 1
            if rest < e:
                blocks.append(Block(rest, e, "para", section))
            continue
        blocks.append(Block(s, e, "para", section))
    doc = ParsedDoc(text, blocks, "text", path.stem, has_lines=True)
    return doc


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def parse_markdown(path: Path, data: bytes) -> ParsedDoc:
    text = decode_text(data)
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    title = ""

    def section() -> str:
        return " > ".join(t for _, t in headings)

    def set_heading(level: int, name: str) -> None:
        nonlocal title
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, name[:120]))
        if not title and level == 1:
            title = name

    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    i = 0
    # YAML front matter
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                i = j + 1
                break
    para_start: int | None = None

    def flush(upto: int) -> None:
        nonlocal para_start
        if para_start is not None:
            s, e = offsets[para_start], offsets[upto - 1] + len(lines[upto - 1])
            if text[s:e].strip():
                blocks.append(Block(s, e, "para", section()))
        para_start = None

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush(i)
            marker = fence.group(1)
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(marker):
                j += 1
            end_line = min(j, len(lines) - 1)
            s, e = offsets[i], offsets[end_line] + len(lines[end_line])
            blocks.append(Block(s, e, "code", section()))
            i = j + 1
            continue
        atx = _ATX.match(line)
        if atx:
            flush(i)
            set_heading(len(atx.group(1)), atx.group(2))
            blocks.append(Block(offsets[i], offsets[i] + len(line), "heading", section()))
            i += 1
            continue
        if (
            para_start is not None
            and i == para_start + 1
            and re.match(r"^\s{0,3}(=+|-+)\s*$", line)
            and lines[para_start].strip()
        ):
            set_heading(1 if line.strip()[0] == "=" else 2, lines[para_start].strip())
            blocks.append(Block(offsets[para_start], offsets[i] + len(line), "heading", section()))
            para_start = None
            i += 1
            continue
        if not line.strip():
            flush(i)
        elif para_start is None:
            para_start = i
        i += 1
    flush(len(lines))
    return ParsedDoc(text, blocks, "markdown", title or path.stem, has_lines=True)


_DEF = re.compile(
    r"^(?:export\s+|pub(?:\([^)]*\))?\s+|public\s+|private\s+|static\s+|async\s+|default\s+)*"
    r"(?:def|class|function|fn|func|struct|enum|trait|impl|interface|module|type|sub)\s+"
    r"([A-Za-z_][\w:<>]*)"
)


def parse_code(path: Path, data: bytes) -> ParsedDoc:
    text = decode_text(data)
    blocks: list[Block] = []
    section = ""
    for s, e in _paragraph_spans(text):
        m = _DEF.match(text[s:e])
        if m:
            section = m.group(1).rstrip(":")
        else:
            # a top-level definition inside the paragraph (after comments/decorators)
            for line in text[s:e].split("\n"):
                dm = _DEF.match(line)
                if dm:
                    section = dm.group(1).rstrip(":")
                    break
        blocks.append(Block(s, e, "code", section))
    return ParsedDoc(text, blocks, "code", path.name, has_lines=True)


# ----- man pages -----

MAX_MAN_BYTES = 64 * 1024 * 1024  # a man page never comes near this; parse() caps it lower
_MAN_SECTION = re.compile(r"^[A-Z][A-Z0-9 ,/&()'_-]*$")


def _parse_man_text(text: str, path: Path, offsets_in_file: bool) -> ParsedDoc:
    lines = text.split("\n")
    first = text.lstrip().split("\n", 1)[0]
    m = _RENDERED_MAN_RE.match(first)
    name = f"{m.group(1).lower()}({m.group(2)})" if m else path.name
    blocks: list[Block] = []
    section = sub = ""
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    summary = ""
    para_start: int | None = None

    def sec() -> str:
        return f"{section} > {sub}" if sub else section

    def flush(upto: int) -> None:
        nonlocal para_start, summary
        if para_start is not None:
            s, e = offsets[para_start], offsets[upto - 1] + len(lines[upto - 1])
            if text[s:e].strip():
                blocks.append(Block(s, e, "para", sec()))
                if section == "NAME" and not summary:
                    summary = _squash(text[s:e])
        para_start = None

    last = len(lines)
    # the footer line repeats the header's shape ("GNU coreutils 9.1  2022  LS(1)")
    while last > 0 and (
        not lines[last - 1].strip() or re.search(r"\S+\(\w+\)\s*$", lines[last - 1])
    ):
        last -= 1
        if lines[last].strip():
            break
    for i, line in enumerate(lines[:last]):
        if i == 0 and m:
            continue
        if line and not line[0].isspace() and _MAN_SECTION.match(line.strip()):
            flush(i)
            section, sub = line.strip(), ""
            blocks.append(Block(offsets[i], offsets[i] + len(line), "heading", section))
        elif (
            re.match(r"^ {2,4}\S", line)
            and not re.match(r"^ {2,4}[-+]", line)
            and (
                i + 1 < len(lines)
                and (not lines[i + 1].strip() or lines[i + 1].startswith("       "))
            )
            and len(line.strip()) < 60
            and (i == 0 or not lines[i - 1].strip())
        ):
            flush(i)
            sub = line.strip()
            blocks.append(Block(offsets[i], offsets[i] + len(line), "heading", sec()))
        elif not line.strip():
            flush(i)
        elif para_start is None:
            para_start = i
    flush(last)
    if summary and " - " in summary:
        name = f"{name} — {summary.split(' - ', 1)[1]}"
    return ParsedDoc(text, blocks, "man", name, has_lines=offsets_in_file)


def parse_man(path: Path, data: bytes) -> ParsedDoc:
    raw = data
    if data[:2] == b"\x1f\x8b":
        raw = gunzip_capped(data, MAX_MAN_BYTES)
    if b"\x00" in raw[:8192]:
        raise Unreadable("binary data, not a man page")
    head = raw.lstrip()[:200]
    if not (head.startswith((b".", b"'")) or b"\n." in head):
        # a file named like a man page that holds plain text
        return parse_text(path, raw)
    if shutil.which("man") is None:
        raise Unreadable("man pages need the man program: sudo apt-get install man-db")
    from council_core.base.secrets import scrubbed_env

    # man and its preprocessors never see an API key
    env = dict(scrubbed_env(os.environ), MANWIDTH="80", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
    env.pop("MANPAGER", None)
    env.pop("PAGER", None)
    try:
        proc = subprocess.run(
            ["man", "--nh", "--nj", "-l", "-P", "cat", "-"],
            input=raw,
            capture_output=True,
            timeout=30,
            env=env,
            cwd=str(path.parent.parent) if path.parent.name.startswith("man") else None,
        )
    except subprocess.TimeoutExpired as exc:
        raise Unreadable("rendering the man page took longer than 30 s") from exc
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or not out.strip():
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unreadable(f"man could not render it: {err[-1] if err else 'no output'}")
    out = re.sub(r".\x08", "", out)  # overstrike bold/underline, if any
    return _parse_man_text(out, path, offsets_in_file=False)


# ----- PDF, HTML, DOCX -----


def parse_pdf(path: Path, data: bytes) -> ParsedDoc:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damage is reported per file
    if not data.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise Unreadable("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (FileNotDecryptedError, NotImplementedError) as exc:
                raise Unreadable(f"encrypted PDF that cannot be opened: {exc}") from exc
            if not ok:
                raise Unreadable("password-protected PDF; save an unprotected copy to ingest it")
        pages = list(reader.pages)
        outline = _pdf_outline(reader)
    except Unreadable:
        raise
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"corrupt PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise Unreadable(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    b = _Builder()
    failed = 0
    for n, page in enumerate(pages, 1):
        try:
            ptext = page.extract_text() or ""
        except Exception:  # one damaged page: keep the others
            failed += 1
            continue
        marks = {title: level for level, title in outline.get(n, [])}
        for para in _pdf_paragraphs(ptext):
            if para in marks:
                b.heading(para, marks[para], n)
            else:
                b.block(para, "para", n)
    doc = b.build("pdf", _pdf_title(reader) or path.stem)
    if failed:
        doc.notes.append(f"{failed} of {len(pages)} pages could not be read")
    if not doc.blocks and pages:
        raise Unreadable("no text layer (an image-only PDF?); run OCR on it first, e.g. ocrmypdf")
    return doc


def _pdf_title(reader: Any) -> str:
    try:
        meta = reader.metadata
        return str(meta.title).strip() if meta and meta.title else ""
    except Exception:
        return ""


def _pdf_outline(reader: Any) -> dict[int, list[tuple[int, str]]]:
    """page number -> the (level, title) of the outline entries (bookmarks) on that page."""
    out: dict[int, list[tuple[int, str]]] = {}

    def walk(items: Any, level: int) -> None:
        for it in items:
            if isinstance(it, list):
                walk(it, level + 1)
                continue
            try:
                n = reader.get_destination_page_number(it) + 1
                out.setdefault(n, []).append((level, _squash(str(it.title))))
            except Exception:
                continue

    try:
        walk(reader.outline, 1)
    except Exception:
        return {}
    return out


def _pdf_paragraphs(text: str) -> list[str]:
    """pypdf gives lines; join them into paragraphs at short lines and blank lines."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    width = max((len(ln) for ln in lines), default=0)
    paras: list[str] = []
    cur: list[str] = []
    for ln in lines:
        if not ln.strip():
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(ln.strip())
        if len(ln) < 0.6 * width and re.search(r"[.:!?]$|^\S.{0,60}$", ln.strip()):
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return [re.sub(r"(\w)- (\w)", r"\1\2", p) for p in paras if p.strip()]


_HTML_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "nav", "form"}
_HTML_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_HTML_BLOCKS = {
    "p", "li", "dt", "dd", "blockquote", "tr", "caption", "figcaption", "div", "section",
    "article", "main", "body", "html", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot",
    "header", "footer", "aside", "figure", "details", "summary", "address", "center", "td", "th",
}  # fmt: skip


def parse_html(path: Path, data: bytes) -> ParsedDoc:
    from bs4 import BeautifulSoup
    from bs4.element import Declaration, Doctype, NavigableString, PreformattedString

    if b"\x00" in data[:8192]:
        raise Unreadable("binary data, not HTML")
    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as exc:
        raise Unreadable(f"cannot parse the HTML: {exc}") from exc
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    b = _Builder()
    inline: list[str] = []

    def flush() -> None:
        if inline:
            b.block(" ".join(inline))
            inline.clear()

    def has_block(tag: Any) -> bool:
        return any(
            getattr(d, "name", None) in _HTML_BLOCKS
            or getattr(d, "name", None) in _HTML_HEADINGS
            or getattr(d, "name", None) == "pre"
            for d in tag.descendants
        )

    def walk(node: Any) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString | Doctype | Declaration):
                continue  # comments, doctype, CDATA, processing instructions
            if isinstance(child, NavigableString):
                if str(child).strip():
                    inline.append(str(child))
                continue
            name = child.name
            if name in _HTML_SKIP:
                continue
            if name in _HTML_HEADINGS:
                flush()
                b.heading(child.get_text(" ", strip=True), _HTML_HEADINGS[name])
            elif name == "pre":
                flush()
                b.block(child.get_text(), "code")
            elif name == "tr":
                flush()
                cells = [c.get_text(" ", strip=True) for c in child.find_all(["td", "th"])]
                b.block(" | ".join(c for c in cells if c), "row")
            elif name in _HTML_BLOCKS:
                flush()
                if has_block(child):
                    walk(child)
                    flush()
                else:
                    b.block(child.get_text(" ", strip=True))
            elif name == "br":
                inline.append("\n")
            else:
                inline.append(child.get_text(" "))

    walk(soup)
    flush()
    if not title:
        first_h = next((x for x in b.blocks if x.kind == "heading"), None)
        title = b.parts[b.blocks.index(first_h)].strip() if first_h else path.stem
    return b.build("html", title)


def parse_docx(path: Path, data: bytes) -> ParsedDoc:
    import io
    import zipfile

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:
        raise Unreadable("DOCX files need python-docx: pip install python-docx") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"corrupt or not a DOCX file: {exc}") from exc
    except Exception as exc:  # lxml and zipfile raise many kinds on damaged files
        raise Unreadable(f"corrupt DOCX file: {type(exc).__name__}: {exc}") from exc
    b = _Builder()
    title = (document.core_properties.title or "").strip()
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(el, document)
            style = (para.style.name if para.style is not None else "") or ""
            text = para.text
            lvl = re.match(r"(?:Heading|heading)\s*(\d)", style)
            if style == "Title":
                b.heading(text, 0)
                title = title or _squash(text)
            elif lvl:
                b.heading(text, int(lvl.group(1)))
            else:
                b.block(text)
        elif tag == "tbl":
            for row in Table(el, document).rows:
                cells: list[str] = []
                for c in row.cells:
                    t = _squash(c.text)
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                b.block(" | ".join(cells), "row")
    return b.build("docx", title or path.stem)


PARSERS: dict[str, Callable[[Path, bytes], ParsedDoc]] = {
    "text": parse_text,
    "markdown": parse_markdown,
    "code": parse_code,
    "man": parse_man,
    "pdf": parse_pdf,
    "html": parse_html,
    "docx": parse_docx,
}
