"""One question and its answer in the chat: rendered Markdown, the skill and latency, sources
as links that open the file, copy buttons, thumbs up/down and "correct this".

Errors have their own area under the answer, never inside its Markdown: a partial answer stays
as it was, with a Continue action. A file plan that ran has an Undo button."""

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
from shiboken6 import isValid

from .render import code_blocks, render_into
from .theme import is_dark


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
        try:
            if obj is self.viewport() and event.type() == event.Type.Paint:
                self.painted.emit(time.perf_counter())
        except RuntimeError:  # the view is being deleted
            pass
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
    continue_requested = Signal(str, str)  # question, the partial answer so far
    undo_requested = Signal(int)  # file plan id

    def __init__(
        self, question: str, parent: QWidget | None = None, shown: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("answerCard")
        self.question = question
        self.text = ""
        self.prefix = ""  # the partial answer a continuation goes on from
        self.error_kind: str | None = None
        self.result: Any = None
        self._render_pending = False
        self.rendered_at: float | None = None  # perf_counter() of the last render
        self.rendered_dark = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 8)
        lay.setSpacing(4)
        q = QLabel(shown if shown is not None else question)
        q.setObjectName("question")
        q.setWordWrap(True)
        q.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(q)
        self.body = AutoHeightBrowser(self)
        self.body.setPlaceholderText("thinking…")
        lay.addWidget(self.body)
        self.error_box = QLabel()
        self.error_box.setObjectName("errorBox")
        self.error_box.setWordWrap(True)
        self.error_box.setTextFormat(Qt.TextFormat.PlainText)
        self.error_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_box.hide()
        lay.addWidget(self.error_box)
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
        self.meta.setWordWrap(True)
        # Long progress text wraps instead of widening the card.
        self.meta.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.meta, 1)
        self.continue_btn = _small_button("Continue", "Let the answer go on from where it stopped")
        self.undo_btn = _small_button("Undo", "Reverse the file changes this answer made")
        for b in (self.continue_btn, self.undo_btn):
            b.hide()
            row.addWidget(b)
        self.copy_btn = _small_button("Copy", "Copy the answer")
        self.copy_code_btn = _small_button("Copy code", "Copy the code blocks")
        self.up_btn = _small_button("✓ Good", "A good answer")
        self.down_btn = _small_button("✗ Wrong", "A wrong or unhelpful answer")
        self.correct_btn = _small_button("Correct this", "Tell Council the right answer")
        for b in (self.copy_btn, self.copy_code_btn, self.up_btn, self.down_btn, self.correct_btn):
            row.addWidget(b)
            b.setEnabled(False)
        self.copy_code_btn.hide()  # shown when the answer has code
        lay.addLayout(row)
        self.copy_btn.clicked.connect(self.copy_answer)
        self.copy_code_btn.clicked.connect(self.copy_code)
        self.up_btn.clicked.connect(lambda: self._rate("up"))
        self.down_btn.clicked.connect(lambda: self._rate("down"))
        self.correct_btn.clicked.connect(self.ask_correction)
        self.continue_btn.clicked.connect(self._continue)
        self.undo_btn.clicked.connect(self._undo)

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
            QTimer.singleShot(0, self, self._render)

    def _render(self) -> None:
        self._render_pending = False
        if not isValid(self.body):  # the card was deleted while a render was queued
            return
        self.rendered_dark = is_dark()
        render_into(self.body.document(), self.text, self.rendered_dark)
        self.rendered_at = time.perf_counter()
        self.copy_btn.setEnabled(bool(self.text))

    # ----- the end -----

    def finish(self, result: Any, show_meta: bool = True) -> None:
        self.result = result
        if result.error is not None:
            # The streamed text stays as it was; the error goes to its own area.
            self.show_error(result.error.message, result.error.fix, result.error.kind)
        elif result.answer and self.prefix + result.answer != self.text:
            self.text = self.prefix + result.answer
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
        plan = getattr(result, "undo_plan", None)
        self.undo_btn.setVisible(plan is not None and result.error is None)
        self.undo_btn.setEnabled(plan is not None)
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
        self.continue_btn.setVisible(bool(self.text.strip()))

    def failed(self, message: str) -> None:
        self.show_error(message, None, "internal")
        self._render()

    def show_error(self, message: str, fix: str | None, kind: str | None) -> None:
        self.error_kind = kind
        self.error_box.setText(message + (f"\nHow to fix: {fix}" if fix else ""))
        self.error_box.show()
        self.setProperty("error", True)
        self.style().unpolish(self)
        self.style().polish(self)
        # A cut answer can go on from where it stopped.
        self.continue_btn.setVisible(kind == "timeout" and bool(self.text.strip()))

    def begin_continuation(self) -> None:
        """The next chunks go on from the current text."""
        self.prefix = self.text if self.text.endswith((" ", "\n")) else self.text + " "
        self.text = self.prefix
        self.error_kind = None
        self.error_box.hide()
        self.continue_btn.hide()
        self.setProperty("error", False)
        self.style().unpolish(self)
        self.style().polish(self)
        self.meta.setText("continuing…")

    def _continue(self) -> None:
        self.continue_requested.emit(self.question, self.text)

    def _undo(self) -> None:
        plan = getattr(self.result, "undo_plan", None)
        if plan is not None:
            self.undo_btn.setEnabled(False)
            self.undo_requested.emit(int(plan))

    def undone(self, message: str) -> None:
        self.undo_btn.setText("Undone")
        self.undo_btn.setEnabled(False)
        self.meta.setText(message)

    def undo_failed(self, message: str) -> None:
        self.undo_btn.setEnabled(True)
        self.show_error("Undo failed: " + message, None, "undo")

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if (
            event.type() == event.Type.PaletteChange
            and self.text
            and (is_dark() != self.rendered_dark)
        ):
            self._schedule()  # code blocks take the new light/dark colours

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
        # Parented to the card: the dialog stays above the popup.
        text, ok = QInputDialog.getMultiLineText(
            self, "Correct this answer", "The right answer (Council will remember it):"
        )
        if ok and text.strip():
            self.feedback.emit(getattr(self.result, "turn_id", None), "correct", text.strip())
            self.correct_btn.setEnabled(False)
