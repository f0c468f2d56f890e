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


_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
_CORE_ERROR = {  # ASP.NET Core's negotiate refuses with {"error": "..."}
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}},
                "required": ["error"],
            }
        }
    }
}
_JSON_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}
# The bearer token in the header, or in the access_token query parameter for clients that
# cannot set headers (browsers' WebSockets): either satisfies negotiate.
SECURITY_SCHEMES = {"accessToken": {"type": "apiKey", "in": "query", "name": "access_token"}}
_HUB_AUTH: list[dict[str, list[str]]] = [{"bearer": []}, {"accessToken": []}]
# Every hub path besides its own answers: a body over the limit (app/server/limits.py), and
# the fault switch's 429 and 500 (tests only).
_ALWAYS = {
    "413": {"description": "Request body over 1 MiB (RequestTooLarge)", **_ERROR},
    "429": {"description": "Too many requests (QuoteExceededError; see Retry-After)", **_ERROR},
    "500": {"description": "Server error (UnexpectedError)", **_ERROR},
}
_CONNECTION_TOKEN = {
    "name": "connectionToken",
    "in": "query",
    "required": True,
    "description": "the token negotiate answered",
    "schema": {"type": "string"},
}
# What `classic._hub_names` accepts: a JSON list naming only this hub (any case).
_CONNECTION_DATA = {
    "name": "connectionData",
    "in": "query",
    "required": True,
    "description": 'the hubs to use, as JSON: [{"name":"trackinghub"}]',
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {
                            "type": "string",
                            "pattern": "^"
                            + "".join(f"[{c.upper()}{c}]" for c in classic.HUB_NAME)
                            + "$",
                        }
                    },
                    "required": ["name"],
                },
            }
        }
    },
}


def _core_negotiate() -> dict[str, Any]:
    version = core.NEGOTIATE_VERSION
    return {
        "security": _HUB_AUTH,
        "parameters": [
            {
                "name": version.name,
                "in": "query",
                "required": False,
                "description": version.description,
                "schema": version.schema(),
            }
        ],
        "responses": {
            "200": {"description": "A connection token for the WebSocket", **_JSON_OBJECT},
            "400": {"description": "A malformed negotiateVersion", **_CORE_ERROR},
            "401": {"description": "Unauthorized (UnauthorizedError)", **_ERROR},
            "413": _ALWAYS["413"],
            "429": {
                "description": "Too many requests or a hub limit (QuoteExceededError; see "
                "Retry-After)",
                **_ERROR,
            },
            "500": _ALWAYS["500"],
        },
    }


def _classic_negotiate() -> dict[str, Any]:
    return {
        "security": _HUB_AUTH,
        "parameters": [
            {
                "name": "clientProtocol",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "enum": list(classic.PROTOCOLS)},
            },
            _CONNECTION_DATA,
        ],
        "responses": {
            "200": {"description": "A connection token for connect", **_JSON_OBJECT},
            "400": {"description": "A malformed clientProtocol or connectionData", **_ERROR},
            "401": {"description": "Unauthorized (UnauthorizedError)", **_ERROR},
            "404": {"description": "A hub this server does not have (EntityNotFound)", **_ERROR},
            "413": _ALWAYS["413"],
            "429": {
                "description": "Too many requests or a hub limit (QuoteExceededError; see "
                "Retry-After)",
                **_ERROR,
            },
            "500": _ALWAYS["500"],
        },
    }


def _classic_start() -> dict[str, Any]:
    return {
        "security": [],  # the connection token is the authority
        "parameters": [_CONNECTION_TOKEN],
        "responses": {
            "200": {"description": '{"Response":"started"}', **_JSON_OBJECT},
            "400": {"description": "The connection's WebSocket is not open yet", **_ERROR},
            "404": {"description": "An unknown or expired connectionToken", **_ERROR},
            **_ALWAYS,
        },
    }


def _classic_abort() -> dict[str, Any]:
    return {
        "security": [],
        "parameters": [_CONNECTION_TOKEN | {"required": False}],
        "responses": {
            "200": {"description": "Ended (an unknown token ends nothing); no body"},
            **_ALWAYS,
        },
    }


def _classic_ping() -> dict[str, Any]:
    return {
        "security": [],
        "parameters": [],
        "responses": {"200": {"description": '{"Response":"pong"}', **_JSON_OBJECT}, **_ALWAYS},
    }


# The HTTP calls the document describes; the others answer 400 to every request (classic HTTP
# transports, not offered) and so are no operations a client could use: they are named in
# the tag's description instead.
_OPERATIONS: dict[HttpHandler, Callable[[], dict[str, Any]]] = {
    core.negotiate: _core_negotiate,
    classic.negotiate: _classic_negotiate,
    classic.start: _classic_start,
    classic.abort: _classic_abort,
    classic.ping: _classic_ping,
}
NOT_OFFERED = {(method, path) for method, path, handler, _ in HTTP if handler not in _OPERATIONS}
TAG_DESCRIPTION = (
    "The SignalR hub's HTTP calls (ASP.NET Core and classic); its WebSockets have no OpenAPI "
    "form. The classic HTTP transports (connect, reconnect, poll and send over plain HTTP) "
    "are not offered: every request to them answers 400 ApiVersionError."
)


def openapi_paths() -> dict[str, dict[str, Any]]:
    """The hub's HTTP calls for /api/openapi.json (the WebSockets have no OpenAPI form)."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path, handler, summary in HTTP:
        describe = _OPERATIONS.get(handler)
        if describe is None:
            continue
        operation_id = method.lower() + path.replace("/", "_").replace(".", "_")
        paths.setdefault(path, {})[method.lower()] = {
            "summary": summary,
            "tags": [TAG],
            "operationId": operation_id,
            **describe(),
        }
    return paths
