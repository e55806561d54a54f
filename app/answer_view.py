"""One question and its answer in the chat: rendered Markdown, the skill and latency, sources
as links that open the file, copy buttons, thumbs up/down and "correct this"."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .render import code_blocks, render_into


class AutoHeightBrowser(QTextBrowser):
    """A read-only text view as tall as its content; links go to the desktop."""

    painted = Signal(float)  # perf_counter() of each paint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(QDesktopServices.openUrl)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(2)
        self.document().contentsChanged.connect(self._fit)
        self.viewport().installEventFilter(self)

    def eventFilter(self, obj: Any, event: Any) -> bool:
        if obj is self.viewport() and event.type() == event.Type.Paint:
            self.painted.emit(time.perf_counter())
        return False

    def _fit(self) -> None:
        doc = self.document()
        doc.setTextWidth(max(100, self.viewport().width()))
        self.setFixedHeight(int(doc.size().height()) + 4)

    def resizeEvent(self, e: Any) -> None:
        super().resizeEvent(e)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())


def _small_button(text: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setFlat(True)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setObjectName("cardButton")
    return b


class AnswerCard(QFrame):
    """Shows one turn. The popup feeds it chunks; it re-renders at most once per event-loop
    pass, so a burst of tokens costs one layout."""

    feedback = Signal(object, str, str)  # turn_id, "up"|"down"|"correct", correction text

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerCard")
        self.text = ""
        self.result: Any = None
        self._render_pending = False
        self.rendered_at: float | None = None  # perf_counter() of the last render
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 8)
        lay.setSpacing(4)
        q = QLabel(question)
        q.setObjectName("question")
        q.setWordWrap(True)
        q.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(q)
        self.body = AutoHeightBrowser(self)
        self.body.setPlaceholderText("thinking…")
        lay.addWidget(self.body)
        self.sources = QLabel()
        self.sources.setObjectName("sources")
        self.sources.setWordWrap(True)
        self.sources.setOpenExternalLinks(False)
        self.sources.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.sources.hide()
        lay.addWidget(self.sources)
        row = QHBoxLayout()
        row.setSpacing(2)
        self.meta = QLabel("")
        self.meta.setObjectName("meta")
        row.addWidget(self.meta, 1)
        self.copy_btn = _small_button("Copy", "Copy the answer")
        self.copy_code_btn = _small_button("Copy code", "Copy the code blocks")
        self.up_btn = _small_button("✓ Good", "A good answer")
        self.down_btn = _small_button("✗ Wrong", "A wrong or unhelpful answer")
        self.correct_btn = _small_button("Correct this", "Tell Council the right answer")
        for b in (self.copy_btn, self.copy_code_btn, self.up_btn, self.down_btn, self.correct_btn):
            row.addWidget(b)
            b.setEnabled(False)
        lay.addLayout(row)
        self.copy_btn.clicked.connect(self.copy_answer)
        self.copy_code_btn.clicked.connect(self.copy_code)
        self.up_btn.clicked.connect(lambda: self._rate("up"))
        self.down_btn.clicked.connect(lambda: self._rate("down"))
        self.correct_btn.clicked.connect(self.ask_correction)

    # ----- streaming -----

    def append(self, chunk: str) -> None:
        self.text += chunk
        self._schedule()

    def retract(self) -> None:
        self.text = ""
        self._schedule()

    def _schedule(self) -> None:
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self._render)

    def _render(self) -> None:
        self._render_pending = False
        render_into(self.body.document(), self.text)
        self.rendered_at = time.perf_counter()
        self.copy_btn.setEnabled(bool(self.text))

    # ----- the end -----

    def finish(self, result: Any, show_meta: bool = True) -> None:
        self.result = result
        if result.error is not None:
            msg = result.error.message + (
                f"\n\n**How to fix:** {result.error.fix}" if result.error.fix else ""
            )
            self.text = (self.text + "\n\n" if self.text else "") + msg
            self.setProperty("error", True)
            self.style().unpolish(self)
            self.style().polish(self)
        elif result.answer and result.answer != self.text:
            self.text = result.answer
        self._render()
        if show_meta:
            parts = [result.skill or "no skill", f"{result.latency_ms:,.0f} ms"]
            if result.confidence and result.error is None:
                parts.append(f"confidence {result.confidence:.2f}")
            if result.escalated or result.cost_usd:
                parts.append(f"cloud ${result.cost_usd:.4f}")
            parts += list(result.notes)
            self.meta.setText(" · ".join(parts))
        if result.sources:
            links = []
            for s in result.sources:
                url = QUrl.fromLocalFile(s.path).toString()
                name = Path(s.path).name + (f" ({s.locator})" if s.locator else "")
                links.append(f'<a href="{url}">{name}</a>')
            self.sources.setText("Sources: " + " · ".join(links))
            self.sources.show()
        has_turn = getattr(result, "turn_id", None) is not None
        self.copy_btn.setEnabled(bool(self.text))
        self.copy_code_btn.setEnabled(bool(code_blocks(self.text)))
        self.copy_code_btn.setVisible(bool(code_blocks(self.text)))
        for b in (self.up_btn, self.down_btn, self.correct_btn):
            b.setEnabled(has_turn)
            if not has_turn:
                b.setToolTip("This answer was not stored in memory, so it cannot be rated")

    def cancelled(self) -> None:
        self.meta.setText("stopped")
        self.copy_btn.setEnabled(bool(self.text))

    def failed(self, message: str) -> None:
        self.text = (self.text + "\n\n" if self.text else "") + "**Error:** " + message
        self.setProperty("error", True)
        self._render()

    # ----- actions -----

    def copy_answer(self) -> None:
        QGuiApplication.clipboard().setText(self.text)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText("\n\n".join(code_blocks(self.text)))

    def _rate(self, rating: str) -> None:
        turn_id = getattr(self.result, "turn_id", None)
        self.feedback.emit(turn_id, rating, "")
        self.up_btn.setEnabled(False)
        self.down_btn.setEnabled(False)
        self.meta.setText(self.meta.text() + ("  ·  thanks!" if rating == "up" else "  ·  noted"))

    def ask_correction(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self, "Correct this answer", "The right answer (Council will remember it):"
        )
        if ok and text.strip():
            self.feedback.emit(getattr(self.result, "turn_id", None), "correct", text.strip())
            self.correct_btn.setEnabled(False)
