"""SafeExecutor: run Python or Bash in a fresh firejail sandbox, one sandbox per run.

A run writes the code to a sandbox that is already started (from the pool, when one waits with
the same workspace, grants and limits) or a new one, reads stdout/stderr up to the output cap,
kills the whole sandbox at the wall-clock limit (enforced here, not by firejail's ``--timeout``,
which adds 2 s), and reports what it did: output, exit status, duration, the limit that stopped
it, files it created in the workspace and paths outside it that were denied.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from council_core.base.errors import BadInput
from council_core.base.logs import audit, get_logger
from council_core.base.metrics import SANDBOX_RUNS

from .policy import Grant, Limits, Policy, check_grant, firejail_path
from .pool import SandboxPool, Started
from .result import DeniedPath, ExecResult, denied_paths, limit_reason, split_report

log = get_logger("sandbox")
Language = Literal["python", "bash"]
_SESSION_RE = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_CODE_BYTES = 1_000_000


def start(policy: Policy, firejail: str) -> Started:
    """Start one sandbox waiting for code (used once)."""
    policy.prepare_workspace()
    proc = subprocess.Popen(
        policy.argv(firejail),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=policy.env(),
        cwd="/",
        close_fds=True,
        start_new_session=True,
    )
    return Started(proc, time.monotonic())


def kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the whole sandbox and wait until it is gone: firejail, its child (pid 1 of the
    sandbox's pid namespace; when it dies the kernel kills every process inside) and so all
    the code's processes, however they detached."""
    children = _children(proc.pid)
    for pid in (*children, proc.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        log.error("sandbox %s did not die", proc.pid)
    end = time.monotonic() + 5
    for pid in children:
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < end:
            time.sleep(0.002)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _snapshot(ws: str, limit: int = 2000) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(ws):
        dirs[:] = [d for d in dirs if not d.startswith(".council")]
        for f in files:
            p = os.path.join(root, f)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            out[os.path.relpath(p, ws)] = (st.st_mtime_ns, st.st_size)
            if len(out) >= limit:
                return out
    return out


class SafeExecutor:
    """Runs code only inside firejail. Thread-safe; the async methods run it off the loop."""

    def __init__(
        self,
        workspace_root: Path,
        data_dir: Path,
        limits: Limits | None = None,
        grants: Iterable[Grant] = (),
        pool_size: int = 0,
    ) -> None:
        self.workspace_root = Path(workspace_root)
        self.data_dir = str(Path(data_dir).resolve())
        self.limits = limits or Limits()
        self.standing_grants = tuple(grants)
        self._firejail: str | None = None
        self.pool = SandboxPool(pool_size, self._start)

    # ----- set-up -----

    @property
    def firejail(self) -> str:
        if self._firejail is None:
            self._firejail = firejail_path()
        return self._firejail

    def workspace(self, session: str | None = None) -> Path:
        name = _SESSION_RE.sub("_", session or "default").strip("._") or "default"
        ws = (self.workspace_root / name).resolve()
        ws.mkdir(parents=True, exist_ok=True)
        return ws

    def policy(
        self, session: str | None = None, grants: Sequence[Grant] = (), limits: Limits | None = None
    ) -> Policy:
        ws = str(self.workspace(session))
        all_grants = tuple(dict.fromkeys((*self.standing_grants, *grants)))
        pol = Policy(ws, all_grants, limits or self.limits, self.data_dir)
        secret = pol.secret_paths()
        for g in all_grants:
            check_grant(g, secret)
        return pol

    def _start(self, policy: Policy) -> Started:
        return start(policy, self.firejail)

    def warm(self, session: str | None = None, grants: Sequence[Grant] = ()) -> None:
        """Pre-start sandboxes for this workspace and grants (the pool keeps them filled)."""
        self.pool.fill(self.policy(session, grants))

    # ----- running -----

    async def execute_python(
        self,
        code: str,
        *,
        session: str | None = None,
        grants: Sequence[Grant] = (),
        timeout_s: float | None = None,
    ) -> ExecResult:
        return await asyncio.to_thread(self.run, "python", code, session, grants, timeout_s)

    async def execute_bash(
        self,
        code: str,
        *,
        session: str | None = None,
        grants: Sequence[Grant] = (),
        timeout_s: float | None = None,
    ) -> ExecResult:
        return await asyncio.to_thread(self.run, "bash", code, session, grants, timeout_s)

    def list_files(self, session: str | None = None) -> list[str]:
        """Files in the session's workspace, relative to it."""
        return sorted(_snapshot(str(self.workspace(session))))

    def run(
        self,
        language: Language,
        code: str,
        session: str | None = None,
        grants: Sequence[Grant] = (),
        timeout_s: float | None = None,
    ) -> ExecResult:
        if language not in ("python", "bash"):
            raise BadInput(f"cannot run {language!r} code", fix="use python or bash")
        data = code.encode("utf-8")
        if len(data) > MAX_CODE_BYTES:
            raise BadInput("the code is larger than 1 MB", fix="run a smaller program")
        firejail = self.firejail  # refuses (ComponentMissing) before anything else
        pol = self.policy(session, grants)
        timeout = timeout_s if timeout_s is not None else pol.limits.timeout_s
        before = _snapshot(pol.workspace)
        t0 = time.perf_counter()
        started = self.pool.take(pol)
        pooled = started is not None
        if started is None:
            started = start(pol, firejail)
        nonce = secrets.token_hex(8)
        header = f"{language} {nonce} {len(data)} {pol.workspace}\n".encode()
        res = _drive(
            started.proc, header + data, timeout, pol.limits.max_output_kb * 1024, nonce.encode()
        )
        res.duration_s = time.perf_counter() - t0
        res.language = language
        res.pooled = pooled
        res.uid = pol.uid
        res.workspace = pol.workspace
        stderr, report = split_report(res.stderr, nonce)
        res.stderr = stderr
        seen = report.get("seen", []) if report else []
        if report and isinstance(report.get("exit"), int) and not res.timed_out:
            # firejail reports the status of the last process to end, which after the
            # clean-up of background processes is a killed one: the code's own status wins.
            res.exit_code = report["exit"]
        res.denied = denied_paths(stderr, seen, pol.workspace, pol.secret_paths())
        if not res.timed_out:
            res.killed_reason = limit_reason(res.exit_code, stderr)
        self.pool.fill(pol)  # the next run of this view finds a sandbox waiting
        after = _snapshot(pol.workspace)
        res.files = sorted(p for p, sig in after.items() if before.get(p) != sig)
        SANDBOX_RUNS.labels(res.outcome).inc()
        audit(
            "sandbox_run",
            language=language,
            workspace=pol.workspace,
            grants=[f"{g.path}:{g.mode}" for g in pol.grants],
            exit_code=res.exit_code,
            outcome=res.outcome,
            reason=res.killed_reason,
            duration_ms=round(res.duration_s * 1000, 1),
            code_bytes=len(data),
            files=res.files[:20],
            denied=[d.path for d in res.denied][:20],
            pooled=pooled,
        )
        return res

    def close(self) -> None:
        self.pool.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for firejail's own teardown off the caller's path."""

    def wait() -> None:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill(proc)
        for f in (proc.stdout, proc.stderr):
            if f is not None:
                f.close()

    threading.Thread(target=wait, daemon=True).start()


def _drive(
    proc: subprocess.Popen[bytes], request: bytes, timeout: float, cap: int, nonce: bytes
) -> ExecResult:
    """Send the request, collect capped output, enforce the wall-clock limit. The run is over
    when the bootstrap's report line arrives (it comes after the code's last output and after
    every other process of the sandbox was killed); firejail's teardown is reaped in the
    background."""
    res = ExecResult("")
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the sandbox died before reading: its stderr says why
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    bufs = {out_fd: bytearray(), err_fd: bytearray()}
    tails = {err_fd: bytearray()}
    sel = selectors.DefaultSelector()
    for f in (proc.stdout, proc.stderr):
        sel.register(f, selectors.EVENT_READ)
    open_count = 2
    marker = b"\n\x1e" + nonce + b" "
    reported = False
    try:
        while open_count and not reported:
            left = deadline - time.monotonic()
            if left <= 0:
                res.timed_out = True
                res.killed_reason = "timeout"
                kill(proc)
                deadline = time.monotonic() + 2  # drain what is left, briefly
                break
            for key, _ in sel.select(left):
                fd = key.fd
                chunk = os.read(fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    open_count -= 1
                    continue
                buf = bufs[fd]
                room = cap - len(buf)
                if room > 0:
                    buf += chunk[:room]
                if len(chunk) > room:
                    res.truncated = True
                if fd in tails:  # the report line comes last: keep the tail whatever the cap
                    tails[fd] = (tails[fd] + chunk)[-8192:]
                    i = tails[fd].rfind(marker)
                    if i >= 0 and tails[fd].find(b"\n", i + len(marker)) >= 0:
                        reported = True
        if reported:  # stdout was flushed before the report: take what is in the pipe
            while True:
                ready = sel.select(0)
                if not ready:
                    break
                progress = False
                for key, _ in ready:
                    chunk = os.read(key.fd, 65536)
                    if chunk:
                        progress = True
                        buf = bufs[key.fd]
                        room = cap - len(buf)
                        buf += chunk[: max(0, room)]
                        res.truncated = res.truncated or len(chunk) > room
                        if key.fd in tails:
                            tails[key.fd] = (tails[key.fd] + chunk)[-8192:]
                    else:
                        sel.unregister(key.fileobj)
                if not progress:
                    break
        if res.timed_out:
            while open_count and time.monotonic() < deadline:
                for key, _ in sel.select(0.1):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        open_count -= 1
                    else:
                        bufs[key.fd] += chunk[: max(0, cap - len(bufs[key.fd]))]
    finally:
        sel.close()
    if reported:
        rc = proc.poll()
        _reap(proc)
        rc = 0 if rc is None else rc  # the report carries the code's own status
    else:
        try:
            rc = proc.wait(timeout=max(0.5, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill(proc)
            rc = proc.returncode if proc.returncode is not None else -9
        proc.stdout.close()
        proc.stderr.close()
    res.exit_code = 128 - rc if rc < 0 else rc
    res.stdout = bufs[out_fd].decode("utf-8", "replace")
    err = bytes(bufs[err_fd])
    tail = bytes(tails[err_fd])
    if res.truncated and b"\x1e" in tail and b"\x1e" not in err:
        err += b"\n[output truncated]" + tail[tail.rfind(b"\n\x1e") :]
    res.stderr = err.decode("utf-8", "replace")
    return res


__all__ = ["DeniedPath", "ExecResult", "Grant", "Limits", "SafeExecutor"]
