"""Cloud API keys in the OS keyring (never in the settings file).

Uses the cloud component's key store when it exists (``council_core.base.secrets``) and the
keyring library directly otherwise, under the same service name."""

from __future__ import annotations

import importlib
from typing import Any

from council_core.base.errors import ComponentMissing

SERVICE = "council"


def _cloud_keys() -> Any:
    try:
        return importlib.import_module("council_core.base.secrets")
    except ImportError:
        return None


def _keyring() -> Any:
    import keyring
    from keyring.errors import NoKeyringError

    kr = keyring.get_keyring()
    if "fail" in type(kr).__module__:
        raise ComponentMissing(
            "no keyring is available to store API keys",
            fix="install gnome-keyring (or KWallet) and log in to a desktop session; "
            "headless: set COUNCIL_<PROVIDER>_API_KEY",
        ) from NoKeyringError()
    return keyring


def set_key(provider: str, key: str) -> None:
    mod = _cloud_keys()
    if mod is not None and hasattr(mod, "set_key"):
        mod.set_key(provider, key)
        return
    _keyring().set_password(SERVICE, provider, key)


def has_key(provider: str) -> bool:
    mod = _cloud_keys()
    if mod is not None and hasattr(mod, "get_key"):
        try:
            return bool(mod.get_key(provider))
        except Exception:
            return False
    try:
        return bool(_keyring().get_password(SERVICE, provider))
    except ComponentMissing:
        return False


def delete_key(provider: str) -> None:
    mod = _cloud_keys()
    if mod is not None and hasattr(mod, "delete_key"):
        mod.delete_key(provider)
        return
    from keyring.errors import PasswordDeleteError

    try:
        _keyring().delete_password(SERVICE, provider)
    except PasswordDeleteError:
        pass


def mask(key: str) -> str:
    return "•" * 8 + key[-4:] if len(key) > 8 else "•" * len(key)
