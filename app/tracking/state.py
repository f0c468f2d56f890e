"""The newest tracking state, and what changed between two states.

States arrive from polls, command answers and (later) hub pushes, possibly out of order; the
server's `timestamp` increases with every change, so an older state is dropped. A state with
the same timestamp is the same server state read later: it is taken (its lengths and the
check's `secondsLeft` are fresher) but is never a transition.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.api.models import StoppedTrackType, TrackingState, TrackingStateKind

# Server stops that ask the user to react (restart), as opposed to a stop by another client.
SERVER_STOP_TYPES = frozenset(
    {
        StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK,
        StoppedTrackType.STOPPED_BY_PING,
        StoppedTrackType.STOPPED_BY_CLIENT_CONDITION,
        StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED,
        StoppedTrackType.IDLE,
    }
)


def is_running(state: TrackingState | None, work_log_id: str | None = None) -> bool:
    """A track runs (tracking, or tracking while a check asks: `Track.is_tracking`); with
    `work_log_id`: that work log's track (ids compared case-insensitively).

    The one meaning of "running" in `app.tracking` (commands and the journal use it too);
    `Track.check_running` / `ActivityCheck.is_running` are about the check, not the track."""
    if state is None or not state.track.is_tracking:
        return False
    return work_log_id is None or (state.track.work_log_id or "").lower() == work_log_id.lower()


def check_running(state: TrackingState | None) -> bool:
    return is_running(state) and state is not None and state.track.check_running


def check_seconds_left(state: TrackingState | None) -> int | None:
    """The running (or last) activity check's countdown, as the server last told it."""
    if state is None or state.track.activity_check is None:
        return None
    return state.track.activity_check.seconds_left


def work_log_of(state: TrackingState | None) -> str | None:
    if state is None or not is_running(state):
        return None
    return (state.track.work_log_id or "").lower() or None


@dataclass(frozen=True)
class Transition:
    """From `before` (None at the first state) to the newer `after`."""

    before: TrackingState | None
    after: TrackingState

    @property
    def changed(self) -> bool:
        return self.before is None or self.after.timestamp > self.before.timestamp

    @property
    def started(self) -> bool:
        """A new track runs (also a start that replaced a running track)."""
        if not is_running(self.after):
            return False
        if not is_running(self.before):
            return True
        new, old = work_log_of(self.after), work_log_of(self.before)
        return new is not None and old is not None and new != old

    @property
    def stopped(self) -> bool:
        """The track that ran before no longer runs (stopped by anyone, or replaced)."""
        return is_running(self.before) and (not is_running(self.after) or self.started)

    @property
    def server_stopped(self) -> bool:
        """The server stopped the track and asks for input (clientInputRequired)."""
        track = self.after.track
        if track.tracking_state is not TrackingStateKind.CLIENT_INPUT_REQUIRED:
            return False
        if track.stopped_track_type not in SERVER_STOP_TYPES:
            return False
        before = self.before
        if before is None:
            return True
        return before.track.tracking_state is not TrackingStateKind.CLIENT_INPUT_REQUIRED or (
            before.track.work_log_id or ""
        ) != (track.work_log_id or "")

    @property
    def stopped_elsewhere_candidate(self) -> bool:
        """Ran before, not running now, and not a server stop asking for input."""
        return is_running(self.before) and not is_running(self.after) and not self.server_stopped

    @property
    def check_appeared(self) -> bool:
        return check_running(self.after) and (not check_running(self.before) or self.started)

    @property
    def check_gone(self) -> bool:
        return check_running(self.before) and not (check_running(self.after) and not self.started)


class StateHolder:
    """Keeps the newest state; `offer` returns the transition, or None for an older state."""

    def __init__(self) -> None:
        self.state: TrackingState | None = None

    def offer(self, state: TrackingState) -> Transition | None:
        current = self.state
        if current is not None and state.timestamp < current.timestamp:
            return None
        self.state = state
        return Transition(current, state)
