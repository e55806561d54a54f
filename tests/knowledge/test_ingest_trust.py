"""Ingest trust gaps (issue 16): symlinks out of the folder, decompression bombs, FIFOs,
damaged databases. Real symlinks, real gzip/zip files made here, real SQLite files, the real
CLI in a subprocess where a user would use it."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from council_core.knowledge.documents import DocumentStore
from tests.helpers.cli import run_council
from tests.memory.hash_embedder import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE private key\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home with the secrets the red team linked to."""
    h = tmp_path / "home"
    (h / ".ssh").mkdir(parents=True)
    (h / ".ssh" / "id_rsa").write_text(KEY)
    (h / ".aws").mkdir()
    (h / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = wJalrXUtnFEMI\n")
    monkeypatch.setenv("HOME", str(h))
    return h


def make_store(tmp_path: Path, **kw) -> DocumentStore:
    return DocumentStore(
        tmp_path / "db" / "documents.sqlite3",
        tmp_path / "db" / "docs.faiss",
        embedder=HashEmbedder(),
        **kw,
    )


def all_text(store: DocumentStore) -> str:
    with store.engine.connect() as c:
        return "\n".join(r[0] for r in c.exec_driver_sql("SELECT text FROM chunks"))


council = run_council  # tests/helpers/cli.py: the one `council` subprocess helper

# ----- 5. symlinks -----


def test_links_to_secrets_and_outside_the_folder_are_not_followed(home, tmp_path):
    kb = home / "kb"
    kb.mkdir()
    (kb / "real.txt").write_text("The greenhouse vent opens at 27 degrees.\n")
    (kb / "notes.txt").symlink_to(home / ".ssh" / "id_rsa")
    (kb / "creds.txt").symlink_to(home / ".aws" / "credentials")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "other.txt").write_text("Text from a folder that was never ingested.\n")
    (kb / "other.txt").symlink_to(outside / "other.txt")
    inner = kb / "sub"
    inner.mkdir()
    (inner / "inside.txt").write_text("A file inside the folder, linked from its parent.\n")
    (kb / "inside-link.txt").symlink_to(inner / "inside.txt")

    store = make_store(tmp_path)
    rep = store.ingest([kb])
    text = all_text(store)
    assert "PRIVATE KEY" not in text and "aws_secret" not in text
    assert "never ingested" not in text  # the outside target was not read either
    assert "greenhouse vent" in text and "inside the folder" in text
    skipped = dict(rep.skipped)
    assert "protected location" in skipped[str(kb / "notes.txt")]
    assert "protected location" in skipped[str(kb / "creds.txt")]
    assert "outside the folders you ingested" in skipped[str(kb / "other.txt")]
    assert rep.links_skipped == 3
    # the same on sync, and a link into ANOTHER ingested folder is followed
    store.ingest([outside])
    rep = store.sync()
    assert str(kb / "other.txt") not in dict(rep.skipped)
    assert "PRIVATE KEY" not in all_text(store)
    store.close()


def test_a_link_given_by_name_to_a_secret_is_refused(home, tmp_path):
    (tmp_path / "key.txt").symlink_to(home / ".ssh" / "id_rsa")
    store = make_store(tmp_path)
    rep = store.ingest([tmp_path / "key.txt", home / ".aws" / "credentials"])
    assert rep.files_added == 0 and len(rep.skipped) == 2
    assert all("protected location" in why for _p, why in rep.skipped)
    assert all_text(store) == ""
    store.close()


def test_cli_ingest_says_which_links_were_skipped_and_search_finds_no_key(home, tmp_path):
    kb = home / "kb"
    kb.mkdir()
    (kb / "notes.txt").symlink_to(home / ".ssh" / "id_rsa")
    env = dict(os.environ, HOME=str(home))
    r = council("ingest", str(kb), env=env)
    assert f"skipped {kb / 'notes.txt'}: a link to {home / '.ssh' / 'id_rsa'}" in r.stderr
    assert "1 link(s) not followed" in r.stdout
    r = council("docs", "search", "--mode", "bm25", "--json", "private key", env=env)
    assert r.returncode in (0, 1), r.stderr
    assert "PRIVATE KEY" not in r.stdout


# ----- 6. decompressed size -----


def _docx_bomb(path: Path, expanded: int) -> None:
    """A DOCX-shaped zip whose document.xml expands to `expanded` bytes (zeros of XML
    whitespace compress ~1000:1)."""
    body = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>bomb'
        + b" " * expanded
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            '/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr("word/document.xml", body)
    path.write_bytes(buf.getvalue())


RSS_PROBE = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from council_core.knowledge.documents import DocumentStore
from tests.memory.hash_embedder import HashEmbedder
d = Path({tmp!r})
s = DocumentStore(d / "db.sqlite3", d / "db.faiss", embedder=HashEmbedder(), max_file_mb=1)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
rep = s.ingest([d / "bombs"])
print(json.dumps({{"skipped": rep.skipped, "s": time.perf_counter() - t,
    "grew_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before}}))
"""


def test_compressed_files_are_capped_by_their_decompressed_size(tmp_path):
    bombs = tmp_path / "bombs"
    bombs.mkdir()
    _docx_bomb(bombs / "report.docx", 200 * 1024 * 1024)  # 200 MB inside ~200 KB
    (bombs / "tool.1.gz").write_bytes(gzip.compress(b".TH TOOL 1\n" + b"\n" * (200 << 20), 9))
    for f in bombs.iterdir():
        assert f.stat().st_size < 1024 * 1024  # each file is under the 1 MB limit on disk
    code = RSS_PROBE.format(root=str(ROOT), tmp=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    reasons = {Path(p).name: why for p, why in got["skipped"]}
    assert "expands to more than the 1 MB limit" in reasons["report.docx"]
    assert "expands to more than the 1 MB limit" in reasons["tool.1.gz"]
    assert got["grew_kb"] < 64 * 1024  # RSS stayed bounded (200 MB expanded would show)
    assert got["s"] < 30


def test_a_small_compressed_man_page_still_ingests(tmp_path):
    man = tmp_path / "man"
    man.mkdir()
    (man / "hello.1.gz").write_bytes(
        gzip.compress(b"HELLO(1)   User Commands   HELLO(1)\n\nNAME\n       hello - greet\n")
    )
    store = make_store(tmp_path, max_file_mb=1)
    rep = store.ingest([man])
    assert rep.files_added == 1, rep.skipped
    store.close()


# ----- FIFO swapped in after the walk -----


def test_a_fifo_swapped_in_between_walk_and_read_does_not_hang(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    f = kb / "notes.txt"
    f.write_text("ordinary text\n")
    store = make_store(tmp_path)
    targets: dict = {}
    from council_core.knowledge.ingest import IngestReport

    rep = IngestReport()
    store._walk(kb, str(kb), targets, rep, explicit=False)  # the walk saw a regular file
    f.unlink()
    os.mkfifo(f)  # ... and a FIFO is there when it is read
    done = threading.Event()

    def go() -> None:
        store._process(list(targets.values()), rep, None, None)
        done.set()

    t = threading.Thread(target=go, daemon=True)
    t.start()
    assert done.wait(20), "ingest hung on a FIFO"
    assert "not a regular file" in dict(rep.skipped)[str(f)]
    store.close()


# ----- damaged documents database -----


def test_damaged_documents_db_gives_a_clear_error_and_doctor_checks_it(tmp_path, council_home):
    data = council_home / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "documents.sqlite3").write_bytes(b"this is not a database, just damage " * 200)
    env = dict(os.environ)
    r = council("docs", "list", env=env)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "sqlalchemy" not in r.stderr.lower()
    assert "damaged" in r.stderr and "move it away" in r.stderr
    r = council("doctor", "--json", env=env)
    lines = {s["name"]: s for s in json.loads(r.stdout)}
    doc = lines["documents database"]
    assert doc["ok"] is False and "damaged" in doc["detail"]


def test_doctor_documents_line_when_healthy(tmp_path, council_home):
    from council_core.knowledge.doctor import _documents

    store = make_store(tmp_path)
    (tmp_path / "a.txt").write_text("one line of text\n")
    store.ingest([tmp_path / "a.txt"])
    store.close()
    st = _documents(tmp_path / "db" / "documents.sqlite3")
    assert st.ok and st.detail.startswith("1 documents")


def test_empty_memory_db_is_not_silently_replaced_and_math_still_answers(council_home):
    data = council_home / "data"
    data.mkdir(parents=True, exist_ok=True)
    db = data / "council.sqlite3"
    db.write_bytes(b"")
    old = time.time() - 3600  # truncated an hour ago (not a database being created now)
    os.utime(db, (old, old))
    r = council("ask", "--json", "17*23", env=dict(os.environ))
    out = json.loads(r.stdout)
    assert out["answer"].startswith("391") or "391" in out["answer"]
    assert any("conversation memory unavailable" in n for n in out["notes"])
    assert db.stat().st_size == 0  # left as it was: not silently started afresh
    r = council("doctor", "--json", env=dict(os.environ))
    mem = {s["name"]: s for s in json.loads(r.stdout)}["memory database"]
    assert mem["ok"] is False and "empty (0 bytes)" in mem["detail"]


def test_damaged_memory_db_does_not_block_math(council_home):
    data = council_home / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "council.sqlite3").write_bytes(b"garbage, not SQLite " * 300)
    t = time.perf_counter()
    r = council("ask", "--json", "what is 12*12", env=dict(os.environ))
    out = json.loads(r.stdout)
    assert out["error"] is None and "144" in out["answer"], out
    assert any("damaged" in n for n in out["notes"])
    assert time.perf_counter() - t < 60


def test_documents_db_damaged_past_its_header_gives_a_clear_error(tmp_path, council_home):
    data = council_home / "data"
    data.mkdir(parents=True, exist_ok=True)
    db = data / "documents.sqlite3"
    store = DocumentStore(db, data / "indexes" / "documents.faiss", embedder=HashEmbedder())
    kb = tmp_path / "kb"
    kb.mkdir()
    for i in range(40):
        (kb / f"n{i}.txt").write_text(f"note {i} " + "word " * 400)
    store.ingest([kb])
    with store.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = bytearray(db.read_bytes())
    raw[4096 * 3 : 4096 * 12] = os.urandom(4096 * 9)  # pages of the tables, header kept
    db.write_bytes(bytes(raw))
    r = council("docs", "list", env=dict(os.environ))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr, r.stderr[-1500:]
    assert "error: " in r.stderr and "damaged" in r.stderr
