"""pynput and XScreenSaver sources against a real Xvfb, driven by xdotool."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import Xlib.display
from Xlib.protocol import request

from app.activity.base import SourceBase
from app.activity.probe import probe
from app.activity.pynput_source import PynputSource
from app.activity.xscreensaver import XScreenSaverSource
from tests.support.wait import wait_for
from tests.support.xserver import XServer

pytestmark = pytest.mark.xvfb

_positions = itertools.cycle([(100, 120), (400, 300), (900, 650), (30, 700)])

ACTIONS = {
    "mouse move": lambda: ["mousemove", *map(str, next(_positions))],
    "click": lambda: ["click", "1"],
    "key press": lambda: ["key", "shift"],
}


@pytest.fixture(params=["pynput", "xscreensaver"])
def source(request: pytest.FixtureRequest, x11: XServer) -> Iterator[SourceBase]:
    made: SourceBase = PynputSource() if request.param == "pynput" else XScreenSaverSource()
    assert made.open(), made.status()
    yield made
    made.close()


def seconds(source: SourceBase) -> float:
    value = source.seconds_since_input()  # type: ignore[attr-defined]
    assert value is not None, source.status()
    return float(value)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_source_sees_input(source: SourceBase, x11: XServer, action: str) -> None:
    for _ in range(2):  # twice: the second drop proves it keeps seeing input
        # Some quiet first, so a reset cannot be confused with the previous input.
        wait_for(lambda: seconds(source) >= 0.25, timeout=3, what="0.25 s of quiet")
        before = time.monotonic()
        x11.xdotool(*ACTIONS[action]())
        # Input seen after `before` <=> its age is less than the time since `before`.
        after = wait_for(
            lambda b=before: (s := seconds(source)) < time.monotonic() - b and (s,),
            timeout=2,
            what=f"{source.name} to see a {action}",
        )[0]
        assert after < 1.0


def test_pynput_callbacks_keep_no_key_or_position(x11: XServer) -> None:
    source = PynputSource()
    assert source.open()
    try:
        before = {k: v for k, v in vars(source).items() if k != "_last_input"}
        snapshot = {k: repr(v) for k, v in before.items()}
        started = time.monotonic()
        x11.xdotool("type", "--delay", "0", "hunter2")
        x11.xdotool("mousemove", "321", "123", "click", "1")
        wait_for(lambda: source.last_input > started, timeout=2, what="the typing")
        after = {k: v for k, v in vars(source).items() if k != "_last_input"}
        assert {k: repr(v) for k, v in after.items()} == snapshot
        assert type(source.last_input) is float
        # And directly: a callback handed a key object and a position keeps no reference.
        key, x, y = object(), object(), object()
        refs = [sys.getrefcount(o) for o in (key, x, y)]
        source._touch(key, True)
        source._touch(x, y, True)
        assert [sys.getrefcount(o) for o in (key, x, y)] == refs
    finally:
        source.close()


def kill_x_connection(x11: XServer, listener: object) -> None:
    """XKillClient on the listener's recording connection: its thread dies with an error."""
    conn = Xlib.display.Display(x11.display)
    try:
        request.KillClient(display=conn.display, resource=listener._context)  # type: ignore[attr-defined]
        conn.sync()
    finally:
        conn.close()


def test_dead_listener_is_detected_and_replaced(x11: XServer) -> None:
    source = PynputSource()
    assert source.open()
    try:
        before_death = time.monotonic()
        x11.xdotool("key", "shift")
        wait_for(lambda: source.last_input > before_death, timeout=2, what="the first input")
        last_input = source.last_input
        first = source.listener_threads
        kill_x_connection(x11, first[0])
        wait_for(lambda: not first[0].is_alive(), timeout=3, what="the listener to die")
        value = source.seconds_since_input()  # the poll notices and replaces it
        assert value is not None and value >= time.monotonic() - last_input - 0.01
        assert source.restart_reasons == [
            "ConnectionClosedError: Display connection closed by server"
        ]
        fresh = source.listener_threads
        assert fresh and all(t.is_alive() for t in fresh) and fresh[0] is not first[0]
        before = time.monotonic()
        x11.xdotool("key", "shift")
        wait_for(lambda: source.last_input > before, timeout=2, what="the new listener")
        assert source.status().available and source.status().reason == ""
    finally:
        source.close()


def test_stopped_listener_is_replaced_too(x11: XServer) -> None:
    source = PynputSource()
    assert source.open()
    try:
        first = source.listener_threads
        first[1].stop()  # someone stops it: on X11 that completes with the next event
        x11.xdotool("mousemove_relative", "--", "5", "5")
        wait_for(lambda: not first[1].is_alive(), timeout=3, what="the listener to end")
        assert source.seconds_since_input() is not None
        assert source.restart_reasons == ["its thread ended without an error"]
        assert all(t.is_alive() for t in source.listener_threads)
    finally:
        source.close()


def test_listener_that_keeps_dying_is_given_up_with_the_reason(x11: XServer) -> None:
    source = PynputSource()
    assert source.open()
    try:
        for _ in range(4):
            victim = source.listener_threads[1]
            kill_x_connection(x11, victim)
            wait_for(lambda v=victim: not v.is_alive(), timeout=3, what="the listener to die")
            source.seconds_since_input()
        status = source.status()
        assert not status.available
        assert status.reason == (
            "pynput listener keeps dying (ConnectionClosedError: Display connection closed by "
            "server); gave up"
        )
        assert source.seconds_since_input() is None
    finally:
        source.close()


def test_no_display_is_a_reason_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    for source in (PynputSource(), XScreenSaverSource()):
        assert source.open() is False
        assert source.status().reason == "no display: DISPLAY is not set"
        assert source.seconds_since_input() is None
        source.close()


def _run_isolated(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("display", "check_display", "expected"),
    [
        (None, False, "no display: this platform is not supported"),  # the ImportError itself
        (":4242", True, "no display: cannot connect to the X display :4242"),
        (":4242", False, "no display: this platform is not supported"),
    ],
)
def test_pynput_without_a_display_in_a_fresh_process(
    display: str | None, check_display: bool, expected: str
) -> None:
    code = (
        "import json\n"
        "from app.activity.pynput_source import PynputSource\n"
        f"s = PynputSource(check_display={check_display})\n"
        "print(json.dumps([s.open(), s.status().reason, s.seconds_since_input()]))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": "."}
    if display:
        env["DISPLAY"] = display
    out = _run_isolated(code, env)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no traceback, no warning
    opened, reason, value = json.loads(out.stdout)
    assert opened is False and value is None
    assert reason.startswith(expected)


def test_record_disabled_probe_falls_back_to_xscreensaver(monkeypatch: pytest.MonkeyPatch) -> None:
    with XServer(record=False) as bare:
        for key, value in bare.env({}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
        result = probe()
        try:
            assert result.session == "x11"
            assert result.chosen.name == "xscreensaver"
            by_name = {s.name: s for s in result.considered}
            assert not by_name["pynput"].available
            assert "RECORD" in by_name["pynput"].reason
            assert by_name["xscreensaver"].available
            assert by_name["mutter"].reason.startswith("not tried")
        finally:
            result.chosen.close()


def test_record_disabled_listener_death_is_reported(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    with XServer(record=False) as bare:
        monkeypatch.setenv("DISPLAY", bare.display)
        source = PynputSource(check_display=False)  # skip the pre-check: let the thread die
        assert source.open() is False
        assert source.status().reason == (
            "pynput listener failed to start: the X server has no RECORD extension"
        )
        assert source.listener_threads == []
        assert "Traceback" not in capfd.readouterr().err  # the thread's death was captured


def test_probe_prefers_pynput_on_x11(x11: XServer) -> None:
    result = probe(platform="linux", env=x11.env({}))
    try:
        assert result.chosen.name == "pynput"
        assert [s.name for s in result.considered][:2] == ["pynput", "xscreensaver"]
        assert result.considered[1].reason == "not tried: pynput is preferred"
        assert result.considered[1].tried is False
        text = result.describe()
        assert text[:2] == ["session: x11", f"using: {result.chosen.status().describe()}"]
        assert text[3] == "  xscreensaver: not tried: pynput is preferred"
    finally:
        result.chosen.close()


def test_xscreensaver_survives_its_x_server_going_away() -> None:
    server = XServer().start()
    try:
        source = XScreenSaverSource(server.display)
        assert source.open()
        assert source.seconds_since_input() is not None
    finally:
        server.stop()
    assert source.seconds_since_input() is None  # would exit() the process without care
    assert source.status().reason == "lost the connection to the X server"
    source.close()
