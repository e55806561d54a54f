"""The program that runs inside every sandbox, before any user code.

It is started (as ``python3 -I -c BOOTSTRAP``) by firejail and waits on stdin for one
request: a header line ``<lang> <nonce> <n_bytes> <workspace>`` followed by the code. A pooled
sandbox is this program, already started, waiting for that line. It then

- runs Python in-process (no second interpreter start) with an audit hook that records every
  path opened outside the workspace, or Bash as a child process;
- kills every other process of the sandbox (a background process never outlives the run);
- writes one report line (exit status, paths that could not be opened) to stderr, marked with
  the nonce so the parent can cut it off, and exits with the code's exit status.

It imports nothing beyond what the interpreter has already loaded until the code needs it.
"""

from __future__ import annotations

SOURCE = r"""
import os, sys
def _main():
    head = sys.stdin.buffer.readline().decode("utf-8").rstrip("\n").split(" ", 3)
    lang, nonce, size, ws = head[0], head[1], int(head[2]), head[3]
    code = sys.stdin.buffer.read(size).decode("utf-8", "replace")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(ws)
    seen = []
    status = 0
    if lang == "bash":
        pid = os.fork()
        if pid == 0:
            os.execv("/bin/bash", ["bash", "-c", code])
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if status < 0:
            status = 128 - status
    else:
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
        os.kill(-1, 9)
    except OSError:
        pass
    bad = []
    for p, w in seen:
        try:
            ok = os.access(p, os.W_OK if w else os.R_OK)
        except Exception:
            ok = False
        if not ok and [p, w] not in bad:
            bad.append([p, w])
    rep = repr({"exit": status, "seen": bad})
    os.write(2, ("\n\x1e" + nonce + " " + rep + "\n").encode("utf-8", "replace"))
    os._exit(status & 255)
_main()
"""
