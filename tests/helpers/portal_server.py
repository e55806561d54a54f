"""A small xdg-desktop-portal for tests: owns ``org.freedesktop.portal.Desktop`` on a real D-Bus
session bus and implements the GlobalShortcuts interface (version 1) the way the portal does.

Run it under its own bus (the ``portal_bus`` fixture in tests/app does this)::

    dbus-run-session -- python tests/helpers/portal_server.py [--no-portal] [--refuse]

It is a test double at the process boundary, like the loopback OpenAI server: the app under test
talks to it over the bus exactly as it would talk to KDE's portal. Methods are checked against
the interface's D-Bus signatures (a wrong type gets ``InvalidArgs``, as GDBus answers for the
real portal), and each answer goes out as a ``org.freedesktop.portal.Request.Response`` signal
on the request path the spec defines (``/org/freedesktop/portal/desktop/request/SENDER/TOKEN``).

Line protocol on stdout (JSON, one object a line): ``{"event": "bus", "address": ...}`` first,
then ``{"event": "ready"}``, then one line per call (``CreateSession``, ``BindShortcuts``,
``ListShortcuts``, ``CloseSession``). Commands on stdin (JSON lines):
``{"do": "activate", "id": "show-council"}`` emits ``Activated`` (and ``Deactivated``) to the
session's owner; ``{"do": "quit"}`` stops.

``--no-portal`` keeps the bus up without owning the portal's name (a desktop without the
portal); ``--refuse`` answers BindShortcuts with response code 1 (the user cancelled the
desktop's dialog).
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SERVICE = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_IFACE = "org.freedesktop.portal.Request"
SESSION_IFACE = "org.freedesktop.portal.Session"
SIGNATURES = {
    "CreateSession": "a{sv}",
    "BindShortcuts": "oa(sa{sv})sa{sv}",
    "ListShortcuts": "oa{sv}",
}
INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
 <interface name="{IFACE}">
  <method name="CreateSession">
   <arg type="a{{sv}}" name="options" direction="in"/>
   <arg type="o" name="handle" direction="out"/>
  </method>
  <method name="BindShortcuts">
   <arg type="o" name="session_handle" direction="in"/>
   <arg type="a(sa{{sv}})" name="shortcuts" direction="in"/>
   <arg type="s" name="parent_window" direction="in"/>
   <arg type="a{{sv}}" name="options" direction="in"/>
   <arg type="o" name="request_handle" direction="out"/>
  </method>
  <method name="ListShortcuts">
   <arg type="o" name="session_handle" direction="in"/>
   <arg type="a{{sv}}" name="options" direction="in"/>
   <arg type="o" name="request_handle" direction="out"/>
  </method>
  <signal name="Activated">
   <arg type="o" name="session_handle"/>
   <arg type="s" name="shortcut_id"/>
   <arg type="t" name="timestamp"/>
   <arg type="a{{sv}}" name="options"/>
  </signal>
  <signal name="Deactivated">
   <arg type="o" name="session_handle"/>
   <arg type="s" name="shortcut_id"/>
   <arg type="t" name="timestamp"/>
   <arg type="a{{sv}}" name="options"/>
  </signal>
  <signal name="ShortcutsChanged">
   <arg type="o" name="session_handle"/>
   <arg type="a(sa{{sv}})" name="shortcuts"/>
  </signal>
  <property name="version" type="u" access="read"/>
 </interface>
 <interface name="org.freedesktop.DBus.Properties">
  <method name="Get">
   <arg type="s" name="interface_name" direction="in"/>
   <arg type="s" name="property_name" direction="in"/>
   <arg type="v" name="value" direction="out"/>
  </method>
 </interface>
</node>
"""


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def plain(value: Any) -> Any:
    """jeepney's (signature, value) variants -> plain JSON values."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        sig, inner = value
        if sig and sig[0] in "sobgiuxtndy":
            return plain(inner)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class Portal:
    def __init__(self, refuse: bool) -> None:
        self.conn = open_dbus_connection(bus="SESSION")
        self.refuse = refuse
        self.sessions: dict[str, dict[str, Any]] = {}  # session path -> owner, shortcuts

    def own_name(self) -> None:
        reply = self.conn.send_and_get_reply(message_bus.RequestName(SERVICE), timeout=5)
        if reply.body[0] != 1:  # DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
            raise SystemExit(f"cannot own {SERVICE}: reply {reply.body[0]}")

    @staticmethod
    def sender_token(sender: str) -> str:
        return sender.lstrip(":").replace(".", "_")

    def respond(self, request_path: str, code: int, results: dict[str, Any]) -> None:
        addr = DBusAddress(request_path, interface=REQUEST_IFACE)
        self.conn.send(new_signal(addr, "Response", "ua{sv}", (code, results)))

    def handle(self, msg: Any) -> None:
        h = msg.header
        member = h.fields.get(HeaderFields.member)
        iface = h.fields.get(HeaderFields.interface)
        path = h.fields.get(HeaderFields.path)
        sig = h.fields.get(HeaderFields.signature, "")
        sender = h.fields.get(HeaderFields.sender, "")
        if iface == "org.freedesktop.DBus.Introspectable" and member == "Introspect":
            body = INTROSPECTION if path == PATH else "<node/>"
            self.conn.send(new_method_return(msg, "s", (body,)))
            return
        if iface == "org.freedesktop.DBus.Properties" and member == "Get":
            if path == PATH and msg.body == (IFACE, "version"):
                self.conn.send(new_method_return(msg, "v", (("u", 1),)))
            else:
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                                         (f"no property {msg.body!r}",)))  # fmt: skip
            return
        if iface == SESSION_IFACE and member == "Close" and path in self.sessions:
            self.sessions.pop(path)
            emit("CloseSession", session=path)
            self.conn.send(new_method_return(msg))
            return
        if path != PATH or iface not in (IFACE, None) or member not in SIGNATURES:
            self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                                     (f"no method {iface}.{member} at {path}",)))  # fmt: skip
            return
        if sig != SIGNATURES[member]:
            emit("bad_call", member=member, signature=sig)
            self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                                     (f"Type of message, '({sig})', does not match expected "
                                      f"type '({SIGNATURES[member]})'",)))  # fmt: skip
            return
        token = self.sender_token(sender)
        options = msg.body[-1]
        handle_token = plain(options.get("handle_token", ("s", "t" + str(time.monotonic_ns()))))
        request_path = f"{PATH}/request/{token}/{handle_token}"
        self.conn.send(new_method_return(msg, "o", (request_path,)))
        if member == "CreateSession":
            session_path = f"{PATH}/session/{token}/{plain(options['session_handle_token'])}"
            self.sessions[session_path] = {"owner": sender, "shortcuts": []}
            emit("CreateSession", options=plain(options), session=session_path,
                 request=request_path)  # fmt: skip
            self.respond(request_path, 0, {"session_handle": ("s", session_path)})
        elif member == "BindShortcuts":
            session_path, shortcuts, parent_window, _ = msg.body
            listed = [[sid, plain(props)] for sid, props in shortcuts]
            emit("BindShortcuts", session=session_path, shortcuts=listed,
                 parent_window=parent_window, request=request_path)  # fmt: skip
            if session_path not in self.sessions:
                self.respond(request_path, 2, {})
                return
            if self.refuse:
                self.respond(request_path, 1, {})
                return
            bound = []
            for sid, props in shortcuts:
                trigger = plain(props.get("preferred_trigger", ("s", "")))
                desc = plain(props.get("description", ("s", "")))
                bound.append((sid, {"description": ("s", desc),
                                    "trigger_description": ("s", trigger)}))  # fmt: skip
            self.sessions[session_path]["shortcuts"] = bound
            self.respond(request_path, 0, {"shortcuts": ("a(sa{sv})", bound)})
        elif member == "ListShortcuts":
            session_path = msg.body[0]
            found = self.sessions.get(session_path, {}).get("shortcuts", [])
            emit("ListShortcuts", session=session_path)
            self.respond(request_path, 0, {"shortcuts": ("a(sa{sv})", found)})

    def activate(self, shortcut_id: str) -> None:
        for session_path, s in self.sessions.items():
            if not any(sid == shortcut_id for sid, _ in s["shortcuts"]):
                continue
            addr = DBusAddress(PATH, interface=IFACE)
            stamp = int(time.monotonic() * 1000)
            for member in ("Activated", "Deactivated"):
                sig = new_signal(addr, member, "osta{sv}", (session_path, shortcut_id, stamp, {}))
                sig.header.fields[HeaderFields.destination] = s["owner"]
                self.conn.send(sig)
            emit("activated", id=shortcut_id, session=session_path)
            return
        emit("not_bound", id=shortcut_id)

    def serve(self, commands: queue.Queue[dict[str, Any]]) -> None:
        while True:
            try:
                cmd = commands.get_nowait()
            except queue.Empty:
                pass
            else:
                if cmd.get("do") == "quit":
                    return
                if cmd.get("do") == "activate":
                    self.activate(str(cmd["id"]))
                continue
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type == MessageType.method_call:
                self.handle(msg)


def read_commands(commands: queue.Queue[dict[str, Any]]) -> None:
    for line in sys.stdin:
        if line.strip():
            commands.put(json.loads(line))
    commands.put({"do": "quit"})  # stdin closed: the test is gone


def main() -> None:
    emit("bus", address=os.environ["DBUS_SESSION_BUS_ADDRESS"])
    commands: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=read_commands, args=(commands,), daemon=True).start()
    if "--no-portal" in sys.argv:
        emit("ready")
        while commands.get().get("do") != "quit":
            pass
        return
    portal = Portal(refuse="--refuse" in sys.argv)
    portal.own_name()
    emit("ready")
    portal.serve(commands)


if __name__ == "__main__":
    main()
