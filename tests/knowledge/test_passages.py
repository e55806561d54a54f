"""Passages: the ~30-word units inside a chunk that are embedded and quoted."""

from __future__ import annotations

from pathlib import Path

from council_core.knowledge.chunking import chunk, passages_of
from council_core.knowledge.parsers import detect_format, parse


def load(path: Path):
    return parse(path, path.read_bytes(), detect_format(path) or "text")


def test_short_paragraphs_are_packed_and_spans_are_exact():
    text = "Alpha one two.\n\nBeta three four.\n\n" + " ".join(f"g{i}" for i in range(40))
    ps = passages_of(text, 0, len(text), target=10)
    # the two short paragraphs fit together; the 40-word one does not fit with them
    assert text[ps[0].start : ps[0].end] == "Alpha one two.\n\nBeta three four."
    assert ps[0].words == 6
    rest = ps[1:]
    assert sum(p.words for p in rest) == 40
    assert all(p.words <= 15 for p in rest)  # a run-on sentence is cut between words
    assert text[rest[-1].start : rest[-1].end].endswith("g39")


def test_long_paragraph_is_cut_at_sentence_ends():
    sents = [f"Sentence {i} has exactly seven words here." for i in range(8)]
    text = " ".join(sents)
    ps = passages_of(text, 0, len(text), target=15)
    pieces = [text[p.start : p.end] for p in ps]
    assert len(pieces) == 4
    assert all(x.startswith("Sentence") and x.endswith("here.") for x in pieces)
    assert " ".join(pieces) == text


def test_later_pieces_of_a_definition_keep_its_lead_line():
    body = " ".join(f"Sentence {i} says something about the option." for i in range(10))
    text = f"OPTIONS\n       -r, --recursive\n              {body}\n"
    start = text.index("       -r")
    ps = passages_of(text, start, len(text), target=20)
    assert len(ps) >= 3
    assert ps[0].lead == ""  # the first piece starts with the option line itself
    assert text[ps[0].start : ps[0].end].lstrip().startswith("-r, --recursive")
    assert all(p.lead == "-r, --recursive" for p in ps[1:])


def test_passages_of_a_real_man_page_cover_its_chunks():
    doc = load(Path("/usr/share/man/man1/ls.1.gz"))
    n = 0
    for c in chunk(doc):
        ps = passages_of(doc.text, c.start, c.end)
        assert ps and ps[0].start >= c.start and ps[-1].end <= c.end
        assert all(a.end <= b.start for a, b in zip(ps, ps[1:], strict=False))  # ordered
        words = sum(len(doc.text[p.start : p.end].split()) for p in ps)
        assert words == len(c.text.split())  # every word of the chunk is in a passage
        n += len(ps)
    texts = [
        doc.text[p.start : p.end] for c in chunk(doc) for p in passages_of(doc.text, c.start, c.end)
    ]
    assert any("sort by time, newest first" in " ".join(t.split()) for t in texts)
    assert n > len(chunk(doc)) * 3


def test_option_whose_description_follows_a_blank_line_is_one_entry():
    # sed's and timeout's pages: the option line, a blank line, the description indented
    text = (
        "OPTIONS\n"
        "       -n, --quiet, --silent\n\n"
        "              suppress automatic printing of pattern space\n\n"
        "       -k, --kill-after=DURATION\n\n"
        "              also send a KILL signal if COMMAND is still running\n\n"
        "              this long after the initial signal was sent\n\n"
        "       --debug\n"
        "              annotate program execution\n"
    )
    start = text.index("       -n")
    ps = passages_of(text, start, len(text), target=30)
    flat = [" ".join(text[p.start : p.end].split()) for p in ps]
    assert flat == [
        "-n, --quiet, --silent suppress automatic printing of pattern space",
        "-k, --kill-after=DURATION also send a KILL signal if COMMAND is still running "
        "this long after the initial signal was sent",
        "--debug annotate program execution",
    ]


def test_sed_page_keeps_its_options_with_their_descriptions():
    doc = load(Path("/usr/share/man/man1/sed.1.gz"))
    texts = [
        " ".join(doc.text[p.start : p.end].split())
        for c in chunk(doc)
        for p in passages_of(doc.text, c.start, c.end)
    ]
    assert any(t.startswith("-n, --quiet, --silent suppress automatic printing") for t in texts)
