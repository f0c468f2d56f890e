"""Fixtures for activity tests: a real Xvfb (RECORD on) per session, private D-Bus buses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.dbus import DBusDaemon
from tests.support.xserver import XServer, have_xvfb


@pytest.fixture(scope="session")
def xserver() -> Iterator[XServer]:
    if not have_xvfb():
        pytest.fail("Xvfb and xdotool are required: run `make system-deps`")
    with XServer() as server:
        yield server


@pytest.fixture
def x11(xserver: XServer, monkeypatch: pytest.MonkeyPatch) -> XServer:
    """The session's X server, with this process's environment pointing at it."""
    assert xserver.alive, "the test X server died"
    for key, value in xserver.env({}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return xserver


@pytest.fixture
def session_bus() -> Iterator[DBusDaemon]:
    with DBusDaemon() as bus:
        yield bus


@pytest.fixture
def system_bus() -> Iterator[DBusDaemon]:
    with DBusDaemon(role="system") as bus:
        yield bus
