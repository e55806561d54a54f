"""`council doctor` reports what the app found when it grabbed the hotkey."""

from __future__ import annotations

import pytest

from app.hotkey import HotkeyStatus, parse_sequence
from council_core.doctor import run_checks

pytestmark = pytest.mark.gui


def test_doctor_reports_a_hotkey_conflict(ctx):
    HotkeyStatus(False, "x11", "Ctrl+Alt+Space", "Ctrl+Alt+Space is already taken by another application",
                 "choose another hotkey in Settings").save(ctx.paths.data_dir)  # fmt: skip
    line = next(s for s in run_checks() if s.name == "global hotkey")
    assert not line.ok and "already taken" in line.detail and "Settings" in line.fix


def test_parse_sequence():
    assert parse_sequence("Ctrl+Alt+Space") == (["ControlMask", "Mod1Mask"], "space")
    assert parse_sequence("Super+K") == (["Mod4Mask"], "k")
    with pytest.raises(ValueError, match="unknown modifier"):
        parse_sequence("Hyper+K")
