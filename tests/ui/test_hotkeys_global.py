"""Global hotkeys through `HotkeyService`: real key presses (xdotool on a private Xvfb) reach a
`@Slot` on the GUI thread, re-registration takes effect, and an unusable session says why.

The Xvfb cases run in a child process (this module, run as a script): pynput's listener
thread and Qt share no process with the other ui tests, so the cyclic-GC trap (a collection
on pynput's thread destroying QObjects) cannot hit the rest of the suite.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_child(env: dict[str, str]) -> dict[str, Any]:
    env = {**env, "QT_QPA_PLATFORM": "offscreen", "QT_API": "pyside6", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "tests.ui.test_hotkeys_global"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    return dict(json.loads(lines[-1]))


@pytest.mark.xvfb
def test_hotkeys_fire_on_the_gui_thread_and_follow_new_settings() -> None:
    from tests.support.xserver import XServer, have_xvfb

    if not have_xvfb():
        pytest.fail("Xvfb and xdotool are required: run `make system-deps`")
    with XServer() as x:
        report = run_child(x.env())
    assert report["available"] is True and report["reason"] == ""
    assert report["recorded"] == "<ctrl>+<alt>+t"
    # every activation arrived on the GUI thread, in order; after the change ctrl+alt+p
    # did nothing (the restart_last marker comes right after it) and ctrl+alt+o worked
    assert report["seen"] == [
        ["toggle_tracking", True],
        ["open_popup", True],
        ["restart_last", True],
        ["open_popup", True],
    ]
    assert report["bindings"] == {
        "toggle_tracking": "<ctrl>+<alt>+t",
        "open_popup": "<ctrl>+<alt>+o",
        "restart_last": "<ctrl>+<alt>+r",
        "open_today": "<ctrl>+<alt>+d",
    }


@pytest.mark.xvfb
def test_an_x_server_without_record_says_why() -> None:
    from tests.support.xserver import XServer

    with XServer(record=False) as x:
        report = run_child(x.env())
    assert report["available"] is False
    assert report["reason"].startswith("unavailable in this session: ")
    assert "RECORD" in report["reason"]
    assert report["seen"] == []


def test_no_display_and_wayland_say_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.settings.model import Hotkeys
    from app.ui.hotkey_service import HotkeyService

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    service = HotkeyService()
    changes: list[tuple[bool, str]] = []
    service.availabilityChanged.connect(lambda ok, why: changes.append((ok, why)))
    assert not service.apply(Hotkeys())
    assert not service.available
    assert service.reason == "unavailable in this session: no display: DISPLAY is not set"
    assert changes == [(False, service.reason)]
    assert service.bindings == {}
    assert HotkeyService.session_problem() == service.reason

    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    assert not service.apply(Hotkeys(toggle_tracking="<ctrl>+<alt>+y"))
    assert "Wayland does not let applications grab global keys" in service.reason
    assert service.apply(Hotkeys(toggle_tracking="", open_popup="", restart_last="", open_today=""))
    assert service.available  # nothing to register: nothing unavailable
    service.deleteLater()


# --- the child process ------------------------------------------------------------------------


def _child() -> int:
    from PySide6.QtCore import QEventLoop, QKeyCombination, QObject, Qt, QTimer, Slot
    from PySide6.QtWidgets import QApplication

    from app.settings.model import Hotkeys
    from app.ui.hotkey_recorder import HotkeyRecorder
    from app.ui.hotkey_service import HotkeyService

    gc.disable()  # the GC trap: collect on the GUI thread only
    app = QApplication(["hotkeys-child"])
    collector = QTimer()
    collector.timeout.connect(gc.collect)
    collector.start(200)
    gui_thread = threading.get_ident()
    seen: list[list[Any]] = []

    class Receiver(QObject):
        @Slot(str)
        def on_activated(self, action: str) -> None:
            seen.append([action, threading.get_ident() == gui_thread])

    receiver = Receiver()
    service = HotkeyService()
    service.activated.connect(receiver.on_activated)

    def pump_until(done: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if not done():
            raise SystemExit(f"timed out; seen so far: {seen}")

    def press(combo: str, expect: int) -> None:
        subprocess.run(["xdotool", "key", combo], check=True, timeout=10)
        pump_until(lambda: len(seen) >= expect)

    recorder = HotkeyRecorder()  # the string to register comes from the recorder
    recorder.start_recording()
    recorder.record(
        QKeyCombination(
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier, Qt.Key.Key_T
        )
    )
    recorded = recorder.value
    service.apply(
        Hotkeys(
            toggle_tracking=recorded, open_popup="<ctrl>+<alt>+p", restart_last="<ctrl>+<alt>+r"
        )
    )
    if service.available:
        press("ctrl+alt+t", 1)
        press("ctrl+alt+p", 2)
        service.apply(
            Hotkeys(
                toggle_tracking=recorded,
                open_popup="<ctrl>+<alt>+o",
                restart_last="<ctrl>+<alt>+r",
            )
        )
        subprocess.run(["xdotool", "key", "ctrl+alt+p"], check=True, timeout=10)
        press("ctrl+alt+r", 3)  # the marker: ctrl+alt+p, had it fired, came before it
        press("ctrl+alt+o", 4)
    report = {
        "available": service.available,
        "reason": service.reason,
        "recorded": recorded,
        "seen": seen,
        "bindings": service.bindings,
    }
    print(json.dumps(report), flush=True)
    service.close()
    collector.stop()
    os._exit(0)  # pynput's listener threads may sit in a blocking X call: do not join them


if __name__ == "__main__":
    sys.exit(_child())
