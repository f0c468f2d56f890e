"""The hub client against the real server (uvicorn on 127.0.0.1), on both SignalR protocols:
every method, pushes after REST changes and after the server's own clock stopped a track,
the token on the WebSocket, token expiry and refresh on a live connection, and reconnecting
after the server went away."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from app.api import redact
from app.api.auth import OAuthTokens, RefreshingAuth, pair_with_pin
from app.api.client import TrackingClient
from app.api.errors import ClientRequestError, NotFoundError
from app.api.hub import HubClient
from app.api.models import SnoozeOption, StoppedTrackType, StopReason, TrackingStateKind
from app.api.session import local_now
from app.server.app import create_app
from app.server.runner import ServerThread
from tests.api.conftest import TOKEN, RecordingTransport, server_config
from tests.api.hub_fakes import GateSleep, Listener

PROTOCOLS = ["core", "classic"]
HUB = "/signalr/trackingHub/v3.2"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with ServerThread(server_config(tmp_path_factory.mktemp("hub"))) as thread:
        yield thread


@contextlib.asynccontextmanager
async def hub_on(
    client: TrackingClient, protocol: str, **kwargs: Any
) -> AsyncIterator[tuple[HubClient, Listener]]:
    hub, listener = HubClient(client, protocol=protocol, **kwargs), Listener()  # type: ignore[arg-type]
    task = asyncio.create_task(hub.run(listener))
    try:
        async with asyncio.timeout(10):
            await listener.up.wait()
        yield hub, listener
    finally:
        await hub.aclose()
        assert task.done()


@contextlib.asynccontextmanager
async def connected(
    server: ServerThread, protocol: str, **kwargs: Any
) -> AsyncIterator[tuple[HubClient, Listener, TrackingClient]]:
    async with (
        TrackingClient(server.url, token=server.token) as client,
        hub_on(client, protocol, **kwargs) as (hub, listener),
    ):
        yield hub, listener, client


# --- protocol choice --------------------------------------------------------------------------


async def test_auto_picks_asp_net_core(server: ServerThread) -> None:
    async with connected(server, "auto") as (hub, listener, _):
        assert hub.connected and hub.protocol == "core"
        assert listener.connections == [(True, "core")]
    assert listener.connections == [(True, "core"), (False, None)]
    assert not hub.connected and hub.protocol is None


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_forced_protocol_is_used(server: ServerThread, protocol: str) -> None:
    async with connected(server, protocol) as (hub, listener, _):
        assert hub.protocol == protocol
        assert listener.connections == [(True, protocol)]


# --- every method -----------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_every_method(server: ServerThread, protocol: str) -> None:
    async with connected(server, protocol) as (hub, _, _):
        assert await hub.ping() == "pong"
        await hub.stop_tracking()
        idle = await hub.current()
        assert idle.track.tracking_state is TrackingStateKind.IDLE
        # `current` always carries `settings` (tracking-api.md §2), expanded or not.
        assert idle.settings is not None and idle.settings.activity_type is not None
        expanded = await hub.current(expand=True)
        assert expanded.settings == idle.settings
        started = await hub.start_tracking(work_item_id=1201, remark=f"via {protocol}")
        assert started.track.tracking_state is TrackingStateKind.TRACKING
        assert started.track.tfs_id == 1201
        adjusted = await hub.adjust(remark="adjusted")
        assert adjusted.track.remark == "adjusted"
        # No check is running: both answers are a Warning, not an error.
        assert (await hub.activity_check()).track.tracking_state is TrackingStateKind.TRACKING
        snoozed = await hub.idle_check(SnoozeOption.ONE_HOUR)
        assert snoozed.track.tracking_state is TrackingStateKind.TRACKING
        selected = await hub.selected(work_item_id=1201, remark="next")
        assert selected.tfs_id == 1201  # while tracking: the running track
        found = await hub.search(1201)
        assert found.work_items[0].work_item.id == 1201
        by_query = await hub.search_by_query("card vault")
        assert by_query.count >= 1
        assert (await hub.invoke("searchByQuery", {"query": "card vault"}))["count"] >= 1
        stopped = await hub.stop_tracking(StopReason.USER)
        assert stopped.track.tracking_state is TrackingStateKind.IDLE
        latest = await hub.latest(2)
        assert latest.work_logs[0].work_item is not None
        assert latest.work_logs[0].work_item.id == 1201
        assert (await hub.invoke("latest", 1))["count"] == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_hub_errors_raise_the_rest_error_classes(server: ServerThread, protocol: str) -> None:
    async with connected(server, protocol) as (hub, _, _):
        with pytest.raises(NotFoundError) as missing:
            await hub.invoke("startTracking", {"timeZone": 0, "tfsId": 99999})
        assert missing.value.error_code == "EntityNotFound" and missing.value.status == 404
        with pytest.raises(NotFoundError, match="no method"):
            await hub.invoke("noSuchMethod")
        with pytest.raises(ClientRequestError) as bad:
            await hub.invoke("latest", "many")
        assert bad.value.error_code == "ApiVersionError" and bad.value.status == 400
        assert await hub.ping() == "pong"  # errors leave the connection up


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_in_process_over_asgi(tmp_path: Path, protocol: str) -> None:
    """The same client on the server app in-process (httpx-ws's ASGI transport): how the
    tracker's tests can run the hub without a socket."""
    app = create_app(server_config(tmp_path))
    async with (
        ASGIWebSocketTransport(app) as transport,
        TrackingClient("http://127.0.0.1", token=TOKEN, transport=transport) as client,
        hub_on(client, protocol) as (hub, listener),
    ):
        assert hub.protocol == protocol
        assert await hub.ping() == "pong"
        started = await client.start_tracking(remark="in process")
        pushed = await listener.wait_state(lambda s: s.timestamp >= started.timestamp)
        assert pushed.track.remark == "in process"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_concurrent_calls_are_matched_to_their_answers(
    server: ServerThread, protocol: str
) -> None:
    async with connected(server, protocol) as (hub, _, _):
        counts = list(range(1, 11))
        answers = await asyncio.gather(*(hub.invoke("latest", n) for n in counts))
        pongs = await asyncio.gather(*(hub.ping() for _ in range(10)))
        assert [a["count"] <= n for a, n in zip(answers, counts, strict=True)] == [True] * 10
        assert pongs == ["pong"] * 10


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_server_silent_for_twice_the_keepalive_is_taken_for_dead(
    server: ServerThread, protocol: str
) -> None:
    # The server's keep-alives come every 10-15 s; with keepalive=0.2 the client gives up
    # after 0.4 s of silence, then reconnects.
    async with connected(server, protocol, keepalive=0.2) as (hub, listener, _):
        async with asyncio.timeout(10):
            await listener.down.wait()
            await listener.up.wait()
        assert listener.connections[:3] == [(True, protocol), (False, None), (True, protocol)]
        assert hub.protocol == protocol


# --- pushes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_rest_change_is_pushed(server: ServerThread, protocol: str) -> None:
    async with connected(server, protocol) as (_, listener, client):
        before = await client.stop_tracking()
        started = await client.start_tracking(remark=f"pushed over {protocol}")
        pushed = await listener.wait_state(lambda s: s.timestamp >= started.timestamp)
        assert pushed.track.tracking_state is TrackingStateKind.TRACKING
        assert pushed.track.remark == f"pushed over {protocol}"
        assert pushed.timestamp > before.timestamp
        await client.stop_tracking()
        await listener.wait_state(
            lambda s: (
                s.track.tracking_state is TrackingStateKind.IDLE and s.timestamp > started.timestamp
            )
        )


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_stop_by_the_server_clock_is_pushed(tmp_path: Path, protocol: str) -> None:
    config = server_config(tmp_path, activity_check_interval=0.5, activity_check_wait=0.5)
    with ServerThread(config) as fast:
        async with connected(fast, protocol) as (_, listener, client):
            await client.start_tracking(work_item_id=1201)
            checking = await listener.wait_state(
                lambda s: s.track.tracking_state is TrackingStateKind.ACTIVITY_CHECK
            )
            assert checking.track.check_running
            stopped = await listener.wait_state(
                lambda s: s.track.tracking_state is TrackingStateKind.CLIENT_INPUT_REQUIRED
            )
            assert stopped.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK


# --- the token --------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_token_goes_in_the_header_not_the_url(
    server: ServerThread, protocol: str
) -> None:
    recorder = RecordingTransport(httpx.AsyncHTTPTransport())
    async with (
        TrackingClient(server.url, token=server.token, transport=recorder) as client,
        hub_on(client, protocol),
    ):
        upgrades = [r for r in recorder.requests if r.headers.get("upgrade") == "websocket"]
        assert len(upgrades) == 1
        assert upgrades[0].headers["authorization"] == f"Bearer {server.token}"
        for request in recorder.requests:
            assert request.url.path.startswith(HUB)
            assert "access_token" not in str(request.url)
            assert server.token not in str(request.url)


async def test_classic_calls_start_and_aborts_on_close(server: ServerThread) -> None:
    recorder = RecordingTransport(httpx.AsyncHTTPTransport())
    async with TrackingClient(server.url, token=server.token, transport=recorder) as client:
        async with hub_on(client, "classic") as (hub, _):
            assert await hub.ping() == "pong"
        calls = [(r.method, r.url.path.removeprefix(HUB)) for r in recorder.requests]
        assert calls == [
            ("GET", "/negotiate"),
            ("GET", "/connect"),
            ("GET", "/start"),
            ("POST", "/abort"),
        ]
        tokens = {r.url.params.get("connectionToken") for r in recorder.requests[1:]}
        assert len(tokens) == 1 and None not in tokens


async def test_the_server_takes_the_token_from_the_query_too(server: ServerThread) -> None:
    # For clients that cannot set headers; Pacetray itself sends the header (above).
    async with httpx.AsyncClient(base_url=server.url) as http:
        query = {"negotiateVersion": "1", "access_token": server.token}
        answer = await http.post(f"{HUB}/negotiate", params=query)
        assert answer.status_code == 200, answer.text
        token = answer.json()["connectionToken"]
        url = f"{HUB}?id={token}&access_token={server.token}"
        async with aconnect_ws(url, http, keepalive_ping_interval_seconds=None) as ws:
            await ws.send_text('{"protocol":"json","version":1}\x1e')
            assert await ws.receive_text(timeout=5) == "{}\x1e"
        refused = await http.post(f"{HUB}/negotiate", params={"negotiateVersion": "1"})
        assert refused.status_code == 401


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_hub_logs_carry_no_token(
    server: ServerThread, protocol: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(redact.RedactionFilter())
    with caplog.at_level(logging.DEBUG):
        async with connected(server, protocol) as (hub, _, _):
            await hub.ping()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"hub: connected ({protocol})" in text
    assert server.token not in text
    if protocol == "classic":
        assert "connectionToken=[REDACTED]" in text  # httpx logs the start URL
    assert redact.redact(f"GET {HUB}?id=x&access_token=secret-value-1") == (
        f"GET {HUB}?id=x&access_token=[REDACTED]"
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_expired_token_keeps_the_connection_and_reconnects_use_a_fresh_one(
    tmp_path: Path, protocol: str
) -> None:
    # The server's token lifetime runs on the wall clock (1 s here); the client's clock runs an
    # hour behind, so it never refreshes ahead of time: only on a 401, as after a real expiry.
    config = server_config(tmp_path, approve_pins=True, access_token_ttl=1.0)
    with ServerThread(config) as paired_server:
        tokens = await pair_with_pin(paired_server.url, on_pin=lambda pin: None)
        saved: list[OAuthTokens] = []
        auth = RefreshingAuth(paired_server.url, tokens, saved.append, now=HourBehind())
        async with (
            TrackingClient(paired_server.url, auth=auth) as client,
            hub_on(client, protocol) as (hub, listener),
        ):
            refreshes = len(saved)
            used = saved[-1].access_token if saved else tokens.access_token
            await asyncio.sleep(1.2)  # the token expires on the server: nothing to await
            refused = httpx.get(
                f"{paired_server.url}/api/tracking/client/current",
                params={"api-version": "3.2"},
                headers={"Authorization": f"Bearer {used}"},
            )
            assert refused.status_code == 401  # expired for REST
            assert await hub.ping() == "pong"  # the live connection still works
            assert (await hub.current()).timestamp >= 0
            # REST refreshes on its 401; the hub connection is not touched by that.
            await client.current()
            assert len(saved) == refreshes + 1
            assert listener.connections == [(True, protocol)]
            assert await hub.ping() == "pong"
            # The refreshed token expires too; a new connection refreshes again and gets in.
            await asyncio.sleep(1.2)
            listener.up.clear()
            await kill_connection(hub)
            async with asyncio.timeout(10):
                await listener.up.wait()
            assert len(saved) >= refreshes + 2  # refreshed (again) on the way back in
            assert await hub.ping() == "pong"
            assert listener.connections == [(True, protocol), (False, None), (True, protocol)]


class HourBehind:
    def __call__(self) -> datetime:
        return local_now() - timedelta(hours=1)


async def kill_connection(hub: HubClient) -> None:
    """Breaks the live WebSocket from below, as a network failure would."""
    link = hub._link
    assert link is not None
    await link.ws.stream.aclose()


# --- dropped connections ----------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_server_going_away_and_coming_back(tmp_path: Path, protocol: str) -> None:
    config = server_config(tmp_path)
    first = ServerThread(config).start()
    port = first.port
    back = asyncio.Event()
    gate = BlockingSleep(back, after=6)
    async with TrackingClient(first.url, token=TOKEN) as client:
        hub, listener = (
            HubClient(client, protocol=protocol, sleep=gate, rng=random.Random(3)),
            Listener(),
        )  # type: ignore[arg-type]
        task = asyncio.create_task(hub.run(listener))
        async with asyncio.timeout(10):
            await listener.up.wait()
        await asyncio.to_thread(first.stop)
        async with asyncio.timeout(10):
            await listener.down.wait()
            await gate.blocked.wait()  # six failed attempts, then waiting for the server
        assert not hub.connected
        ceilings = [min(60.0, 2.0 ** (n - 1)) for n in range(1, 7)]
        for delay, ceiling in zip(gate.delays, ceilings, strict=True):
            assert ceiling / 2 <= delay <= ceiling
        second = ServerThread(replace(config, port=port)).start()
        try:
            back.set()
            async with asyncio.timeout(10):
                await listener.up.wait()
            assert await hub.ping() == "pong"
            assert listener.connections == [(True, protocol), (False, None), (True, protocol)]
        finally:
            await hub.aclose()
            await asyncio.to_thread(second.stop)
        assert task.done()


class BlockingSleep(GateSleep):
    """Returns at once for the first `after` delays, then waits for `event` each time."""

    def __init__(self, event: asyncio.Event, after: int) -> None:
        super().__init__()
        self.event = event
        self.after = after
        self.blocked = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) >= self.after:
            self.blocked.set()
            await self.event.wait()
        await asyncio.sleep(0)
