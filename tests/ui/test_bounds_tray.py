"""The tray against a server that turns into a drip-feed (one byte at a time) while a track
runs: the offline state shows within the request deadline, the stop is journaled, and the Qt
event loop keeps turning all along (a 10 ms QTimer keeps ticking). The ≤ 25 ms stall figure is
measured in `make bench` (bench_bounds), not asserted here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import QTimer

from app.api.client import TrackingClient
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from app.ui.bridge import TrackerBridge
from app.ui.controller import Controller
from app.ui.icons import TrayState
from tests.support.hostile import HostileServer
from tests.support.wait import wait_until
from tests.ui.conftest import NO_429_RETRY, TOKEN, WORK_ITEM, LiveServer

DEADLINE = 1.0


@pytest.fixture
async def proxy(server: LiveServer) -> AsyncIterator[HostileServer]:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    async with HostileServer("proxy", interval=0.2, upstream=(parts.hostname, parts.port)) as p:
        yield p


@pytest.fixture
async def client(server: LiveServer, proxy: HostileServer) -> AsyncIterator[TrackingClient]:
    """The tracker's client goes through the proxy, with a short deadline."""
    async with TrackingClient(
        proxy.url, token=TOKEN, now=server.clock.now, retry=NO_429_RETRY, deadline=DEADLINE
    ) as c:
        yield c


@pytest.fixture
async def controller(bridge: TrackerBridge) -> AsyncIterator[Controller]:
    c = Controller(bridge, local_mode=True, tray_wait=0.2, hotkeys=False)
    c.start()
    yield c
    await c.close()
    c.deleteLater()


class Ticker:
    """A 10 ms QTimer recording the longest gap between its ticks."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.ticks += 1


async def test_a_drip_feeding_server_shows_offline_within_the_deadline_ui_stays_live(
    controller: Controller, bridge: TrackerBridge, tracker: Tracker, proxy: HostileServer
) -> None:
    assert await bridge.start(TrackTarget(WORK_ITEM, "drip"))
    await wait_until(lambda: controller.tray.tray_state is TrayState.TRACKING)
    await proxy.turn("drip")
    ticker = Ticker()
    started = time.monotonic()
    stop = asyncio.ensure_future(bridge.stop())  # stalls: deadline, then a stalled re-read
    await wait_until(
        lambda: controller.tray.tray_state is TrayState.OFFLINE,
        timeout=10 * DEADLINE,
        what="the offline icon",
    )
    spent = time.monotonic() - started
    assert not await stop
    ticker.timer.stop()
    # The stop's deadline (or that of a poll in flight before it: a deadline is not
    # retried) is when offline shows; margin on top for a loaded machine.
    assert spent < DEADLINE + 1.0, spent
    assert tracker._journal.count() >= 1  # the stop waits in the journal
    assert "Offline" in controller.tray.icon.toolTip()
    assert ticker.ticks > spent / 0.010 / 4  # the Qt loop kept turning
    assert ticker.longest < 0.5, ticker.longest  # generous: the figure is in the bench
