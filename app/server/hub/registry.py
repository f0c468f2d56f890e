"""Hub connections of both protocols: negotiations waiting for their connection, open
connections per user, the limits, and the fan-out of every engine change as a push.

The engine calls its listeners synchronously after every change, in the thread of the change
(under uvicorn: the event loop, for requests and the clock task alike). The listener builds the
state once and only appends frames to each connection's bounded queue; a writer task per
connection sends them. So a slow consumer fills its own queue and is dropped, never delaying
the others, and every connection sees the states in the order of their `timestamp`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.server.config import HubConfig
from app.server.endpoints import Services

log = logging.getLogger("app.server.hub")

PUSH_METHOD = "trackingStateChanged"
Protocol = Literal["core", "classic"]


class LimitReached(Exception):
    """Too many connections or negotiations; the message says which limit."""


@dataclass
class Negotiation:
    """A negotiated connection token, waiting for its connection."""

    token: str
    connection_id: str
    user: str
    protocol: Protocol
    expires: float  # monotonic
    hub_name: str = ""  # classic: the hub name as the client wrote it


class Connection:
    """One open hub connection: its outgoing queue and the writer that drains it."""

    def __init__(
        self,
        registry: HubRegistry,
        connection_id: str,
        user: str,
        protocol: Protocol,
        render: Callable[[str], str],
    ) -> None:
        self.registry = registry
        self.id = connection_id
        self.user = user
        self.protocol = protocol
        self._render = render  # this protocol's push frame around the state's JSON text
        size = registry.config.send_queue
        self._queue: asyncio.Queue[str] = asyncio.Queue(size)
        # Replies fill at most half the queue, so a client pipelining calls leaves room for
        # the pushes that may come meanwhile (a push into a full queue drops the client).
        self._reply_limit = max(1, size // 2)
        self._room = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_reason = ""
        self.last_sent = time.monotonic()

    def offer(self, frame: str) -> None:
        """Queues a push or keep-alive without waiting; a full queue marks a slow consumer,
        which is dropped: nothing the server sends on its own may wait for one client."""
        if self.closed.is_set():
            return
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            log.warning("hub connection %s does not read its messages: dropped", self.id)
            self.close("slow consumer: it did not read its messages")

    async def answer(self, frame: str) -> None:
        """Queues a reply to the client's own call, waiting for room: a client that calls
        faster than it reads is slowed down (its next message is read later), not dropped."""
        while not self.closed.is_set() and self._queue.qsize() >= self._reply_limit:
            self._room.clear()
            await self._room.wait()
        if not self.closed.is_set():
            self._queue.put_nowait(frame)

    def push(self, state_json: str) -> None:
        self.offer(self._render(state_json))

    def close(self, reason: str) -> None:
        if not self.closed.is_set():
            self.close_reason = reason
            self.closed.set()
            self._room.set()
            self.registry.forget(self)

    async def write(self, send: Callable[[str], Awaitable[None]]) -> None:
        """Sends queued frames until the connection closes (run as a task)."""
        while True:
            frame = await self._queue.get()
            self._room.set()
            try:
                await send(frame)
            finally:
                self._queue.task_done()
            self.last_sent = time.monotonic()

    async def drained(self) -> None:
        await self._queue.join()


@dataclass
class HubRegistry:
    services: Services
    config: HubConfig
    current: Callable[[], Any]  # the state to push: what `current` answers, JSON-ready
    clock: Callable[[], float] = time.monotonic
    connections: dict[str, Connection] = field(default_factory=dict)
    negotiations: dict[str, Negotiation] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _last_timestamp: int = -1

    def __post_init__(self) -> None:
        self.services.engine.add_listener(self._on_change)

    # --- who may connect ---------------------------------------------------------------------

    def _expire(self) -> None:
        now = self.clock()
        for token, negotiation in list(self.negotiations.items()):
            if negotiation.expires < now:
                del self.negotiations[token]

    def _check_room(self, user: str) -> None:
        if len(self.connections) >= self.config.max_connections:
            raise LimitReached(
                f"The hub has {len(self.connections)} connections, its limit; retry later."
            )
        mine = sum(1 for c in self.connections.values() if c.user == user)
        if mine >= self.config.max_connections_per_user:
            raise LimitReached(
                f"This user has {mine} hub connections, the limit; close one and retry."
            )

    def negotiate(self, user: str, protocol: Protocol, *, same_id: bool = False) -> Negotiation:
        """A new connection token, single use (classic links keep theirs for reconnects).

        `same_id`: Core negotiateVersion 0, where the connection id is the token."""
        self._expire()
        self._check_room(user)
        if len(self.negotiations) >= self.config.max_negotiations:
            raise LimitReached(
                "Too many negotiations are waiting for their connection; retry later."
            )
        token = secrets.token_urlsafe(24)
        connection_id = token if same_id else str(uuid.uuid4())
        negotiation = Negotiation(
            token, connection_id, user, protocol, self.clock() + self.config.negotiate_ttl
        )
        self.negotiations[token] = negotiation
        return negotiation

    def claim(self, token: str, protocol: Protocol) -> Negotiation | None:
        """Takes a negotiation for its connection; None when unknown, expired or used."""
        self._expire()
        negotiation = self.negotiations.get(token)
        if negotiation is None or negotiation.protocol != protocol:
            return None
        del self.negotiations[token]
        return negotiation

    def open(
        self,
        connection_id: str,
        user: str,
        protocol: Protocol,
        render: Callable[[str], str],
    ) -> Connection:
        """Registers a connection; raises LimitReached when there is no room."""
        self._loop = asyncio.get_running_loop()
        old = self.connections.get(connection_id)
        if old is None:
            self._check_room(user)
        else:  # a reconnect replaces the transport the server still holds: no more room needed
            old.close("replaced by a reconnect")
        connection = Connection(self, connection_id, user, protocol, render)
        self.connections[connection_id] = connection
        return connection

    def forget(self, connection: Connection) -> None:
        if self.connections.get(connection.id) is connection:
            del self.connections[connection.id]

    def count(self, user: str | None = None) -> int:
        return sum(1 for c in self.connections.values() if user is None or c.user == user)

    # --- pushes ------------------------------------------------------------------------------

    def _on_change(self) -> None:
        if not self.connections:
            return
        try:
            state = self.current()
        except Exception:  # the hub must never fail the REST call or clock tick that changed
            log.exception("hub: the changed state could not be read for its push")
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if _running_loop() is loop:
            self._fan_out(state)
        else:  # a change made outside the server's loop (tests driving the engine directly)
            loop.call_soon_threadsafe(self._fan_out, state)

    def _fan_out(self, state: dict[str, Any]) -> None:
        timestamp = state.get("timestamp")
        if isinstance(timestamp, int):
            if timestamp < self._last_timestamp:
                return  # an older state must never follow a newer one
            self._last_timestamp = timestamp
        state_json = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        user = self.services.engine.org.user.id
        for connection in list(self.connections.values()):
            if connection.user == user:
                connection.push(state_json)

    def close_all(self, reason: str) -> None:
        for connection in list(self.connections.values()):
            connection.close(reason)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    with contextlib.suppress(RuntimeError):
        return asyncio.get_running_loop()
    return None
