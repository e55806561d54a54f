"""The escape suite's cases: each attack runs in a real sandbox together with an allowed twin
action that must succeed, and the result must name the denial. Shared by the tests and by
bench/escape_table.py, which prints the table."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.executor import SafeExecutor
from sandbox.result import ExecResult

needs_firejail = pytest.mark.skipif(
    shutil.which("firejail") is None, reason="firejail is not installed (apt-get install firejail)"
)

FAKE_KEY = "sk-parentfake" + "0123456789abcdef0123"
SSH_SECRET = "FAKE-PRIVATE-KEY-" + "9f8e7d"
DB_SECRET = "council-db-secret-" + "5a4b3c"
SERVER_SECRET = "host-loopback-secret-" + "77aa"


@dataclass
class Env:
    ex: SafeExecutor
    session: str
    fake_home: Path
    db_file: Path
    port: int
    marker: Path
    host_pid: int
    tag: str

    @property
    def workspace(self) -> Path:
        return self.ex.workspace(self.session)

    @property
    def tag_sleep(self) -> str:
        """A unique sleep duration, to find a leaked process on the host by its cmdline."""
        return "59." + str(int(self.tag, 16) % 1000).zfill(3)


@dataclass
class Case:
    name: str
    attack: str
    twin: str
    code: Callable[[Env], str]
    verify: Callable[[ExecResult, Env], str]  # returns the denial as named; asserts
    language: str = "python"
    timeout_s: float | None = None


def _denied(res: ExecResult, path: str | Path) -> bool:
    return any(d.path == str(path) for d in res.denied)


# ----- cases -----


def _shadow_code(env: Env) -> str:
    return (
        "open('mine.txt','w').write('twin-ok')\n"
        "print('twin:', open('mine.txt').read())\n"
        "print(open('/etc/shadow').read())\n"
    )


def _shadow_verify(res: ExecResult, env: Env) -> str:
    assert "twin: twin-ok" in res.stdout
    assert "root:" not in res.stdout
    assert "PermissionError" in res.stderr
    assert _denied(res, "/etc/shadow") and res.denied[0].secret
    return "PermissionError; denied: /etc/shadow (secret)"


def _ssh_code(env: Env) -> str:
    key = env.fake_home / ".ssh" / "id_rsa"
    return (
        "print('twin:', sum(range(10)))\n"
        "import os\n"
        f"p = {str(key)!r}\n"
        "try:\n    print(open(p).read())\nexcept OSError as e:\n    print('blocked', e.errno)\n"
        "print(os.path.exists(os.path.expanduser('~/.ssh')))\n"
        "raise SystemExit(open(p).read())\n"
    )


def _ssh_verify(res: ExecResult, env: Env) -> str:
    assert "twin: 45" in res.stdout
    assert SSH_SECRET not in res.stdout + res.stderr
    assert res.exit_code != 0
    key = str(env.fake_home / ".ssh" / "id_rsa")
    assert _denied(res, key), res.denied
    return f"{'ENOENT' if 'blocked 2' in res.stdout else 'EACCES'}; denied: ~/.ssh/id_rsa (secret)"


def _db_code(env: Env) -> str:
    return (
        "open('own.db','wb').write(b'twin')\n"
        "print('twin:', open('own.db','rb').read())\n"
        f"print(open({str(env.db_file)!r}, 'rb').read())\n"
    )


def _db_verify(res: ExecResult, env: Env) -> str:
    assert "twin: b'twin'" in res.stdout
    assert DB_SECRET not in res.stdout + res.stderr
    assert _denied(res, env.db_file) and res.denied[0].secret
    assert "own.db" in res.files
    return "FileNotFoundError (data dir hidden); denied: council.sqlite3 (secret)"


def _write_code(env: Env) -> str:
    return (
        "open('out.txt','w').write('twin')\n"
        f"open({str(env.marker)!r},'w').write('escaped')\n"
        "import os\n"
        "for p in [os.path.join("
        + repr(str(env.fake_home))
        + ", 'pwned'), '/var/tmp/pwned-"
        + env.tag
        + "', '/etc/pwned-"
        + env.tag
        + "']:\n"
        "    try:\n        open(p, 'w').write('x'); print('wrote', p)\n"
        "    except OSError as e:\n        print('blocked', p, e.errno)\n"
    )


def _write_verify(res: ExecResult, env: Env) -> str:
    assert (env.workspace / "out.txt").read_text() == "twin"
    assert "out.txt" in res.files
    assert not env.marker.exists(), "the /tmp marker reached the host"
    assert not (env.fake_home / "pwned").exists()
    assert not Path(f"/var/tmp/pwned-{env.tag}").exists()
    assert not Path(f"/etc/pwned-{env.tag}").exists()
    assert f"blocked {env.fake_home}/pwned" in res.stdout
    assert f"blocked /etc/pwned-{env.tag} 30" in res.stdout  # EROFS
    assert _denied(res, env.fake_home / "pwned")
    return "/tmp and /var/tmp private (host untouched); $HOME: denied; /etc: EROFS"


def _net_code(env: Env) -> str:
    return (
        "import socket\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)\n"
        "c = socket.create_connection(srv.getsockname(), timeout=2); a, _ = srv.accept()\n"
        "a.sendall(b'twin-ok'); print('twin:', c.recv(10).decode())\n"
        f"s = socket.create_connection(('127.0.0.1', {env.port}), timeout=2)\n"
        "print(s.recv(100))\n"
    )


def _net_verify(res: ExecResult, env: Env) -> str:
    assert "twin: twin-ok" in res.stdout
    assert SERVER_SECRET not in res.stdout
    assert "ConnectionRefusedError" in res.stderr or "OSError" in res.stderr
    return "ConnectionRefusedError (own network namespace, --net=none)"


def _dns_code(env: Env) -> str:
    return "print('twin:', 6 * 7)\nimport socket\nprint(socket.getaddrinfo('pypi.org', 443))\n"


def _dns_verify(res: ExecResult, env: Env) -> str:
    assert "twin: 42" in res.stdout
    assert "gaierror" in res.stderr
    return "socket.gaierror (no resolver, no network)"


def _fork_code(env: Env) -> str:
    return (
        "import os, time\n"
        "print('twin:', sum(range(100)), flush=True)\n"
        "kids = 0\n"
        "try:\n"
        "    while kids < 5000:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30); os._exit(0)\n"
        "        kids += 1\n"
        "finally:\n"
        "    print('kids', kids, flush=True)\n"
    )


def _fork_verify(res: ExecResult, env: Env) -> str:
    assert "twin: 4950" in res.stdout
    kids = int(res.stdout.split("kids ")[1].split()[0])
    assert kids < 5000 and kids <= env.ex.limits.max_processes
    assert res.killed_reason == "process limit", res.stderr
    return f"BlockingIOError after {kids} processes (process limit)"


def _alloc_code(env: Env) -> str:
    return (
        "small = bytearray(50 * 2**20)\n"
        "print('twin:', len(small), flush=True)\n"
        "big = bytearray(20 * 2**30)\n"
    )


def _alloc_verify(res: ExecResult, env: Env) -> str:
    assert "twin: 52428800" in res.stdout
    assert res.killed_reason == "memory limit"
    return "MemoryError (memory limit)"


def _disk_code(env: Env) -> str:
    return (
        "open('small.bin','wb').write(b'x' * 2**20)\n"
        "print('twin: small ok', flush=True)\n"
        "with open('big.bin','wb') as f:\n"
        "    for _ in range(200):\n"
        "        f.write(b'x' * 2**20)\n"
    )


def _disk_verify(res: ExecResult, env: Env) -> str:
    assert "twin: small ok" in res.stdout
    assert res.killed_reason == "file size limit", res.stderr
    big = env.workspace / "big.bin"
    assert big.stat().st_size <= env.ex.limits.file_size_mb * 2**20
    assert "small.bin" in res.files
    return f"OSError File too large at {big.stat().st_size >> 20} MB (file size limit)"


def _loop_code(env: Env) -> str:
    return "print('twin:', sum(range(100)), flush=True)\nwhile True:\n    pass\n"


def _loop_verify(res: ExecResult, env: Env) -> str:
    assert "twin: 4950" in res.stdout
    assert res.timed_out and res.killed_reason == "timeout"
    assert res.duration_s < 3
    return f"killed at the wall-clock limit ({res.duration_s:.1f} s)"


def _bg_code(env: Env) -> str:
    return (
        "import subprocess\n"
        f"subprocess.Popen(['/bin/sleep', '{env.tag_sleep}'], start_new_session=True)\n"
        "print('twin: main done')\n"
    )


def _bg_verify(res: ExecResult, env: Env) -> str:
    assert "twin: main done" in res.stdout
    assert res.exit_code == 0 and not res.timed_out
    assert res.duration_s < 3
    return "killed with the sandbox when the run ended"


def _env_code(env: Env) -> str:
    return (
        "import os\n"
        "print('twin:', os.environ['HOME'])\n"
        "for k, v in os.environ.items():\n    print('env', k, v)\n"
        "for p in ['/proc/1/environ', '/proc/self/environ', f'/proc/{os.getppid()}/environ',"
        f" '/proc/{env.host_pid}/environ']:\n"
        "    try:\n        print(p, open(p,'rb').read())\n"
        "    except OSError as e:\n        print('blocked', p, e.errno)\n"
    )


def _env_verify(res: ExecResult, env: Env) -> str:
    assert f"twin: {env.workspace}" in res.stdout
    assert FAKE_KEY not in res.stdout + res.stderr
    assert "OPENAI_API_KEY" not in res.stdout
    return "clean environment: the key is in no variable and no /proc/*/environ"


def _ptrace_code(env: Env) -> str:
    return (
        "import ctypes, os\n"
        "print('twin:', 'State' in open('/proc/self/status').read())\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"for pid in (os.getppid(), 1, {env.host_pid}):\n"
        "    r = libc.ptrace(16, pid, None, None)\n"
        "    print('ptrace', pid, r, ctypes.get_errno())\n"
    )


def _ptrace_verify(res: ExecResult, env: Env) -> str:
    assert "twin: True" in res.stdout
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("ptrace")]
    assert len(lines) == 3
    assert all(ln.split()[2] == "-1" for ln in lines), lines
    errnos = sorted({ln.split()[3] for ln in lines})
    return f"ptrace fails (errno {'/'.join(errnos)}: seccomp, pid namespace)"


def _proc_code(env: Env) -> str:
    return (
        "import os\n"
        "print('twin:', open('/proc/self/cmdline','rb').read()[:20])\n"
        "pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "print('visible', len(pids))\n"
        f"print(open('/proc/{env.host_pid}/cmdline','rb').read())\n"
    )


def _proc_verify(res: ExecResult, env: Env) -> str:
    assert "twin: b'" in res.stdout
    visible = int(res.stdout.split("visible ")[1].split()[0])
    assert visible <= 4
    assert "FileNotFoundError" in res.stderr
    return f"own pid namespace: {visible} processes visible, host pids absent"


CASES = [
    Case(
        "read /etc/shadow",
        "read /etc/shadow",
        "write+read a workspace file",
        _shadow_code,
        _shadow_verify,
    ),
    Case(
        "read ~/.ssh/id_rsa",
        "read the invoking user's ~/.ssh/id_rsa",
        "compute",
        _ssh_code,
        _ssh_verify,
    ),
    Case(
        "read Council database",
        "read council.sqlite3 in the data dir",
        "write+read own file",
        _db_code,
        _db_verify,
    ),
    Case(
        "write outside workspace",
        "write /tmp marker, $HOME, /var/tmp, /etc",
        "write in the workspace",
        _write_code,
        _write_verify,
    ),
    Case(
        "connect to host 127.0.0.1",
        "TCP to a server on the host's loopback",
        "TCP over the sandbox's own loopback",
        _net_code,
        _net_verify,
    ),
    Case("DNS", "resolve pypi.org", "compute", _dns_code, _dns_verify),
    Case("fork bomb", "fork until refused", "compute", _fork_code, _fork_verify),
    Case("allocate 20 GB", "bytearray(20 GB)", "bytearray(50 MB)", _alloc_code, _alloc_verify),
    Case(
        "fill the disk", "write 200 MB (> file size limit)", "write 1 MB", _disk_code, _disk_verify
    ),
    Case(
        "infinite loop",
        "while True: pass",
        "print before the loop",
        _loop_code,
        _loop_verify,
        timeout_s=1.0,
    ),
    Case("outlive the run", "detached background sleep", "main finishes", _bg_code, _bg_verify),
    Case(
        "read parent's API key",
        "environ, /proc/*/environ",
        "read own $HOME",
        _env_code,
        _env_verify,
    ),
    Case(
        "ptrace the parent",
        "PTRACE_ATTACH ppid, pid 1, host pid",
        "read /proc/self/status",
        _ptrace_code,
        _ptrace_verify,
    ),
    Case(
        "/proc snooping",
        "list /proc, read a host pid's cmdline",
        "read /proc/self/cmdline",
        _proc_code,
        _proc_verify,
    ),
]


def host_processes_with(needle: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                    if needle.encode() in f.read():
                        found.append(int(entry.name))
            except OSError:
                pass
    return found


class _Server(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.hits = 0

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.sendall(SERVER_SECRET.encode())
            conn.close()


@contextmanager
def escape_env(ex: SafeExecutor, root: Path, db_file: Path) -> Iterator[Env]:
    """Plant the secrets (fake ssh key in a temp HOME, an API key in our environment, a
    database, a loopback server), yield, and restore."""
    fake_home = root / "home"
    (fake_home / ".ssh").mkdir(parents=True)
    (fake_home / ".ssh" / "id_rsa").write_text(SSH_SECRET)
    db_file.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db_file)
    con.execute("create table if not exists t (v text)")
    con.execute("insert into t values (?)", (DB_SECRET,))
    con.commit()
    con.close()
    server = _Server()
    server.start()
    old = {k: os.environ.get(k) for k in ("HOME", "OPENAI_API_KEY")}
    os.environ["HOME"] = str(fake_home)
    os.environ["OPENAI_API_KEY"] = FAKE_KEY
    tag = uuid.uuid4().hex[:8]
    env = Env(
        ex,
        "escape",
        fake_home,
        db_file,
        server.port,
        Path(f"/tmp/council-marker-{tag}"),
        os.getpid(),
        tag,
    )
    try:
        yield env
    finally:
        server.sock.close()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        env.marker.unlink(missing_ok=True)
        assert server.hits == 0, "a sandbox reached the host's loopback server"


def run_case(case: Case, env: Env) -> tuple[ExecResult, str]:
    res = env.ex.run(case.language, case.code(env), env.session, (), case.timeout_s)  # type: ignore[arg-type]
    return res, case.verify(res, env)
