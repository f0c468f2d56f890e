"""Idle counters that Wayland compositors publish on the session bus (through jeepney).

- GNOME Mutter: `org.gnome.Mutter.IdleMonitor.GetIdletime` -> milliseconds (uint64).
- KDE and others: `org.freedesktop.ScreenSaver.GetSessionIdleTime` -> milliseconds (uint32).
  (GNOME answers this one with NotSupported, hence the probe calls it once before trusting it.)

Each poll is one method call on the bus; the compositor does the counting, so input events
cost this process nothing.
"""

from __future__ import annotations

import os
import threading

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.activity.base import SourceBase, first_line

CALL_TIMEOUT = 1.0


class DBusIdleSource(SourceBase):
    """Polls one D-Bus method that returns idle milliseconds."""

    bus_name = ""
    object_path = ""
    interface = ""
    method = ""

    def __init__(self, bus_address: str | None = None) -> None:
        super().__init__()
        self._bus_address = bus_address
        self._conn: DBusConnection | None = None
        self._lock = threading.Lock()
        self._target = DBusAddress(
            self.object_path, bus_name=self.bus_name, interface=self.interface
        )

    def _call(self, conn: DBusConnection) -> float:
        """Seconds idle, or raises with a reason."""
        reply = conn.send_and_get_reply(
            new_method_call(self._target, self.method), timeout=CALL_TIMEOUT
        )
        if reply.header.message_type is MessageType.error:
            error = reply.header.fields.get(4, "error")  # HeaderFields.error_name
            text = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
            raise RuntimeError(f"{error}{': ' + text if text else ''}")
        if not reply.body or not isinstance(reply.body[0], int):
            raise RuntimeError(f"unexpected answer {reply.body!r}")
        return float(reply.body[0]) / 1000.0

    def open(self) -> bool:
        with self._lock:
            if self._conn is not None:
                return self._available
            address = self._bus_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
            if not address:
                return self._fail("no session bus: DBUS_SESSION_BUS_ADDRESS is not set")
            try:
                conn = open_dbus_connection(address)
            except Exception as exc:  # bad address, socket gone, auth refused
                return self._fail(f"cannot connect to the session bus: {first_line(exc)}")
            try:
                self._call(conn)
            except Exception as exc:
                conn.close()
                return self._fail(
                    f"{self.bus_name} does not answer {self.method}: {first_line(exc)}"
                )
            self._conn = conn
            return self._ok()

    def seconds_since_input(self) -> float | None:
        with self._lock:
            if self._conn is None:
                return None
            try:
                return self._call(self._conn)
            except TimeoutError:
                return None  # a busy compositor; the next poll will tell
            except Exception as exc:
                self._conn.close()
                self._conn = None
                self._fail(f"{self.bus_name} stopped answering: {first_line(exc)}")
                return None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._available:
                self._fail("closed")


class MutterIdleSource(DBusIdleSource):
    name = "mutter"
    sees = "all input the GNOME compositor receives (Wayland and X11)"
    bus_name = "org.gnome.Mutter.IdleMonitor"
    object_path = "/org/gnome/Mutter/IdleMonitor/Core"
    interface = "org.gnome.Mutter.IdleMonitor"
    method = "GetIdletime"


class FreedesktopScreenSaverSource(DBusIdleSource):
    name = "freedesktop-screensaver"
    sees = "all input the desktop session receives (KDE and others)"
    bus_name = "org.freedesktop.ScreenSaver"
    object_path = "/org/freedesktop/ScreenSaver"
    interface = "org.freedesktop.ScreenSaver"
    method = "GetSessionIdleTime"
