"""User commands as data: what the user did, when, with what; and how to send one online.

A `Command` is a frozen, JSON-safe record (`to_json()`/`from_json()`), so the same value can be
sent at once (`apply`) or written ahead to the offline journal and replayed later. `at` is the
moment the user acted (aware UTC), `id` a uuid4 hex the journal uses for idempotence.

Kinds and their args (all JSON-safe; datetimes as ISO-8601 strings):

- ``start``: tfs_id, remark, activity_type_id, is_billable (each may be None).
- ``stop``: reason (0 user, 1 machine); only_if_running (optional, bool).
- ``select``: tfs_id, remark, activity_type_id.
- ``adjust``: remark, activity_type_id.
- ``activity_check``: none.  ``idle_check``: option (0 one hour, 1 tomorrow, 2 next Monday).
- ``trim_idle``: work_log_id, track_start, end, idle_start, idle_end. The work log is set to
  the absolute length ``(end - track_start) - (the part of [idle_start, idle_end] inside
  [track_start, end])``. An ABSOLUTE target (never "minus N seconds" relative to what the
  server holds), so sending it twice cannot trim twice. `end` is when the track stopped as the
  user sees it (the stop command's `at`); with idle_start == idle_end the trim simply ends the
  log at `end` (a stop taken offline). A trim never lengthens a log, and a log that is still
  running is refused with `CommandConflict` (a running track has no final length: the local
  server answers 409 WorkLogRunning, and 7pace recomputes a running track's length itself), so
  callers stop first, then trim.
- ``add_work_log``: the fields of `RestWorkLogCreate` in wire form (timestamp, length,
  workItemId, comment, activityTypeId, billableLength); with ``until: "live_start"`` the
  length is resolved from `current` right before sending (`resolve_gap`).

Any command may carry ``expect_work_log_id`` (str, or None for "the user saw no running
track"): the server state the user acted on. The journal compares it with `current` before
replaying and reports a conflict on a mismatch. Absent means "no expectation".

`apply` sends a command exactly once (the client never retries writes blindly); callers that
lose the answer (timeout, dropped connection) must verify against the server, not resend.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from app.api.client import TrackingClient
from app.api.models import (
    RestWorkLog,
    RestWorkLogCreate,
    RestWorkLogPatch,
    SnoozeOption,
    StopReason,
    TrackingState,
)

# Re-exported: the journal imports it from here (its one home is app.tracking.state).
from app.tracking.state import is_running

EXPECT = "expect_work_log_id"
UNTIL = "until"
LIVE_START = "live_start"
# How far around a log's known start we look for it through REST (there is no GET by id).
LOOKUP_WINDOW = timedelta(minutes=2)


class CommandKind(StrEnum):
    START = "start"
    STOP = "stop"
    SELECT = "select"
    ADJUST = "adjust"
    ACTIVITY_CHECK = "activity_check"
    IDLE_CHECK = "idle_check"
    TRIM_IDLE = "trim_idle"
    ADD_WORK_LOG = "add_work_log"


class CommandError(Exception):
    """A command that cannot be carried out as given; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CommandConflict(CommandError):
    """The server's state contradicts what the command assumes (someone else acted)."""


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware datetime")
    return moment.astimezone(UTC)


def to_iso(moment: datetime) -> str:
    return utc(moment).isoformat()


def from_iso(text: str) -> datetime:
    return utc(datetime.fromisoformat(text))


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    args: Mapping[str, Any]
    at: datetime
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CommandKind(self.kind))
        object.__setattr__(self, "at", utc(self.at))
        object.__setattr__(self, "args", dict(self.args))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "at": to_iso(self.at),
            "args": dict(self.args),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Command:
        try:
            return cls(
                kind=CommandKind(data["kind"]),
                args=dict(data["args"]),
                at=from_iso(data["at"]),
                id=str(data["id"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored command: {exc}") from exc

    def arg_time(self, name: str) -> datetime | None:
        value = self.args.get(name)
        return None if value is None else from_iso(str(value))

    @property
    def has_expectation(self) -> bool:
        return EXPECT in self.args

    @property
    def expected_work_log_id(self) -> str | None:
        """Lower-cased: 7pace GUIDs may arrive in either case."""
        value = self.args.get(EXPECT)
        return None if value is None else str(value).lower()

    def with_args(self, **changes: Any) -> Command:
        return Command(self.kind, {**self.args, **changes}, self.at, self.id)


# --- constructors --------------------------------------------------------------------------


def _expect(args: dict[str, Any], expect: Any) -> dict[str, Any]:
    if expect is not _NO_EXPECTATION:
        args[EXPECT] = expect
    return args


class _NoExpectation:
    def __repr__(self) -> str:
        return "NO_EXPECTATION"


_NO_EXPECTATION: Any = _NoExpectation()


def start(
    at: datetime,
    tfs_id: int | None = None,
    remark: str | None = None,
    activity_type_id: str | None = None,
    is_billable: bool | None = None,
    *,
    expect_work_log_id: str | None = _NO_EXPECTATION,
) -> Command:
    args = {
        "tfs_id": tfs_id,
        "remark": remark,
        "activity_type_id": activity_type_id,
        "is_billable": is_billable,
    }
    return Command(CommandKind.START, _expect(args, expect_work_log_id), at)


def stop(
    at: datetime,
    reason: StopReason = StopReason.USER,
    *,
    expect_work_log_id: str | None = _NO_EXPECTATION,
    only_if_running: bool = False,
) -> Command:
    """`only_if_running`: a track that already stopped (e.g. the server stopped it while the
    user was away) is fine, not a conflict (idle decisions use this)."""
    args: dict[str, Any] = {"reason": int(reason)}
    if only_if_running:
        args["only_if_running"] = True
    return Command(CommandKind.STOP, _expect(args, expect_work_log_id), at)


def select(
    at: datetime,
    tfs_id: int | None = None,
    remark: str | None = None,
    activity_type_id: str | None = None,
) -> Command:
    args = {"tfs_id": tfs_id, "remark": remark, "activity_type_id": activity_type_id}
    return Command(CommandKind.SELECT, args, at)


def adjust(
    at: datetime,
    remark: str | None = None,
    activity_type_id: str | None = None,
    *,
    expect_work_log_id: str | None = _NO_EXPECTATION,
) -> Command:
    args = {"remark": remark, "activity_type_id": activity_type_id}
    return Command(CommandKind.ADJUST, _expect(args, expect_work_log_id), at)


def activity_check(at: datetime) -> Command:
    return Command(CommandKind.ACTIVITY_CHECK, {}, at)


def idle_check(at: datetime, option: SnoozeOption) -> Command:
    return Command(CommandKind.IDLE_CHECK, {"option": int(option)}, at)


def trim_idle(
    at: datetime,
    work_log_id: str,
    track_start: datetime,
    end: datetime,
    idle_start: datetime | None = None,
    idle_end: datetime | None = None,
) -> Command:
    """Trim `work_log_id` (started `track_start`, stopped `end`) by the idle period.

    Without an idle period the log just ends at `end` (the stop-taken-offline trim).
    """
    args = {
        "work_log_id": work_log_id,
        "track_start": to_iso(track_start),
        "end": to_iso(end),
        "idle_start": to_iso(idle_start if idle_start is not None else end),
        "idle_end": to_iso(idle_end if idle_end is not None else end),
    }
    return Command(CommandKind.TRIM_IDLE, args, at)


def add_work_log(at: datetime, work_log: RestWorkLogCreate) -> Command:
    return Command(CommandKind.ADD_WORK_LOG, work_log.to_wire(), at)


def add_gap_work_log(at: datetime, work_log: RestWorkLogCreate) -> Command:
    """A work log from `work_log.timestamp` until the live track starts: its length is filled
    in (`resolve_gap`) from `current` just before it is sent (offline minutes of a start)."""
    return Command(CommandKind.ADD_WORK_LOG, {**work_log.to_wire(), UNTIL: LIVE_START}, at)


def resolve_gap(command: Command, state: TrackingState, now: datetime) -> Command:
    """Fixes the length of an `add_gap_work_log`: up to the running track's start, or `now`."""
    if command.args.get(UNTIL) != LIVE_START:
        return command
    begin = RestWorkLogCreate.from_wire(work_log_fields(command)).timestamp
    begin = begin if begin.tzinfo is not None else begin.astimezone()
    started = state.track.current_track_started_date_time if is_running(state) else None
    end = started if started is not None and started.tzinfo is not None else now
    args = {key: value for key, value in command.args.items() if key != UNTIL}
    args["length"] = max(0, round((end - begin).total_seconds()))
    if args.get("billableLength") is not None:
        args["billableLength"] = args["length"]
    return Command(command.kind, args, command.at, command.id)


def work_log_fields(command: Command) -> dict[str, Any]:
    return {key: value for key, value in command.args.items() if key not in (EXPECT, UNTIL)}


# --- trims ---------------------------------------------------------------------------------


def trim_target(command: Command) -> int:
    """The absolute length in seconds a trim_idle command sets (at least 1: 7pace refuses 0)."""
    start_at = command.arg_time("track_start")
    end = command.arg_time("end")
    idle_start = command.arg_time("idle_start")
    idle_end = command.arg_time("idle_end")
    if start_at is None or end is None or idle_start is None or idle_end is None:
        raise CommandError("A trim needs track_start, end, idle_start and idle_end.")
    overlap_start = max(idle_start, start_at)
    overlap_end = min(idle_end, end)
    idle = max(0.0, (overlap_end - overlap_start).total_seconds())
    return max(1, round((end - start_at).total_seconds() - idle))


async def find_work_log(
    client: TrackingClient, work_log_id: str, near: datetime
) -> RestWorkLog | None:
    """The work log with this id, looked up around its start (REST has no GET by id)."""
    logs = await client.work_logs(
        count=500, from_timestamp=near - LOOKUP_WINDOW, to_timestamp=near + LOOKUP_WINDOW
    )
    wanted = work_log_id.lower()
    return next((log for log in logs if log.id.lower() == wanted), None)


async def check_trim(
    client: TrackingClient, command: Command, state: TrackingState | None = None
) -> bool:
    """Whether a trim_idle command still has to be sent: False when the log is already that
    short. Raises CommandConflict when the log is still running or gone."""
    target = trim_target(command)
    work_log_id = str(command.args["work_log_id"])
    if state is None:
        state = await client.current()
    if is_running(state, work_log_id):
        raise CommandConflict(
            "That work log is still being tracked; stop tracking before trimming it."
        )
    start_at = command.arg_time("track_start")
    assert start_at is not None
    log = await find_work_log(client, work_log_id, start_at)
    if log is None:
        raise CommandConflict(
            f"Work log {work_log_id} is gone from the server; nothing was trimmed."
        )
    return log.length > target  # already this short: trimmed before, or stopped earlier


# --- sending -------------------------------------------------------------------------------


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


async def apply(
    client: TrackingClient,
    command: Command,
    *,
    state: TrackingState | None = None,
    trim_checked: bool = False,
) -> TrackingState | None:
    """Sends `command` once. Returns the new tracking state, or None for REST-only commands
    and `select` (whose answer is only the track). Raises the client's ApiError subclasses,
    CommandConflict or CommandError. `state`: a `current` just read (saves a trim one read);
    `trim_checked`: `check_trim` said True just now, send the PATCH only."""
    args = command.args
    match command.kind:
        case CommandKind.START:
            return await client.start_tracking(
                tfs_id=_opt_int(args.get("tfs_id")),
                remark=_opt_str(args.get("remark")),
                activity_type_id=_opt_str(args.get("activity_type_id")),
                is_billable=_opt_bool(args.get("is_billable")),
            )
        case CommandKind.STOP:
            return await client.stop_tracking(StopReason(int(args.get("reason", 0))))
        case CommandKind.SELECT:
            await client.selected(
                tfs_id=_opt_int(args.get("tfs_id")),
                remark=_opt_str(args.get("remark")),
                activity_type_id=_opt_str(args.get("activity_type_id")),
            )
            return None
        case CommandKind.ADJUST:
            return await client.adjust(
                remark=_opt_str(args.get("remark")),
                activity_type_id=_opt_str(args.get("activity_type_id")),
            )
        case CommandKind.ACTIVITY_CHECK:
            return await client.activity_check()
        case CommandKind.IDLE_CHECK:
            return await client.idle_check(SnoozeOption(int(args["option"])))
        case CommandKind.TRIM_IDLE:
            if trim_checked or await check_trim(client, command, state):
                patch = RestWorkLogPatch(length=trim_target(command))
                await client.patch_work_log(str(command.args["work_log_id"]), patch)
            return None
        case CommandKind.ADD_WORK_LOG:
            if args.get(UNTIL) is not None:
                raise CommandError("A gap work log must be resolved (resolve_gap) before sending.")
            await client.create_work_log(RestWorkLogCreate.from_wire(work_log_fields(command)))
            return None
    raise CommandError(f"Unknown command kind {command.kind!r}.")  # pragma: no cover
