"""The day model (app/tracking/day.py): logs placed in the local day, cut at midnight, lanes for
overlaps, the running track, presence and slipped periods, daylight-saving days, the offline
journal's parts, the week strip."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.api.models import (
    RestActivityTypeRef,
    RestWorkLog,
    RestWorkLogCreate,
    Track,
    TrackingState,
    TrackingStateKind,
    WorkLogFlags,
)
from app.tracking.day import LocalZone, build_day, build_week, day_bounds
from app.tracking.presence import AwayCause, CheckEvent, CheckOutcome, Presence, PresencePeriod
from app.tracking.target import TrackTarget
from app.tracking.user_commands import AddWorkLogArgs, Command, StartArgs, StopArgs

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 10)  # a Tuesday, CET (UTC+1)
DEV = RestActivityTypeRef(id="a-dev", name="Development")
MEET = RestActivityTypeRef(id="a-meet", name="Meeting")


def local(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """Naive wall-clock time, as REST work logs carry it."""
    return datetime(day.year, day.month, day.day, hour, minute)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return local(hour, minute, day).replace(tzinfo=BERLIN).astimezone(UTC)


def wl(
    log_id: str,
    start: datetime,
    minutes: float,
    item: int | None = 1201,
    activity: RestActivityTypeRef | None = DEV,
    billable: bool = False,
) -> RestWorkLog:
    return RestWorkLog(
        id=log_id,
        timestamp=start,
        length=round(minutes * 60),
        work_item_id=item,
        activity_type=activity,
        flags=WorkLogFlags(is_tracked=True, is_billable=billable),
    )


def running_state(log_id: str, started: datetime, item: int = 1201) -> TrackingState:
    return TrackingState(
        track=Track(
            tfs_id=item,
            tracking_state=TrackingStateKind.TRACKING,
            work_log_id=log_id,
            current_track_started_date_time=started,
        )
    )


def present(start: datetime, end: datetime | None) -> PresencePeriod:
    return PresencePeriod(start, end, Presence.PRESENT)


def away(
    start: datetime, end: datetime | None, cause: AwayCause = AwayCause.IDLE
) -> PresencePeriod:
    return PresencePeriod(start, end, Presence.AWAY, cause)


EVENING = at(20)


def test_logs_are_placed_in_seconds_of_the_day_with_totals() -> None:
    logs = [
        wl("b", local(10), 30, item=1202, activity=MEET),
        wl("a", local(9), 60, billable=True),
        wl("c", local(11), 15, item=None, activity=None),
    ]
    day = build_day(DAY, BERLIN, logs, None, [], [], [], EVENING)
    assert [log.id for log in day.logs] == ["a", "b", "c"]
    first = day.logs[0]
    assert (first.start_s, first.end_s) == (9 * 3600, 10 * 3600)
    assert first.start == at(9) and first.billable
    assert day.fraction(first.start_s) == 9 / 24
    assert day.total == 105 * 60
    assert [(t.work_item_id, t.seconds) for t in day.totals_by_item] == [
        (1201, 3600),
        (1202, 1800),
        (None, 900),
    ]
    assert [(t.activity_type_id, t.name, t.seconds) for t in day.totals_by_activity] == [
        ("a-dev", "Development", 3600),
        ("a-meet", "Meeting", 1800),
        (None, None, 900),
    ]
    assert day.synced and day.lanes == 1


def test_a_log_crossing_midnight_is_cut_to_each_day() -> None:
    logs = [wl("late", local(23, 30, DAY - timedelta(days=1)), 90)]  # 23:30 to 01:00
    today = build_day(DAY, BERLIN, logs, None, [], [], [], EVENING)
    (part,) = today.logs
    assert (part.start_s, part.end_s) == (0, 3600)
    assert part.cut_start and not part.cut_end
    assert today.total == 3600
    yesterday = build_day(DAY - timedelta(days=1), BERLIN, logs, None, [], [], [], EVENING)
    assert yesterday.total == 1800 and yesterday.logs[0].cut_end
    assert yesterday.logs[0].end_s == yesterday.length_s


def test_overlapping_logs_get_lanes_and_both_count() -> None:
    logs = [wl("a", local(9), 60), wl("b", local(9, 30), 60), wl("c", local(10), 30)]
    day = build_day(DAY, BERLIN, logs, None, [], [], [], EVENING)
    assert [(log.id, log.lane) for log in day.logs] == [("a", 0), ("b", 1), ("c", 0)]
    assert day.lanes == 2
    assert day.total == 150 * 60  # as 7pace sums work logs


def test_the_running_track_grows_to_now() -> None:
    now = at(10, 20)
    logs = [wl("run", local(10), 5)]  # the server's length when read
    day = build_day(DAY, BERLIN, logs, running_state("RUN", at(10)), [], [], [], now)
    (log,) = day.logs
    assert log.running and log.end == now and log.seconds == 20 * 60
    later = build_day(DAY, BERLIN, logs, running_state("run", at(10)), [], [], [], at(11))
    assert later.total == 3600


def test_a_running_track_missing_from_the_logs_comes_from_current() -> None:
    day = build_day(DAY, BERLIN, [], running_state("x", at(8)), [], [], [], at(8, 45))
    (log,) = day.logs
    assert log.running and log.id == "x" and log.work_item_id == 1201
    assert log.start_s == 8 * 3600 and log.seconds == 45 * 60


def test_a_running_track_since_yesterday_fills_today_up_to_now() -> None:
    started = at(22, day=DAY - timedelta(days=1))
    day = build_day(DAY, BERLIN, [], running_state("x", started), [], [], [], at(2))
    assert day.logs[0].cut_start and day.total == 2 * 3600


def test_spring_forward_day_has_23_hours() -> None:
    spring = date(2026, 3, 29)  # 02:00 CET -> 03:00 CEST
    logs = [wl("a", local(1, 0, spring), 120)]  # 01:00 CET for two real hours: to 04:00 CEST
    day = build_day(spring, BERLIN, logs, None, [], [], [], at(20, day=spring))
    assert day.length_s == 23 * 3600
    assert [mark.hour for mark in day.hours][:4] == [0, 1, 3, 4]
    assert len(day.hours) == 23
    (log,) = day.logs
    assert (log.start_s, log.end_s) == (3600, 3 * 3600)
    assert log.end.astimezone(BERLIN).hour == 4


def test_fall_back_day_has_25_hours() -> None:
    autumn = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET
    logs = [wl("a", local(1, 0, autumn), 180)]  # 01:00 CEST + 3 real hours = 03:00 CET
    day = build_day(autumn, BERLIN, logs, None, [], [], [], at(20, day=autumn))
    assert day.length_s == 25 * 3600
    assert [mark.hour for mark in day.hours][:5] == [0, 1, 2, 2, 3]
    (log,) = day.logs
    assert (log.start_s, log.end_s) == (3600, 4 * 3600)
    assert log.end.astimezone(BERLIN).hour == 3
    # Midnight to midnight: the last log of the day ends at 25 h.
    late = [wl("b", local(23, 0, autumn), 60)]
    last = build_day(autumn, BERLIN, late, None, [], [], [], at(23, 59, autumn)).logs[0]
    assert last.end_s == 25 * 3600


def test_a_time_zone_change_keeps_real_times() -> None:
    # Logged while in New York (aware times from another zone), viewed back in Berlin.
    new_york = ZoneInfo("America/New_York")
    stamp = datetime(2026, 3, 10, 3, 0, tzinfo=new_york)  # 08:00 in Berlin
    logs = [wl("trip", stamp, 60)]
    in_berlin = build_day(DAY, BERLIN, logs, None, [], [], [], EVENING)
    assert in_berlin.logs[0].start_s == 8 * 3600
    in_ny = build_day(DAY, new_york, logs, None, [], [], [], EVENING)
    assert in_ny.logs[0].start_s == 3 * 3600
    # The same instant belongs to another date in a zone far enough away.
    tokyo = build_day(DAY, ZoneInfo("Asia/Tokyo"), [wl("x", at(20), 60)], None, [], [], [], at(23))
    assert tokyo.logs == ()
    fixed = build_day(DAY, timezone(timedelta(hours=1)), logs, None, [], [], [], EVENING)
    assert fixed.logs[0].start_s == 8 * 3600


def test_slipped_periods_are_present_time_with_nothing_tracked() -> None:
    presence = [
        present(at(8), at(12)),
        away(at(12), at(13)),
        present(at(13), None),  # ongoing
    ]
    logs = [
        wl("a", local(8, 3), 60),  # 8:00-8:03 untracked: below the threshold
        wl("b", local(9, 30), 150),  # 9:03-9:30 slipped; 12:00 end
        wl("c", local(13, 0), 30),  # 13:30-now slipped
    ]
    now = at(14)
    day = build_day(DAY, BERLIN, logs, None, presence, [], [], now)
    assert [(s.start, s.end) for s in day.slipped] == [(at(9, 3), at(9, 30)), (at(13, 30), now)]
    assert day.presence[-1].ongoing and day.presence[-1].end == now
    assert day.presence[1].cause == "idle"
    stricter = build_day(
        DAY, BERLIN, logs, None, presence, [], [], now, slip_threshold=timedelta(minutes=2)
    )
    assert stricter.slipped[0].start == at(8) and len(stricter.slipped) == 3


def test_away_time_never_slips_and_presence_is_cut_to_the_day() -> None:
    presence = [
        present(at(23, day=DAY - timedelta(days=1)), at(0, 30)),
        away(at(0, 30), at(9), AwayCause.ASLEEP),
    ]
    day = build_day(DAY, BERLIN, [], None, presence, [], [], EVENING)
    assert [(p.start_s, p.end_s) for p in day.presence] == [(0, 1800), (1800, 9 * 3600)]
    assert [(s.start_s, s.end_s) for s in day.slipped] == [(0, 1800)]


def test_check_marks_of_the_day_only() -> None:
    checks = [
        CheckEvent(at(10), CheckOutcome.AUTOMATIC),
        CheckEvent(at(9), CheckOutcome.USER),
        CheckEvent(at(23, day=DAY - timedelta(days=1)), CheckOutcome.SNOOZED),
    ]
    day = build_day(DAY, BERLIN, [], None, [], checks, [], EVENING)
    assert [(c.at_s, c.outcome) for c in day.checks] == [
        (9 * 3600, CheckOutcome.USER),
        (10 * 3600, CheckOutcome.AUTOMATIC),
    ]


def test_offline_start_and_stop_are_marked_not_synced() -> None:
    logs = [wl("run", local(9), 10)]
    pending = [
        Command(StopArgs(), at(10)),  # the running track stopped offline
        Command(StartArgs(TrackTarget(1202, "offline work")), at(10, 30)),
    ]
    day = build_day(DAY, BERLIN, logs, running_state("run", at(9)), [], [], pending, at(11))
    first, second = day.logs
    assert first.id == "run" and first.end == at(10) and not first.running
    assert not first.synced  # its end is only in the journal
    assert second.id is None and second.work_item_id == 1202 and second.comment == "offline work"
    assert second.running and not second.synced and second.end == at(11)
    assert not day.synced
    assert day.total == 90 * 60


def test_server_unreachable_shows_what_the_journal_knows() -> None:
    pending = [
        Command(StartArgs(TrackTarget(1201)), at(8)),
        Command(StartArgs(TrackTarget(1202)), at(9)),  # a start stops the one before
        Command(StopArgs(), at(9, 30)),
        Command(
            AddWorkLogArgs(RestWorkLogCreate(timestamp=at(12), length=600, work_item_id=1203)),
            at(12, 30),
        ),
    ]
    day = build_day(DAY, BERLIN, None, None, [], [], pending, at(13))
    assert [(log.work_item_id, log.seconds, log.synced) for log in day.logs] == [
        (1201, 3600, False),
        (1202, 1800, False),
        (1203, 600, False),
    ]
    assert not day.synced and not any(log.running for log in day.logs)
    nothing = build_day(DAY, BERLIN, None, None, [], [], [], at(13))
    assert nothing.logs == () and not nothing.synced


def test_week_strip_monday_to_sunday() -> None:
    monday = date(2026, 3, 9)
    logs = [
        wl("mon", local(9, 0, monday), 60),
        wl("tue", local(9), 30),
        wl("sun-night", local(23, 0, date(2026, 3, 15)), 120),  # into next Monday
        wl("before", local(9, 0, date(2026, 3, 8)), 60),
    ]
    week = build_week(DAY, BERLIN, logs, None, [], EVENING)
    assert week.monday == monday
    assert [d.date.weekday() for d in week.days] == list(range(7))
    assert [d.total for d in week.days] == [3600, 1800, 0, 0, 0, 0, 3600]
    assert week.total == 9000 and all(d.synced for d in week.days)
    assert day_bounds(monday, BERLIN)[0] == at(0, day=monday)


def test_the_local_zone_follows_daylight_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        zone = LocalZone()
        assert day_bounds(date(2026, 3, 29), zone) == day_bounds(date(2026, 3, 29), BERLIN)
        assert day_bounds(date(2026, 10, 25), zone) == day_bounds(date(2026, 10, 25), BERLIN)
        assert at(12).astimezone(zone).hour == 12
    finally:
        monkeypatch.undo()
        time.tzset()
