"""StateHolder ordering and the transitions the tracker reacts to (pure, wire-form states)."""

from __future__ import annotations

from typing import Any

from app.api.models import StoppedTrackType, TrackingState
from app.tracking import user_commands as commands
from app.tracking.state import StateHolder, Transition, check_seconds_left, is_running


def state(ts: int, kind: str = "idle", log: str | None = None, **track: Any) -> TrackingState:
    body: dict[str, Any] = {"trackingState": kind, "workLogId": log, **track}
    return TrackingState.from_wire({"track": body, "timestamp": ts})


def check(ts: int, log: str = "a", left: int = 30) -> TrackingState:
    return state(ts, "activityCheck", log, activityCheck={"isRunning": True, "secondsLeft": left})


def test_older_states_are_dropped_and_equal_ones_refresh() -> None:
    holder = StateHolder()
    assert holder.offer(state(10, "tracking", "a")) is not None
    assert holder.offer(state(9, "idle")) is None
    assert holder.state is not None and holder.state.timestamp == 10
    same = holder.offer(check(10))  # same timestamp: a later read of the same state
    assert same is not None and not same.changed
    newer = holder.offer(state(11, "idle"))
    assert newer is not None and newer.changed and newer.stopped


def test_start_stop_and_replacement() -> None:
    assert Transition(state(1), state(2, "tracking", "a")).started
    assert Transition(None, state(2, "tracking", "a")).started
    replaced = Transition(state(1, "tracking", "a"), state(2, "tracking", "b"))
    assert replaced.started and replaced.stopped
    assert not replaced.stopped_elsewhere_candidate
    stopped = Transition(state(1, "tracking", "a"), state(2, "idle"))
    assert stopped.stopped and stopped.stopped_elsewhere_candidate and not stopped.server_stopped


def test_server_stop_asks_for_input_once() -> None:
    stop = state(3, "clientInputRequired", "a", stoppedTrackType=1)
    t = Transition(check(2), stop)
    assert t.server_stopped and not t.stopped_elsewhere_candidate and t.check_gone
    assert not Transition(
        stop, state(4, "clientInputRequired", "a", stoppedTrackType=1)
    ).server_stopped
    longest = state(
        5, "clientInputRequired", "b", stoppedTrackType="StoppedByMaxSingleTrackLengthExceeded"
    )
    assert Transition(state(4, "tracking", "b"), longest).server_stopped
    assert (
        longest.track.stopped_track_type
        is StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED
    )
    # a concurrency stop is another client's doing, not a question for the user
    other = state(6, "clientInputRequired", "c", stoppedTrackType=6)
    t = Transition(state(5, "tracking", "c"), other)
    assert not t.server_stopped and t.stopped_elsewhere_candidate


def test_checks_appear_and_go() -> None:
    running = state(1, "tracking", "a")
    assert Transition(running, check(2)).check_appeared
    assert not Transition(check(2), check(2, left=10)).check_appeared
    gone = Transition(check(2), state(3, "tracking", "a"))
    assert gone.check_gone and not gone.check_appeared and not gone.stopped
    # a check of a new track is a new check
    assert Transition(check(2, "a"), check(3, "b")).check_appeared


def test_one_meaning_of_running() -> None:
    # tracking, or tracking while a check asks; the journal's import through commands is it
    assert commands.is_running is is_running
    for kind in ("tracking", "activityCheck", "idleCheck"):
        assert is_running(state(1, kind, "A-1"))
        assert is_running(state(1, kind, "A-1"), "a-1")  # ids compared case-insensitively
        assert not is_running(state(1, kind, "A-1"), "b")
    for kind in ("idle", "clientInputRequired"):
        assert not is_running(state(1, kind, "a"))
        assert not is_running(state(1, kind, "a"), "a")
    assert not is_running(None)


def test_check_seconds_left() -> None:
    assert check_seconds_left(check(1, left=17)) == 17
    assert check_seconds_left(state(1, "tracking", "a")) is None
    assert check_seconds_left(None) is None
