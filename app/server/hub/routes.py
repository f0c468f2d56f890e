"""The hub's routes. Both protocols share `/signalr/trackingHub/v3.2`, told apart as the
protocols themselves do: ASP.NET Core negotiates with POST and connects its WebSocket at the hub
path itself; classic ASP.NET SignalR negotiates with GET (`clientProtocol`, `connectionData`)
and uses the `connect`, `reconnect`, `start`, `abort` and `ping` sub-paths, which are also
served under `/signalr`, the classic clients' default connection URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from app.server.hub import classic, core
from app.server.hub.service import Hub

HUB_PATH = "/signalr/trackingHub/v3.2"
CLASSIC_PREFIXES = (HUB_PATH, "/signalr")  # the second: classic clients' default URL
TAG = "signalr"

HttpHandler = Callable[[Hub, Request], Awaitable[Response]]
WsHandler = Callable[[Hub, WebSocket], Awaitable[None]]

# (method, path, handler, summary): the HTTP side, for the router and /api/openapi.json alike.
HTTP: list[tuple[str, str, HttpHandler, str]] = [
    (
        "POST",
        HUB_PATH + "/negotiate",
        core.negotiate,
        "ASP.NET Core SignalR negotiate (?negotiateVersion=1): a connection token for the "
        "WebSocket at the hub path.",
    ),
]
WEBSOCKETS: list[tuple[str, WsHandler]] = [(HUB_PATH, core.connect)]
for _prefix in CLASSIC_PREFIXES:
    HTTP += [
        (
            "GET",
            _prefix + "/negotiate",
            classic.negotiate,
            "Classic ASP.NET SignalR negotiate (?clientProtocol=1.5&connectionData="
            '[{"name":"trackinghub"}]): a connection token for connect.',
        ),
        (
            "GET",
            _prefix + "/start",
            classic.start,
            'Classic SignalR start (?connectionToken=…): {"Response":"started"}.',
        ),
        ("POST", _prefix + "/abort", classic.abort, "Classic SignalR abort: ends the connection."),
        ("GET", _prefix + "/ping", classic.ping, 'Classic SignalR ping: {"Response":"pong"}.'),
    ]
    HTTP += [
        (
            method,
            _prefix + "/" + name,
            classic.other_transport,
            "Classic SignalR HTTP transports: not offered (400); use the webSockets transport.",
        )
        for name, method in (("connect", "GET"), ("reconnect", "GET"), ("poll", "POST"))
    ]
    HTTP.append(
        (
            "POST",
            _prefix + "/send",
            classic.other_transport,
            "Classic SignalR send (HTTP transports): not offered (400).",
        )
    )
    WEBSOCKETS += [
        (_prefix + "/connect", classic.connect),
        (_prefix + "/reconnect", classic.reconnect),
    ]


def hub_routes(hub: Hub) -> list[BaseRoute]:
    def http(handler: HttpHandler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            return await handler(hub, request)

        return run

    def ws(handler: WsHandler) -> Callable[[WebSocket], Awaitable[None]]:
        async def run(websocket: WebSocket) -> None:
            await handler(hub, websocket)

        return run

    by_path: dict[str, dict[str, HttpHandler]] = {}
    for method, path, handler, _ in HTTP:
        by_path.setdefault(path, {})[method] = handler
    routes: list[BaseRoute] = []
    for path, handlers in by_path.items():
        if len(handlers) == 1:
            [(method, handler)] = handlers.items()
            routes.append(Route(path, http(handler), methods=[method]))
        else:  # negotiate: POST is ASP.NET Core, GET is classic
            chosen = {m: http(h) for m, h in handlers.items()}

            async def by_method(
                request: Request, chosen: dict[str, Callable[..., Any]] = chosen
            ) -> Response:
                response: Response = await chosen[request.method](request)
                return response

            routes.append(Route(path, by_method, methods=list(handlers)))
    routes += [WebSocketRoute(path, ws(handler)) for path, handler in WEBSOCKETS]
    return routes


def openapi_paths() -> dict[str, dict[str, Any]]:
    """The hub's HTTP calls for /api/openapi.json (the WebSockets have no OpenAPI form)."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, _, summary in HTTP:
        operation_id = method.lower() + path.replace("/", "_").replace(".", "_")
        paths.setdefault(path, {})[method.lower()] = {
            "summary": summary,
            "tags": [TAG],
            "operationId": operation_id,
            "parameters": [
                {
                    "name": "access_token",
                    "in": "query",
                    "required": False,
                    "description": "the bearer token, for clients that cannot set headers",
                    "schema": {"type": "string"},
                }
            ],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "401": {"description": "Unauthorized (UnauthorizedError)"},
                "429": {"description": "A hub limit was reached (QuoteExceededError)"},
            },
        }
    return paths
