"""One tray per user: the first instance holds a lock file and listens on a QLocalServer; a
second launch finds the lock taken, asks the first to open its popup, and exits.

The lock decides (cheap, at once, and released by the OS when a process dies, so a crash never
blocks the next start); the socket only carries the request. The first instance listens once
the app is built, and a second launch during those moments retries until it is answered.

On Linux and macOS the socket is a plain Unix socket (at the path QLocalServer would use, so
either side may be an older build) served through a QSocketNotifier: QtNetwork would cost the
tray 2.5 MiB for one line a day. Windows keeps QLocalServer (named pipes).

The name is per user and per data dir, so test runs (their own data dir) never talk to the
user's real tray.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from PySide6.QtCore import QDir, QObject, QSocketNotifier, Signal, Slot

from app.settings.paths import DATA_DIR_ENV

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

SHOW_POPUP = b"show-popup\n"
CONNECT_MS = 500
WRITE_MS = 1000
ASK_WAIT = 10.0  # seconds a second launch keeps asking a first one that is still starting
ASK_RETRY = 0.2
LINE_MAX = 256  # a request is one short line; a peer sending more is cut off
PEERS_MAX = 16


def instance_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    # Keyed by what picks the data dir (the override, else the home and XDG data dir), not by
    # data_dir() itself: resolving that loads platformdirs (~13 ms) before the icon shows.
    override = os.environ.get(DATA_DIR_ENV)
    what = override or f"{Path.home()}|{os.environ.get('XDG_DATA_HOME', '')}"
    where = zlib.crc32(what.encode())  # short, and no hashlib to load
    return f"pacetray-{''.join(c for c in user if c.isalnum())[:32]}-{where:08x}"


def lock_path(name: str) -> Path:
    return Path(QDir.tempPath()) / f"{name}.lock"


def try_lock(path: Path) -> IO[bytes] | None:
    """The open, exclusively locked file; None when another process holds the lock."""
    handle = open(path, "a+b")  # noqa: SIM115 - held open for the life of the instance
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def socket_path(name: str) -> Path:
    """Where QLocalServer puts a socket called `name` on Unix (we use the same place)."""
    return Path(QDir.tempPath()) / name


def ask_running_instance(name: str, message: bytes = SHOW_POPUP) -> bool:
    """True when another instance listens on `name` and got `message`."""
    if sys.platform == "win32":
        return _ask_over_pipe(name, message)
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as peer:
            peer.settimeout(CONNECT_MS / 1000)
            peer.connect(str(socket_path(name)))
            peer.settimeout(WRITE_MS / 1000)
            peer.sendall(message)
    except OSError:
        return False
    return True


def _ask_over_pipe(name: str, message: bytes) -> bool:
    from PySide6.QtNetwork import QLocalSocket

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
    """`acquire()` -> True: we are the first (call `listen()` once requests can be served);
    False: another one runs (`answered` says whether it took the request to show its popup).
    `popupRequested` fires when a later launch asks us."""

    popupRequested = Signal()

    def __init__(
        self, name: str | None = None, parent: QObject | None = None, ask_wait: float = ASK_WAIT
    ) -> None:
        super().__init__(parent)
        self.name = name or instance_name()
        self.server: QLocalServer | UnixListener | None = None
        self.answered = False
        self._ask_wait = ask_wait
        self._lock: IO[bytes] | None = None
        self._clients: list[QLocalSocket] = []

    def acquire(self) -> bool:
        self._lock = try_lock(lock_path(self.name))
        if self._lock is not None:
            return True
        deadline = time.monotonic() + self._ask_wait
        while not (answered := ask_running_instance(self.name)):
            if time.monotonic() > deadline:
                break
            time.sleep(ASK_RETRY)  # the first one is still starting: its socket comes soon
        self.answered = answered
        if answered:
            log.info("another Pacetray runs (%s): asked it to open its popup", self.name)
        else:
            log.warning("another Pacetray holds %s but did not answer", lock_path(self.name))
        return False

    def listen(self) -> bool:
        """Starts taking requests from later launches; False (logged) when the socket fails."""
        if self.server is not None:
            return self.server.isListening()
        if sys.platform != "win32":
            # We hold the lock, so a socket file by this name is a crashed instance's leftover.
            listener = UnixListener(socket_path(self.name), self._line, self)
            self.server = listener
            if listener.isListening():
                return True
            log.warning(
                "cannot listen as %s (%s); a second launch will not reach this one",
                self.name,
                listener.error,
            )
            return False
        return self._listen_on_pipe()

    def _line(self, line: bytes) -> None:
        if line == SHOW_POPUP:
            log.info("a second launch asked to open the popup")
            self.popupRequested.emit()

    def _listen_on_pipe(self) -> bool:
        from PySide6.QtNetwork import QLocalServer

        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        # We hold the lock, so a socket file by this name is a crashed instance's leftover.
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            return True
        log.warning(
            "cannot listen as %s (%s); a second launch will not reach this one",
            self.name,
            self.server.errorString(),
        )
        return False

    @Slot()
    def _accept(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        assert isinstance(self.server, QLocalServer)
        while self.server.hasPendingConnections():
            client = self.server.nextPendingConnection()
            self._clients.append(client)
            client.readyRead.connect(lambda c=client: self._read(c))
            client.disconnected.connect(lambda c=client: self._drop(c))

    def _read(self, client: QLocalSocket) -> None:
        while client.canReadLine():
            self._line(bytes(client.readLine().data()))

    def _drop(self, client: QLocalSocket) -> None:
        if client.bytesAvailable():
            self._read(client)
        if client in self._clients:
            self._clients.remove(client)
        client.deleteLater()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None


class UnixListener(QObject):
    """A Unix stream socket served on the GUI thread: QSocketNotifiers wake it, every read is
    non-blocking and bounded (LINE_MAX per connection), so a misbehaving peer costs nothing."""

    def __init__(self, path: Path, on_line: Callable[[bytes], None], parent: QObject) -> None:
        import socket

        super().__init__(parent)
        self.path = path
        self.error = ""
        self._on_line = on_line
        self._peers: dict[int, tuple[socket.socket, QSocketNotifier, bytearray]] = {}
        self._socket: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            path.unlink(missing_ok=True)
            listening.bind(str(path))
            path.chmod(0o600)  # only this user may ask (QLocalServer's UserAccessOption)
            listening.listen(8)
            listening.setblocking(False)
        except OSError as exc:
            listening.close()
            self.error = str(exc)
            return
        self._socket = listening
        self._notifier = QSocketNotifier(listening.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)

    def isListening(self) -> bool:  # QLocalServer's name, so callers need not care
        return self._socket is not None

    @Slot()
    def _accept(self) -> None:
        assert self._socket is not None
        while True:
            try:
                peer, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("single-instance socket: %s", exc)
                return
            if len(self._peers) >= PEERS_MAX:  # silent peers hold a descriptor each
                peer.close()
                continue
            peer.setblocking(False)
            fd = peer.fileno()
            notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self._peers[fd] = (peer, notifier, bytearray())
            notifier.activated.connect(lambda *_, fd=fd: self._read(fd))

    def _read(self, fd: int) -> None:
        peer, _, buffer = self._peers[fd]
        try:
            chunk = peer.recv(LINE_MAX)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        buffer += chunk
        while (end := buffer.find(b"\n")) >= 0:
            line = bytes(buffer[: end + 1])
            del buffer[: end + 1]
            self._on_line(line)
        if not chunk or len(buffer) >= LINE_MAX:
            self._drop(fd)

    def _drop(self, fd: int) -> None:
        peer, notifier, _ = self._peers.pop(fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        peer.close()

    def close(self) -> None:
        for fd in list(self._peers):
            self._drop(fd)
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            self.path.unlink(missing_ok=True)
