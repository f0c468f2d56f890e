"""Idle decisions as commands: what each choice does to the server's work logs.

A running track has no final length (7pace computes it until the track stops, and the local
server refuses to PATCH a running work log's length with 409 WorkLogRunning), so every choice
that removes idle time stops first, then trims, then starts again if the user continues:

- KEEP: nothing (the idle minutes stay booked).
- DISCARD: stop (reason machine), then trim the work log by the idle length.
- DISCARD_AND_CONTINUE: as DISCARD, then start the same work item, remark, activity type and
  billable flag again.
- BOOK_TO_OTHER: as DISCARD, then a manual REST work log for the idle period on the chosen
  `TrackTarget` (work item, remark, activity type, billable), then start the original again.
- Policy STOP_WHEN_IDLE: at detection, stop (reason machine) and trim the idle minutes so far
  (the threshold: the detector back-dates the idle start to the last input).

The trim is an absolute length computed from the track's start, the stop's time and the idle
period (see `user_commands.TrimIdleArgs`): (stop - start) - idle, with the idle period clipped to
the track. The stop is `only_if_running`: when the server already stopped the track while the
user was away (an unanswered activity check), the trim still removes the idle part and nothing
is reported as a conflict. The returned commands go through the offline journal when one is
given (written ahead, then replayed: the same code path online and offline, and a crash in the
middle is recovered without applying anything twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from app.activity.detector import IdlePeriod
from app.api.client import TrackingClient
from app.api.models import (
    RestWorkLogCreate,
    StopReason,
    Track,
    TrackingState,
    TrackingStateKind,
)
from app.texts import QT_TRANSLATE_NOOP, marked
from app.tracking import user_commands as cmd
from app.tracking.journal import ConflictCallback, Journal, ReplayReport
from app.tracking.state import SERVER_STOP_TYPES, is_running
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command, CommandError, apply


class IdleChoice(StrEnum):
    KEEP = "keep"
    DISCARD = "discard"
    DISCARD_AND_CONTINUE = "discard_and_continue"
    BOOK_TO_OTHER = "book_to_other"


class IdlePolicy(StrEnum):
    ASK = "ask"
    ALWAYS_KEEP = "always_keep"
    ALWAYS_DISCARD = "always_discard"
    STOP_WHEN_IDLE = "stop_when_idle"


def choice_for_policy(policy: IdlePolicy) -> IdleChoice | None:
    """The choice a policy makes when the user comes back; None: ask (or, for STOP_WHEN_IDLE,
    nothing left to decide: the track was stopped at detection)."""
    return {
        IdlePolicy.ALWAYS_KEEP: IdleChoice.KEEP,
        IdlePolicy.ALWAYS_DISCARD: IdleChoice.DISCARD,
    }.get(policy)


@dataclass(frozen=True)
class AwayBooking:
    """How much of an away period is booked to the track that ran during it: [start, end] in
    epoch seconds (like IdlePeriod); under a second counts as nothing."""

    start: float
    end: float
    ended_at: float | None  # the track ended then, before the period did; None: it ran through
    by_server: bool  # the server ended it (an unanswered check, the max track length, ...)

    @property
    def whole(self) -> bool:
        return self.ended_at is None

    @property
    def nothing(self) -> bool:
        return self.end - self.start < 1.0  # 7pace books whole seconds

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.astimezone()


def track_ended(state: TrackingState | None) -> tuple[datetime, datetime | None, bool] | None:
    """(end, start, stopped by the server) of the last track when `state` shows it stopped;
    None while a track runs, or when the state does not say when it ended."""
    if state is None or is_running(state):
        return None
    track = state.track
    started = _aware(track.current_track_started_date_time)
    by_server = (
        track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
        and track.stopped_track_type in SERVER_STOP_TYPES
    )
    if started is not None and track.current_track_length is not None:
        # The log's own end: after an unanswered check the server closes it at the check's
        # start, while the status changes when the check's waiting time is over.
        return started + timedelta(seconds=track.current_track_length), started, by_server
    changed = _aware(track.track_status_change_date)
    return None if changed is None else (changed, started, by_server)


def away_booking(period: IdlePeriod, state: TrackingState | None) -> AwayBooking:
    """What of `period` is booked to the track that ran then, given the newest `state` (taken
    after the period began). A running track ran through it; a stopped one booked the part
    of the period from its start (the last input may come just before the start) to its end."""
    ended = track_ended(state)
    if ended is None or ended[0].timestamp() >= period.end:
        return AwayBooking(period.start, period.end, None, False)
    end, started, by_server = ended[0].timestamp(), ended[1], ended[2]
    begin = period.start if started is None else max(period.start, started.timestamp())
    return AwayBooking(begin, max(begin, end), end, by_server)


def idle_track_end(track_before: Track, state: TrackingState | None) -> datetime | None:
    """When the track of an idle period (`track_before`) ended, if `state` shows its work log
    stopped; None while it runs or when the state is about another track."""
    ended = track_ended(state)
    if ended is None or state is None or not track_before.work_log_id:
        return None
    if (state.track.work_log_id or "").lower() != track_before.work_log_id.lower():
        return None
    return ended[0]


def _track_facts(track: Track) -> tuple[str, datetime]:
    work_log_id = track.work_log_id
    started = track.current_track_started_date_time
    if not work_log_id or started is None:
        raise CommandError(
            marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "The idle time cannot be handled: the track's work log is unknown. "
                    "Refresh the tracking state and try again.",
                )
            )
        )
    return work_log_id, started if started.tzinfo is not None else started.astimezone()


def plan_idle(
    choice: IdleChoice,
    period: IdlePeriod,
    track_before: Track,
    *,
    at: datetime,
    other: TrackTarget | None = None,
    ended_at: datetime | None = None,
) -> list[Command]:
    """The commands that carry out `choice` for `period` of the track `track_before` (the
    track as it was when the user went idle), decided at `at`. `other`: what BOOK_TO_OTHER
    books the idle time to. `ended_at`: when that track
    already ended (`idle_track_end`, e.g. the server's stop at an unanswered check): the
    trim then removes all of the booked away time, not less by the minutes the user took
    to answer after coming back."""
    if choice is IdleChoice.KEEP:
        return []
    if choice is IdleChoice.BOOK_TO_OTHER and (other is None or other.is_empty):
        raise CommandError(
            marked(QT_TRANSLATE_NOOP("messages", "Choose the work item to book the idle time to."))
        )
    work_log_id, started = _track_facts(track_before)
    idle_start, idle_end = period.start_at, min(period.end_at, at)
    end = at if ended_at is None else max(started, min(ended_at, at))
    plan = [
        cmd.stop(at, StopReason.MACHINE, expect_work_log_id=work_log_id, only_if_running=True),
        cmd.trim_idle(at, work_log_id, started, end, idle_start, idle_end),
    ]
    if choice is IdleChoice.DISCARD:
        return plan
    if choice is IdleChoice.BOOK_TO_OTHER:
        assert other is not None  # checked above
        begin = max(idle_start, started)
        length = round((idle_end - begin).total_seconds())
        if length >= 1:
            booked = RestWorkLogCreate(
                timestamp=begin.astimezone(),  # REST times are local wall-clock times
                length=length,
                billable_length=length if other.is_billable else None,
                work_item_id=other.work_item_id,
                comment=other.remark,
                activity_type_id=other.activity_type_id,
            )
            plan.append(cmd.add_work_log(at, booked))
    plan.append(cmd.start(at, TrackTarget.of_track(track_before), expect_work_log_id=None))
    return plan


def plan_stop_when_idle(track: Track, idle_since: datetime, *, at: datetime) -> list[Command]:
    """STOP_WHEN_IDLE at detection: stop (reason machine) and trim [idle_since, at]."""
    work_log_id, started = _track_facts(track)
    return [
        cmd.stop(at, StopReason.MACHINE, expect_work_log_id=work_log_id, only_if_running=True),
        cmd.trim_idle(at, work_log_id, started, at, idle_since, at),
    ]


async def run_commands(
    client: TrackingClient,
    commands: list[Command],
    *,
    journal: Journal | None = None,
    on_conflict: ConflictCallback | None = None,
    now: Callable[[], datetime] | None = None,
) -> ReplayReport | None:
    """Carries out `commands` in order. With a journal: written ahead, then replayed (a
    failure leaves them pending for the next replay; conflicts go to `on_conflict`). Without:
    each is applied once, and the first failure raises."""
    if journal is None:
        for command in commands:
            await apply(client, command)
        return None
    for command in commands:
        journal.append(command)

    def ignore(command: Command, reason: str) -> None:
        return None

    return await journal.replay(client, on_conflict=on_conflict or ignore, now=now)


async def resolve_idle(
    client: TrackingClient,
    choice: IdleChoice,
    period: IdlePeriod,
    track_before: Track,
    other: TrackTarget | None = None,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    journal: Journal | None = None,
    on_conflict: ConflictCallback | None = None,
    ended_at: datetime | None = None,
) -> list[Command]:
    """Plans `choice` and carries it out (see `run_commands`); returns the commands."""
    plan = plan_idle(
        choice,
        period,
        track_before,
        at=now(),
        other=other,
        ended_at=ended_at,
    )
    if plan:
        await run_commands(client, plan, journal=journal, on_conflict=on_conflict, now=now)
    return plan
