"""What a sandbox may see and use: grants, limits, and the firejail command line.

Every run gets a fresh firejail with no network, a private empty home, a private /tmp and /dev,
the system read-only, only the session's workspace and the folders the user granted, secrets
blacklisted, no capabilities, seccomp, no new privileges, and rlimits.

Running as root (CI, some installs) firejail's nproc limit and file permissions do not hold for
uid 0, so the code is started as an unprivileged uid instead: firejail keeps only the
setuid/setgid/setpcap capabilities long enough for ``setpriv`` to switch to that uid, clear the
supplementary groups and empty the capability bounding set; the code itself holds no
capability at all. The uid is derived from the workspace (61000-63999, skipping real users),
so runs of one session can edit each other's files and different sessions usually differ.
"""

from __future__ import annotations

import math
import os
import pwd
import shutil
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from council_core.base.errors import ComponentMissing, SandboxDenied

# The protected lists are shared with the files skill and ingest (council_core.base.protected_paths):
# SYSTEM_DIRS are visible read-only anyway, so a grant there is refused (it would hide the
# rest); PRIVATE_TOPS are blacklisted unless a grant or the workspace lies below them (then
# firejail's whitelist shows only that part); HOME_SECRETS (below a home) and SYSTEM_SECRETS
# are blacklisted.
from council_core.base.protected_paths import HOME_SECRETS as HOME_SECRETS
from council_core.base.protected_paths import PRIVATE_TOPS as PRIVATE_TOPS
from council_core.base.protected_paths import SYSTEM_DIRS as SYSTEM_DIRS
from council_core.base.protected_paths import SYSTEM_SECRETS as SYSTEM_SECRETS

from .bootstrap import LOADER

INSTALL_FIX = "install firejail: sudo apt-get install firejail"
PYTHON = "/usr/bin/python3"
SETPRIV = "/usr/bin/setpriv"
UID_BASE = 61000
UID_SPAN = 3000

# Entries of /run the sandbox keeps: firejail's own state (it needs it to start) and the
# /run/shm link to the private /dev/shm. Everything else there (service sockets: dbus,
# postgresql, the user's runtime dir, systemd) is hidden, whatever its name.
RUN_KEEP = ("/run/firejail", "/run/shm")


def run_dirs_to_hide(visible: list[str]) -> list[str]:
    try:
        entries = sorted(e.path for e in os.scandir("/run"))
    except OSError:
        return []
    return [e for e in entries if e not in RUN_KEEP and not any(_under(v, e) for v in visible)]


@dataclass(frozen=True)
class Grant:
    """A folder (or file) outside the workspace the user allowed, read-only or read-write."""

    path: str
    mode: Literal["ro", "rw"] = "ro"

    @classmethod
    def make(cls, path: str | os.PathLike[str], mode: Literal["ro", "rw"] = "ro") -> Grant:
        return cls(os.path.realpath(os.fspath(path)), mode)


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 10.0
    memory_mb: int = 512
    cpu_s: int = 10
    file_size_mb: int = 64
    max_processes: int = 64
    max_open_files: int = 256
    max_output_kb: int = 64
    workspace_mb: int = 512  # the session's workspace on disk, all runs together
    workspace_files: int = 20000


def firejail_path() -> str:
    path = shutil.which("firejail")
    if not path:
        raise ComponentMissing(
            "firejail is not installed, and Council never runs code unsandboxed",
            fix=INSTALL_FIX,
        )
    return path


def running_as_root() -> bool:
    return os.geteuid() == 0


def sandbox_uid(workspace: str) -> int:
    """An unused uid for code started by root, stable for one workspace."""
    uid = UID_BASE + zlib.crc32(workspace.encode()) % UID_SPAN
    for _ in range(UID_SPAN):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
        uid = UID_BASE + (uid - UID_BASE + 1) % UID_SPAN
    raise SandboxDenied("no free uid for the sandbox", fix="free a uid in 61000-63999")


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def check_grant(grant: Grant, secret_paths: list[str]) -> None:
    p = grant.path
    if not os.path.isabs(p) or not os.path.exists(p):
        raise SandboxDenied(
            f"cannot grant {p}: it does not exist", fix="grant an existing folder", paths=[p]
        )
    if p == "/" or any(_under(p, d) for d in SYSTEM_DIRS):
        raise SandboxDenied(
            f"cannot grant {p}: system folders are already visible read-only to the sandbox",
            fix="grant a folder of your own",
            paths=[p],
        )
    if p in PRIVATE_TOPS or (os.path.dirname(p) == "/home" and p != _login_home()):
        raise SandboxDenied(
            f"cannot grant {p}: it holds other people's files",
            fix="grant the folder you need, not a whole home or top-level folder",
            paths=[p],
        )
    if any(_under(p, s) or _under(s, p) for s in secret_paths):
        raise SandboxDenied(
            f"cannot grant {p}: it holds or is inside secrets (keys, keyrings, Council's data)",
            fix="grant a folder that holds no secrets",
            paths=[p],
        )


def _login_home() -> str:
    """The home firejail replaces (from the password database, not $HOME)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return os.path.expanduser("~")


_NPROC_CACHE: tuple[float, int] = (0.0, 0)


def _own_process_count() -> int:
    """Processes of this user: RLIMIT_NPROC counts them all, so a normal user's limit is
    this count plus the sandbox's allowance."""
    global _NPROC_CACHE
    now = time.monotonic()
    if now - _NPROC_CACHE[0] < 2.0:
        return _NPROC_CACHE[1]
    uid = os.getuid()
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    n += 1
            except OSError:
                pass
    _NPROC_CACHE = (now, n)
    return n


@dataclass(frozen=True)
class Policy:
    """Everything one sandbox is started with; equal policies may share a pool."""

    workspace: str
    grants: tuple[Grant, ...]
    limits: Limits
    data_dir: str  # Council's data dir: hidden except the workspace
    secrets_extra: tuple[str, ...] = ()

    @property
    def uid(self) -> int | None:
        return sandbox_uid(self.workspace) if running_as_root() else None

    def secret_paths(self) -> list[str]:
        homes = {os.path.expanduser("~")}
        try:
            homes.add(pwd.getpwuid(os.getuid()).pw_dir)
        except KeyError:
            pass
        out = [os.path.join(h, s) for h in sorted(homes) for s in HOME_SECRETS]
        out += list(SYSTEM_SECRETS) + list(self.secrets_extra)
        data = self.data_dir
        ws = self.workspace
        # The data dir minus the workspace: everything beside the path from data_dir to ws.
        if _under(ws, data):
            keep = ws
            cur = Path(keep)
            while str(cur) != data and cur != cur.parent:
                parent = cur.parent
                try:
                    for entry in os.scandir(parent):
                        if entry.path != str(cur):
                            out.append(entry.path)
                except OSError:
                    pass
                cur = parent
        else:
            out.append(data)
        return out

    def argv(
        self, firejail: str, program: list[str] | None = None, backstop_s: float | None = None
    ) -> list[str]:
        """firejail's command line. ``backstop_s``: firejail itself kills the sandbox after
        that long (``--timeout``), should both Council and the bootstrap be gone or stopped."""
        lim = self.limits
        uid = self.uid
        visible = [self.workspace] + [g.path for g in self.grants]
        home = _login_home()
        args = [
            firejail,
            "--quiet",
            "--noprofile",
            "--net=none",
            "--private-dev",
            "--nosound",
            "--no3d",
            "--nodvd",
            "--notv",
            "--nou2f",
            "--novideo",
            "--ipc-namespace",
            "--hostname=sandbox",
            "--machine-id",
            "--nonewprivs",
            "--seccomp",
            "--read-only=/",
            "--x11=none",  # --private-tmp alone keeps the host's /tmp/.X11-unix sockets
        ]
        if backstop_s is not None:
            secs = max(1, math.ceil(backstop_s))
            args.append(f"--timeout={secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}")
        args.append("--nogroups" if uid is None else "--caps.keep=setuid,setgid,setpcap")
        if uid is None:
            args.append("--caps.drop=all")
        if not any(_under(v, home) for v in visible):
            args.append("--private")
        if not any(_under(v, "/tmp") for v in visible):
            args.append("--private-tmp")
        for v in visible:
            args.append(f"--whitelist={v}")
        args.append(f"--read-write={self.workspace}")
        for g in self.grants:
            args.append(f"--read-{'write' if g.mode == 'rw' else 'only'}={g.path}")
        for top in PRIVATE_TOPS:
            if _under(home, top) and not running_as_root():
                # Our own home is already replaced by --private or the whitelist; hide the rest.
                parent = os.path.dirname(home)
                try:
                    others = [e.path for e in os.scandir(parent) if e.path != home]
                except OSError:
                    others = []
                args += [f"--blacklist={o}" for o in others]
                continue
            if any(_under(v, top) for v in visible) or _under(home, top):
                continue
            if os.path.lexists(top):
                args.append(f"--blacklist={top}")
        for s in self.secret_paths():
            if os.path.lexists(s) and not any(_under(v, s) for v in visible):
                args.append(f"--blacklist={s}")
        args += [f"--blacklist={r}" for r in run_dirs_to_hide(visible)]
        args += [
            f"--rlimit-as={lim.memory_mb * 1024 * 1024}",
            f"--rlimit-cpu={lim.cpu_s}",
            f"--rlimit-fsize={lim.file_size_mb * 1024 * 1024}",
            f"--rlimit-nofile={lim.max_open_files}",
        ]
        if uid is not None:  # the sandbox's own uid: its count starts at 0
            args.append(f"--rlimit-nproc={lim.max_processes}")
        args.append("--")
        if uid is not None:
            args += [
                SETPRIV,
                f"--reuid={uid}",
                f"--regid={uid}",
                "--clear-groups",
                "--bounding-set=-all",
                "--inh-caps=-all",
                "--",
            ]
        args += program if program is not None else [PYTHON, "-I", "-u", "-c", LOADER]
        return args

    def run_nproc(self) -> int:
        """RLIMIT_NPROC the code's process sets for itself (0: firejail already set it).

        As a normal user the limit counts every process of the user, so it is this user's
        process count now plus the allowance; it is set when the run starts rather than by
        firejail at start-up, since pooled and parallel sandboxes (four processes each) would
        otherwise eat into each other's allowance."""
        if self.uid is not None:
            return 0
        return self.limits.max_processes + _own_process_count()

    def env(self) -> dict[str, str]:
        """A clean environment: nothing of the parent's (no keys, no tokens)."""
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": self.workspace,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "TMPDIR": "/tmp",
            "TERM": "dumb",
        }

    def prepare_workspace(self) -> None:
        ws = Path(self.workspace)
        ws.mkdir(parents=True, exist_ok=True)
        uid = self.uid
        if uid is not None:
            st = ws.stat()
            if st.st_gid != uid or (st.st_mode & 0o2770) != 0o2770:
                os.chown(ws, 0, uid)
                os.chmod(ws, 0o2770)
