"""The document store on real files: incremental ingest, bad input, search with sources."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from council_core.knowledge import ingest
from council_core.knowledge.documents import DocumentStore

DOCS = Path(__file__).resolve().parents[1] / "data" / "docs"


def rows(store, sql):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(sql).all()


def test_ingest_folder_then_again_adds_nothing(store, docs_dir):
    events = []
    r = store.ingest([docs_dir], on_progress=events.append)
    assert (r.files_added, r.skipped) == (5, [])
    assert r.chunks_added == len(rows(store, "SELECT id FROM chunks"))
    assert events[-1].done == events[-1].total == 5
    assert "chunks/s" in events[-1].message
    assert store.folders() == [str(docs_dir.resolve())]
    n_fts = rows(store, "SELECT count(*) FROM chunks_fts")[0][0]

    again = store.ingest([docs_dir])
    assert (again.files_added, again.files_updated, again.chunks_added) == (0, 0, 0)
    assert again.files_unchanged == 5
    assert rows(store, "SELECT count(*) FROM chunks_fts")[0][0] == n_fts


@pytest.mark.parametrize(
    ("name", "query", "locator"),
    [
        ("handbook.pdf", "how often does the irrigation pump need servicing", "page 1"),
        ("handbook.docx", "who do I call when the heating breaks at night", "Emergency contacts"),
        ("handbook.html", "when do the roof vents open", "section Ventilation"),
        ("notes.md", "when does my passport expire", "Travel notes > Passport"),
        ("tool.py", "what is the cap on the backoff delay", "backoff_delay"),
    ],
)
def test_search_finds_each_format_with_its_locator(store, docs_dir, tmp_path, name, query, locator):
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(docs_dir / name, only / name)
    # a distractor in another format, so the right file has to win
    other = "notes.md" if name != "notes.md" else "tool.py"
    shutil.copy(docs_dir / other, only / other)
    store.ingest([only])
    for mode in ("hybrid", "bm25", "vector"):
        hits = store.search(query, k=3, mode=mode)
        assert hits, mode
        assert hits[0].path == str((only / name).resolve()), (mode, hits[0].path)
    top = store.search(query, k=1)[0]
    assert locator in top.locator
    assert top.cosine is not None and top.cosine > 0.3


def test_changed_file_is_replaced_and_deleted_file_removed_on_sync(store, tmp_path):
    d = tmp_path / "kb"
    d.mkdir()
    a = d / "a.txt"
    a.write_text("The boiler pressure should read 1.5 bar when cold.\n")
    (d / "b.txt").write_text("The spare key is under the third flower pot.\n")
    store.ingest([d])
    assert "1.5 bar" in store.search("boiler pressure", k=1, mode="bm25")[0].text

    a.write_text("The boiler pressure should read 1.2 bar when cold.\n")
    os.utime(a, ns=(time.time_ns(), time.time_ns() + 10**9))
    r = store.sync()
    assert (r.files_updated, r.files_unchanged, r.files_added) == (1, 1, 0)
    texts = [h.text for h in store.search("boiler pressure", k=5)]
    assert any("1.2 bar" in t for t in texts) and not any("1.5 bar" in t for t in texts)

    (d / "b.txt").unlink()
    r = store.sync()
    assert r.files_removed == 1
    assert not any("flower pot" in h.text for h in store.search("spare key flower pot", k=5))
    assert [Path(x.path).name for x in store.list_documents()] == ["a.txt"]


def test_touched_but_identical_file_is_not_re_embedded(store, tmp_path):
    f = tmp_path / "same.txt"
    f.write_text("Unchanged content about lighthouse keepers.\n")
    store.ingest([f])
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 5 * 10**9))
    r = store.ingest([f])
    assert (r.files_unchanged, r.chunks_added) == (1, 0)


def test_bad_input_is_skipped_with_reasons_and_the_batch_goes_on(store, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    shutil.copy(DOCS / "encrypted.pdf", d / "encrypted.pdf")
    shutil.copy(DOCS / "corrupt.pdf", d / "corrupt.pdf")
    (d / "empty.txt").write_bytes(b"")
    (d / "blob.txt").write_bytes(os.urandom(4096) + b"\x00")
    (d / "latin.txt").write_bytes("na\u00efve caf\u00e9".encode("latin-1"))
    (d / "good.md").write_text("# Good\n\nThe good file mentions a heron by the pond.\n")
    (d / "loop").symlink_to(d / "loop")
    big = d / "huge.txt"
    with open(big, "wb") as fh:  # a sparse 2 GB file: refused by size, never read
        fh.truncate(2 * 1024**3)
    (d / "photo.png").write_bytes(b"\x89PNG\r\n")
    t = time.perf_counter()
    r = store.ingest([d, Path("/proc/self/status"), tmp_path / "missing.txt"])
    assert time.perf_counter() - t < 30
    reasons = {Path(p).name: why for p, why in r.skipped}
    assert r.files_added == 1
    assert "password" in reasons["encrypted.pdf"]
    assert "corrupt PDF" in reasons["corrupt.pdf"]
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["blob.txt"]
    assert "UTF-8" in reasons["latin.txt"]
    assert "symlink loop" in reasons["loop"]
    assert "MB limit" in reasons["huge.txt"] and "max_file_mb" in reasons["huge.txt"]
    assert "system path" in reasons["status"]
    assert "No such file" in reasons["missing.txt"]
    assert r.files_ignored == 1  # the PNG, met while walking the folder
    assert [Path(x.path).name for x in store.list_documents()] == ["good.md"]


def test_fifo_is_refused_not_read(store, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    r = store.ingest([fifo])
    assert "not a regular file" in r.skipped[0][1]


def test_a_failure_while_storing_leaves_nothing_of_that_file(store, tmp_path, monkeypatch):
    d = tmp_path / "tx"
    d.mkdir()
    (d / "ok.txt").write_text("Otters hold hands while sleeping.\n")
    (d / "bad.txt").write_text("Penguins propose with pebbles.\n")
    real = ingest._insert_doc

    def flaky(conn, p, vecs):
        ids = real(conn, p, vecs)  # the rows are written, then the file fails
        if p.target.path.name == "bad.txt":
            raise OSError("disk full")
        return ids

    monkeypatch.setattr(ingest, "_insert_doc", flaky)
    r = store.ingest([d])
    assert r.files_added == 1 and "disk full" in r.skipped[0][1]
    assert rows(store, "SELECT count(*) FROM documents")[0][0] == 1
    bodies = [x[0] for x in rows(store, "SELECT body FROM chunks_fts")]
    assert bodies and not any("Penguins" in b for b in bodies)
    assert not any("Penguins" in h.text for h in store.search("penguins pebbles", mode="vector"))


def test_cancel_stops_the_batch(store, tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    for i in range(40):
        (d / f"f{i:02d}.txt").write_text(f"File number {i} talks about topic {i}.\n")
    cancel = threading.Event()
    store.embed_batch = 4  # several batches, so there is a point to stop at

    def on_progress(ev):
        if ev.done:
            cancel.set()

    r = store.ingest([d], on_progress=on_progress, cancel=cancel)
    assert r.cancelled
    n = rows(store, "SELECT count(*) FROM documents")[0][0]
    assert 0 < n < 40
    # what was written is consistent and a later ingest completes the rest
    r2 = store.ingest([d])
    assert r2.files_added == 40 - n and r2.files_unchanged == n


def test_faiss_index_is_rebuilt_from_sqlite(store, docs_dir, embedder, tmp_path):
    store.ingest([docs_dir])
    before = [h.chunk_id for h in store.search("irrigation pump service", k=3, mode="vector")]
    store.close()
    store.index_path.unlink()  # lost or stale index
    again = DocumentStore(store.db_path, store.index_path, embedder=embedder)
    after = [h.chunk_id for h in again.search("irrigation pump service", k=3, mode="vector")]
    assert after == before
    assert store.index_path.exists()
    again.close()


def test_remove_a_file_and_a_folder(store, docs_dir):
    store.ingest([docs_dir])
    assert store.remove(docs_dir / "notes.md") == 1
    assert not any("passport" in h.text.lower() for h in store.search("passport expiry", k=5))
    assert store.remove(docs_dir) == 4
    assert store.list_documents() == [] and store.folders() == []
    assert store.search("irrigation", k=3) == []


def test_probe_is_cheap_and_needs_no_model(tmp_path, docs_dir, embedder):
    s = DocumentStore(tmp_path / "p.sqlite3", tmp_path / "p.faiss", embedder=embedder)
    s.ingest([docs_dir])
    s.close()
    fresh = DocumentStore(tmp_path / "p.sqlite3", tmp_path / "p.faiss")
    t = time.perf_counter()
    assert fresh.probe("when is the irrigation pump serviced") == 1.0
    assert fresh.probe("capital of mongolia") == 0.0
    assert time.perf_counter() - t < 0.2
    assert fresh._embedder is None and fresh._index is None
    fresh.close()


def test_a_store_from_before_passages_keeps_searching_then_sync_re_reads_it(
    store, docs_dir, embedder
):
    store.ingest([docs_dir])
    n_chunks = rows(store, "SELECT count(*) FROM chunks")[0][0]
    store.close()
    # make it what schema 1 wrote: no passages table, documents parsed by parser version 2
    import sqlite3

    con = sqlite3.connect(store.db_path)
    con.executescript(
        "DROP TABLE passages; UPDATE documents SET parser_version = 2;"
        "UPDATE schema_versions SET version = 1 WHERE component = 'documents';"
    )
    con.commit()
    con.close()

    old = DocumentStore(store.db_path, store.index_path, embedder=embedder)
    # migrated: one passage per chunk, carrying the chunk's vector; the index is rebuilt
    assert rows(old, "SELECT count(*) FROM passages")[0][0] == n_chunks
    hits = old.search("how often does the irrigation pump need servicing", k=3, mode="vector")
    assert any("pump" in h.text.lower() for h in hits)
    assert all(len(h.passages) == 1 for h in hits)

    r = old.sync()
    assert r.files_updated == 5 and r.files_added == 0
    assert rows(old, "SELECT count(*) FROM passages")[0][0] > n_chunks
    assert rows(old, "SELECT count(*) FROM documents WHERE parser_version = 2")[0][0] == 0
    hits = old.search("how often does the irrigation pump need servicing", k=3, mode="vector")
    assert any("pump" in h.text.lower() for h in hits)
    assert old.index.ntotal == rows(old, "SELECT count(*) FROM passages")[0][0]
    old.close()


def test_hits_carry_their_passages_best_first(store, docs_dir):
    store.ingest([docs_dir])
    hits = store.search("when does my passport expire", k=3, mode="hybrid")
    top = hits[0]
    assert top.path.endswith("notes.md")
    assert top.passages and top.cosine == top.passages[0].cosine
    cos = [p.cosine for p in top.passages]
    assert cos == sorted(cos, reverse=True)
    assert "March 2031" in top.passages[0].text
    for p in top.passages:  # each passage is an exact span of the chunk
        assert top.text[p.start - top.start : p.end - top.start] == p.text
    # BM25 alone loads no model: passages come back in text order without cosines
    bm = store.search("passport expires", k=3, mode="bm25")
    assert bm[0].cosine is None and all(p.cosine == 0.0 for p in bm[0].passages)


def test_hybrid_keeps_the_closest_passage_when_bm25_misses_the_wording(store, tmp_path):
    docs = tmp_path / "words"
    docs.mkdir()
    (docs / "rm.txt").write_text("rm -r removes directories and their contents recursively.\n")
    for i, t in enumerate(
        [
            "The folder of recipes holds everything for dinner; do not delete the guest list.",
            "Everything in the garden folder: seed packets. Delete old notes each spring.",
            "How I sort my music folder: everything by artist. Delete duplicates monthly.",
            "Tax folder: keep everything for seven years, then delete it with the shredder.",
            "Photo folder rules: everything gets a date; delete blurry shots.",
        ]
    ):
        (docs / f"note{i}.txt").write_text(t + "\n")
    store.ingest([docs])
    q = "How do I wipe a whole tree with everything inside?"
    assert "rm.txt" not in [Path(h.path).name for h in store.search(q, 5, "bm25")]
    assert Path(store.search(q, 1, "vector")[0].path).name == "rm.txt"
    # both rankings agree on the notes; the vectors' best chunk still makes the top 3
    assert "rm.txt" in [Path(h.path).name for h in store.search(q, 3, "hybrid")]
