"""Crashes, concurrent writers, damaged indexes, hostile text and a broken disk.

Writers use the deterministic test embedder so 20+ subprocesses stay fast; SQLite, the
triggers, FAISS, the index files and their lock are the real ones."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from council_core.base.errors import BadInput, StorageError
from memory.store import MemoryStore
from memory.text import MAX_TEXT_CHARS
from tests.helpers.cli import run_council
from tests.memory.hash_embedder import HashEmbedder

WRITER = "tests.memory.writer"  # run as a module from the repository root
ROOT = Path(__file__).resolve().parents[2]


def open_store(data: Path) -> MemoryStore:
    return MemoryStore(
        data / "council.sqlite3", data / "indexes", embedder=HashEmbedder(), background=False
    )


def start_writer(data: Path, prefix: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", WRITER, str(data), prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def committed(lines: list[str]) -> dict[int, str]:
    out = {}
    for line in lines:
        head, _, text = line.strip().partition(" ")
        if head.isdigit() and text:
            out[int(head)] = text
    return out


def assert_consistent(store: MemoryStore, expected: dict[int, str]) -> None:
    store.catch_up()
    gen, count, _ = store.index.db_state()
    assert store.index.ntotal == count == store.stats()["memories"]
    found = store.log.get_many(expected)
    assert set(found) == set(expected), "a committed turn was lost"
    for tid, text in random.Random(1).sample(sorted(expected.items()), min(25, len(expected))):
        assert found[tid].user == text
        assert store.search(text, 1)[0].turn_id == tid  # searchable, found exactly


def test_two_writing_processes_lose_nothing(data_dir):
    procs = [start_writer(data_dir, p, 100) for p in ("alpha", "beta")]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    expected = {**committed(outs[0].splitlines()), **committed(outs[1].splitlines())}
    assert len(expected) == 200
    with open_store(data_dir) as store:
        assert store.stats()["pending"] == 0
        assert_consistent(store, expected)


def test_kill_9_at_random_points_loses_no_committed_turn(data_dir):
    rng = random.Random(20261125)
    expected: dict[int, str] = {}
    kills = 0
    for round_ in range(11):  # two writers at once per round: 22 kill points
        procs = [start_writer(data_dir, f"r{round_}{w}", 10_000) for w in "ab"]
        for p in procs:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready"
        for p in procs:
            time.sleep(rng.uniform(0.0, 0.2))
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            assert p.stdout is not None
            rest = p.stdout.read()
            p.stdout.close()
            assert p.wait() == -signal.SIGKILL
            kills += 1
            expected.update(committed(rest.splitlines()))
    assert kills >= 20 and len(expected) > 40
    with open_store(data_dir) as store:
        assert_consistent(store, expected)


def test_missing_corrupt_and_stale_index_is_rebuilt(data_dir):
    with open_store(data_dir) as store:
        ids = {
            store.add_turn("s", f"fact {i} about rivers", "ok"): f"fact {i} about rivers"
            for i in range(40)
        }
        store.embed_pending()
        store.index.save(force=True)
    index_file = data_dir / "indexes" / "turns.faiss"
    assert index_file.exists()

    index_file.write_bytes(b"\x00garbage" * 100)  # corrupt
    with open_store(data_dir) as store:
        assert_consistent(store, ids)
        assert store.index.rebuilds == 1

    index_file.unlink()  # missing
    with open_store(data_dir) as store:
        assert_consistent(store, ids)
        assert store.index.rebuilds == 1

    with open_store(data_dir) as store:  # stale: forgotten behind the index's back
        store.engine.dispose()
    import sqlite3

    with sqlite3.connect(data_dir / "council.sqlite3") as c:
        c.execute("PRAGMA foreign_keys=ON")
        gone = min(ids)
        c.execute("DELETE FROM turns WHERE id=?", (gone,))
    del ids[gone]
    with open_store(data_dir) as store:
        assert_consistent(store, ids)
        assert store.index.rebuilds == 1
        assert gone not in {h.turn_id for h in store.search("fact 0 about rivers", 5)}


def test_stats_command_counts_pending_turns_and_doctor_reports(council_home):
    data = council_home / "data"
    with open_store(data) as store:
        store.add_turn("s", "one fact to index", "ok")
    r = run_council("memory", "stats", home=council_home, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"pending": 1' in r.stdout
    from memory.doctor import checks

    lines = {c.name: c for c in checks()}
    assert lines["memory database"].ok and "1 waiting" in lines["memory database"].detail
    assert "missing" in lines["memory index"].detail and lines["memory index"].fix


def test_hostile_text_is_stored_safely_or_refused(hstore):
    big = "word " * 200_000  # 1 MB
    t1 = hstore.add_turn("s", big, "ok")
    t2 = hstore.add_turn("s", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe binary", "ok")
    t3 = hstore.add_turn("s", "caf\udce9 latin-1 byte via surrogateescape", "ok")
    t4 = hstore.add_turn("s", "nul\x00inside", b"caf\xe9")
    hstore.embed_pending()
    turns = hstore.log.get_many([t1, t2, t3, t4])
    assert len(turns[t1].user) == len(big)
    assert "\x00" not in turns[t2].user and "PNG" in turns[t2].user
    assert turns[t3].user == "caf\ufffd latin-1 byte via surrogateescape"
    assert turns[t4].user == "nulinside" and turns[t4].assistant == "caf\ufffd"
    assert hstore.stats()["memories"] == 4
    with pytest.raises(BadInput, match="at most"):
        hstore.add_turn("s", "x" * (MAX_TEXT_CHARS + 1), "ok")
    with pytest.raises(BadInput):
        hstore.add_turn("s", 12345, "ok")  # type: ignore[arg-type]


def test_full_disk_gives_a_storage_error(hstore):
    hstore.add_turn("s", "before the disk filled up", "ok")

    @event.listens_for(hstore.engine, "connect")
    def _small(dbapi_conn, _rec):
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={pages}")
        cur.close()

    hstore.engine.dispose()
    with pytest.raises(StorageError) as err:
        fill(hstore, 200)
    assert "full" in str(err.value) and "free disk space" in (err.value.fix or "")


def fill(store: MemoryStore, n: int) -> None:
    for i in range(n):
        store.add_turn("s", f"filler {i} " + "z" * 4000, "ok")


def open_and_fill(data: Path, n: int) -> None:
    store = open_store(data)
    try:
        fill(store, n)
    finally:
        store.close()


def _mount(*args: str) -> bool:
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def test_full_tmpfs_gives_a_storage_error(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mnt)):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        with pytest.raises(StorageError) as err:
            open_and_fill(mnt, 500)
        assert err.value.fix
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_read_only_data_dir_gives_a_storage_error(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with open_store(data) as store:
        store.add_turn("s", "written while writable", "ok")
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:
        data.chmod(0o555)
        (data / "council.sqlite3").chmod(0o444)
        target = data
    elif _mount("--bind", "-o", "ro", str(data), str(ro)):
        target = ro
    else:
        pytest.skip("cannot make a read-only directory here")
    try:
        with pytest.raises(StorageError) as err:
            open_and_fill(target, 1)
        assert "writable" in (err.value.fix or "")
    finally:
        if target == ro:
            subprocess.run(["umount", str(ro)], check=True)
        else:
            data.chmod(0o755)


def test_a_loaded_reader_sees_other_writers_adds_and_forgets(data_dir):
    a, b = open_store(data_dir), open_store(data_dir)
    try:
        t1 = a.add_turn("s", "the first fact about owls", "ok")
        assert b.search("the first fact about owls", 1)[0].turn_id == t1  # b embeds it
        t2 = a.add_turn("s", "the second fact about owls", "ok")
        a.embed_pending()
        a.index.save(force=True)
        assert b.search("the second fact about owls", 1)[0].turn_id == t2
        b.forget(t1)
        assert t1 not in [h.turn_id for h in a.search("the first fact about owls", 5, min_score=-1)]
        assert a.search("the second fact about owls", 1)[0].turn_id == t2
        assert a.index.ntotal == b.index.ntotal == 1
    finally:
        a.close()
        b.close()


def test_processes_creating_a_new_database_at_once_all_succeed(tmp_path):
    # Each process imports first, then all open the new database at the same instant.
    code = (
        "import sys, time; from memory.turns import TurnLog; "
        "time.sleep(max(0, float(sys.argv[2]) - time.time())); "
        "TurnLog(sys.argv[1]).add_turn('s', 'hi', 'ok')"
    )
    for round_ in range(3):
        db = tmp_path / f"new{round_}" / "council.sqlite3"
        at = str(time.time() + 1.5)
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(db), at],
                cwd=ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        errs = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, errs
        from memory.turns import TurnLog

        log = TurnLog(db)
        assert log.counts()["turns"] == 4
        log.close()
