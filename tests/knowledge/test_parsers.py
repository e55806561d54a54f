"""Parsers on real files: DOCX/PDF/HTML written by LibreOffice, the machine's man pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from council_core.knowledge.chunking import chunk
from council_core.knowledge.parsers import Unreadable, detect_format, parse

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"


def load(path: Path):
    return parse(path, path.read_bytes(), detect_format(path) or "text")


@pytest.mark.parametrize("name", ["handbook.docx", "handbook.html", "handbook.pdf"])
def test_office_formats_keep_headings_and_text(name):
    doc = load(DOCS / name)
    assert doc.title == "Greenhouse Handbook"
    assert "serviced every 14 weeks" in doc.text
    assert "Ingrid Valdez" in doc.text
    pump = next(b for b in doc.blocks if "14 weeks" in doc.text[b.start : b.end])
    assert pump.section == "Irrigation > Pump maintenance"
    rows = [doc.text[b.start : b.end] for b in doc.blocks if "Orchids" in doc.text[b.start : b.end]]
    assert rows and "19 degrees" in rows[0]


def test_pdf_knows_pages():
    doc = load(DOCS / "handbook.pdf")
    by_text = {doc.text[b.start : b.end][:20]: b.page for b in doc.blocks}
    assert by_text["The irrigation pump "] == 1
    assert by_text["The roof vents open "] == 2


def test_bad_pdfs_are_unreadable_with_a_reason():
    with pytest.raises(Unreadable, match="password"):
        load(DOCS / "encrypted.pdf")
    with pytest.raises(Unreadable, match="corrupt PDF"):
        load(DOCS / "corrupt.pdf")


def test_binary_and_non_utf8_are_refused(tmp_path):
    b = tmp_path / "blob.txt"
    b.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(Unreadable, match="binary"):
        load(b)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 cr\u00e8me".encode("latin-1"))
    with pytest.raises(Unreadable, match="not UTF-8.*iconv"):
        load(latin)


def test_markdown_structure_and_offsets(tmp_path):
    p = tmp_path / "n.md"
    src = "---\ntitle: x\n---\n# Top\n\nIntro text.\n\nSub\n---\n\nBody here.\n\n```\n# not a heading\n```\n"
    p.write_text(src)
    doc = load(p)
    kinds = [(b.kind, b.section, src[b.start : b.end]) for b in doc.blocks]
    assert kinds == [
        ("heading", "Top", "# Top"),
        ("para", "Top", "Intro text."),
        ("heading", "Top > Sub", "Sub\n---"),
        ("para", "Top > Sub", "Body here."),
        ("code", "Top > Sub", "```\n# not a heading\n```"),
    ]


def test_code_sections_follow_definitions(tmp_path):
    p = tmp_path / "m.py"
    p.write_text("import os\n\n\nclass Store:\n    x = 1\n\n\ndef helper():\n    return 2\n")
    doc = load(p)
    assert [b.section for b in doc.blocks] == ["", "Store", "helper"]


@pytest.mark.skipif(not Path("/usr/share/man/man1/ls.1.gz").exists(), reason="no ls man page")
def test_man_page_is_rendered_with_sections():
    doc = load(Path("/usr/share/man/man1/ls.1.gz"))
    assert doc.format == "man"
    assert doc.title == "ls(1) — list directory contents"
    sections = {b.section for b in doc.blocks}
    assert {"NAME", "SYNOPSIS", "DESCRIPTION"} <= sections
    assert "sort by time, newest first" in doc.text


def test_chunks_are_exact_spans_of_about_the_target_size(tmp_path):
    words = [f"w{i}" for i in range(1000)]
    paras = "\n\n".join(" ".join(words[i : i + 50]) + "." for i in range(0, 1000, 50))
    p = tmp_path / "long.md"
    p.write_text("# Long\n\n" + paras + "\n\n# Other\n\n" + "tail " * 40 + "\n")
    doc = load(p)
    chunks = chunk(doc, target_words=200, overlap_words=30)
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.words <= 260
    long_chunks = [c for c in chunks if c.section == "Long"]
    assert len(long_chunks) >= 5
    # consecutive chunks of a section overlap; the next section starts fresh
    assert long_chunks[1].start < long_chunks[0].end
    other = [c for c in chunks if c.section == "Other"]
    assert other and other[0].text.startswith("# Other")
    # every word of the document is in some chunk
    covered = " ".join(c.text for c in chunks)
    assert all(w in covered for w in ("w0", "w499", "w999"))
