"""Lock/unlock and suspend/resume from systemd-logind's D-Bus signals on the system bus.

Signals watched:
- `org.freedesktop.login1.Manager.PrepareForSleep(b)` on /org/freedesktop/login1:
  True before sleeping, False after waking;
- `org.freedesktop.login1.Session.Lock()` / `Unlock()` on this process's session object.

The watcher runs one daemon thread and hands each event to `on_event` on that thread; the
consumer moves it to its own thread/loop before touching an `IdleDetector`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Literal

from jeepney import DBusAddress, MatchRule, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.activity.base import first_line
from app.activity.detector import Event, IdleDetector

log = logging.getLogger(__name__)

SessionEvent = Literal["lock", "unlock", "sleep", "wake"]

LOGIND = "org.freedesktop.login1"
MANAGER = DBusAddress("/org/freedesktop/login1", bus_name=LOGIND, interface=f"{LOGIND}.Manager")
DEFAULT_SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket"
CALL_TIMEOUT = 2.0


def feed(detector: IdleDetector, event: SessionEvent) -> list[Event]:
    """Apply a session event to the detector (lock and sleep count as idle)."""
    if event == "lock":
        return detector.lock()
    if event == "unlock":
        return detector.unlock()
    if event == "sleep":
        return detector.suspend()
    return detector.resume()


class LogindWatcher:
    def __init__(
        self,
        on_event: Callable[[SessionEvent], None],
        *,
        bus_address: str | None = None,
        session_id: str | None = None,
    ) -> None:
        self._on_event = on_event
        self._bus_address = bus_address
        self._session_id = session_id
        self._conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.session_path = ""
        self.available = False
        self.reason = "not started"  # why nothing is watched, or what is missing

    def start(self) -> bool:
        """Subscribe and start the thread; False (with `reason`) where there is no logind."""
        address = (
            self._bus_address or os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or DEFAULT_SYSTEM_BUS
        )
        try:
            conn = open_dbus_connection(address)
        except Exception as exc:
            self.reason = f"no system bus at {address}: {first_line(exc)}"
            return False
        try:
            self._subscribe(conn)
        except Exception as exc:
            conn.close()
            self.reason = f"logind is not usable: {first_line(exc)}"
            return False
        self._conn = conn
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="logind-watcher", daemon=True)
        self._thread.start()
        self.available = True
        return True

    def _call(self, conn: DBusConnection, method: str, signature: str, *args: object) -> object:
        msg = new_method_call(MANAGER, method, signature, args)
        reply = conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT)
        if reply.header.message_type is MessageType.error:
            raise RuntimeError(f"{method}: {reply.header.fields.get(4)}: {reply.body}")
        return reply.body[0]

    def _subscribe(self, conn: DBusConnection) -> None:
        sleep_rule = MatchRule(
            type="signal",
            sender=LOGIND,
            interface=f"{LOGIND}.Manager",
            member="PrepareForSleep",
            path="/org/freedesktop/login1",
        )
        self._add_match(conn, sleep_rule)
        session_id = self._session_id or os.environ.get("XDG_SESSION_ID", "")
        try:
            path = self._session_path(conn, session_id)
        except Exception as exc:
            # Suspend still works; lock/unlock cannot be watched without our session.
            self.reason = f"lock/unlock not watched: no logind session ({first_line(exc)})"
            return
        self.session_path = str(path)
        lock_rule = MatchRule(
            type="signal", sender=LOGIND, interface=f"{LOGIND}.Session", path=self.session_path
        )
        self._add_match(conn, lock_rule)
        self.reason = ""

    def _session_path(self, conn: DBusConnection, session_id: str) -> object:
        if session_id:
            return self._call(conn, "GetSession", "s", session_id)
        try:
            # "auto": our session, or the user's graphical one when we run outside any
            # session (e.g. started by a systemd user service).
            return self._call(conn, "GetSession", "s", "auto")
        except RuntimeError:  # a logind older than "auto"
            return self._call(conn, "GetSessionByPID", "u", os.getpid())

    def _add_match(self, conn: DBusConnection, rule: MatchRule) -> None:
        reply = conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)
        if reply.header.message_type is MessageType.error:
            raise RuntimeError(f"AddMatch refused: {reply.body}")

    def _run(self) -> None:
        conn = self._conn
        assert conn is not None
        while not self._stop.is_set():
            try:
                msg = conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except Exception as exc:  # the bus went away
                if not self._stop.is_set():
                    self.available = False
                    self.reason = f"lost the system bus: {first_line(exc)}"
                return
            event = self._translate(msg)
            if event is not None:
                try:
                    self._on_event(event)
                except Exception:  # the consumer's bug must not end the watcher
                    log.exception("session event handler failed")

    def _translate(self, msg: object) -> SessionEvent | None:
        header = getattr(msg, "header", None)
        if header is None or header.message_type is not MessageType.signal:
            return None
        path, interface, member = (header.fields.get(i) for i in (1, 2, 3))
        body = getattr(msg, "body", ())
        if interface == f"{LOGIND}.Manager" and member == "PrepareForSleep" and body:
            return "sleep" if body[0] else "wake"
        if interface == f"{LOGIND}.Session" and path == self.session_path:
            if member == "Lock":
                return "lock"
            if member == "Unlock":
                return "unlock"
        return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.available = False
