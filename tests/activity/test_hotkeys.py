"""Global hotkeys on pynput's GlobalHotKeys under Xvfb, changed while running."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from app.activity.hotkeys import GlobalHotkeys, HotkeysUnavailable
from tests.support.wait import wait_for
from tests.support.xserver import XServer

pytestmark = pytest.mark.xvfb


class Presses:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def callback(self, name: str):
        def fire() -> None:
            with self.lock:
                self.seen.append(name)

        return fire

    def count(self, name: str) -> int:
        with self.lock:
            return self.seen.count(name)


@pytest.fixture
def hotkeys(x11: XServer) -> Iterator[GlobalHotkeys]:
    keys = GlobalHotkeys()
    yield keys
    keys.close()


def press_and_sync(x11: XServer, presses: Presses, combo: str) -> None:
    """Press `combo`, then a marker hotkey; events arrive in order, so once the marker fired,
    every effect of `combo` has been delivered."""
    marker_count = presses.count("marker")
    x11.xdotool("key", combo)
    x11.xdotool("key", "ctrl+alt+m")
    wait_for(lambda: presses.count("marker") > marker_count, timeout=3, what="the marker hotkey")


def test_hotkey_fires_exactly_once(hotkeys: GlobalHotkeys, x11: XServer) -> None:
    presses = Presses()
    hotkeys.register("<ctrl>+<alt>+m", presses.callback("marker"))
    hotkeys.register("<ctrl>+<alt>+k", presses.callback("k"))
    press_and_sync(x11, presses, "ctrl+alt+k")
    assert presses.count("k") == 1
    press_and_sync(x11, presses, "ctrl+k")  # without alt: not the combination
    press_and_sync(x11, presses, "k")
    assert presses.count("k") == 1


def test_register_and_unregister_at_run_time(hotkeys: GlobalHotkeys, x11: XServer) -> None:
    presses = Presses()
    hotkeys.register("<ctrl>+<alt>+m", presses.callback("marker"))
    press_and_sync(x11, presses, "ctrl+alt+t")
    assert presses.count("t") == 0
    hotkeys.register("<ctrl>+<alt>+t", presses.callback("t"))
    assert hotkeys.bindings == ["<ctrl>+<alt>+m", "<ctrl>+<alt>+t"]
    press_and_sync(x11, presses, "ctrl+alt+t")
    assert presses.count("t") == 1
    hotkeys.unregister("<ctrl>+<alt>+t")
    press_and_sync(x11, presses, "ctrl+alt+t")
    assert presses.count("t") == 1
    assert hotkeys.alive


def test_failing_handler_does_not_kill_the_hotkeys(hotkeys: GlobalHotkeys, x11: XServer) -> None:
    presses = Presses()

    def broken() -> None:
        raise RuntimeError("handler bug")

    hotkeys.register("<ctrl>+<alt>+m", presses.callback("marker"))
    hotkeys.register("<ctrl>+<alt>+b", broken)
    press_and_sync(x11, presses, "ctrl+alt+b")
    press_and_sync(x11, presses, "ctrl+alt+b")
    assert presses.count("marker") == 2 and hotkeys.alive


def test_invalid_combination_is_a_clear_error(hotkeys: GlobalHotkeys) -> None:
    with pytest.raises(ValueError, match="not a valid hotkey: '<ctrl>\\+<nosuchkey>'"):
        hotkeys.register("<ctrl>+<nosuchkey>", lambda: None)


def test_unavailable_without_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "tty")
    keys = GlobalHotkeys()
    with pytest.raises(HotkeysUnavailable) as caught:
        keys.register("<ctrl>+<alt>+t", lambda: None)
    assert str(caught.value) == "unavailable in this session: no display: DISPLAY is not set"
    assert keys.reason == str(caught.value)


def test_unavailable_on_wayland(x11: XServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    keys = GlobalHotkeys()
    with pytest.raises(HotkeysUnavailable, match="unavailable in this session: Wayland"):
        keys.register("<ctrl>+<alt>+t", lambda: None)


def test_unavailable_without_record(monkeypatch: pytest.MonkeyPatch) -> None:
    with XServer(record=False) as bare:
        monkeypatch.setenv("DISPLAY", bare.display)
        monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
        keys = GlobalHotkeys()
        with pytest.raises(HotkeysUnavailable, match="no RECORD extension"):
            keys.register("<ctrl>+<alt>+t", lambda: None)
