"""The one list of places Council never exposes: to the sandbox, to file plans, to ingest.

Used by the sandbox policy (what firejail blacklists and which grants it refuses), by the
files skill (``council files grant``, what a plan may touch) and by document ingest (which
symlink targets are never read). Qt-free and without heavy imports.

- ``HOME_SECRETS``: keys, keyrings, tokens and browser profiles below a home directory,
  plus Council's own config, data and cache folders.
- ``SYSTEM_SECRETS``: password hashes, host keys, service sockets.
- ``SYSTEM_DIRS``: the operating system's folders; never granted (the sandbox sees them
  read-only anyway, and a plan must not move a system file).
- ``PRIVATE_TOPS``: top-level folders holding the machine's or other people's data; a grant
  of the whole folder is refused (a folder below it may be granted).

``grant_refusal(path)`` applies the rule to a folder the user wants to grant: it refuses ``/``,
system folders, a whole home, other people's homes, and anything inside or containing a
protected path, and says what to grant instead.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterable

SYSTEM_DIRS = (
    "/usr",
    "/etc",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/run",
    "/var/lib",
    "/var/cache",
)
PRIVATE_TOPS = (
    "/home",
    "/root",
    "/media",
    "/mnt",
    "/srv",
    "/opt",
    "/var/mail",
    "/var/spool",
    "/var/backups",
    "/var/log",
    "/var/www",
    "/var/lib",
    "/lost+found",
    "/snap",
)
HOME_SECRETS = (
    ".ssh",
    ".gnupg",
    ".local/share/keyrings",
    ".password-store",
    ".mozilla",
    ".config/google-chrome",
    ".config/chromium",
    ".config/BraveSoftware",
    ".config/microsoft-edge",
    ".config/vivaldi",
    ".config/opera",
    ".thunderbird",
    ".aws",
    ".azure",
    ".config/gcloud",
    ".config/gh",
    ".kube",
    ".docker",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    ".pypirc",
    ".npmrc",
    ".vault-token",
    ".config/council",
    ".local/share/council",
    ".cache/council",
)
SYSTEM_SECRETS = (
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/shadow-",
    "/etc/gshadow-",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/ssh",
    "/etc/ssl/private",
    "/run/user",
    "/run/dbus",
    "/run/systemd",
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/containerd",
    "/run/podman",
    "/run/cups",
    "/run/avahi-daemon",
    "/run/snapd.socket",
    "/var/lib/sss",
    "/etc/krb5.keytab",
)


def under(path: str, top: str) -> bool:
    """`path` is `top` or lies below it (plain string test on normalised paths)."""
    return path == top or path.startswith(top.rstrip("/") + "/")


def own_homes() -> list[str]:
    """This user's home: $HOME and the password database's entry (they may differ)."""
    out = {os.path.realpath(os.path.expanduser("~"))}
    try:
        out.add(os.path.realpath(pwd.getpwuid(os.getuid()).pw_dir))
    except KeyError:
        pass
    return sorted(out)


def other_homes() -> list[str]:
    """Home folders of other accounts (from the password database, /home and /root)."""
    mine = set(own_homes())
    found: set[str] = set()
    try:
        for entry in pwd.getpwall():
            d = entry.pw_dir
            if d and d.startswith(("/home/", "/root")) and d not in ("/", ""):
                found.add(os.path.realpath(d))
    except OSError:
        pass
    try:
        found |= {os.path.realpath(e.path) for e in os.scandir("/home") if e.is_dir()}
    except OSError:
        pass
    found.add("/root")
    return sorted(d for d in found if d not in mine and d not in ("/", "/home"))


def council_dirs() -> list[str]:
    """Council's own config, data and cache folders (wherever COUNCIL_HOME puts them)."""
    from council_core.base.paths import resolve_paths

    p = resolve_paths()
    return [os.path.realpath(d) for d in (p.config_dir, p.data_dir, p.cache_dir)]


def protected_paths(extra: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
    """Every protected path (resolved): home secrets of this user's homes, system secrets,
    Council's own folders and `extra`."""
    out: list[str] = []
    for home in own_homes():
        out += [os.path.join(home, s) for s in HOME_SECRETS]
    out += list(SYSTEM_SECRETS)
    out += council_dirs()
    out += [os.fspath(e) for e in extra]
    seen: dict[str, None] = {}
    for p in out:
        seen.setdefault(p, None)
        seen.setdefault(os.path.realpath(p), None)  # a secret folder may itself be a link
    return list(seen)


def is_protected(path: str | os.PathLike[str], extra: Iterable[str] = ()) -> bool:
    """`path` (resolved here) is a protected path or lies inside one."""
    real = os.path.realpath(os.fspath(path))
    return any(under(real, p) for p in protected_paths(extra))


def grant_refusal(path: str | os.PathLike[str], extra: Iterable[str] = ()) -> str | None:
    """Why a grant of `path` is refused (a sentence that says what to grant instead), or None.

    `path` is resolved first, so a link to a protected folder is judged by its target."""
    raw = os.fspath(path)
    real = os.path.realpath(os.path.expanduser(raw))
    instead = "grant the folder you need, e.g. ~/Documents or ~/Downloads"
    if real == "/":
        return f"the whole file system (/) cannot be granted; {instead}"
    for d in SYSTEM_DIRS:
        if under(real, d):
            return f"{real} is a system folder and cannot be granted; {instead}"
    for h in own_homes():
        if real == h:
            return (
                f"{real} is your whole home folder (it holds keys and Council's own data) and "
                f"cannot be granted; {instead}"
            )
    if real in PRIVATE_TOPS:
        return (
            f"{real} holds the machine's or other people's data and cannot be granted whole; "
            "grant the one folder below it that you need"
        )
    for h in other_homes():
        if under(real, h):
            return f"{real} is in another account's home ({h}) and cannot be granted; {instead}"
    for p in protected_paths(extra):
        if under(real, p):
            where = (
                "is a protected location" if real == p else f"is inside {p}, a protected location"
            )
            return (
                f"{real} {where} (keys, tokens or Council's own data) and cannot be granted; "
                f"{instead}"
            )
        if under(p, real):
            return (
                f"{real} contains a protected location ({p}: keys, tokens or Council's own "
                f"data) and cannot be granted; grant a folder below it that holds no secrets"
            )
    return None
