"""What the popup's head and empty state say about today (issue 15): the running track's
elapsed time, the day's total, and the last few finished tracks.

Built once per popup opening from one read of today's work logs and the newest tracking state
(`summarize_today`, through `build_day`, so the total is counted as the Today window counts
it); afterwards only the running part grows, computed for any `now` without another read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from app.api.models import RestWorkLog, TrackingState
from app.tracking.day import Day, DayLog, build_day, day_bounds
from app.tracking.state import is_running

RECENT_TRACKS = 5  # finished tracks the popup lists
# A log that began this long before local midnight may still reach into today.
LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class TodaySummary:
    """Today as of `day.now`; `total(now)` and `elapsed(now)` grow the running track."""

    day: Day
    started: datetime | None  # the running track's start (aware UTC); None: nothing runs
    base_elapsed: float = 0.0  # the track's length at `day.now` when its start is unknown

    @property
    def running(self) -> DayLog | None:
        return next((log for log in self.day.logs if log.running), None)

    def _grown(self, now: datetime) -> float:
        """Seconds the running track has added to the day since `day.now`."""
        if self.running is None:
            return 0.0
        later = min(now.astimezone(UTC), self.day.end)
        return max(0.0, (later - self.day.now).total_seconds())

    def total(self, now: datetime) -> float:
        """The day's work logs, the running one up to `now` (capped at the day's end)."""
        return self.day.total + self._grown(now)

    def elapsed(self, now: datetime) -> float | None:
        """The running track's length at `now` (the whole track, also before midnight)."""
        if self.started is not None:
            return max(0.0, (now.astimezone(UTC) - self.started).total_seconds())
        if self.running is not None:
            return self.base_elapsed + self._grown(now)
        return None

    def recent(self, count: int = RECENT_TRACKS) -> tuple[DayLog, ...]:
        """The last `count` finished tracks of the day, the latest first."""
        done = [log for log in self.day.logs if not log.running]
        done.sort(key=lambda log: (log.end, log.start), reverse=True)
        return tuple(done[:count])


def today_window(now: datetime, tz: tzinfo) -> tuple[date, datetime, datetime]:
    """Today's date in `tz` and the range of work log starts to read for it."""
    today = now.astimezone(tz).date()
    start, end = day_bounds(today, tz)
    return today, start - LOOKBACK, end


def summarize_today(
    work_logs: Sequence[RestWorkLog] | None,
    state: TrackingState | None,
    now: datetime,
    tz: tzinfo,
) -> TodaySummary:
    """Today in zone `tz` from the work logs read (None: not readable, the running track
    alone) and the newest tracking state."""
    today = now.astimezone(tz).date()
    day = build_day(today, tz, work_logs, state, [], [], [], now)
    started: datetime | None = None
    base = 0.0
    if state is not None and is_running(state):
        track = state.track
        begun = track.current_track_started_date_time
        if begun is not None:
            started = (begun if begun.tzinfo else begun.replace(tzinfo=UTC)).astimezone(UTC)
        else:
            base = float(track.current_track_length or 0)
    return TodaySummary(day, started, base)
