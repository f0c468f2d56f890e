"""Classic ASP.NET SignalR 2.x over WebSockets, as its JavaScript and .NET clients speak it.

`GET negotiate?clientProtocol=…&connectionData=[{"name":"trackinghub"}]` → connection token;
WebSocket `connect?transport=webSockets&connectionToken=…` → init `{"C":…,"S":1,"M":[]}`;
`GET start` → `{"Response":"started"}`. Client invocations `{"H","M","A","I"}` are answered
`{"I","R"}` or `{"I","E","H":true,"D"}`; pushes arrive as `{"C","M":[{"H","M","A"}]}`; the
server sends `{}` as keep-alive. A dropped connection may `reconnect` with its token within
DisconnectTimeout; `abort` ends it for good.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from app.server.errors import (
    API_VERSION_ERROR,
    ENTITY_NOT_FOUND,
    QUOTA_EXCEEDED,
    ApiProblem,
    bad_request,
    error_response,
    not_found,
)
from app.server.hub.access import authenticate, deny
from app.server.hub.dispatch import HubError
from app.server.hub.links import Link
from app.server.hub.registry import PUSH_METHOD, Connection, LimitReached
from app.server.hub.service import RETRY_AFTER, Hub, limit_response
from app.server.hub.session import CLOSE_POLICY, CLOSE_TOO_BIG, Closing, Session

log = logging.getLogger("app.server.hub")

HUB_NAME = "trackinghub"  # matched ignoring case, as classic clients lower-case it
PROTOCOLS = ("1.2", "1.3", "1.4", "1.5", "2.0", "2.1")  # what SignalR 2.x servers accept
CONNECTION_TIMEOUT = 110.0  # long polling's; sent because clients expect the field
TRANSPORT_CONNECT_TIMEOUT = 5.0
WEBSOCKETS = "webSockets"


def _hub_names(conn: HTTPConnection) -> list[str]:
    raw = conn.query_params.get("connectionData")
    example = '[{"name":"trackinghub"}]'
    if raw is None:
        raise bad_request(f"connectionData is missing; this server has one hub: {example}.")
    try:
        data = json.loads(raw)
        names = [str(hub["name"]) for hub in data]
    except (ValueError, TypeError, KeyError):
        raise bad_request(f"connectionData must be a JSON list such as {example}.") from None
    unknown = [name for name in names if name.lower() != HUB_NAME]
    if unknown or not names:
        raise ApiProblem(
            404,
            ENTITY_NOT_FOUND,
            f"'{(unknown or [''])[0][:100]}' Hub could not be resolved; this server has one hub: "
            f"{example}.",
        )
    return names


def _protocol(conn: HTTPConnection) -> str:
    version = conn.query_params.get("clientProtocol", "")
    if version not in PROTOCOLS:
        raise bad_request(
            f"clientProtocol {version!r} is not supported; use one of {', '.join(PROTOCOLS)}."
        )
    return version


def _prefix(request: Request) -> str:
    return request.url.path.rpartition("/")[0]


async def negotiate(hub: Hub, request: Request) -> Response:
    try:
        user = authenticate(hub.services, request)
        version = _protocol(request)
        names = _hub_names(request)
        negotiation = hub.registry.negotiate(user, "classic")
    except ApiProblem as problem:
        return error_response(problem.status, problem.code, problem.message, problem.headers)
    except LimitReached as limit:
        return limit_response(str(limit))
    negotiation.hub_name = names[0]
    config = hub.config
    return JSONResponse(
        {
            "Url": _prefix(request),
            "ConnectionToken": negotiation.token,
            "ConnectionId": negotiation.connection_id,
            "KeepAliveTimeout": 2 * config.classic_keep_alive,
            "DisconnectTimeout": config.classic_disconnect_timeout,
            "ConnectionTimeout": CONNECTION_TIMEOUT,
            "TryWebSockets": True,
            "ProtocolVersion": version,
            "TransportConnectTimeout": TRANSPORT_CONNECT_TIMEOUT,
            "LongPollDelay": 0.0,
        }
    )


def _renderer(link: Link) -> Any:
    hub_name = json.dumps(link.negotiation.hub_name)
    prefix = link.negotiation.connection_id[:8]

    def render(state_json: str) -> str:
        link.cursor += 1
        return (
            f'{{"C":"d-{prefix},{link.cursor}","M":[{{"H":{hub_name},'
            f'"M":"{PUSH_METHOD}","A":[{state_json}]}}]}}'
        )

    return render


async def connect(hub: Hub, ws: WebSocket) -> None:
    await _transport(hub, ws, reconnect=False)


async def reconnect(hub: Hub, ws: WebSocket) -> None:
    await _transport(hub, ws, reconnect=True)


async def _transport(hub: Hub, ws: WebSocket, *, reconnect: bool) -> None:
    links = hub.classic
    token = ws.query_params.get("connectionToken")
    try:
        if ws.query_params.get("transport") != WEBSOCKETS:
            raise bad_request("This server offers only the webSockets transport.")
        if reconnect:
            # A reconnect continues a connection that was authenticated when it began: its
            # token may have expired meanwhile (7pace: valid until it disconnects).
            link = links.get(token)
            user = link.negotiation.user
        else:
            user = authenticate(hub.services, ws)
            negotiation = hub.registry.claim(token or "", "classic")
            if negotiation is None or negotiation.user != user:
                raise not_found(
                    "No negotiation with that connectionToken: it is unknown, used or expired; "
                    "negotiate again."
                )
            link = Link(negotiation)
        names = _hub_names(ws)
        if names[0].lower() != link.negotiation.hub_name.lower():
            raise bad_request("connectionData differs from the one negotiated.")
        connection = hub.registry.open(
            link.negotiation.connection_id, user, "classic", _renderer(link)
        )
        if not reconnect:  # kept only once connected: a refused connect leaves nothing behind
            links.purge()
            links.links[link.negotiation.token] = link
    except ApiProblem as problem:
        await deny(ws, problem.status, problem.code, problem.message, problem.headers)
        return
    except LimitReached as limit:
        await deny(ws, 429, QUOTA_EXCEEDED, str(limit), {"Retry-After": str(RETRY_AFTER)})
        return
    link.connection, link.dropped_at = connection, None
    await ws.accept()
    try:
        await ClassicSession(ws, connection, hub, link, init=not reconnect).run()
    finally:
        if link.connection is connection:
            link.connection = None
            link.dropped_at = time.monotonic()


async def start(hub: Hub, request: Request) -> Response:
    try:
        link = hub.classic.get(request.query_params.get("connectionToken"))
    except ApiProblem as problem:
        return error_response(problem.status, problem.code, problem.message)
    if link.connection is None:
        return error_response(
            400, API_VERSION_ERROR, "start needs the connection's transport to be connected first."
        )
    return JSONResponse({"Response": "started"})


async def abort(hub: Hub, request: Request) -> Response:
    token = request.query_params.get("connectionToken")
    link = hub.classic.links.pop(token or "", None)
    if link is not None and link.connection is not None:
        link.connection.close("aborted by the client")
    return Response(status_code=200)


async def ping(hub: Hub, request: Request) -> Response:
    return JSONResponse({"Response": "pong"})


async def other_transport(hub: Hub, request: Request) -> Response:
    """HTTP on connect/reconnect/send/poll: the transports this server does not offer."""
    return error_response(
        400,
        API_VERSION_ERROR,
        "This server offers only the webSockets transport: connect with "
        "transport=webSockets over a WebSocket.",
    )


class ClassicSession(Session):
    def __init__(
        self, ws: WebSocket, connection: Connection, hub: Hub, link: Link, *, init: bool
    ) -> None:
        super().__init__(ws, connection, hub.dispatcher, hub.config.max_message_size)
        self.keep_alive = hub.config.classic_keep_alive
        self.client_timeout = None  # classic clients need not send anything
        self.link = link
        self.init = init

    def keep_alive_frame(self) -> str:
        return "{}"

    async def open(self) -> None:
        if self.init:
            prefix = self.link.negotiation.connection_id[:8]
            await self.ws.send_text(f'{{"C":"d-{prefix},{self.link.cursor}","S":1,"M":[]}}')
            self.connection.last_sent = time.monotonic()

    async def on_text(self, text: str) -> None:
        if self.too_big(text):
            raise Closing(
                CLOSE_TOO_BIG, f"A message is larger than {self.max_message} bytes, the limit."
            )
        try:
            message = json.loads(text)
        except (ValueError, RecursionError):
            raise Closing(CLOSE_POLICY, "A message is not valid JSON.") from None
        if not isinstance(message, dict):
            raise Closing(CLOSE_POLICY, "A message must be a JSON object.")
        if "M" not in message:
            return  # `{}`: some clients' keep-alive
        invocation_id = message.get("I")
        hub_name = message.get("H")
        try:
            if not isinstance(hub_name, str) or hub_name.lower() != HUB_NAME:
                raise HubError(
                    ENTITY_NOT_FOUND, f"'{str(hub_name)[:100]}' Hub could not be resolved.", 404
                )
            result = self.dispatcher.invoke(message.get("M"), message.get("A", []))
        except HubError as error:
            if invocation_id is not None:
                await self._answer(
                    {"I": str(invocation_id), "E": str(error), "H": True, "D": error.detail()}
                )
            return
        if invocation_id is not None:
            await self._answer({"I": str(invocation_id), "R": result})

    async def _answer(self, message: dict[str, Any]) -> None:
        await self.connection.answer(json.dumps(message, separators=(",", ":"), ensure_ascii=False))
