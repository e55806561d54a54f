"""Preferences the user stated ("answer in metric units", "call me Sam"): key -> JSON value."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Engine, delete, select

from council_core.base.db import storage_errors
from council_core.base.errors import BadInput

from .schema import preferences
from .text import clean


class Preferences:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def set(self, key: str, value: Any) -> None:
        key = clean(key, "preference name").strip()
        if not key or len(key) > 200:
            raise BadInput("a preference needs a short name", fix="use a name under 200 characters")
        try:
            data = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise BadInput(
                f"preference {key!r} is not JSON-serializable", fix="store text, numbers, lists"
            ) from exc
        with storage_errors("store the preference"), self.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO preferences(key, value, updated) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                (key, clean(data, "preference"), time.time()),
            )

    def get_all(self) -> dict[str, Any]:
        with storage_errors("read preferences"), self.engine.connect() as c:
            rows = c.execute(select(preferences.c.key, preferences.c.value)).all()
        return {k: json.loads(v) for k, v in rows}

    def delete(self, key: str) -> bool:
        with storage_errors("delete the preference"), self.engine.begin() as c:
            return bool(c.execute(delete(preferences).where(preferences.c.key == key)).rowcount)
