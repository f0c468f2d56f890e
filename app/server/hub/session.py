"""One accepted hub WebSocket, either protocol: the reader, the writer draining the
connection's queue, the keep-alive and silence timer, and a clean close."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod

from starlette.websockets import WebSocket, WebSocketDisconnect

from app.server.hub.dispatch import Dispatcher
from app.server.hub.registry import Connection

log = logging.getLogger("app.server.hub")

CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008  # a limit or rule of this server was broken
CLOSE_TOO_BIG = 1009
DRAIN_TIMEOUT = 2.0  # seconds a closing connection gets to flush its last frames


class Closing(Exception):
    """Ends a session from inside: the WebSocket close code and the error the client sees."""

    def __init__(self, code: int, error: str | None) -> None:
        super().__init__(error or "closed")
        self.code = code
        self.error = error


class Session(ABC):
    keep_alive: float  # seconds without a sent frame before a keep-alive frame
    client_timeout: float | None  # seconds of client silence before closing; None: never

    def __init__(
        self,
        ws: WebSocket,
        connection: Connection,
        dispatcher: Dispatcher,
        max_message: int,
    ) -> None:
        self.ws = ws
        self.connection = connection
        self.dispatcher = dispatcher
        self.max_message = max_message
        self.last_received = time.monotonic()

    # --- the protocol's part ---------------------------------------------------------------

    @abstractmethod
    async def open(self) -> None:
        """After accepting: the handshake or init, sent directly (before any queued push).
        Raises Closing when the client does not do its part."""

    @abstractmethod
    async def on_text(self, text: str) -> None:
        """One received WebSocket message; replies go to `self.connection.answer`."""

    async def leftovers(self) -> None:
        """Messages that came with the handshake, once the writer runs (Core only)."""
        return None

    @abstractmethod
    def keep_alive_frame(self) -> str: ...

    def close_frame(self, error: str | None) -> str | None:
        """The protocol's last word before the WebSocket closes, if it has one."""
        return None

    # --- shared ----------------------------------------------------------------------------

    def too_big(self, text: str) -> bool:
        return len(text) > self.max_message and len(text.encode()) > self.max_message

    async def receive_text(self) -> str:
        """The next text (or UTF-8 binary) message; raises WebSocketDisconnect."""
        message = await self.ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        self.last_received = time.monotonic()
        if message.get("text") is not None:
            return str(message["text"])
        data = message.get("bytes") or b""
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise Closing(CLOSE_POLICY, "A message was not valid UTF-8 text.") from None

    async def _read(self) -> None:
        await self.leftovers()
        while True:
            await self.on_text(await self.receive_text())

    async def _tick(self) -> None:
        connection = self.connection
        while True:
            now = time.monotonic()
            timeout = self.client_timeout
            if timeout is not None and now - self.last_received >= timeout:
                raise Closing(
                    CLOSE_NORMAL,
                    f"Server timeout elapsed without receiving a message from the client "
                    f"(timeout {timeout:g} s).",
                )
            if now - connection.last_sent >= self.keep_alive:
                connection.last_sent = now  # counted as sent: one keep-alive per interval
                connection.offer(self.keep_alive_frame())
            wake = connection.last_sent + self.keep_alive
            if timeout is not None:
                wake = min(wake, self.last_received + timeout)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(connection.closed.wait(), max(0.01, wake - now))
            if connection.closed.is_set():
                return

    async def run(self) -> None:
        """Accepted and registered: runs until either side closes; always unregisters."""
        connection = self.connection
        try:
            try:
                await self.open()
            except Closing as closing:
                await self._finish(None, closing.code, closing.error)
                return
            writer = asyncio.create_task(connection.write(self.ws.send_text))
            watchers = [
                asyncio.create_task(self._read()),
                asyncio.create_task(self._tick()),
                asyncio.create_task(connection.closed.wait()),
            ]
            try:
                done, _ = await asyncio.wait(
                    [*watchers, writer], return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for task in watchers:
                    task.cancel()
                await asyncio.gather(*watchers, return_exceptions=True)
            code, error = CLOSE_NORMAL, None
            for task in done:
                problem = None if task.cancelled() else task.exception()
                if isinstance(problem, Closing):
                    code, error = problem.code, problem.error
                elif isinstance(problem, WebSocketDisconnect | OSError):
                    writer.cancel()  # the client went away: nothing left to say
                    await asyncio.gather(writer, return_exceptions=True)
                    return
                elif problem is not None:
                    log.error("hub connection %s failed", connection.id, exc_info=problem)
                    code, error = 1011, "The server failed unexpectedly."
            if error is None and connection.closed.is_set():
                code, error = CLOSE_POLICY, connection.close_reason
            await self._finish(writer, code, error)
        except WebSocketDisconnect:
            return
        finally:
            connection.close("the connection ended")

    async def _finish(
        self, writer: asyncio.Task[None] | None, code: int, error: str | None
    ) -> None:
        connection = self.connection
        ended = connection.closed.is_set()  # a slow consumer, or replaced by a reconnect
        last = None if ended else self.close_frame(error)
        if last is not None:
            connection.offer(last)
        if writer is not None:
            if not ended:
                # Lets the writer flush what is queued, the close message last.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(connection.drained(), DRAIN_TIMEOUT)
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
        connection.close(error or "closed by the server")
        reason = (error or "").encode()[:123].decode(errors="ignore")
        # A slow consumer's socket may not take even the close frame: do not wait long on it.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code, reason), 0.5 if ended else DRAIN_TIMEOUT)
