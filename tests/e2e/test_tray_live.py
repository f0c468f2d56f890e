"""Live updates end to end: the tray app (a real process on Xvfb + trayer) connected to the
server's SignalR hub, a track started by another process (`pacetray start`), and the tray
following it at once: the icon within 2 s, then the activity check of that track answered
(input from xdotool) or prompted and left to the server (no input). Hub invocations are
recorded at the (in-process) server's dispatcher. Screenshots land in test-artifacts/.

The server's clock runs in real time: a check 10 s into the track, 15 s to answer it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from app.api.models import StoppedTrackType, TrackingState, TrackingStateKind
from app.server.app import hub_of
from tests.e2e.conftest import TOKEN, AppProcess, LiveServer
from tests.e2e.desktop import ROOT, Desktop, Rect, images_differ
from tests.e2e.test_tray_app import (
    CHECK_PROMPT_NAME,
    WORK_ITEM,
    Jiggler,
    stable_grab,
    tracking,
)
from tests.support.wait import wait_for

CHECK_INTERVAL = 10.0
CHECK_WAIT = 15.0
ICON_WITHIN = 2.0  # seconds from `pacetray start` returning to the changed icon


def record_invocations(server: LiveServer) -> list[str]:
    """The hub methods the server runs from now on, in order."""
    dispatcher = hub_of(server.thread.app).dispatcher
    invoked: list[str] = []
    invoke = dispatcher.invoke

    def recording(target: Any, arguments: Any) -> Any:
        invoked.append(str(target).lower())
        return invoke(target, arguments)

    dispatcher.invoke = recording  # type: ignore[method-assign]
    return invoked


def app_connected(server: LiveServer, app: AppProcess) -> None:
    """Waits until the app holds a hub connection (the only client of this server)."""

    def connected() -> bool:
        app.assert_running()
        return hub_of(server.thread.app).registry.count() >= 1

    wait_for(connected, timeout=30, interval=0.05, what="the app's hub connection")


def cli_start(server: Any, home: Any, token: str = TOKEN) -> TrackingState:
    """`pacetray start --work-item N` as its own process; the server's state after it
    (`server`: anything with `url` and `current()`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACETRAY_")}
    env |= {
        "HOME": str(home),
        "PACETRAY_CONFIG_DIR": str(home / "cli-config"),
        "PACETRAY_DATA_DIR": str(home / "cli-data"),
        "PACETRAY_SERVER": server.url,
        "PACETRAY_TOKEN": token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app", "start", "--work-item", str(WORK_ITEM)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    state = server.current()
    assert tracking(state) and state.track.tfs_id == WORK_ITEM
    return state


def started_elsewhere_shows_at_once(
    desk: Desktop, server: LiveServer, app: AppProcess, home: Any
) -> tuple[Rect, float]:
    """Starts a track from the command line; asserts the icon changed within 2 s. Returns the
    icon and the monotonic time the track started."""
    icon = desk.wait_icon(timeout=30)
    app_connected(server, app)
    idle_icon = stable_grab(desk, icon)
    cli_start(server, home)
    started = time.monotonic()
    changed = stable_grab(desk, icon, differs_from=idle_icon, timeout=ICON_WITHIN)
    took = time.monotonic() - started
    assert took <= ICON_WITHIN, f"the icon changed after {took:.2f} s"
    assert images_differ(idle_icon, changed) > icon.width * icon.height // 20
    return icon, started


def test_a_track_started_from_the_command_line_is_shown_and_its_check_prompted(
    live_desktop: Desktop,
    start_server: Callable[..., LiveServer],
    start_app: Callable[..., AppProcess],
    tmp_path: Any,
) -> None:
    desk = live_desktop
    desk.xdotool("mousemove", "200", "700")  # the last input, long before the check
    server = start_server(activity_check_interval=CHECK_INTERVAL, activity_check_wait=CHECK_WAIT)
    app = start_app(server, settings={"activity_window_seconds": 10})
    invoked = record_invocations(server)
    _, started = started_elsewhere_shows_at_once(desk, server, app, tmp_path)
    desk.save("live-tray-started-elsewhere.png")

    # Nobody at the machine: the pushed check opens the prompt at once.
    prompt_ids = wait_for(
        lambda: desk.window_ids(name=CHECK_PROMPT_NAME),
        timeout=CHECK_INTERVAL + 5,
        interval=0.1,
        what="the activity-check prompt",
    )
    state = server.current()
    assert state.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
    opened_after = time.monotonic() - started
    prompt = desk.window_rect(prompt_ids[0])
    stable_grab(desk, prompt)
    desk.save("live-prompt-activity-check.png")

    def stopped() -> TrackingState | None:
        app.assert_running()
        now = server.current()
        return None if tracking(now) else now

    final = wait_for(stopped, timeout=CHECK_WAIT + 10, interval=0.25, what="the server's stop")
    assert final is not None
    assert final.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert final.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    wait_for(
        lambda: not desk.window_ids(name=CHECK_PROMPT_NAME),
        timeout=5,
        interval=0.1,
        what="the prompt to close once the server stopped the track",
    )
    desk.save("live-tray-server-stopped.png")
    assert not any(name in ("activitycheck", "idlecheck") for name in invoked), invoked
    assert opened_after < CHECK_INTERVAL + 5
    app.assert_running()


def test_a_check_of_a_track_started_elsewhere_is_answered_over_the_hub_while_working(
    live_desktop: Desktop,
    start_server: Callable[..., LiveServer],
    start_app: Callable[..., AppProcess],
    tmp_path: Any,
) -> None:
    desk = live_desktop
    desk.xdotool("mousemove", "200", "700")
    server = start_server(activity_check_interval=CHECK_INTERVAL, activity_check_wait=CHECK_WAIT)
    app = start_app(server, settings={"activity_window_seconds": 10})
    invoked = record_invocations(server)
    with Jiggler(desk) as jiggler:
        _, started = started_elsewhere_shows_at_once(desk, server, app, tmp_path)
        first = server.current()
        deadline = started + CHECK_INTERVAL + CHECK_WAIT
        while "activitycheck" not in invoked:
            assert time.monotonic() < deadline, f"no hub answer; the server ran {invoked}"
            app.assert_running()
            assert not desk.window_ids(name=CHECK_PROMPT_NAME), "a prompt came up while working"
            time.sleep(0.1)  # sampling the server's side a few times a second
        assert jiggler.moves > 5
    state = server.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.work_log_id == first.track.work_log_id, "the same track runs on"
    assert not desk.window_ids(name=CHECK_PROMPT_NAME)
    desk.save("live-tray-check-answered.png")
    app.assert_running()
