"""Unhandled errors: logged, shown in a dialog with a report the user can copy, and the app
keeps running. Installed as ``sys.excepthook`` (Qt slots) and as the asyncio loop's exception
handler (coroutines)."""

from __future__ import annotations

import asyncio
import platform
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from council_core.base.logs import get_logger

log = get_logger("app.crash")


def build_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    import PySide6

    lines = [
        f"Council crash report — {exc_type.__name__}: {exc}",
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, {platform.platform()}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Council hit an error")
        self.resize(640, 420)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(
            "Something went wrong inside Council. Your conversation and documents are safe and "
            "the app keeps running.\nPlease copy this report into a bug report."
        ))  # fmt: skip
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy report")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def add(self, report: str) -> None:
        self.text.appendPlainText("\n" + "-" * 60 + "\n" + report)


class CrashHandler:
    def __init__(self) -> None:
        self.dialog: CrashDialog | None = None
        self.reports: list[str] = []

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_handler)

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.show(build_report(exc_type, exc, tb))

    def loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            log.warning("asyncio: %s", context.get("message"))
            return
        if isinstance(exc, asyncio.CancelledError):
            return
        self.show(build_report(type(exc), exc, exc.__traceback__))

    def show(self, report: str) -> None:
        log.error("unhandled error: %s", report)
        self.reports.append(report)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(report)
            return
        self.dialog = CrashDialog(report)
        self.dialog.show()
        self.dialog.raise_()
