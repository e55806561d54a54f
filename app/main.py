"""``council-app``: the tray app.

Start-up order is what makes the tray appear within a second: Qt and the tray icon first, the
core (settings, skills) after the icon is up, models in the background after that. A second
launch hands "show" to the first (single instance) and exits; ``council-app --toggle`` hands it
"toggle", so any desktop (a Wayland compositor without global hotkeys included) can bind that
command in its own keyboard-shortcut settings. With no tray host the app never starts hidden:
the popup shows and says so.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, cast

_T0 = time.perf_counter()
USAGE = """usage: council-app [--toggle | --quit]

Starts Council in the system tray (or shows the running one's chat).
  --toggle   show or hide the chat of the running Council (bind this command to a key in
             your desktop's keyboard settings; works on every desktop, Wayland included)
  --quit     quit the running Council"""
ICON = Path(__file__).resolve().parents[1] / "resources" / "council.svg"  # top-level resources/


def main(
    argv: list[str] | None = None, factory: Any = None, warm: bool = True, exit_now: bool = True
) -> int:
    argv = list(sys.argv if argv is None else argv)
    if "-h" in argv[1:] or "--help" in argv[1:]:
        print(USAGE)
        return 0
    command = "toggle" if "--toggle" in argv[1:] else "quit" if "--quit" in argv[1:] else "show"
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = cast(QApplication, QApplication.instance() or QApplication(argv))
    app.setApplicationName("Council")
    app.setDesktopFileName("council")
    app.setQuitOnLastWindowClosed(False)

    from .single_instance import SingleInstance

    instance = SingleInstance()
    if instance.notify_running(command):
        if command == "show":
            print("Council is already running: showing its chat.", file=sys.stderr)
        return 0
    if command == "quit":
        print("Council is not running.", file=sys.stderr)
        return 1
    instance.listen()

    from .tray import Tray

    icon = QIcon(str(ICON))
    app.setWindowIcon(icon)
    tray = Tray(icon)
    has_tray = tray.available()
    if has_tray:
        tray.show()

    # The core comes after the icon is up.
    import qasync

    from .controller import CouncilApp, Trace
    from .crash import CrashHandler

    trace = Trace()
    trace(
        "tray_visible" if has_tray else "no_tray", ms_since_start=(time.perf_counter() - _T0) * 1000
    )
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    crash = CrashHandler()
    crash.install(loop)
    controller = CouncilApp(tray, factory=factory, trace=trace, warm=warm)
    instance.message.connect(controller.handle_instance_message)
    if not has_tray:
        tray.notify = lambda *a, **k: None  # type: ignore[method-assign]
        controller.no_tray()  # no tray host: the chat is the way in, and it says so
    elif command == "toggle":
        controller.do_open_chat()  # the first launch from a shortcut shows the chat

    async def run() -> None:
        done = asyncio.Event()
        controller.quit_requested.connect(done.set)
        app.aboutToQuit.connect(done.set)
        controller.start()
        await done.wait()
        # Gone at once for the user; then a bounded clean-up (SQLite commits every write, so
        # nothing is lost when a model load still running in a thread is abandoned).
        controller.popup.hide()
        tray.icon.hide()
        controller.hotkey.stop()
        try:
            await asyncio.wait_for(controller.bridge.aclose(), QUIT_BUDGET_S)
        except TimeoutError:
            log_quit("clean-up passed its time budget; exiting anyway")
        except Exception as exc:
            log_quit(f"clean-up failed: {exc}")

    with loop:
        loop.run_until_complete(run())
        if exit_now:
            # A model still loading holds a worker thread that cannot be interrupted; closing
            # the loop and the interpreter would wait for it (quit took ~5 s). Leave now.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
    return 0


QUIT_BUDGET_S = 0.3  # then leave: every SQLite write is already committed


def log_quit(message: str) -> None:
    from council_core.base.logs import get_logger

    get_logger("app").warning("quit: %s", message)


if __name__ == "__main__":
    sys.exit(main())
