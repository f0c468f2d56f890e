"""One tray per user: the first instance listens on a QLocalServer; a second launch connects,
asks it to open its popup, and exits.

The name is per user and per data dir, so test runs (their own data dir) never talk to the
user's real tray. A stale socket left by a crash is removed when nobody answers on it.
"""

from __future__ import annotations

import getpass
import hashlib
import logging

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.settings.paths import data_dir

log = logging.getLogger(__name__)

SHOW_POPUP = b"show-popup\n"
CONNECT_MS = 500
WRITE_MS = 1000


def instance_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    where = hashlib.sha1(str(data_dir().resolve()).encode(), usedforsecurity=False).hexdigest()
    return f"pacetray-{''.join(c for c in user if c.isalnum())[:32]}-{where[:10]}"


def ask_running_instance(name: str, message: bytes = SHOW_POPUP) -> bool:
    """True when another instance listens on `name` and got `message`."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    sent = socket.write(message) == len(message)
    socket.flush()
    while sent and socket.bytesToWrite() > 0:
        sent = socket.waitForBytesWritten(WRITE_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_MS)
    return sent


class SingleInstance(QObject):
    """`acquire()` -> True: we are the first (and now listen); False: another one runs and has
    been asked to show its popup. `popupRequested` fires when a later launch asks us."""

    popupRequested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or instance_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._clients: list[QLocalSocket] = []

    def acquire(self) -> bool:
        if ask_running_instance(self.name):
            log.info("another Pacetray runs (%s): asked it to open its popup", self.name)
            return False
        if not self.server.listen(self.name):
            # nobody answered, so the socket file is a crash's leftover
            QLocalServer.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning(
                    "cannot listen as %s (%s); a second launch will not find this one",
                    self.name,
                    self.server.errorString(),
                )
        return True

    @Slot()
    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            client = self.server.nextPendingConnection()
            self._clients.append(client)
            client.readyRead.connect(lambda c=client: self._read(c))
            client.disconnected.connect(lambda c=client: self._drop(c))

    def _read(self, client: QLocalSocket) -> None:
        while client.canReadLine():
            line = bytes(client.readLine().data())
            if line == SHOW_POPUP:
                log.info("a second launch asked to open the popup")
                self.popupRequested.emit()

    def _drop(self, client: QLocalSocket) -> None:
        if client.bytesAvailable():
            self._read(client)
        if client in self._clients:
            self._clients.remove(client)
        client.deleteLater()

    def close(self) -> None:
        self.server.close()
