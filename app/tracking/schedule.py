"""When to ask the server for its state next: a pure poll scheduler (no I/O, no clock).

The client cannot read the server's activity-check interval or waiting time, and the smallest
7pace plan allows 50 requests an hour, so polling has to be both sparse and safe:

- Until the first check of a track has been seen, poll every `BRISK` seconds: often enough to
  see a check whose waiting time is 30 s with time left to answer it.
- Each check seen teaches the interval: the time from the moment the interval started (the
  track's start, or the answer to the previous check) to the moment the check started. Both
  moments are known only within bounds (between two polls, or between sending a request and
  reading its answer); the server's `trackStatusChangeDate` narrows them when it falls inside.
  Then poll slowly (`SLOW_TRACKING`) until the earliest moment the next check can start, and
  briskly from then on until it is seen. A check that does not come when expected (the
  interval changed, or another client snoozed) leaves us polling briskly: never blind.
- A snooze the tracker sent moves the expectation to the snooze's end.
- While a check runs unanswered (a prompt is open), its `secondsLeft` drives the pace: the next
  poll comes when it must have been answered or has expired, at most `CHECK_RUNNING` apart.
- Not tracking: `SLOW_IDLE`. Offline: backoff from `OFFLINE_BACKOFF`. A 429 pauses every
  call until its Retry-After has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, timezone

BRISK = 20.0  # seconds; a 30-s check is then seen with >= 10 s left to answer it
SLOW_TRACKING = 300.0  # between expected checks: other clients' changes show within minutes
SLOW_IDLE = 600.0  # not tracking and nothing due
CHECK_RUNNING = 20.0  # at most this long between polls while a check waits for the user
AFTER_EXPECTED = 2.0  # poll this long after the earliest moment a check can start
ANSWER_RETRY = 3.0  # an answer that failed (5xx) is tried again this soon while time is left
OFFLINE_BACKOFF = (5.0, 10.0, 20.0, 40.0, 60.0)
SNOOZE_HOUR = time(8, 0)  # "tomorrow" / "next Monday" snoozes end at 08:00 (track's zone)


@dataclass(frozen=True)
class Bounds:
    """A moment known only to lie within [lo, hi]."""

    lo: datetime
    hi: datetime

    @classmethod
    def exact(cls, moment: datetime) -> Bounds:
        return cls(moment, moment)

    def narrowed(self, hint: datetime | None, slack: float = 1.0) -> Bounds:
        """The server's own date for the moment, when it is plausible, replaces the bounds."""
        if hint is None:
            return self
        if hint.tzinfo is None:
            hint = hint.replace(tzinfo=UTC)
        pad = timedelta(seconds=slack)
        if self.lo - pad <= hint <= self.hi + pad:
            clamped = min(max(hint, self.lo), self.hi)
            return Bounds.exact(clamped)
        return self


@dataclass(frozen=True)
class Learned:
    """What the polls revealed about the server's activity checks (immutable, pure updates).

    `interval_lo/hi`: bounds on the check interval in seconds (None: no check seen yet).
    `anchor`: when the current interval started. `seen_this_track`: a check of the running
    track was seen. `snoozed_until`: a snooze we sent ends then.
    """

    interval_lo: float | None = None
    interval_hi: float | None = None
    anchor: Bounds | None = None
    seen_this_track: bool = False
    snoozed_until: datetime | None = None

    @property
    def knows_interval(self) -> bool:
        return self.interval_lo is not None

    def track_started(self, anchor: Bounds) -> Learned:
        """A new track: the interval restarts; until its first check we poll briskly."""
        return replace(self, anchor=anchor, seen_this_track=False, snoozed_until=None)

    def track_ended(self) -> Learned:
        return replace(self, anchor=None, seen_this_track=False, snoozed_until=None)

    def check_seen(self, start: Bounds) -> Learned:
        """A check started within `start`; learn the interval if we knew when it began."""
        learned = replace(self, seen_this_track=True, anchor=None)
        if self.anchor is None or self.snoozed_until is not None:
            return replace(learned, snoozed_until=None)  # no interval to learn from this one
        lo = max(0.0, (start.lo - self.anchor.hi).total_seconds())
        hi = max(lo, (start.hi - self.anchor.lo).total_seconds())
        if self.interval_lo is not None and self.interval_hi is not None:
            both_lo, both_hi = max(lo, self.interval_lo), min(hi, self.interval_hi)
            if both_lo <= both_hi:  # consistent with what we knew: keep the tighter bounds
                lo, hi = both_lo, both_hi
        return replace(learned, interval_lo=lo, interval_hi=hi)

    def check_answered(self, at: Bounds, snoozed_until: datetime | None = None) -> Learned:
        """The check was answered within `at` (by us, or seen gone); the interval restarts."""
        return replace(self, anchor=at, snoozed_until=snoozed_until)

    def earliest_next_check(self) -> datetime | None:
        """The earliest moment the next check can start, when we can tell; None: any time."""
        if self.snoozed_until is not None:
            return self.snoozed_until
        if not self.seen_this_track or self.anchor is None or self.interval_lo is None:
            return None
        return self.anchor.lo + timedelta(seconds=self.interval_lo)


@dataclass(frozen=True)
class PollInputs:
    now: datetime
    last_poll: datetime | None  # when the last successful or attempted poll was sent
    tracking: bool
    check_running: bool = False
    seconds_left: int | None = None
    answer_pending: bool = False  # we must answer the running check (auto answer failed)
    learned: Learned = Learned()
    online: bool = True
    offline_failures: int = 0
    rate_limited_until: datetime | None = None


def next_poll_at(p: PollInputs) -> datetime:
    """The moment of the next poll (may be `now`: poll at once)."""
    if p.last_poll is None:
        return _not_before(p.now, p)

    def after(seconds: float) -> datetime:
        assert p.last_poll is not None
        return _not_before(p.last_poll + timedelta(seconds=seconds), p)

    if not p.online:
        index = min(max(p.offline_failures, 1), len(OFFLINE_BACKOFF)) - 1
        return after(OFFLINE_BACKOFF[index])
    if p.check_running:
        if p.answer_pending:
            return after(ANSWER_RETRY)
        left = float(p.seconds_left) if p.seconds_left is not None else CHECK_RUNNING
        return after(max(1.0, min(CHECK_RUNNING, left + 1.0)))
    if not p.tracking:
        return after(SLOW_IDLE)
    earliest = p.learned.earliest_next_check()
    if earliest is None:
        return after(BRISK)
    target = earliest + timedelta(seconds=AFTER_EXPECTED)
    if target <= p.last_poll:  # the check may be running already: back to the brisk pace
        return after(BRISK)
    return _not_before(min(target, p.last_poll + timedelta(seconds=SLOW_TRACKING)), p)


def next_delay(p: PollInputs) -> float:
    """Seconds from `p.now` to the next poll."""
    return max(0.0, (next_poll_at(p) - p.now).total_seconds())


def _not_before(moment: datetime, p: PollInputs) -> datetime:
    if p.rate_limited_until is not None and moment < p.rate_limited_until:
        return p.rate_limited_until
    return moment


def snooze_until(now: datetime, option: int, tz_minutes: int | None) -> datetime:
    """When the next check may start after `idleCheck/{option}` (0: +1 h, 1: tomorrow 08:00,
    2: next Monday 08:00, in the track's time zone) — the project's decision, see the API
    reference §2."""
    if option == 0:
        return now + timedelta(hours=1)
    zone = timezone(timedelta(minutes=tz_minutes or 0))
    local = now.astimezone(zone)
    days = 1 if option == 1 else (7 - local.weekday()) % 7 or 7
    day = local.date() + timedelta(days=days)
    return datetime.combine(day, SNOOZE_HOUR, tzinfo=zone).astimezone(UTC)
