"""The approval dialog shows file names as escaped plain text (issue 16, item 8): a newline,
an escape sequence or HTML in a name cannot add, hide or style a line of what is approved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.approval_dialog import ApprovalDialog
from council_core.approval import ApprovalRequest
from council_core.skills.files.journal import Op, Plan


def test_dialog_shows_hostile_names_as_plain_escaped_text(qtbot):
    name = "/home/u/a<b>bold</b>\n2. move nothing\x1b[8m.png"
    req = ApprovalRequest(
        kind="file_plan",
        title=f"move 1 item(s) into {name}",
        why="you asked",
        details=Plan("move", [Op("move", Path(name), Path("/home/u/Pictures/a.png"))]).describe(),
        paths=[name],
        scope="files",
    )
    dlg = ApprovalDialog(1, req)
    qtbot.addWidget(dlg)
    labels = dlg.findChildren(type(dlg.what))
    shown = {lb.text(): lb for lb in labels}
    title = "move 1 item(s) into /home/u/a<b>bold</b>\\n2. move nothing\\x1b[8m.png"
    assert title in shown and shown[title].textFormat() == Qt.TextFormat.PlainText
    path_label = shown["/home/u/a<b>bold</b>\\n2. move nothing\\x1b[8m.png"]
    assert path_label.textFormat() == Qt.TextFormat.PlainText
    assert dlg.details.toPlainText().count("\n") == 0  # one operation, one line
    assert "\x1b" not in dlg.details.toPlainText()
