"""The tray icon: the app's home. Its menu opens everything; its tooltip says what is loaded
and how much cloud budget is left. Light to import: it is shown before the core loads."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

MENU = [
    ("open_chat", "Open chat"),
    ("add_files", "Add files to knowledge…"),
    ("add_folder", "Add folder to knowledge…"),
    ("undo", "Undo last file change"),
    None,
    ("settings", "Settings…"),
    ("metrics", "Metrics"),
    ("memory", "Memory and documents…"),
    ("toggle_cloud", "Pause cloud"),
    None,
    ("quit", "Quit Council"),
]


class Tray(QObject):
    """Emits ``triggered(name)`` for each menu entry (names as in ``MENU``); a left click on
    the icon is ``open_chat``."""

    triggered = Signal(str)

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon, self)
        self.menu = QMenu()
        self.actions: dict[str, QAction] = {}
        for entry in MENU:
            if entry is None:
                self.menu.addSeparator()
                continue
            name, label = entry
            act = self.menu.addAction(label)
            act.triggered.connect(lambda _checked=False, n=name: self.triggered.emit(n))
            self.actions[name] = act
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.set_status("starting…")

    def show(self) -> None:
        self.icon.show()

    def available(self) -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.triggered.emit("open_chat")

    def set_status(self, text: str) -> None:
        self.tooltip = "Council — " + text
        self.icon.setToolTip(self.tooltip)

    def set_cloud_paused(self, paused: bool) -> None:
        self.actions["toggle_cloud"].setText("Resume cloud" if paused else "Pause cloud")

    def notify(self, title: str, message: str, warning: bool = False) -> None:
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.icon.showMessage(title, message, kind, 8000)
        self.last_message = (title, message)
