"""The chat popup: a launcher-style window over the current screen that shows one council
session.

Input at the top; the window grows with the answer up to a maximum; rounded corners; hides when
the user clicks elsewhere (a setting) but never when one of the app's own dialogs takes focus;
Esc stops a stream, then clears the input, then hides; Shift+Enter is a new line. Colours come
from the system palette (light or dark). It asks through the bridge and redraws from the
bridge's signals; drops of files or folders go to the knowledge base through the bridge as well.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QCursor, QGuiApplication, QKeyEvent, QPainterPath, QRegion
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from .answer_view import AnswerCard
from .bridge import CouncilBridge
from .prompt_edit import PromptEdit
from .sessions_panel import SessionsPanel
from .theme import popup_style, system_palette

WIDTH = 760
MIN_HEIGHT = 150
MAX_HEIGHT = 720
RADIUS = 12
FOCUS_LOSS_GRACE_MS = 120  # a dialog of ours may take focus in between

WELCOME = (
    "<p style='font-size:15px;'>Ask Council anything.</p>"
    "<p>Math, logic, your documents, code it runs in a sandbox, file chores. It answers "
    "locally and asks before using a paid cloud model.<br>"
    "Drop files or folders here to add them to its knowledge.</p>"
)


def new_session_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


class ChatPopup(QWidget):
    files_dropped = Signal(list)  # local paths
    first_paint = Signal(float)  # perf_counter() of the first paint after show_centered()
    undo_requested = Signal(int)  # file plan id (the controller runs it through the bridge)

    def __init__(self, bridge: CouncilBridge, parent: QWidget | None = None) -> None:
        # Not "stays on top": the app's dialogs and the window the user switches to must be
        # able to come above it.
        super().__init__(parent, Qt.WindowType.FramelessWindowHint | Qt.WindowType.Tool)
        self.bridge = bridge
        self.setObjectName("popup")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAcceptDrops(True)
        self.setWindowTitle("Council")
        self.resize(WIDTH, MIN_HEIGHT)
        self.session = new_session_id()
        self.cards: dict[int, AnswerCard] = {}
        self.current: int | None = None
        self._await_paint = False
        self._drag_from: QPoint | None = None
        self._pinned: AnswerCard | None = None  # the newest question, kept in view
        self._fit_pending = False
        self._styling = False
        self._shown_at = 0.0
        self.show_skill_and_latency = True
        self.hide_on_focus_loss = True
        self.max_height = MAX_HEIGHT

        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        outer.setSpacing(8)
        head = QHBoxLayout()
        title = QLabel("Council")
        title.setObjectName("title")
        head.addWidget(title)
        self.status = QLabel(bridge.status)
        self.status.setObjectName("status")
        # A long status wraps or is cut, never widens the popup.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(self.status, 1)
        self.sessions_btn = QPushButton("Sessions")
        self.sessions_btn.setCheckable(True)
        self.new_btn = QPushButton("New chat")
        head.addWidget(self.sessions_btn)
        head.addWidget(self.new_btn)
        outer.addLayout(head)

        row = QHBoxLayout()
        self.input = PromptEdit()
        self.input.setObjectName("input")
        self.input.setPlaceholderText("Ask anything…")
        self.send_btn = QPushButton("Ask")
        self.send_btn.setDefault(True)
        self.stop_btn = QPushButton("Stop")
        self.stop_btn.setEnabled(False)
        self.selection_btn = QPushButton("+ Selection")
        self.selection_btn.setCheckable(True)
        self.selection_btn.setToolTip(
            "Add the text you selected (or copied) in another application to the question: "
            '"explain this", "translate this"'
        )
        row.addWidget(self.input, 1)
        row.addWidget(self.send_btn, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.stop_btn, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.selection_btn, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(row)

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

        body = QHBoxLayout()
        self.sessions = SessionsPanel(bridge)
        self.sessions.setFixedWidth(220)
        self.sessions.hide()
        body.addWidget(self.sessions)
        self.feed_scroll = QScrollArea()
        self.feed_scroll.setObjectName("feedScroll")
        self.feed_scroll.setWidgetResizable(True)
        self.feed_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.feed_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.feed = QWidget()
        self.empty_hint: QLabel | None
        self.feed.setObjectName("feed")
        self.feed_layout = QVBoxLayout(self.feed)
        self.feed_layout.setContentsMargins(0, 0, 4, 0)
        self.feed_layout.setSpacing(8)
        self.empty_hint = QLabel(WELCOME)
        self.empty_hint.setObjectName("welcome")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.feed_layout.addStretch(1)
        self.feed_layout.addWidget(self.empty_hint)
        self.feed_layout.addStretch(1)
        self.feed_scroll.setWidget(self.feed)
        body.addWidget(self.feed_scroll, 1)
        outer.addLayout(body, 1)

        hint = QLabel(
            "Enter asks · Shift+Enter new line · Esc stops, clears, hides · drag the header to move"
        )
        hint.setObjectName("hint")
        outer.addWidget(hint)

        self.input.returnPressed.connect(self.submit)
        self.send_btn.clicked.connect(self.submit)
        self.stop_btn.clicked.connect(self.stop)
        self.new_btn.clicked.connect(self.new_chat)
        self.sessions_btn.toggled.connect(self._toggle_sessions)
        self.sessions.resume.connect(self.resume_session)
        self.ingest_cancel.clicked.connect(self._cancel_ingest)
        self._ingest_id: int | None = None
        self.feed_scroll.verticalScrollBar().rangeChanged.connect(self._range_changed)

        bridge.answer_chunk.connect(self._on_chunk)
        bridge.answer_retracted.connect(self._on_retract)
        bridge.answer_done.connect(self._on_done)
        bridge.answer_cancelled.connect(self._on_cancelled)
        bridge.failed.connect(self._on_failed)
        bridge.progress.connect(self._on_progress)
        bridge.status_changed.connect(self.status.setText)
        bridge.ingest_progress.connect(self._on_ingest_progress)
        bridge.ingest_done.connect(self._on_ingest_done)
        self._apply_palette()
        self.fit_height()

    # ----- look -----

    def _apply_palette(self) -> None:
        css = popup_style(system_palette())
        if css == self.styleSheet():
            return
        self._styling = True
        try:
            self.setStyleSheet(css)
        finally:
            self._styling = False

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        t = event.type()
        if (
            t in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
            and not self._styling
        ):
            self._apply_palette()
        elif t == QEvent.Type.ActivationChange and not self.isActiveWindow():
            lost_at = time.perf_counter()
            QTimer.singleShot(
                FOCUS_LOSS_GRACE_MS, self, lambda: self._maybe_hide_on_focus_loss(lost_at)
            )

    def _maybe_hide_on_focus_loss(self, lost_at: float | None = None) -> None:
        """Hide when the user went to another application; stay when one of our own windows
        (a dialog, Settings, a file chooser) took the focus, or when the popup was shown
        again since it lost the focus."""
        if not isValid(self) or not self.hide_on_focus_loss or not self.isVisible():
            return
        if self.isActiveWindow():
            return
        if lost_at is not None and self._shown_at > lost_at:
            return
        if QApplication.activeWindow() is not None or QApplication.activeModalWidget():
            return
        self.hide()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()), RADIUS, RADIUS)
        self.setMask(QRegion(path.toFillPolygon().toPolygon()))

    def fit_height(self) -> None:
        """Grow (or shrink) to the content, up to ``max_height``; the top edge stays put."""
        self._fit_pending = False
        lay = self.layout() if isValid(self) else None
        if lay is None:
            return
        chrome = lay.sizeHint().height() - self.feed_scroll.sizeHint().height()
        feed_h = self.feed.sizeHint().height() + 4
        screen = self.screen().availableGeometry() if self.screen() else None
        cap = self.max_height if screen is None else min(self.max_height, screen.height() - 40)
        h = max(MIN_HEIGHT, min(cap, chrome + feed_h))
        if h != self.height():
            self.resize(self.width(), h)

    def _schedule_fit(self) -> None:
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self, self.fit_height)

    # ----- showing -----

    def show_centered(self) -> None:
        """Centred horizontally, its top a fifth of the way down the screen (launcher
        position), so it can grow downwards."""
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        geo = screen.availableGeometry()
        self.max_height = min(MAX_HEIGHT, int(geo.height() * 0.8))
        x = geo.center().x() - self.width() // 2
        y = geo.top() + max(0, min(geo.height() // 5, geo.height() - self.max_height))
        self.move(x, y)
        self._await_paint = True
        self._shown_at = time.perf_counter()
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        self._schedule_fit()

    def prewarm(self) -> None:
        """Do the first show's costly work ahead of the hotkey: polish every widget with the
        style sheet, lay them out and create the native window (first paint 73 -> ~5 ms)."""
        for w in [self, *self.findChildren(QWidget)]:
            w.ensurePolished()
        lay = self.layout()
        if lay is not None:
            lay.activate()
        self.winId()

    def toggle(self) -> None:
        if self.isVisible() and self.isActiveWindow():
            self.hide()
        else:
            self.show_centered()

    def dialog_parent(self) -> QWidget | None:
        """The parent for a dialog the app opens: the popup while it is shown, so the window
        manager keeps the dialog above it."""
        return self if self.isVisible() else None

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self._await_paint:
            self._await_paint = False
            self.first_paint.emit(time.perf_counter())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape()
            return
        super().keyPressEvent(event)

    def escape(self) -> None:
        """Esc: stop a running answer; else clear the question; else hide."""
        if self.current is not None:
            self.stop()
        elif self.input.text():
            self.input.clear()
        else:
            self.hide()

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
        shown = text
        if self.selection_btn.isChecked():
            picked = selected_text()
            if not picked:
                self.add_notice(
                    "Nothing is selected or copied: select text in another application "
                    "(or copy it), then ask again."
                )
                return
            shown = f"{text}  (with {len(picked):,} characters of selected text)"
            text = f'{text}\n\n"""\n{picked}\n"""'
        self.input.clear()
        card = self._add_card(AnswerCard(text, shown=shown))
        card.feedback.connect(self.bridge.feedback)
        card.continue_requested.connect(lambda q, partial, c=card: self.continue_answer(c))
        card.undo_requested.connect(self.undo_requested)
        self._pinned = card
        self._start(card, self.bridge.ask(text, self.session))

    def _start(self, card: AnswerCard, ask_id: int) -> None:
        self.cards[ask_id] = card
        self.current = ask_id
        self.stop_btn.setEnabled(True)
        self.send_btn.setEnabled(False)

    def continue_answer(self, card: AnswerCard) -> None:
        """Let a cut or stopped answer go on from its text so far, in the same card."""
        if self.current is not None:
            return
        partial = card.text
        card.begin_continuation()
        self._start(card, self.bridge.ask(card.question, self.session, continue_from=partial))

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
        self._pinned = None
        QTimer.singleShot(0, self, self._scroll_to_end)
        self._schedule_fit()
        return w

    def add_notice(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("notice")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return self._add_card(label)  # type: ignore[no-any-return]

    def _scroll_to_end(self) -> None:
        """Bring the newest question into view: its top at the top of the feed when its
        answer is taller than the view (the user reads from the start), else the end."""
        if not isValid(self.feed_scroll):
            return
        bar = self.feed_scroll.verticalScrollBar()
        card = self._pinned
        if card is not None and isValid(card) and card.parent() is self.feed:
            bar.setValue(min(bar.maximum(), max(0, card.y() - 4)))
        else:
            bar.setValue(bar.maximum())

    def _range_changed(self, _lo: int, _hi: int) -> None:
        # The layout settled (a card was added or grew): keep the newest question in view.
        self._scroll_to_end()
        self._schedule_fit()

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

    def _on_retract(self, ask_id: int, skill: str) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.retract()

    def _on_progress(self, ask_id: int, p: Any) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            count = f"{p.done}/{p.total}" if p.total else ""
            card.meta.setText(" ".join(x for x in (p.stage, count, p.message) if x))

    def _on_done(self, ask_id: int, result: Any) -> None:
        card = self.cards.get(ask_id)
        if card is not None:
            card.finish(result, self.show_skill_and_latency)
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
        self._pinned = None
        self._schedule_fit()

    def resume_session(self, session_id: str) -> None:
        self.session = session_id
        self._clear_feed()
        self.add_notice(f"Resumed session {session_id}: Council remembers its earlier turns.")

    def _toggle_sessions(self, on: bool) -> None:
        self.sessions.setVisible(on)
        if on:
            self.sessions.refresh()
            if self.height() < 360:
                self.resize(self.width(), 360)

    def card_for_plan(self, plan_id: int) -> AnswerCard | None:
        for card in self.cards.values():
            if getattr(card.result, "undo_plan", None) == plan_id:
                return card
        return None

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


def selected_text() -> str:
    """The X11 primary selection (text selected anywhere) when there is one, else the
    clipboard."""
    clip = QGuiApplication.clipboard()
    if clip.supportsSelection():
        picked = clip.text(QClipboard.Mode.Selection).strip()
        if picked:
            return picked
    return clip.text(QClipboard.Mode.Clipboard).strip()


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
