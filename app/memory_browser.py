"""Search, view and forget what Council remembers (conversation memory) and knows (documents),
through the memory and knowledge components' own APIs; every call runs off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
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
from .dates import local_when


def _get(item: Any, *names: str) -> Any:
    for n in names:
        v = item.get(n) if isinstance(item, dict) else getattr(item, n, None)
        if v is not None:
            return v
    return None


def _one_line(text: Any, n: int = 90) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def describe(item: Any) -> tuple[str, str, Any]:
    """(list label, full view, forget key) for a remembered turn, a document, a passage or a
    plain record: readable text, dates in the user's locale, never a field dump."""
    user, answer = _get(item, "user"), _get(item, "assistant")
    if user is not None and answer is not None:  # a conversation turn (or a search hit on one)
        when = local_when(_get(item, "created"))
        skill = _get(item, "skill")
        key = _get(item, "turn_id", "id")
        head = " · ".join(x for x in (when, f"answered by {skill}" if skill else "") if x)
        view = f"{head}\n\nYou: {user}\n\nCouncil: {answer}"
        return f"{when} · {_one_line(user, 70)}", view, key
    path = _get(item, "path")
    text = _get(item, "text")
    if path is not None and text is not None:  # a passage of a document
        title = _get(item, "title") or Path(str(path)).name
        where = _get(item, "section") or ""
        page = _get(item, "page")
        lines = (_get(item, "line_start"), _get(item, "line_end"))
        loc = ", ".join(
            x
            for x in (
                where,
                f"page {page}" if page else "",
                f"lines {lines[0]}-{lines[1]}" if lines[0] else "",
            )
            if x
        )
        view = f"{title}\n{path}" + (f"\n{loc}" if loc else "") + f"\n\n{text}"
        return _one_line(_get(item, "snippet") or text), view, path
    if path is not None:  # a whole document
        title = _get(item, "title") or Path(str(path)).name
        chunks, size = _get(item, "chunks"), _get(item, "size")
        facts = [
            str(_get(item, "format") or ""),
            f"{chunks:,} passages" if chunks is not None else "",
            _size(size) if size is not None else "",
            "updated " + local_when(_get(item, "updated_at")) if _get(item, "updated_at") else "",
        ]
        view = f"{title}\n{path}\n\n" + " · ".join(f for f in facts if f)
        return f"{title} — {Path(str(path)).name}", view, path
    text = _get(item, "text", "title", "prompt", "snippet") or str(item)
    when = local_when(_get(item, "created", "updated"))
    view = (f"{when}\n\n" if when else "") + str(text)
    return _one_line(text), view, _get(item, "id", "doc_id") or text


class _Browser(QWidget):
    """One list: a search box, results, the selected item in full, and Forget."""

    def __init__(
        self, bridge: CouncilBridge, service: str, search: Any, forget: Any, listing: Any
    ) -> None:
        super().__init__()
        self.bridge, self.service = bridge, service
        self._search, self._forget, self._listing = search, forget, listing
        self._pending: dict[int, str] = {}
        self._listed = False
        self._latest = 0
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
        self.export_btn = QPushButton("Export…")
        self.export_btn.hide()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.export_btn)
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
        cid = self.bridge.call(lambda ctx: fn(ctx.service(self.service), text))
        self._pending[cid] = "search"
        self._latest = cid  # an older search that answers later is dropped
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

    def showEvent(self, e: Any) -> None:
        super().showEvent(e)
        if not self._listed:  # the list works on open: everything, newest first
            self._listed = True
            self.search()

    def _show(self, it: QListWidgetItem | None) -> None:
        self.view.setPlainText(it.data(Qt.ItemDataRole.UserRole) if it else "")

    def _done(self, cid: int, result: Any) -> None:
        what = self._pending.pop(cid, None)
        if what == "search" and cid == self._latest:
            self.list.clear()
            for item in result or []:
                label, view, key = describe(item)
                it = QListWidgetItem(label)
                it.setToolTip(view[:500])
                it.setData(Qt.ItemDataRole.UserRole, view)
                it.setData(Qt.ItemDataRole.UserRole + 1, key)
                self.list.addItem(it)
            n = self.list.count()
            self.note.setText(f"{n:,} found" if self.query.text().strip() else f"{n:,} in all")
        elif what == "forget":
            self.note.setText("Forgotten.")

    def _failed(self, cid: int, message: str) -> None:
        if self._pending.pop(cid, None) is not None:
            self.note.setText(f"Unavailable: {message}")


def list_turns(m: Any) -> list[Any]:
    """Every remembered turn, newest first (the memory store's log; a store without one is
    searched with an empty query)."""
    log = getattr(m, "log", None)
    if log is not None and hasattr(log, "list_turns"):
        return list(log.list_turns(None, 500))
    return list(m.search(""))


class MemoryBrowser(QWidget):
    export_requested = Signal()

    def __init__(self, bridge: CouncilBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Council — memory and documents")
        self.resize(760, 520)
        lay = QVBoxLayout(self)
        tabs = QTabWidget()
        self.memories = _Browser(
            bridge, "memory",
            search=lambda m, q: m.search(q, 50) if hasattr(m, "log") else m.search(q),
            forget=lambda m, key: m.forget(key),
            listing=lambda m, _q: list_turns(m),
        )  # fmt: skip
        self.documents = _Browser(
            bridge, "documents",
            search=lambda d, q: d.search(q),
            forget=lambda d, key: d.remove(key),  # a whole document
            listing=lambda d, _q: d.list_documents(),
        )  # fmt: skip
        self.memories.export_btn.show()
        self.memories.export_btn.clicked.connect(self.export_requested)
        tabs.addTab(self.memories, "Memories")
        tabs.addTab(self.documents, "Documents")
        lay.addWidget(tabs)
