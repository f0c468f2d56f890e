"""logind's lock/unlock and sleep signals from a fake login1 on a private "system" bus."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from app.activity.detector import BecameActive, BecameIdle, IdleDetector, Slept
from app.activity.logind import LOGIND, LogindWatcher, SessionEvent, feed
from tests.support.dbus import DBusDaemon, DBusService, DBusServiceError

SESSION = "/org/freedesktop/login1/session/_32"
MANAGER_CALL = ("/org/freedesktop/login1", f"{LOGIND}.Manager")
OTHER_SESSION = "/org/freedesktop/login1/session/_7"


def fake_login1(address: str, *, knows_auto: bool = True) -> DBusService:
    """login1's Manager as far as the watcher uses it; signals are emitted by the tests."""
    service = DBusService(address, [LOGIND])
    manager = ("/org/freedesktop/login1", f"{LOGIND}.Manager")
    service.handle(*manager, "GetSessionByPID", lambda _body: ("o", (SESSION,)))
    known = {"32"} | ({"auto"} if knows_auto else set())

    def get_session(body: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
        if body[0] not in known:
            raise DBusServiceError(f"{LOGIND}.NoSuchSession", f"No session '{body[0]}' known")
        return "o", (SESSION,)

    service.handle(*manager, "GetSession", get_session)
    return service


@pytest.fixture
def login1(system_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch) -> Iterator[DBusService]:
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    with fake_login1(system_bus.address) as service:
        yield service


def sleep_signal(login1: DBusService, going: bool) -> None:
    login1.emit("/org/freedesktop/login1", f"{LOGIND}.Manager", "PrepareForSleep", "b", (going,))


def session_signal(login1: DBusService, member: str, path: str = SESSION) -> None:
    login1.emit(path, f"{LOGIND}.Session", member)


@pytest.fixture
def events() -> queue.Queue[SessionEvent]:
    return queue.Queue()


def collect(q: queue.Queue[SessionEvent], n: int) -> list[SessionEvent]:
    return [q.get(timeout=3) for _ in range(n)]


def test_watcher_reports_lock_unlock_sleep_wake(
    login1: DBusService, system_bus: DBusDaemon, events: queue.Queue[SessionEvent]
) -> None:
    watcher = LogindWatcher(events.put, bus_address=system_bus.address, session_id="")
    assert watcher.start(), watcher.reason
    try:
        assert watcher.session_path == SESSION
        assert watcher.reason == ""
        assert login1.calls[-1] == (*MANAGER_CALL, "GetSession")
        session_signal(login1, "Lock", OTHER_SESSION)  # someone else's session: ignored
        session_signal(login1, "Lock")
        session_signal(login1, "Unlock")
        sleep_signal(login1, True)
        sleep_signal(login1, False)
        assert collect(events, 4) == ["lock", "unlock", "sleep", "wake"]
        assert events.empty()
    finally:
        watcher.stop()


def test_session_found_by_id(
    login1: DBusService, system_bus: DBusDaemon, events: queue.Queue[SessionEvent]
) -> None:
    watcher = LogindWatcher(events.put, bus_address=system_bus.address, session_id="32")
    assert watcher.start()
    try:
        assert ("/org/freedesktop/login1", f"{LOGIND}.Manager", "GetSession") in login1.calls
        session_signal(login1, "Lock")
        assert collect(events, 1) == ["lock"]
    finally:
        watcher.stop()


def test_unknown_session_still_watches_sleep(
    login1: DBusService, system_bus: DBusDaemon, events: queue.Queue[SessionEvent]
) -> None:
    watcher = LogindWatcher(events.put, bus_address=system_bus.address, session_id="99")
    assert watcher.start()
    try:
        assert watcher.reason.startswith("lock/unlock not watched: no logind session")
        assert "No session '99' known" in watcher.reason
        sleep_signal(login1, True)
        assert collect(events, 1) == ["sleep"]
    finally:
        watcher.stop()


def test_old_logind_without_auto_is_asked_by_pid(
    system_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_SESSION_ID", raising=False)
    with fake_login1(system_bus.address, knows_auto=False) as service:
        watcher = LogindWatcher(lambda _e: None, bus_address=system_bus.address)
        assert watcher.start()
        try:
            assert watcher.session_path == SESSION
            assert service.calls[-1] == (*MANAGER_CALL, "GetSessionByPID")
        finally:
            watcher.stop()


def test_no_system_bus_is_a_reason(tmp_path: object) -> None:
    watcher = LogindWatcher(lambda _e: None, bus_address="unix:path=/nonexistent/bus_socket")
    assert watcher.start() is False
    assert watcher.reason.startswith("no system bus at unix:path=/nonexistent/bus_socket")


def test_signals_feed_the_detector_as_idle(
    login1: DBusService, system_bus: DBusDaemon, events: queue.Queue[SessionEvent]
) -> None:
    clock = {"m": 100.0, "w": 1_700_000_000.0}
    detector = IdleDetector(monotonic=lambda: clock["m"], wall=lambda: clock["w"])
    detector.sample(0.0)
    watcher = LogindWatcher(events.put, bus_address=system_bus.address, session_id="32")
    assert watcher.start()
    try:
        session_signal(login1, "Lock")
        [kind] = collect(events, 1)
        assert feed(detector, kind) == [BecameIdle(1_700_000_000.0, "locked")]
        clock["m"] += 60
        clock["w"] += 60
        session_signal(login1, "Unlock")
        [kind] = collect(events, 1)
        [active] = feed(detector, kind)
        assert isinstance(active, BecameActive) and active.period.duration == 60
        sleep_signal(login1, True)
        sleep_signal(login1, False)
        assert feed(detector, collect(events, 1)[0]) == []
        clock["w"] += 5
        [slept] = feed(detector, collect(events, 1)[0])
        assert isinstance(slept, Slept) and slept.period.cause == "sleep"
    finally:
        watcher.stop()
