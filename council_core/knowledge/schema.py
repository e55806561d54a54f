"""The knowledge base's tables in ``documents.sqlite3`` and their migrations.

::

    doc_folders   folders the user ingested (``sync`` walks them again)
    documents     one row per file: path, format, title, content hash, size, mtime, parser
                  version, chunk count
    chunks        ~200-word spans of a document's parsed text (offsets, lines, page, section),
                  each with its vector
    chunks_fts    FTS5 over title, section and body (BM25)
    passages      the few-sentence units of each chunk, each with its own vector (what the
                  FAISS index holds)
    doc_meta      ``generation``: bumped by every change, so a FAISS index on disk can tell
                  whether it still matches

``migrate(engine, "documents", MIGRATIONS)`` (``council_core.base.db``) runs each step once.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection


def _schema_v1(conn: Connection) -> None:
    for stmt in (
        "CREATE TABLE doc_folders (path TEXT PRIMARY KEY, added_at REAL NOT NULL)",
        "CREATE TABLE documents (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL "
        "UNIQUE, folder TEXT, format TEXT NOT NULL, title TEXT NOT NULL, sha256 TEXT NOT NULL, "
        "size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, parser_version INTEGER NOT NULL, "
        "n_chunks INTEGER NOT NULL, added_at REAL NOT NULL, updated_at REAL NOT NULL)",
        "CREATE INDEX documents_folder ON documents(folder)",
        "CREATE TABLE chunks (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id INTEGER NOT NULL "
        "REFERENCES documents(id) ON DELETE CASCADE, ord INTEGER NOT NULL, start INTEGER NOT "
        "NULL, end INTEGER NOT NULL, line_start INTEGER, line_end INTEGER, page INTEGER, "
        "section TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL)",
        "CREATE INDEX chunks_doc ON chunks(doc_id)",
        "CREATE VIRTUAL TABLE chunks_fts USING fts5(title, section, body, "
        "tokenize='porter unicode61')",
        "CREATE TABLE doc_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "INSERT INTO doc_meta(key, value) VALUES ('generation', '0')",
    ):
        conn.exec_driver_sql(stmt)


def _schema_v2(conn: Connection) -> None:
    """Passages: the few-sentence units of each chunk, each with its own vector; the vector
    index holds passages (a chunk ranks by its best passage). Chunks stored before this get
    one passage each (their chunk vector) until a sync re-reads them (PARSER_VERSION 3)."""
    for stmt in (
        "CREATE TABLE passages (id INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id INTEGER NOT "
        "NULL REFERENCES chunks(id) ON DELETE CASCADE, start INTEGER NOT NULL, end INTEGER "
        "NOT NULL, lead TEXT NOT NULL, vector BLOB NOT NULL)",
        "CREATE INDEX passages_chunk ON passages(chunk_id)",
        "INSERT INTO passages(chunk_id, start, end, lead, vector) "
        "SELECT id, start, end, '', vector FROM chunks ORDER BY id",
        "UPDATE doc_meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'",
    ):
        conn.exec_driver_sql(stmt)


MIGRATIONS = [_schema_v1, _schema_v2]
