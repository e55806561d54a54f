"""The chat popup: opens from the hotkey signal, streams and renders answers, drops ingest."""

from __future__ import annotations

import pytest
from gui_helpers import StreamSkill, council_with
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from app.chat_popup import ChatPopup, describe_report
from app.controller import CouncilApp
from app.hotkey import GlobalHotkey, HotkeyStatus
from app.tray import Tray

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


class SignalHotkey(GlobalHotkey):
    """The hotkey interface without a display: tests emit ``activated`` themselves."""

    def start(self, sequence):
        self.status = HotkeyStatus(True, "test", sequence, "test hotkey")
        return self.status


@pytest.fixture
def popup(qtbot, bridge):
    p = ChatPopup(bridge)
    qtbot.addWidget(p)
    return p


@pytest.fixture
def app_ctl(qtbot, ctx, qloop):
    from PySide6.QtGui import QIcon

    from app.main import ICON

    tray = Tray(QIcon(str(ICON)))
    ctl = CouncilApp(
        tray, factory=council_with(StreamSkill, ctx), hotkey=SignalHotkey(), warm=False
    )
    qtbot.addWidget(ctl.popup)
    ctl.start()
    yield ctl
    for w in ctl.windows.values():
        w.close()


def test_hotkey_signal_opens_and_hides_the_popup(qtbot, app_ctl):
    popup = app_ctl.popup
    assert not popup.isVisible()
    assert app_ctl.hotkey_status.ok
    with qtbot.waitSignal(popup.first_paint, timeout=2000):
        app_ctl.hotkey.activated.emit(0.0)
    assert popup.isVisible()
    assert popup.focusWidget() is popup.input
    screen = popup.screen().availableGeometry()
    assert abs(popup.geometry().center().x() - screen.center().x()) <= 2
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_streaming_renders_markdown_and_code(qtbot, popup, bridge):
    popup.show_centered()
    popup.input.setText("write a prime check")
    first = []
    bridge.answer_chunk.connect(lambda *_: first.append(1))
    with qtbot.waitSignal(bridge.answer_chunk, timeout=3000):
        popup.submit()
    assert not popup.send_btn.isEnabled() and popup.stop_btn.isEnabled()
    card = next(iter(popup.cards.values()))
    qtbot.waitUntil(lambda: card.body.toPlainText().startswith("Here"), timeout=2000)
    assert "square root" not in card.body.toPlainText()  # partial: still streaming
    with qtbot.waitSignal(bridge.answer_done, timeout=5000):
        pass
    text = card.body.toPlainText()
    assert "def is_prime(n: int) -> bool:" in text and "square root" in text
    assert "**prime check**" not in text and "a prime check in" in text  # rendered
    html = card.body.document().toHtml()
    assert "color:" in html  # the code block is highlighted
    assert card.meta.text().startswith("writer ·") and " ms" in card.meta.text()
    assert card.copy_code_btn.isEnabled()
    card.copy_code()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().startswith("def is_prime")
    assert popup.send_btn.isEnabled() and not popup.stop_btn.isEnabled()


def test_sources_are_links_to_the_files(qtbot, popup, bridge, tmp_path, monkeypatch):
    src = tmp_path / "notes.md"
    src.write_text("x")
    monkeypatch.setattr(StreamSkill, "source", str(src))
    monkeypatch.setattr(StreamSkill, "text", "short answer")
    popup.input.setText("what do my notes say")
    with qtbot.waitSignal(bridge.answer_done, timeout=5000):
        popup.submit()
    card = next(iter(popup.cards.values()))
    assert card.sources.isVisibleTo(popup)
    assert QUrl.fromLocalFile(str(src)).toString() in card.sources.text()
    assert "notes.md (lines 1-3)" in card.sources.text()


def test_stop_button_cancels(qtbot, popup, bridge):
    popup.input.setText("slow question")
    popup.submit()
    qtbot.wait(30)
    with qtbot.waitSignal(bridge.answer_cancelled, timeout=3000):
        qtbot.mouseClick(popup.stop_btn, Qt.MouseButton.LeftButton)
    card = next(iter(popup.cards.values()))
    assert card.meta.text() == "stopped"
    assert popup.send_btn.isEnabled()


def _drop(widget, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.rect().center())
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    widget.dropEvent(drop)


def test_drop_ingests_real_files(qtbot, app_ctl, documents, tmp_path):
    popup = app_ctl.popup
    a, b = tmp_path / "a.txt", tmp_path / "b.md"
    a.write_text("Council keeps its data in SQLite. " * 30)
    b.write_text("# Install\nRun the installer.\n")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "c.txt").write_text("third file")
    (folder / "blob.txt").write_bytes(b"\xff\xfe\x00binary")
    popup.show_centered()
    with qtbot.waitSignal(app_ctl.bridge.ingest_done, timeout=15000) as blk:
        _drop(popup, [a, b, folder])
    report = blk.args[1]
    assert report.files_added >= 3
    notices = [w.text() for w in popup.feed.findChildren(type(popup.add_notice("x")))]
    said = "\n".join(notices)
    assert f"Added {report.files_added} file(s)" in said
    if report.skipped:
        assert "Skipped" in said
    assert not popup.ingest_box.isVisibleTo(popup)


def test_drop_without_files_is_refused(popup):
    mime = QMimeData()
    mime.setText("just text")
    ev = QDragEnterEvent(QPointF(popup.rect().center()), Qt.DropAction.CopyAction, mime,
                         Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    popup.dragEnterEvent(ev)
    assert not ev.isAccepted()


def test_report_text_lists_skipped_files():
    from types import SimpleNamespace

    r = SimpleNamespace(files_added=2, files_updated=0, files_unchanged=1, files_removed=0,
                        chunks_added=5, skipped=[(f"/x/f{i}.bin", "unreadable") for i in range(10)])  # fmt: skip
    text = describe_report(r)
    assert text.startswith("Added 2 file(s)") and "5 passages" in text
    assert "f0.bin: unreadable" in text and "and 2 more" in text
