"""Clocks for the server's state machine: real, accelerated, and hand-driven (tests)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of "now" for the engine: aware UTC datetimes that never run backwards."""

    @property
    def speed(self) -> float:
        """Virtual seconds per real second (1 for a real clock)."""
        ...

    def now(self) -> datetime: ...


class SystemClock:
    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)


class ScaledClock:
    """Virtual time that starts at the real "now" and runs `speed` times faster.

    Built on the monotonic clock so a wall-clock jump does not move it.
    """

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"clock speed must be positive, got {speed}")
        self._speed = float(speed)
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._origin) * self._speed)


class ManualClock:
    """A clock that moves only when told to: for deterministic tests of long durations."""

    speed = 1.0

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not run backwards")
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        with self._lock:
            if moment < self._now:
                raise ValueError("a clock does not run backwards")
            self._now = moment


def clock_for(speed: float) -> Clock:
    return SystemClock() if speed == 1.0 else ScaledClock(speed)
