"""CheckAnswering on its own: a fake tracker (host) and a fake sender, no server, no loop.

The end-to-end behaviour (real server, real client, the poll loop) is in test_tracker.py;
these pin the decisions the part makes by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.api.errors import ConnectionFailed, ServerError
from app.api.models import SnoozeOption, StopReason, TrackingState
from app.tracking.checks import PRESENCE_RECHECK, CheckAnswering
from app.tracking.events import ActivityCheckAnswered, ActivityCheckPrompt
from app.tracking.options import TrackingSettings
from app.tracking.schedule import Learned
from app.tracking.user_commands import Command, CommandKind

T0 = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)


def state(ts: int, kind: str = "tracking", left: int | None = None) -> TrackingState:
    track: dict[str, Any] = {"trackingState": kind, "workLogId": "a"}
    if left is not None:
        track["activityCheck"] = {"isRunning": True, "secondsLeft": left}
        track["trackStatusChangeDate"] = "2026-09-30T08:59:00"
    return TrackingState.from_wire({"track": track, "timestamp": ts})


@dataclass
class Host:
    state: TrackingState | None = None
    settings: TrackingSettings = field(default_factory=TrackingSettings)
    learned: Learned = field(default_factory=Learned)
    push_connected: bool = False
    stops: list[StopReason] = field(default_factory=list)

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        self.stops.append(reason)
        return True


@dataclass
class Sender:
    """Answers with `answer_state`, or raises `error`; records what it was asked."""

    answer_state: TrackingState | None = None
    error: Exception | None = None
    limited: bool = False
    sent: list[tuple[Command, bool]] = field(default_factory=list)
    online: list[bool] = field(default_factory=list)

    def rate_limited(self) -> bool:
        return self.limited

    def set_online(self, online: bool) -> None:
        self.online.append(online)

    async def send(self, command: Command, *, answer: bool = False) -> TrackingState | None:
        self.sent.append((command, answer))
        if self.error is not None:
            raise self.error
        return self.answer_state


@dataclass
class Activity:
    seconds: float | None = None

    def seconds_since_input(self) -> float | None:
        return self.seconds


@dataclass
class Part:
    checks: CheckAnswering
    host: Host
    sender: Sender
    activity: Activity
    events: list[object]
    accepted: list[tuple[TrackingState, str]]
    seen: list[int]


def make(activity: float | None = None, detector: Any = None) -> Part:
    host, sender, source = Host(), Sender(), Activity(activity)
    events: list[object] = []
    accepted: list[tuple[TrackingState, str]] = []
    seen: list[int] = []

    async def accept(s: TrackingState, source_name: str, sent: datetime | None) -> None:
        accepted.append((s, source_name))
        host.state = s

    checks = CheckAnswering(
        host,
        sender,  # a fake: CheckAnswering uses rate_limited, send and set_online
        activity=source,
        detector=detector,
        now=lambda: T0,
        emit=events.append,
        accept=accept,
        seen=lambda: seen.append(1),
    )
    return Part(checks, host, sender, source, events, accepted, seen)


async def test_a_present_user_answers_without_a_prompt() -> None:
    p = make(activity=3.0)
    p.host.state = state(1, "activityCheck", left=30)
    p.sender.answer_state = state(2)
    await p.checks.after_poll()
    [(command, answer)] = p.sender.sent
    assert command.kind is CommandKind.ACTIVITY_CHECK and answer
    assert p.events == [ActivityCheckAnswered("auto")]
    assert p.checks.answered == 1 and not p.checks.answer_pending
    assert p.accepted == [(p.sender.answer_state, "command")]
    assert p.host.learned.anchor is not None  # the answer restarted the interval


async def test_an_absent_user_is_asked_once_and_another_client_may_answer() -> None:
    p = make(activity=None)
    p.host.state = state(1, "activityCheck", left=30)
    await p.checks.after_poll()
    await p.checks.after_poll()  # the same check: no second prompt
    assert [type(e) for e in p.events] == [ActivityCheckPrompt]
    assert p.checks.prompt_open and not p.sender.sent
    p.checks.check_gone()
    assert p.events[-1] == ActivityCheckAnswered("elsewhere") and not p.checks.prompt_open


async def test_a_failed_answer_is_sent_again_while_the_check_runs() -> None:
    p = make(activity=None)
    p.host.state = state(1, "activityCheck", left=30)
    p.sender.error = ServerError(503, None, "down")
    assert not await p.checks.answer_check(SnoozeOption.ONE_HOUR)
    assert p.checks.answer_pending and p.seen == [1]
    p.sender.error, p.sender.answer_state = None, state(2)
    await p.checks.after_poll()  # the next turn sends the same answer
    assert [c.kind for c, _ in p.sender.sent] == [CommandKind.IDLE_CHECK] * 2
    assert p.events[-1] == ActivityCheckAnswered("snooze") and not p.checks.answer_pending
    assert p.host.learned.snoozed_until == T0 + timedelta(hours=1)


async def test_an_answer_that_never_left_means_offline() -> None:
    p = make(activity=None)
    p.host.state = state(1, "activityCheck", left=30)
    p.sender.error = ConnectionFailed("refused", sent=False)
    assert not await p.checks.answer_check("continue")
    assert p.sender.online == [False]


async def test_no_answer_while_rate_limited_or_without_a_check() -> None:
    p = make(activity=3.0)
    p.host.state = state(1)
    assert not await p.checks.answer_check("continue")
    p.host.state = state(2, "activityCheck", left=30)
    p.sender.limited = True
    await p.checks.after_poll()
    assert not p.sender.sent and p.checks.answer_pending  # kept for after the pause


async def test_stop_goes_through_the_tracker() -> None:
    p = make(activity=None)
    p.host.state = state(1, "activityCheck", left=30)
    await p.checks.after_poll()
    assert await p.checks.answer_check("stop")
    assert p.host.stops == [StopReason.USER] and not p.checks.prompt_open
    assert p.events[-1] == ActivityCheckAnswered("stop")


async def test_presence_is_rechecked_only_with_pushes_and_an_open_prompt() -> None:
    p = make(activity=None)
    p.host.state = state(1, "activityCheck", left=30)
    await p.checks.after_poll()
    assert p.checks.presence_recheck_delay() == float("inf")  # polls re-ask it
    p.host.push_connected = True
    assert p.checks.presence_recheck_delay() == PRESENCE_RECHECK
    p.activity.seconds = 1.0  # back at work
    p.sender.answer_state = state(2)
    await p.checks.recheck_presence()
    assert p.events[-1] == ActivityCheckAnswered("auto")
    assert p.checks.presence_recheck_delay() == float("inf")


async def test_an_idle_detector_overrules_recent_input() -> None:
    @dataclass
    class Detector:
        state: str = "idle"

    p = make(activity=1.0, detector=Detector())
    p.host.state = state(1, "activityCheck", left=30)
    await p.checks.after_poll()
    assert not p.sender.sent and p.checks.prompt_open
