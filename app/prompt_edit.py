"""The question box: Enter asks, Shift+Enter starts a new line, and the box grows with its text
(one line up to six) like a launcher's input."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QSizePolicy, QWidget

MAX_LINES = 6


class PromptEdit(QPlainTextEdit):
    returnPressed = Signal()  # noqa: N815 (the QLineEdit name, on purpose)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(4)
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    # QLineEdit's API, so callers need not care which box it is.
    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802
        self.setPlainText(text)
        self.moveCursor(self.textCursor().MoveOperation.End)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.returnPressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()  # the popup decides: stop, clear, hide
            return
        super().keyPressEvent(event)

    def _fit(self) -> None:
        lines = max(1, min(MAX_LINES, self._visual_lines()))
        line_h = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins()
        doc_margin = int(self.document().documentMargin()) * 2
        self.setFixedHeight(lines * line_h + doc_margin + margins.top() + margins.bottom() + 6)
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if self._visual_lines() > MAX_LINES
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )

    def _visual_lines(self) -> int:
        n = 0
        block = self.document().begin()
        while block.isValid():
            layout = block.layout()
            n += max(1, layout.lineCount() if layout is not None else 1)
            block = block.next()
        return n

    def resizeEvent(self, e: object) -> None:
        super().resizeEvent(e)  # type: ignore[arg-type]
        self._fit()
