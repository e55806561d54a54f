"""Settings round-trip, approval accept/decline, API keys in a keyring, autostart."""

from __future__ import annotations

import pytest
from gui_helpers import PaidSkill, council_with
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from app.approval_dialog import ApprovalDialog
from app.autostart import autostart_file, set_autostart
from app.bridge import CouncilBridge
from app.settings_dialog import SettingsDialog
from council_core.approval import ApprovalRequest, Choice
from council_core.settings import load_settings

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]


def test_settings_round_trip(qtbot, bridge, ctx):
    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    dlg.applied.connect(bridge.apply_settings)
    ed = dlg.editors
    ed["budget"]["daily_usd"].widget.setValue(2.5)
    ed["hotkey"]["sequence"].widget.setText("Ctrl+Alt+K")
    ed["llm"]["model_tier"].widget.setCurrentText("smollm2-135m")
    ed["cloud"]["paused"].widget.setChecked(True)
    ed["knowledge"]["folders"].widget.set_value(["/data/notes"])
    ed["sandbox"]["granted"].widget.set_value([{"path": "/srv/x", "mode": "rw"}])
    with qtbot.waitSignal(bridge.settings_changed, timeout=1000):
        assert dlg.apply()
    on_disk = load_settings(ctx.paths)
    assert on_disk.budget.daily_usd == 2.5
    assert on_disk.hotkey.sequence == "Ctrl+Alt+K"
    assert on_disk.llm.model_tier == "smollm2-135m"
    assert on_disk.cloud.paused is True
    assert on_disk.knowledge.folders == ["/data/notes"]
    assert on_disk.sandbox.granted[0].mode == "rw"
    assert ctx.settings == on_disk  # applied without a restart
    again = SettingsDialog(on_disk)  # and shown again as saved
    qtbot.addWidget(again)
    assert again.editors["budget"]["daily_usd"].widget.value() == 2.5
    assert again.editors["sandbox"]["granted"].widget.value() == [{"path": "/srv/x", "mode": "rw"}]


def test_settings_editors_follow_the_model(qtbot, ctx):
    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    spin = dlg.editors["router"]["min_score"].widget
    assert (spin.minimum(), spin.maximum()) == (0, 1)  # from ge=0, le=1
    assert dlg.editors["llm"]["backend"].widget.count() == 3  # a Literal: a combo box
    assert dlg.editors["hotkey"]["enabled"].kind == "bool"
    assert dlg.editors["hotkey"]["sequence"].widget.toolTip().startswith("Shows or hides")
    tabs = [dlg.tabs.tabText(i).replace("&&", "&") for i in range(dlg.tabs.count())]
    assert tabs == ["General", "Models", "Cloud & budget", "Privacy & folders", "Advanced"]


def test_invalid_settings_show_messages_and_are_not_saved(qtbot, ctx):
    dlg = SettingsDialog(ctx.settings)
    qtbot.addWidget(dlg)
    got = []
    dlg.applied.connect(got.append)
    dlg.editors["llm"]["endpoints"].widget.set_value([{"name": "local"}])  # no URL, no model
    assert not dlg.apply()
    assert got == []
    assert "Endpoints" in dlg.message.text() and "Field required" in dlg.message.text()
    assert not dlg.errors["llm"]["endpoints"].isHidden()
    assert not ctx.paths.settings_file.exists()


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory (no Secret Service in CI)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


def test_api_keys_go_to_the_keyring_masked(qtbot, ctx):
    import keyring

    old = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    try:
        dlg = SettingsDialog(ctx.settings)
        qtbot.addWidget(dlg)
        assert dlg.key_edit.echoMode() == dlg.key_edit.EchoMode.Password
        dlg.provider.setCurrentText("openai")
        dlg.key_edit.setText("sk-test-1234567890abcd")
        dlg.store_key()
        assert kr.store[("council", "openai")] == "sk-test-1234567890abcd"
        assert "abcd" in dlg.key_state.text() and "1234567890" not in dlg.key_state.text()
        dlg.delete_key()
        assert ("council", "openai") not in kr.store
        assert "No key stored" in dlg.key_state.text()
    finally:
        keyring.set_keyring(old)


def _request(cost=0.002):
    return ApprovalRequest(kind="cloud", title="Ask provider x", why="the local model was unsure",
                           details="exact prompt text", cost_usd=cost, remaining_budget_usd=0.75,
                           scope="x")  # fmt: skip


def test_approval_dialog_shows_what_why_cost_budget_details(qtbot):
    dlg = ApprovalDialog(1, _request())
    qtbot.addWidget(dlg)
    texts = " ".join(w.text() for w in dlg.findChildren(type(dlg.what)))
    assert "Ask provider x" in texts and "unsure" in texts
    assert "$0.0020" in texts and "$0.7500" in texts
    assert dlg.details.toPlainText() == "exact prompt text"
    assert dlg.decline_btn.isDefault()


@pytest.mark.parametrize(
    ("button", "choice"),
    [
        ("once_btn", Choice.APPROVE_ONCE),
        ("always_btn", Choice.APPROVE_ALWAYS),
        ("decline_btn", Choice.DECLINE),
    ],
)
def test_approval_buttons_decide(qtbot, button, choice):
    dlg = ApprovalDialog(5, _request())
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.decided, timeout=1000) as blk:
        qtbot.mouseClick(getattr(dlg, button), Qt.MouseButton.LeftButton)
    assert blk.args[0] == 5 and blk.args[1].choice is choice
    if choice is Choice.APPROVE_ALWAYS:
        assert blk.args[1].limit_usd == pytest.approx(0.01)


def test_closing_the_approval_dialog_declines(qtbot):
    dlg = ApprovalDialog(2, _request())
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.decided, timeout=1000) as blk:
        dlg.reject()
    assert blk.args[1].choice is Choice.DECLINE


def test_approval_dialog_end_to_end_always_is_remembered(qtbot, ctx, qloop):
    b = CouncilBridge(council_with(PaidSkill, ctx))
    b.start(warm=False)
    shown = []

    def answer(req_id, req):
        dlg = ApprovalDialog(req_id, req)
        qtbot.addWidget(dlg)
        dlg.decided.connect(b.resolve_approval)
        shown.append(dlg)
        dlg.always_btn.click()

    b.approval_needed.connect(answer)
    for _ in range(2):
        with qtbot.waitSignal(b.answer_done, timeout=5000) as blk:
            b.ask("expensive")
        assert blk.args[1].answer == "paid answer"
    assert len(shown) == 1  # the second request was under the standing limit


def test_autostart_entry_written_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    f = set_autostart(True)
    assert f == autostart_file() == tmp_path / "cfg" / "autostart" / "council.desktop"
    text = f.read_text()
    assert "[Desktop Entry]" in text and "Icon=council" in text
    assert "council-app" in text or "app.main" in text
    set_autostart(False)
    assert not f.exists()
