"""The global hotkey that shows the chat popup from any application.

X11: ``XGrabKey`` on the root window through python-xlib, with the CapsLock/NumLock variants
grabbed too; the display's socket is watched by a ``QSocketNotifier``, so there is no thread.
A grab another client holds comes back as ``BadAccess`` and is reported as a conflict.

Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface over D-Bus where the desktop has
it (KDE, GNOME 48+); elsewhere the hotkey is reported unavailable with the fix (bind
``council-app --toggle`` in the desktop's shortcut settings) and the tray still works.

The outcome is written to ``<data dir>/hotkey_status.json`` for ``council doctor``.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Signal

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
    pending: bool = False  # asked for, the desktop has not answered yet (the portal)

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
    low = key.lower()
    if re.fullmatch(r"f\d{1,2}", low):
        return mods, low.upper()  # X keysyms are F1..F35
    return mods, _KEYS.get(low, low)


# Qt's key names (QKeySequence.toString) -> X keysym names.
_KEYS = {"space": "space", "enter": "Return", "return": "Return", "esc": "Escape",
         "escape": "Escape", "tab": "Tab", "backspace": "BackSpace", "home": "Home", "end": "End",
         "pgup": "Prior", "pgdown": "Next", "ins": "Insert", "del": "Delete", "left": "Left",
         "right": "Right", "up": "Up", "down": "Down", "print": "Print"}  # fmt: skip


def validate_sequence(seq: str) -> str | None:
    """Why ``seq`` cannot be a global hotkey (None: it can): it must name at least one
    modifier and one real key ("Ctrl+Alt+Blah" is refused)."""
    try:
        mods, key = parse_sequence(seq)
    except ValueError as exc:
        return str(exc)
    if not mods:
        return "a global hotkey needs a modifier (Ctrl, Alt, Shift or Super) and a key"
    if key.lower() in ("control", "ctrl", "alt", "shift", "super", "meta"):
        return "the hotkey ends with a modifier: add a key, e.g. Ctrl+Alt+Space"
    try:
        from Xlib import XK
    except ImportError:
        known = len(key) == 1 or key in _KEYS.values() or bool(re.fullmatch(r"F\d{1,2}", key))
    else:
        known = bool(XK.string_to_keysym(key))
    if not known:
        return f"there is no key named {seq.rsplit('+', 1)[-1].strip()!r}"
    return None


class GlobalHotkey(QObject):
    activated = Signal(float)  # perf_counter() when the key event was read
    status_changed = Signal(object)  # a HotkeyStatus settled after start() (the portal)

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


_PORTAL_MODS = {"ControlMask": "CTRL", "Mod1Mask": "ALT", "ShiftMask": "SHIFT", "Mod4Mask": "LOGO"}


def portal_trigger(sequence: str) -> str:
    """'Ctrl+Alt+Space' -> 'CTRL+ALT+space': the XDG shortcuts spec's trigger form (modifiers
    CTRL/ALT/SHIFT/LOGO, then an xkb keysym name)."""
    mods, key = parse_sequence(sequence)
    return "+".join([_PORTAL_MODS[m] for m in mods] + [key])


class PortalHotkey(GlobalHotkey):
    """xdg-desktop-portal GlobalShortcuts over the D-Bus session bus (jeepney, a dependency of
    keyring): ``CreateSession``, then ``BindShortcuts`` once the session's ``Response`` arrives,
    then ``Activated``. The bus socket is watched by a ``QSocketNotifier`` (no thread). The
    desktop may ask the user to confirm the binding, so ``start()`` returns a *pending* status
    and ``status_changed`` reports the outcome."""

    SERVICE = "org.freedesktop.portal.Desktop"
    PATH = "/org/freedesktop/portal/desktop"
    IFACE = "org.freedesktop.portal.GlobalShortcuts"
    REQUEST_IFACE = "org.freedesktop.portal.Request"
    SHORTCUT_ID = "show-council"
    CALL_TIMEOUT_S = 5.0
    FIX = ("bind the command `council-app --toggle` to a key in your desktop's keyboard "
           "shortcut settings; the tray icon also opens the chat")  # fmt: skip

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._conn: Any = None
        self._notifier: QSocketNotifier | None = None
        self._portal_owner = ""
        self._session: str | None = None
        self._sequence = ""
        self._trigger = ""
        self._requests: dict[str, Any] = {}  # request path -> callback(code, results)

    def start(self, sequence: str) -> HotkeyStatus:
        self.stop()
        self._sequence = sequence
        try:
            self._trigger = portal_trigger(sequence)
        except (ValueError, KeyError) as exc:
            self.status = HotkeyStatus(False, "portal", sequence, str(exc),
                                       "fix the hotkey in Settings")  # fmt: skip
            return self.status
        try:
            from jeepney import DBusAddress, MatchRule, Properties, new_method_call
            from jeepney.bus_messages import message_bus
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return self._give_up("jeepney is not installed (pip install jeepney)")
        try:
            self._conn = open_dbus_connection(bus="SESSION", auth_timeout=2.0)
        except Exception as exc:  # no address, refused socket, failed auth
            return self._give_up(f"no D-Bus session bus ({exc})")
        portal = DBusAddress(self.PATH, bus_name=self.SERVICE, interface=self.IFACE)
        reply = self._call(Properties(portal).get("version"))  # D-Bus activates the portal
        if _failed(reply):
            why = _dbus_error(reply)
            return self._give_up(f"this desktop has no xdg-desktop-portal GlobalShortcuts ({why})")
        owner = self._call(message_bus.GetNameOwner(self.SERVICE))
        self._portal_owner = "" if _failed(owner) else str(owner.body[0])
        sender = str(self._conn.unique_name).lstrip(":").replace(".", "_")
        for rule in (
            MatchRule(type="signal", sender=self.SERVICE, interface=self.REQUEST_IFACE,
                      member="Response", path_namespace=f"{self.PATH}/request/{sender}"),
            MatchRule(type="signal", sender=self.SERVICE, interface=self.IFACE,
                      member="Activated", path=self.PATH),
        ):  # fmt: skip
            self._call(message_bus.AddMatch(rule))
        token = "council_" + os.urandom(4).hex()
        self._expect(f"{self.PATH}/request/{sender}/{token}", self._on_session)
        reply = self._call(new_method_call(portal, "CreateSession", "a{sv}", (
            {"handle_token": ("s", token), "session_handle_token": ("s", token)},)))  # fmt: skip
        if _failed(reply):
            return self._give_up(f"CreateSession failed: {_dbus_error(reply)}")
        self._follow(reply, self._on_session)
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        self.status = HotkeyStatus(False, "portal", sequence,
                                   f"{sequence}: waiting for the desktop portal to bind it",
                                   None, pending=True)  # fmt: skip
        log.info("portal session requested for %s", sequence)
        self._read()  # a fast portal may have answered already
        return self.status

    def _call(self, msg: Any) -> Any:
        """Send ``msg`` and return its reply (None: no reply in time); signals read meanwhile
        are dispatched, so no Response is lost."""
        from jeepney import HeaderFields

        serial = next(self._conn.outgoing_serial)
        self._conn.send(msg, serial=serial)
        deadline = time.monotonic() + self.CALL_TIMEOUT_S
        while True:
            try:
                got = self._conn.receive(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return None
            if got.header.fields.get(HeaderFields.reply_serial) == serial:
                return got
            self._dispatch(got)

    def _expect(self, request_path: str, callback: Any) -> None:
        self._requests[request_path] = callback

    def _follow(self, reply: Any, callback: Any) -> None:
        """Portals older than 0.9 put the request elsewhere than the spec's path: follow the
        handle the call returned too (its Response must arrive after the reply)."""
        handle = str(reply.body[0]) if reply.body else ""
        if handle and handle not in self._requests:
            self._requests[handle] = callback

    def _read(self, *_args: Any) -> None:
        if self._conn is None:
            return
        while self._conn is not None:
            try:
                msg = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, EOFError) as exc:  # the bus went away
                self._session = None
                self._close()
                self._settle(self._fail(f"the D-Bus session bus closed ({exc})"))
                return
            self._dispatch(msg)

    def _dispatch(self, msg: Any) -> None:
        from jeepney import HeaderFields, MessageType

        h = msg.header
        if h.message_type != MessageType.signal:
            return
        if self._portal_owner and h.fields.get(HeaderFields.sender) != self._portal_owner:
            return  # only the portal speaks for the portal
        iface, member = h.fields.get(HeaderFields.interface), h.fields.get(HeaderFields.member)
        if iface == self.REQUEST_IFACE and member == "Response":
            callback = self._requests.pop(str(h.fields.get(HeaderFields.path)), None)
            if callback is not None:
                code, results = msg.body
                callback(int(code), {k: v[1] for k, v in results.items()})
        elif iface == self.IFACE and member == "Activated":
            session, shortcut_id = msg.body[0], msg.body[1]
            if session == self._session and shortcut_id == self.SHORTCUT_ID:
                self.activated.emit(time.perf_counter())

    def _on_session(self, code: int, results: dict[str, Any]) -> None:
        from jeepney import DBusAddress, new_method_call

        if code != 0:
            self._fail_later(f"the portal refused the session (response {code})")
            return
        self._session = str(results.get("session_handle", ""))
        sender = str(self._conn.unique_name).lstrip(":").replace(".", "_")
        token = "council_" + os.urandom(4).hex()
        self._expect(f"{self.PATH}/request/{sender}/{token}", self._on_bound)
        shortcut = (self.SHORTCUT_ID, {"description": ("s", "Show or hide Council"),
                                       "preferred_trigger": ("s", self._trigger)})  # fmt: skip
        portal = DBusAddress(self.PATH, bus_name=self.SERVICE, interface=self.IFACE)
        reply = self._call(new_method_call(portal, "BindShortcuts", "oa(sa{sv})sa{sv}",
                                           (self._session, [shortcut], "",
                                            {"handle_token": ("s", token)})))  # fmt: skip
        if _failed(reply):
            self._fail_later(f"BindShortcuts failed: {_dbus_error(reply)}")
        else:
            self._follow(reply, self._on_bound)

    def _on_bound(self, code: int, results: dict[str, Any]) -> None:
        if code == 1:
            self._fail_later("the shortcut was declined in the desktop's dialog")
            return
        if code != 0:
            self._fail_later(f"the portal could not bind the shortcut (response {code})")
            return
        bound = {sid: {k: v[1] for k, v in props.items()}
                 for sid, props in results.get("shortcuts", [])}  # fmt: skip
        if self.SHORTCUT_ID not in bound:
            self._fail_later("the portal bound no shortcut")
            return
        shown = bound[self.SHORTCUT_ID].get("trigger_description") or self._trigger
        self._settle(HotkeyStatus(True, "portal", self._sequence,
                                  f"{self._sequence} (desktop portal: {shown})"))  # fmt: skip
        log.info("portal bound %s as %s", self._sequence, shown)

    def _settle(self, status: HotkeyStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _fail(self, why: str) -> HotkeyStatus:
        self.status = HotkeyStatus(False, "portal", self._sequence,
                                   f"Wayland global hotkey unavailable: {why}",
                                   self.FIX)  # fmt: skip
        return self.status

    def _give_up(self, why: str) -> HotkeyStatus:
        """A failure inside ``start()``: nothing stays open."""
        self._close()
        return self._fail(why)

    def _fail_later(self, why: str) -> None:
        """A failure the portal answered after ``start()``: close the session, report it."""
        self.stop()
        self._settle(self._fail(why))

    def _close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None
        self._requests.clear()

    def stop(self) -> None:
        if self._conn is not None and self._session:
            from jeepney import DBusAddress, new_method_call

            addr = DBusAddress(self._session, bus_name=self.SERVICE,
                               interface="org.freedesktop.portal.Session")  # fmt: skip
            try:
                self._call(new_method_call(addr, "Close"))
            except OSError:
                pass
        self._session = None
        self._close()


def _failed(reply: Any) -> bool:
    """No reply in time, or an error reply."""
    from jeepney import MessageType

    return reply is None or reply.header.message_type == MessageType.error


def _dbus_error(reply: Any) -> str:
    if reply is None:
        return "no answer from the portal"
    from jeepney import HeaderFields

    name = reply.header.fields.get(HeaderFields.error_name, "error")
    text = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
    return f"{name}: {text}" if text else str(name)


def make_hotkey(parent: QObject | None = None) -> GlobalHotkey:
    """The backend for this session: the portal on Wayland, XGrabKey on X11."""
    if os.environ.get("WAYLAND_DISPLAY") and os.environ.get("XDG_SESSION_TYPE") != "x11":
        return PortalHotkey(parent)
    return X11Hotkey(parent)
