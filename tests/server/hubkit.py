"""Wire-level hub clients for the tests, written from Microsoft's protocol descriptions:
ASP.NET Core SignalR (JSON hub protocol, records ending in 0x1E) and classic ASP.NET SignalR 2.x
(negotiate/connect/start, `{"H","M","A","I"}`), both over `websockets` and httpx."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from app.api.models import (
    LatestResult,
    SearchResult,
    Track,
    TrackingState,
    TrackingStateKind,
)
from app.server.runner import ServerThread

from .conftest import TOKEN

HUB = "/signalr/trackingHub/v3.2"
RS = "\x1e"
WAIT = 10.0  # seconds any single expected message may take on a loaded machine


# Every hub method with arguments in the REST bodies' shapes, in an order that works.
EVERY_CALL: list[tuple[str, list[Any]]] = [
    ("current", [True]),
    ("selected", [{"tfsId": 1201, "remark": "hub"}]),
    ("latest", [5]),
    ("startTracking", [{"timeZone": 60, "tfsId": 1201}]),
    ("adjust", [{"remark": "via the hub"}]),
    ("activityCheck", []),  # no check is running: answers with a warning, as REST does
    ("idleCheck", [1]),
    ("search", [1201]),
    ("searchByQuery", [{"query": "login"}]),
    ("stopTracking", [0]),
    ("ping", []),
]


def state(data: Any) -> TrackingState:
    return TrackingState.from_wire(data)


def kind(data: Any) -> TrackingStateKind:
    return state(data).track.tracking_state


def same_state(pushed: dict[str, Any], answered: dict[str, Any]) -> bool:
    """A push carries what `current` answers (with `settings`); a call's answer is the same
    state, perhaps without them. Lengths are left out: each is computed at its own instant."""

    def fixed(track: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in track.items() if not k.endswith("Length")}

    return pushed["timestamp"] == answered["timestamp"] and fixed(pushed["track"]) == fixed(
        answered["track"]
    )


def check_every_result(results: dict[str, Any]) -> None:
    """The answers to EVERY_CALL mean what the REST answers mean."""
    assert state(results["current"]).settings is not None  # current(true) expands
    assert Track.from_wire(results["selected"]).tfs_id == 1201
    LatestResult.from_wire(results["latest"])
    started = state(results["startTracking"])
    assert started.track.tracking_state is TrackingStateKind.TRACKING
    assert started.track.tfs_id == 1201
    assert state(results["adjust"]).track.remark == "via the hub"
    assert kind(results["activityCheck"]) is TrackingStateKind.TRACKING
    assert kind(results["idleCheck"]) is TrackingStateKind.TRACKING
    [hit] = SearchResult.from_wire(results["search"]).work_items
    assert hit.work_item.id == 1201
    assert SearchResult.from_wire(results["searchByQuery"]).count >= 1
    assert kind(results["stopTracking"]) is TrackingStateKind.IDLE
    assert results["ping"] == "pong"


async def until(probe: Callable[[], Any], timeout: float = WAIT) -> Any:
    """Awaits a condition that another task fulfils (a client library's own reader)."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
    return value


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http")


def auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class _Pushes:
    """What both raw clients share: pushed states, read as `message()` collects them."""

    ws: ClientConnection
    pushes: list[dict[str, Any]]

    async def message(self, timeout: float = WAIT) -> dict[str, Any]:
        raise NotImplementedError

    async def push(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next pushed state (one already received first)."""
        while not self.pushes:
            await self.message(timeout)
        return self.pushes.pop(0)

    async def push_where(
        self, check: Callable[[dict[str, Any]], bool], timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first pushed state that passes `check`, skipping earlier ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            state = await self.push(max(0.01, deadline - loop.time()))
            if check(state):
                return state

    async def close(self) -> None:
        await self.ws.close()


class CoreClient(_Pushes):
    """A raw ASP.NET Core SignalR client: every received record is kept in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._buffer = ""
        self._records: list[dict[str, Any]] = []
        self.pushes: list[dict[str, Any]] = []  # states from trackingStateChanged, in order
        self._next_id = 0

    @classmethod
    async def open(
        cls,
        server: ServerThread,
        token: str | None = TOKEN,
        *,
        via: str = "header",
        negotiate: bool = True,
        handshake: bool = True,
        **connect_options: Any,
    ) -> CoreClient:
        """Negotiates (unless told not to), connects and shakes hands."""
        query: dict[str, str] = {}
        headers = auth_headers(token) if via == "header" else {}
        if via == "query" and token:
            query["access_token"] = token
        if negotiate:
            async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
                answer = await http.post(
                    HUB + "/negotiate", params={**query, "negotiateVersion": "1"}
                )
            assert answer.status_code == 200, answer.text
            query["id"] = answer.json()["connectionToken"]
        url = ws_url(server.url) + HUB + ("?" + urllib.parse.urlencode(query) if query else "")
        ws = await connect(url, additional_headers=headers, open_timeout=WAIT, **connect_options)
        client = cls(ws)
        if handshake:
            await ws.send('{"protocol":"json","version":1}' + RS)
            assert await client.record() == {}
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message) + RS)

    async def record(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next record of any type (pings included)."""
        while not self._records:
            frame = await asyncio.wait_for(self.ws.recv(), timeout)
            self._buffer += frame if isinstance(frame, str) else frame.decode()
            *complete, self._buffer = self._buffer.split(RS)
            self._records += [json.loads(r) for r in complete if r]
        return self._records.pop(0)

    async def message(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next record that is not a ping; pushes are also kept in `pushes`."""
        while True:
            record = await self.record(timeout)
            if record.get("type") == 6:
                continue
            if record.get("type") == 1 and record.get("target") == "trackingStateChanged":
                self.pushes.append(record["arguments"][0])
            return record

    async def invoke(self, target: str, *arguments: Any) -> dict[str, Any]:
        """Invokes and returns the completion record; pushes on the way are kept."""
        self._next_id += 1
        invocation_id = str(self._next_id)
        await self.send(
            {"type": 1, "invocationId": invocation_id, "target": target, "arguments": arguments}
        )
        while True:
            record = await self.message()
            if record.get("type") == 3 and record.get("invocationId") == invocation_id:
                return record

    async def result(self, target: str, *arguments: Any) -> Any:
        completion = await self.invoke(target, *arguments)
        assert "error" not in completion, completion
        return completion.get("result")


async def rest(
    server: ServerThread, method: str, call: str, token: str = TOKEN, **kwargs: Any
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers=auth_headers(token)) as http:
        return await http.request(
            method,
            "/api/tracking/client/" + call,
            params={"api-version": "3.2", **kwargs.pop("params", {})},
            **kwargs,
        )


CONNECTION_DATA = json.dumps([{"name": "trackingHub"}])


class ClassicClient(_Pushes):
    """A raw classic ASP.NET SignalR 2.x client over WebSockets."""

    def __init__(self, ws: ClientConnection, server: ServerThread, prefix: str) -> None:
        self.ws = ws
        self.server = server
        self.prefix = prefix
        self.negotiated: dict[str, Any] = {}
        self.init: dict[str, Any] = {}
        self.pushes: list[dict[str, Any]] = []  # states from trackingStateChanged, in order
        self.hub_names: list[str] = []  # the H of every push
        self.keep_alives = 0
        self._next_id = -1

    @staticmethod
    async def negotiate(
        server: ServerThread,
        token: str | None = TOKEN,
        *,
        via: str = "header",
        prefix: str = HUB,
        connection_data: str = CONNECTION_DATA,
    ) -> httpx.Response:
        params = {"clientProtocol": "1.5", "connectionData": connection_data}
        if via == "query" and token:
            params["access_token"] = token
        headers = auth_headers(token) if via == "header" else {}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
            return await http.get(prefix + "/negotiate", params=params)

    @classmethod
    async def open(
        cls,
        server: ServerThread,
        token: str | None = TOKEN,
        *,
        via: str = "header",
        prefix: str = HUB,
        start: bool = True,
        **connect_options: Any,
    ) -> ClassicClient:
        answer = await cls.negotiate(server, token, via=via, prefix=prefix)
        assert answer.status_code == 200, answer.text
        negotiated = answer.json()
        ws = await cls.connect_ws(
            server, negotiated["ConnectionToken"], token, via=via, prefix=prefix, **connect_options
        )
        client = cls(ws, server, prefix)
        client.negotiated = negotiated
        client.init = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        assert client.init["S"] == 1 and client.init["M"] == []
        if start:
            assert (await client.command("GET", "start")).json() == {"Response": "started"}
        return client

    @staticmethod
    async def connect_ws(
        server: ServerThread,
        connection_token: str,
        token: str | None = TOKEN,
        *,
        via: str = "header",
        prefix: str = HUB,
        command: str = "connect",
        **connect_options: Any,
    ) -> ClientConnection:
        query = {
            "transport": "webSockets",
            "clientProtocol": "1.5",
            "connectionToken": connection_token,
            "connectionData": CONNECTION_DATA,
        }
        if via == "query" and token:
            query["access_token"] = token
        url = f"{ws_url(server.url)}{prefix}/{command}?{urllib.parse.urlencode(query)}"
        headers = auth_headers(token) if via == "header" else {}
        return await connect(url, additional_headers=headers, open_timeout=WAIT, **connect_options)

    async def command(self, method: str, name: str) -> httpx.Response:
        params = {
            "transport": "webSockets",
            "clientProtocol": "1.5",
            "connectionToken": self.negotiated["ConnectionToken"],
            "connectionData": CONNECTION_DATA,
        }
        async with httpx.AsyncClient(base_url=self.server.url) as http:
            return await http.request(method, f"{self.prefix}/{name}", params=params)

    async def message(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next message that is not a keep-alive; pushes are also kept in `pushes`."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message == {}:
                self.keep_alives += 1
                continue
            for hub_message in message.get("M") or []:
                if hub_message.get("M") == "trackingStateChanged":
                    self.hub_names.append(hub_message["H"])
                    self.pushes.append(hub_message["A"][0])
            return message

    async def invoke(
        self, method: str, *arguments: Any, hub: str = "trackingHub"
    ) -> dict[str, Any]:
        self._next_id += 1
        invocation_id = self._next_id
        await self.ws.send(json.dumps({"H": hub, "M": method, "A": arguments, "I": invocation_id}))
        while True:
            message = await self.message()
            if message.get("I") == str(invocation_id):
                return message

    async def result(self, method: str, *arguments: Any) -> Any:
        answer = await self.invoke(method, *arguments)
        assert "E" not in answer, answer
        return answer.get("R")
