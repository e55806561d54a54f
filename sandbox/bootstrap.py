"""The program that runs inside every sandbox, before any user code.

It is started by firejail (``python3 -I -u -c LOADER``, fed this source on stdin). At once,
before any request exists, it forks the process that will run the code (the *runner*), so
the runner's memory never holds the report nonce; then it makes itself non-dumpable (the runner, same uid, cannot
read its memory or open its descriptors through /proc) and a child subreaper (every process
the code starts stays its descendant). It waits on stdin for one request: a header line
``<lang> <nonce> <n_bytes> <nproc> <workspace>`` followed by the code (``nproc``: the
RLIMIT_NPROC the runner sets before the code starts; 0 when firejail set it). A pooled
sandbox is this pair, already started, waiting for that line. Then it

- hands the code to the runner over a pipe; the runner runs Python in-process with an audit
  hook that records paths opened outside the workspace (sent back over a second pipe: code
  can forge those, which only adds harmless denied-path hints), or ``exec``s Bash;
- waits for the runner to exit, watching stdin at the same time: the parent keeps its end
  open for the whole run, so EOF means Council died (kill -9 included) and the bootstrap
  kills everything and exits;
- kills every other process of the sandbox and reaps them all (a background process never
  outlives the run, and none lives when the report is written);
- writes one report line (the runner's exit status, and as a plain string what the runner
  said about paths it could not open) to stderr, marked with the nonce only it knows, and
  exits.

Code in the runner can kill or stop the bootstrap (same uid); then no report comes and the
parent's wall-clock limit, or firejail's ``--timeout`` backstop, ends the sandbox (the runner
itself has a parent-death signal: it dies with the bootstrap).

It imports nothing beyond what the interpreter has already loaded, plus _ctypes (prctl) and
select, both before the request.
"""

from __future__ import annotations

# What firejail starts: it reads the bootstrap (8 digits of length, then the source) from
# stdin, since firejail refuses arguments longer than 4 KB; ``start()`` writes it right after
# the spawn. It reads exactly those bytes, unbuffered: a buffered read could take in the
# request that follows (nonce included) before the runner is forked with a copy of the buffer.
LOADER = (
    "import os\n"
    "def _r(n):\n"
    " b = b''\n"
    " while len(b) < n:\n"
    "  c = os.read(0, n - len(b))\n"
    "  if not c: raise SystemExit(0)\n"
    "  b += c\n"
    " return b\n"
    "exec(_r(int(_r(8))))\n"
)

SOURCE = r"""
import os, sys
def _runner(r_code, w_seen):
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    data = b""
    while True:
        chunk = os.read(r_code, 1 << 20)
        if not chunk:
            break
        data += chunk
    os.close(r_code)
    nl = data.find(b"\n")
    if nl < 0:
        os._exit(0)
    lang, nproc, ws = data[:nl].decode("utf-8").split(" ", 2)
    code = data[nl + 1:].decode("utf-8", "replace")
    del data
    if int(nproc):
        import resource
        resource.setrlimit(resource.RLIMIT_NPROC, (int(nproc), int(nproc)))
    os.chdir(ws)
    if lang == "bash":
        os.close(w_seen)
        import _signal
        _signal.signal(13, _signal.SIG_DFL)  # SIGPIPE: Python ignores it; a shell must not
        os.execv("/bin/bash", ["bash", "-c", code])
    seen = []
    status = 0
    prefix = ws.rstrip("/") + "/"
    def hook(event, args, seen=seen, prefix=prefix):
        if event in ("open", "os.listdir", "os.scandir") and args and len(seen) < 200:
            p = args[0]
            if isinstance(p, bytes):
                p = p.decode("utf-8", "replace")
            if isinstance(p, str) and p:
                if not p.startswith("/"):
                    p = os.path.join(os.getcwd(), p)
                if not p.startswith(prefix) and p != prefix[:-1]:
                    w = False
                    if event == "open" and len(args) > 2:
                        m, f = args[1], args[2]
                        w = bool(m and any(c in str(m) for c in "wax+")) or bool(
                            isinstance(f, int) and f & 3)
                    seen.append((p, w))
    sys.addaudithook(hook)
    sys.argv = ["<sandbox>"]
    g = {"__name__": "__main__", "__builtins__": __builtins__}
    try:
        exec(compile(code, "<sandbox>", "exec"), g)
    except SystemExit as e:
        c = e.code
        status = c if isinstance(c, int) else (0 if c is None else 1)
        if not isinstance(c, int) and c is not None:
            print(c, file=sys.stderr)
    except BaseException as e:
        import traceback
        tb = e.__traceback__.tb_next if e.__traceback__ else None
        traceback.print_exception(type(e), e, tb)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    try:
        bad = []
        for p, w in seen:
            if not os.access(p, os.W_OK if w else os.R_OK) and [p, w] not in bad:
                bad.append([p, w])
        os.write(w_seen, repr(bad).encode("utf-8", "replace")[:60000])
    except Exception:
        pass
    os._exit(status & 255)

def _kill_all():
    # Kill every process of the sandbox but this one (and firejail's pid 1) and reap them:
    # as a child subreaper, every process the code started is our descendant.
    while True:
        try:
            os.kill(-1, 9)
        except OSError:
            pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            pass

def _prctl():
    # prctl through _ctypes alone: ctypes' own module costs 3-4 times as much to import.
    import _ctypes
    class Int(_ctypes._SimpleCData):
        _type_ = "i"
    class Func(_ctypes.CFuncPtr):
        _flags_ = _ctypes.FUNCFLAG_CDECL
        _restype_ = Int
    return Func(_ctypes.dlsym(_ctypes.dlopen(None, 2), "prctl"))

def _main():
    prctl = _prctl()
    r_code, w_code = os.pipe()
    r_seen, w_seen = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG: the runner dies with the bootstrap
            os.close(w_code)
            os.close(r_seen)
            _runner(r_code, w_seen)
        finally:
            os._exit(1)
    os.close(r_code)
    os.close(w_seen)
    # PR_SET_DUMPABLE 0: the code gets no /proc/<pid>/mem, fd, environ of this process;
    # PR_SET_CHILD_SUBREAPER: every process the code starts stays a descendant of this one.
    if prctl(4, 0, 0, 0, 0) != 0 or prctl(36, 1, 0, 0, 0) != 0:
        os.write(2, b"sandbox: prctl failed, the code is not run\n")
        os.kill(pid, 9)
        os._exit(125)
    import select
    pidfd = os.pidfd_open(pid)
    stdin = sys.stdin.buffer
    head = stdin.readline().decode("utf-8").rstrip("\n").split(" ", 4)
    if len(head) < 5:  # stdin closed before a request: the parent went away
        _kill_all()
        os._exit(0)
    lang, nonce, size, nproc, ws = head[0], head[1], int(head[2]), head[3], head[4]
    code = stdin.read(size)
    request = (lang + " " + nproc + " " + ws + "\n").encode("utf-8") + code
    del code
    os.set_blocking(w_code, False)
    seen_raw = b""
    status = None
    watch = [pidfd, r_seen, 0]
    while status is None:
        wl = [w_code] if request else []
        r, w, _ = select.select(watch, wl, [])
        if w:
            try:
                n = os.write(w_code, request[:65536])
                request = request[n:]
            except BlockingIOError:
                pass
            except OSError:
                request = b""
            if not request:
                os.close(w_code)
        if r_seen in r:
            chunk = os.read(r_seen, 65536)
            if chunk:
                seen_raw = (seen_raw + chunk)[:65536]
            else:
                watch.remove(r_seen)
        if 0 in r and not os.read(0, 65536):
            _kill_all()  # the parent died: nothing may outlive it
            os._exit(137)
        if pidfd in r:
            st = os.waitpid(pid, 0)[1]
            status = os.waitstatus_to_exitcode(st)
            if status < 0:
                status = 128 - status
    _kill_all()  # first: a process the code forked may hold the pipe's write end
    if r_seen in watch:
        os.set_blocking(r_seen, False)
        while True:
            try:
                chunk = os.read(r_seen, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            seen_raw = (seen_raw + chunk)[:65536]
    # The denied paths come from the code's process: passed on as a string the parent parses
    # on its own, so they can never stand in for the exit status.
    rep = repr({"exit": status, "seen": seen_raw.decode("utf-8", "replace")})
    os.write(2, ("\n\x1e" + nonce + " " + rep + "\n").encode("utf-8", "replace"))
    os._exit(status & 255)
_main()
"""


def preamble() -> bytes:
    """What ``start()`` writes to a new sandbox's stdin before any request."""
    src = SOURCE.encode("utf-8")
    return b"%08d" % len(src) + src
