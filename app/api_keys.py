"""Cloud API keys for the settings dialog: the core's one accessor
(``council_core.base.secrets``: the OS keyring, never the settings file; read-only environment
fallback on a headless machine) plus ``mask`` for showing a stored key."""

from __future__ import annotations

from council_core.base.secrets import delete_key, has_key, set_key

__all__ = ["delete_key", "has_key", "mask", "set_key"]


def mask(key: str) -> str:
    return "•" * 8 + key[-4:] if len(key) > 8 else "•" * len(key)
