"""Mutter and freedesktop ScreenSaver idle counters against a real private dbus-daemon."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from app.activity.dbus_sources import FreedesktopScreenSaverSource, MutterIdleSource
from app.activity.probe import probe
from app.activity.xscreensaver import XScreenSaverSource
from tests.support.dbus import DBusDaemon, DBusService, DBusServiceError
from tests.support.wait import wait_for
from tests.support.xserver import XServer

MUTTER = ("org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core")
SCREENSAVER = ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver")


class FakeDesktop:
    """A compositor's idle counters on the bus; idle milliseconds come from `idle_ms()`."""

    def __init__(self, bus: DBusDaemon, *, mutter: bool = True, screensaver: bool = True) -> None:
        names = [MUTTER[0]] * mutter + [SCREENSAVER[0]] * screensaver
        self.service = DBusService(bus.address, names)
        self.idle_ms = lambda: 0
        self.screensaver_error: str | None = None
        self.service.handle(
            MUTTER[1], MUTTER[0], "GetIdletime", lambda _b: ("t", (self.idle_ms(),))
        )
        self.service.handle(SCREENSAVER[1], SCREENSAVER[0], "GetSessionIdleTime", self._session)

    def _session(self, _body: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
        if self.screensaver_error:
            raise DBusServiceError(
                "org.freedesktop.DBus.Error.NotSupported", self.screensaver_error
            )
        return "u", (self.idle_ms(),)


@pytest.fixture
def desktop(session_bus: DBusDaemon) -> Iterator[FakeDesktop]:
    fake = FakeDesktop(session_bus)
    with fake.service:
        yield fake


@pytest.mark.parametrize("source_class", [MutterIdleSource, FreedesktopScreenSaverSource])
def test_reads_idle_milliseconds(
    desktop: FakeDesktop, session_bus: DBusDaemon, source_class: type[MutterIdleSource]
) -> None:
    value = [1500]
    desktop.idle_ms = lambda: value[0]
    source = source_class(session_bus.address)
    assert source.open(), source.status()
    try:
        assert source.seconds_since_input() == 1.5
        value[0] = 42
        assert source.seconds_since_input() == 0.042
        assert (
            desktop.service.calls.count((source.object_path, source.interface, source.method)) == 3
        )  # one when probing, then one per poll
    finally:
        source.close()


def test_gnome_refuses_session_idle_time(desktop: FakeDesktop, session_bus: DBusDaemon) -> None:
    desktop.screensaver_error = "This method is not implemented"
    source = FreedesktopScreenSaverSource(session_bus.address)
    assert source.open() is False
    reason = source.status().reason
    assert "org.freedesktop.ScreenSaver does not answer GetSessionIdleTime" in reason
    assert "NotSupported" in reason


def test_missing_service_and_missing_bus(
    session_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = MutterIdleSource(session_bus.address)
    assert source.open() is False
    assert "org.gnome.Mutter.IdleMonitor does not answer GetIdletime" in source.status().reason
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    source = MutterIdleSource()
    assert source.open() is False
    assert source.status().reason == "no session bus: DBUS_SESSION_BUS_ADDRESS is not set"


def test_service_going_away_makes_source_unavailable(session_bus: DBusDaemon) -> None:
    fake = FakeDesktop(session_bus, screensaver=False)
    fake.service.start()
    source = MutterIdleSource(session_bus.address)
    try:
        assert source.open()
        fake.service.stop()
        assert wait_for(lambda: source.seconds_since_input() is None, timeout=3, what="failure")
        assert source.status().reason.startswith("org.gnome.Mutter.IdleMonitor stopped answering")
    finally:
        fake.service.stop()
        source.close()


def test_probe_on_wayland_picks_mutter_and_skips_x11_sources(
    desktop: FakeDesktop, session_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus.address)
    env = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    result = probe(platform="linux", env=env)
    try:
        assert result.session == "wayland"
        assert result.chosen.name == "mutter"
        by_name = {s.name: s for s in result.considered}
        assert by_name["freedesktop-screensaver"].reason == "not tried: mutter is preferred"
        assert by_name["pynput"].reason.startswith("skipped: Wayland session: it would only")
    finally:
        result.chosen.close()


def test_probe_on_kde_wayland_falls_to_freedesktop(
    session_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus.address)
    with FakeDesktop(session_bus, mutter=False).service:
        result = probe(platform="linux", env={"WAYLAND_DISPLAY": "wayland-0"})
        try:
            assert result.chosen.name == "freedesktop-screensaver"
            by_name = {s.name: s for s in result.considered}
            assert "does not answer GetIdletime" in by_name["mutter"].reason
            assert by_name["pynput"].reason.startswith("skipped: Wayland session")
            assert by_name["xscreensaver"].reason.startswith("skipped: Wayland session")
        finally:
            result.chosen.close()


def test_wayland_without_idle_monitor_is_null_with_reasons(
    session_bus: DBusDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus.address)
    result = probe(platform="linux", env={"XDG_SESSION_TYPE": "wayland"})
    assert result.chosen.name == "null"
    assert result.chosen.status().reason.startswith("no activity sensing available")
    assert len(result.considered) == 4 and not any(s.available for s in result.considered)


@pytest.mark.xvfb
def test_dbus_source_follows_real_input_of_a_compositor(
    session_bus: DBusDaemon, x11: XServer
) -> None:
    """End to end: the fake compositor answers with the X server's own idle counter."""
    xss = XScreenSaverSource()
    assert xss.open()
    fake = FakeDesktop(session_bus)
    fake.idle_ms = lambda: int((xss.seconds_since_input() or 0) * 1000)
    source = MutterIdleSource(session_bus.address)
    try:
        with fake.service:
            assert source.open()
            wait_for(lambda: (source.seconds_since_input() or 0) >= 0.3, timeout=3, what="quiet")
            before = time.monotonic()
            x11.xdotool("mousemove", "17", "71")
            wait_for(
                lambda: (source.seconds_since_input() or 9) < time.monotonic() - before,
                timeout=2,
                what="the compositor to report the input",
            )
    finally:
        source.close()
        xss.close()
