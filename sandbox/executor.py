"""SafeExecutor: run Python or Bash in a fresh firejail sandbox, one sandbox per run.

A run writes the code to a sandbox that is already started (from the pool, when one waits with
the same workspace, grants and limits) or a new one, reads stdout/stderr up to the output cap,
kills the whole sandbox at the wall-clock limit (enforced here; firejail's ``--timeout``, which
keeps firejail alive up to 2 s after its sandbox ended, is only a backstop at the limit + 10 s
for when Council and the bootstrap are both gone), and reports what it did: output, exit
status, duration, the limit that stopped it, files it created in the workspace and paths
outside it that were denied.

Limits of the whole run: a cgroup per sandbox where this machine allows (cgroups.py), else a
polled memory watcher; the workspace's disk quota is polled too (watch.py). The run is over
only once every process of the sandbox is dead or exiting, and if Council dies the bootstrap
sees EOF on its stdin and kills everything.
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

from . import cgroups
from .bootstrap import preamble
from .policy import Grant, Limits, Policy, check_grant, firejail_path
from .pool import MAX_AGE_S, SandboxPool, Started, alive, kill_sandbox, release
from .result import (
    DeniedPath,
    ExecResult,
    denied_paths,
    limit_reason,
    parse_seen,
    split_report,
)
from .watch import Watch, tree, trim_workspace

log = get_logger("sandbox")
Language = Literal["python", "bash"]
_SESSION_RE = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_CODE_BYTES = 1_000_000


BACKSTOP_MARGIN_S = 10.0


def start(policy: Policy, firejail: str, backstop_s: float | None = None) -> Started:
    """Start one sandbox waiting for code (used once). It dies by ``backstop_s`` (default:
    the time limit plus a margin) even if Council and the bootstrap are gone; where this
    machine allows, it gets a cgroup of its own that limits the whole run."""
    policy.prepare_workspace()
    lim = policy.limits
    backstop = backstop_s if backstop_s is not None else lim.timeout_s + BACKSTOP_MARGIN_S
    argv = policy.argv(firejail, backstop_s=backstop)
    cg = None
    sup = cgroups.support()
    if sup.available:
        try:
            # + a few for firejail, its pid 1, the bootstrap and the runner
            cg = cgroups.RunCgroup.create(sup, lim.memory_mb, lim.max_processes + 8)
            argv = cg.wrap(argv)
        except OSError as exc:
            log.warning("no cgroup for this sandbox (%s): memory is watched instead", exc)
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=policy.env(),
        cwd="/",
        close_fds=True,
        start_new_session=True,
    )
    assert proc.stdin is not None
    try:
        proc.stdin.write(preamble())  # the bootstrap itself (a few KB: fits the pipe)
        proc.stdin.flush()
    except BrokenPipeError:
        pass  # firejail failed at once: its stderr says why
    return Started(proc, time.monotonic(), cg, backstop)


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
        """A pooled sandbox: it may wait up to MAX_AGE_S before its run."""
        return start(policy, self.firejail, MAX_AGE_S + policy.limits.timeout_s + BACKSTOP_MARGIN_S)

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
        started = self.pool.take(pol, timeout)
        pooled = started is not None
        if started is None:
            started = start(pol, firejail, timeout + BACKSTOP_MARGIN_S)
        nonce = secrets.token_hex(8)
        header = f"{language} {nonce} {len(data)} {pol.run_nproc()} {pol.workspace}\n".encode()
        watch = Watch(started, pol.workspace, pol.limits)
        res = _drive(
            started, header + data, timeout, pol.limits.max_output_kb * 1024, nonce.encode(), watch
        )
        res.duration_s = time.perf_counter() - t0
        res.language = language
        res.pooled = pooled
        res.uid = pol.uid
        res.workspace = pol.workspace
        stderr, report = split_report(res.stderr, nonce)
        res.stderr = stderr
        seen = parse_seen(report.get("seen") if report else None)
        if report and isinstance(report.get("exit"), int) and not res.timed_out:
            # firejail reports the status of the last process to end, which after the
            # clean-up of background processes is a killed one: the code's own status wins.
            res.exit_code = report["exit"]
        res.denied = denied_paths(stderr, seen, pol.workspace, pol.secret_paths())
        if not res.killed_reason:
            res.killed_reason = limit_reason(res.exit_code, stderr)
        self.pool.fill(pol)  # the next run of this view finds a sandbox waiting
        after = _snapshot(pol.workspace)
        res.files = sorted(p for p, sig in after.items() if before.get(p) != sig)
        if res.killed_reason == "disk quota" or watch.over_quota():
            res.killed_reason = "disk quota"
            res.removed = trim_workspace(pol.workspace, res.files, pol.limits)
            res.files = [f for f in res.files if f not in res.removed]
            note = f"[sandbox] the workspace went past its {pol.limits.workspace_mb} MB quota"
            if res.removed:
                note += "; removed what this run wrote: " + ", ".join(res.removed[:10])
            res.stderr += ("\n" if res.stderr and not res.stderr.endswith("\n") else "") + note
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


def _reap(s: Started) -> None:
    """Wait for firejail's own teardown off the caller's path (the sandbox's processes are
    already gone), then remove its cgroup."""

    def wait() -> None:
        try:
            s.proc.wait(timeout=10)  # firejail notices its child's end within ~2 s
        except subprocess.TimeoutExpired:  # pragma: no cover
            kill_sandbox(s)
        release(s)

    threading.Thread(target=wait, daemon=True).start()


def _finish(s: Started) -> bool:
    """After the report: the bootstrap has killed and reaped every process of the code and is
    exiting. Make sure: kill pid 1 of the sandbox's namespace (and anything left in its
    cgroup) and wait until it is dead. firejail itself then cleans up and exits."""
    init = s.sandbox_init()
    inside = [p for p in tree(init) if p != s.proc.pid] if init is not None else []
    if s.cgroup is not None:
        inside += [p for p in s.cgroup.pids() if p != s.proc.pid and p not in inside]
    for pid in inside:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # the bootstrap, as a normal user: it is exiting anyway
    end = time.monotonic() + 2
    while time.monotonic() < end:
        # "dying": gone, a zombie, or past the point of no return in exit (the kernel tears
        # down the namespaces after that, which can take a while on a busy machine).
        if not any(alive(p) for p in inside):
            return True
        time.sleep(0.0005)
    return False


class _Output:
    """stdout and stderr of one sandbox, each kept up to the cap; stderr's tail is kept
    whatever the cap, since the report line comes last."""

    def __init__(self, proc: subprocess.Popen[bytes], cap: int, nonce: bytes) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        self.out_fd, self.err_fd = proc.stdout.fileno(), proc.stderr.fileno()
        self.bufs = {self.out_fd: bytearray(), self.err_fd: bytearray()}
        self.tail = bytearray()
        self.cap = cap
        self.truncated = False
        self.marker = b"\n\x1e" + nonce + b" "
        self.sel = selectors.DefaultSelector()
        self.open = 0
        for f in (proc.stdout, proc.stderr):
            self.sel.register(f, selectors.EVENT_READ)
            self.open += 1

    def pump(self, wait: float) -> bool:
        """Read what is ready (waiting up to `wait` s); True once the report line is in."""
        reported = False
        for key, _ in self.sel.select(max(0.0, wait)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                self.sel.unregister(key.fileobj)
                self.open -= 1
                continue
            buf = self.bufs[key.fd]
            room = self.cap - len(buf)
            if room > 0:
                buf += chunk[:room]
            if len(chunk) > room:
                self.truncated = True
            if key.fd == self.err_fd:
                self.tail = (self.tail + chunk)[-8192:]
                i = self.tail.rfind(self.marker)
                if i >= 0 and self.tail.find(b"\n", i + len(self.marker)) >= 0:
                    reported = True
        return reported

    def drain(self, until: float) -> None:
        """Take what is already in the pipes (the writers are done or dead)."""
        while self.open and time.monotonic() < until and self.sel.select(0):
            self.pump(0)

    def close(self) -> None:
        self.sel.close()

    def text(self) -> tuple[str, str]:
        err = bytes(self.bufs[self.err_fd])
        tail = bytes(self.tail)
        if self.truncated and b"\x1e" in tail and b"\x1e" not in err:
            err += b"\n[output truncated]" + tail[tail.rfind(b"\n\x1e") :]
        return (
            self.bufs[self.out_fd].decode("utf-8", "replace"),
            err.decode("utf-8", "replace"),
        )


def _drive(
    s: Started, request: bytes, timeout: float, cap: int, nonce: bytes, watch: Watch
) -> ExecResult:
    """Send the request, collect capped output, enforce the wall-clock limit and the polled
    limits. The run is over when the bootstrap's report line arrives (after the code's last
    output, once every other process of the sandbox is dead) and pid 1 of the sandbox is
    gone; firejail's own teardown is reaped in the background. Whatever happens here (an
    exception, Ctrl+C), the sandbox does not outlive this call."""
    proc = s.proc
    res = ExecResult("")
    assert proc.stdin is not None
    deadline = time.monotonic() + timeout
    try:
        # stdin stays open for the whole run: the bootstrap takes its EOF as "Council died"
        proc.stdin.write(request)
        proc.stdin.flush()
    except BrokenPipeError:
        pass  # the sandbox died before reading: its stderr says why
    out = _Output(proc, cap, nonce)
    reported = False
    done = False
    try:
        while out.open and not reported:
            now = time.monotonic()
            if now >= deadline:
                res.timed_out = True
                res.killed_reason = "timeout"
                break
            if now >= watch.next_due():
                reason = watch.check()
                if reason:
                    res.killed_reason = reason
                    break
            reported = out.pump(min(deadline, watch.next_due()) - now)
        if reported:  # stdout was flushed before the report: take what is in the pipes
            out.drain(time.monotonic() + 0.05)
        if reported or res.killed_reason:
            # The end of the run: nothing of the sandbox may live on. After a report only pid 1
            # and the exiting bootstrap are left; at a limit, everything is killed here.
            if not _finish(s):
                log.warning("sandbox %s: pid 1 did not die at once; killing firejail", proc.pid)
                kill_sandbox(s)
            if not reported:  # keep what the code said before it was stopped
                out.drain(time.monotonic() + 0.5)
            # the report carries the code's own status; a stopped run is a killed one
            rc = 0 if reported else -9
        else:  # both pipes closed without a report: the sandbox failed or the code killed it
            try:
                rc = proc.wait(timeout=max(0.5, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                rc = -9
            kill_sandbox(s)
        if s.cgroup is not None and not res.timed_out:
            if s.cgroup.oom_kills():
                res.killed_reason = "memory limit"
            elif s.cgroup.pids_refused() and not res.killed_reason:
                res.killed_reason = "process limit"
        done = True
    finally:
        out.close()
        if not done:
            kill_sandbox(s)
            release(s)
    _reap(s)
    res.exit_code = 128 - rc if rc < 0 else rc
    res.truncated = out.truncated
    res.stdout, res.stderr = out.text()
    return res


__all__ = ["DeniedPath", "ExecResult", "Grant", "Limits", "SafeExecutor"]
