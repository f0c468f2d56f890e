"""User commands as data: what the user did, when, with what; and how to send one online.

A `Command` is a frozen record of typed arguments (one dataclass per kind), so the same value
can be sent at once (`apply`) or written ahead to the offline journal and replayed later. JSON
appears only at the journal's boundary: `to_json()`/`from_json()`. `at` is the moment the user
acted (aware UTC), `id` a uuid4 hex the journal uses for idempotence.

Kinds and their arguments:

- ``start`` (`StartArgs`): a `TrackTarget` (work item, remark, activity type, billable).
- ``stop`` (`StopArgs`): reason (user or machine); only_if_running.
- ``select`` (`SelectArgs`): a `TrackTarget` (its billable flag is not sent: `selected` has none).
- ``adjust`` (`AdjustArgs`): remark, activity_type_id.
- ``activity_check`` (`ActivityCheckArgs`): none.  ``idle_check`` (`IdleCheckArgs`): option.
- ``trim_idle`` (`TrimIdleArgs`): work_log_id, track_start, end, idle_start, idle_end. The work
  log is set to the absolute length ``(end - track_start) - (the part of [idle_start, idle_end]
  inside [track_start, end])``. An ABSOLUTE target (never "minus N seconds" relative to what
  the server holds), so sending it twice cannot trim twice. `end` is when the track stopped as
  the user sees it (the stop command's `at`); with idle_start == idle_end the trim simply ends
  the log at `end` (a stop taken offline). A trim never lengthens a log, and a log that is
  still running is refused with `CommandConflict` (a running track has no final length: the
  local server answers 409 WorkLogRunning, and 7pace recomputes a running track's length
  itself), so callers stop first, then trim.
- ``add_work_log`` (`AddWorkLogArgs`): a `RestWorkLogCreate`; with `until_live_start` its
  length is resolved from `current` right before sending (`resolve_gap`).

Any command may carry an `Expectation` (a work log id, or None for "the user saw no running
track"): the server state the user acted on. The journal compares it with `current` before
replaying and reports a conflict on a mismatch. No expectation (None) means "not checked".

The stored JSON (``{"id", "kind", "at", "args"}``) keeps the form earlier versions wrote, so
old journals replay as they were: datetimes as ISO-8601 strings, the expectation as the
``expect_work_log_id`` key of ``args``, an ``add_work_log`` as its wire form. The work item is
written as ``work_item_id``; journals written before that name say ``tfs_id``, still read.

`apply` sends a command exactly once (the client never retries writes blindly); callers that
lose the answer (timeout, dropped connection) must verify against the server, not resend.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any, ClassVar, Literal

from app.api.client import TrackingClient
from app.api.models import (
    RestWorkLog,
    RestWorkLogCreate,
    RestWorkLogPatch,
    SnoozeOption,
    StopReason,
    TrackingState,
)
from app.texts import Marked

# Re-exported: the journal imports it from here (its one home is app.tracking.state).
from app.tracking.state import is_running
from app.tracking.target import TrackTarget, send_select, send_start

# Keys of the stored JSON
EXPECT = "expect_work_log_id"
UNTIL = "until"
LIVE_START = "live_start"
WORK_ITEM_ID = "work_item_id"
OLD_WORK_ITEM_ID = "tfs_id"  # journals written before the one name
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

    def __init__(self, message: str | Marked) -> None:
        text = message.message if isinstance(message, Marked) else message
        super().__init__(text)
        self.message = text
        # the translatable form (app/texts.py) when the message was built with `marked`
        self.template: str | None = message.template if isinstance(message, Marked) else None
        self.params: Mapping[str, object] = message.params if isinstance(message, Marked) else {}


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


# --- the arguments of each kind ------------------------------------------------------------


@dataclass(frozen=True)
class StartArgs:
    KIND: ClassVar[CommandKind] = CommandKind.START
    target: TrackTarget


@dataclass(frozen=True)
class StopArgs:
    """`only_if_running`: a track that already stopped (e.g. the server stopped it while the
    user was away) is fine, not a conflict (idle decisions use this)."""

    KIND: ClassVar[CommandKind] = CommandKind.STOP
    reason: StopReason = StopReason.USER
    only_if_running: bool = False


@dataclass(frozen=True)
class SelectArgs:
    KIND: ClassVar[CommandKind] = CommandKind.SELECT
    target: TrackTarget


@dataclass(frozen=True)
class AdjustArgs:
    KIND: ClassVar[CommandKind] = CommandKind.ADJUST
    remark: str | None = None
    activity_type_id: str | None = None


@dataclass(frozen=True)
class ActivityCheckArgs:
    KIND: ClassVar[CommandKind] = CommandKind.ACTIVITY_CHECK


@dataclass(frozen=True)
class IdleCheckArgs:
    KIND: ClassVar[CommandKind] = CommandKind.IDLE_CHECK
    option: SnoozeOption


@dataclass(frozen=True)
class TrimIdleArgs:
    """All times aware UTC (normalised on creation)."""

    KIND: ClassVar[CommandKind] = CommandKind.TRIM_IDLE
    work_log_id: str
    track_start: datetime
    end: datetime
    idle_start: datetime
    idle_end: datetime

    def __post_init__(self) -> None:
        for name in ("track_start", "end", "idle_start", "idle_end"):
            object.__setattr__(self, name, utc(getattr(self, name)))

    def target_length(self) -> int:
        """The absolute length in seconds the trim sets (at least 1: 7pace refuses 0)."""
        overlap_start = max(self.idle_start, self.track_start)
        overlap_end = min(self.idle_end, self.end)
        idle = max(0.0, (overlap_end - overlap_start).total_seconds())
        return max(1, round((self.end - self.track_start).total_seconds() - idle))


@dataclass(frozen=True)
class AddWorkLogArgs:
    """`work_log` is kept as it will be sent (through its wire form: times to the
    millisecond), so a journaled copy equals the one in memory."""

    KIND: ClassVar[CommandKind] = CommandKind.ADD_WORK_LOG
    work_log: RestWorkLogCreate
    until_live_start: bool = False  # a gap log: its length is resolved just before sending

    def __post_init__(self) -> None:
        wire = RestWorkLogCreate.from_wire(self.work_log.to_wire())
        object.__setattr__(self, "work_log", wire)


CommandArgs = (
    StartArgs
    | StopArgs
    | SelectArgs
    | AdjustArgs
    | ActivityCheckArgs
    | IdleCheckArgs
    | TrimIdleArgs
    | AddWorkLogArgs
)


@dataclass(frozen=True)
class Expectation:
    """The running work log the user saw when acting (None: no track was running)."""

    work_log_id: str | None


@dataclass(frozen=True)
class Command:
    args: CommandArgs
    at: datetime
    id: str = field(default_factory=new_id)
    expectation: Expectation | None = None  # None: nothing to check before replaying

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", utc(self.at))

    @property
    def kind(self) -> CommandKind:
        return self.args.KIND

    @property
    def has_expectation(self) -> bool:
        return self.expectation is not None

    @property
    def expected_work_log_id(self) -> str | None:
        """Lower-cased: 7pace GUIDs may arrive in either case."""
        expected = self.expectation.work_log_id if self.expectation is not None else None
        return None if expected is None else expected.lower()

    def to_json(self) -> dict[str, Any]:
        args = _args_to_json(self.args)
        if self.expectation is not None:
            args[EXPECT] = self.expectation.work_log_id
        return {"id": self.id, "kind": str(self.kind), "at": to_iso(self.at), "args": args}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Command:
        try:
            raw = dict(data["args"])
            expectation = Expectation(_opt_str(raw.pop(EXPECT))) if EXPECT in raw else None
            return cls(
                args=_args_from_json(CommandKind(data["kind"]), raw),
                at=from_iso(data["at"]),
                id=str(data["id"]),
                expectation=expectation,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a stored command: {exc}") from exc


# --- the stored JSON of the arguments (the journal's boundary) -----------------------------


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _target_to_json(target: TrackTarget) -> dict[str, Any]:
    return {
        WORK_ITEM_ID: target.work_item_id,
        "remark": target.remark,
        "activity_type_id": target.activity_type_id,
        "is_billable": target.is_billable,
    }


def _target_from_json(raw: Mapping[str, Any]) -> TrackTarget:
    work_item_id = raw[WORK_ITEM_ID] if WORK_ITEM_ID in raw else raw.get(OLD_WORK_ITEM_ID)
    return TrackTarget(
        _opt_int(work_item_id),
        _opt_str(raw.get("remark")),
        _opt_str(raw.get("activity_type_id")),
        _opt_bool(raw.get("is_billable")),
    )


def _args_to_json(args: CommandArgs) -> dict[str, Any]:
    match args:
        case StartArgs(target=target) | SelectArgs(target=target):
            return _target_to_json(target)
        case StopArgs():
            stop: dict[str, Any] = {"reason": int(args.reason)}
            if args.only_if_running:
                stop["only_if_running"] = True
            return stop
        case AdjustArgs():
            return {"remark": args.remark, "activity_type_id": args.activity_type_id}
        case ActivityCheckArgs():
            return {}
        case IdleCheckArgs():
            return {"option": int(args.option)}
        case TrimIdleArgs():
            return {
                "work_log_id": args.work_log_id,
                "track_start": to_iso(args.track_start),
                "end": to_iso(args.end),
                "idle_start": to_iso(args.idle_start),
                "idle_end": to_iso(args.idle_end),
            }
        case AddWorkLogArgs():
            wire = args.work_log.to_wire()
            return {**wire, UNTIL: LIVE_START} if args.until_live_start else wire


def _args_from_json(kind: CommandKind, raw: Mapping[str, Any]) -> CommandArgs:
    """Raises KeyError, TypeError or ValueError on a malformed entry."""
    match kind:
        case CommandKind.START:
            return StartArgs(_target_from_json(raw))
        case CommandKind.SELECT:
            return SelectArgs(_target_from_json(raw))
        case CommandKind.STOP:
            reason = StopReason(int(raw.get("reason", 0)))
            return StopArgs(reason, bool(raw.get("only_if_running", False)))
        case CommandKind.ADJUST:
            return AdjustArgs(_opt_str(raw.get("remark")), _opt_str(raw.get("activity_type_id")))
        case CommandKind.ACTIVITY_CHECK:
            return ActivityCheckArgs()
        case CommandKind.IDLE_CHECK:
            return IdleCheckArgs(SnoozeOption(int(raw["option"])))
        case CommandKind.TRIM_IDLE:
            return TrimIdleArgs(
                str(raw["work_log_id"]),
                from_iso(str(raw["track_start"])),
                from_iso(str(raw["end"])),
                from_iso(str(raw["idle_start"])),
                from_iso(str(raw["idle_end"])),
            )
        case CommandKind.ADD_WORK_LOG:
            fields = {key: value for key, value in raw.items() if key != UNTIL}
            until = raw.get(UNTIL)
            if until not in (None, LIVE_START):
                raise ValueError(f"unknown {UNTIL!r}: {until!r}")
            return AddWorkLogArgs(RestWorkLogCreate.from_wire(fields), until == LIVE_START)


# --- constructors --------------------------------------------------------------------------


class _Absent(Enum):
    NO_EXPECTATION = "NO_EXPECTATION"


_NO_EXPECTATION: Literal[_Absent.NO_EXPECTATION] = _Absent.NO_EXPECTATION
ExpectArg = str | None | Literal[_Absent.NO_EXPECTATION]


def _expectation(expect: ExpectArg) -> Expectation | None:
    return None if isinstance(expect, _Absent) else Expectation(expect)


def start(
    at: datetime,
    target: TrackTarget,
    *,
    expect_work_log_id: ExpectArg = _NO_EXPECTATION,
) -> Command:
    return Command(StartArgs(target), at, expectation=_expectation(expect_work_log_id))


def stop(
    at: datetime,
    reason: StopReason = StopReason.USER,
    *,
    expect_work_log_id: ExpectArg = _NO_EXPECTATION,
    only_if_running: bool = False,
) -> Command:
    args = StopArgs(StopReason(reason), only_if_running)
    return Command(args, at, expectation=_expectation(expect_work_log_id))


def select(at: datetime, target: TrackTarget) -> Command:
    return Command(SelectArgs(target), at)


def adjust(
    at: datetime,
    remark: str | None = None,
    activity_type_id: str | None = None,
    *,
    expect_work_log_id: ExpectArg = _NO_EXPECTATION,
) -> Command:
    args = AdjustArgs(remark, activity_type_id)
    return Command(args, at, expectation=_expectation(expect_work_log_id))


def activity_check(at: datetime) -> Command:
    return Command(ActivityCheckArgs(), at)


def idle_check(at: datetime, option: SnoozeOption) -> Command:
    return Command(IdleCheckArgs(SnoozeOption(option)), at)


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
    args = TrimIdleArgs(
        work_log_id,
        track_start,
        end,
        idle_start if idle_start is not None else end,
        idle_end if idle_end is not None else end,
    )
    return Command(args, at)


def add_work_log(at: datetime, work_log: RestWorkLogCreate) -> Command:
    return Command(AddWorkLogArgs(work_log), at)


def add_gap_work_log(at: datetime, work_log: RestWorkLogCreate) -> Command:
    """A work log from `work_log.timestamp` until the live track starts: its length is filled
    in (`resolve_gap`) from `current` just before it is sent (offline minutes of a start)."""
    return Command(AddWorkLogArgs(work_log, until_live_start=True), at)


def resolve_gap(command: Command, state: TrackingState, now: datetime) -> Command:
    """Fixes the length of an `add_gap_work_log`: up to the running track's start, or `now`."""
    args = command.args
    if not isinstance(args, AddWorkLogArgs) or not args.until_live_start:
        return command
    begin = args.work_log.timestamp
    begin = begin if begin.tzinfo is not None else begin.astimezone()
    started = state.track.current_track_started_date_time if is_running(state) else None
    end = started if started is not None and started.tzinfo is not None else now
    length = max(0, round((end - begin).total_seconds()))
    billable = length if args.work_log.billable_length is not None else None
    work_log = replace(args.work_log, length=length, billable_length=billable)
    return replace(command, args=AddWorkLogArgs(work_log))


# --- trims ---------------------------------------------------------------------------------


def trim_target(args: TrimIdleArgs) -> int:
    """The absolute length in seconds a trim_idle command sets (at least 1: 7pace refuses 0)."""
    return args.target_length()


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
    client: TrackingClient, args: TrimIdleArgs, state: TrackingState | None = None
) -> bool:
    """Whether a trim still has to be sent: False when the log is already that short. Raises
    CommandConflict when the log is still running or gone."""
    target = args.target_length()
    work_log_id = args.work_log_id
    if state is None:
        state = await client.current()
    if is_running(state, work_log_id):
        raise CommandConflict(
            "That work log is still being tracked; stop tracking before trimming it."
        )
    log = await find_work_log(client, work_log_id, args.track_start)
    if log is None:
        raise CommandConflict(
            f"Work log {work_log_id} is gone from the server; nothing was trimmed."
        )
    return log.length > target  # already this short: trimmed before, or stopped earlier


# --- sending -------------------------------------------------------------------------------


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
    match args:
        case StartArgs(target=target):
            return await send_start(client, target)
        case StopArgs():
            return await client.stop_tracking(args.reason)
        case SelectArgs(target=target):
            await send_select(client, target)
            return None
        case AdjustArgs():
            return await client.adjust(remark=args.remark, activity_type_id=args.activity_type_id)
        case ActivityCheckArgs():
            return await client.activity_check()
        case IdleCheckArgs():
            return await client.idle_check(args.option)
        case TrimIdleArgs():
            if trim_checked or await check_trim(client, args, state):
                patch = RestWorkLogPatch(length=args.target_length())
                await client.patch_work_log(args.work_log_id, patch)
            return None
        case AddWorkLogArgs():
            if args.until_live_start:
                raise CommandError("A gap work log must be resolved (resolve_gap) before sending.")
            await client.create_work_log(args.work_log)
            return None
