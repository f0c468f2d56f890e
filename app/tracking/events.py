"""Events the `Tracker` emits to its subscribers (the UI bridge, the CLI, tests).

Plain frozen dataclasses, no Qt: `ui/bridge.py` re-emits them as Qt signals. Subscribe with
`Tracker.subscribe(callback)`; callbacks run on the tracker's event loop and must not block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from app.activity.detector import IdlePeriod
from app.api.models import StoppedTrackType, TrackingState, WorkItem

if TYPE_CHECKING:
    from app.tracking.user_commands import Command

AnsweredHow = Literal["auto", "continue", "stop", "snooze", "elsewhere"]


@dataclass(frozen=True)
class StateChanged:
    """A newer tracking state arrived (by poll, command answer or push)."""

    state: TrackingState


@dataclass(frozen=True)
class ActivityCheckPrompt:
    """The server runs an activity check and nobody was seen at the machine: ask the user."""

    seconds_left: int
    work_item: WorkItem | None
    remark: str | None


@dataclass(frozen=True)
class ActivityCheckAnswered:
    """The running check was answered: by us ("auto"), the user, or another client/server."""

    how: AnsweredHow


@dataclass(frozen=True)
class IdlePrompt:
    """The user came back after an idle period while tracking: keep, discard or book it?"""

    period: IdlePeriod
    work_item: WorkItem | None
    remark: str | None
    activity_type_id: str | None


@dataclass(frozen=True)
class ServerStopped:
    """The server stopped the track (no answer to a check, or the max track length)."""

    stopped_track_type: StoppedTrackType
    state: TrackingState
    restart: Command  # starts the same work item, remark and activity again


@dataclass(frozen=True)
class StoppedElsewhere:
    """Another client (the browser, another machine) stopped the track; no prompt needed."""

    state: TrackingState


@dataclass(frozen=True)
class ConnectivityChanged:
    online: bool
    pending: int  # journal entries waiting for the server


@dataclass(frozen=True)
class JournalConflict:
    """A journaled command no longer fits what the server shows; set aside for the user.
    `reason` is English (the journal, the CLI, the log); `template`/`params` its translatable
    form."""

    command: Command
    reason: str
    template: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.reason


@dataclass(frozen=True)
class RateLimited:
    """The server answered 429: every call waits until `until`."""

    until: datetime


@dataclass(frozen=True)
class ApiWarning:
    """A soft warning from the server (`responseState: Warning`) or a failed poll the user
    must act on, to show to the user. `template`/`params`: the translatable form of `message`
    when it has one (app/texts.py); the server's own words have none."""

    message: str
    template: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CommandFailed:
    """A user command could not be done and was not journaled (e.g. refused by the server).
    `message` is English (the CLI, the log); `template`/`params` its translatable form."""

    command_kind: str
    message: str
    template: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


TrackerEvent = (
    StateChanged
    | ActivityCheckPrompt
    | ActivityCheckAnswered
    | IdlePrompt
    | ServerStopped
    | StoppedElsewhere
    | ConnectivityChanged
    | JournalConflict
    | RateLimited
    | ApiWarning
    | CommandFailed
)
