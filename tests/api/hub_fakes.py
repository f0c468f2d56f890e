"""Fakes for the hub client's fault tests: what the real server cannot be made to do (send an
oversized message, redirect negotiate, have no hub at all). Everything else is tested against
the real server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

HUB = "/signalr/trackingHub/v3.2"
RS = "\x1e"


@dataclass
class FakeCoreHub:
    """A minimal ASP.NET Core SignalR hub. `on_invoke(target, args)` returns the text to send
    back (whole WebSocket message, records included), or None for a plain completion."""

    negotiate: Callable[[Request], Response] | None = None
    on_invoke: Callable[[str, str, list[Any]], str | None] | None = None
    connections: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    sockets: list[WebSocket] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(f"{HUB}/negotiate", self._negotiate, methods=["POST"]),
                WebSocketRoute(HUB, self._socket),
            ]
        )

    async def _negotiate(self, request: Request) -> Response:
        self.requests.append(request)
        if self.negotiate is not None:
            return self.negotiate(request)
        return JSONResponse(
            {
                "connectionId": "c1",
                "connectionToken": "t1",
                "negotiateVersion": 1,
                "availableTransports": [{"transport": "WebSockets", "transferFormats": ["Text"]}],
            }
        )

    async def _socket(self, ws: WebSocket) -> None:
        await ws.accept()
        self.connections += 1
        self.sockets.append(ws)
        try:
            handshake = await ws.receive_text()
            assert json.loads(handshake.rstrip(RS)) == {"protocol": "json", "version": 1}
            await ws.send_text("{}" + RS)
            self.connected.set()
            while True:
                text = await ws.receive_text()
                for record in filter(None, text.split(RS)):
                    message = json.loads(record)
                    self.received.append(message)
                    if message.get("type") != 1:
                        continue
                    iid, target = message["invocationId"], message["target"]
                    reply = (
                        self.on_invoke(iid, target, message["arguments"])
                        if self.on_invoke
                        else None
                    )
                    if reply is None:
                        reply = json.dumps({"type": 3, "invocationId": iid, "result": target}) + RS
                    await ws.send_text(reply)
        except WebSocketDisconnect:
            pass


class GateSleep:
    """Stands in for asyncio.sleep in the reconnect loop: records each delay and returns at once,
    until `calls` delays were asked for; from then on it blocks (the test inspects, then closes)."""

    def __init__(self, calls: int = 1_000_000) -> None:
        self.delays: list[float] = []
        self.calls = calls
        self.reached = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) >= self.calls:
            self.reached.set()
            await asyncio.Event().wait()  # until cancelled
        await asyncio.sleep(0)


class Listener:
    """Records what a HubClient tells its listener; `connected_event` fires on every connect."""

    def __init__(self) -> None:
        self.states: list[Any] = []
        self.messages: list[tuple[str, list[Any]]] = []
        self.connections: list[tuple[bool, str | None]] = []
        self.unavailable: list[str] = []
        self.up = asyncio.Event()
        self.down = asyncio.Event()
        self.state_event = asyncio.Event()
        self.message_event = asyncio.Event()

    def hub_state(self, state: Any) -> None:
        self.states.append(state)
        self.state_event.set()

    def hub_message(self, name: str, args: list[Any]) -> None:
        self.messages.append((name, args))
        self.message_event.set()

    def hub_connected(self, connected: bool, protocol: str | None) -> None:
        self.connections.append((connected, protocol))
        (self.up if connected else self.down).set()
        (self.down if connected else self.up).clear()

    def hub_unavailable(self, reason: str) -> None:
        self.unavailable.append(reason)

    async def wait_state(self, predicate: Callable[[Any], bool], timeout: float = 10.0) -> Any:
        """The first recorded state matching `predicate`, waiting for it if need be."""
        async with asyncio.timeout(timeout):
            while True:
                for state in self.states:
                    if predicate(state):
                        return state
                self.state_event.clear()
                await self.state_event.wait()


@dataclass
class FakeClassicHub:
    """A minimal classic SignalR 2.x hub: negotiate, connect (init message), start, abort.
    `on_invoke(message)` returns the WebSocket messages to send back (None: a plain result)."""

    keep_alive_timeout: float | None = 20.0
    on_invoke: Callable[[dict[str, Any]], list[str] | None] | None = None
    aborts: int = 0
    connections: int = 0
    sockets: list[WebSocket] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(f"{HUB}/negotiate", self._negotiate, methods=["GET"]),
                Route(f"{HUB}/start", self._start, methods=["GET"]),
                Route(f"{HUB}/abort", self._abort, methods=["POST"]),
                WebSocketRoute(f"{HUB}/connect", self._socket),
            ]
        )

    async def _negotiate(self, request: Request) -> Response:
        return JSONResponse(
            {
                "Url": "/signalr",
                "ConnectionToken": "classic-token",
                "ConnectionId": "c1",
                "KeepAliveTimeout": self.keep_alive_timeout,
                "DisconnectTimeout": 30.0,
                "TryWebSockets": True,
                "ProtocolVersion": "1.5",
            }
        )

    async def _start(self, request: Request) -> Response:
        return JSONResponse({"Response": "started"})

    async def _abort(self, request: Request) -> Response:
        self.aborts += 1
        return Response(status_code=200)

    async def _socket(self, ws: WebSocket) -> None:
        await ws.accept()
        self.connections += 1
        self.sockets.append(ws)
        try:
            await ws.send_text('{"C":"d-1","S":1,"M":[]}')
            while True:
                message = json.loads(await ws.receive_text())
                replies = self.on_invoke(message) if self.on_invoke else None
                if replies is None:
                    replies = [json.dumps({"I": message["I"], "R": message["M"]})]
                for reply in replies:
                    await ws.send_text(reply)
        except WebSocketDisconnect:
            pass
