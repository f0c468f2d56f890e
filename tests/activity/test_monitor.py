"""ActivityMonitor: a real source polled on an asyncio loop, feeding a real detector."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from app.activity.detector import BecameActive, BecameIdle, Event, IdleDetector
from app.activity.monitor import ActivityMonitor
from app.activity.xscreensaver import XScreenSaverSource
from tests.support.xserver import XServer

pytestmark = pytest.mark.xvfb


async def next_event(q: asyncio.Queue[Event], timeout: float = 5.0) -> Event:
    return await asyncio.wait_for(q.get(), timeout)


async def test_idle_and_back_with_real_input(x11: XServer) -> None:
    source = XScreenSaverSource()
    assert source.open()
    events: asyncio.Queue[Event] = asyncio.Queue()
    detector = IdleDetector(threshold=0.8, tick=0.1, sustain_window=1.0)
    monitor = ActivityMonitor(source, detector, events.put_nowait)
    sent = time.time()
    x11.xdotool("mousemove", "500", "500")  # before the first sample, which would see quiet
    done = time.time()
    task = asyncio.create_task(monitor.run())
    try:
        idle = await next_event(events)
        assert isinstance(idle, BecameIdle) and idle.cause == "input"
        # back-dated to the input (X counts in whole milliseconds), not "threshold later"
        assert sent - 0.01 < idle.since < done + 0.01
        # sustained input: moves spread over several ticks (a single bump is covered with
        # fake clocks in test_detector.py)
        back = time.time()
        for x in range(5):
            await asyncio.to_thread(x11.xdotool, "mousemove", str(600 + x), "500")
            await asyncio.sleep(0.12)
        active = await next_event(events)
        arrived = time.time()
        assert isinstance(active, BecameActive)
        assert active.period.start == idle.since
        assert back - 0.01 < active.period.end < arrived
    finally:
        task.cancel()
        source.close()


async def test_session_events_from_another_thread(x11: XServer) -> None:
    source = XScreenSaverSource()
    assert source.open()
    events: asyncio.Queue[Event] = asyncio.Queue()
    detector = IdleDetector(threshold=300, tick=0.05)
    monitor = ActivityMonitor(source, detector, events.put_nowait)
    task = asyncio.create_task(monitor.run())
    try:
        while monitor.last_seconds is None:
            await asyncio.sleep(0.01)
        threading.Thread(target=monitor.session_event, args=("lock",)).start()
        locked = await next_event(events)
        assert isinstance(locked, BecameIdle) and locked.cause == "locked"
        threading.Thread(target=monitor.session_event, args=("unlock",)).start()
        unlocked = await next_event(events)
        assert isinstance(unlocked, BecameActive) and unlocked.period.cause == "locked"
    finally:
        task.cancel()
        source.close()
