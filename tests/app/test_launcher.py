"""The popup as a launcher: errors beside the answer (never in it) with Continue, Undo on file
plans, keys (Esc, Shift+Enter), growth with the answer, the newest question in view, dark
palettes, honest model status, the hotkey recorder, and `council-app --toggle`."""

from __future__ import annotations

import asyncio
import re

import pytest
from gui_helpers import CutSkill, LongSkill, StreamSkill, council_with
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QDialog
from test_chat_popup import SignalHotkey

from app.bridge import CouncilBridge
from app.chat_popup import ChatPopup
from app.controller import CouncilApp
from app.main import ICON
from app.tray import Tray

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def make_popup(qtbot, ctx, skill):
    b = CouncilBridge(council_with(skill, ctx))
    b.start(warm=False)
    p = ChatPopup(b)
    qtbot.addWidget(p)
    return b, p


def ask(qtbot, popup, bridge, text, timeout=5000):
    popup.input.setText(text)
    with qtbot.waitSignal(bridge.answer_done, timeout=timeout) as blk:
        popup.submit()
    return blk.args[1]


def test_a_stalled_answer_keeps_its_text_shows_the_error_apart_and_continues(qtbot, ctx, qloop):
    ctx.settings.router.silence_timeout_s = 0.3
    bridge, popup = make_popup(qtbot, ctx, CutSkill)
    popup.show_centered()
    result = ask(qtbot, popup, bridge, "capital of France?")
    card = popup.cards[max(popup.cards)]
    assert result.error.kind == "timeout"
    assert card.body.toPlainText() == "Paris is the capital"  # partial kept, no error glued in
    assert card.error_box.isVisibleTo(card) and "stopped producing text" in card.error_box.text()
    assert "How to fix" in card.error_box.text()
    assert card.continue_btn.isVisibleTo(card)
    with qtbot.waitSignal(bridge.answer_done, timeout=5000) as blk:
        card.continue_btn.click()
    assert blk.args[1].error is None
    assert card.body.toPlainText() == "Paris is the capital of France."
    assert not card.error_box.isVisibleTo(card) and not card.continue_btn.isVisibleTo(card)


def test_esc_stops_then_clears_then_hides_and_shift_enter_is_a_new_line(qtbot, ctx, qloop):
    bridge, popup = make_popup(qtbot, ctx, StreamSkill)
    popup.show_centered()
    popup.input.setText("slow question")
    with qtbot.waitSignal(bridge.answer_cancelled, timeout=3000):
        popup.submit()
        qtbot.keyClick(popup.input, Qt.Key.Key_Escape)  # 1: stops the stream
    assert popup.isVisible() and popup.current is None
    popup.input.setText("draft")
    qtbot.keyClick(popup.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(popup.input, "second line")
    assert popup.input.text() == "draft\nsecond line" and popup.current is None  # not asked
    tall = popup.input.height()
    qtbot.keyClick(popup.input, Qt.Key.Key_Escape)  # 2: clears
    assert popup.isVisible() and popup.input.text() == ""
    assert popup.input.height() < tall  # the box shrinks back to one line
    qtbot.keyClick(popup.input, Qt.Key.Key_Escape)  # 3: hides
    assert not popup.isVisible()


def test_the_popup_grows_with_the_answer_up_to_a_maximum_and_shows_the_new_question(
    qtbot, ctx, qloop
):
    bridge, popup = make_popup(qtbot, ctx, LongSkill)
    popup.show_centered()
    qtbot.waitUntil(lambda: popup.height() <= 300, timeout=2000)
    start = popup.height()
    top = popup.y()
    ask(qtbot, popup, bridge, "tides")
    qtbot.waitUntil(lambda: popup.height() == popup.max_height, timeout=3000)
    assert popup.height() > start and popup.y() == top  # grew downwards, capped
    for q in ("moons", "orbits"):
        ask(qtbot, popup, bridge, q)
    newest = popup.cards[max(popup.cards)]

    def question_in_view():
        pos = newest.mapTo(popup.feed_scroll.viewport(), newest.rect().topLeft())
        return 0 <= pos.y() < popup.feed_scroll.viewport().height() - 20

    qtbot.waitUntil(question_in_view, timeout=3000)


def dark_palette() -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, c in ((role.Window, "#202124"), (role.WindowText, "#e8eaed"), (role.Base, "#2b2c30"),
                 (role.Text, "#e8eaed"), (role.Button, "#303134"), (role.ButtonText, "#e8eaed"),
                 (role.Highlight, "#8ab4f8"), (role.Mid, "#5f6368")):  # fmt: skip
        p.setColor(r, QColor(c))
    return p


@pytest.fixture
def dark(qapp):
    old = QPalette(qapp.palette())
    qapp.setPalette(dark_palette())
    yield
    qapp.setPalette(old)


def test_a_dark_system_palette_gives_dark_cards_inputs_and_code(qtbot, ctx, qloop, dark):
    bridge, popup = make_popup(qtbot, ctx, StreamSkill)
    popup.show_centered()
    ask(qtbot, popup, bridge, "write a prime check")
    card = popup.cards[max(popup.cards)]
    qtbot.wait(50)
    img = card.grab().toImage()
    assert img.pixelColor(img.width() // 2, 3).lightness() < 80  # the card: dark
    body = card.body.grab().toImage()
    assert body.pixelColor(body.width() - 3, 3).lightness() < 80  # the answer area: dark
    field = popup.input.grab().toImage()
    assert field.pixelColor(field.width() // 2, field.height() // 2).lightness() < 80
    assert "#1e2127" in card.body.document().toHtml()  # the code block's dark background
    assert "#2b2c30" in popup.styleSheet() and "#ffffff" not in popup.styleSheet()


@pytest.fixture
def app_ctl(qtbot, ctx, qloop):
    tray = Tray(QIcon(str(ICON)))
    ctl = CouncilApp(
        tray, factory=council_with(StreamSkill, ctx), hotkey=SignalHotkey(), warm=False
    )
    qtbot.addWidget(ctl.popup)
    ctl.start()
    yield ctl
    for w in ctl.windows.values():
        w.close()


def test_dialogs_open_above_the_popup_and_it_hides_only_for_other_apps(qtbot, app_ctl):
    popup = app_ctl.popup
    popup.show_centered()
    app_ctl.do_settings()
    settings = app_ctl.windows["settings"]
    assert settings.isWindow() and settings.parentWidget() is popup  # kept above it
    settings.activateWindow()
    qtbot.waitUntil(settings.isActiveWindow, timeout=2000)
    popup._maybe_hide_on_focus_loss()
    assert popup.isVisible()  # a dialog of ours has the focus: stay
    settings.close()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is None, timeout=2000)
    popup._maybe_hide_on_focus_loss()
    assert not popup.isVisible()  # the user went to another application: hide
    popup.show_centered()
    dlg = QDialog(popup.dialog_parent())
    assert dlg.parentWidget() is popup
    popup.hide()
    assert popup.dialog_parent() is None
    assert not (popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint)


def test_undo_button_reverses_the_file_plan_and_tray_undo_says_when_nothing_is_left(
    qtbot, ctx, qloop, tmp_path, monkeypatch
):
    from council_core.approval import approve_all
    from council_core.settings import GrantedFolder
    from council_core.skills.files import FilesSkill

    home = tmp_path / "home"
    (home / "proj").mkdir(parents=True)
    (home / "proj" / "a.tmp").write_text("a")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    ctx.settings.files.granted = [GrantedFolder(path=str(home / "proj"), mode="rw")]
    tray = Tray(QIcon(str(ICON)))
    ctl = CouncilApp(tray, factory=council_with(FilesSkill, ctx), hotkey=SignalHotkey(),
                     warm=False)  # fmt: skip
    qtbot.addWidget(ctl.popup)
    ctl.start()
    ctx.approval.approver = approve_all
    popup = ctl.popup
    popup.show_centered()
    result = ask(qtbot, popup, ctl.bridge, "delete the .tmp files in proj")
    assert result.undo_plan is not None and not (home / "proj" / "a.tmp").exists()
    card = popup.cards[max(popup.cards)]
    assert card.undo_btn.isVisibleTo(card) and "council undo" not in card.meta.text()
    card.undo_btn.click()
    qtbot.waitUntil(lambda: (home / "proj" / "a.tmp").exists(), timeout=5000)
    qtbot.waitUntil(lambda: card.undo_btn.text() == "Undone", timeout=3000)
    assert "1 operation(s) reversed" in card.meta.text()
    ctl.tray.actions["undo"].trigger()  # nothing left to undo: said, not crashed
    qtbot.waitUntil(lambda: "nothing to undo" in getattr(tray, "last_message", ("", ""))[1],
                    timeout=3000)  # fmt: skip


class SlowLoad:
    """A model manager whose model takes a moment to load (the real LLMManager's status())."""

    def __init__(self):
        self.loaded = False
        self.loading = False

    def status(self):
        return {"name": "qwen2.5-coder-1.5b-instruct-q4_k_m", "loaded": self.loaded,
                "loading": self.loading, "down": None, "paid": False,
                "model": "/root/.cache/council/models/qwen.gguf"}  # fmt: skip

    async def backend(self, purpose="general", wait_s=None):
        self.loading = True
        await asyncio.sleep(0.4)
        self.loading, self.loaded = False, True
        return self


def test_status_says_loading_with_the_model_name_until_it_is_loaded(qtbot, ctx, qloop):
    ctx.provide("llm", SlowLoad())
    tray = Tray(QIcon(str(ICON)))
    ctl = CouncilApp(tray, factory=council_with(StreamSkill, ctx), hotkey=SignalHotkey(),
                     warm=True)  # fmt: skip
    qtbot.addWidget(ctl.popup)
    seen: list[str] = []
    ctl.bridge.status_changed.connect(seen.append)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.bridge.status.startswith("ready ·"), timeout=5000)
    assert "loading qwen2.5-coder-1.5b-instruct-q4_k_m…" in seen
    assert ctl.bridge.status == "ready · qwen2.5-coder-1.5b-instruct-q4_k_m"
    assert seen[0] == "starting skills…"
    assert not any(s.startswith("ready") for s in seen[:-1])  # no "ready" before it is
    assert all("/" not in s for s in seen)  # never a file path
    ctl.refresh_status()
    assert "qwen2.5-coder-1.5b-instruct-q4_k_m" in tray.tooltip
    assert ctl.popup.status.text() == ctl.bridge.status


def test_hotkey_recorder_refuses_unknown_keys_and_a_failed_grab_keeps_the_old_one(
    qtbot, app_ctl, ctx
):
    from app.settings_dialog import SettingsDialog

    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    rec = dlg.editors["hotkey"]["sequence"].widget
    rec.setText("Ctrl+Alt+Blah")
    assert rec.problem() is not None
    assert dlg.collect() is None and "hotkey" in dlg.message.text().lower()
    rec.setText("Ctrl+Alt+K")
    assert rec.problem() is None and dlg.collect() is not None

    class Refusing(SignalHotkey):
        def start(self, sequence):
            from app.hotkey import HotkeyStatus

            ok = sequence != "Ctrl+Alt+K"
            self.status = HotkeyStatus(ok, "test", sequence, "ok" if ok else "taken by another app")
            return self.status

    app_ctl.hotkey = Refusing()
    app_ctl.grab_hotkey("Ctrl+Alt+Space")
    new = ctx.settings.model_copy(
        update={"hotkey": ctx.settings.hotkey.model_copy(update={"sequence": "Ctrl+Alt+K"})}
    )
    app_ctl.bridge.apply_settings(new)
    assert app_ctl.hotkey_status.ok and app_ctl.hotkey_status.sequence == "Ctrl+Alt+Space"
    assert ctx.settings.hotkey.sequence == "Ctrl+Alt+Space"  # the file keeps the working one
    assert "keeps Ctrl+Alt+Space" in app_ctl.tray.last_message[1]


def test_toggle_message_from_a_second_launch_shows_and_hides(qtbot, app_ctl):
    from app.single_instance import SingleInstance

    server = SingleInstance(f"council-test-toggle-{id(app_ctl)}")
    assert server.listen()
    server.message.connect(app_ctl.handle_instance_message)
    popup = app_ctl.popup
    with qtbot.waitSignal(popup.first_paint, timeout=3000):
        assert SingleInstance(server.name).notify_running("toggle")
    assert popup.isVisible()
    popup.activateWindow()
    qtbot.waitUntil(popup.isActiveWindow, timeout=2000)
    with qtbot.waitSignal(server.message, timeout=3000):
        SingleInstance(server.name).notify_running("toggle")
    assert not popup.isVisible()
    server.server.close()


def test_no_tray_shows_the_popup_and_says_so(qtbot, app_ctl):
    app_ctl.no_tray()
    popup = app_ctl.popup
    assert popup.isVisible() and not popup.hide_on_focus_loss
    notes = [w.text() for w in popup.feed.findChildren(type(popup.add_notice("x")), "notice")]
    assert any("No system tray" in t and "council-app --toggle" in t for t in notes)
    assert QApplication.instance() is not None


def test_memory_browser_lists_everything_on_open_with_locale_dates(qtbot, app_ctl, ctx):
    from memory.service import build

    mem = build(ctx)  # the real conversation memory on this test's COUNCIL_HOME
    ctx.provide("memory", mem)
    for i in range(4):
        mem.add_turn("s1", f"My cat number {i} is called Miso{i}", f"Noted: Miso{i}.")
    app_ctl.tray.actions["memory"].trigger()
    browser = app_ctl.windows["memory"].memories
    qtbot.waitUntil(lambda: browser.list.count() == 4, timeout=10000)  # no search typed
    assert browser.note.text() == "4 in all"
    label = browser.list.item(0).text()
    assert label.startswith("today ") and "My cat number" in label
    browser.list.setCurrentRow(0)
    view = browser.view.toPlainText()
    assert "You: My cat number" in view and "Council: Noted" in view
    assert not re.search(r"\b1[0-9]{9}\b", view + label)  # no Unix timestamp
    assert "turn_id:" not in view and "created:" not in view  # no field dump
    assert browser.export_btn.isVisible()


def test_selected_text_goes_into_the_question_when_asked(qtbot, ctx, qloop):
    from PySide6.QtGui import QGuiApplication

    bridge, popup = make_popup(qtbot, ctx, StreamSkill)
    popup.show_centered()
    QGuiApplication.clipboard().setText("Bonjour tout le monde")
    popup.selection_btn.setChecked(True)
    result = ask(qtbot, popup, bridge, "translate this")
    assert result.prompt.startswith("translate this") and "Bonjour tout le monde" in result.prompt
    card = popup.cards[max(popup.cards)]
    shown = card.findChild(type(popup.status), "question").text()
    assert shown == "translate this  (with 21 characters of selected text)"
    QGuiApplication.clipboard().clear()
    popup.input.setText("explain this")
    popup.submit()  # nothing selected: said, nothing asked
    assert popup.current is None and popup.input.text() == "explain this"
