"""The hub's ASP.NET Core SignalR side against the real server (uvicorn on 127.0.0.1): pysignalr
(an independent client library) and a raw client written from Microsoft's specs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pysignalr.client import SignalRClient
from pysignalr.messages import CompletionMessage
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.api.models import (
    StoppedTrackType,
    TrackingStateKind,
)
from app.server.app import hub_of
from app.server.config import HubConfig
from app.server.runner import ServerThread

from .conftest import TOKEN
from .hubkit import (
    EVERY_CALL,
    HUB,
    RS,
    WAIT,
    CoreClient,
    check_every_result,
    kind,
    rest,
    same_state,
    state,
    until,
    ws_url,
)

Factory = Callable[..., ServerThread]


@contextlib.asynccontextmanager
async def pysignalr_client(
    server: ServerThread, query: str = "", **options: Any
) -> AsyncIterator[tuple[SignalRClient, list[Any]]]:
    """A running pysignalr client; yields it with the list its pushes land in."""
    client = SignalRClient(server.url + HUB + query, retry_count=1, **options)
    pushes: list[Any] = []
    opened = asyncio.Event()

    async def on_open() -> None:
        opened.set()

    async def on_push(arguments: Any) -> None:
        pushes.append(arguments[0])

    async def on_error(message: CompletionMessage) -> None:
        pass  # errors reach the invocation's own callback as well

    client.on_open(on_open)
    client.on_error(on_error)
    client.on("trackingStateChanged", on_push)
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(opened.wait(), WAIT)
        yield client, pushes
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


async def call(client: SignalRClient, method: str, arguments: list[Any]) -> CompletionMessage:
    done: asyncio.Future[CompletionMessage] = asyncio.get_running_loop().create_future()

    async def on_completion(message: Any) -> None:
        done.set_result(message)

    await client.send(method, arguments, on_invocation=on_completion)
    return await asyncio.wait_for(done, WAIT)


# --- interop: pysignalr -------------------------------------------------------------------------


async def test_pysignalr_invokes_every_method_and_receives_pushes(server_factory: Factory) -> None:
    server = server_factory()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with pysignalr_client(server, headers=headers) as (client, pushes):
        results = {}
        for method, arguments in EVERY_CALL:
            completion = await call(client, method, arguments)
            assert completion.error is None, (method, completion.error)
            results[method] = completion.result
        check_every_result(results)
        # Method names match ignoring case, as in ASP.NET Core.
        assert (await call(client, "CURRENT", [])).error is None
        # Every change made through the hub was pushed, in timestamp order.
        await until(lambda: len(pushes) >= 4)
        stamps = [p["timestamp"] for p in pushes]
        assert stamps == sorted(stamps)
        assert same_state(pushes[-1], results["stopTracking"])
        # A change over REST reaches the hub client too.
        seen = len(pushes)
        answer = await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": "x"})
        assert answer.status_code == 200
        await until(lambda: len(pushes) > seen)
        assert same_state(pushes[-1], answer.json())


async def test_pysignalr_errors_carry_the_7pace_code(server_factory: Factory) -> None:
    server = server_factory()
    async with pysignalr_client(server, headers={"Authorization": f"Bearer {TOKEN}"}) as (
        client,
        _,
    ):
        missing = await call(client, "startTracking", [{"timeZone": 0, "tfsId": 99999}])
        assert missing.error is not None
        assert missing.error.startswith("EntityNotFound: Work item 99999")
        bad = await call(client, "latest", ["many"])
        assert bad.error is not None and bad.error.startswith("ApiVersionError: ")
        unknown = await call(client, "launchRockets", [])
        assert unknown.error is not None and unknown.error.startswith("EntityNotFound: ")
        too_many = await call(client, "activityCheck", [1, 2])
        assert too_many.error is not None and too_many.error.startswith("ApiVersionError: ")
        # The connection survives every error.
        assert (await call(client, "ping", [])).result == "pong"


async def test_pysignalr_with_the_token_in_the_url(server_factory: Factory) -> None:
    server = server_factory()
    async with pysignalr_client(server, query=f"?access_token={TOKEN}") as (client, _):
        assert (await call(client, "ping", [])).result == "pong"


# --- raw protocol: auth -------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["header", "query"])
@pytest.mark.parametrize("negotiate", [True, False], ids=["negotiated", "skip-negotiation"])
async def test_token_in_header_or_query_with_or_without_negotiate(
    server_factory: Factory, via: str, negotiate: bool
) -> None:
    server = server_factory()
    client = await CoreClient.open(server, via=via, negotiate=negotiate)
    assert await client.result("ping") == "pong"
    assert kind(await client.result("current")) is TrackingStateKind.IDLE
    await client.close()


async def test_negotiate_answers_the_core_shape(server_factory: Factory) -> None:
    server = server_factory()
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}
    ) as http:
        v1 = (await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})).json()
        v0 = (await http.post(HUB + "/negotiate")).json()
    assert v1["negotiateVersion"] == 1
    assert v1["connectionToken"] != v1["connectionId"]
    assert v1["availableTransports"] == [{"transport": "WebSockets", "transferFormats": ["Text"]}]
    assert v0["negotiateVersion"] == 0 and "connectionToken" not in v0
    # Version 0 clients (pysignalr among them) connect with the connection id itself.
    url = f"{ws_url(server.url)}{HUB}?id={v0['connectionId']}&access_token={TOKEN}"
    async with connect(url) as ws:
        await ws.send('{"protocol":"json","version":1}' + RS)
        assert await asyncio.wait_for(ws.recv(), WAIT) == "{}" + RS


async def test_wrong_or_missing_token_is_refused(server_factory: Factory) -> None:
    server = server_factory()
    async with httpx.AsyncClient(base_url=server.url) as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            answer = await http.post(HUB + "/negotiate", headers=headers)
            assert answer.status_code == 401
            assert answer.json()["error"]["errorCode"] == "UnauthorizedError"
        answer = await http.post(HUB + "/negotiate", params={"access_token": "wrong"})
        assert answer.status_code == 401
    for query in ("", "?access_token=wrong"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(ws_url(server.url) + HUB + query, open_timeout=WAIT)
        assert refused.value.response.status_code == 401
        assert b"UnauthorizedError" in refused.value.response.body


async def test_a_connection_token_is_single_use_and_expires(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(negotiate_ttl=1.0))
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
        first = (await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})).json()
        second = (await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})).json()
    base = ws_url(server.url) + HUB + "?id="
    async with connect(base + first["connectionToken"], additional_headers=headers):
        with pytest.raises(InvalidStatus) as reused:
            await connect(base + first["connectionToken"], additional_headers=headers)
        assert reused.value.response.status_code == 404
    negotiated = time.monotonic()
    await until(lambda: time.monotonic() > negotiated + 1.1)
    with pytest.raises(InvalidStatus) as expired:
        await connect(base + second["connectionToken"], additional_headers=headers)
    assert expired.value.response.status_code == 404


async def test_a_live_connection_outlasts_its_expired_token(server_factory: Factory) -> None:
    server = server_factory(approve_pins=True, access_token_ttl=1.0)
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        pin = (await anonymous.post("/api/pin/create", params={"api-version": "3.2"})).json()
        tokens = (
            await anonymous.post(
                "/token",
                data={
                    "client_id": "OpenApi",
                    "grant_type": "authorization_code",
                    "code": pin["secret"],
                },
            )
        ).json()
    access = tokens["access_token"]
    client = await CoreClient.open(server, access, via="query")
    issued = time.monotonic()
    await until(lambda: time.monotonic() > issued + 1.1)
    assert (await rest(server, "GET", "current", token=access)).status_code == 401
    with pytest.raises(InvalidStatus):  # a new connection needs a valid token
        await CoreClient.open(server, access, negotiate=False)
    started = await client.result("startTracking", {"timeZone": 0, "remark": "still mine"})
    assert kind(started) is TrackingStateKind.TRACKING
    await client.close()


# --- pushes -------------------------------------------------------------------------------------


async def test_the_servers_clock_pushes_the_check_and_the_stop(server_factory: Factory) -> None:
    server = server_factory(activity_check_interval=0.5, activity_check_wait=0.5)
    client = await CoreClient.open(server)
    watcher = await CoreClient.open(server)  # another connection of the same user
    await client.result("startTracking", {"timeZone": 0, "tfsId": 1201})
    for each in (client, watcher):
        checking = await each.push_where(lambda s: kind(s) is TrackingStateKind.ACTIVITY_CHECK)
        assert state(checking).track.check_running
        stopped = state(
            await each.push_where(lambda s: kind(s) is TrackingStateKind.CLIENT_INPUT_REQUIRED)
        )
        assert stopped.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
        assert stopped.timestamp > state(checking).timestamp
    await client.close()
    await watcher.close()


async def test_rest_changes_are_pushed_in_order(server_factory: Factory) -> None:
    server = server_factory()
    client = await CoreClient.open(server)
    answers = []
    for remark in ("one", "two", "three"):
        answer = await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": remark})
        answers.append(answer.json())
    answers.append((await rest(server, "POST", "stopTracking")).json())
    for answer in answers:
        assert same_state(await client.push(), answer)
    await client.close()


# --- keep-alive and limits ----------------------------------------------------------------------


async def test_pings_and_the_client_timeout(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(keep_alive_interval=0.2, client_timeout=0.8))
    client = await CoreClient.open(server)
    assert await client.record() == {"type": 6}
    assert await client.record() == {"type": 6}
    # The client said nothing since the handshake: the server gives up on it.
    close = await client.message()
    assert close["type"] == 7 and "timeout" in close["error"]
    with pytest.raises(ConnectionClosed):
        await client.record()


async def test_a_talking_client_is_kept(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(keep_alive_interval=0.1, client_timeout=1.0))
    client = await CoreClient.open(server)
    for _ in range(15):  # 1.5 s, longer than the timeout
        await client.send({"type": 6})
        await asyncio.sleep(0.1)  # the client's own ping rhythm is what is under test
    assert await client.result("ping") == "pong"
    await client.close()


async def test_handshake_deadline(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(handshake_timeout=0.3))
    client = await CoreClient.open(server, handshake=False)
    answer = await client.record()
    assert "handshake" in answer["error"].lower()
    with pytest.raises(ConnectionClosed):
        await client.record()
    assert hub_of(server.app).registry.count() == 0


async def test_unsupported_protocol_is_refused_in_the_handshake(server_factory: Factory) -> None:
    server = server_factory()
    client = await CoreClient.open(server, handshake=False)
    await client.ws.send('{"protocol":"messagepack","version":1}' + RS)
    assert "messagepack" in (await client.record())["error"]


async def test_an_oversized_message_closes_the_connection(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(max_message_size=4096))
    client = await CoreClient.open(server)
    await client.send({"type": 1, "target": "searchByQuery", "arguments": [{"query": "x" * 5000}]})
    close = await client.message()
    assert close["type"] == 7 and "larger than 4096" in close["error"]
    with pytest.raises(ConnectionClosed) as closed:
        await client.record()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_connection_limits(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(max_connections=3, max_connections_per_user=2))
    first = await CoreClient.open(server)
    second = await CoreClient.open(server, negotiate=False)
    async with httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}
    ) as http:
        refused = await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})
    assert refused.status_code == 429
    assert refused.json()["error"]["errorCode"] == "QuoteExceededError"
    assert refused.headers["retry-after"]
    with pytest.raises(InvalidStatus) as direct:
        await CoreClient.open(server, negotiate=False)
    assert direct.value.response.status_code == 429
    await first.close()
    await until(lambda: hub_of(server.app).registry.count() == 1)
    third = await CoreClient.open(server)
    assert await third.result("ping") == "pong"
    await second.close()
    await third.close()


async def test_a_slow_consumer_is_dropped_without_delaying_the_others(
    server_factory: Factory,
) -> None:
    server = server_factory(hub=HubConfig(send_queue=16))
    fast = await CoreClient.open(server)
    # A client that stops reading: a tiny receive buffer and no reads fill the server's
    # socket, then its queue.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: the window
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", server.port))
    slow_ws = await connect(
        f"{ws_url(server.url)}{HUB}?access_token={TOKEN}", sock=sock, max_queue=1, close_timeout=0.1
    )
    await slow_ws.send('{"protocol":"json","version":1}' + RS)
    registry = hub_of(server.app).registry
    assert registry.count() == 2
    await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": "r"})
    assert (await fast.push())["timestamp"]
    for _ in range(500):
        # Big states that do not compress (permessage-deflate) fill the slow socket sooner.
        remark = secrets.token_hex(50_000)
        answer = await rest(server, "POST", "adjust", json={"remark": remark})
        assert answer.status_code == 200
        pushed = await fast.push(timeout=2.0)  # the fast client is never held up
        assert same_state(pushed, answer.json())
        if registry.count() == 1:
            break
    assert registry.count() == 1, "the slow consumer was not dropped"
    await fast.close()
    await slow_ws.close()


async def test_a_change_made_outside_the_servers_loop_is_pushed(server_factory: Factory) -> None:
    # The engine calls its listeners in the thread of the change; here the test's thread.
    server = server_factory()
    client = await CoreClient.open(server)
    engine = hub_of(server.app).services.engine
    started = await asyncio.to_thread(engine.start, 0, 1201, None, None, None)
    assert (await client.push())["timestamp"] == started.timestamp
    await client.close()


async def test_many_calls_at_once_are_all_answered(server_factory: Factory) -> None:
    # Replies wait for room in the connection's queue (the client is slowed, not dropped) and
    # leave room for the pushes the calls cause; calls sent with the handshake count too.
    server = server_factory(hub=HubConfig(send_queue=16))
    await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": "start"})
    client = await CoreClient.open(server, handshake=False)
    calls = "".join(
        json.dumps(
            {
                "type": 1,
                "invocationId": str(n),
                "target": "adjust",
                "arguments": [{"remark": f"{n}"}],
            }
        )
        + RS
        for n in range(100)
    )
    await client.ws.send('{"protocol":"json","version":1}' + RS + calls)
    assert await client.record() == {}
    answered = [await client.message() for _ in range(200)]
    completions = [a for a in answered if a["type"] == 3]
    assert [c["invocationId"] for c in completions] == [str(n) for n in range(100)]
    assert [p["track"]["remark"] for p in client.pushes] == [str(n) for n in range(100)]
    assert hub_of(server.app).registry.count() == 1
    await client.close()
