"""The popup's view of today (app/tracking/today_summary.py): the total counts as the day model
does and grows only by the running part, the elapsed time is the whole track's, the recent
tracks are the last finished ones, latest first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.api.models import Track, TrackingState, TrackingStateKind
from app.tracking.day import day_bounds
from app.tracking.today_summary import LOOKBACK, summarize_today, today_window
from tests.tracking.test_day import at, local, running_state, wl

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 10)
LOGS = [
    wl("a", local(9, 0), 65),  # 09:00-10:05
    wl("b", local(10, 30), 30, item=1202),  # 10:30-11:00
    wl("c", local(13, 0), 45, item=None),  # 13:00-13:45
    wl("d", local(14, 0), 20, item=1203),  # 14:00-14:20
    wl("e", local(14, 30), 10),  # 14:30-14:40
    wl("f", local(15, 0), 5, item=1202),  # 15:00-15:05
]
DONE = 65 + 30 + 45 + 20 + 10 + 5  # minutes


def test_not_tracking_the_total_is_the_days_logs_and_does_not_grow() -> None:
    now = at(16, 0)
    summary = summarize_today(LOGS, None, now, BERLIN)
    assert summary.total(now) == DONE * 60
    assert summary.total(now + timedelta(hours=2)) == DONE * 60
    assert summary.elapsed(now) is None and summary.running is None


def test_the_running_part_grows_with_now_alone() -> None:
    started = at(15, 30)
    logs = [*LOGS, wl("run", local(15, 30), 0)]  # the server's log of the running track
    now = at(16, 0)
    summary = summarize_today(logs, running_state("RUN", started), now, BERLIN)
    assert summary.running is not None and summary.running.id == "run"
    assert summary.total(now) == (DONE + 30) * 60
    later = now + timedelta(minutes=7, seconds=5)
    assert summary.total(later) == (DONE + 37) * 60 + 5
    assert summary.elapsed(later) == (37 * 60) + 5
    # never past the day's end: tomorrow's part is tomorrow's
    end = day_bounds(DAY, BERLIN)[1]
    assert summary.total(end + timedelta(hours=3)) == summary.total(end)


def test_a_track_running_since_yesterday_counts_its_today_part_but_elapses_whole() -> None:
    started = at(22, 0, date(2026, 3, 9))
    now = at(1, 0)
    state = running_state("night", started)
    summary = summarize_today([wl("night", local(22, 0, date(2026, 3, 9)), 0)], state, now, BERLIN)
    assert summary.total(now) == 3600  # midnight to 01:00
    assert summary.elapsed(now) == 3 * 3600


def test_without_a_log_read_the_running_track_alone() -> None:
    now = at(16, 0)
    summary = summarize_today(None, running_state("x", at(15, 0)), now, BERLIN)
    assert summary.total(now) == 3600
    assert summary.elapsed(now + timedelta(seconds=1)) == 3601


def test_a_track_without_a_start_grows_from_its_length() -> None:
    track = Track(tfs_id=1, tracking_state=TrackingStateKind.TRACKING, current_track_length=90)
    now = at(16, 0)
    alone = summarize_today([], TrackingState(track=track), now, BERLIN)
    assert alone.elapsed(now) is None  # nothing placed it in the day: no time to show
    assert alone.total(now) == 0
    known = Track(
        tfs_id=1, tracking_state=TrackingStateKind.TRACKING, current_track_length=90,
        work_log_id="run",
    )  # fmt: skip
    placed = summarize_today([wl("run", local(15, 58), 0)], TrackingState(track=known), now, BERLIN)
    assert placed.elapsed(now + timedelta(seconds=10)) == 100
    assert placed.total(now + timedelta(seconds=10)) == 130


def test_recent_are_the_last_five_finished_tracks_latest_first() -> None:
    logs = [*LOGS, wl("run", local(15, 30), 0)]
    summary = summarize_today(logs, running_state("run", at(15, 30)), at(16, 0), BERLIN)
    recent = summary.recent()
    assert [log.id for log in recent] == ["f", "e", "d", "c", "b"]
    assert [round(log.seconds / 60) for log in recent] == [5, 10, 20, 45, 30]
    assert [log.id for log in summary.recent(2)] == ["f", "e"]


def test_today_window_reads_from_a_day_before_local_midnight() -> None:
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already the 11th in Berlin
    today, since, until = today_window(now, BERLIN)
    assert today == date(2026, 3, 11)
    start, end = day_bounds(today, BERLIN)
    assert (since, until) == (start - LOOKBACK, end)
