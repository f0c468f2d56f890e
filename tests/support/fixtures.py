"""Pytest fixtures over the helpers, for any test folder to import into its conftest.py::

    from tests.support.fixtures import session_bus, system_bus, x11, xserver  # noqa: F401

- `xserver`: one Xvfb (RECORD and XTEST on) for the whole session.
- `x11`: that server, with this process's DISPLAY / XDG_SESSION_TYPE pointing at it
  (restored after the test).
- `session_bus` / `system_bus`: a fresh private dbus-daemon per test; `.env()` gives the
  matching DBUS_*_BUS_ADDRESS.
"""

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
