"""Requests per tracked hour: the Tracker polling the real local server through a simulated
8-hour day (the server and the tracker share one accelerated clock).

Activity checks every 15 minutes; waiting time 60 s, then 30 s; the scripted user is always
active, so every check should be answered automatically. Requests are counted at the
transport (every request that left the client). First polling only (no hub), then the same
day with live updates (app.tracking.live over the server's SignalR hub, ASP.NET Core
protocol): HTTP requests per hour beside the polling figure; the hub's own traffic
(negotiate, WebSocket upgrade, and the invocations over it) is listed apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from app.activity.base import SourceStatus
from app.api.client import TrackingClient
from app.api.retry import RetryPolicy
from app.server.clock import ScaledClock
from app.tracking.events import ServerStopped, TrackerEvent
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from tests.support.servers import loopback_config, start_server

SPEED = 240.0  # virtual seconds per real second: 8 hours in 2 minutes
DAY = 8 * 3600.0
INTERVAL = 15 * 60.0
TOKEN = "bench-tracking-token-0123456789"
WORK_ITEM = 1201


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts REST requests by call, and the hub's HTTP requests (negotiate, the WebSocket
    upgrade) apart."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: Counter[str] = Counter()
        self.hub: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        bucket = self.hub if "/signalr/" in path.lower() else self.requests
        bucket[f"{request.method} {path.rsplit('/', 1)[-1]}"] += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class BusyUser:
    """An ActivitySource that always saw input a moment ago."""

    name: str = "scripted"
    sees: str = "a user who is always at work"

    def open(self) -> bool:
        return True

    def seconds_since_input(self) -> float | None:
        return 1.0

    def status(self) -> SourceStatus:
        return SourceStatus(self.name, self.sees, True)

    def close(self) -> None:
        return None


@dataclass
class DayResult:
    wait: float
    requests: Counter[str]
    checks_seen: int
    checks_answered: int
    server_stops: int
    hours: float
    real_seconds: float
    late: list[float] = field(default_factory=list)
    live: bool = False
    hub_http: Counter[str] = field(default_factory=Counter)
    invocations: Counter[str] = field(default_factory=Counter)  # hub methods the server ran
    reconnects: int = 0

    @property
    def total(self) -> int:
        return sum(self.requests.values())


async def simulate_day(wait: float, data_dir: Path, live: bool = False) -> DayResult:
    clock = ScaledClock(SPEED)
    config = loopback_config(
        data_dir,
        TOKEN,
        activity_check_interval=INTERVAL,
        activity_check_wait=wait,
        clock_speed=SPEED,
    )
    server = start_server(config, clock)
    invocations: Counter[str] = Counter()
    if live:
        from app.server.app import hub_of

        dispatcher = hub_of(server.app).dispatcher
        invoke = dispatcher.invoke

        def recording(target: Any, arguments: Any) -> Any:
            invocations[str(target)] += 1
            return invoke(target, arguments)

        dispatcher.invoke = recording  # type: ignore[method-assign]
    transport = CountingTransport()
    client = TrackingClient(
        server.url,
        token=TOKEN,
        transport=transport,
        now=clock.now,
        retry=RetryPolicy(max_attempts=2, base_delay=0.01),
    )
    journal = Journal(data_dir / "journal.sqlite3", now=clock.now)

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / SPEED)

    tracker = Tracker(
        client,
        activity=BusyUser(),
        detector=None,
        journal=journal,
        now=clock.now,
        monotonic=lambda: clock.now().timestamp(),
        sleep=sleep,
    )
    stops: list[ServerStopped] = []

    def on_event(event: TrackerEvent) -> None:
        if isinstance(event, ServerStopped):
            stops.append(event)

    tracker.subscribe(on_event)
    updates: Any = None
    connects = 0
    if live:
        from app.api.hub import HubClient
        from app.tracking.live import LiveStatus, LiveUpdates

        updates = LiveUpdates(tracker, HubClient(client, protocol="core", sleep=sleep), client)

        def on_status(status: LiveStatus) -> None:
            nonlocal connects
            connects += status.connected

        updates.subscribe(on_status)
    started_real = time.perf_counter()
    runner = asyncio.create_task(tracker.run())
    try:
        if updates is not None:
            updates.start()
            while not updates.status.connected:
                await asyncio.sleep(0.01)
        await tracker.start(TrackTarget(WORK_ITEM, "bench day"))
        begin: datetime = clock.now()
        while (clock.now() - begin).total_seconds() < DAY:
            await asyncio.sleep(0.25)
            if stops and not tracker.state.track.is_tracking:  # type: ignore[union-attr]
                await tracker.execute(stops[-1].restart)  # a missed check: keep tracking
        hours = (clock.now() - begin).total_seconds() / 3600.0
    finally:
        if updates is not None:
            await updates.aclose()
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        await client.aclose()
        journal.close()
        server.stop()
    return DayResult(
        wait=wait,
        requests=transport.requests,
        checks_seen=tracker.checks_seen,
        checks_answered=tracker.checks_answered,
        server_stops=len(stops),
        hours=hours,
        real_seconds=time.perf_counter() - started_real,
        live=live,
        hub_http=transport.hub,
        invocations=invocations,
        reconnects=max(0, connects - 1),
    )


def report(result: DayResult, polling: DayResult | None = None) -> None:
    per_hour = result.total / result.hours
    missed = result.server_stops
    mode = "hub connected, " if result.live else "polling only, "
    print(
        f"{mode}waiting time {result.wait:>4.0f} s: {result.total} requests in {result.hours:.2f} "
        f"tracked hours = {per_hour:.1f} requests/hour; checks seen {result.checks_seen}, "
        f"answered {result.checks_answered}, missed {missed} "
        f"(at most {int(result.hours * 3600 // INTERVAL)}: the interval restarts at each "
        f"answer); {result.real_seconds:.0f} s real",
        flush=True,
    )
    detail = ", ".join(f"{name} {count}" for name, count in sorted(result.requests.items()))
    print(f"    by call: {detail}", flush=True)
    if result.live:
        hub = ", ".join(f"{name} {count}" for name, count in sorted(result.hub_http.items()))
        calls = ", ".join(f"{n} {c}" for n, c in sorted(result.invocations.items()))
        print(f"    hub HTTP (not counted above): {hub or 'none'}; reconnects {result.reconnects}")
        print(f"    hub invocations (not counted above): {calls or 'none'}", flush=True)
    if polling is not None:
        before = polling.total / polling.hours
        print(
            f"    => with the hub {per_hour:.1f} requests/hour vs polling only {before:.1f} "
            "requests/hour (aim with the hub: <= 3/hour)",
            flush=True,
        )


def main() -> None:
    print(
        f"Tracker polling over a simulated {DAY / 3600:.0f}-hour day, clock at {SPEED:.0f}x, "
        f"activity checks every {INTERVAL / 60:.0f} min, user always active (aim <= 30/hour)",
        flush=True,
    )
    polling: dict[float, DayResult] = {}
    for wait in (60.0, 30.0):
        with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
            polling[wait] = asyncio.run(simulate_day(wait, Path(tmp)))
            report(polling[wait])
    if importlib.util.find_spec("app.api.hub") is None:
        print("hub connected: app/api/hub does not exist yet; polling only")
        return
    # One day with live updates (the shorter waiting time: the harder case for polling).
    with tempfile.TemporaryDirectory(prefix="bench-tracking-live-") as tmp:
        report(asyncio.run(simulate_day(30.0, Path(tmp), live=True)), polling[30.0])


if __name__ == "__main__":
    main()
