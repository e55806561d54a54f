"""Wires the tray, the hotkey, the popup and the dialogs to the bridge. Built after the tray is
visible; it owns no logic of its own beyond "which window answers which signal"."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFileDialog

from council_core.base.logs import get_logger, setup_logging
from council_core.user_data import export_memory, forget_everything

from .approval_dialog import ApprovalDialog
from .autostart import set_autostart
from .bridge import CouncilBridge, CouncilFactory
from .chat_popup import ChatPopup
from .hotkey import GlobalHotkey, HotkeyStatus, make_hotkey
from .tray import Tray

log = get_logger("app")


class Trace:
    """JSON lines of timed events for the benchmark and the Xvfb test (COUNCIL_APP_TRACE)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path if path is not None else os.environ.get("COUNCIL_APP_TRACE")

    def __call__(self, event: str, **fields: Any) -> None:
        if not self.path:
            return
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"event": event, "wall": time.time(), **fields}) + "\n")


class CouncilApp(QObject):
    quit_requested = Signal()

    def __init__(
        self,
        tray: Tray,
        factory: CouncilFactory | None = None,
        hotkey: GlobalHotkey | None = None,
        trace: Trace | None = None,
        warm: bool = True,
    ) -> None:
        super().__init__()
        self.tray = tray
        self.trace = trace or Trace()
        self.bridge = CouncilBridge(factory, self)
        self.hotkey = hotkey if hotkey is not None else make_hotkey(self)
        self.hotkey_status: HotkeyStatus | None = None
        self.popup = ChatPopup(self.bridge)
        self.windows: dict[str, Any] = {}
        self.dialogs: list[ApprovalDialog] = []
        self._key_at: float | None = None
        self._warm = warm
        # File choosers are attributes so tests can answer them without a modal dialog.
        self.choose_files: Callable[[], list[str]] = lambda: QFileDialog.getOpenFileNames(
            None, "Add files to Council's knowledge"
        )[0]
        self.choose_folder: Callable[[], str] = lambda: QFileDialog.getExistingDirectory(
            None, "Add a folder to Council's knowledge"
        )
        self.choose_export: Callable[[], str] = lambda: QFileDialog.getSaveFileName(
            None, "Export memory", "council-memory.jsonl"
        )[0]

        tray.triggered.connect(self.handle)
        self.hotkey.activated.connect(self._on_hotkey)
        self.popup.first_paint.connect(self._on_painted)
        self.popup.files_dropped.connect(self.popup.ingest)
        b = self.bridge
        b.status_changed.connect(lambda _s: self.refresh_status())
        b.approval_needed.connect(self.ask_approval)
        b.settings_changed.connect(self._settings_changed)
        b.failed.connect(self._failed)
        b.ready.connect(self._ready)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(5000)
        self.status_timer.timeout.connect(self.refresh_status)

    # ----- start -----

    def start(self) -> None:
        self.bridge.start(warm=self._warm)
        self.status_timer.start()
        QTimer.singleShot(200, _warm_renderer)

    def _ready(self) -> None:
        s = self.bridge.ctx.settings
        setup_logging(self.bridge.ctx.paths.log_dir)
        self.tray.set_cloud_paused(s.cloud.paused)
        self.popup.show_skill_and_latency = s.app.show_skill_and_latency
        self.grab_hotkey(s.hotkey.sequence if s.hotkey.enabled else "")
        self.trace("ready")

    def grab_hotkey(self, sequence: str) -> None:
        self.hotkey.stop()
        if not sequence:
            st = HotkeyStatus(False, "none", "", "global hotkey disabled in Settings", None)
        else:
            st = self.hotkey.start(sequence)
        self.hotkey_status = st
        if self.bridge.council is not None:
            st.save(self.bridge.ctx.paths.data_dir)
        self.trace("hotkey", ok=st.ok, detail=st.detail)
        if sequence and not st.ok:
            self.tray.notify(
                "Global hotkey unavailable", f"{st.detail}. {st.fix or ''}", warning=True
            )
        self.refresh_status()

    # ----- tray menu -----

    def handle(self, name: str) -> None:
        getattr(self, "do_" + name)()

    def do_open_chat(self) -> None:
        self.popup.show_centered()

    def do_add_files(self) -> None:
        paths = list(self.choose_files() or [])
        if paths:
            self.popup.show_centered()
            self.popup.ingest(paths)

    def do_add_folder(self) -> None:
        path = self.choose_folder()
        if path:
            self.popup.show_centered()
            self.popup.ingest([path])

    def _window(self, name: str, build: Any) -> Any:
        w = self.windows.get(name)
        if w is None:
            w = self.windows[name] = build()
        w.show()
        w.raise_()
        w.activateWindow()
        return w

    def do_settings(self) -> None:
        if self.bridge.council is None:
            self.tray.notify("Council", "Still starting; try again in a moment")
            return
        from .settings_dialog import SettingsDialog

        old = self.windows.pop("settings", None)
        if old is not None:
            old.close()
        w = self._window("settings", lambda: SettingsDialog(self.bridge.ctx.settings))
        w.applied.connect(self.bridge.apply_settings)
        w.forget_memory.connect(self.forget_memory)
        w.export_memory.connect(self.export_memory)

    def do_metrics(self) -> None:
        from .metrics_panel import MetricsPanel

        self._window("metrics", lambda: MetricsPanel(self.bridge))

    def do_memory(self) -> None:
        from .memory_browser import MemoryBrowser

        self._window("memory", lambda: MemoryBrowser(self.bridge))

    def do_toggle_cloud(self) -> None:
        if self.bridge.council is not None:
            self.bridge.set_cloud_paused(not self.bridge.ctx.settings.cloud.paused)

    def do_quit(self) -> None:
        self.quit_requested.emit()

    # ----- memory actions from Settings -----

    def forget_memory(self) -> None:
        self.bridge.call(forget_everything)
        self.tray.notify("Council", "Forgetting every remembered conversation…")

    def export_memory(self) -> None:
        path = self.choose_export()
        if path:
            self.bridge.call(lambda ctx: export_memory(ctx, path))

    # ----- signals -----

    def _on_hotkey(self, t: float) -> None:
        self._key_at = t
        self.trace("hotkey_event")
        self.popup.toggle()

    def _on_painted(self, t: float) -> None:
        ms = (t - self._key_at) * 1000 if self._key_at is not None else None
        self._key_at = None
        self.trace("popup_painted", ms_from_key=ms)

    def ask_approval(self, req_id: int, req: Any) -> None:
        dlg = ApprovalDialog(req_id, req)
        dlg.decided.connect(self.bridge.resolve_approval)
        dlg.finished.connect(
            lambda _r, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None
        )
        self.dialogs.append(dlg)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()

    def _settings_changed(self, s: Any) -> None:
        self.tray.set_cloud_paused(s.cloud.paused)
        self.popup.show_skill_and_latency = s.app.show_skill_and_latency
        wanted = s.hotkey.sequence if s.hotkey.enabled else ""
        if (
            self.hotkey_status is None
            or wanted != self.hotkey_status.sequence
            or not self.hotkey_status.ok
        ):
            self.grab_hotkey(wanted)
        try:
            set_autostart(s.app.autostart)
        except OSError as exc:
            self.tray.notify("Council", f"Cannot change autostart: {exc}", warning=True)
        self.refresh_status()

    def _failed(self, ask_id: int, message: str) -> None:
        if ask_id == 0:
            self.tray.notify("Council", message, warning=True)

    def refresh_status(self) -> None:
        parts = [self.bridge.status]
        if self.bridge.council is not None:
            parts.append(_model_state())
            left = _budget_left()
            s = self.bridge.ctx.settings
            if s.cloud.paused:
                parts.append("cloud paused")
            elif left is not None:
                parts.append(f"budget left today ${left:.2f}")
            else:
                parts.append(f"daily budget ${s.budget.daily_usd:.2f}")
        if self.hotkey_status is not None:
            hk = self.hotkey_status
            parts.append(f"hotkey {hk.sequence}" if hk.ok else "hotkey off")
        self.tray.set_status(" · ".join(p for p in parts if p))


def _model_state() -> str:
    from council_core.base import metrics

    loaded = [
        lab.get("backend", "?")
        for lab, v in metrics.snapshot().get("council_model_loaded", [])
        if v > 0
    ]
    return "model loaded: " + ", ".join(loaded) if loaded else "no model loaded"


def _budget_left() -> float | None:
    from council_core.base import metrics

    for lab, v in metrics.snapshot().get("council_budget_remaining_usd", []):
        if lab.get("period") in ("day", "daily"):
            return float(v)
    return None


def _warm_renderer() -> None:
    """Import Pygments and build a lexer before the first answer needs them."""
    try:
        from .render import _lexer

        _lexer("python")
    except Exception as exc:
        log.debug("renderer warm-up: %s", exc)


def quit_app() -> None:
    QApplication.instance().quit()  # type: ignore[union-attr]
