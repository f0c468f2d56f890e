"""Live updates (app.tracking.live) against the real local server: its SignalR hub on both
protocols feeding a real Tracker over the real HubClient, REST requests counted at the client's
transport and hub invocations recorded at the server's dispatcher.

The server runs 30x (checks every 40 s of its time, 30 s to answer), as in test_tracker.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.api.hub import HubClient, HubNotConnected
from app.api.models import StoppedTrackType, TrackingStateKind
from app.server.app import hub_of, services_of
from app.server.clock import ScaledClock
from app.tracking.events import (
    ActivityCheckAnswered,
    ActivityCheckPrompt,
    RateLimited,
    ServerStopped,
    StateChanged,
    StoppedElsewhere,
)
from app.tracking.journal import Journal
from app.tracking.live import LiveStatus, LiveUpdates, describe_live
from app.tracking.options import TrackingSettings
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from tests.support.hubgate import HubGate
from tests.support.servers import loopback_config, start_gated
from tests.support.wait import wait_until
from tests.tracking.conftest import TOKEN, WORK_ITEM, LiveServer
from tests.tracking.test_tracker import NO_429_RETRY, Activity, Counting, Harness

PROTOCOLS = ["core", "classic"]


@dataclass
class Live(Harness):
    live: LiveUpdates | None = None
    hub: HubClient | None = None
    gate: HubGate | None = None
    other: TrackingClient | None = None  # another client of the same user (the browser)
    statuses: list[LiveStatus] = field(default_factory=list)
    invoked: list[str] = field(default_factory=list)  # hub methods the server ran

    def rest(self, method: str, last: str) -> int:
        """REST requests sent so far whose path ends with `last`."""
        return sum(1 for _, m, path in self.transport.sent if m == method and path.endswith(last))

    async def connected(self, timeout: float = 10.0) -> None:
        assert self.live is not None
        await wait_until(lambda: self.live.status.connected, timeout, "the hub to connect")


def gated_server(tmp_path: Path, speed: float = 30.0) -> tuple[LiveServer, HubGate]:
    config = loopback_config(
        tmp_path / "server",
        TOKEN,
        activity_check_interval=40.0,
        activity_check_wait=30.0,
        clock_speed=speed,
    )
    clock = ScaledClock(speed)
    thread, gate = start_gated(config, clock)
    return LiveServer(thread, clock, config), gate


@pytest.fixture
async def live_harness(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Live]]]:
    """`await live_harness(protocol="core", hub_status=None, sleep=None)`: a gated server, a
    Tracker on it with live updates running (not yet necessarily connected)."""
    made: list[tuple[Live, list[asyncio.Task[Any]]]] = []
    servers: list[LiveServer] = []

    async def make(
        protocol: str = "auto",
        hub_status: int | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        settings: TrackingSettings | None = None,
    ) -> Live:
        server, gate = gated_server(tmp_path)
        servers.append(server)
        gate.status = hub_status
        transport = Counting(server.now)
        client = server.client(transport=transport, retry=NO_429_RETRY)
        activity = Activity(server.monotonic)
        journal = Journal(tmp_path / f"journal{len(made)}.sqlite3", now=server.now)
        tracker = Tracker(
            client,
            activity=activity,
            detector=None,
            journal=journal,
            settings=settings or TrackingSettings(),
            now=server.now,
            monotonic=server.monotonic,
            sleep=server.sleep,
        )
        hub = HubClient(client, protocol=protocol, sleep=sleep or server.sleep)  # type: ignore[arg-type]
        live = LiveUpdates(tracker, hub, client)
        h = Live(server, tracker, client, activity, journal, transport, live=live, hub=hub)
        h.gate = gate
        h.other = server.client()
        tracker.subscribe(h.record)
        live.subscribe(h.statuses.append)
        dispatcher = hub_of(server.thread.app).dispatcher  # type: ignore[arg-type]
        invoke = dispatcher.invoke

        def recording(target: Any, arguments: Any) -> Any:
            h.invoked.append(str(target))
            return invoke(target, arguments)

        dispatcher.invoke = recording  # type: ignore[method-assign]
        tasks = [asyncio.create_task(tracker.run()), live.start()]
        made.append((h, tasks))
        await h.next(StateChanged)
        return h

    yield make
    for h, tasks in made:
        assert h.live is not None
        await h.live.aclose()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await h.client.aclose()
        if h.other is not None:
            await h.other.aclose()
        h.journal.close()
    for server in servers:
        server.thread.stop()


def without_pushes(h: Live) -> Callable[[], None]:
    """Stops the server's pushes (as if it sent its changes under a name we do not know);
    returns the function that turns them on again."""
    engine = services_of(h.server.thread.app).engine
    registry = hub_of(h.server.thread.app).registry  # type: ignore[arg-type]
    engine._listeners.remove(registry._on_change)
    return lambda: engine._listeners.append(registry._on_change)


def send_raw(h: Live, name: str, args: list[Any]) -> None:
    """The server sends every hub connection a message `name(args)` (thread-safe)."""
    registry = hub_of(h.server.thread.app).registry  # type: ignore[arg-type]
    loop = registry._loop
    assert loop is not None

    def frames() -> None:
        for connection in list(registry.connections.values()):
            if connection.protocol == "core":
                frame = json.dumps({"type": 1, "target": name, "arguments": args}) + "\x1e"
            else:
                message = {"H": "TrackingHub", "M": name, "A": args}
                frame = json.dumps({"C": "d-1,0|0", "M": [message]})
            connection.offer(frame)

    loop.call_soon_threadsafe(frames)


def close_connections(h: Live) -> None:
    registry = hub_of(h.server.thread.app).registry  # type: ignore[arg-type]
    loop = registry._loop
    assert loop is not None
    loop.call_soon_threadsafe(registry.close_all, "test: the connection dropped")


# --- pushes --------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_change_made_elsewhere_arrives_by_push_without_polling(
    live_harness, protocol: str
) -> None:
    h: Live = await live_harness(protocol)
    await h.connected()
    assert h.live is not None and h.live.status.protocol == protocol
    await wait_until(lambda: h.rest("GET", "/current") >= 2, 5, "the re-read on connect")
    # The connect asks for one re-read (next_delay 0 until the loop has sent it); after
    # that, no polling while connected.
    await wait_until(lambda: h.tracker.next_delay() == float("inf"), 5, "polling to stop")
    reads = h.rest("GET", "/current")
    started = await h.other.start_tracking(work_item_id=WORK_ITEM, remark="elsewhere")
    await h.next(StateChanged, lambda e: e.state.timestamp >= started.timestamp, timeout=2)
    assert h.tracker.state is not None and h.tracker.state.track.remark == "elsewhere"
    assert h.live.pushes >= 1
    assert h.rest("GET", "/current") == reads, "a push, not a poll, brought the change"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_unknown_message_costs_one_rest_read_per_burst(
    live_harness, protocol: str
) -> None:
    h: Live = await live_harness(protocol)
    await h.connected()
    await wait_until(lambda: h.rest("GET", "/current") >= 2, 5, "the re-read on connect")
    pushes_on = without_pushes(h)
    try:
        await h.other.start_tracking(work_item_id=WORK_ITEM, remark="unnamed event")
        reads = h.rest("GET", "/current")
        for i in range(5):
            send_raw(h, "TrackingStateUpdated", [{"n": i}])
        await h.next(StateChanged, lambda e: e.state.track.remark == "unnamed event", timeout=3)
    finally:
        pushes_on()
    assert h.live is not None
    assert h.live.unknown == 5
    assert h.live.rereads == 1
    assert h.rest("GET", "/current") == reads + 1


# --- activity checks ---------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_check_is_answered_over_the_hub_not_rest(live_harness, protocol: str) -> None:
    h: Live = await live_harness(protocol)
    await h.connected()
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "answered by hub"))
    mark = h.mark()
    answered = await h.next(ActivityCheckAnswered, after=mark, timeout=10)
    assert answered.how == "auto"
    assert not h.of(ActivityCheckPrompt)
    assert any(name.lower() == "activitycheck" for name in h.invoked), h.invoked
    assert h.rest("POST", "/activityCheck") == 0
    assert h.live is not None and h.live.hub_answers >= 1 and h.live.rest_answers == 0
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING


async def test_an_answer_falls_back_to_rest_when_the_hub_is_not_connected(
    live_harness,
) -> None:
    h: Live = await live_harness("core")
    await h.connected()
    assert h.hub is not None

    async def not_connected() -> Any:
        raise HubNotConnected("the hub connection closed a moment ago")

    h.hub.activity_check = not_connected  # type: ignore[method-assign]
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "answered by rest"))
    answered = await h.next(ActivityCheckAnswered, timeout=10)
    assert answered.how == "auto"
    assert h.rest("POST", "/activityCheck") >= 1
    assert h.live is not None and h.live.rest_answers >= 1


async def test_a_prompted_check_is_ended_by_push_and_re_asks_the_source(live_harness) -> None:
    """Hub connected, nobody at the machine: the prompt opens from the push; when the user
    comes back while it is open, the check is answered without any poll."""
    h: Live = await live_harness("core")
    await h.connected()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "away then back"))
    prompt = await h.next(ActivityCheckPrompt, timeout=10)
    assert prompt.seconds_left > 0
    delay = h.tracker.next_delay()
    assert 0 < delay < float("inf"), "one safety read once the check must have ended"
    reads = h.rest("GET", "/current")
    h.activity.busy = True
    answered = await h.next(ActivityCheckAnswered, timeout=5)
    assert answered.how == "auto"
    assert h.rest("GET", "/current") == reads
    assert h.tracker.next_delay() == float("inf")


# --- connection changes ------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_every_reconnect_reads_current(live_harness, protocol: str) -> None:
    h: Live = await live_harness(protocol)
    await h.connected()
    await wait_until(lambda: h.rest("GET", "/current") >= 2, 5, "the re-read on connect")
    assert h.live is not None
    reconnected_at: list[int] = []  # requests sent when the hub said "connected" again
    h.live.subscribe(lambda s: s.connected and reconnected_at.append(len(h.transport.sent)))
    pushes_on = without_pushes(h)
    try:
        await h.other.start_tracking(work_item_id=WORK_ITEM, remark="while away")
        close_connections(h)
        await wait_until(lambda: reconnected_at, 10, "the reconnect")
        since = reconnected_at[0]
        await wait_until(
            lambda: any(p.endswith("/current") for _, _, p in h.transport.sent[since:]),
            5,
            "a read of current after the reconnect",
        )
    finally:
        pushes_on()
    await wait_until(lambda: h.tracker.state.track.remark == "while away", 5)
    assert h.tracker.push_connected and h.tracker.next_delay() == float("inf")


async def test_with_the_hub_down_polling_resumes(
    live_harness,
) -> None:
    h: Live = await live_harness("core")
    await h.connected()
    assert h.gate is not None and h.live is not None
    assert await h.tracker.start(
        TrackTarget(WORK_ITEM, "tracking")
    )  # the brisk pace: 20 s (0.7 s real)
    h.gate.status = 503
    close_connections(h)
    await wait_until(lambda: not h.live.status.connected, 5, "the hub to be seen down")
    assert not h.tracker.push_connected
    assert h.tracker.next_delay() < float("inf")
    assert "not connected — checking every" in describe_live(h.live.status)
    await wait_until(lambda: h.gate.hub_requests > 2, 5, "a reconnect refused")  # (no push)
    reads = h.rest("GET", "/current")
    await h.other.adjust(remark="seen by polling")
    await wait_until(lambda: h.tracker.state.track.remark == "seen by polling", 5)
    assert h.rest("GET", "/current") > reads
    h.gate.status = None
    await h.connected(timeout=15)  # and it comes back by itself


async def test_without_a_hub_it_polls_and_retries_not_before_an_hour(live_harness) -> None:
    slept: list[float] = []
    never = asyncio.Event()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await never.wait()  # the hour never passes in this test

    h: Live = await live_harness("auto", hub_status=404, sleep=sleep)
    assert h.live is not None and h.gate is not None
    await wait_until(lambda: h.live.status.unavailable is not None, 10, "hub unavailable")
    await wait_until(lambda: slept, 5, "the hub client to wait")
    assert max(slept) >= 3600.0, slept
    asked = h.gate.hub_requests
    assert asked >= 1
    assert not h.tracker.push_connected
    assert h.tracker.next_delay() < float("inf")
    assert describe_live(h.live.status) == ("Live updates: not available on this server — polling")
    h.tracker.woke()
    mark = h.mark()
    await h.next(StateChanged, after=mark, timeout=5)  # polls still read the state
    assert h.gate.hub_requests == asked, "no second try within the hour"


def test_live_status_lines() -> None:
    assert LiveStatus(True, "core").describe() == "connected (ASP.NET Core SignalR)"
    assert LiveStatus(True, "classic").describe() == "connected (classic ASP.NET SignalR)"
    assert LiveStatus().describe(tracking=True) == "not connected — checking every 5 min"
    assert LiveStatus().describe(tracking=False) == "not connected — checking every 10 min"
    assert describe_live(None).startswith("Live updates: turned off in the settings")
    assert replace(LiveStatus(), unavailable="404").describe() == (
        "not available on this server — polling"
    )


async def test_own_commands_pushed_before_their_answer_are_not_reported_as_elsewhere(
    live_harness,
) -> None:
    h: Live = await live_harness("core")
    await h.connected()
    for i in range(3):
        assert await h.tracker.start(TrackTarget(WORK_ITEM, f"own {i}"))
        assert await h.tracker.stop()
    assert h.live is not None
    await wait_until(lambda: h.live.pushes >= 6, 5, "the pushes of all six commands")
    assert not h.of(StoppedElsewhere)


async def test_a_lost_push_at_the_end_of_a_check_is_made_up_by_one_read(live_harness) -> None:
    """Hub connected, prompt open, and the push that ends the check never comes: one REST
    read once the check must have ended shows the server's stop."""
    h: Live = await live_harness("core")
    await h.connected()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "lost push"))
    await h.next(ActivityCheckPrompt, timeout=10)
    reads = h.rest("GET", "/current")
    pushes_on = without_pushes(h)
    try:
        stopped = await h.next(ServerStopped, timeout=10)
    finally:
        pushes_on()
    assert stopped.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    assert h.rest("GET", "/current") == reads + 1
    assert h.tracker.next_delay() == float("inf")


async def test_a_429_pause_with_the_hub_connected_ends_with_the_journal_sent(
    live_harness,
) -> None:
    h: Live = await live_harness("core")
    await h.connected()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "paused"))
    h.server.set_faults(rate_limit_rate=1.0, retry_after=60)
    await h.tracker.refresh()
    limited = await h.next(RateLimited)
    h.server.set_faults()
    first_429 = len(h.transport.sent)
    assert not await h.tracker.stop()  # written ahead during the pause
    assert h.journal.count() == 1
    await wait_until(lambda: h.journal.count() == 0, 15, "the replay after the pause")
    later = [(at, m, p) for at, m, p in h.transport.sent[first_429:] if "/signalr/" not in p]
    assert later and all(at >= limited.until for at, _, _ in later), later[:3]
    assert h.tracker.push_connected
    await wait_until(lambda: not h.tracker.state.track.is_tracking, 5)
    assert h.tracker.next_delay() == float("inf")
