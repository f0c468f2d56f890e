"""The hub's classic ASP.NET SignalR 2.x side against the real server (uvicorn on 127.0.0.1):
signalr-async (an independent classic client library) and a raw client written from the
protocol as Microsoft's JavaScript client speaks it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.api.models import StoppedTrackType, TrackingStateKind
from app.server.app import hub_of
from app.server.config import HubConfig
from app.server.runner import ServerThread

from .conftest import TOKEN
from .hubkit import (
    CONNECTION_DATA,
    EVERY_CALL,
    HUB,
    WAIT,
    ClassicClient,
    check_every_result,
    kind,
    rest,
    same_state,
    state,
    until,
    ws_url,
)

signalr_async = pytest.importorskip("signalr_async")
from signalr_async.exceptions import ServerInvocationException  # noqa: E402
from signalr_async.net.client import SignalRClient  # noqa: E402
from signalr_async.net.hub import SignalRHub  # noqa: E402

Factory = Callable[..., ServerThread]


def _aiohttp_compat() -> None:
    """signalr-async 3.0 writes through `WebSocketWriter.send`, which aiohttp 3.10 renamed
    to `send_frame`; the protocol it speaks is untouched by this."""
    from aiohttp.http_websocket import WebSocketWriter

    if hasattr(WebSocketWriter, "send"):
        return

    async def send(
        self: Any, message: str | bytes, binary: bool = False, compress: Any = None
    ) -> None:
        data = message.encode() if isinstance(message, str) else message
        kind = aiohttp.WSMsgType.BINARY if binary else aiohttp.WSMsgType.TEXT
        await self.send_frame(data, kind, compress)

    WebSocketWriter.send = send  # type: ignore[attr-defined]


class TrackingHub(SignalRHub):
    def __init__(self) -> None:
        super().__init__("trackingHub")
        self.pushes: list[Any] = []

        async def on_push(pushed: Any) -> None:
            self.pushes.append(pushed)

        self.on("trackingStateChanged", on_push)


@contextlib.asynccontextmanager
async def classic_library_client(
    server: ServerThread, url: str, **options: Any
) -> AsyncIterator[TrackingHub]:
    _aiohttp_compat()
    hub = TrackingHub()
    client = SignalRClient(url, [hub], reconnect_policy=False, connection_options=options)
    async with client:
        yield hub


# --- interop: signalr-async ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [HUB, "/signalr"])
async def test_signalr_async_invokes_every_method_and_receives_pushes(
    server_factory: Factory, prefix: str
) -> None:
    server = server_factory()
    options = {"extra_params": {"access_token": TOKEN}}
    async with classic_library_client(server, server.url + prefix, **options) as hub:
        results = {}
        for method, arguments in EVERY_CALL:
            results[method] = await asyncio.wait_for(hub.invoke(method, *arguments), WAIT)
        check_every_result(results)
        # Every change made through the hub was pushed, the last one last.
        await until(lambda: hub.pushes and same_state(hub.pushes[-1], results["stopTracking"]))
        stamps = [p["timestamp"] for p in hub.pushes]
        assert len(stamps) >= 4 and stamps == sorted(stamps)
        seen = len(hub.pushes)
        answer = await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": "x"})
        await until(lambda: len(hub.pushes) > seen)
        assert same_state(hub.pushes[-1], answer.json())


async def test_signalr_async_errors_carry_the_7pace_code(server_factory: Factory) -> None:
    server = server_factory()
    headers = {"headers": {"Authorization": f"Bearer {TOKEN}"}}
    async with classic_library_client(
        server, server.url + HUB, http_client_options=headers, ws_client_options=headers
    ) as hub:
        with pytest.raises(ServerInvocationException) as missing:
            await asyncio.wait_for(hub.invoke("startTracking", {"tfsId": 99999}), WAIT)
        assert str(missing.value).startswith("EntityNotFound: Work item 99999")
        with pytest.raises(ServerInvocationException) as unknown:
            await asyncio.wait_for(hub.invoke("launchRockets"), WAIT)
        assert str(unknown.value).startswith("EntityNotFound: ")
        assert await asyncio.wait_for(hub.invoke("Ping"), WAIT) == "pong"


# --- raw protocol -------------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["header", "query"])
async def test_negotiate_connect_start_and_the_answer_shapes(
    server_factory: Factory, via: str
) -> None:
    server = server_factory(hub=HubConfig(classic_keep_alive=5.0))
    client = await ClassicClient.open(server, via=via)
    negotiated = client.negotiated
    assert negotiated["Url"] == HUB
    assert negotiated["ProtocolVersion"] == "1.5"
    assert negotiated["TryWebSockets"] is True
    assert negotiated["KeepAliveTimeout"] == 10.0
    assert negotiated["DisconnectTimeout"] == 30.0
    for name in ("ConnectionId", "ConnectionTimeout", "TransportConnectTimeout", "LongPollDelay"):
        assert name in negotiated
    assert "C" in client.init
    # Method and hub names match ignoring case; results echo the id as a string.
    answer = await client.invoke("CURRENT", hub="TRACKINGHUB")
    assert answer["I"] == "0" and kind(answer["R"]) is TrackingStateKind.IDLE
    failed = await client.invoke("startTracking", {"timeZone": 0, "tfsId": 99999})
    assert failed["E"].startswith("EntityNotFound: Work item 99999")
    assert failed["H"] is True
    assert failed["D"]["errorCode"] == "EntityNotFound" and failed["D"]["statusCode"] == 404
    other_hub = await client.invoke("current", hub="otherHub")
    assert other_hub["E"].startswith("EntityNotFound: ")
    # The client's `{}` keep-alive is ignored; pushes name the hub as the client did.
    await client.ws.send("{}")
    started = await client.result("startTracking", {"timeZone": 0, "tfsId": 1201})
    assert same_state(await client.push(), started)
    assert client.hub_names == ["trackingHub"]
    await client.close()


async def test_wrong_or_missing_token_and_unknown_hub_are_refused(server_factory: Factory) -> None:
    server = server_factory()
    for token in (None, "wrong"):
        answer = await ClassicClient.negotiate(server, token)
        assert answer.status_code == 401
        assert answer.json()["error"]["errorCode"] == "UnauthorizedError"
    assert (await ClassicClient.negotiate(server, "wrong", via="query")).status_code == 401
    unknown = await ClassicClient.negotiate(server, connection_data='[{"name":"chatHub"}]')
    assert unknown.status_code == 404
    negotiated = (await ClassicClient.negotiate(server)).json()
    with pytest.raises(InvalidStatus) as refused:  # connect needs the token too
        await ClassicClient.connect_ws(server, negotiated["ConnectionToken"], "wrong")
    assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as unknown_token:
        await ClassicClient.connect_ws(server, "made-up")
    assert unknown_token.value.response.status_code == 404
    async with httpx.AsyncClient(base_url=server.url) as http:
        polling = await http.get(
            HUB + "/connect", params={"transport": "longPolling", "connectionToken": "x"}
        )
    assert polling.status_code == 400


async def test_keep_alive_abort_and_reconnect(server_factory: Factory) -> None:
    server = server_factory(hub=HubConfig(classic_keep_alive=0.1))
    client = await ClassicClient.open(server, prefix="/signalr")
    started = await client.result("startTracking", {"timeZone": 0, "remark": "a"})
    assert same_state(await client.push(), started)
    for _ in range(2):  # nothing else is due: the server's keep-alives come
        assert json.loads(await asyncio.wait_for(client.ws.recv(), WAIT)) == {}
    # The transport drops; the connection token reconnects, without a new init message.
    await client.close()
    registry = hub_of(server.app).registry
    await until(lambda: registry.count() == 0)
    token = client.negotiated["ConnectionToken"]
    client.ws = await ClassicClient.connect_ws(
        server, token, prefix="/signalr", command="reconnect"
    )
    stopped = await client.result("stopTracking")
    assert same_state(await client.push(), stopped)
    # abort ends it for good: the socket closes and the token is no longer known.
    assert (await client.command("POST", "abort")).status_code == 200
    with pytest.raises(ConnectionClosed):
        while True:
            await client.message()
    with pytest.raises(InvalidStatus):
        await ClassicClient.connect_ws(server, token, prefix="/signalr", command="reconnect")
    assert (await client.command("GET", "start")).status_code == 404


async def test_the_servers_clock_pushes_the_check_and_the_stop(server_factory: Factory) -> None:
    server = server_factory(activity_check_interval=0.5, activity_check_wait=0.5)
    client = await ClassicClient.open(server)
    await client.result("startTracking", {"timeZone": 0, "tfsId": 1201})
    checking = await client.push_where(lambda s: kind(s) is TrackingStateKind.ACTIVITY_CHECK)
    assert state(checking).track.check_running
    stopped = state(
        await client.push_where(lambda s: kind(s) is TrackingStateKind.CLIENT_INPUT_REQUIRED)
    )
    assert stopped.track.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    await client.close()


async def test_a_live_connection_outlasts_its_expired_token(server_factory: Factory) -> None:
    server = server_factory(approve_pins=True, access_token_ttl=1.0)
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        pin = (await anonymous.post("/api/pin/create", params={"api-version": "3.2"})).json()
        form = {"client_id": "OpenApi", "grant_type": "authorization_code", "code": pin["secret"]}
        access = (await anonymous.post("/token", data=form)).json()["access_token"]
    client = await ClassicClient.open(server, access, via="query")
    loop = asyncio.get_running_loop()
    issued = loop.time()
    await until(lambda: loop.time() > issued + 1.1)
    assert (await rest(server, "GET", "current", token=access)).status_code == 401
    assert (await ClassicClient.negotiate(server, access)).status_code == 401
    started = await client.result("startTracking", {"timeZone": 0, "remark": "still mine"})
    assert kind(started) is TrackingStateKind.TRACKING
    await client.close()


async def test_limits(server_factory: Factory) -> None:
    server = server_factory(
        hub=HubConfig(max_connections=2, max_negotiations=2, max_message_size=4096)
    )
    first = await ClassicClient.open(server)
    second = await ClassicClient.open(server)
    refused = await ClassicClient.negotiate(server)
    assert refused.status_code == 429
    assert refused.json()["error"]["errorCode"] == "QuoteExceededError"
    await second.close()
    await until(lambda: hub_of(server.app).registry.count() == 1)
    # Negotiations that never connect are capped as well.
    for _ in range(2):
        assert (await ClassicClient.negotiate(server)).status_code == 200
    assert (await ClassicClient.negotiate(server)).status_code == 429
    # An oversized message closes the connection (1009).
    await first.ws.send(json.dumps({"H": "trackingHub", "M": "current", "A": ["x" * 5000], "I": 1}))
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            await first.message()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_slow_consumer_is_dropped_without_delaying_the_others(
    server_factory: Factory,
) -> None:
    server = server_factory(hub=HubConfig(send_queue=16))
    fast = await ClassicClient.open(server)
    negotiated = (await ClassicClient.negotiate(server)).json()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: the window
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", server.port))
    query = httpx.QueryParams(
        transport="webSockets",
        connectionToken=negotiated["ConnectionToken"],
        connectionData=CONNECTION_DATA,
        access_token=TOKEN,
    )
    slow = await connect(
        f"{ws_url(server.url)}{HUB}/connect?{query}", sock=sock, max_queue=1, close_timeout=0.1
    )
    registry = hub_of(server.app).registry
    assert registry.count() == 2
    await rest(server, "POST", "startTracking", json={"timeZone": 0, "remark": "r"})
    await fast.push()
    for _ in range(500):
        answer = await rest(server, "POST", "adjust", json={"remark": secrets.token_hex(50_000)})
        assert same_state(await fast.push(timeout=2.0), answer.json())  # never held up
        if registry.count() == 1:
            break
    assert registry.count() == 1, "the slow consumer was not dropped"
    await fast.close()
    await slow.close()


async def test_the_method_and_query_tell_the_protocols_apart(server_factory: Factory) -> None:
    server = server_factory()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
        core = await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})
        assert "connectionToken" in core.json()
        classic = await http.get(
            HUB + "/negotiate", params={"clientProtocol": "1.5", "connectionData": CONNECTION_DATA}
        )
        assert "ConnectionToken" in classic.json()
        no_version = await http.get(HUB + "/negotiate", params={"connectionData": CONNECTION_DATA})
        assert no_version.status_code == 400
        assert no_version.json()["error"]["errorCode"] == "ApiVersionError"
        assert (await http.post("/signalr/negotiate")).status_code == 405  # Core: hub path only
        assert (await http.get("/signalr/ping")).json() == {"Response": "pong"}
    # A classic token does not open a Core connection, nor the other way round.
    with pytest.raises(InvalidStatus):
        await connect(
            f"{ws_url(server.url)}{HUB}?id={classic.json()['ConnectionToken']}",
            additional_headers=headers,
        )
    with pytest.raises(InvalidStatus):
        await ClassicClient.connect_ws(server, core.json()["connectionToken"])
