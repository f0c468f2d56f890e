"""The day model of "Today at a glance" (issue 15): one local day of work logs, presence and
activity checks, placed in time so a view (the Today window, `pacetray today`) only draws.

`build_day(...)` takes what is known — the day's REST work logs, the running track (`current`),
the presence log's periods and check events, the offline journal's pending commands — and
returns a `Day`:

- `logs`: the work logs cut to the day (a log crossing midnight keeps only its part of the
  day), the running one grown to `now`, each with a `lane` so overlapping logs sit side by side;
- `presence`, `checks`: the presence periods (an ongoing one up to `now`) and check marks;
- `slipped`: time at the machine with nothing tracked, each at least `slip_threshold` long;
- totals per work item, per activity type and for the day (the sum of the logs, as 7pace
  counts them: overlapping logs count twice);
- `synced`: False when the server could not be read or the journal holds commands not yet
  sent; the parts that come from the journal have `synced=False`.

Positions: every placed part has `start_s`/`end_s`, seconds since the day's local midnight as
elapsed (real) time, and `Day.length_s` is the day's real length (23 h or 25 h on
daylight-saving days), so `start_s / length_s` is the fraction of the width; `Day.hours` gives
where each local hour begins (on a 25-h day one hour appears twice). All arithmetic is done in
UTC: Python subtracts two datetimes of the same zone by wall clock, which is wrong across a
daylight-saving change.

`build_week(...)` gives the Monday to Sunday totals of the week holding a date.

REST work log times come naive (wall-clock time in the user's zone, no offset): they are read
in the zone given (`tz`); aware ones are converted.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from app.api.models import RestWorkLog, TrackingState
from app.tracking.presence import CheckEvent, CheckOutcome, Presence, PresencePeriod
from app.tracking.state import is_running
from app.tracking.user_commands import AddWorkLogArgs, Command, StartArgs, StopArgs

DEFAULT_SLIP_THRESHOLD = timedelta(minutes=5)


@dataclass(frozen=True)
class Placed:
    """Something placed in the day: [start, end) in aware UTC, and as seconds of the day."""

    start: datetime
    end: datetime
    start_s: float  # seconds since the day's local midnight (elapsed time)
    end_s: float

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class DayLog(Placed):
    """A work log's part of the day."""

    id: str | None  # None: started offline, the server has not given it an id yet
    work_item_id: int | None
    comment: str | None
    activity_type_id: str | None
    activity_type_name: str | None
    billable: bool
    running: bool = False  # grows to `now`
    synced: bool = True  # False: (this part of) the log is only in the offline journal
    cut_start: bool = False  # began before the day
    cut_end: bool = False  # goes on after the day
    lane: int = 0  # 0 unless it overlaps an earlier log: the first lane free at its start


@dataclass(frozen=True)
class DayPresence(Placed):
    presence: Presence
    cause: str | None  # AwayCause's value for AWAY
    ongoing: bool = False  # not ended yet: shown up to `now`


@dataclass(frozen=True)
class CheckMark:
    at: datetime
    at_s: float
    outcome: CheckOutcome


@dataclass(frozen=True)
class Slipped(Placed):
    """At the machine, nothing tracked, for at least the slip threshold."""


@dataclass(frozen=True)
class HourMark:
    hour: int  # the local hour shown (0-23); twice on the day the clocks go back
    at_s: float


@dataclass(frozen=True)
class ItemTotal:
    work_item_id: int | None  # None: logs with a comment only
    seconds: float


@dataclass(frozen=True)
class ActivityTotal:
    activity_type_id: str | None
    name: str | None
    seconds: float


@dataclass(frozen=True)
class Day:
    date: date
    tz: tzinfo
    start: datetime  # local midnight, aware UTC
    end: datetime  # the next local midnight, aware UTC
    now: datetime
    logs: tuple[DayLog, ...]
    presence: tuple[DayPresence, ...]
    checks: tuple[CheckMark, ...]
    slipped: tuple[Slipped, ...]
    totals_by_item: tuple[ItemTotal, ...]  # largest first
    totals_by_activity: tuple[ActivityTotal, ...]  # largest first
    total: float  # seconds
    synced: bool
    hours: tuple[HourMark, ...]
    slip_threshold: timedelta = DEFAULT_SLIP_THRESHOLD

    @property
    def length_s(self) -> float:
        """The day's real length in seconds: 86400, or 82800/90000 on daylight-saving days."""
        return (self.end - self.start).total_seconds()

    @property
    def lanes(self) -> int:
        return 1 + max((log.lane for log in self.logs), default=0)

    def fraction(self, seconds: float) -> float:
        """Where `seconds` of the day sits across the day's width, 0..1."""
        return seconds / self.length_s


@dataclass(frozen=True)
class WeekDay:
    date: date
    total: float  # seconds
    synced: bool


@dataclass(frozen=True)
class Week:
    days: tuple[WeekDay, ...]  # Monday to Sunday

    @property
    def total(self) -> float:
        return sum(day.total for day in self.days)

    @property
    def monday(self) -> date:
        return self.days[0].date


_EPOCH = datetime(1970, 1, 1)


class LocalZone(tzinfo):
    """The system's local zone with its daylight-saving rules (the C library's, honouring
    TZ), for callers without a zone name: `datetime.now().astimezone()` gives only today's
    fixed offset, wrong for a day across a change."""

    def fromutc(self, dt: datetime) -> datetime:
        stamp = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        return dt + timedelta(seconds=_time.localtime(stamp).tm_gmtoff)

    def _local(self, dt: datetime | None) -> _time.struct_time:
        if dt is None:
            return _time.localtime()
        # mktime reads a wall-clock time (isdst -1: let the C library decide).
        return _time.localtime(_time.mktime((*dt.timetuple()[:8], -1)))

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    def __repr__(self) -> str:
        return "LocalZone()"


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight of `day` and of the next day, as aware UTC."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def log_start(log: RestWorkLog, tz: tzinfo) -> datetime:
    """A REST work log's start as aware UTC (a naive time is wall-clock time in `tz`)."""
    stamp = log.timestamp
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=tz)
    return stamp.astimezone(UTC)


@dataclass(frozen=True)
class _Span:
    """A work log before it is cut to a day (all times aware UTC)."""

    start: datetime
    end: datetime
    id: str | None
    work_item_id: int | None
    comment: str | None
    activity_type_id: str | None
    activity_type_name: str | None
    billable: bool
    running: bool = False
    synced: bool = True


def _spans(
    tz: tzinfo,
    work_logs: Sequence[RestWorkLog] | None,
    running: TrackingState | None,
    pending: Sequence[Command],
    now: datetime,
) -> list[_Span]:
    """Every work log known, the running one grown to `now`, then the journal's commands
    applied: an offline start opens a log (stopping the one before, as 7pace does), an offline
    stop ends the running log, an offline added log is added; those parts are not synced."""
    running_id = None
    if running is not None and is_running(running):
        running_id = (running.track.work_log_id or "").lower()
    spans: list[_Span] = []
    seen_running = False
    for log in work_logs or ():
        start = log_start(log, tz)
        grows = running_id is not None and log.id.lower() == running_id
        seen_running = seen_running or grows
        activity = log.activity_type
        spans.append(
            _Span(
                start=start,
                end=max(start, now) if grows else start + timedelta(seconds=log.length),
                id=log.id,
                work_item_id=log.work_item_id,
                comment=log.comment,
                activity_type_id=activity.id if activity is not None else None,
                activity_type_name=activity.name if activity is not None else None,
                billable=log.flags.is_billable,
                running=grows,
            )
        )
    if running is not None and is_running(running) and not seen_running:
        # The running track's log is not among the logs read (or none could be read).
        track = running.track
        started = track.current_track_started_date_time
        if started is not None:
            started = started if started.tzinfo else started.replace(tzinfo=UTC)
            spans.append(
                _Span(
                    start=started.astimezone(UTC),
                    end=max(started, now),
                    id=track.work_log_id,
                    work_item_id=track.tfs_id,
                    comment=track.remark,
                    activity_type_id=track.activity_type_id,
                    activity_type_name=None,
                    billable=bool(track.is_billable),
                    running=True,
                )
            )
    for command in pending:
        _apply_pending(spans, command, tz, now)
    return spans


def _stop_running(spans: list[_Span], at: datetime) -> None:
    for index, span in enumerate(spans):
        if span.running:
            end = max(span.start, min(span.end, at))
            spans[index] = replace(span, end=end, running=False, synced=False)


def _apply_pending(spans: list[_Span], command: Command, tz: tzinfo, now: datetime) -> None:
    args = command.args
    if isinstance(args, StartArgs):
        _stop_running(spans, command.at)
        target = args.target
        spans.append(
            _Span(
                start=command.at,
                end=max(command.at, now),
                id=None,
                work_item_id=target.work_item_id,
                comment=target.remark,
                activity_type_id=target.activity_type_id,
                activity_type_name=None,
                billable=bool(target.is_billable),
                running=True,
                synced=False,
            )
        )
    elif isinstance(args, StopArgs):
        _stop_running(spans, command.at)
    elif isinstance(args, AddWorkLogArgs) and not args.until_live_start:
        # A gap log's length is only known when it is sent: it is left out until then.
        wanted = args.work_log
        stamp = wanted.timestamp if wanted.timestamp.tzinfo else wanted.timestamp.replace(tzinfo=tz)
        start = stamp.astimezone(UTC)
        spans.append(
            _Span(
                start=start,
                end=start + timedelta(seconds=wanted.length),
                id=None,
                work_item_id=wanted.work_item_id,
                comment=wanted.comment,
                activity_type_id=wanted.activity_type_id,
                activity_type_name=None,
                billable=bool(wanted.billable_length),
                synced=False,
            )
        )
    # Other kinds (select, adjust, checks, trims) do not move a log in time.


def _offset(moment: datetime, day_start: datetime) -> float:
    return (moment - day_start).total_seconds()


def _place_logs(spans: Iterable[_Span], start: datetime, end: datetime) -> list[DayLog]:
    placed: list[DayLog] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.end <= start or span.start >= end or span.end <= span.start:
            continue
        cut_from, cut_to = max(span.start, start), min(span.end, end)
        placed.append(
            DayLog(
                start=cut_from,
                end=cut_to,
                start_s=_offset(cut_from, start),
                end_s=_offset(cut_to, start),
                id=span.id,
                work_item_id=span.work_item_id,
                comment=span.comment,
                activity_type_id=span.activity_type_id,
                activity_type_name=span.activity_type_name,
                billable=span.billable,
                running=span.running,
                synced=span.synced,
                cut_start=span.start < start,
                cut_end=span.end > end,
            )
        )
    return _assign_lanes(placed)


def _assign_lanes(logs: list[DayLog]) -> list[DayLog]:
    """Greedy interval colouring over logs sorted by start: each log takes the first lane
    whose last log has ended."""
    lane_ends: list[float] = []
    laid: list[DayLog] = []
    for log in logs:
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= log.start_s:
                lane_ends[lane] = log.end_s
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(log.end_s)
        laid.append(replace(log, lane=lane))
    return laid


def _place_presence(
    periods: Iterable[PresencePeriod], start: datetime, end: datetime, now: datetime
) -> list[DayPresence]:
    placed: list[DayPresence] = []
    for period in sorted(periods, key=lambda p: p.start):
        period_start = period.start.astimezone(UTC)
        period_end = (period.end or now).astimezone(UTC)
        cut_from, cut_to = max(period_start, start), min(period_end, end, max(now, period_start))
        if cut_to <= cut_from:
            continue
        placed.append(
            DayPresence(
                start=cut_from,
                end=cut_to,
                start_s=_offset(cut_from, start),
                end_s=_offset(cut_to, start),
                presence=period.presence,
                cause=None if period.cause is None else str(period.cause),
                ongoing=period.end is None,
            )
        )
    return placed


def _subtract(
    windows: list[tuple[datetime, datetime]], taken: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """`windows` minus the union of `taken` (both lists of [start, end))."""
    result: list[tuple[datetime, datetime]] = []
    taken = sorted(taken)
    for win_start, win_end in windows:
        cursor = win_start
        for t_start, t_end in taken:
            if t_end <= cursor or t_start >= win_end:
                continue
            if t_start > cursor:
                result.append((cursor, t_start))
            cursor = max(cursor, t_end)
            if cursor >= win_end:
                break
        if cursor < win_end:
            result.append((cursor, win_end))
    return result


def _slipped(
    presence: Sequence[DayPresence],
    logs: Sequence[DayLog],
    threshold: timedelta,
    day_start: datetime,
) -> list[Slipped]:
    present = [(p.start, p.end) for p in presence if p.presence is Presence.PRESENT]
    # Adjacent present periods (e.g. split by a restart) join before the threshold applies.
    merged: list[tuple[datetime, datetime]] = []
    for window in sorted(present):
        if merged and window[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], window[1]))
        else:
            merged.append(window)
    gaps = _subtract(merged, [(log.start, log.end) for log in logs])
    return [
        Slipped(
            start=gap_start,
            end=gap_end,
            start_s=_offset(gap_start, day_start),
            end_s=_offset(gap_end, day_start),
        )
        for gap_start, gap_end in gaps
        if gap_end - gap_start >= threshold
    ]


def _hours(start: datetime, end: datetime, tz: tzinfo) -> list[HourMark]:
    marks: list[HourMark] = []
    moment = start
    while moment < end:
        marks.append(HourMark(moment.astimezone(tz).hour, _offset(moment, start)))
        local = moment.astimezone(tz)
        # The next whole local hour (whole-hour steps in UTC miss it in half-hour zones
        # only at the day's edges, which are local midnights).
        moment = moment + timedelta(minutes=60 - local.minute, seconds=-local.second)
        moment = moment.replace(microsecond=0)
    return marks


def _totals(logs: Sequence[DayLog]) -> tuple[tuple[ItemTotal, ...], tuple[ActivityTotal, ...]]:
    by_item: dict[int | None, float] = {}
    by_activity: dict[str | None, float] = {}
    names: dict[str | None, str | None] = {}
    for log in logs:
        by_item[log.work_item_id] = by_item.get(log.work_item_id, 0.0) + log.seconds
        key = log.activity_type_id.lower() if log.activity_type_id else None
        by_activity[key] = by_activity.get(key, 0.0) + log.seconds
        names[key] = names.get(key) or log.activity_type_name
    items = tuple(
        ItemTotal(item, seconds)
        for item, seconds in sorted(by_item.items(), key=lambda kv: (-kv[1], kv[0] or 0))
    )
    activities = tuple(
        ActivityTotal(key, names.get(key), seconds)
        for key, seconds in sorted(by_activity.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    )
    return items, activities


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} has no time zone: pass an aware datetime")
    return moment.astimezone(UTC)


def build_day(
    day: date,
    tz: tzinfo,
    work_logs: Sequence[RestWorkLog] | None,
    running: TrackingState | None,
    presence: Sequence[PresencePeriod],
    checks: Sequence[CheckEvent],
    pending: Sequence[Command],
    now: datetime,
    slip_threshold: timedelta = DEFAULT_SLIP_THRESHOLD,
) -> Day:
    """The day `day` in zone `tz` as of `now` (aware).

    `work_logs`: the REST work logs around the day (read from a little before local midnight:
    a log crossing midnight is cut to the day); None when the server could not be read.
    `running`: the latest `current` state, or None. `presence`/`checks`: from the presence log.
    `pending`: the offline journal's pending commands, oldest first."""
    now = _aware(now, "now")
    start, end = day_bounds(day, tz)
    logs = _place_logs(_spans(tz, work_logs, running, pending, now), start, end)
    placed_presence = _place_presence(presence, start, end, now)
    marks = tuple(
        CheckMark(check.at.astimezone(UTC), _offset(check.at, start), check.outcome)
        for check in sorted(checks, key=lambda c: c.at)
        if start <= check.at < end
    )
    items, activities = _totals(logs)
    return Day(
        date=day,
        tz=tz,
        start=start,
        end=end,
        now=now,
        logs=tuple(logs),
        presence=tuple(placed_presence),
        checks=marks,
        slipped=tuple(_slipped(placed_presence, logs, slip_threshold, start)),
        totals_by_item=items,
        totals_by_activity=activities,
        total=sum(log.seconds for log in logs),
        synced=work_logs is not None and all(log.synced for log in logs) and not pending,
        hours=tuple(_hours(start, end, tz)),
        slip_threshold=slip_threshold,
    )


def week_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight of the Monday of `day`'s week and of the Monday after, as aware UTC."""
    monday = day - timedelta(days=day.weekday())
    return day_bounds(monday, tz)[0], day_bounds(monday + timedelta(days=7), tz)[0]


def build_week(
    day: date,
    tz: tzinfo,
    work_logs: Sequence[RestWorkLog] | None,
    running: TrackingState | None,
    pending: Sequence[Command],
    now: datetime,
) -> Week:
    """The Monday to Sunday totals of the week holding `day` (work logs as for `build_day`, read
    for the whole week)."""
    now = _aware(now, "now")
    spans = _spans(tz, work_logs, running, pending, now)
    monday = day - timedelta(days=day.weekday())
    days: list[WeekDay] = []
    for index in range(7):
        current = monday + timedelta(days=index)
        start, end = day_bounds(current, tz)
        logs = _place_logs(spans, start, end)
        days.append(
            WeekDay(
                date=current,
                total=sum(log.seconds for log in logs),
                synced=work_logs is not None and all(log.synced for log in logs),
            )
        )
    return Week(tuple(days))
