"""API keys for cloud providers: in the OS keyring only.

Keys are stored under the keyring service ``council`` with the provider name as user name.
They never go to settings, logs (every key read is registered with the log redactor), the
database, the sandbox environment or error messages. On a machine with no keyring backend (a
headless server) ``COUNCIL_<PROVIDER>_API_KEY`` is read from the environment, never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from council_core.base.errors import BadInput, ComponentMissing, NeedsKey
from council_core.base.logs import add_secret

SERVICE = "council"
NO_BACKEND_FIX = (
    "install gnome-keyring (or KWallet) and log in to a desktop session; on a headless "
    "server set COUNCIL_{ENV}_API_KEY in the environment of the council process"
)


def env_var(provider: str) -> str:
    return f"COUNCIL_{re.sub(r'[^A-Za-z0-9]', '_', provider).upper()}_API_KEY"


_KEY_VAR = re.compile(r"^COUNCIL_.+_API_KEY$")


def scrubbed_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without any COUNCIL_<PROVIDER>_API_KEY: for the sandbox and any child process."""
    return {k: v for k, v in env.items() if not _KEY_VAR.match(k)}


@dataclass
class KeyringStatus:
    ok: bool
    backend: str
    detail: str = ""


def keyring_status() -> KeyringStatus:
    """Whether a usable keyring backend exists (the fail/null backends do not count)."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        kr = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config must not break Council
        return KeyringStatus(False, "none", f"{type(exc).__name__}: {exc}")
    name = f"{type(kr).__module__}.{type(kr).__name__}"
    if isinstance(kr, fail.Keyring) or "null" in type(kr).__module__.lower():
        return KeyringStatus(False, name, "no keyring backend")
    if isinstance(kr, chainer.ChainerBackend) and not kr.backends:
        return KeyringStatus(False, name, "no keyring backend")
    return KeyringStatus(True, name)


def _validate_provider(provider: str) -> str:
    provider = provider.strip()
    if not provider or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,64}", provider):
        raise BadInput(
            f"invalid provider name {provider[:40]!r}",
            fix="use the endpoint's name from Settings > Models (letters, digits, - _ .)",
        )
    return provider


def get_key(provider: str) -> str:
    """The provider's API key, or NeedsKey. Registers it with the log redactor."""
    provider = _validate_provider(provider)
    status = keyring_status()
    key: str | None = None
    if status.ok:
        import keyring
        from keyring.errors import KeyringError

        try:
            key = keyring.get_password(SERVICE, provider)
        except KeyringError:
            status = KeyringStatus(False, status.backend, "keyring backend failed")
    if not status.ok:
        key = os.environ.get(env_var(provider)) or None
    if not key:
        raise NeedsKey(provider)
    add_secret(key)
    return key


def has_key(provider: str) -> bool:
    try:
        get_key(provider)
    except (NeedsKey, BadInput):
        return False
    return True


def set_key(provider: str, key: str) -> str:
    """Store the key in the keyring; returns the backend's name. Never writes the env."""
    provider = _validate_provider(provider)
    key = key.strip()
    if not key:
        raise BadInput("the API key is empty", fix="paste the key your provider gave you")
    if any(c.isspace() for c in key):
        raise BadInput("the API key contains spaces or line breaks", fix="paste only the key")
    add_secret(key)
    status = keyring_status()
    if not status.ok:
        raise ComponentMissing(
            "no keyring backend to store the key in",
            fix=NO_BACKEND_FIX.format(ENV=env_var(provider)[8:-8]),
        )
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, provider, key)
    except KeyringError as exc:
        raise ComponentMissing(
            f"the keyring ({status.backend}) refused to store the key: {type(exc).__name__}",
            fix="unlock your keyring (log in to the desktop session) and try again",
        ) from None  # the library's message might quote the secret
    return status.backend


def delete_key(provider: str) -> bool:
    """Remove the key; False when there was none."""
    provider = _validate_provider(provider)
    status = keyring_status()
    if not status.ok:
        raise ComponentMissing(
            "no keyring backend", fix=NO_BACKEND_FIX.format(ENV=env_var(provider)[8:-8])
        )
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, provider)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise ComponentMissing(
            f"the keyring ({status.backend}) failed: {type(exc).__name__}",
            fix="unlock your keyring (log in to the desktop session) and try again",
        ) from None
    return True
