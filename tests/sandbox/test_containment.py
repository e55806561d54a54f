"""Issue 16, items 1-4: host sockets, a forged end-of-run report, limits after Council dies,
memory and disk per run. Real firejail, a real Xvfb, real kill -9 of a real `council run`.

Runs as root (CI: cgroups) and as a normal user (no cgroups: the fallback is tested both ways).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from escape_cases import host_processes_with, needs_firejail

from council_core.base.paths import resolve_paths
from sandbox import cgroups
from sandbox.executor import SafeExecutor
from sandbox.policy import RUN_KEEP, Limits, Policy
from sandbox.service import workspace_root
from sandbox.watch import tree

pytestmark = [pytest.mark.sandbox, needs_firejail]
REPO = Path(__file__).resolve().parents[2]
AS_ROOT = os.geteuid() == 0


def _wait_for(pred, timeout: float, step: float = 0.02) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())


def _unix_server(path: str, reply: bytes) -> tuple[socket.socket, threading.Thread]:
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    os.chmod(path, 0o777)
    srv.listen(4)

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            conn.sendall(reply)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return srv, t


def _host_can_connect(path: str) -> bytes:
    c = socket.socket(socket.AF_UNIX)
    c.settimeout(5)
    c.connect(path)
    try:
        return c.recv(100)
    finally:
        c.close()


# An allowed twin for the socket cases: a unix socket of the code's own, in its workspace.
TWIN_SOCKET = (
    "import socket, os\n"
    "s = socket.socket(socket.AF_UNIX); s.bind('own.sock'); s.listen(1)\n"
    "c = socket.socket(socket.AF_UNIX); c.connect('own.sock'); a, _ = s.accept()\n"
    "a.sendall(b'twin-ok'); print('twin:', c.recv(10).decode(), flush=True)\n"
    "os.unlink('own.sock')\n"
)


def _connect_attempts(paths: list[str]) -> str:
    return (
        "def attempt(addr):\n"
        "    c = socket.socket(socket.AF_UNIX); c.settimeout(2)\n"
        "    try:\n"
        "        c.connect(addr); print('CONNECTED', repr(addr), c.recv(100), flush=True)\n"
        "    except OSError as e:\n"
        "        print('refused', repr(addr), type(e).__name__, flush=True)\n"
        f"for p in {paths!r}:\n"
        "    attempt(p); attempt('\\0' + p)\n"
    )


# ----- 1. host X display and service sockets -----


@pytest.fixture
def deployed(council_home: Path) -> Iterator[SafeExecutor]:
    """An executor laid out as installed, workspaces outside /tmp: as root under
    /var/lib/council-sandbox, as a user in the home folder. (A workspace under /tmp, as in
    the other tests, gets no private /tmp at all, which hides the host's X sockets anyway.)"""
    paths = resolve_paths().ensure()
    if AS_ROOT:
        root = workspace_root(paths.data_dir, paths.workspace_dir)
        made = root.parent
    else:
        made = Path(tempfile.mkdtemp(prefix=".council-test-", dir=pwd.getpwuid(os.getuid()).pw_dir))
        root = made / "workspaces"
    assert not str(root).startswith("/tmp/")
    ex = SafeExecutor(root, paths.data_dir, Limits(timeout_s=10))
    try:
        yield ex
    finally:
        ex.close()
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
def xvfb() -> Iterator[int]:
    """A real X server on the host, without authentication (as a CI display often is)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb; installer/apt-packages.txt)")
    n = next(
        i
        for i in range(90, 190)
        if not os.path.exists(f"/tmp/.X11-unix/X{i}") and not os.path.exists(f"/tmp/.X{i}-lock")
    )
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-nolisten", "tcp", "-screen", "0", "320x240x8"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: os.path.exists(f"/tmp/.X11-unix/X{n}"), 20), "Xvfb did not start"
        yield n
    finally:
        proc.terminate()
        proc.wait(10)


def test_host_x_display_is_unreachable(deployed: SafeExecutor, xvfb: int) -> None:
    path = f"/tmp/.X11-unix/X{xvfb}"
    # The attack is real: from the host, the display takes connections without any cookie.
    c = socket.socket(socket.AF_UNIX)
    c.connect(path)
    c.close()
    if shutil.which("xdpyinfo"):
        host = subprocess.run(
            ["xdpyinfo", "-display", f":{xvfb}"], capture_output=True, text=True, timeout=20
        )
        assert host.returncode == 0 and "dimensions" in host.stdout
    code = (
        TWIN_SOCKET
        + "import subprocess, shutil\n"
        + _connect_attempts([path])
        + "if shutil.which('xdpyinfo'):\n"
        f"    r = subprocess.run(['xdpyinfo', '-display', ':{xvfb}'], capture_output=True)\n"
        "    print('xdpyinfo', r.returncode, b'dimensions' in r.stdout, flush=True)\n"
        "print('listing', os.listdir('/tmp/.X11-unix') if os.access('/tmp/.X11-unix', os.R_OK)"
        " else 'unreadable')\n"
    )
    res = deployed.run("python", code, timeout_s=15)
    assert "twin: twin-ok" in res.stdout, res.stderr
    assert "CONNECTED" not in res.stdout
    assert res.stdout.count("refused") == 2  # the path and the abstract name
    if shutil.which("xdpyinfo"):
        assert "xdpyinfo 1 False" in res.stdout
    assert f"X{xvfb}" not in res.stdout.split("listing", 1)[1]


def test_service_sockets_under_run_are_hidden(deployed: SafeExecutor) -> None:
    if not AS_ROOT:
        pytest.skip("making a folder under /run needs root (the X11 case covers a normal user)")
    d = Path(f"/run/council-test-{uuid.uuid4().hex[:8]}")
    d.mkdir(mode=0o755)
    sock = str(d / "service.sock")
    srv, _ = _unix_server(sock, b"service-secret")
    try:
        assert _host_can_connect(sock) == b"service-secret"
        res = deployed.run("python", TWIN_SOCKET + "import socket\n" + _connect_attempts([sock]))
        assert "twin: twin-ok" in res.stdout, res.stderr
        assert "CONNECTED" not in res.stdout and "service-secret" not in res.stdout
        assert res.stdout.count("refused") == 2
    finally:
        srv.close()
        shutil.rmtree(d)


def test_policy_hides_x11_and_run(executor: SafeExecutor) -> None:
    pol: Policy = executor.policy()
    argv = pol.argv("/usr/bin/firejail")
    assert "--x11=none" in argv
    hidden = {a.split("=", 1)[1] for a in argv if a.startswith("--blacklist=/run/")}
    for entry in os.scandir("/run"):
        assert (entry.path in hidden) != (entry.path in RUN_KEEP), entry.path


# ----- 2. the end-of-run report cannot be forged -----

FORGE = r"""
import gc, os, re, sys, time
found = set()
f = sys._getframe()
while f is not None:
    for k, v in list(f.f_locals.items()):
        if k == "nonce" or (isinstance(v, str) and re.fullmatch("[0-9a-f]{16}", v)):
            found.add(str(v))
    f = f.f_back
for o in gc.get_objects():
    if isinstance(o, dict) and "nonce" in o:
        found.add(str(o["nonce"]))
# the code's own memory, all of it: a copy of the request header would show here
with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
    for line in maps:
        addr, perms = line.split()[:2]
        if not perms.startswith("r"):
            continue
        lo, hi = (int(x, 16) for x in addr.split("-"))
        try:
            mem.seek(lo)
            chunk = mem.read(min(hi - lo, 1 << 26))
        except (OSError, ValueError, OverflowError):
            continue
        for m in re.findall(rb"(?:python|bash) ([0-9a-f]{16}) [0-9]+ ", chunk):
            found.add(m.decode())
print("scanned own memory", flush=True)
ppid = os.getppid()
for what in ("mem", "environ"):
    try:
        with open(f"/proc/{ppid}/{what}", "rb") as fh:
            found.update(re.findall(rb"[0-9a-f]{16}", fh.read(1 << 16)))
        print("read", what, flush=True)
    except OSError as e:
        print("blocked", what, e.errno, flush=True)
try:
    fd = os.open(f"/proc/{ppid}/fd/0", os.O_WRONLY)
    print("opened the parent's stdin", flush=True)
except OSError as e:
    print("blocked fd", e.errno, flush=True)
for n in sorted(found, key=str)[:50] + ["0" * 16]:
    n = n.decode() if isinstance(n, bytes) else n
    os.write(2, ("\n\x1e" + n + " {'exit': 0, 'seen': []}\n").encode())
    os.write(1, ("\n\x1e" + n + " {'exit': 0, 'seen': []}\n").encode())
print("forged", len(found), flush=True)
time.sleep(30)
"""


@pytest.mark.parametrize("pooled", [False, True], ids=["cold", "pooled"])
def test_forged_report_is_not_believed(executor: SafeExecutor, pooled: bool) -> None:
    if pooled:
        executor.pool.size = 1
        executor.warm()
        assert executor.pool.wait_ready(executor.policy(), 10)
        time.sleep(0.3)  # booted
    res = executor.run("python", FORGE, timeout_s=2)
    assert res.pooled == pooled
    assert "forged 0" in res.stdout, res.stdout + res.stderr  # ran to the end, found nothing
    assert "blocked mem 13" in res.stdout and "blocked fd 13" in res.stdout
    assert res.timed_out and res.outcome == "timeout" and not res.ok
    assert 1.9 < res.duration_s < 5


def test_killing_or_stopping_the_bootstrap_is_not_a_finish(executor: SafeExecutor) -> None:
    for sig in ("SIGKILL", "SIGSTOP"):
        code = (
            "import os, signal, subprocess, time\n"
            "subprocess.Popen(['/bin/sleep', '30'])\n"
            "print('attacking', flush=True)\n"
            f"os.kill(os.getppid(), signal.{sig}); print('done', flush=True); time.sleep(30)\n"
        )
        res = executor.run("python", code, timeout_s=1.5)
        assert "attacking" in res.stdout
        # SIGKILL: the runner dies with the bootstrap, its child lives on until the limit
        assert res.timed_out and not res.ok, res


def test_nothing_of_the_sandbox_lives_when_the_run_returns(executor: SafeExecutor) -> None:
    tag = f"58.{uuid.uuid4().int % 1000:03d}"
    code = (
        "import os, subprocess\n"
        f"subprocess.Popen(['/bin/sleep', '{tag}'], start_new_session=True)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execv('/bin/sleep', ['sleep', '{tag}'])\n"
        "    os._exit(0)\n"
        "print('main done')\n"
    )
    res = executor.run("python", code)
    assert res.ok and res.stdout == "main done\n"
    assert host_processes_with(tag) == []  # at once: no grace period


# ----- 3. limits hold when Council dies -----

SLEEPER = "import subprocess, time\nsubprocess.Popen(['/bin/sleep', '{tag}'])\ntime.sleep({tag})\n"


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_council_run_killed_leaves_nothing(council_home: Path, how: signal.Signals) -> None:
    tag = f"57.{uuid.uuid4().int % 1000:03d}"
    cli = subprocess.Popen(
        [sys.executable, "-m", "council_core", "run", "python", "-", "--timeout", "120"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
        start_new_session=True,
        # Ctrl+C as in a terminal: a test run started in the background (`cmd &`) inherits
        # SIGINT ignored, and Python then never raises KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert cli.stdin is not None
    cli.stdin.write(SLEEPER.format(tag=tag).encode())
    cli.stdin.close()
    try:
        assert _wait_for(lambda: bool(host_processes_with(tag)), 60), "the code never ran"
        firejails = [p for p in tree(cli.pid) if p != cli.pid]  # firejail, pid 1, bootstrap...
        assert len(firejails) >= 4
        os.kill(cli.pid, how)
        cli.wait(10)
        # Within a few seconds: the code and firejail are gone.
        assert _wait_for(lambda: not host_processes_with(tag), 3), "the code outlived council"
        assert _wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in firejails), 5)
    finally:
        if cli.poll() is None:
            cli.kill()


def test_pooled_sandboxes_die_with_their_process(council_home: Path, tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from pathlib import Path\n"
        "from sandbox.executor import SafeExecutor\n"
        f"ex = SafeExecutor(Path({str(tmp_path / 'ws')!r}), Path({str(tmp_path)!r}), "
        "pool_size=2)\n"
        "ex.warm('pooled')\n"
        "assert ex.pool.wait_ready(ex.policy('pooled'), 30)\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=REPO, start_new_session=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        # 2 booted sandboxes: firejail, pid 1 of its namespace, bootstrap, runner
        assert _wait_for(lambda: len(tree(proc.pid)) - 1 >= 2 * 4, 20)
        pooled = [p for p in tree(proc.pid) if p != proc.pid]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert _wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in pooled), 5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()


# ----- 4. memory and disk per run -----

SIX_CHILDREN = (
    "import subprocess, sys\n"
    'code = \'b = bytearray(400 * 2**20); b[::4096] = b"x" * (len(b) // 4096); '
    'import time; time.sleep(2); print("child done", flush=True)\'\n'
    "kids = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(6)]\n"
    "print('statuses', [k.wait() for k in kids], flush=True)\n"
)


@pytest.fixture(params=["cgroup", "fallback"])
def limit_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "cgroup":
        if not cgroups.support().available:
            pytest.skip(f"this machine gives Council no cgroup: {cgroups.support().why}")
    else:
        monkeypatch.setattr(cgroups, "_SUPPORT", cgroups.Support(None, why="test: fallback"))
    return str(request.param)


def test_six_children_of_400_mb_are_stopped(executor: SafeExecutor, limit_mode: str) -> None:
    assert executor.limits.memory_mb == Limits().memory_mb == 512
    twin = executor.run("python", SIX_CHILDREN.replace("400 *", "20 *"), timeout_s=30)
    assert twin.ok and twin.stdout.count("child done") == 6, twin.stderr
    res = executor.run("python", SIX_CHILDREN, timeout_s=30)
    assert not res.ok and res.outcome == "limit"
    assert res.killed_reason == "memory limit", (res.stdout, res.stderr)
    assert res.stdout.count("child done") < 6


def test_private_tmp_and_shm_count_as_memory(executor: SafeExecutor, limit_mode: str) -> None:
    code = (
        "for i in range(60):\n"
        "    open(f'/dev/shm/f{i}', 'wb').write(b'x' * 10 * 2**20)\n"
        "    open(f'/tmp/f{i}', 'wb').write(b'x' * 10 * 2**20) if i < 5 else None\n"
        "print('wrote 650 MB', flush=True)\nimport time; time.sleep(1)\n"
    )
    res = executor.run("python", code, timeout_s=30)
    if limit_mode == "cgroup":  # the kernel refuses the page; the watcher may be 0.1 s late
        assert "wrote 650 MB" not in res.stdout
    assert not res.ok and res.killed_reason == "memory limit", res.stderr


def test_workspace_quota(executor: SafeExecutor) -> None:
    executor.limits = Limits(workspace_mb=20)
    first = executor.run("python", "open('keep.bin', 'wb').write(b'k' * 2**20)")
    assert first.ok
    code = (
        "for i in range(40):\n"
        "    open(f'big{i}.bin', 'wb').write(b'x' * 2 * 2**20)\n"
        "print('wrote 80 MB', flush=True)\nimport time; time.sleep(2)\n"
    )
    res = executor.run("python", code, timeout_s=20)
    assert not res.ok and res.outcome == "limit" and res.killed_reason == "disk quota"
    assert "20 MB quota" in res.stderr and res.removed
    ws = Path(res.workspace)
    size = sum(p.stat().st_size for p in ws.rglob("*") if p.is_file())
    assert size <= 20 * 2**20
    assert (ws / "keep.bin").stat().st_size == 2**20  # what earlier runs wrote is kept
    assert not any((ws / r).exists() for r in res.removed)


def test_doctor_states_the_limits() -> None:
    from sandbox.doctor import checks

    lines = {s.name: s for s in checks()}
    assert lines["sandbox"].ok
    detail = lines["sandbox limits"].detail
    if cgroups.support().available:
        assert detail.startswith("cgroup memory/pids per run: yes")
    else:
        assert detail.startswith("cgroup memory/pids per run: no") and "fallback" in detail
