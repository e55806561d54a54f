"""The ground floor: what every other part of Council may import, and which imports nothing
of Council above it.

``errors`` (the one error hierarchy), ``result`` (answers, sources, stream events), ``logs``
(JSON logs, redaction, audit), ``paths`` (data/config dirs, ``COUNCIL_HOME``), ``metrics``
(the Prometheus registry), ``status`` (one ``council doctor`` line), ``db`` (SQLite engines
and versioned migrations), ``embed`` (sentence embeddings), ``vectors`` (a FAISS index
derived from SQLite), ``secrets`` (API keys: the keyring, read-only environment fallback).
``memory/``, ``sandbox/`` and ``council_core.knowledge`` import only this package (enforced by
import-linter, see pyproject.toml).
"""
