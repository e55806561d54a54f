"""Where Council keeps its files.

``COUNCIL_HOME`` moves all of them (config, data, logs, per-user cache); without it the
platformdirs locations are used. Model files assembled from PyPI wheels live in a shared cache
(``COUNCIL_MODEL_CACHE`` or the user cache dir) so every ``COUNCIL_HOME`` reuses them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "council"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    model_cache_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "council.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "indexes"

    @property
    def workspace_dir(self) -> Path:
        return self.data_dir / "workspaces"

    def ensure(self) -> Paths:
        for p in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            p.mkdir(parents=True, exist_ok=True)
        return self


def shared_model_cache() -> Path:
    env = os.environ.get("COUNCIL_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "models"


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    home = home if home is not None else os.environ.get("COUNCIL_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(root / "config", root / "data", root / "cache", shared_model_cache())
    import platformdirs

    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_cache_dir(APP_NAME)),
        shared_model_cache(),
    )
