"""Council's conversation memory: SQLite is the truth, a FAISS index is derived from it.

``schema`` (tables, migrations, triggers), ``turns`` (``TurnLog``: SQLite only, what a cold
``council ask`` touches), ``turn_index`` (the FAISS index kept in step with SQLite), ``worker``
(background embedding), ``store`` (``MemoryStore``, the API), ``context`` (``context_for``:
what a chat prompt gets from memory), ``feedback``, ``preferences``,
``transfer`` (export/import), ``text`` (hygiene), ``service`` (the "memory" service factory),
``doctor``. It imports only the ground floor (``council_core.base``: SQLite, embeddings, the
vector index); the user's documents are ``council_core.knowledge``.
"""
