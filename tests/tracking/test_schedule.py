"""The poll scheduler as pure unit tests: no server, no clock, just moments in and out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.tracking.schedule import (
    BRISK,
    CHECK_RUNNING,
    OFFLINE_BACKOFF,
    SLOW_IDLE,
    SLOW_TRACKING,
    Bounds,
    Learned,
    PollInputs,
    next_delay,
    next_poll_at,
    snooze_until,
)

T0 = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)  # a Wednesday


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def learned_after_one_check(interval: float = 900.0, answered: float = 905.0) -> Learned:
    """Track started at T0 (exactly), check seen at `interval`, answered at `answered`."""
    learned = Learned().track_started(Bounds.exact(T0))
    learned = learned.check_seen(Bounds.exact(at(interval)))
    return learned.check_answered(Bounds.exact(at(answered)))


def test_first_poll_is_at_once() -> None:
    assert next_delay(PollInputs(now=T0, last_poll=None, tracking=False)) == 0.0


def test_not_tracking_polls_slowly() -> None:
    assert next_delay(PollInputs(now=T0, last_poll=T0, tracking=False)) == SLOW_IDLE


def test_unknown_interval_polls_briskly_enough_for_a_30_second_check() -> None:
    learned = Learned().track_started(Bounds.exact(T0))
    delay = next_delay(PollInputs(now=T0, last_poll=T0, tracking=True, learned=learned))
    assert delay == BRISK
    assert delay < 30.0  # a check waiting 30 s is seen with time left to answer it


def test_a_new_track_forgets_the_pace_until_its_first_check() -> None:
    learned = learned_after_one_check().track_ended().track_started(Bounds.exact(at(2000)))
    assert learned.knows_interval
    delay = next_delay(PollInputs(now=at(2000), last_poll=at(2000), tracking=True, learned=learned))
    assert delay == BRISK


def test_learned_interval_polls_slowly_then_just_after_the_expected_check() -> None:
    learned = learned_after_one_check(interval=900.0, answered=905.0)
    assert (learned.interval_lo, learned.interval_hi) == (900.0, 900.0)
    expected = at(905.0 + 900.0)
    # right after the answer: a slow poll
    first = next_poll_at(PollInputs(now=at(905), last_poll=at(905), tracking=True, learned=learned))
    assert first == at(905 + SLOW_TRACKING)
    # slow steps up to the check, then a poll just after it, never a full slow step later
    polls, moment = [], at(905)
    while moment <= expected:
        moment = next_poll_at(
            PollInputs(now=moment, last_poll=moment, tracking=True, learned=learned)
        )
        polls.append(moment)
    assert len(polls) <= 900 / SLOW_TRACKING + 2
    nxt = polls[-1]
    assert expected < nxt <= expected + timedelta(seconds=5)
    # missed it (not there yet): brisk from then on
    late = next_poll_at(PollInputs(now=nxt, last_poll=nxt, tracking=True, learned=learned))
    assert late == nxt + timedelta(seconds=BRISK)


def test_interval_bounds_from_poll_windows_and_their_intersection() -> None:
    learned = Learned().track_started(Bounds(at(0), at(1)))
    learned = learned.check_seen(Bounds(at(890), at(910)))  # between two brisk polls
    assert (learned.interval_lo, learned.interval_hi) == (889.0, 910.0)
    learned = learned.check_answered(Bounds(at(915), at(916)))
    learned = learned.check_seen(Bounds(at(1810), at(1830)))
    # 1810-916=894 .. 1830-915=915, intersected with 889..910
    assert (learned.interval_lo, learned.interval_hi) == (894.0, 910.0)
    # the next check can start 894 s after the earliest answer moment
    learned = learned.check_answered(Bounds.exact(at(1835)))
    assert learned.earliest_next_check() == at(1835 + 894)


def test_a_changed_interval_replaces_the_old_bounds() -> None:
    learned = learned_after_one_check(interval=900.0, answered=900.0)
    learned = learned.check_seen(Bounds.exact(at(900 + 300)))
    assert (learned.interval_lo, learned.interval_hi) == (300.0, 300.0)


def test_server_date_narrows_bounds_only_when_plausible() -> None:
    window = Bounds(at(100), at(120))
    assert window.narrowed(at(110)) == Bounds.exact(at(110))
    assert window.narrowed(at(120.5)) == Bounds.exact(at(120))  # clock skew, clamped
    assert window.narrowed(at(300)) == window  # implausible: keep our own bounds
    assert window.narrowed(None) == window


def test_running_check_pace_follows_seconds_left() -> None:
    def delay(left: int | None) -> float:
        return next_delay(
            PollInputs(now=T0, last_poll=T0, tracking=True, check_running=True, seconds_left=left)
        )

    assert delay(60) == CHECK_RUNNING
    assert delay(10) == 11.0  # just after it must have been answered or expired
    assert delay(0) == 1.0
    assert delay(None) == CHECK_RUNNING


def test_a_failed_answer_is_retried_soon() -> None:
    inputs = PollInputs(
        now=T0,
        last_poll=T0,
        tracking=True,
        check_running=True,
        seconds_left=40,
        answer_pending=True,
    )
    assert next_delay(inputs) < 5.0


def test_snooze_moves_the_expectation() -> None:
    learned = learned_after_one_check(interval=900.0, answered=900.0)
    learned = learned.check_seen(Bounds.exact(at(1800)))
    snoozed = snooze_until(at(1805), 0, 120)
    learned = learned.check_answered(Bounds.exact(at(1805)), snoozed)
    assert learned.earliest_next_check() == at(1805 + 3600)
    polls = []
    moment = at(1805)
    while moment < at(1805 + 3700):
        moment = next_poll_at(
            PollInputs(now=moment, last_poll=moment, tracking=True, learned=learned)
        )
        polls.append(moment)
        if moment > at(1805 + 3600):
            break
    # slow polls for the hour, then one just after the snooze ends
    assert len(polls) == 3600 // int(SLOW_TRACKING) + 1
    assert at(1805 + 3600) < polls[-1] <= at(1805 + 3605)
    # the check after a snooze teaches nothing about the interval
    relearned = learned.check_seen(Bounds.exact(at(1805 + 3600)))
    assert (relearned.interval_lo, relearned.interval_hi) == (900.0, 900.0)


def test_snooze_targets() -> None:
    wednesday = datetime(2026, 9, 30, 15, 0, tzinfo=UTC)
    assert snooze_until(wednesday, 0, 0) == wednesday + timedelta(hours=1)
    # tomorrow 08:00 in UTC+2 = 06:00 UTC
    assert snooze_until(wednesday, 1, 120) == datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
    # next Monday 08:00 local
    assert snooze_until(wednesday, 2, 0) == datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
    monday = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    assert snooze_until(monday, 2, 0) == datetime(2026, 10, 12, 8, 0, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=-720, max_value=840),
)
def test_snooze_agrees_with_the_local_server(now: datetime, tz_minutes: int) -> None:
    # The server keeps its own copy (it must not import tracking): both must name one moment,
    # or the learned schedule expects the next check at the wrong time.
    from app.api.models import SnoozeOption
    from app.server.engine import snooze_until as server_snooze_until

    for option in SnoozeOption:
        assert snooze_until(now, int(option), tz_minutes) == server_snooze_until(
            now, option, tz_minutes
        )


def test_offline_backs_off() -> None:
    delays = [
        next_delay(
            PollInputs(now=T0, last_poll=T0, tracking=True, online=False, offline_failures=n)
        )
        for n in range(1, len(OFFLINE_BACKOFF) + 3)
    ]
    assert delays == [*OFFLINE_BACKOFF, OFFLINE_BACKOFF[-1], OFFLINE_BACKOFF[-1]]


@pytest.mark.parametrize("tracking", [True, False])
def test_rate_limit_pauses_every_poll(tracking: bool) -> None:
    until = at(90)
    inputs = PollInputs(
        now=T0,
        last_poll=T0,
        tracking=tracking,
        check_running=tracking,
        seconds_left=5,
        rate_limited_until=until,
    )
    if tracking:
        assert next_poll_at(inputs) == until
    else:  # the slow pace is later than the pause anyway
        assert next_poll_at(inputs) == at(SLOW_IDLE)
    first = PollInputs(now=T0, last_poll=None, tracking=False, rate_limited_until=until)
    assert next_poll_at(first) == until


@settings(max_examples=25, deadline=None)
@given(
    interval=st.integers(min_value=60, max_value=4 * 3600),
    wait=st.integers(min_value=30, max_value=300),
    answer_lag=st.floats(min_value=0.0, max_value=5.0),
    check_offset=st.floats(min_value=0.0, max_value=1.0),
)
def test_no_check_is_missed_in_a_simulated_day(
    interval: int, wait: int, answer_lag: float, check_offset: float
) -> None:
    """Simulates a server with an unknown interval and waiting time: every check is seen with
    at least 10 s left, whatever the interval, and polling stays sparse once it is known."""
    now = T0
    learned = Learned().track_started(Bounds.exact(now))
    anchor = now
    last_poll = now
    check_start = anchor + timedelta(seconds=interval)
    seen = 0
    polls = 0
    end = T0 + timedelta(hours=8)
    while now < end:
        nxt = next_poll_at(PollInputs(now=now, last_poll=last_poll, tracking=True, learned=learned))
        assert nxt > now
        if nxt >= check_start + timedelta(seconds=wait):
            raise AssertionError(f"check at {check_start} missed; next poll {nxt}")
        polls += 1
        if nxt >= check_start:
            left = (check_start + timedelta(seconds=wait) - nxt).total_seconds()
            assert left >= min(10.0, wait)
            learned = learned.check_seen(Bounds(last_poll, nxt).narrowed(check_start))
            seen += 1
            answered = nxt + timedelta(seconds=answer_lag * check_offset)
            learned = learned.check_answered(Bounds.exact(answered))
            anchor = answered
            check_start = anchor + timedelta(seconds=interval)
            now = last_poll = answered
            continue
        now = last_poll = nxt
    expected_checks = 8 * 3600 // (interval + 8)  # detection + answer lag per cycle
    assert seen >= expected_checks - 1
    if interval >= 900:
        # at most the brisk start plus ~4 polls per interval: well under 30 an hour
        assert polls <= interval / BRISK + 8 * (3600 / SLOW_TRACKING + 3600 / interval + 1)
