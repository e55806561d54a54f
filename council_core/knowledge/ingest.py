"""Adding files to the knowledge base: walk, read, parse, chunk, embed, store.

Ingestion is incremental (size + mtime, then the content hash: unchanged files are not read
again, changed ones are replaced, deleted ones removed on ``sync``), writes one transaction
per file (a failure leaves nothing half-written), and batches the embedding across files: a
reader thread parses and chunks the next files while the model embeds the current batch.

``IngestMixin`` gives ``DocumentStore`` its ``ingest`` and ``sync``; the rows it writes are
described in ``schema``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from council_core.base.errors import BadInput
from council_core.base.logs import get_logger
from council_core.base.protected_paths import is_protected, protected_paths, under
from council_core.base.result import Progress

from . import parsers
from .chunking import Passage, option_terms, passages_of
from .chunking import chunk as make_chunks

log = get_logger(__name__)

# Folders never walked into; paths under these roots are refused outright.
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".idea"}  # fmt: skip
REFUSED_ROOTS = ("/proc", "/sys", "/dev", "/run")
EMBED_BATCH = 256  # passages embedded per model call, across files


@dataclass
class IngestReport:
    files_added: int = 0
    files_updated: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    files_ignored: int = 0  # unsupported types met while walking a folder
    chunks_added: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    links_skipped: int = 0  # symlinks not followed (also listed in `skipped`)
    cancelled: bool = False
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def chunks_per_s(self) -> float:
        return self.chunks_added / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_added": self.files_added,
            "files_updated": self.files_updated,
            "files_unchanged": self.files_unchanged,
            "files_removed": self.files_removed,
            "files_ignored": self.files_ignored,
            "chunks_added": self.chunks_added,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "links_skipped": self.links_skipped,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Target:
    path: Path  # resolved
    folder: str | None  # the ingested folder it was found under
    size: int = 0
    mtime_ns: int = 0


@dataclass
class _Parsed:
    target: _Target
    sha: str
    kind: str  # "new" | "changed" | "touch" (same content, new mtime) | "skip"
    reason: str = ""
    doc: parsers.ParsedDoc | None = None
    chunks: list[Any] = field(default_factory=list)
    passages: list[list[Passage]] = field(default_factory=list)  # per chunk
    embed_texts: list[str] = field(default_factory=list)  # one per passage


class IngestMixin:
    """``ingest`` and ``sync`` for ``DocumentStore`` (its engine, locks, embedder, index)."""

    if TYPE_CHECKING:  # provided by DocumentStore
        engine: Engine
        chunk_words: int
        max_file_bytes: int
        embed_batch: int
        _write_lock: threading.Lock

        @property
        def embedder(self) -> Any: ...

        def _delete_paths(self, paths: list[str]) -> int: ...

        def _index_apply(self, removed: list[int], ids: list[int], vecs: list[Any]) -> None: ...

        def _save_index(self) -> None: ...

        def folders(self) -> list[str]: ...

    # ----- ingesting -----

    def ingest(
        self,
        paths: list[Path],
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> IngestReport:
        """Add files and folders (folders are remembered for ``sync``). Synchronous."""
        report = IngestReport()
        t0 = time.perf_counter()
        targets: dict[Path, _Target] = {}
        new_folders: list[str] = []
        resolved: list[tuple[Path, Path]] = []
        for raw in paths:
            p = Path(raw).expanduser()
            try:
                real = _safe_resolve(p)
            except BadInput as exc:
                report.skipped.append((str(p), exc.message))
                continue
            if is_protected(real):
                report.skipped.append((str(p), _PROTECTED))
                continue
            resolved.append((p, real))
            if real.is_dir():
                new_folders.append(str(real))
        roots = self.folders() + new_folders
        for _p, real in resolved:
            if real.is_dir():
                self._walk(real, str(real), targets, report, explicit=False, roots=roots)
            else:
                self._add_file(real, None, targets, report, explicit=True)
        if new_folders:
            with self._write_lock, self.engine.begin() as conn:
                for f in new_folders:
                    conn.execute(
                        text(
                            "INSERT INTO doc_folders(path, added_at) VALUES (:p, :t) "
                            "ON CONFLICT(path) DO NOTHING"
                        ),
                        {"p": f, "t": time.time()},
                    )
        self._process(list(targets.values()), report, on_progress, cancel)
        report.seconds = time.perf_counter() - t0
        return report

    def sync(
        self,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> IngestReport:
        """Rescan the known folders and files: add new, replace changed, drop deleted."""
        report = IngestReport()
        t0 = time.perf_counter()
        with self.engine.connect() as conn:
            folders = [r[0] for r in conn.exec_driver_sql("SELECT path FROM doc_folders")]
            known = conn.exec_driver_sql("SELECT path, folder FROM documents").all()
        targets: dict[Path, _Target] = {}
        for f in folders:
            fp = Path(f)
            if fp.is_dir():
                self._walk(fp, f, targets, report, explicit=False, roots=folders)
        gone: list[str] = []
        for path, folder in known:
            p = Path(path)
            if p in targets:
                continue
            if folder is None and p.is_file() and not is_protected(p):
                self._add_file(p, None, targets, report, explicit=True)
            else:
                gone.append(path)
        if gone:
            report.files_removed += self._delete_paths(gone)
        self._process(list(targets.values()), report, on_progress, cancel)
        report.seconds = time.perf_counter() - t0
        return report

    def _walk(
        self,
        root: Path,
        folder: str,
        targets: dict[Path, _Target],
        report: IngestReport,
        explicit: bool,
        roots: list[str] | None = None,
    ) -> None:
        """Walk `root`. A symlink is followed only when its target lies inside `root` or
        inside another folder the user ingested (`roots`) and is not protected; every link
        not followed is listed in the report."""
        allowed = [folder, *(roots or [])]
        protected = protected_paths()

        def onerror(exc: OSError) -> None:
            report.skipped.append((str(exc.filename), f"cannot read the folder: {exc.strerror}"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
            )
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                p = Path(dirpath) / name
                try:
                    real = _safe_resolve(p)
                except BadInput as exc:
                    report.skipped.append((str(p), exc.message))
                    continue
                why = _walk_refusal(p, real, allowed, protected)
                if why is not None:
                    report.skipped.append((str(p), why))
                    report.links_skipped += os.path.islink(p)
                    continue
                self._add_file(real, folder, targets, report, explicit=explicit)

    def _add_file(
        self,
        real: Path,
        folder: str | None,
        targets: dict[Path, _Target],
        report: IngestReport,
        explicit: bool,
    ) -> None:
        try:
            st = real.stat()
        except OSError as exc:
            report.skipped.append((str(real), f"cannot read it: {exc.strerror}"))
            return
        if not stat.S_ISREG(st.st_mode):
            report.skipped.append((str(real), "not a regular file (a device, FIFO or socket)"))
            return
        if parsers.detect_format(real) is None:
            if explicit:
                report.skipped.append(
                    (str(real), f"unsupported file type {real.suffix or '(no extension)'}")
                )
            else:
                report.files_ignored += 1
            return
        if real not in targets:
            targets[real] = _Target(real, folder, st.st_size, st.st_mtime_ns)

    def _process(
        self,
        targets: list[_Target],
        report: IngestReport,
        on_progress: Callable[[Progress], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        cancel = cancel or threading.Event()
        with self.engine.connect() as conn:
            known = {
                r[0]: (r[1], r[2], r[3], r[4], r[5])
                for r in conn.exec_driver_sql(
                    "SELECT path, id, sha256, size, mtime_ns, parser_version FROM documents"
                )
            }
        work: list[tuple[_Target, tuple[Any, ...] | None]] = []
        for t in targets:
            old = known.get(str(t.path))
            if (
                old is not None
                and old[2] == t.size
                and old[3] == t.mtime_ns
                and old[4] == parsers.PARSER_VERSION
            ):
                report.files_unchanged += 1
            else:
                work.append((t, old))
        total = len(work)
        if not total:
            return
        emit = on_progress or (lambda _p: None)
        emit(Progress("ingest", 0, total, "reading files"))
        results: queue.Queue[_Parsed | None] = queue.Queue(maxsize=64)
        reader = threading.Thread(
            target=self._read_all, args=(work, results, cancel), name="docs-reader", daemon=True
        )
        reader.start()
        t_start = time.perf_counter()
        done = 0
        chunks_done = 0
        pending: list[_Parsed] = []
        pending_texts = 0

        def flush() -> None:
            nonlocal pending, pending_texts, chunks_done, done
            if not pending:
                return
            if cancel.is_set():
                report.cancelled = True
                return
            n = self._write_batch(pending, report)
            chunks_done += n
            done += len(pending)
            elapsed = time.perf_counter() - t_start
            rate = chunks_done / elapsed if elapsed else 0.0
            eta = elapsed / done * (total - done) if done else None
            emit(
                Progress(
                    "ingest",
                    done,
                    total,
                    f"{pending[-1].target.path.name} · {rate:.1f} chunks/s",
                    eta,
                )
            )
            pending, pending_texts = [], 0

        try:
            while True:
                item = results.get()
                if item is None:
                    break
                if cancel.is_set():
                    report.cancelled = True
                    break
                pending.append(item)
                pending_texts += len(item.embed_texts)
                if pending_texts >= self.embed_batch:
                    flush()
            flush()
        finally:
            cancel_reader = cancel.is_set()
            if not cancel_reader:
                reader.join()
            else:
                report.cancelled = True
                while reader.is_alive():  # drain so the reader can finish
                    try:
                        results.get(timeout=0.1)
                    except queue.Empty:
                        pass
        if report.chunks_added or report.files_removed or report.files_updated:
            self._save_index()

    def _read_all(
        self,
        work: list[tuple[_Target, tuple[Any, ...] | None]],
        out: queue.Queue[_Parsed | None],
        cancel: threading.Event,
    ) -> None:
        try:
            for t, old in work:
                if cancel.is_set():
                    break
                out.put(self._read_one(t, old))
        finally:
            out.put(None)

    def _read_one(self, t: _Target, old: tuple[Any, ...] | None) -> _Parsed:
        if t.size == 0:
            return _Parsed(t, "", "skip", "empty file")
        if t.size > self.max_file_bytes:
            return _Parsed(
                t,
                "",
                "skip",
                f"larger than the {self.max_file_bytes // (1024 * 1024)} MB limit "
                f"({t.size / 1e6:.0f} MB); raise knowledge.max_file_mb in Settings",
            )
        try:
            data = _read_regular(t.path, self.max_file_bytes + 1)
        except _NotRegular as exc:
            return _Parsed(t, "", "skip", str(exc))
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # O_NOFOLLOW: swapped for a link since the walk
                return _Parsed(t, "", "skip", "replaced by a link since it was found: not read")
            return _Parsed(t, "", "skip", f"cannot read it: {exc.strerror or exc}")
        if len(data) > self.max_file_bytes:  # grew since stat
            return _Parsed(t, "", "skip", "larger than the size limit")
        sha = hashlib.sha256(data).hexdigest()
        if old is not None and old[1] == sha and old[4] == parsers.PARSER_VERSION:
            return _Parsed(t, sha, "touch")
        fmt = parsers.detect_format(t.path) or "text"
        try:
            doc = parsers.parse(t.path, data, fmt, max_bytes=self.max_file_bytes)
        except parsers.Unreadable as exc:
            return _Parsed(t, sha, "skip", str(exc))
        except Exception as exc:  # a parser bug must not stop the batch
            log.exception("parsing %s failed", t.path)
            return _Parsed(t, sha, "skip", f"could not parse it: {type(exc).__name__}: {exc}")
        chunks = make_chunks(doc, self.chunk_words)
        if not chunks:
            return _Parsed(t, sha, "skip", "no text found in it")
        parts = [passages_of(doc.text, c.start, c.end) for c in chunks]
        texts = [
            _embed_text(doc.title, c.section, doc.text[q.start : q.end], q.lead)
            for c, ps in zip(chunks, parts, strict=True)
            for q in ps
        ]
        kind = "new" if old is None else "changed"
        return _Parsed(t, sha, kind, doc=doc, chunks=chunks, passages=parts, embed_texts=texts)

    def _write_batch(self, batch: list[_Parsed], report: IngestReport) -> int:
        """Embed every passage of the batch in one call, then write one transaction per file."""
        import numpy as np

        texts = [s for p in batch for s in p.embed_texts]
        t = time.perf_counter()
        vecs = self.embedder.encode(texts) if texts else np.zeros((0, 384), np.float32)
        report.embed_seconds += time.perf_counter() - t
        added_ids: list[int] = []
        added_vecs: list[Any] = []
        removed_ids: list[int] = []
        pos = 0
        n_chunks = 0
        with self._write_lock:
            for p in batch:
                if p.kind == "skip":
                    report.skipped.append((str(p.target.path), p.reason))
                    continue
                if p.kind == "touch":
                    with self.engine.begin() as conn:
                        conn.execute(
                            text("UPDATE documents SET mtime_ns=:m, size=:s WHERE path=:p"),
                            {"m": p.target.mtime_ns, "s": p.target.size, "p": str(p.target.path)},
                        )
                    report.files_unchanged += 1
                    continue
                v = vecs[pos : pos + len(p.embed_texts)]
                pos += len(p.embed_texts)
                try:
                    with self.engine.begin() as conn:
                        removed_ids += _delete_doc(conn, str(p.target.path))
                        ids = _insert_doc(conn, p, v)
                        _bump_generation(conn)
                except Exception as exc:  # nothing of this file stays; the batch goes on
                    log.exception("storing %s failed", p.target.path)
                    report.skipped.append((str(p.target.path), f"could not store it: {exc}"))
                    continue
                added_ids += ids
                added_vecs.append(v)
                n_chunks += len(p.chunks)
                report.chunks_added += len(p.chunks)
                if p.kind == "new":
                    report.files_added += 1
                else:
                    report.files_updated += 1
        self._index_apply(removed_ids, added_ids, added_vecs)
        return n_chunks


def _embed_text(title: str, section: str, body: str, lead: str = "") -> str:
    head = f"{title} — {section}" if section else title
    return f"{head}\n{lead}\n{body}" if lead else f"{head}\n{body}"


_PROTECTED = "a protected location (keys, tokens, keyrings, Council's own data): never ingested"


class _NotRegular(Exception):
    pass


def _read_regular(path: Path, limit: int) -> bytes:
    """Read at most `limit` bytes of `path`, refusing anything but a regular file: opened
    without following a link and without blocking (a FIFO swapped in after the walk would
    hang a plain open), then checked with fstat on the open descriptor."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular("not a regular file (a device, FIFO or socket)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit)
    finally:
        os.close(fd)


def _walk_refusal(p: Path, real: Path, allowed: list[str], protected: list[str]) -> str | None:
    """Why the file `p` met in a walk (resolving to `real`) is not read, or None to read it:
    a protected target, or a link whose target lies outside every folder the user ingested."""
    r = str(real)
    link = f"a link to {real}, " if str(p) != r else ""
    if any(under(r, x) for x in protected):
        return link + _PROTECTED
    if not any(under(r, a) for a in allowed):
        return f"{link}outside the folders you ingested: not followed"
    return None


def _safe_resolve(p: Path) -> Path:
    """Resolve links; refuse loops, missing paths and the kernel's pseudo-filesystems."""
    try:
        real = p.resolve(strict=True)
    except RuntimeError as exc:  # Python < 3.13 reports a loop this way
        raise BadInput(f"symlink loop at {p}", fix="remove the looping link") from exc
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise BadInput(f"symlink loop at {p}", fix="remove the looping link") from exc
        raise BadInput(
            f"cannot open {p}: {exc.strerror}", fix="check the path and its permissions"
        ) from exc
    s = str(real)
    for root in REFUSED_ROOTS:
        if s == root or s.startswith(root + "/"):
            raise BadInput(f"{real} is a system path, not a document", fix="ingest your own files")
    return real


def _bump_generation(conn: Connection) -> None:
    conn.exec_driver_sql(
        "UPDATE doc_meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'"
    )


def _delete_doc(conn: Connection, path: str) -> list[int]:
    row = conn.execute(text("SELECT id FROM documents WHERE path=:p"), {"p": path}).first()
    if row is None:
        return []
    d = {"d": row[0]}
    ids = [r[0] for r in conn.execute(text("SELECT id FROM chunks WHERE doc_id=:d"), d)]
    pids = [
        r[0]
        for r in conn.execute(
            text(
                "SELECT id FROM passages WHERE chunk_id IN (SELECT id FROM chunks WHERE doc_id=:d)"
            ),
            d,
        )
    ]
    if ids:
        conn.execute(text("DELETE FROM chunks_fts WHERE rowid=:i"), [{"i": i} for i in ids])
    conn.execute(
        text("DELETE FROM passages WHERE chunk_id IN (SELECT id FROM chunks WHERE doc_id=:d)"), d
    )
    conn.execute(text("DELETE FROM chunks WHERE doc_id=:d"), d)
    conn.execute(text("DELETE FROM documents WHERE id=:d"), d)
    return pids


def _insert_doc(conn: Connection, p: _Parsed, vecs: Any) -> list[int]:
    """Write a parsed file: its row, its chunks (each with the normalised mean of its
    passages' vectors), their FTS rows and the passages. Returns the passage ids."""
    from bisect import bisect_right

    import numpy as np

    doc = p.doc
    assert doc is not None
    now = time.time()
    doc_id = conn.execute(
        text(
            "INSERT INTO documents(path, folder, format, title, sha256, size, mtime_ns, "
            "parser_version, n_chunks, added_at, updated_at) VALUES (:path, :folder, :fmt, "
            ":title, :sha, :size, :mtime, :pv, :n, :now, :now) RETURNING id"
        ),
        {
            "path": str(p.target.path),
            "folder": p.target.folder,
            "fmt": doc.format,
            "title": doc.title,
            "sha": p.sha,
            "size": p.target.size,
            "mtime": p.target.mtime_ns,
            "pv": parsers.PARSER_VERSION,
            "n": len(p.chunks),
            "now": now,
        },
    ).scalar_one()
    line_starts: list[int] = []
    if doc.has_lines:
        line_starts = [0] + [i + 1 for i, ch in enumerate(doc.text) if ch == "\n"]
    ids: list[int] = []
    pids: list[int] = []
    pos = 0
    for i, c in enumerate(p.chunks):
        pv = vecs[pos : pos + len(p.passages[i])]
        pos += len(p.passages[i])
        mean = np.asarray(pv, dtype=np.float32).mean(axis=0)
        mean /= float(np.linalg.norm(mean)) or 1.0
        ls = le = None
        if line_starts:
            ls = bisect_right(line_starts, c.start)
            le = bisect_right(line_starts, max(c.start, c.end - 1))
        cid = conn.execute(
            text(
                "INSERT INTO chunks(doc_id, ord, start, end, line_start, line_end, page, "
                "section, kind, text, vector) VALUES (:d, :o, :s, :e, :ls, :le, :pg, :sec, "
                ":k, :t, :v) RETURNING id"
            ),
            {
                "d": doc_id,
                "o": i,
                "s": c.start,
                "e": c.end,
                "ls": ls,
                "le": le,
                "pg": c.page,
                "sec": c.section,
                "k": c.kind,
                "t": c.text,
                "v": mean.astype(np.float32).tobytes(),
            },
        ).scalar_one()
        ids.append(int(cid))
        for q, qv in zip(p.passages[i], pv, strict=True):
            pids.append(
                conn.execute(
                    text(
                        "INSERT INTO passages(chunk_id, start, end, lead, vector) "
                        "VALUES (:c, :s, :e, :l, :v) RETURNING id"
                    ),
                    {"c": cid, "s": q.start, "e": q.end, "l": q.lead, "v": qv.tobytes()},
                ).scalar_one()
            )
    conn.execute(
        text("INSERT INTO chunks_fts(rowid, title, section, body) VALUES (:i, :ti, :s, :b)"),
        [
            {"i": cid, "ti": doc.title, "s": f"{c.section}\n{option_terms(c.text)}", "b": c.text}
            for cid, c in zip(ids, p.chunks, strict=True)
        ],
    )
    return pids
