"""IdleDetector over fake clocks: a scripted user, sampled once per tick."""

from __future__ import annotations

import pytest

from app.activity.detector import BecameActive, BecameIdle, IdleDetector, IdlePeriod, Slept

T0 = 1_700_000_000.0  # wall clock at the start


class World:
    """Fake monotonic and wall clocks plus a user whose last input we control."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = T0
        self.last_input_mono = self.mono

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds

    def sleep(self, seconds: float) -> None:  # suspend: monotonic stops, wall goes on
        self.wall += seconds

    def touch(self) -> None:
        self.last_input_mono = self.mono

    def idle_for(self) -> float:
        return self.mono - self.last_input_mono

    def wall_of_last_input(self) -> float:
        return self.wall - self.idle_for()

    def detector(self, **kwargs: float) -> IdleDetector:
        return IdleDetector(monotonic=lambda: self.mono, wall=lambda: self.wall, **kwargs)  # type: ignore[arg-type]


def run(
    world: World, det: IdleDetector, seconds: float, *, typing: bool = False, tick: float = 1.0
):
    """Tick for `seconds`, the user typing between ticks if `typing`; all events in order."""
    events = []
    steps = round(seconds / tick)
    for _ in range(steps):
        world.advance(tick)
        if typing:
            world.touch()
        events += det.sample(world.idle_for())
    return events


def test_goes_idle_at_threshold_back_dated_to_last_input() -> None:
    world = World()
    det = world.detector(threshold=300)
    assert run(world, det, 60, typing=True) == []
    last_input = world.wall
    events = run(world, det, 299)
    assert events == [] and det.state == "active"
    events = run(world, det, 1)
    assert events == [BecameIdle(since=last_input, cause="input")]
    assert det.state == "idle" and det.idle_since == last_input
    assert run(world, det, 600) == []  # reported once


def test_default_threshold_is_five_minutes() -> None:
    assert IdleDetector().threshold == 300


def test_custom_threshold_and_first_sample_already_idle() -> None:
    world = World()
    world.advance(50)  # user left 50 s before the detector started
    det = world.detector(threshold=30)
    assert det.sample(world.idle_for()) == [BecameIdle(since=T0, cause="input")]


def test_sustained_input_ends_idle_period_at_first_input() -> None:
    world = World()
    det = world.detector(threshold=60)
    events = run(world, det, 120)
    assert events == [BecameIdle(T0, "input")]
    world.advance(0.4)
    world.touch()
    returned = world.wall
    world.advance(0.6)
    assert det.sample(world.idle_for()) == []  # one sample with input is not enough
    events = run(world, det, 1, typing=True)
    assert events == [BecameActive(IdlePeriod(T0, returned, "input"))]
    assert det.state == "active"


def test_single_bump_does_not_end_idle() -> None:
    world = World()
    det = world.detector(threshold=60)
    run(world, det, 100)
    world.advance(0.5)
    world.touch()  # the cat walks over the mouse once
    assert run(world, det, 30) == []
    assert det.state == "idle" and det.idle_since == T0
    # two bumps further apart than the sustain window do not add up either
    world.touch()
    run(world, det, 10)
    world.touch()
    assert run(world, det, 10) == []
    assert det.state == "idle"


def test_noisy_source_does_not_flap() -> None:
    world = World()
    det = world.detector(threshold=60)
    events = []
    jitter = [0.0, 0.004, -0.003, 0.01, -0.02, 0.015]
    for i in range(200):
        world.advance(1)
        events += det.sample(max(0.0, world.idle_for() + jitter[i % len(jitter)]))
    assert len(events) == 1 and isinstance(events[0], BecameIdle)
    assert events[0].since == pytest.approx(T0, abs=0.05)


def test_sleep_gap_yields_idle_period_covering_the_sleep() -> None:
    world = World()
    det = world.detector(threshold=300)
    run(world, det, 10, typing=True)
    last_input = world.wall
    run(world, det, 20)
    world.sleep(3600)
    world.advance(1)
    world.touch()  # the user opens the lid and presses a key
    events = det.sample(world.idle_for())
    assert events == [Slept(IdlePeriod(last_input, world.wall, "sleep"))]
    assert det.state == "active"
    assert run(world, det, 30, typing=True) == []


def test_sleep_while_idle_extends_the_running_idle_period() -> None:
    world = World()
    det = world.detector(threshold=60)
    assert run(world, det, 100) == [BecameIdle(T0, "input")]
    world.sleep(7200)
    world.advance(1)
    events = det.sample(world.idle_for())
    # still nobody there after the wake-up: idle again, from the wake-up on
    assert events == [Slept(IdlePeriod(T0, world.wall, "sleep")), BecameIdle(world.wall, "input")]


def test_after_wake_without_user_idle_is_not_back_dated_before_wake() -> None:
    world = World()
    det = world.detector(threshold=60)
    run(world, det, 10, typing=True)
    world.sleep(3600)
    world.advance(1)
    woke = world.wall
    [event] = det.sample(world.idle_for())  # nobody touched anything: a timer woke it
    assert isinstance(event, Slept)
    events = run(world, det, 70)
    assert events == [BecameIdle(since=woke, cause="input")]


def test_small_wall_jitter_is_not_sleep_and_clock_set_back_is_ignored() -> None:
    world = World()
    det = world.detector(threshold=300)
    world.wall += 3  # NTP nudges the clock: far below the sleep gap
    assert run(world, det, 5, typing=True) == []
    world.wall -= 3600  # the user sets the clock back an hour
    assert run(world, det, 5, typing=True) == []
    last_input = world.wall
    events = run(world, det, 300)
    assert events == [BecameIdle(last_input, "input")]


def test_logind_suspend_and_resume_report_one_sleep() -> None:
    world = World()
    det = world.detector(threshold=300)
    run(world, det, 5, typing=True)
    last_input = world.wall
    world.advance(2)
    assert det.suspend() == []
    world.sleep(600)
    world.advance(0.5)
    # the poll wakes first and sees the jump; logind's resume signal arrives after it
    events = det.sample(world.idle_for())
    assert events == [Slept(IdlePeriod(last_input, world.wall, "sleep"))]
    assert det.resume() == []


def test_resume_signal_before_any_sample_reports_the_sleep() -> None:
    world = World()
    det = world.detector(threshold=300)
    run(world, det, 5, typing=True)
    last_input = world.wall
    det.suspend()
    world.sleep(5)  # too short for the wall-clock rule; the signal still reports it
    events = det.resume()
    assert events == [Slept(IdlePeriod(last_input, world.wall, "sleep"))]
    assert run(world, det, 5, typing=True) == []


def test_lock_is_idle_from_last_input_until_unlock() -> None:
    world = World()
    det = world.detector(threshold=300)
    run(world, det, 5, typing=True)
    last_input = world.wall
    run(world, det, 20)
    assert det.lock() == [BecameIdle(last_input, "locked")]
    assert det.state == "idle" and det.locked
    # typing the password on the lock screen is not "back at work"
    assert run(world, det, 10, typing=True) == []
    assert det.state == "idle"
    world.advance(1)
    assert det.unlock() == [BecameActive(IdlePeriod(last_input, world.wall, "locked"))]
    assert det.state == "active"
    # unlocking is presence: a source that still reports old input does not go idle at once
    assert run(world, det, 100) == []


def test_lock_while_idle_keeps_the_start_and_unlock_ends_it() -> None:
    world = World()
    det = world.detector(threshold=60)
    assert run(world, det, 100) == [BecameIdle(T0, "input")]
    assert det.lock() == []
    world.advance(30)
    assert det.unlock() == [BecameActive(IdlePeriod(T0, world.wall, "locked"))]


def test_many_short_idle_periods() -> None:
    world = World()
    det = world.detector(threshold=10)
    periods = []
    expected = []
    for i in range(50):
        run(world, det, 3 + i % 4, typing=True)
        start = world.wall
        away = 12 + (i * 7) % 30
        events = run(world, det, away)
        assert events == [BecameIdle(start, "input")], f"period {i}"
        world.advance(0.25)
        world.touch()
        end = world.wall
        world.advance(0.75)
        assert det.sample(world.idle_for()) == []
        events = run(world, det, 1, typing=True)
        assert len(events) == 1 and isinstance(events[0], BecameActive), f"period {i}"
        periods.append(events[0].period)
        expected.append(IdlePeriod(start, end, "input"))
    assert periods == expected
    assert all(p.duration > 10 for p in periods)


def test_no_answer_from_source_changes_nothing() -> None:
    world = World()
    det = world.detector(threshold=10)
    run(world, det, 3, typing=True)
    for _ in range(30):
        world.advance(1)
        assert det.sample(None) == []
    assert det.state == "active"


def test_period_datetimes_are_utc() -> None:
    period = IdlePeriod(T0, T0 + 90, "input")
    assert period.start_at.tzinfo is not None
    assert (period.end_at - period.start_at).total_seconds() == 90


@pytest.mark.parametrize(
    "kwargs", [{"threshold": 0}, {"tick": 0}, {"sustain_samples": 0}, {"sustain_window": -1}]
)
def test_rejects_nonsense_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        IdleDetector(**kwargs)  # type: ignore[arg-type]
