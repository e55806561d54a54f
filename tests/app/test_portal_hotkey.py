"""The Wayland hotkey path: xdg-desktop-portal GlobalShortcuts on a real D-Bus session bus.

Each test starts its own bus with ``dbus-run-session`` and, on it, the test portal of
tests/helpers/portal_server.py (or nothing, for a desktop without the portal); the app's
``PortalHotkey`` finds the bus through ``DBUS_SESSION_BUS_ADDRESS`` as it does on a desktop.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.hotkey import PortalHotkey, portal_trigger

pytest.importorskip("jeepney", reason="jeepney is not installed (pip install 'council[gui]')")
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support"),  # offscreen
    pytest.mark.skipif(
        shutil.which("dbus-run-session") is None,
        reason="dbus-run-session is missing (apt install dbus: installer/apt-packages.txt)",
    ),
]

SERVER = Path(__file__).resolve().parents[1] / "helpers" / "portal_server.py"


class PortalBus:
    """A private session bus with (or without) the test portal on it."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", sys.executable, str(SERVER), *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None
        first = json.loads(self.proc.stdout.readline())
        self.address = first["address"]
        assert json.loads(self.proc.stdout.readline())["event"] == "ready"
        self.events: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.append(json.loads(line))

    def named(self, event: str) -> list[dict]:
        return [e for e in self.events if e["event"] == event]

    def send(self, **cmd: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.send(do="quit")
            self.proc.stdin.close()  # type: ignore[union-attr]
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        self.proc.stdout.close()  # type: ignore[union-attr]


@pytest.fixture
def portal_bus(request, monkeypatch):
    bus = PortalBus(*getattr(request, "param", ()))
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    yield bus
    bus.close()


@pytest.fixture
def hotkey(qtbot, portal_bus):
    hk = PortalHotkey()
    yield hk
    hk.stop()


def test_trigger_follows_the_xdg_shortcuts_spec():
    assert portal_trigger("Ctrl+Alt+Space") == "CTRL+ALT+space"
    assert portal_trigger("Shift+Super+K") == "SHIFT+LOGO+k"
    assert portal_trigger("Ctrl+F5") == "CTRL+F5"


@pytest.mark.parametrize("portal_bus", [("--no-portal",)], indirect=True)
def test_no_portal_on_the_bus_fails_at_once_with_the_fix(hotkey):
    st = hotkey.start("Ctrl+Alt+Space")
    assert not st.ok and not st.pending and st.backend == "portal"
    assert "no xdg-desktop-portal GlobalShortcuts" in st.detail
    assert "org.freedesktop.portal.Desktop" in st.detail  # the bus's own error, not a guess
    assert "council-app --toggle" in st.fix


def test_no_session_bus_at_all_fails_with_the_fix(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    st = PortalHotkey().start("Ctrl+Alt+Space")
    assert not st.ok and "no D-Bus session bus" in st.detail
    assert "council-app --toggle" in st.fix


def test_session_created_shortcut_bound_and_activated_shows_the_popup(qtbot, hotkey, portal_bus):
    settled = []
    hotkey.status_changed.connect(settled.append)
    st = hotkey.start("Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: hotkey.status.ok, timeout=5000)
    assert st.ok or st.pending
    # the test portal's own record of each call arrives on another pipe, maybe after the reply
    qtbot.waitUntil(lambda: bool(portal_bus.named("BindShortcuts")), timeout=5000)
    created = portal_bus.named("CreateSession")
    assert len(created) == 1
    token = created[0]["options"]["handle_token"]
    # The request object lives where the spec says, so the Response reaches us.
    assert created[0]["request"].endswith("/" + token)
    bound = portal_bus.named("BindShortcuts")
    assert len(bound) == 1 and not portal_bus.named("bad_call")
    assert bound[0]["session"] == created[0]["session"]
    assert bound[0]["shortcuts"] == [
        ["show-council", {"description": "Show or hide Council",
                          "preferred_trigger": "CTRL+ALT+space"}],
    ]  # fmt: skip
    assert "desktop portal: CTRL+ALT+space" in hotkey.status.detail
    assert settled and settled[-1].ok

    with qtbot.waitSignal(hotkey.activated, timeout=5000):
        portal_bus.send(do="activate", id="show-council")

    hotkey.stop()  # closes the portal session
    qtbot.waitUntil(lambda: bool(portal_bus.named("CloseSession")), timeout=5000)


@pytest.mark.parametrize("portal_bus", [("--refuse",)], indirect=True)
def test_a_declined_binding_is_reported_with_the_fix(qtbot, hotkey, portal_bus):
    settled = []
    hotkey.status_changed.connect(settled.append)
    hotkey.start("Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: bool(settled), timeout=5000)
    assert not settled[-1].ok and not settled[-1].pending
    assert "declined" in settled[-1].detail and "council-app --toggle" in settled[-1].fix


def test_controller_shows_the_portal_hotkey_and_the_key_opens_the_popup(
    qtbot, ctx, qloop, portal_bus
):
    ctl = _controller(qtbot, ctx, PortalHotkey())
    qtbot.waitUntil(lambda: ctl.hotkey_status is not None and ctl.hotkey_status.ok, timeout=8000)
    assert "hotkey Ctrl+Alt+Space" in ctl.tray.tooltip
    saved = json.loads((ctx.paths.data_dir / "hotkey_status.json").read_text())
    assert saved["ok"] and saved["backend"] == "portal"
    with qtbot.waitSignal(ctl.popup.first_paint, timeout=5000):
        portal_bus.send(do="activate", id="show-council")
    assert ctl.popup.isVisible()
    ctl.hotkey.stop()


@pytest.mark.parametrize("portal_bus", [("--no-portal",)], indirect=True)
def test_first_run_hint_when_no_hotkey_works(qtbot, ctx, qloop, portal_bus):
    ctl = _controller(qtbot, ctx, PortalHotkey())
    qtbot.waitUntil(lambda: ctl.hotkey_status is not None, timeout=8000)
    assert not ctl.hotkey_status.ok and "hotkey off" in ctl.tray.tooltip
    title, text = ctl.tray.last_message
    assert title == "Global hotkey unavailable" and "council-app --toggle" in text
    notes = _notices(ctl.popup)
    assert sum("No global hotkey yet" in n and "council-app --toggle" in n for n in notes) == 1
    saved = json.loads((ctx.paths.data_dir / "hotkey_status.json").read_text())
    assert not saved["ok"] and "council-app --toggle" in saved["fix"]  # `council doctor` says it

    ctl.grab_hotkey("Ctrl+Alt+Space")  # the next start: the notification, not a second notice
    assert ctl.tray.last_message[0] == "Global hotkey unavailable"
    assert sum("No global hotkey yet" in n for n in _notices(ctl.popup)) == 1


def _controller(qtbot, ctx, hotkey):
    from gui_helpers import StreamSkill, council_with
    from PySide6.QtGui import QIcon

    from app.controller import CouncilApp
    from app.main import ICON
    from app.tray import Tray

    ctl = CouncilApp(Tray(QIcon(str(ICON))), factory=council_with(StreamSkill, ctx),
                     hotkey=hotkey, warm=False)  # fmt: skip
    qtbot.addWidget(ctl.popup)
    ctl.start()
    return ctl


def _notices(popup) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [w.text() for w in popup.feed.findChildren(QLabel, "notice")]
