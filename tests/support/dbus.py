"""A private D-Bus bus and a tiny D-Bus service for tests, both real (dbus-daemon + jeepney).

Usage::

    with DBusDaemon() as bus:                       # a fresh bus, nothing else on it
        env = bus.env()                             # DBUS_SESSION_BUS_ADDRESS points at it
        with DBusService(bus.address, ["org.example.Thing"]) as svc:
            svc.handle("/org/example/Thing", "org.example.Thing", "Get",
                       lambda body: ("u", (42,)))   # reply signature and body
            svc.emit("/org/example/Thing", "org.example.Thing", "Changed", "b", (True,))

`DBusDaemon(role="system")` is the same daemon; the role only decides which environment
variable `env()` sets (DBUS_SYSTEM_BUS_ADDRESS), so code under test that reads the system bus
can be pointed at a private one. A handler that raises `DBusServiceError(name, text)` answers
with that D-Bus error; an unknown method answers org.freedesktop.DBus.Error.UnknownMethod.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from jeepney import DBusAddress, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from tests.support.procs import spawn_reporting, terminate

_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class DBusDaemon:
    """A dbus-daemon of our own, listening on a socket in a temporary directory."""

    def __init__(self, role: Literal["session", "system"] = "session") -> None:
        self.role = role
        self.address = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> DBusDaemon:
        self._tmp = tempfile.TemporaryDirectory(prefix="pacetray-dbus-")
        config = Path(self._tmp.name) / "bus.conf"
        config.write_text(_CONFIG.format(dir=self._tmp.name))
        self._proc, self.address = spawn_reporting(
            lambda fd: [
                "dbus-daemon",
                f"--config-file={config}",
                "--nofork",
                "--nopidfile",
                f"--print-address={fd}",
            ],
            what="dbus-daemon",
        )
        return self

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        key = "DBUS_SYSTEM_BUS_ADDRESS" if self.role == "system" else "DBUS_SESSION_BUS_ADDRESS"
        env[key] = self.address
        return env

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        terminate(proc)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> DBusDaemon:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class DBusServiceError(Exception):
    """Raised by a handler to answer with a D-Bus error."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name
        self.text = text


# A handler gets the call's body and returns (reply signature, reply body).
Handler = Callable[[tuple[Any, ...]], tuple[str, tuple[Any, ...]]]


class DBusService:
    """Owns well-known names on a bus and answers method calls from a daemon thread."""

    def __init__(self, address: str, names: Iterable[str]) -> None:
        self.address = address
        self.names = list(names)
        self.calls: list[tuple[str, str, str]] = []  # (path, interface, member) seen, in order
        self._handlers: dict[tuple[str, str, str], Handler] = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._stop = threading.Event()
        self._conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None

    def handle(self, path: str, interface: str, member: str, handler: Handler) -> None:
        with self._lock:
            self._handlers[(path, interface, member)] = handler

    def start(self) -> DBusService:
        self._conn = open_dbus_connection(self.address)
        for name in self.names:
            reply = self._conn.send_and_get_reply(message_bus.RequestName(name), timeout=5)
            if reply.body[0] != 1:  # 1 = primary owner
                raise RuntimeError(f"could not own {name} on {self.address}: {reply.body}")
        self._thread = threading.Thread(target=self._serve, name="test-dbus-service", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        assert self._conn is not None
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            except (OSError, ValueError):  # connection closed by stop()
                return
            if msg.header.message_type is not MessageType.method_call:
                continue
            fields = msg.header.fields
            key = (str(fields.get(1, "")), str(fields.get(2, "")), str(fields.get(3, "")))
            with self._lock:
                self.calls.append(key)
                handler = self._handlers.get(key)
            if handler is None:
                reply = new_error(
                    msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {key}",)
                )
            else:
                try:
                    signature, body = handler(tuple(msg.body))
                    reply = new_method_return(msg, signature, body)
                except DBusServiceError as exc:
                    reply = new_error(msg, exc.name, "s", (exc.text,))
            self._send(reply)

    def _send(self, msg: Any) -> None:
        assert self._conn is not None
        with self._send_lock:
            self._conn.send(msg)

    def emit(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: tuple[Any, ...] = (),
    ) -> None:
        """Emit a signal from this service's connection (so sender matches its names)."""
        emitter = DBusAddress(path, interface=interface)
        self._send(new_signal(emitter, member, signature or None, body))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> DBusService:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
