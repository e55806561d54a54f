"""The global hotkey that shows the chat popup from any application.

X11: ``XGrabKey`` on the root window through python-xlib, with the CapsLock/NumLock variants
grabbed too; the display's socket is watched by a ``QSocketNotifier``, so there is no thread.
A grab another client holds comes back as ``BadAccess`` and is reported as a conflict.

Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface over D-Bus where the desktop has
it (KDE); elsewhere (GNOME 43) the hotkey is reported unavailable and the tray still works.

The outcome is written to ``<data dir>/hotkey_status.json`` for ``council doctor``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import SLOT, QObject, QSocketNotifier, Signal, Slot

from council_core.base.logs import get_logger

log = get_logger("app.hotkey")

_MODS = {"ctrl": "ControlMask", "control": "ControlMask", "shift": "ShiftMask",
         "alt": "Mod1Mask", "meta": "Mod4Mask", "super": "Mod4Mask", "win": "Mod4Mask"}  # fmt: skip


@dataclass
class HotkeyStatus:
    ok: bool
    backend: str  # "x11" | "portal" | "none"
    sequence: str
    detail: str
    fix: str | None = None

    def save(self, data_dir: Path) -> None:
        try:
            (data_dir / "hotkey_status.json").write_text(json.dumps(asdict(self)))
        except OSError as exc:
            log.warning("cannot write hotkey status: %s", exc)


def parse_sequence(seq: str) -> tuple[list[str], str]:
    """'Ctrl+Alt+Space' -> (['ControlMask', 'Mod1Mask'], 'space')."""
    parts = [p.strip() for p in seq.replace("-", "+").split("+") if p.strip()]
    if not parts:
        raise ValueError("the hotkey is empty")
    mods = []
    for p in parts[:-1]:
        m = _MODS.get(p.lower())
        if m is None:
            raise ValueError(f"unknown modifier {p!r} (use Ctrl, Alt, Shift, Super)")
        mods.append(m)
    key = parts[-1]
    key = key.lower() if len(key) > 1 else key.lower()
    return mods, {"space": "space", "enter": "Return", "return": "Return"}.get(key, key)


class GlobalHotkey(QObject):
    activated = Signal(float)  # perf_counter() when the key event was read

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = HotkeyStatus(False, "none", "", "not started")

    def start(self, sequence: str) -> HotkeyStatus:
        raise NotImplementedError

    def stop(self) -> None:
        pass


class X11Hotkey(GlobalHotkey):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._display: Any = None
        self._notifier: QSocketNotifier | None = None
        self._keycode = 0
        self._mask = 0
        self._grabbed: list[int] = []

    def start(self, sequence: str) -> HotkeyStatus:
        self.stop()
        try:
            from Xlib import XK, X, error
            from Xlib.display import Display
        except ImportError:
            self.status = HotkeyStatus(False, "x11", sequence, "python-xlib is not installed",
                                       "pip install python-xlib (bash installer/install.sh)")  # fmt: skip
            return self.status
        try:
            mods, keyname = parse_sequence(sequence)
        except ValueError as exc:
            self.status = HotkeyStatus(
                False, "x11", sequence, str(exc), "fix the hotkey in Settings"
            )
            return self.status
        try:
            self._display = Display()
        except Exception as exc:
            self.status = HotkeyStatus(False, "x11", sequence, f"cannot open the X display: {exc}",
                                       "run Council in a desktop session")  # fmt: skip
            return self.status
        keysym = XK.string_to_keysym(keyname)
        keycode = self._display.keysym_to_keycode(keysym) if keysym else 0
        if not keycode:
            self.status = HotkeyStatus(False, "x11", sequence, f"no key named {keyname!r}",
                                       "fix the hotkey in Settings")  # fmt: skip
            self._close()
            return self.status
        mask = 0
        for m in mods:
            mask |= getattr(X, m)
        root = self._display.screen().root
        root.change_attributes(event_mask=X.KeyPressMask)
        catch = error.CatchError(error.BadAccess)
        # NumLock is Mod2 on practically every layout; grab with and without it and CapsLock.
        variants = [0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask]
        for extra in variants:
            root.grab_key(keycode, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync,
                          onerror=catch)  # fmt: skip
        self._display.sync()
        if catch.get_error() is not None:
            for extra in variants:
                root.ungrab_key(keycode, mask | extra)
            self._display.sync()
            self.status = HotkeyStatus(
                False, "x11", sequence,
                f"{sequence} is already taken by another application",
                "choose another hotkey in Settings (or free it in that application); "
                "the tray icon still opens the chat",
            )  # fmt: skip
            self._close()
            return self.status
        self._keycode, self._mask = keycode, mask
        self._grabbed = [mask | e for e in variants]
        self._notifier = QSocketNotifier(self._display.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        self.status = HotkeyStatus(True, "x11", sequence, f"{sequence} (X11 XGrabKey)")
        log.info("hotkey %s grabbed", sequence)
        return self.status

    def _read(self, *_args: Any) -> None:
        from Xlib import X

        d = self._display
        if d is None:
            return
        while d.pending_events():
            ev = d.next_event()
            if ev.type == X.KeyPress and ev.detail == self._keycode:
                self.activated.emit(time.perf_counter())

    def _close(self) -> None:
        if self._display is not None:
            try:
                self._display.close()
            except Exception:
                pass
            self._display = None

    def stop(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._display is not None and self._grabbed:
            root = self._display.screen().root
            for m in self._grabbed:
                root.ungrab_key(self._keycode, m)
            self._display.sync()
        self._grabbed = []
        self._close()


class PortalHotkey(GlobalHotkey):
    """xdg-desktop-portal GlobalShortcuts: CreateSession, BindShortcuts, then Activated."""

    SERVICE = "org.freedesktop.portal.Desktop"
    PATH = "/org/freedesktop/portal/desktop"
    IFACE = "org.freedesktop.portal.GlobalShortcuts"
    SHORTCUT_ID = "show-council"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: str | None = None
        self._sequence = ""

    def start(self, sequence: str) -> HotkeyStatus:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        self._sequence = sequence
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return self._fail("no D-Bus session bus")
        iface = QDBusInterface(self.SERVICE, self.PATH, self.IFACE, bus)
        if not iface.isValid() or iface.property("version") is None:
            return self._fail("this desktop's portal has no GlobalShortcuts interface")
        self._bus = bus
        token = "council" + os.urandom(4).hex()
        sender = bus.baseService().lstrip(":").replace(".", "_")
        self._request_path = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
        bus.connect(self.SERVICE, self._request_path, "org.freedesktop.portal.Request",
                    "Response", self, SLOT("_on_session(uint,QVariantMap)"))  # type: ignore[call-overload]  # fmt: skip
        bus.connect(self.SERVICE, self.PATH, self.IFACE, "Activated", self,
                    SLOT("_on_activated(QDBusObjectPath,QString,qulonglong,QVariantMap)"))  # type: ignore[call-overload]  # fmt: skip
        reply = iface.call("CreateSession", {"handle_token": token,
                                             "session_handle_token": token})  # fmt: skip
        if reply.errorName():
            return self._fail(f"CreateSession failed: {reply.errorMessage()}")
        self.status = HotkeyStatus(True, "portal", sequence,
                                   f"{sequence} requested through the desktop portal")  # fmt: skip
        return self.status

    def _fail(self, why: str) -> HotkeyStatus:
        self.status = HotkeyStatus(False, "portal", self._sequence,
                                   f"Wayland global hotkey unavailable: {why}",
                                   "bind a desktop shortcut to `council-app` (a second launch "
                                   "opens the chat); the tray icon also opens it")  # fmt: skip
        return self.status

    @Slot(int, "QVariantMap")
    def _on_session(self, code: int, results: dict[str, Any]) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        if code != 0:
            self._fail(f"the portal refused the session (code {code})")
            return
        self._session = str(results.get("session_handle", ""))
        iface = QDBusInterface(self.SERVICE, self.PATH, self.IFACE, QDBusConnection.sessionBus())
        trigger = (
            self._sequence.replace("Ctrl", "CTRL").replace("Alt", "ALT").replace("Space", "space")
        )
        iface.call("BindShortcuts", self._session,
                   [(self.SHORTCUT_ID, {"description": "Show Council",
                                        "preferred_trigger": trigger})],
                   "", {"handle_token": "councilbind"})  # fmt: skip

    @Slot("QDBusObjectPath", str, int, "QVariantMap")
    def _on_activated(self, session: str, shortcut_id: str, timestamp: int, options: Any) -> None:
        if str(shortcut_id) == self.SHORTCUT_ID:
            self.activated.emit(time.perf_counter())


def make_hotkey(parent: QObject | None = None) -> GlobalHotkey:
    """The backend for this session: the portal on Wayland, XGrabKey on X11."""
    if os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") != "x11":
        return PortalHotkey(parent)
    return X11Hotkey(parent)
