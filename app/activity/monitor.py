"""`ActivityMonitor`: polls a source once per tick on an asyncio loop and feeds a detector.

The poll runs in a worker thread (a D-Bus call or a listener restart may take a moment);
the detector is only touched on the loop, so session events from other threads (logind)
go through `session_event()`, which is thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from app.activity.base import ActivitySource
from app.activity.detector import Event, IdleDetector
from app.activity.logind import SessionEvent, feed

log = logging.getLogger(__name__)


class ActivityMonitor:
    def __init__(
        self,
        source: ActivitySource,
        detector: IdleDetector,
        on_event: Callable[[Event], None],
        *,
        tick: float | None = None,
    ) -> None:
        self.source = source
        self.detector = detector
        self.tick = detector.tick if tick is None else tick
        self._on_event = on_event
        self._loop: asyncio.AbstractEventLoop | None = None
        self.last_seconds: float | None = None

    async def run(self) -> None:
        """Poll until cancelled; ticks stay on a fixed grid so they do not drift."""
        self._loop = asyncio.get_running_loop()
        next_tick = time.monotonic()
        while True:
            seconds = await asyncio.to_thread(self.source.seconds_since_input)
            self.last_seconds = seconds
            self._emit(self.detector.sample(seconds))
            next_tick += self.tick
            now = time.monotonic()
            if next_tick < now:  # fell behind (e.g. the machine slept): restart the grid
                next_tick = now + self.tick
            await asyncio.sleep(next_tick - now)

    def session_event(self, event: SessionEvent) -> None:
        """Feed a lock/unlock/sleep/wake from any thread."""
        if self._loop is None:
            return
        self._loop.call_soon_threadsafe(lambda: self._emit(feed(self.detector, event)))

    def _emit(self, events: list[Event]) -> None:
        for event in events:
            try:
                self._on_event(event)
            except Exception:
                log.exception("activity event handler failed")
