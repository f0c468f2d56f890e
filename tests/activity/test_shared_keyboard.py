"""The activity source and the global hotkeys share one pynput keyboard listener: one thread
and one set of X connections, the hotkeys changeable on it while it runs (private Xvfb)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import Xlib.display

from app.activity.hotkeys import GlobalHotkeys
from app.activity.keyboard import shared_keyboard
from app.activity.pynput_source import PynputSource
from tests.support.wait import wait_for
from tests.support.xserver import XServer, have_xvfb

pytestmark = pytest.mark.xvfb


@pytest.fixture
def private_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[XServer]:
    """An X server of its own: its client list holds this test's connections only."""
    if not have_xvfb():
        pytest.fail("Xvfb and xdotool are required: run `make system-deps`")
    with XServer() as server:
        for key, value in server.env({}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        yield server


def x_clients(display: str) -> int:
    """Connections to the X server (X-Resource), not counting the one asking."""
    conn = Xlib.display.Display(display)
    try:
        return len(conn.res_query_clients().clients) - 1
    finally:
        conn.close()


def keyboard_threads(since: set[threading.Thread]) -> list[threading.Thread]:
    from pynput import keyboard

    return [
        t
        for t in threading.enumerate()
        if t not in since and isinstance(t, keyboard.Listener) and t.is_alive()
    ]


def test_hotkeys_and_activity_arrive_through_one_listener(private_x: XServer) -> None:
    hub = shared_keyboard()
    assert hub.members == 0 and hub.listener is None
    threads_before = set(threading.enumerate())
    clients_before = x_clients(private_x.display)
    source = PynputSource()
    hotkeys = GlobalHotkeys()
    try:
        assert source.open(), source.status()
        with_source = x_clients(private_x.display)
        assert with_source > clients_before
        fired = threading.Event()
        hotkeys.register("<ctrl>+<alt>+k", fired.set)
        hotkeys.register("<ctrl>+<alt>+j", lambda: None)  # a change: still no new listener
        # the hotkeys added no listener: the same thread, no X connection more
        assert keyboard_threads(threads_before) == [hub.listener]
        assert source.listener_threads[0] is hub.listener
        assert x_clients(private_x.display) == with_source
        assert hub.members == 2

        before = time.monotonic()
        private_x.xdotool("key", "ctrl+alt+k")
        assert fired.wait(3), "the hotkey did not fire"
        wait_for(lambda: source.last_input > before, timeout=2, what="the key as activity")

        hotkeys.close()  # the source keeps the listener
        assert hub.members == 1 and hub.listener is not None and hub.listener.is_alive()
        before = time.monotonic()
        private_x.xdotool("key", "shift")
        wait_for(lambda: source.last_input > before, timeout=2, what="activity after the hotkeys")
    finally:
        hotkeys.close()
        source.close()
    assert hub.members == 0 and hub.listener is None  # the last one out stopped it


def test_a_dead_listener_is_replaced_for_both(private_x: XServer) -> None:
    """The source's poll replaces a listener that died; the hotkeys go on on the fresh one."""
    from Xlib.protocol import request

    hub = shared_keyboard()
    source = PynputSource()
    hotkeys = GlobalHotkeys()
    try:
        assert source.open(), source.status()
        fired = threading.Event()
        hotkeys.register("<ctrl>+<alt>+k", fired.set)
        first = hub.listener
        conn = Xlib.display.Display(private_x.display)
        try:  # XKillClient on its recording connection: the thread dies with an error
            request.KillClient(display=conn.display, resource=first._context)
            conn.sync()
        finally:
            conn.close()
        wait_for(lambda: not first.is_alive(), timeout=3, what="the listener to die")
        assert not hotkeys.alive
        assert source.seconds_since_input() is not None  # the poll notices and replaces it
        assert source.restart_reasons == [
            "ConnectionClosedError: Display connection closed by server"
        ]
        assert hub.listener is not first and hub.listener is source.listener_threads[0]
        assert hotkeys.alive and hub.members == 2
        private_x.xdotool("key", "ctrl+alt+k")
        assert fired.wait(3), "the hotkey did not fire on the fresh listener"
    finally:
        hotkeys.close()
        source.close()
