"""The tray app end to end: `python -m app tray --server URL --token T` as a real process on a
real desktop (Xvfb + trayer), driven only through X (xdotool), checked on the server over HTTP
and on the screen's pixels. Screenshots land in test-artifacts/.

Activity checks run on the server's real clock (10 s interval); the app sees them by polling
(app.tracking.schedule: briskly until the first check of a track, then around the learned
interval), so these tests take tens of seconds each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.api.models import StoppedTrackType, TrackingState, TrackingStateKind
from tests.e2e.conftest import AppProcess, LiveServer
from tests.e2e.desktop import Desktop, Rect, images_differ
from tests.support.wait import wait_for

WORK_ITEM = 1349  # "Fix login timeout on slow networks" in the server's demo data
POPUP_NAME = "^Pacetray$"
CHECK_PROMPT_NAME = "^Still working"
IDLE_PROMPT_NAME = "^Idle time"
CHECK_INTERVAL = 10.0


def tracking(state: TrackingState) -> bool:
    return state.track.tracking_state in (
        TrackingStateKind.TRACKING,
        TrackingStateKind.ACTIVITY_CHECK,
    )


def stable_grab(desk: Desktop, rect: Rect, differs_from: Any = None, timeout: float = 10) -> Any:
    """The image of `rect` once it has stopped changing (two grabs 150 ms apart are equal),
    and, with `differs_from`, once it differs from that image."""
    last: list[Any] = [desk.grab(rect)]

    def settled() -> Any:
        time.sleep(0.15)
        now = desk.grab(rect)
        same = now == last[0]
        last[0] = now
        if not same or (differs_from is not None and now == differs_from):
            return None
        return now

    return wait_for(settled, timeout=timeout, interval=0, what=f"the screen at {rect} to settle")


def open_popup(desk: Desktop, app: AppProcess, icon: Rect) -> Rect:
    """Left-click the tray icon until the popup window shows (the first click can land before
    the icon takes input); returns the popup's rectangle."""
    deadline = time.monotonic() + 15
    while True:
        app.assert_running()
        desk.click(icon.center())
        try:
            windows = wait_for(lambda: desk.window_ids(name=POPUP_NAME), timeout=2, what="popup")
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # not a double click with the next try
            continue
        return desk.window_rect(windows[0])


def start_through_popup(desk: Desktop, app: AppProcess, server: LiveServer) -> TrackingState:
    """Tray icon -> popup -> type the work item -> Enter; returns the server's tracking state."""
    icon = desk.wait_icon(timeout=30)
    popup = open_popup(desk, app, icon)
    desk.xdotool("type", "--delay", "40", str(WORK_ITEM))
    desk.xdotool("key", "Return")

    def started() -> TrackingState | None:
        app.assert_running()
        state = server.current()
        return state if tracking(state) and state.track.tfs_id == WORK_ITEM else None

    state = wait_for(started, timeout=15, interval=0.2, what="tracking to start")
    assert state is not None
    wait_for(lambda: not desk.window_ids(name=POPUP_NAME), timeout=5, what="the popup to close")
    assert popup.valid
    return state


class Jiggler:
    """A user at work: the mouse moves a little every half second until stopped."""

    def __init__(self, desk: Desktop) -> None:
        self.desk = desk
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.moves = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            x = 400 + (self.moves % 2) * 17
            self.desk.xdotool("mousemove", str(x), "500")
            self.moves += 1
            self._stop.wait(0.5)

    def __enter__(self) -> Jiggler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


@pytest.fixture
def quiet_mouse(live_desktop: Desktop) -> Iterator[None]:
    # Park the pointer away from the tray and any window the tests open.
    live_desktop.xdotool("mousemove", "200", "700")
    yield


def test_click_type_enter_starts_tracking_and_the_icon_changes(
    live_desktop: Desktop,
    start_server: Callable[..., LiveServer],
    start_app: Callable[..., AppProcess],
    quiet_mouse: None,
) -> None:
    desk = live_desktop
    server = start_server(activity_check_interval=0.0)  # no checks in this test
    assert not tracking(server.current())
    app = start_app(server)

    icon = desk.wait_icon(timeout=30)
    app.assert_running()
    assert icon.y < 32, "the icon sits in trayer's panel at the top"
    idle_icon = stable_grab(desk, icon)
    panel_corner = Rect(icon.x - 2, 0, desk.x.screen().width_in_pixels - icon.x + 2, 32)
    desk.save("tray-not-tracking.png")
    desk.save("tray-icon-not-tracking.png", panel_corner)

    popup = open_popup(desk, app, icon)
    assert popup.width > 100 and popup.height > 100
    before = stable_grab(desk, popup)
    desk.save("popup-open.png")
    desk.xdotool("type", "--delay", "40", str(WORK_ITEM))
    stable_grab(desk, popup, differs_from=before)  # the search result is shown
    desk.save("popup-search.png")
    assert not tracking(server.current()), "typing alone must not start anything"

    desk.xdotool("key", "Return")

    def started() -> TrackingState | None:
        app.assert_running()
        state = server.current()
        return state if tracking(state) else None

    state = wait_for(started, timeout=15, interval=0.2, what="tracking to start")
    assert state is not None
    assert state.track.tfs_id == WORK_ITEM
    assert state.track.tracking_state is TrackingStateKind.TRACKING

    tracking_icon = stable_grab(desk, icon, differs_from=idle_icon)
    changed = images_differ(idle_icon, tracking_icon)
    assert changed > icon.width * icon.height // 20, f"only {changed} pixels changed"
    desk.save("tray-tracking.png")
    desk.save("tray-icon-tracking.png", panel_corner)
    app.assert_running()


def test_activity_checks_are_answered_without_a_prompt_while_the_user_works(
    live_desktop: Desktop,
    start_server: Callable[..., LiveServer],
    start_app: Callable[..., AppProcess],
    quiet_mouse: None,
) -> None:
    desk = live_desktop
    server = start_server(activity_check_interval=CHECK_INTERVAL, activity_check_wait=30.0)
    app = start_app(server, settings={"activity_window_seconds": 10})
    first = start_through_popup(desk, app, server)
    work_log = first.track.work_log_id
    assert work_log

    # With live updates a check is answered within milliseconds, too fast to be sampled; each
    # answer leaves its own `trackStatusChangeDate` on the tracking state until the next check
    # starts (an interval later), so the answered checks are counted by those dates.
    started_at = first.track.track_status_change_date
    answered: set[object] = set()
    with Jiggler(desk) as jiggler:
        deadline = time.monotonic() + 75
        # Keep going until two checks came and went, and the track is past 3 intervals.
        while len(answered) < 2 or (server.current().track.current_track_length or 0) < 35:
            assert time.monotonic() < deadline, f"saw {len(answered)} answered checks in 75 s"
            app.assert_running()
            assert not desk.window_ids(name=CHECK_PROMPT_NAME), "a prompt came up while working"
            state = server.current()
            assert tracking(state), f"tracking stopped: {state.track}"
            assert state.track.work_log_id == work_log, "the track was restarted, not continued"
            changed_at = state.track.track_status_change_date
            running_on = state.track.tracking_state is TrackingStateKind.TRACKING
            if running_on and changed_at != started_at:
                answered.add(changed_at)
            time.sleep(0.25)  # the server's own pace: sample its state a few times a second
        assert jiggler.moves > 10

    state = server.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.work_log_id == work_log
    assert (state.track.current_track_length or 0) >= 3 * CHECK_INTERVAL
    assert not desk.window_ids(name=CHECK_PROMPT_NAME)


def test_without_input_the_prompt_appears_and_unanswered_the_server_stops_the_track(
    live_desktop: Desktop,
    start_server: Callable[..., LiveServer],
    start_app: Callable[..., AppProcess],
    quiet_mouse: None,
) -> None:
    desk = live_desktop
    # The wait outlasts the 60-s idle threshold (the smallest the settings allow), so the app
    # also sees the user go idle while the track still runs: coming back then shows the idle
    # prompt for the away time tracked before the server's stop.
    wait = 58.0
    server = start_server(activity_check_interval=CHECK_INTERVAL, activity_check_wait=wait)
    app = start_app(server, settings={"activity_window_seconds": 10, "idle_threshold_seconds": 60})
    first = start_through_popup(desk, app, server)
    started_at = time.monotonic()

    prompt_ids = wait_for(
        lambda: desk.window_ids(name=CHECK_PROMPT_NAME),
        timeout=CHECK_INTERVAL + 25,
        interval=0.2,
        what="the activity-check prompt",
    )
    state = server.current()
    assert state.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK, "the check is open"
    prompt = desk.window_rect(prompt_ids[0])
    stable_grab(desk, prompt)
    desk.save("prompt-activity-check.png")

    # Nobody answers: the server stops the track when the waiting time is over.
    def stopped() -> TrackingState | None:
        app.assert_running()
        now = server.current()
        return None if tracking(now) else now

    final = wait_for(stopped, timeout=wait + 15, interval=0.5, what="the stop")
    assert final is not None
    assert time.monotonic() - started_at >= CHECK_INTERVAL + wait - 5
    assert final.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
    assert final.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    wait_for(
        lambda: not desk.window_ids(name=CHECK_PROMPT_NAME),
        timeout=25,
        interval=0.2,
        what="the prompt to close itself once the server stopped the track",
    )
    assert first.track.work_log_id

    # The user comes back (sustained input: one bump of the mouse does not end an idle
    # period): the idle prompt offers what to do with the away time.
    with Jiggler(desk):
        idle_ids = wait_for(
            lambda: desk.window_ids(name=IDLE_PROMPT_NAME),
            timeout=15,
            interval=0.2,
            what="the idle prompt",
        )
    idle = desk.window_rect(idle_ids[0])
    stable_grab(desk, idle)
    desk.save("prompt-idle.png")
    app.assert_running()
