"""Search, view and forget what Council remembers (conversation memory) and knows (documents),
through the memory and knowledge components' own APIs; every call runs off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .bridge import CouncilBridge


def _get(item: Any, *names: str) -> Any:
    for n in names:
        v = item.get(n) if isinstance(item, dict) else getattr(item, n, None)
        if v is not None:
            return v
    return None


def _as_text(item: Any) -> str:
    if hasattr(item, "to_dict"):  # a document hit: its fields, not its passage objects
        item = item.to_dict()
    if isinstance(item, dict):
        return "\n".join(f"{k}: {v}" for k, v in item.items())
    if hasattr(item, "__dict__"):
        return "\n".join(f"{k}: {v}" for k, v in vars(item).items() if not k.startswith("_"))
    return str(item)


class _Browser(QWidget):
    """One list: a search box, results, the selected item in full, and Forget."""

    def __init__(
        self, bridge: CouncilBridge, service: str, search: Any, forget: Any, listing: Any
    ) -> None:
        super().__init__()
        self.bridge, self.service = bridge, service
        self._search, self._forget, self._listing = search, forget, listing
        self._pending: dict[int, str] = {}
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search (empty: list everything)")
        go = QPushButton("Search")
        row.addWidget(self.query, 1)
        row.addWidget(go)
        lay.addLayout(row)
        split = QSplitter()
        self.list = QListWidget()
        self.view = QPlainTextEdit()
        self.view.setReadOnly(True)
        split.addWidget(self.list)
        split.addWidget(self.view)
        split.setSizes([300, 400])
        lay.addWidget(split, 1)
        bottom = QHBoxLayout()
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.forget_btn = QPushButton("Forget selected")
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.forget_btn)
        lay.addLayout(bottom)
        self.query.returnPressed.connect(self.search)
        go.clicked.connect(self.search)
        self.list.currentItemChanged.connect(self._show)
        self.forget_btn.clicked.connect(self.forget_selected)
        bridge.call_done.connect(self._done)
        bridge.call_failed.connect(self._failed)

    def search(self) -> None:
        text = self.query.text().strip()
        fn = self._search if text else self._listing
        self._pending[self.bridge.call(lambda ctx: fn(ctx.service(self.service), text))] = "search"
        self.note.setText("searching…")

    def forget_selected(self) -> None:
        it = self.list.currentItem()
        if it is None:
            return
        key = it.data(Qt.ItemDataRole.UserRole + 1)
        self._pending[
            self.bridge.call(lambda ctx: self._forget(ctx.service(self.service), key))
        ] = "forget"
        self.list.takeItem(self.list.row(it))

    def _show(self, it: QListWidgetItem | None) -> None:
        self.view.setPlainText(it.data(Qt.ItemDataRole.UserRole) if it else "")

    def _done(self, cid: int, result: Any) -> None:
        what = self._pending.pop(cid, None)
        if what == "search":
            self.list.clear()
            for item in result or []:
                title = _get(item, "snippet", "text", "title", "path", "prompt") or str(item)
                it = QListWidgetItem(str(title).replace("\n", " ")[:90])
                it.setData(Qt.ItemDataRole.UserRole, _as_text(item))
                it.setData(
                    Qt.ItemDataRole.UserRole + 1, _get(item, "id", "path", "doc_id") or title
                )
                self.list.addItem(it)
            self.note.setText(f"{self.list.count()} found")
        elif what == "forget":
            self.note.setText("Forgotten.")

    def _failed(self, cid: int, message: str) -> None:
        if self._pending.pop(cid, None) is not None:
            self.note.setText(f"Unavailable: {message}")


class MemoryBrowser(QWidget):
    def __init__(self, bridge: CouncilBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Council — memory and documents")
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        tabs = QTabWidget()
        self.memories = _Browser(
            bridge, "memory",
            search=lambda m, q: m.search(q),
            forget=lambda m, key: m.forget(key),
            listing=lambda m, _q: m.search(""),
        )  # fmt: skip
        self.documents = _Browser(
            bridge, "documents",
            search=lambda d, q: d.search(q),
            forget=lambda d, key: d.remove(key),  # a whole document
            listing=lambda d, _q: d.list_documents(),
        )  # fmt: skip
        tabs.addTab(self.memories, "Memories")
        tabs.addTab(self.documents, "Documents")
        lay.addWidget(tabs)
