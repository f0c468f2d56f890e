"""The hub client against faults the real server cannot produce: no hub at all, a negotiate
redirect, an oversized message, a silent or closing hub, a server that cannot be reached.
Fakes: httpx.MockTransport, and a minimal Core hub in-process (tests/api/hub_fakes.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from httpx_ws.transport import ASGIWebSocketTransport

from app.api.client import TrackingClient
from app.api.errors import ConnectionFailed, HubNotConnected, RequestTimeout
from app.api.hub import HubClient
from tests.api.hub_fakes import RS, FakeClassicHub, FakeCoreHub, GateSleep, Listener

TOKEN = "fake-token-0123456789"


def mock_tracking(handler: Callable[[httpx.Request], httpx.Response]) -> TrackingClient:
    return TrackingClient("http://127.0.0.1:9", token=TOKEN, transport=httpx.MockTransport(handler))


async def run_until(hub: HubClient, listener: Listener, gate: GateSleep) -> asyncio.Task[None]:
    task = asyncio.create_task(hub.run(listener))
    async with asyncio.timeout(10):
        await gate.reached.wait()
    return task


# --- no hub, redirect -------------------------------------------------------------------------


async def test_no_hub_for_either_protocol_is_reported_and_retried_after_an_hour() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx.Response(404, json={"error": {"errorCode": "EntityNotFound"}})

    listener, gate = Listener(), GateSleep(calls=2)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate)
        task = await run_until(hub, listener, gate)
        # Core (POST) then classic (GET), then an hour's wait; once more after that hour.
        assert seen == ["POST /signalr/trackingHub/v3.2/negotiate"] * 1 + [
            "GET /signalr/trackingHub/v3.2/negotiate"
        ] + ["POST /signalr/trackingHub/v3.2/negotiate", "GET /signalr/trackingHub/v3.2/negotiate"]
        assert gate.delays == [3600.0, 3600.0]
        assert len(listener.unavailable) == 2
        assert "no tracking hub for either SignalR protocol" in listener.unavailable[0]
        assert listener.connections == []
        with pytest.raises(HubNotConnected):
            await hub.current()
        await hub.aclose()
        assert task.done() and task.exception() is None


async def test_405_on_core_negotiate_falls_back_to_classic() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(405 if request.method == "POST" else 404)

    listener, gate = Listener(), GateSleep(calls=1)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate, unavailable_retry=120.0)
        await run_until(hub, listener, gate)
        assert seen == ["POST", "GET"]
        assert gate.delays == [120.0]
        await hub.aclose()


async def test_forced_core_does_not_try_classic() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(404)

    listener, gate = Listener(), GateSleep(calls=1)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, protocol="core", sleep=gate)
        await run_until(hub, listener, gate)
        assert seen == ["POST"]
        assert "no ASP.NET Core SignalR hub" in listener.unavailable[0]
        await hub.aclose()


async def test_a_negotiate_redirect_is_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.host))
        return httpx.Response(
            200, json={"url": "https://elsewhere.service.signalr.net/client", "accessToken": "x"}
        )

    listener, gate = Listener(), GateSleep(calls=1)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate)
        await run_until(hub, listener, gate)
        assert seen == ["127.0.0.1"]
        assert "does not follow" in listener.unavailable[0]
        assert gate.delays == [3600.0]
        await hub.aclose()


# --- reconnect backoff ------------------------------------------------------------------------


async def test_reconnect_delays_grow_jittered_and_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    listener, gate = Listener(), GateSleep(calls=12)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate, rng=random.Random(7), reconnect_max=20.0)
        await run_until(hub, listener, gate)
        await hub.aclose()
    ceilings = [min(20.0, 2.0 ** (n - 1)) for n in range(1, 13)]
    for delay, ceiling in zip(gate.delays, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert max(gate.delays) <= 20.0
    assert len(set(gate.delays[-5:])) == 5  # jittered: capped delays still differ
    assert listener.unavailable == [] and listener.connections == []


async def test_a_rate_limited_negotiate_waits_as_long_as_the_server_asks() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": {"statusCode": 429, "errorCode": "QuoteExceededError"}}
        return httpx.Response(429, json=body, headers={"Retry-After": "45"})

    listener, gate = Listener(), GateSleep(calls=3)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate, rng=random.Random(1))
        await run_until(hub, listener, gate)
        await hub.aclose()
    assert gate.delays == [45.0, 45.0, 45.0]  # more than the backoff's 1, 2, 4 s


@pytest.mark.parametrize(("status", "code"), [(401, "UnauthorizedError"), (403, "AccessDenied")])
async def test_a_refused_token_waits_ten_minutes_between_negotiates(status: int, code: str) -> None:
    negotiates: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        negotiates.append(request.url.path)
        body = {"error": {"statusCode": status, "errorCode": code, "message": "refused"}}
        return httpx.Response(status, json=body)

    listener, gate = Listener(), GateSleep(calls=3)
    async with mock_tracking(handler) as client:
        hub = HubClient(client, sleep=gate, rng=random.Random(3))
        await run_until(hub, listener, gate)
        await hub.aclose()
    assert gate.delays == [600.0, 600.0, 600.0]  # not the backoff's 1, 2, 4 s
    assert len(negotiates) == 3 and listener.unavailable == []


async def test_invoking_without_a_connection_raises_hub_not_connected() -> None:
    async with mock_tracking(lambda r: httpx.Response(500)) as client:
        hub = HubClient(client)
        with pytest.raises(HubNotConnected) as caught:
            await hub.invoke("ping")
        assert isinstance(caught.value, ConnectionFailed) and caught.value.sent is False
        assert "not connected" in caught.value.message
        assert not hub.connected and hub.protocol is None


# --- a live fake Core hub ---------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fake_hub() -> AsyncIterator[tuple[FakeCoreHub, TrackingClient]]:
    """The transport's task group must be entered and left in the test's own task."""
    hub = FakeCoreHub()
    async with (
        ASGIWebSocketTransport(hub.app()) as transport,
        TrackingClient(LOOPBACK, token=TOKEN, transport=transport) as client,
    ):
        yield hub, client


LOOPBACK = "http://127.0.0.1"


async def start(client: TrackingClient, **kwargs: Any) -> tuple[HubClient, Listener, GateSleep]:
    gate = kwargs.pop("sleep", None) or GateSleep()
    hub, listener = HubClient(client, sleep=gate, **kwargs), Listener()
    asyncio.create_task(hub.run(listener))  # noqa: RUF006 - ended by aclose()
    async with asyncio.timeout(10):
        await listener.up.wait()
    return hub, listener, gate


async def test_an_oversized_message_closes_the_connection_with_a_clear_error() -> None:
    async with fake_hub() as (server, client):
        server.on_invoke = lambda iid, target, args: "x" * 300_000 if target == "big" else None
        hub, listener, _gate = await start(client, max_message=256 * 1024)
        with pytest.raises(ConnectionFailed) as caught:
            await hub.invoke("big")
        assert "larger than 262144 bytes" in caught.value.message
        assert listener.connections[:2] == [(True, "core"), (False, None)]
        async with asyncio.timeout(10):  # and it reconnects
            while server.connections < 2 or not hub.connected:
                await asyncio.sleep(0.01)
        assert await hub.invoke("ping") == "ping"
        await hub.aclose()


async def test_an_oversized_record_split_over_messages_is_cut_off_too() -> None:
    async with fake_hub() as (server, client):
        chunks = ["y" * 100_000] * 4  # no separator: one record growing past the cap

        async def flood(ws: Any) -> None:
            for chunk in chunks:
                await ws.send_text(chunk)

        def on_invoke(iid: str, target: str, args: list[Any]) -> str | None:
            if target == "flood":
                asyncio.get_running_loop().create_task(flood(server.sockets[-1]))
                return ""
            return None

        server.on_invoke = on_invoke
        hub, _listener, _ = await start(client, max_message=256 * 1024)
        with pytest.raises(ConnectionFailed, match="larger than 262144 bytes"):
            await hub.invoke("flood")
        await hub.aclose()


async def test_a_slow_answer_hits_the_deadline_and_the_connection_stays() -> None:
    async with fake_hub() as (server, client):
        server.on_invoke = lambda iid, target, args: "" if target == "slow" else None
        hub, _listener, _ = await start(client, invoke_timeout=0.2)
        with pytest.raises(RequestTimeout, match=r"no answer within 0\.2 s"):
            await hub.invoke("slow")
        with pytest.raises(RequestTimeout, match=r"within 0\.05 s"):
            await hub.invoke("slow", timeout=0.05)
        assert hub.connected
        assert await hub.invoke("ping") == "ping"
        await hub.aclose()


async def test_pushes_reach_the_listener_and_its_failures_do_not_drop_the_connection() -> None:
    async with fake_hub() as (server, client):
        frames = [
            {"type": 1, "target": "trackingStateChanged", "arguments": [{"timestamp": 5}]},
            {"type": 1, "target": "trackingStateChanged", "arguments": [{"track": 3}]},
            {"type": 1, "target": "somethingNew", "arguments": [1, 2]},
            {"type": 1, "target": "needsAnswer", "invocationId": "s1", "arguments": []},
        ]
        server.on_invoke = lambda iid, target, args: (
            "".join(json.dumps(f) + RS for f in frames)
            + json.dumps({"type": 3, "invocationId": iid, "result": 1})
            + RS
            if target == "push"
            else None
        )
        hub, listener, _ = await start(client)

        def broken(state: Any) -> None:
            listener.states.append(state)
            raise RuntimeError("listener bug")

        listener.hub_state = broken  # type: ignore[method-assign]
        assert await hub.invoke("push") == 1
        assert [s.timestamp for s in listener.states] == [5]
        assert listener.messages == [
            ("trackingStateChanged", [{"track": 3}]),
            ("somethingNew", [1, 2]),
            ("needsAnswer", []),
        ]
        async with asyncio.timeout(5):  # a server-to-client call wanting a result gets an error
            while not any(m.get("invocationId") == "s1" for m in server.received):
                await asyncio.sleep(0.01)
        answer = next(m for m in server.received if m.get("invocationId") == "s1")
        assert answer["type"] == 3 and answer["error"]
        assert hub.connected
        await hub.aclose()


async def test_a_silent_hub_is_taken_for_dead_and_the_client_pings() -> None:
    async with fake_hub() as (server, client):  # the fake never sends pings: silence
        hub, listener, gate = await start(client, keepalive=0.1)
        async with asyncio.timeout(5):
            await listener.down.wait()
        assert any(m == {"type": 6} for m in server.received)  # our keep-alive went out
        async with asyncio.timeout(5):
            await listener.up.wait()  # reconnected after a jittered delay
        assert 0.5 <= gate.delays[0] <= 1.0
        await hub.aclose()


async def test_a_close_message_ends_the_connection_and_the_client_reconnects() -> None:
    async with fake_hub() as (server, client):
        server.on_invoke = lambda iid, target, args: (
            json.dumps({"type": 7, "error": "server shutting down", "allowReconnect": True}) + RS
            if target == "bye"
            else None
        )
        hub, listener, _ = await start(client)
        with pytest.raises(ConnectionFailed, match="server shutting down"):
            await hub.invoke("bye")
        async with asyncio.timeout(5):
            while server.connections < 2 or not hub.connected:
                await asyncio.sleep(0.01)
        await hub.aclose()
        assert listener.connections[-1] == (False, None)


async def test_aclose_ends_run_quietly() -> None:
    async with fake_hub() as (_, client):
        hub, listener = HubClient(client), Listener()
        task = asyncio.create_task(hub.run(listener))
        async with asyncio.timeout(10):
            await listener.up.wait()
        await hub.aclose()
        assert task.done() and not task.cancelled() and task.exception() is None
        assert listener.connections == [(True, "core"), (False, None)]
        assert not hub.connected


async def test_cancelling_run_propagates() -> None:
    async with fake_hub() as (_, client):
        hub, listener = HubClient(client), Listener()
        task = asyncio.create_task(hub.run(listener))
        async with asyncio.timeout(10):
            await listener.up.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert listener.connections == [(True, "core"), (False, None)]


# --- a live fake classic hub ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def classic_hub(
    **kwargs: Any,
) -> AsyncIterator[tuple[FakeClassicHub, TrackingClient]]:
    hub = FakeClassicHub(**kwargs)
    async with (
        ASGIWebSocketTransport(hub.app()) as transport,
        TrackingClient(LOOPBACK, token=TOKEN, transport=transport) as client,
    ):
        yield hub, client


async def test_classic_pushes_for_other_hubs_or_unreadable_states_are_messages() -> None:
    pushes = {
        "C": "d-2",
        "M": [
            {"H": "TrackingHub", "M": "trackingStateChanged", "A": [{"timestamp": 9}]},
            {"H": "TrackingHub", "M": "trackingStateChanged", "A": [{"track": "x"}]},
            {"H": "otherHub", "M": "hello", "A": [1]},
            {"H": "trackinghub", "M": "somethingNew", "A": []},
        ],
    }
    async with classic_hub() as (server, client):
        server.on_invoke = lambda m: (
            [json.dumps(pushes), json.dumps({"I": m["I"], "R": 1})] if m["M"] == "push" else None
        )
        hub, listener, _ = await start(client, protocol="classic")
        assert await hub.invoke("push") == 1
        assert [s.timestamp for s in listener.states] == [9]
        assert listener.messages == [
            ("trackingStateChanged", [{"track": "x"}]),
            ("otherHub.hello", [1]),
            ("somethingNew", []),
        ]
        await hub.aclose()
        assert server.aborts == 1  # we closed: the server is told


async def test_a_classic_disconnect_message_ends_the_connection_without_abort() -> None:
    async with classic_hub() as (server, client):
        server.on_invoke = lambda m: ['{"D":1}'] if m["M"] == "bye" else None
        hub, _listener, gate = await start(client, protocol="classic")
        with pytest.raises(ConnectionFailed, match="server ended the hub connection"):
            await hub.invoke("bye")
        async with asyncio.timeout(5):
            while server.connections < 2 or not hub.connected:
                await asyncio.sleep(0.01)
        assert server.aborts == 0
        assert 0.5 <= gate.delays[0] <= 1.0
        await hub.aclose()


async def test_classic_silence_past_keep_alive_timeout_is_a_dead_connection() -> None:
    async with classic_hub(keep_alive_timeout=0.2) as (server, client):
        hub, listener, _ = await start(client, protocol="classic")
        async with asyncio.timeout(5):
            await listener.down.wait()
            await listener.up.wait()
        assert server.aborts >= 1  # the client gave up on it: abort, as the JS client does
        await hub.aclose()
