"""The chat popup: opens from the hotkey signal, streams and renders answers, drops ingest."""

from __future__ import annotations

import os

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
    # the first ingest loads the embedding model (~1 GB): seconds when idle, more on a busy
    # machine (15 s was once not enough under a load of 5 on 2 cores)
    with qtbot.waitSignal(app_ctl.bridge.ingest_done, timeout=90000) as blk:
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


@pytest.fixture
def fast_tmp(tmp_path):
    """A tmpfs folder when there is one: creating 10,000 files on a busy disk takes ~10 s."""
    import shutil
    import tempfile
    from pathlib import Path

    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    d = Path(tempfile.mkdtemp(prefix="council-app-test-", dir=shm))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_huge_drop_keeps_the_ui_responsive_and_reports_problems(qtbot, app_ctl, ctx, fast_tmp):
    """10,000 files, a 2 GB file and an unreadable folder: the event loop keeps turning."""
    import time

    from gui_helpers import WalkingStore
    from PySide6.QtCore import QTimer

    ctx.provide("documents", WalkingStore(max_bytes=100_000_000))
    tmp_path = fast_tmp
    many = tmp_path / "many"
    many.mkdir()
    for i in range(10_000):
        (many / f"n{i:05d}.txt").write_text(f"note {i}")
    big = tmp_path / "big.iso"
    with open(big, "wb") as f:
        f.truncate(2 * 1024**3)  # sparse: 2 GB apparent size, no disk used
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("x")
    locked.chmod(0)
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    popup = app_ctl.popup
    popup.show_centered()
    try:
        with qtbot.waitSignal(app_ctl.bridge.ingest_done, timeout=60000) as blk:
            popup.ingest([str(many), str(big), str(locked)])
            qtbot.waitUntil(lambda: popup.ingest_bar.maximum() > 0, timeout=30000)  # progress shown
    finally:
        timer.stop()
        locked.chmod(0o755)
    report = blk.args[1]
    assert report.files_added == 10_000 + (1 if os.geteuid() == 0 else 0)
    reasons = dict((os.path.basename(str(p)), why) for p, why in report.skipped)
    assert reasons["big.iso"] == "too large"
    if os.geteuid() != 0:  # root reads everything
        assert "locked" in " ".join(str(p) for p, _w in report.skipped)
    assert max(gaps) < 1.0, f"the GUI thread stalled for {max(gaps):.3f} s"
    notices = "\n".join(w.text() for w in popup.feed.findChildren(type(popup.add_notice("x"))))
    assert "big.iso: too large" in notices


def test_new_chat_and_resume_start_a_clean_feed(qtbot, popup, bridge):
    first = popup.session
    popup.input.setText("one")
    with qtbot.waitSignal(bridge.answer_done, timeout=5000):
        popup.submit()
    popup.new_chat()
    assert popup.session != first and not popup.cards
    popup.resume_session(first)
    assert popup.session == first
    popup.input.setText("two")
    with qtbot.waitSignal(bridge.answer_done, timeout=5000) as blk:
        popup.submit()
    assert blk.args[1].session == first
    assert len(popup.feed.findChildren(type(popup.add_notice("x")), "notice")) >= 1


class SessionMemory:
    """The two conversation-memory calls the sessions panel makes (the memory component on its
    own branch provides them on MemoryStore)."""

    def __init__(self):
        self.sessions = [{"id": "s-1", "title": "prime numbers", "updated": "2026-11-25"},
                         {"id": "s-2", "title": "tax forms"}]  # fmt: skip

    def list_sessions(self):
        return list(self.sessions)

    def delete_session(self, sid):
        self.sessions = [s for s in self.sessions if s["id"] != sid]


def test_sessions_panel_lists_resumes_and_deletes(qtbot, popup, ctx):
    mem = SessionMemory()
    ctx.provide("memory", mem)
    popup.sessions_btn.setChecked(True)
    qtbot.waitUntil(lambda: popup.sessions.list.count() == 2, timeout=3000)
    assert popup.sessions.list.item(0).text().startswith("prime numbers")
    popup.sessions.list.setCurrentRow(1)
    popup.sessions.delete_current()
    qtbot.waitUntil(lambda: len(mem.sessions) == 1, timeout=3000)
    popup.sessions.list.setCurrentRow(0)
    popup.sessions.resume_btn.click()
    assert popup.session == "s-1"


def test_sessions_panel_without_memory_says_so(qtbot, popup, ctx):
    ctx.provide("memory", object())
    popup.sessions_btn.setChecked(True)
    qtbot.waitUntil(lambda: "unavailable" in popup.sessions.note.text(), timeout=3000)
