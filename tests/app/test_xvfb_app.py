"""The real app on a real X server: Xvfb, trayer as the tray host, the hotkey sent with
xdotool, a question typed, a screenshot saved (COUNCIL_SCREENSHOT_DIR keeps a copy)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

TOOLS = ("Xvfb", "trayer", "xdotool", "import")
missing = [t for t in TOOLS if shutil.which(t) is None]
REPO = Path(__file__).resolve().parents[2]
KEEP = os.environ.get("COUNCIL_SCREENSHOT_DIR")  # read before the autouse fixture clears COUNCIL_*


def _wait_for(trace: Path, event: str, timeout: float) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if trace.exists():
            for line in trace.read_text().splitlines():
                ev = json.loads(line)
                if ev["event"] == event:
                    return ev
        time.sleep(0.02)
    raise AssertionError(f"no {event!r} in {trace.read_text() if trace.exists() else '(no trace)'}")


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.mark.skipif(
    bool(missing),
    reason=f"needs {', '.join(missing)} (apt-get install xvfb trayer xdotool imagemagick)",
)
def test_real_app_under_xvfb(tmp_path, council_home, qapp, monkeypatch):
    n = _free_display()
    env = dict(os.environ, DISPLAY=f":{n}", COUNCIL_APP_TRACE=str(tmp_path / "trace.jsonl"),
               PYTHONPATH=f"{REPO}{os.pathsep}{REPO / 'tests' / 'app'}")  # fmt: skip
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    trace = tmp_path / "trace.jsonl"
    procs = []
    try:
        procs.append(subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.02)
        procs.append(subprocess.Popen(["trayer", "--edge", "top", "--align", "right", "--height", "28",
                                       "--widthtype", "request", "--transparent", "false", "--tint", "0x2b2f3a"],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))  # fmt: skip
        time.sleep(0.3)
        log = tmp_path / "app.log"
        with open(log, "wb") as out:
            app = subprocess.Popen([sys.executable, str(REPO / "tests" / "app" / "run_app.py")], env=env,
                                   cwd=REPO, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        procs.append(app)
        shown = _wait_for(trace, "tray_visible", 15)
        assert shown["ms_since_start"] < 1000
        hk = _wait_for(trace, "hotkey", 15)
        assert hk["ok"], hk
        subprocess.run(["xdotool", "key", "ctrl+alt+space"], env=env, check=True)
        painted = _wait_for(trace, "popup_painted", 5)
        assert painted["ms_from_key"] is not None and painted["ms_from_key"] < 50
        # A second launch hands over to the first and exits.
        second = subprocess.run([sys.executable, "-m", "app.main"], env=env, cwd=REPO,
                                capture_output=True, text=True, timeout=20)  # fmt: skip
        assert second.returncode == 0 and "already running" in second.stderr
        subprocess.run(
            ["xdotool", "type", "--delay", "5", "How do I check if a number is prime?"],
            env=env,
            check=True,
        )
        subprocess.run(["xdotool", "key", "Return"], env=env, check=True)
        time.sleep(2.0)  # the test skill streams ~40 chunks, 20 ms apart
        shot = tmp_path / "council-xvfb.png"
        subprocess.run(["import", "-window", "root", str(shot)], env=env, check=True, timeout=20)
        assert shot.stat().st_size > 10_000
        if KEEP:
            Path(KEEP).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(KEEP) / shot.name)
        assert app.poll() is None, log.read_text()
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
