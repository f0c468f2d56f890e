"""`IdleDetector`: a pure state machine from "seconds since input" samples to idle periods.

Feed it one sample per tick (`sample(seconds)`), plus lock/unlock and suspend/resume when the
session reports them; each call returns the events it caused. Clocks are injected: monotonic
time measures input ages, wall time (epoch seconds) dates the periods and reveals sleep.

- active -> idle when no input for `threshold` seconds; the idle start is back-dated to the
  last input, not to the moment the threshold passed.
- idle -> active only on sustained input: fresh input on `sustain_samples` samples within
  `sustain_window` seconds. A bumped mouse (one sample) does not end an idle period. The
  period ends at the first input of that burst.
- A wall-clock jump between two samples larger than `sleep_gap` (much more than a tick)
  means the machine slept: `Slept` reports an idle period covering the sleep, from the last
  input before it (or the start of the idle period already running) to the wake-up. It
  closes any open idle period; afterwards back-dating never reaches before the wake-up.
- A locked session is idle from the last input until it is unlocked; input on the lock
  screen does not count. Unlocking is input.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

Cause = Literal["input", "locked", "sleep"]
State = Literal["active", "idle"]

# Two samples whose back-dated input times differ by less than this saw the same input: the
# sources' own clocks and the poll's timing jitter by a few milliseconds. (A quarter tick at
# most, so input on consecutive ticks always counts as fresh.)
SAME_INPUT_TOLERANCE = 0.25


@dataclass(frozen=True)
class IdlePeriod:
    start: float  # wall clock, epoch seconds
    end: float
    cause: Cause

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def start_at(self) -> datetime:
        return datetime.fromtimestamp(self.start, UTC)

    @property
    def end_at(self) -> datetime:
        return datetime.fromtimestamp(self.end, UTC)


@dataclass(frozen=True)
class BecameIdle:
    since: float  # wall clock of the last input (back-dated)
    cause: Cause


@dataclass(frozen=True)
class BecameActive:
    period: IdlePeriod


@dataclass(frozen=True)
class Slept:
    period: IdlePeriod


Event = BecameIdle | BecameActive | Slept


class IdleDetector:
    def __init__(
        self,
        threshold: float = 300.0,
        *,
        tick: float = 1.0,
        sustain_samples: int = 2,
        sustain_window: float = 5.0,
        sleep_gap: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if threshold <= 0 or tick <= 0 or sustain_samples < 1 or sustain_window <= 0:
            raise ValueError("threshold, tick, sustain_samples and sustain_window must be > 0")
        self.threshold = threshold
        self.tick = tick
        self.sustain_samples = sustain_samples
        self.sustain_window = sustain_window
        self.sleep_gap = max(10.0 * tick, 10.0) if sleep_gap is None else sleep_gap
        self._same_input = min(SAME_INPUT_TOLERANCE, tick / 4)
        self._monotonic = monotonic
        self._wall = wall
        self._state: State = "active"
        self._cause: Cause = "input"
        self._idle_since = 0.0
        self._locked = False
        self._prev: tuple[float, float] | None = None  # (monotonic, wall) of the last call
        self._last_input_m: float | None = None
        self._last_input_w: float | None = None
        self._floor_w = float("-inf")  # back-dating never reaches before this (a wake-up)
        self._present_m = float("-inf")  # the user was certainly here (unlock)
        self._burst: deque[tuple[float, float]] = deque()  # fresh inputs while idle (m, wall)
        self._suspend: tuple[float, float] | None = None  # (wall at suspend, period start)

    # --- observable state --------------------------------------------------------------------
    @property
    def state(self) -> State:
        return self._state

    @property
    def idle_since(self) -> float | None:
        return self._idle_since if self._state == "idle" else None

    @property
    def locked(self) -> bool:
        return self._locked

    # --- inputs ------------------------------------------------------------------------------
    def sample(self, seconds_since_input: float | None) -> list[Event]:
        """One poll of the source; None when the source could not answer."""
        now_m, now_w = self._monotonic(), self._wall()
        events = self._check_gap(now_m, now_w)
        self._prev = (now_m, now_w)
        if seconds_since_input is None:
            return events
        age = min(max(0.0, seconds_since_input), now_m - self._present_m)
        input_m, input_w = now_m - age, now_w - age
        fresh = self._last_input_m is not None and input_m > self._last_input_m + self._same_input
        if self._last_input_m is None or input_m > self._last_input_m:
            self._last_input_m, self._last_input_w = input_m, input_w
        if self._state == "active":
            if not self._locked and age >= self.threshold:
                since = max(input_w, self._floor_w)
                events.append(self._go_idle(since, "input"))
        elif self._cause == "input" and fresh:
            self._burst.append((now_m, input_w))
            while self._burst and now_m - self._burst[0][0] > self.sustain_window:
                self._burst.popleft()
            if len(self._burst) >= self.sustain_samples:
                end = max(self._burst[0][1], self._idle_since)
                events.append(self._go_active(end))
        return events

    def lock(self) -> list[Event]:
        """The session was locked: idle from the last input on, until `unlock()`."""
        if self._locked:
            return []
        self._locked = True
        if self._state == "idle":
            self._cause = "locked"
            return []
        return [self._go_idle(self._period_start(self._wall()), "locked")]

    def unlock(self) -> list[Event]:
        """The session was unlocked, which takes a present user: active now."""
        now_m, now_w = self._monotonic(), self._wall()
        self._locked = False
        self._present_m = now_m
        self._last_input_m, self._last_input_w = now_m, now_w
        return [self._go_active(now_w)] if self._state == "idle" else []

    def suspend(self) -> list[Event]:
        """The system is about to sleep (logind PrepareForSleep(true))."""
        now_w = self._wall()
        self._suspend = (now_w, self._period_start(now_w))
        return []

    def resume(self) -> list[Event]:
        """The system woke up (PrepareForSleep(false)); no-op if a sample already saw it."""
        if self._suspend is None:
            return []
        now_m, now_w = self._monotonic(), self._wall()
        self._prev = (now_m, now_w)  # the next sample must not report this gap again
        return [self._slept(self._suspend[1], now_w)]

    # --- transitions -------------------------------------------------------------------------
    def _go_idle(self, since: float, cause: Cause) -> BecameIdle:
        self._state, self._cause, self._idle_since = "idle", cause, since
        self._burst.clear()
        return BecameIdle(since, cause)

    def _go_active(self, end: float) -> BecameActive:
        period = IdlePeriod(self._idle_since, max(end, self._idle_since), self._cause)
        self._state, self._cause = "active", "input"
        self._burst.clear()
        return BecameActive(period)

    def _period_start(self, now_w: float) -> float:
        """Where an idle period starting now would be back-dated to."""
        if self._state == "idle":
            return self._idle_since
        if self._last_input_w is None:
            return now_w
        return min(max(self._last_input_w, self._floor_w), now_w)

    def _check_gap(self, now_m: float, now_w: float) -> list[Event]:
        if self._prev is None:
            return []
        prev_m, prev_w = self._prev
        jump = (now_w - prev_w) - (now_m - prev_m)
        if self._suspend is not None and now_w - prev_w > self.sleep_gap:
            return [self._slept(self._suspend[1], now_w)]
        if now_w - prev_w > self.sleep_gap:
            return [self._slept(self._period_start(prev_w), now_w)]
        if jump < -self._same_input:
            # The wall clock was set back: move our wall anchors with it, nothing happened.
            self._shift_wall(jump)
        return []

    def _slept(self, start: float, now_w: float) -> Slept:
        self._suspend = None
        period = IdlePeriod(min(start, now_w), now_w, "sleep")
        self._floor_w = now_w
        self._burst.clear()
        if self._locked:  # still locked after the wake-up: a new locked period begins
            self._state, self._cause, self._idle_since = "idle", "locked", now_w
        else:
            self._state, self._cause = "active", "input"
        return Slept(period)

    def _shift_wall(self, delta: float) -> None:
        self._idle_since += delta
        if self._last_input_w is not None:
            self._last_input_w += delta
        self._floor_w += delta
        self._burst = deque((m, w + delta) for m, w in self._burst)
