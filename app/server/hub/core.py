"""ASP.NET Core SignalR: negotiate (POST) and the WebSocket transport with the JSON hub protocol.

Spec: dotnet/aspnetcore src/SignalR/docs/specs/TransportProtocols.md and HubProtocol.md.
Records are JSON texts ending in the record separator 0x1E; the client opens with the
handshake `{"protocol":"json","version":1}`, the server answers `{}` (or `{"error": …}`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, NoReturn

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from app.server.endpoints import QueryParam
from app.server.errors import (
    ENTITY_NOT_FOUND,
    QUOTA_EXCEEDED,
    UNEXPECTED,
    ApiProblem,
    error_response,
)
from app.server.hub.access import authenticate, deny
from app.server.hub.dispatch import HubError
from app.server.hub.registry import PUSH_METHOD, Connection, LimitReached
from app.server.hub.service import RETRY_AFTER, Hub, limit_response
from app.server.hub.session import CLOSE_POLICY, CLOSE_TOO_BIG, Closing, Session

log = logging.getLogger("app.server.hub")

RS = "\x1e"
# Declared once: it validates the query and is what the OpenAPI document states.
NEGOTIATE_VERSION = QueryParam(
    "negotiateVersion", "integer", "0 (default) or 1; higher asks for 1", minimum=0, maximum=10**9
)
INVOCATION, STREAM_ITEM, COMPLETION, STREAM_INVOCATION, CANCEL, PING, CLOSE = range(1, 8)
PING_FRAME = '{"type":6}' + RS


def _record(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False) + RS


def push_frame(state_json: str) -> str:
    return f'{{"type":1,"target":"{PUSH_METHOD}","arguments":[{state_json}]}}{RS}'


async def negotiate(hub: Hub, request: Request) -> Response:
    """`POST …/negotiate[?negotiateVersion=1]`: a connection token for the WebSocket."""
    try:
        user = authenticate(hub.services, request)
        try:
            asked = NEGOTIATE_VERSION.parse(request.query_params.get("negotiateVersion"))
        except ApiProblem as problem:  # ASP.NET Core's negotiate error shape, not 7pace's
            return JSONResponse({"error": problem.message}, 400)
        version = min(asked or 0, 1)
        # Version 0 has no separate token: the connection id is what the client sends back.
        negotiation = hub.registry.negotiate(user, "core", same_id=version == 0)
    except ApiProblem as problem:
        return error_response(problem.status, problem.code, problem.message, problem.headers)
    except LimitReached as limit:
        return limit_response(str(limit))
    answer: dict[str, Any] = {
        "negotiateVersion": version,
        "connectionId": negotiation.connection_id,
        "availableTransports": [{"transport": "WebSockets", "transferFormats": ["Text"]}],
    }
    if version >= 1:
        answer["connectionToken"] = negotiation.token
    return JSONResponse(answer)


async def connect(hub: Hub, ws: WebSocket) -> None:
    """The WebSocket at the hub path: `?id=<connectionToken>` after negotiate, or no id
    (skipNegotiation). Authenticated on this request too (header or access_token)."""
    try:
        user = authenticate(hub.services, ws)
    except ApiProblem as problem:
        await deny(ws, problem.status, problem.code, problem.message, problem.headers)
        return
    token = ws.query_params.get("id")
    if token is not None:
        negotiation = hub.registry.claim(token, "core")
        if negotiation is None or negotiation.user != user:
            await deny(
                ws,
                404,
                ENTITY_NOT_FOUND,
                "No connection with that id: it is unknown, used or expired; negotiate again.",
            )
            return
        connection_id = negotiation.connection_id
    else:
        connection_id = hub.new_connection_id()
    try:
        connection = hub.registry.open(connection_id, user, "core", push_frame)
    except LimitReached as limit:
        await deny(ws, 429, QUOTA_EXCEEDED, str(limit), {"Retry-After": str(RETRY_AFTER)})
        return
    await ws.accept()
    await CoreSession(ws, connection, hub).run()


class CoreSession(Session):
    def __init__(self, ws: WebSocket, connection: Connection, hub: Hub) -> None:
        config = hub.config
        super().__init__(ws, connection, hub.dispatcher, config.max_message_size)
        self.keep_alive = config.keep_alive_interval
        self.client_timeout = config.client_timeout
        self.handshake_timeout = config.handshake_timeout
        self._partial = ""

    def keep_alive_frame(self) -> str:
        return PING_FRAME

    def close_frame(self, error: str | None) -> str | None:
        message: dict[str, Any] = {"type": CLOSE}
        if error:
            message["error"] = error
            message["allowReconnect"] = True
        return _record(message)

    async def open(self) -> None:
        deadline = time.monotonic() + self.handshake_timeout
        while RS not in self._partial:
            left = deadline - time.monotonic()
            try:
                text = await asyncio.wait_for(self.receive_text(), max(left, 0.001))
            except TimeoutError:
                await self._refuse(f"No handshake within {self.handshake_timeout:g} s.")
            self._add(text)
        record, _, rest = self._partial.partition(RS)
        try:
            request = json.loads(record)
        except ValueError:
            await self._refuse("The handshake is not valid JSON.")
        if not isinstance(request, dict):
            await self._refuse("The handshake must be a JSON object.")
        protocol, version = request.get("protocol"), request.get("version")
        if protocol != "json":
            await self._refuse(f"The protocol {protocol!r} is not supported; use 'json'.")
        if version != 1:
            await self._refuse(f"Version {version!r} of the 'json' protocol is not supported.")
        await self.ws.send_text("{}" + RS)
        self.connection.last_sent = time.monotonic()
        self._partial = rest  # records sent with the handshake: handled by `leftovers`

    async def _refuse(self, error: str) -> NoReturn:
        await self.ws.send_text(_record({"error": error}))
        raise Closing(CLOSE_POLICY, None)

    def _add(self, text: str) -> None:
        self._partial += text
        tail = self._partial.rpartition(RS)[2]
        if self.too_big(tail):
            raise Closing(
                CLOSE_TOO_BIG, f"A message is larger than {self.max_message} bytes, the limit."
            )

    async def leftovers(self) -> None:
        await self.on_text("")

    async def on_text(self, text: str) -> None:
        self._add(text)
        *records, self._partial = self._partial.split(RS)
        for record in records:
            if self.too_big(record):
                raise Closing(
                    CLOSE_TOO_BIG, f"A message is larger than {self.max_message} bytes, the limit."
                )
            if record.strip():
                await self._on_record(record)
                await asyncio.sleep(0)  # a frame of many calls must not hold the loop

    async def _on_record(self, record: str) -> None:
        try:
            message = json.loads(record)
        except (ValueError, RecursionError):
            raise Closing(CLOSE_POLICY, "A message is not valid JSON.") from None
        if not isinstance(message, dict):
            raise Closing(CLOSE_POLICY, "A message must be a JSON object.")
        kind = message.get("type")
        if kind == INVOCATION:
            await self._invoke(message)
        elif kind == STREAM_INVOCATION:
            invocation_id = message.get("invocationId")
            await self._complete(
                invocation_id,
                error=f"{UNEXPECTED}: This hub has no streaming methods; invoke them instead.",
            )
        elif kind == CLOSE:
            raise Closing(1000, None)
        # Pings only keep the connection alive (receiving them already did); cancel, stream
        # items, completions and message types of later protocol versions are ignored.

    async def _invoke(self, message: dict[str, Any]) -> None:
        invocation_id = message.get("invocationId")
        if message.get("streamIds"):
            await self._complete(
                invocation_id, error=f"{UNEXPECTED}: Client streams are not supported."
            )
            return
        try:
            result = self.dispatcher.invoke(message.get("target"), message.get("arguments", []))
        except HubError as error:
            if invocation_id is None:
                log.info("hub: non-blocking %r failed: %s", message.get("target"), error)
            await self._complete(invocation_id, error=str(error))
            return
        await self._complete(invocation_id, result=result)

    async def _complete(
        self, invocation_id: Any, *, result: Any = None, error: str | None = None
    ) -> None:
        if invocation_id is None:
            return  # a non-blocking invocation gets no completion
        completion: dict[str, Any] = {"type": COMPLETION, "invocationId": str(invocation_id)}
        if error is not None:
            completion["error"] = error
        else:
            completion["result"] = result
        await self.connection.answer(_record(completion))
