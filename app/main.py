"""``council-app``: the tray app.

Start-up order is what makes the tray appear within a second: Qt and the tray icon first, the
core (settings, skills) after the icon is up, models in the background after that. A second
launch hands "show" to the first (single instance) and exits.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any, cast

_T0 = time.perf_counter()
ICON = Path(__file__).resolve().parents[1] / "resources" / "council.svg"  # top-level resources/


def main(argv: list[str] | None = None, factory: Any = None, warm: bool = True) -> int:
    argv = list(sys.argv if argv is None else argv)
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = cast(QApplication, QApplication.instance() or QApplication(argv))
    app.setApplicationName("Council")
    app.setDesktopFileName("council")
    app.setQuitOnLastWindowClosed(False)

    from .single_instance import SingleInstance

    instance = SingleInstance()
    if instance.notify_running("show"):
        print("Council is already running: showing its chat.", file=sys.stderr)
        return 0
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
    instance.message.connect(lambda msg: controller.do_open_chat() if msg == "show" else None)
    if not has_tray:
        tray.notify = lambda *a, **k: None  # type: ignore[method-assign]
        controller.popup.show_centered()  # no tray host: the chat is the way in

    async def run() -> None:
        done = asyncio.Event()
        controller.quit_requested.connect(done.set)
        app.aboutToQuit.connect(done.set)
        controller.start()
        await done.wait()
        controller.hotkey.stop()
        await controller.bridge.aclose()

    with loop:
        loop.run_until_complete(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
