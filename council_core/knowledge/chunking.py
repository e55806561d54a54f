"""Structure-aware chunking: ~N-word chunks that follow headings, paragraphs and code blocks.

A chunk is a contiguous span of the parsed text, so it keeps exact character offsets. Blocks
of one section are packed together up to the target size; a heading starts a new chunk (and
is kept with the text under it); a new section or page starts a new chunk; a block longer than
the target is cut at sentence (prose) or line (code) boundaries. Consecutive chunks of one
section overlap by a few words so a sentence cut at a boundary is still found whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsers import Block, ParsedDoc

_WORD = re.compile(r"\S+")
SMALL = 25  # chunks under this many words join a neighbour


@dataclass
class Chunk:
    start: int
    end: int
    text: str
    section: str
    page: int | None
    kind: str
    words: int


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]


def _cut_points(text: str, start: int, end: int, kind: str) -> list[int]:
    """Offsets inside [start, end) where a long block may be cut."""
    seg = text[start:end]
    pat = r"\n" if kind == "code" else r"(?<=[.!?;:])\s+|\n"
    return [start + m.end() for m in re.finditer(pat, seg)]


def _lead(text: str, b: Block) -> str:
    """The first line of a block when it names what follows (an option like "-L port:host",
    a term, a label), so continuation pieces keep it; "" for ordinary prose."""
    lines = text[b.start : b.end].split("\n", 2)
    first = lines[0].strip()
    if b.kind == "code" or not first or len(first) > 80:
        return ""
    # a definition list: the text under the first line is indented deeper (man, rst)
    line_start = text.rfind("\n", 0, b.start) + 1
    indent = len(text[line_start : b.start]) + len(lines[0]) - len(lines[0].lstrip())
    deeper = len(lines) > 1 and len(lines[1]) - len(lines[1].lstrip()) > indent
    if deeper or first.startswith(("-", "+")) or first.endswith(":"):
        return " ".join(first.split())
    return ""


def _split_long(text: str, b: Block, target: int) -> list[Block]:
    """Cut a block of more than ~1.5 x target words into pieces of about target words.
    Pieces after the first carry the block's lead line in their section."""
    words = _word_spans(text, b.start, b.end)
    if len(words) <= target * 1.5:
        return [b]
    cuts = _cut_points(text, b.start, b.end, b.kind)
    lead = _lead(text, b)
    later = f"{b.section} > {lead}" if b.section and lead else (lead or b.section)
    pieces: list[Block] = []
    s = b.start
    wi = 0  # index of the first word of the current piece
    while wi < len(words):
        sec = b.section if not pieces else later
        if len(words) - wi <= target * 1.5:
            pieces.append(Block(s, b.end, b.kind, sec, b.page))
            break
        ideal = words[min(wi + target, len(words) - 1)][0]
        lo = words[wi + target // 2][0]
        hi = words[min(wi + int(target * 1.3), len(words) - 1)][0]
        cands = [c for c in cuts if lo <= c <= hi]
        cut = min(cands, key=lambda c: abs(c - ideal)) if cands else ideal
        pieces.append(Block(s, cut, b.kind, sec, b.page))
        s = cut
        while wi < len(words) and words[wi][0] < cut:
            wi += 1
        while s < b.end and text[s].isspace():
            s += 1
    return pieces


def chunk(doc: ParsedDoc, target_words: int = 200, overlap_words: int | None = None) -> list[Chunk]:
    """Chunks of about `target_words` words: the unit that BM25 ranks and that is shown as a
    source. The embedding model reads at most 256 word pieces (~150 words of prose), so it
    never embeds a whole chunk: it embeds the chunk's passages (`passages_of`)."""
    text = doc.text
    if overlap_words is None:
        overlap_words = min(30, target_words // 6)
    blocks: list[Block] = []
    for b in doc.blocks:
        blocks.extend(_split_long(text, b, target_words))

    chunks: list[Chunk] = []
    cur: list[Block] = []
    cur_words = 0

    def emit() -> None:
        nonlocal cur, cur_words
        if not cur:
            return
        if all(x.kind == "heading" for x in cur):
            # a heading with nothing under it joins the next chunk instead
            return
        start, end = cur[0].start, cur[-1].end
        content = next((x for x in cur if x.kind != "heading"), cur[0])
        prev = chunks[-1] if chunks else None
        if (
            prev is not None
            and overlap_words
            and cur[0].kind != "heading"
            and prev.section == content.section
            and prev.page == content.page
            and prev.end <= start
        ):
            # start a few words earlier: the tail of the previous chunk
            tail = _word_spans(text, prev.start, prev.end)[-overlap_words:]
            if tail:
                # from the start of the line the overlap begins on, when that stays close
                line_start = text.rfind("\n", prev.start, tail[0][0]) + 1
                t0 = line_start if line_start and tail[0][0] - line_start < 120 else tail[0][0]
                start = min(start, max(t0, prev.start))
        kinds = {x.kind for x in cur if x.kind != "heading"}
        chunks.append(
            Chunk(
                start=start,
                end=end,
                text=text[start:end],
                section=content.section,
                page=content.page,
                kind=kinds.pop() if len(kinds) == 1 else "mixed",
                words=len(_word_spans(text, start, end)),
            )
        )
        cur, cur_words = [], 0

    for b in blocks:
        n = len(_word_spans(text, b.start, b.end))
        if cur:
            last = cur[-1]
            only_headings = all(x.kind == "heading" for x in cur)
            boundary = (
                b.kind == "heading"
                and not only_headings
                or (not only_headings and (b.section != last.section or b.page != last.page))
                or (cur_words + n > target_words and not only_headings)
            )
            if boundary:
                emit()
        cur.append(b)
        cur_words += n
    emit()
    if cur:  # trailing headings only
        start, end = cur[0].start, cur[-1].end
        chunks.append(
            Chunk(
                start,
                end,
                text[start:end],
                cur[-1].section,
                cur[-1].page,
                "heading",
                len(_word_spans(text, start, end)),
            )
        )
    return _merge_small(chunks, text, target_words)


def _merge_small(chunks: list[Chunk], text: str, target: int) -> list[Chunk]:
    """Join runs of small chunks (a NAME line, a short section) up to the target size."""
    out: list[Chunk] = []
    for c in chunks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.page == c.page
            and prev.words + c.words <= target
            and (prev.words < SMALL or c.words < SMALL)
            and prev.end <= c.start
        ):
            sections = prev.section.split(", ")
            if c.section and c.section not in sections:
                sections.append(c.section)
            out[-1] = Chunk(
                prev.start,
                c.end,
                text[prev.start : c.end],
                ", ".join(s for s in sections if s)[:200],
                prev.page,
                prev.kind if prev.kind == c.kind else "mixed",
                prev.words + c.words,
            )
        else:
            out.append(c)
    return out


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """1-based first and last line of text[start:end]."""
    first = text.count("\n", 0, start) + 1
    return first, first + text.count("\n", start, max(start, end - 1))


# ----- passages: the small units inside a chunk that are embedded and quoted -----

PASSAGE_WORDS = 30  # chosen on the dev split of the man-page questions (20/30/50/80 tried)
_PARA = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'`-])")


@dataclass
class Passage:
    """A few sentences or lines of a chunk: offsets in the document text, and the definition
    line (an option, a term) they belong to when they do not start with it."""

    start: int
    end: int
    lead: str
    words: int


def _para_lead(text: str, start: int, end: int) -> str:
    """The first line of a paragraph when the lines under it are indented deeper (a man page
    option, a definition list) and it is short: it names what the paragraph is about."""
    first, _, rest = text[start:end].partition("\n")
    # the next line with text (an entry whose description follows a blank line counts)
    second = next((x for x in rest.split("\n", 3)[:3] if x.strip()), "")
    if not second or len(first.strip()) > 80:
        return ""
    line_start = text.rfind("\n", 0, start) + 1
    ind0 = (start - line_start) + len(first) - len(first.lstrip())
    ind1 = len(second) - len(second.lstrip())
    return " ".join(first.split()) if ind1 > ind0 else ""


def _pieces(text: str, start: int, end: int, target: int) -> list[tuple[int, int, int]]:
    """A paragraph longer than target cut into runs of sentences of about target words
    (a sentence longer than 1.5 x target is cut between words): (start, end, words)."""
    sents: list[tuple[int, int]] = []
    s = start
    for m in _SENT_END.finditer(text, start, end):
        sents.append((s, m.start()))
        s = m.end()
    sents.append((s, end))
    out: list[tuple[int, int, int]] = []
    cur: tuple[int, int, int] | None = None
    for a, b in sents:
        spans = _word_spans(text, a, b)
        if not spans:
            continue
        n = len(spans)
        if n > target * 1.5:
            if cur:
                out.append(cur)
                cur = None
            for i in range(0, n, target):
                part = spans[i : i + target]
                out.append((part[0][0], part[-1][1], len(part)))
            continue
        if cur and cur[2] + n > target:
            out.append(cur)
            cur = None
        cur = (cur[0], spans[-1][1], cur[2] + n) if cur else (spans[0][0], spans[-1][1], n)
    if cur:
        out.append(cur)
    return out


_OPTION_LINE = re.compile(r"[-+]{1,2}[A-Za-z0-9]")


def _is_entry(text: str, start: int, end: int) -> bool:
    """A definition's entry: an option line ("-c, --count") or a term with its text indented
    under it. One entry is one passage: packed with its neighbours, its vector would blend
    two options and its quote would name both."""
    first = text[start:end].split("\n", 1)[0].lstrip()
    return bool(_OPTION_LINE.match(first)) or bool(_para_lead(text, start, end))


def _is_table(text: str, start: int, end: int) -> bool:
    lines = [x.strip() for x in text[start:end].split("\n") if x.strip()]
    return len(lines) >= 3 and sum(x.startswith("|") for x in lines) >= len(lines) - 1


def _table_rows(text: str, start: int, end: int, target: int) -> list[Passage]:
    """A Markdown table cut between rows, each piece after the first led by the header row
    (a row means nothing without its column names)."""
    spans: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        if line.strip():
            a = pos + len(line) - len(line.lstrip())
            spans.append((a, pos + len(line.rstrip())))
        pos += len(line) + 1
    header = " ".join(text[spans[0][0] : spans[0][1]].split())
    body = [sp for sp in spans[1:] if set(text[sp[0] : sp[1]]) - set("|-: ")]  # no ---|---
    out: list[Passage] = []
    cur: list[tuple[int, int]] = [spans[0]]
    n = len(_word_spans(text, *spans[0]))
    for sp in body:
        w = len(_word_spans(text, *sp))
        if cur and n + w > target and any(c != spans[0] for c in cur):
            out.append(Passage(cur[0][0], cur[-1][1], header if out else "", n))
            cur, n = [], 0
        cur.append(sp)
        n += w
    if cur:
        out.append(Passage(cur[0][0], cur[-1][1], header if out else "", n))
    return out


def _entry_lead_before(text: str, start: int) -> str:
    """When start lies inside a paragraph that began earlier (a chunk's overlap cut an
    option's entry), that paragraph's lead: its option line, or its deeper-indented term."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start == 0 or text[line_start:start].strip():
        return ""
    prev_end = line_start - 1
    prev_start = text.rfind("\n", 0, prev_end) + 1
    if not text[prev_start:prev_end].strip():
        return ""  # a blank line above: start is a paragraph's beginning
    m = re.search(r"\n[ \t]*\n", text[:start][::-1])
    para = len(text[:start]) - m.start() if m else 0
    first = text[para : text.find("\n", para)].strip()
    if _OPTION_LINE.match(first):
        return " ".join(first.split())[:80]
    return _para_lead(text, para, start)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of text[start:end]; a short heading line right above an option's line
    (a man page's subsection "General Output Control" over "-c, --count") stands apart, so
    the option leads its own entry."""
    out: list[tuple[int, int]] = []
    for m in _PARA.finditer(text, start, end):
        ps, pe = m.start(), m.start() + len(m.group(0).rstrip())
        lines = text[ps:pe].split("\n", 2)
        if (
            len(lines) >= 2
            and len(lines[0].strip()) <= 60
            and not _OPTION_LINE.match(lines[0].lstrip())
            and _OPTION_LINE.match(lines[1].lstrip())
        ):
            out.append((ps, ps + len(lines[0])))
            ps += len(lines[0]) + 1
        out.append((ps, pe))
    return _join_detached(text, out)


def _indent(text: str, pos: int) -> int:
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start : text.find("\n", pos) if "\n" in text[pos:] else len(text)]
    return len(line) - len(line.lstrip())


def _join_detached(text: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An option line standing alone, its description one blank line below and indented
    deeper (sed's and timeout's pages: "-n, --quiet" / "" / "suppress automatic printing"),
    joined with that description (its following deeper paragraphs too) into one entry."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(paras):
        ps, pe = paras[i]
        line = text[ps:pe]
        j = i + 1
        if "\n" not in line and _OPTION_LINE.match(line.lstrip()) and len(line.strip()) <= 80:
            ind = _indent(text, ps)
            while j < len(paras) and _indent(text, paras[j][0]) > ind:
                j += 1
            pe = paras[j - 1][1]
        out.append((ps, pe))
        i = j
    return out


def passages_of(text: str, start: int, end: int, target: int = PASSAGE_WORDS) -> list[Passage]:
    """Split text[start:end] (a chunk) into passages of at most about `target` words:
    paragraphs packed together while they fit, a long paragraph cut at sentence ends, each
    later piece of a definition keeping its lead line. A definition's entry (a man page's
    option and its description) is a passage of its own; a table is cut between rows, under
    its header. Small units retrieve precisely with the embedding model (it reads a chunk's
    first ~150 words only) and are what gets quoted."""
    units: list[Passage] = []
    alone: set[int] = set()  # units never packed with a neighbour
    for k, (ps, pe) in enumerate(_paragraphs(text, start, end)):
        n = len(_word_spans(text, ps, pe))
        if n == 0:
            continue
        cut_lead = _entry_lead_before(text, ps) if k == 0 else ""
        if cut_lead:  # the chunk starts inside an option's entry: its pieces keep the option
            alone.update(range(len(units), len(units) + 1 + n // target))
            for a, b, w in _pieces(text, ps, pe, target):
                units.append(Passage(a, b, cut_lead, w))
            continue
        if _is_table(text, ps, pe):
            rows = _table_rows(text, ps, pe, target)
            alone.update(range(len(units), len(units) + len(rows)))
            units.extend(rows)
            continue
        entry = _is_entry(text, ps, pe)
        if n <= target:
            if entry:
                alone.add(len(units))
            units.append(Passage(ps, pe, "", n))
            continue
        lead = _para_lead(text, ps, pe)
        for i, (a, b, w) in enumerate(_pieces(text, ps, pe, target)):
            if entry:
                alone.add(len(units))
            units.append(Passage(a, b, lead if i else "", w))
    out: list[Passage] = []
    prev_alone = False
    for i, u in enumerate(units):
        prev = out[-1] if out else None
        if (
            prev is not None
            and not u.lead
            and not prev_alone
            and i not in alone
            and prev.words + u.words <= target
        ):
            out[-1] = Passage(prev.start, u.end, prev.lead, prev.words + u.words)
        else:
            out.append(u)
            prev_alone = i in alone
    return out


_OPTION = re.compile(r"(?<![\w-])(--?)([A-Za-z0-9][\w-]*)")


def option_terms(text: str) -> str:
    """The options a text defines or names ("-p", "--max-depth") as words BM25 can match:
    "optp optmaxdepth", one FTS5 token each. The tokenizer drops the
    dashes, so "-p" alone would be the letter p, which every text holds."""
    seen: list[str] = []
    for m in _OPTION.finditer(text):
        t = "opt" + m.group(2).lower().replace("-", "")
        if t not in seen:
            seen.append(t)
    return " ".join(seen)
