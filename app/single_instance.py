"""One Council per user and COUNCIL_HOME: a second launch asks the first to show its chat
(through a QLocalServer socket) and exits."""

from __future__ import annotations

import hashlib
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name() -> str:
    home = os.environ.get("COUNCIL_HOME", "") or "default"
    digest = hashlib.sha1(home.encode()).hexdigest()[:10]
    return f"council-{os.getuid()}-{digest}"


class SingleInstance(QObject):
    message = Signal(str)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server: QLocalServer | None = None

    def notify_running(self, message: str = "show") -> bool:
        """True when another instance is running (and got ``message``)."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(300):
            return False
        sock.write(message.encode() + b"\n")
        sock.flush()
        sock.waitForBytesWritten(300)
        sock.disconnectFromServer()
        return True

    def listen(self) -> bool:
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            QLocalServer.removeServer(self.name)  # left over from a crash
            if not self.server.listen(self.name):
                return False
        self.server.newConnection.connect(self._accept)
        return True

    def _accept(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._read(c))

    def _read(self, conn: QLocalSocket) -> None:
        while conn.canReadLine():
            self.message.emit(bytes(conn.readLine().data()).decode(errors="replace").strip())
        conn.disconnectFromServer()
