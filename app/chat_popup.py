"""The chat popup: a frameless window over the current screen that shows one council session.

It asks through the bridge and redraws from the bridge's signals; drops of files or folders
are handed to the knowledge base through the bridge as well.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .answer_view import AnswerCard
from .bridge import CouncilBridge
from .sessions_panel import SessionsPanel

STYLE = """
#popup { background: #fbfbfd; border: 1px solid #b9bec8; }
#feed { background: #fbfbfd; }
#title { font-size: 15px; font-weight: 600; color: #223; }
#status, #meta { color: #667; font-size: 11px; }
#answerCard { background: white; border: 1px solid #e1e4ea; border-radius: 8px; }
#answerCard[error="true"] { border-color: #e3a0a0; background: #fff8f8; }
#question { font-weight: 600; color: #334; }
#sources { font-size: 11px; }
#notice { color: #345; background: #eef4ff; border-radius: 6px; padding: 6px; }
#cardButton { color: #556; padding: 2px 6px; }
#cardButton:hover { background: #eef0f4; }
#panelTitle { font-weight: 600; color: #334; }
QLineEdit#input { padding: 7px; border: 1px solid #b9bec8; border-radius: 6px; font-size: 13px; }
"""


def new_session_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


class ChatPopup(QWidget):
    files_dropped = Signal(list)  # local paths
    first_paint = Signal(float)  # perf_counter() of the first paint after show_centered()

    def __init__(self, bridge: CouncilBridge, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool,
        )
        self.bridge = bridge
        self.setObjectName("popup")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.setAcceptDrops(True)
        self.setWindowTitle("Council")
        self.resize(760, 540)
        self.session = new_session_id()
        self.cards: dict[int, AnswerCard] = {}
        self.current: int | None = None
        self._await_paint = False
        self._drag_from: QPoint | None = None
        self.show_skill_and_latency = True

        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 12)
        head = QHBoxLayout()
        title = QLabel("Council")
        title.setObjectName("title")
        head.addWidget(title)
        self.status = QLabel(bridge.status)
        self.status.setObjectName("status")
        head.addWidget(self.status, 1)
        self.sessions_btn = QPushButton("Sessions")
        self.sessions_btn.setCheckable(True)
        self.new_btn = QPushButton("New chat")
        head.addWidget(self.sessions_btn)
        head.addWidget(self.new_btn)
        outer.addLayout(head)

        body = QHBoxLayout()
        self.sessions = SessionsPanel(bridge)
        self.sessions.setFixedWidth(210)
        self.sessions.hide()
        body.addWidget(self.sessions)
        self.feed_scroll = QScrollArea()
        self.feed_scroll.setWidgetResizable(True)
        self.feed_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.feed = QWidget()
        self.empty_hint: QLabel | None
        self.feed.setObjectName("feed")
        self.feed_layout = QVBoxLayout(self.feed)
        self.feed_layout.setContentsMargins(0, 0, 4, 0)
        self.feed_layout.setSpacing(8)
        self.empty_hint = QLabel(
            "<p style='font-size:15px; color:#445;'>Ask Council anything.</p>"
            "<p style='color:#667;'>Math, logic, your documents, code it runs in a sandbox, "
            "file chores. It answers locally and asks before using a paid cloud model.<br><br>"
            "Drop files or folders here to add them to its knowledge.</p>"
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.feed_layout.addStretch(1)
        self.feed_layout.addWidget(self.empty_hint)
        self.feed_layout.addStretch(1)
        self.feed_scroll.setWidget(self.feed)
        body.addWidget(self.feed_scroll, 1)
        outer.addLayout(body, 1)

        ingest_row = QHBoxLayout()
        self.ingest_label = QLabel("")
        self.ingest_label.setObjectName("meta")
        self.ingest_bar = QProgressBar()
        self.ingest_bar.setMaximumHeight(12)
        self.ingest_bar.setTextVisible(False)
        self.ingest_cancel = QPushButton("Cancel")
        ingest_row.addWidget(self.ingest_label, 2)
        ingest_row.addWidget(self.ingest_bar, 1)
        ingest_row.addWidget(self.ingest_cancel)
        self.ingest_box = QWidget()
        self.ingest_box.setLayout(ingest_row)
        self.ingest_box.hide()
        outer.addWidget(self.ingest_box)

        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setObjectName("input")
        self.input.setPlaceholderText("Ask anything…  (drop files or folders here to add them)")
        self.send_btn = QPushButton("Ask")
        self.send_btn.setDefault(True)
        self.stop_btn = QPushButton("Stop")
        self.stop_btn.setEnabled(False)
        row.addWidget(self.input, 1)
        row.addWidget(self.send_btn)
        row.addWidget(self.stop_btn)
        outer.addLayout(row)
        hint = QLabel("Enter asks · Esc hides · drag the header to move")
        hint.setObjectName("meta")
        outer.addWidget(hint)

        self.input.returnPressed.connect(self.submit)
        self.send_btn.clicked.connect(self.submit)
        self.stop_btn.clicked.connect(self.stop)
        self.new_btn.clicked.connect(self.new_chat)
        self.sessions_btn.toggled.connect(self._toggle_sessions)
        self.sessions.resume.connect(self.resume_session)
        self.ingest_cancel.clicked.connect(self._cancel_ingest)
        self._ingest_id: int | None = None

        bridge.answer_chunk.connect(self._on_chunk)
        bridge.answer_retracted.connect(self._on_retract)
        bridge.answer_done.connect(self._on_done)
        bridge.answer_cancelled.connect(self._on_cancelled)
        bridge.failed.connect(self._on_failed)
        bridge.progress.connect(self._on_progress)
        bridge.status_changed.connect(self.status.setText)
        bridge.ingest_progress.connect(self._on_ingest_progress)
        bridge.ingest_done.connect(self._on_ingest_done)

    # ----- showing -----

    def show_centered(self) -> None:
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        geo = screen.availableGeometry()
        self.move(geo.center() - self.rect().center())
        self._await_paint = True
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def toggle(self) -> None:
        if self.isVisible() and self.isActiveWindow():
            self.hide()
        else:
            self.show_centered()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self._await_paint:
            self._await_paint = False
            self.first_paint.emit(time.perf_counter())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.globalPosition().toPoint() - self.frameGeometry().topLeft()

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag_from is not None:
            self.move(event.globalPosition().toPoint() - self._drag_from)

    def mouseReleaseEvent(self, event: Any) -> None:
        self._drag_from = None

    # ----- asking -----

    def submit(self) -> None:
        text = self.input.text().strip()
        if not text or self.current is not None:
            return
        self.input.clear()
        card = self._add_card(AnswerCard(text))
        card.feedback.connect(self.bridge.feedback)
        ask_id = self.bridge.ask(text, self.session)
        self.cards[ask_id] = card
        self.current = ask_id
        self.stop_btn.setEnabled(True)
        self.send_btn.setEnabled(False)

    def stop(self) -> None:
        if self.current is not None:
            self.bridge.stop(self.current)

    def _add_card(self, w: QWidget) -> Any:
        if self.empty_hint is not None:  # the first turn replaces the welcome text
            for _ in range(3):
                item = self.feed_layout.takeAt(0)
                if item is not None and (old := item.widget()) is not None:
                    old.deleteLater()
            self.empty_hint = None
            self.feed_layout.addStretch(1)
        self.feed_layout.insertWidget(self.feed_layout.count() - 1, w)
        QTimer.singleShot(0, self._scroll_to_end)
        return w

    def add_notice(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("notice")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return self._add_card(label)  # type: ignore[no-any-return]

    def _scroll_to_end(self) -> None:
        bar = self.feed_scroll.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _finish(self, ask_id: int) -> None:
        if ask_id == self.current:
            self.current = None
            self.stop_btn.setEnabled(False)
            self.send_btn.setEnabled(True)
            self.input.setFocus()

    def _on_chunk(self, ask_id: int, text: str) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.append(text)
            QTimer.singleShot(0, self._scroll_to_end)

    def _on_retract(self, ask_id: int, skill: str) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.retract()

    def _on_progress(self, ask_id: int, p: Any) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            total = f"/{p.total}" if p.total else ""
            card.meta.setText(f"{p.stage} {p.done}{total} {p.message}".strip())

    def _on_done(self, ask_id: int, result: Any) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.finish(result, self.show_skill_and_latency)
            QTimer.singleShot(0, self._scroll_to_end)
        self._finish(ask_id)

    def _on_cancelled(self, ask_id: int) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.cancelled()
        self._finish(ask_id)

    def _on_failed(self, ask_id: int, message: str) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.failed(message)
            self._finish(ask_id)
        elif ask_id == self._ingest_id:
            self.ingest_box.hide()
            self._ingest_id = None
            self.add_notice(message)

    # ----- sessions -----

    def new_chat(self) -> None:
        self.session = new_session_id()
        self._clear_feed()

    def _clear_feed(self) -> None:
        while self.feed_layout.count():
            item = self.feed_layout.takeAt(0)
            if item is not None and (old := item.widget()) is not None:
                old.deleteLater()
        self.empty_hint = None
        self.feed_layout.addStretch(1)
        self.cards.clear()

    def resume_session(self, session_id: str) -> None:
        self.session = session_id
        self._clear_feed()
        self.add_notice(f"Resumed session {session_id}: Council remembers its earlier turns.")

    def _toggle_sessions(self, on: bool) -> None:
        self.sessions.setVisible(on)
        if on:
            self.sessions.refresh()

    # ----- drag and drop -----

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: Any) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)

    def ingest(self, paths: list[str]) -> None:
        names = ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        self.add_notice(f"Adding to your knowledge: {names}")
        self.ingest_label.setText("starting…")
        self.ingest_bar.setRange(0, 0)
        self.ingest_box.show()
        self._ingest_id = self.bridge.ingest(paths)

    def _cancel_ingest(self) -> None:
        if self._ingest_id is not None:
            self.bridge.cancel_ingest(self._ingest_id)
            self.ingest_label.setText("cancelling…")

    def _on_ingest_progress(self, ingest_id: int, done: int, total: int, message: str) -> None:
        if ingest_id != self._ingest_id:
            return
        if total:
            self.ingest_bar.setRange(0, total)
            self.ingest_bar.setValue(done)
        label = f"{done:,}/{total:,} " if total else ""
        self.ingest_label.setText((label + message)[:120])

    def _on_ingest_done(self, ingest_id: int, report: Any) -> None:
        if ingest_id == self._ingest_id:
            self._ingest_id = None
            self.ingest_box.hide()
        self.add_notice(describe_report(report))


def describe_report(report: Any) -> str:
    def n(name: str) -> int:
        return int(getattr(report, name, 0) or 0)

    parts = [
        f"Added {n('files_added'):,} file(s)",
        f"updated {n('files_updated'):,}",
        f"unchanged {n('files_unchanged'):,}",
    ]
    if n("files_removed"):
        parts.append(f"removed {n('files_removed'):,}")
    text = ", ".join(parts) + f" — {n('chunks_added'):,} passages indexed."
    skipped = list(getattr(report, "skipped", []) or [])
    if skipped:
        lines = [f"  • {Path(str(p)).name}: {why}" for p, why in skipped[:8]]
        more = f"\n  … and {len(skipped) - 8:,} more" if len(skipped) > 8 else ""
        text += f"\nSkipped {len(skipped):,}:\n" + "\n".join(lines) + more
    return text
