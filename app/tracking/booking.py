"""Booking slipped time and editing work logs (issue 15), Qt-free.

- `book(client, booking, now=...)`: creates a manual work log for [start, end) with a work item
  and/or remark, an activity type and the billable flag, after `check_booking`: start before
  end, nothing in the future, no overlap with the running track.
- `book_or_journal(tracker, booking, now=...)`: the same through the tracker's command path:
  sent at once, or written to the offline journal as an `add_work_log` command when the server
  cannot be reached (or commands wait there already: they go first), so a booking is never
  lost. The journal's replay finds a log whose answer was lost instead of booking it twice.
- `edit_work_log(client, log, edit, now=...)` and `delete_work_log(client, log)`: the REST
  PATCH and DELETE of a closed work log of the day model; a running one is refused with a
  message saying to stop first (the server refuses it too: 409 WorkLogIsRunning).

Every refusal is a `BookingError` whose `message` says what to do; its `template`/`params`
let the UI show it translated (`app.ui.i18n.message_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from app.api.client import TrackingClient
from app.api.errors import HttpStatusError
from app.api.models import RestWorkLog, RestWorkLogCreate, RestWorkLogPatch, TrackingState
from app.settings.errors import QT_TRANSLATE_NOOP
from app.tracking import user_commands as cmd
from app.tracking.day import DayLog
from app.tracking.events import CommandFailed, TrackerEvent
from app.tracking.state import is_running
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker

WORK_LOG_RUNNING = "WorkLogIsRunning"  # the server's errorCode for a running log (409)

START_AFTER_END = QT_TRANSLATE_NOOP("messages", "The start must be before the end.")
IN_FUTURE = QT_TRANSLATE_NOOP(
    "messages", "The end lies in the future; a work log can only hold time that has passed."
)
OUTSIDE_PERIOD = QT_TRANSLATE_NOOP(
    "messages", "The time must stay inside the slipped period it was chosen from."
)
NOTHING_TO_BOOK_TO = QT_TRANSLATE_NOOP(
    "messages", "Choose a work item or type a remark: 7pace needs one of them."
)
OVERLAPS_RUNNING = QT_TRANSLATE_NOOP(
    "messages",
    "The time overlaps the track that is running now; end it before the track began, "
    "or stop tracking first.",
)
RUNNING_EDIT = QT_TRANSLATE_NOOP(
    "messages", "This work log is still being tracked; stop tracking before changing it."
)
RUNNING_DELETE = QT_TRANSLATE_NOOP(
    "messages", "This work log is still being tracked; stop tracking before deleting it."
)
NOT_ON_SERVER = QT_TRANSLATE_NOOP(
    "messages",
    "This work log is only in the offline journal so far; it can be changed once it has "
    "reached the server.",
)
CROSSES_DAY = QT_TRANSLATE_NOOP(
    "messages",
    "This work log crosses midnight; its start and end can only be changed in 7pace itself.",
)


class BookingError(Exception):
    """A booking or an edit that cannot be done as asked; `message` says why and what to do."""

    def __init__(
        self,
        message: str,
        *,
        template: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.template = template
        self.params: Mapping[str, object] = dict(params or {})

    @classmethod
    def marked(cls, template: str, **params: object) -> BookingError:
        return cls(template.format(**params), template=template, params=params)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} has no time zone: pass an aware datetime")
    return moment.astimezone(UTC)


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from `start` to `end` (computed in UTC: right across a DST change)."""
    return round((_utc(end, "end") - _utc(start, "start")).total_seconds())


def running_since(state: TrackingState | None) -> datetime | None:
    """When the running track began (aware UTC); None when nothing runs."""
    if state is None or not is_running(state):
        return None
    started = state.track.current_track_started_date_time
    if started is None:
        return None
    return (started if started.tzinfo else started.replace(tzinfo=UTC)).astimezone(UTC)


def _check_times(start: datetime, end: datetime, now: datetime) -> None:
    if seconds_between(start, end) < 1:
        raise BookingError.marked(START_AFTER_END)
    if _utc(end, "end") > _utc(now, "now"):
        raise BookingError.marked(IN_FUTURE)


# --- booking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """[start, end) (aware) booked to `target`'s work item and/or remark, activity, billable."""

    start: datetime
    end: datetime
    target: TrackTarget

    @property
    def length(self) -> int:
        return seconds_between(self.start, self.end)


class Booked(StrEnum):
    SENT = "sent"  # the server has the work log
    JOURNALED = "journaled"  # in the offline journal: sent when the server is reachable


def check_booking(
    booking: Booking,
    *,
    now: datetime,
    state: TrackingState | None,
    within: tuple[datetime, datetime] | None = None,
) -> None:
    """Raises BookingError when `booking` cannot be booked: start not before end, an end in
    the future, outside `within` (the slipped period), nothing to book to, or an overlap with
    the track running in `state`."""
    _check_times(booking.start, booking.end, now)
    if within is not None and (
        _utc(booking.start, "start") < _utc(within[0], "period start")
        or _utc(booking.end, "end") > _utc(within[1], "period end")
    ):
        raise BookingError.marked(OUTSIDE_PERIOD)
    if booking.target.is_empty:
        raise BookingError.marked(NOTHING_TO_BOOK_TO)
    began = running_since(state)
    if began is not None and _utc(booking.end, "end") > began:
        raise BookingError.marked(OVERLAPS_RUNNING)


def work_log_create(booking: Booking) -> RestWorkLogCreate:
    """The REST body: the start with the local offset (so the server keeps the user's zone),
    the length, and the billable length (all of it, or none)."""
    target = booking.target
    length = booking.length
    return RestWorkLogCreate(
        timestamp=booking.start.astimezone(),
        length=length,
        billable_length=length if target.is_billable else None,
        work_item_id=target.work_item_id,
        comment=(target.remark or "").strip() or None,
        activity_type_id=target.activity_type_id,
    )


async def book(
    client: TrackingClient,
    booking: Booking,
    *,
    now: datetime,
    state: TrackingState | None = None,
    within: tuple[datetime, datetime] | None = None,
) -> RestWorkLog:
    """Creates the work log on the server after `check_booking` (against `state`, or a fresh
    `current` when None). Raises BookingError or the client's ApiError."""
    check_booking(booking, now=now, state=state, within=within)  # no server call for a no
    if state is None:
        check_booking(booking, now=now, state=await client.current(), within=within)
    return await client.create_work_log(work_log_create(booking))


async def book_or_journal(
    tracker: Tracker,
    booking: Booking,
    *,
    now: datetime,
    within: tuple[datetime, datetime] | None = None,
) -> Booked:
    """Books through the tracker's commands: sent now, or journaled (offline, rate-limited,
    or behind commands already waiting). Raises BookingError when the booking is refused,
    here or by the server."""
    check_booking(booking, now=now, state=tracker.state, within=within)
    command = cmd.add_work_log(now, work_log_create(booking))
    refused: list[str] = []

    def watch(event: TrackerEvent) -> None:
        if isinstance(event, CommandFailed) and event.command_kind == str(command.kind):
            refused.append(event.message)

    unsubscribe = tracker.subscribe(watch)
    try:
        sent = await tracker.execute(command)
    finally:
        unsubscribe()
    if sent:
        return Booked.SENT
    if refused:  # the tracker reports a refusal as CommandFailed; anything else is journaled
        raise BookingError(refused[-1])
    return Booked.JOURNALED


# --- editing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEdit:
    """What the edit dialog says a work log should be (times aware)."""

    start: datetime
    end: datetime
    comment: str | None
    activity_type_id: str | None
    billable: bool


def log_is_running(log: DayLog, state: TrackingState | None) -> bool:
    """The log is the one being tracked (by the day model, or by `state`)."""
    if log.running:
        return True
    running = state.track.work_log_id if state is not None and is_running(state) else None
    return running is not None and log.id is not None and running.lower() == log.id.lower()


def _check_editable(log: DayLog, state: TrackingState | None, *, deleting: bool) -> str:
    if log.id is None:
        raise BookingError.marked(NOT_ON_SERVER)
    if log_is_running(log, state):
        raise BookingError.marked(RUNNING_DELETE if deleting else RUNNING_EDIT)
    return log.id


def edit_patch(log: DayLog, edit: LogEdit, *, now: datetime) -> RestWorkLogPatch | None:
    """The PATCH that makes `log` what `edit` says; None when nothing changed. Raises
    BookingError for impossible times (and for changed times of a log cut at midnight: the
    day model knows only its part of the day)."""
    start, end = _utc(edit.start, "start"), _utc(edit.end, "end")
    moved = abs((start - log.start).total_seconds()) >= 1
    resized = moved or abs((end - log.end).total_seconds()) >= 1
    if resized:
        if log.cut_start or log.cut_end:
            raise BookingError.marked(CROSSES_DAY)
        _check_times(start, end, now)
    length = seconds_between(start, end) if resized else None
    comment = (edit.comment or "").strip()
    billable_changed = edit.billable != log.billable
    billable_length: int | None = None
    if edit.billable and (billable_changed or resized):
        billable_length = length if length is not None else round(log.seconds)
    elif not edit.billable and billable_changed:
        billable_length = 0  # a 0 billable length marks the log not billable
    activity = edit.activity_type_id
    activity_changed = (
        activity is not None and activity.lower() != (log.activity_type_id or "").lower()
    )
    patch = RestWorkLogPatch(
        timestamp=start if moved else None,
        length=length,
        billable_length=billable_length,
        comment=comment if comment != (log.comment or "") else None,
        activity_type_id=activity if activity_changed else None,
    )
    return None if patch == RestWorkLogPatch() else patch


async def edit_work_log(
    client: TrackingClient,
    log: DayLog,
    edit: LogEdit,
    *,
    now: datetime,
    state: TrackingState | None = None,
) -> RestWorkLog | None:
    """PATCHes `log` to `edit`; None when nothing changed. Refuses a running log (checked
    against `state`, or a fresh `current` when None). Raises BookingError or ApiError."""
    _check_editable(log, state, deleting=False)
    patch = edit_patch(log, edit, now=now)
    if patch is None:
        return None
    log_id = _check_editable(log, state or await client.current(), deleting=False)
    try:
        return await client.patch_work_log(log_id, patch)
    except HttpStatusError as exc:
        if exc.error_code == WORK_LOG_RUNNING:
            raise BookingError.marked(RUNNING_EDIT) from exc
        raise


async def delete_work_log(
    client: TrackingClient, log: DayLog, *, state: TrackingState | None = None
) -> None:
    """DELETEs `log`; a running log is refused (against `state`, or a fresh `current`)."""
    _check_editable(log, state, deleting=True)
    log_id = _check_editable(log, state or await client.current(), deleting=True)
    try:
        await client.delete_work_log(log_id)
    except HttpStatusError as exc:
        if exc.error_code == WORK_LOG_RUNNING:
            raise BookingError.marked(RUNNING_DELETE) from exc
        raise
