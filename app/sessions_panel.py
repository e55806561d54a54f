"""Past conversations (from conversation memory) to resume or delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .bridge import CouncilBridge
from .dates import local_when


def session_fields(item: Any) -> tuple[str, str]:
    """(id, label) from whatever the memory store returns: an object or a dict."""

    def get(name: str) -> Any:
        return item.get(name) if isinstance(item, dict) else getattr(item, name, None)

    sid = str(get("id") or get("session") or get("session_id") or item)
    title = get("title") or get("first_prompt") or get("summary") or sid
    when = get("updated") or get("last_at") or get("updated_at") or get("started_at") or ""
    n = get("turns") or get("n_turns")
    label = " ".join(str(title).split())[:60]
    extra = " · ".join(x for x in (local_when(when), f"{n} turns" if n else "") if x)
    return sid, label + (f"\n{extra}" if extra else "")


class SessionsPanel(QWidget):
    resume = Signal(str)

    def __init__(self, bridge: CouncilBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._pending: dict[int, str] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QLabel("Past sessions")
        head.setObjectName("panelTitle")
        lay.addWidget(head)
        self.list = QListWidget()
        self.list.itemActivated.connect(self._activated)
        lay.addWidget(self.list, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setObjectName("meta")
        lay.addWidget(self.note)
        row = QHBoxLayout()
        self.resume_btn = QPushButton("Resume")
        self.delete_btn = QPushButton("Delete")
        row.addWidget(self.resume_btn)
        row.addWidget(self.delete_btn)
        lay.addLayout(row)
        self.resume_btn.clicked.connect(lambda: self._activated(self.list.currentItem()))
        self.delete_btn.clicked.connect(self.delete_current)
        bridge.call_done.connect(self._done)
        bridge.call_failed.connect(self._failed)

    def refresh(self) -> None:
        if self.bridge.council is None:
            self.note.setText("Council is starting…")
            return
        cid = self.bridge.call(lambda ctx: ctx.memory.list_sessions())
        self._pending[cid] = "list"

    def delete_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        sid = item.data(Qt.ItemDataRole.UserRole)
        cid = self.bridge.call(lambda ctx: ctx.memory.delete_session(sid))
        self._pending[cid] = "delete"
        self.list.takeItem(self.list.row(item))

    def _activated(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.resume.emit(item.data(Qt.ItemDataRole.UserRole))

    def _done(self, cid: int, result: Any) -> None:
        what = self._pending.pop(cid, None)
        if what == "list":
            self.list.clear()
            for s in result or []:
                sid, label = session_fields(s)
                it = QListWidgetItem(label)
                it.setData(Qt.ItemDataRole.UserRole, sid)
                self.list.addItem(it)
            self.note.setText("" if self.list.count() else "No past sessions yet.")
        elif what == "delete":
            self.note.setText("Session deleted.")

    def _failed(self, cid: int, message: str) -> None:
        if self._pending.pop(cid, None) is not None:
            self.note.setText("Sessions unavailable: " + message)
