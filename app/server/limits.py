"""Limits against bad peers, applied before any route runs.

- `BodyLimitMiddleware` (outermost ASGI layer): a declared `Content-Length` over the limit is
  answered 413 at once, without reading a byte of the body; a chunked body is counted as it
  arrives and cut when it crosses the limit. Either way the answer is 7pace's error body with
  code `RequestTooLarge` (7pace documents no code for this; the name is this server's) and
  `Connection: close`, so the rest of the body is never read into memory.
- `HeaderTimeoutProtocol` (uvicorn's h11 protocol, used when bound to a public address): a
  connection that has not sent a request's complete headers within `header_timeout` seconds
  is closed (uvicorn itself bounds only their size, and a fresh connection has no timeout at
  all: slowloris).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.server.errors import REQUEST_TOO_LARGE, ApiProblem, error_response
from app.server.parsing import MAX_BODY

HEADER_TIMEOUT = 10.0


class BodyTooLarge(ApiProblem):
    """Raised from `receive` once a chunked body crosses the limit (an ApiProblem, so a route
    that is reading its body answers it as one instead of logging an unexpected error)."""

    def __init__(self) -> None:
        super().__init__(413, REQUEST_TOO_LARGE, "The request body is too large.")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _framing(scope)
        if declared is not None and declared > self.max_body:
            await self._refuse(scope, send)
            return
        if not chunked:
            # A declared length within the limit is enforced by the HTTP parser, and without
            # one there is no body: `receive` stays uvicorn's own (the fault switch uses it).
            await self.app(scope, receive, send)
            return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # whatever the app makes of the cut body, the answer is 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        limit = f"{self.max_body // 1024} KiB" if self.max_body >= 1024 else f"{self.max_body} B"
        response = error_response(
            413,
            REQUEST_TOO_LARGE,
            f"The request body is larger than {limit}, the most this server accepts; "
            "send a smaller body.",
            {"Connection": "close"},
        )

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """(the declared Content-Length, whether the body comes with a Transfer-Encoding)."""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            length = int(text) if text.isdigit() else None
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


class HeaderTimeoutProtocol(H11Protocol):
    """h11 with a deadline for a request's headers: from the connection's start, and again
    after each response (the keep-alive timer is cancelled by any byte, even half a header)."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_overdue)

    def _headers_overdue(self) -> None:
        self._header_timer = None
        # IDLE: no complete request line and headers yet (h11 buffers partial ones).
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class with `seconds` as its header deadline (uvicorn takes a class)."""
    attrs: dict[str, Any] = {"header_timeout": seconds}
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), attrs)
