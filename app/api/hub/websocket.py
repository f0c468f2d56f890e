"""The hub's WebSocket: httpx-ws over the TrackingClient's own httpx client, with a size cap.

httpx-ws 0.9 reads in chunks of `max_message_size_bytes` but joins a fragmented message
without any limit; `CappedSession` counts the bytes of the message being assembled and closes
the connection (1009, message too big) once it passes the cap, so memory stays flat.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpcore
import httpx
import wsproto
from httpx_ws import (
    AsyncWebSocketSession,
    HTTPXWSException,
    WebSocketDisconnect,
    WebSocketNetworkError,
    WebSocketUpgradeError,
    aconnect_ws,
)
from httpx_ws._api import EndOfStream  # private, but the one way to copy its loop faithfully
from wsproto.frame_protocol import CloseReason

from app.api.errors import ApiError, ConnectionFailed, ProtocolError, RequestTimeout
from app.api.hub.core import MessageTooLarge
from app.api.responses import error_for
from app.api.session import wrap_http_error

READ_CHUNK = 64 * 1024


class TooLarge(HTTPXWSException):
    """Queued in place of a message that passed the cap; `receive()` raises it."""


class CappedSession(AsyncWebSocketSession):
    limit = 8 * 1024 * 1024  # set per connection by `connect`

    async def _background_receive(self, max_bytes: int) -> None:
        # httpx-ws 0.9's loop, plus the cap on the message being assembled.
        parts: list[Any] = []
        size = 0
        try:
            while not self._should_close.is_set():
                data = await self._read_stream(max_bytes)
                self.connection.receive_data(data)
                for event in self.connection.events():
                    if isinstance(event, wsproto.events.Ping):
                        reply = self.connection.send(event.response())
                        async with self._write_lock:
                            await self.stream.write(reply)
                        continue
                    if isinstance(event, wsproto.events.Pong):
                        self._ping_manager.ack(event.payload)
                        continue
                    if isinstance(event, wsproto.events.CloseConnection):
                        self._should_close.set()
                    if isinstance(event, wsproto.events.Message):
                        size += len(event.data)
                        if size > self.limit:
                            await self.close(CloseReason.MESSAGE_TOO_BIG, "message too big")
                            await self._send_event.send(TooLarge())
                            return
                        if not event.message_finished:
                            parts.append(event.data)
                            continue
                        if parts:
                            parts.append(event.data)
                            joined = (
                                "".join(parts) if isinstance(event.data, str) else b"".join(parts)
                            )
                            event = type(event)(joined)
                        parts, size = [], 0
                        await self._send_event.send(event)
                        continue
                    await self._send_event.send(event)
        except (httpcore.ReadError, httpcore.WriteError, EndOfStream):
            await self.close(CloseReason.INTERNAL_ERROR, "Stream error")
            await self._send_event.send(WebSocketNetworkError())


def _capped(limit: int) -> type[CappedSession]:
    return type("CappedSession", (CappedSession,), {"limit": limit})


_NETWORK = (HTTPXWSException, httpcore.NetworkError, httpx.TransportError, OSError)


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found


@contextlib.asynccontextmanager
async def connect(
    http: httpx.AsyncClient, target: str, *, base_url: str, limit: int
) -> AsyncIterator[AsyncWebSocketSession]:
    """Open the WebSocket at `target` (relative to the client's base URL) through the client's
    auth flow; every failure comes out as an ApiError, never an ExceptionGroup."""
    what = "hub WebSocket"
    try:
        async with aconnect_ws(
            target,
            http,
            max_message_size_bytes=READ_CHUNK,
            keepalive_ping_interval_seconds=None,  # SignalR keeps alive with its own messages
            keepalive_ping_timeout_seconds=None,
            session_class=_capped(limit),
        ) as ws:
            yield ws
    except WebSocketUpgradeError as exc:
        raise error_for(exc.response) from None
    except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
        raise wrap_http_error(exc, what, base_url) from None
    except BaseExceptionGroup as group:  # httpx-ws runs an anyio task group
        leaves = _leaves(group)
        for leaf in leaves:
            if isinstance(leaf, ApiError):
                raise leaf from None
        for leaf in leaves:
            if not isinstance(leaf, _NETWORK):
                raise leaf from None  # a bug (or KeyboardInterrupt) stays what it is
        raise ConnectionFailed(
            f"{what}: the connection to {base_url} broke ({type(leaves[0]).__name__})."
        ) from None


async def receive_text(ws: AsyncWebSocketSession, timeout: float | None, limit: int) -> str:
    """The next text (or UTF-8 binary) message; dead, closed or broken connections raise."""
    try:
        event = await ws.receive(timeout)
    except TimeoutError:
        raise RequestTimeout(
            f"The hub sent nothing for {timeout:g} s: the connection is taken for dead."
        ) from None
    except WebSocketDisconnect as exc:
        reason = f" ({exc.reason})" if exc.reason else ""
        raise ConnectionFailed(
            f"The server closed the hub connection: {exc.code}{reason}."
        ) from None
    except WebSocketNetworkError:
        raise ConnectionFailed("The hub connection broke.") from None
    except TooLarge:
        raise MessageTooLarge(limit) from None
    if isinstance(event, wsproto.events.TextMessage):
        return event.data
    if isinstance(event, wsproto.events.BytesMessage):
        try:
            return bytes(event.data).decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("The hub sent a binary message that is not UTF-8.") from None
    raise ProtocolError(f"The hub sent an unexpected WebSocket event ({type(event).__name__}).")


async def send_text(ws: AsyncWebSocketSession, text: str) -> None:
    try:
        await ws.send_text(text)
    except (WebSocketNetworkError, wsproto.utilities.LocalProtocolError, httpcore.NetworkError):
        raise ConnectionFailed("The hub connection broke while sending.") from None
