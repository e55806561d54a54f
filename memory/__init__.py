"""Council's memory: SQLite is the truth, FAISS indexes are derived from it.

Conversation memory (issue 4): ``schema`` (tables, migrations, triggers), ``turns``
(``TurnLog``: SQLite only, what a cold ``council ask`` touches), ``turn_index`` (the FAISS
index kept in step with SQLite), ``worker`` (background embedding), ``store`` (``MemoryStore``,
the API), ``feedback``, ``preferences``, ``transfer`` (export/import), ``text`` (hygiene),
``service`` (the "memory" service factory), ``doctor``. Shared: ``db``, ``embed``, ``vectors``.
"""
