"""`council doctor` lines for the documents knowledge base."""

from __future__ import annotations

from pathlib import Path

from council_core.base.errors import CouncilError
from council_core.base.paths import resolve_paths
from council_core.base.status import ComponentStatus


def checks() -> list[ComponentStatus]:
    return [_documents(resolve_paths().data_dir / "documents.sqlite3")]


def _documents(db: Path) -> ComponentStatus:
    """The documents database: readable and counted, or what is wrong with it (SQLite only)."""
    if not db.exists():
        return ComponentStatus("documents database", True, "no documents yet (council ingest)")
    from sqlalchemy.exc import DatabaseError

    from council_core.base.db import make_engine, migrate

    from .schema import MIGRATIONS

    engine = make_engine(db)
    try:
        migrate(engine, "documents", MIGRATIONS)
        with engine.connect() as conn:
            docs = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
            chunks = conn.exec_driver_sql("SELECT count(*) FROM chunks").scalar_one()
            check = conn.exec_driver_sql("PRAGMA quick_check").scalar_one()
        if check != "ok":
            return ComponentStatus(
                "documents database",
                False,
                f"{db} is damaged: {check}",
                f"move it away (mv {db} {db}.damaged) and ingest your folders again",
            )
        return ComponentStatus("documents database", True, f"{docs} documents, {chunks} chunks")
    except CouncilError as exc:
        return ComponentStatus("documents database", False, exc.message, exc.fix)
    except DatabaseError as exc:
        return ComponentStatus(
            "documents database",
            False,
            f"{db} is damaged: {exc.orig}",
            f"move it away (mv {db} {db}.damaged) and ingest your folders again",
        )
    finally:
        engine.dispose()
