"""The knowledge base: the user's own documents, parsed, chunked, embedded and searchable.

``documents`` (``DocumentStore``: the SQLite truth, the FAISS index, ingest), ``parsers``
(one per format), ``chunking`` (chunks and passages), ``search`` (BM25, vectors, fusion).
It builds on ``council_core.base`` only; the knowledge skill
(``council_core.skills.knowledge``) answers from it.
"""
