"""Asks the user before Council spends money or lets code touch files outside its workspace:
what, why, the cost and the budget left, and the exact details (the text that would leave the
machine, the code, the list of file operations)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from council_core.approval import ApprovalRequest, Choice, Decision

KIND_TITLES = {
    "cloud": "Send this to a paid cloud model?",
    "sandbox_paths": "Let code use these folders?",
    "code_run": "Run this code?",
    "file_plan": "Apply these file changes?",
}


class ApprovalDialog(QDialog):
    decided = Signal(int, object)  # request id, Decision

    def __init__(self, req_id: int, req: ApprovalRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.req_id, self.req = req_id, req
        self.decision: Decision | None = None
        self.setWindowTitle("Council needs your approval")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.resize(560, 440)
        lay = QVBoxLayout(self)
        head = QLabel(KIND_TITLES.get(req.kind, "Approve this?"))
        head.setStyleSheet("font-size: 15px; font-weight: 600;")
        lay.addWidget(head)
        form = QFormLayout()
        self.what = QLabel(req.title)
        self.why = QLabel(req.why)
        for w in (self.what, self.why):
            w.setWordWrap(True)
            w.setTextFormat(Qt.TextFormat.PlainText)  # a file name is text, never HTML
        form.addRow("What:", self.what)
        form.addRow("Why:", self.why)
        if req.cost_usd is not None:
            form.addRow("Estimated cost:", QLabel(f"${req.cost_usd:.4f}"))
        if req.remaining_budget_usd is not None:
            form.addRow("Budget left:", QLabel(f"${req.remaining_budget_usd:.4f}"))
        if req.paths:
            paths = QLabel("\n".join(req.paths))
            paths.setTextFormat(Qt.TextFormat.PlainText)
            paths.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow("Paths:", paths)
        lay.addLayout(form)
        if req.details:
            lay.addWidget(QLabel("Exactly this:"))
            self.details = QPlainTextEdit(req.details)
            self.details.setReadOnly(True)
            self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            lay.addWidget(self.details, 1)
        row = QHBoxLayout()
        self.once_btn = QPushButton("Approve once")
        self.always_btn = QPushButton("Always under")
        self.limit = QDoubleSpinBox()
        self.limit.setPrefix("$")
        self.limit.setDecimals(4)
        self.limit.setRange(0, 1000)
        self.limit.setValue(max(2 * (req.cost_usd or 0.0), 0.01))  # room for a similar request
        self.limit.setVisible(req.cost_usd is not None)
        if req.cost_usd is None:
            self.always_btn.setText("Always for " + (req.scope or "this"))
        self.decline_btn = QPushButton("Decline")
        self.decline_btn.setDefault(True)  # Enter never spends money by accident
        row.addWidget(self.once_btn)
        row.addWidget(self.always_btn)
        row.addWidget(self.limit)
        row.addStretch(1)
        row.addWidget(self.decline_btn)
        lay.addLayout(row)
        self.once_btn.clicked.connect(
            lambda: self._decide(Decision(Choice.APPROVE_ONCE, reason="user: once"))
        )
        self.always_btn.clicked.connect(self._always)
        self.decline_btn.clicked.connect(
            lambda: self._decide(Decision(Choice.DECLINE, reason="user: declined"))
        )
        self.finished.connect(self._closed)

    def _always(self) -> None:
        limit = self.limit.value() if self.req.cost_usd is not None else None
        self._decide(Decision(Choice.APPROVE_ALWAYS, limit_usd=limit, reason="user: always"))

    def _decide(self, decision: Decision) -> None:
        if self.decision is None:
            self.decision = decision
            self.decided.emit(self.req_id, decision)
        self.accept()

    def _closed(self, _result: int) -> None:
        if self.decision is None:  # closed with the window button or Esc: no
            self._decide(Decision(Choice.DECLINE, reason="user: closed the dialog"))
