"""Wires the tray, the hotkey, the popup and the dialogs to the bridge. Built after the tray is
visible; it owns no logic of its own beyond "which window answers which signal"."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
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
        # Parented to the popup while it shows, so they open above it.
        self.choose_files: Callable[[], list[str]] = lambda: QFileDialog.getOpenFileNames(
            self.popup.dialog_parent(), "Add files to Council's knowledge"
        )[0]
        self.choose_folder: Callable[[], str] = lambda: QFileDialog.getExistingDirectory(
            self.popup.dialog_parent(), "Add a folder to Council's knowledge"
        )
        self.choose_export: Callable[[], str] = lambda: QFileDialog.getSaveFileName(
            self.popup.dialog_parent(), "Export memory", "council-memory.jsonl"
        )[0]
        self._undo_calls: dict[int, int | None] = {}
        self._mcp_calls: set[int] = set()  # "List tools now" calls from Settings
        self.tray_missing = False  # call id -> plan id (None: the last)

        tray.triggered.connect(self.handle)
        self.hotkey.activated.connect(self._on_hotkey)
        self.hotkey.status_changed.connect(self._hotkey_settled)
        self.popup.first_paint.connect(self._on_painted)
        self.popup.files_dropped.connect(self.popup.ingest)
        self.popup.undo_requested.connect(self.undo)
        b = self.bridge
        b.status_changed.connect(lambda _s: self.refresh_status())
        b.status_changed.connect(lambda s: self.trace("status", text=s))
        b.approval_needed.connect(self.ask_approval)
        b.settings_changed.connect(self._settings_changed)
        b.failed.connect(self._failed)
        b.ready.connect(self._ready)
        b.call_done.connect(self._call_done)
        b.call_failed.connect(self._call_failed)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(5000)
        self.status_timer.timeout.connect(self.refresh_status)

    # ----- start -----

    def start(self) -> None:
        self.bridge.start(warm=self._warm)
        self.status_timer.start()
        QTimer.singleShot(150, self.popup.prewarm)
        QTimer.singleShot(200, _warm_renderer)

    def _ready(self) -> None:
        s = self.bridge.ctx.settings
        setup_logging(self.bridge.ctx.paths.log_dir)
        self.tray.set_cloud_paused(s.cloud.paused)
        self._apply_app_settings(s)
        self.grab_hotkey(s.hotkey.sequence if s.hotkey.enabled else "")
        self.trace("ready")

    def grab_hotkey(self, sequence: str) -> None:
        self.hotkey.stop()
        if not sequence:
            st = HotkeyStatus(False, "none", "", "global hotkey disabled in Settings", None)
        else:
            st = self.hotkey.start(sequence)
        self._hotkey_settled(st)

    def _hotkey_settled(self, st: HotkeyStatus) -> None:
        """A hotkey outcome: at once (X11) or when the desktop portal answers."""
        self.hotkey_status = st
        if self.bridge.council is not None:
            st.save(self.bridge.ctx.paths.data_dir)
        self.trace("hotkey", ok=st.ok, detail=st.detail, pending=st.pending)
        if st.sequence and not st.ok and not st.pending:
            self._hint_no_hotkey(st)
        self.refresh_status()

    def _hint_no_hotkey(self, st: HotkeyStatus) -> None:
        """Neither the X11 grab nor the portal works: say how to open Council anyway, in a
        notification every time and once (per reason) in the popup, where it stays readable."""
        how = st.fix or ""
        if "council-app --toggle" not in how:
            how += (" On any desktop you can bind the command `council-app --toggle` to a key "
                    "in the desktop's own keyboard settings.")  # fmt: skip
        text = f"{st.detail}. {how.strip()}"
        self.tray.notify("Global hotkey unavailable", text, warning=True)
        if self.bridge.council is None:
            return
        flag = self.bridge.ctx.paths.data_dir / "hotkey_hint_shown.txt"
        try:
            if flag.exists() and flag.read_text(encoding="utf-8") == st.detail:
                return
            flag.write_text(st.detail, encoding="utf-8")
        except OSError as exc:
            log.warning("cannot record the hotkey hint: %s", exc)
        self.popup.add_notice("No global hotkey yet. " + text)
        self.trace("hotkey_hint", detail=st.detail)

    # ----- tray menu -----

    def handle(self, name: str) -> None:
        getattr(self, "do_" + name)()

    def do_open_chat(self) -> None:
        self.popup.show_centered()

    def handle_instance_message(self, msg: str) -> None:
        """From a second ``council-app`` launch (the single-instance socket)."""
        self.trace("instance_message", message=msg)
        if msg == "toggle":
            self._key_at = time.perf_counter()
            self.popup.toggle()
        elif msg == "show":
            self.do_open_chat()
        elif msg == "quit":
            self.do_quit()

    def no_tray(self) -> None:
        """No tray host (no StatusNotifier watcher, no XEmbed tray): never run hidden."""
        self.tray_missing = True
        self.popup.hide_on_focus_loss = False
        self.popup.show_centered()
        self.popup.add_notice(
            "No system tray was found on this desktop, so Council runs in this window. "
            "Esc hides it; bring it back with the hotkey or with the command "
            "`council-app --toggle` (bind it to a key in your desktop's shortcut settings)."
        )
        self.trace("no_tray_notice")

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
            # A window (not a child widget) that the window manager keeps above the popup.
            w.setParent(self.popup, Qt.WindowType.Window)
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
        from council_core.mcp.overview import configured_servers

        ctx = self.bridge.ctx
        servers = configured_servers(ctx.settings, ctx.paths.data_dir)  # cached: starts nothing
        w = self._window("settings", lambda: SettingsDialog(ctx.settings, mcp_servers=servers))
        w.applied.connect(self.bridge.apply_settings)
        w.forget_memory.connect(self.forget_memory)
        w.export_memory.connect(self.export_memory)
        w.list_mcp_tools.connect(self.list_mcp_tools)

    def list_mcp_tools(self) -> None:
        """Start the MCP servers on the core's loop and show what they list in Settings."""
        from council_core.mcp.overview import list_now

        self._mcp_calls.add(
            self.bridge.call(
                lambda ctx: list_now(ctx.service("mcp"), ctx.settings, ctx.paths.data_dir)
            )
        )

    def do_metrics(self) -> None:
        from .metrics_panel import MetricsPanel

        self._window("metrics", lambda: MetricsPanel(self.bridge))

    def do_memory(self) -> None:
        from .memory_browser import MemoryBrowser

        w = self._window("memory", lambda: MemoryBrowser(self.bridge))
        if not getattr(w, "_wired", False):
            w.export_requested.connect(self.export_memory)
            w._wired = True

    def do_undo(self) -> None:
        self.undo(None)

    def undo(self, plan_id: int | None) -> None:
        """Reverse a file plan (``None``: the last one) off the GUI thread."""
        if self.bridge.council is None:
            self.tray.notify("Council", "Still starting; try again in a moment")
            return
        self._undo_calls[self.bridge.undo(plan_id)] = plan_id

    def _call_done(self, call_id: int, result: Any) -> None:
        if call_id in self._mcp_calls:
            self._mcp_calls.discard(call_id)
            w = self.windows.get("settings")
            if w is not None:
                w.show_mcp_servers(result)
            return
        if call_id not in self._undo_calls:
            return
        self._undo_calls.pop(call_id)
        pid, restored, problems = result
        msg = f"Undid plan #{pid}: {restored} operation(s) reversed."
        if problems:
            msg += " Not undone: " + "; ".join(problems[:3])
        card = self.popup.card_for_plan(pid)
        if card is not None:
            card.undone(msg)
        else:
            self.tray.notify("Council", msg, warning=bool(problems))
        self.trace("undo", plan=pid, restored=restored)

    def _call_failed(self, call_id: int, message: str) -> None:
        if call_id in self._mcp_calls:
            self._mcp_calls.discard(call_id)
            self.tray.notify("MCP servers", "Could not list the tools: " + message, warning=True)
            w = self.windows.get("settings")
            if w is not None:
                w.show_mcp_servers(w.mcp_servers)
            return
        if call_id not in self._undo_calls:
            return
        plan = self._undo_calls.pop(call_id)
        card = self.popup.card_for_plan(plan) if plan is not None else None
        if card is not None:
            card.undo_failed(message)
        else:
            self.tray.notify("Council", "Nothing undone: " + message, warning=True)

    def do_toggle_cloud(self) -> None:
        if self.bridge.council is not None:
            self.bridge.set_cloud_paused(not self.bridge.ctx.settings.cloud.paused)

    def do_quit(self) -> None:
        self.trace("quit_requested")
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
        dlg = ApprovalDialog(req_id, req, self.popup.dialog_parent())
        dlg.decided.connect(self.bridge.resolve_approval)
        dlg.finished.connect(
            lambda _r, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None
        )
        self.dialogs.append(dlg)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()

    def _apply_app_settings(self, s: Any) -> None:
        self.popup.show_skill_and_latency = s.app.show_skill_and_latency
        # With no tray the popup is the only way in: it does not vanish on focus loss.
        self.popup.hide_on_focus_loss = s.app.hide_on_focus_loss and not self.tray_missing

    def _settings_changed(self, s: Any) -> None:
        self.tray.set_cloud_paused(s.cloud.paused)
        self._apply_app_settings(s)
        wanted = s.hotkey.sequence if s.hotkey.enabled else ""
        old = self.hotkey_status
        if old is None or wanted != old.sequence or not (old.ok or old.pending):
            self.grab_hotkey(wanted)
            new = self.hotkey_status
            if wanted and new is not None and not new.ok and old is not None and old.ok:
                self._keep_old_hotkey(s, old.sequence, new.detail)
        try:
            set_autostart(s.app.autostart)
        except OSError as exc:
            self.tray.notify("Council", f"Cannot change autostart: {exc}", warning=True)
        self.refresh_status()

    def _keep_old_hotkey(self, s: Any, old_sequence: str, why: str) -> None:
        """The new hotkey could not be grabbed: the working one stays, in the file too."""
        self.grab_hotkey(old_sequence)
        kept = s.model_copy(
            update={"hotkey": s.hotkey.model_copy(update={"sequence": old_sequence})}
        )
        self.bridge.apply_settings(kept)
        self.tray.notify(
            "Hotkey not changed",
            f"{why}. Council keeps {old_sequence}; choose another hotkey in Settings.",
            warning=True,
        )
        self.trace("hotkey_kept", sequence=old_sequence, why=why)

    def _failed(self, ask_id: int, message: str) -> None:
        if ask_id == 0:
            self.tray.notify("Council", message, warning=True)

    def refresh_status(self) -> None:
        self.bridge.refresh_model_status()
        parts = [self.bridge.status]
        if self.bridge.council is not None:
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
            if hk.pending:
                parts.append(f"hotkey {hk.sequence} waiting for the desktop")
            else:
                parts.append(f"hotkey {hk.sequence}" if hk.ok else "hotkey off")
        self.tray.set_status(" · ".join(p for p in parts if p))


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
