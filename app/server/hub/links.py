"""Classic connections across transports: a classic connection token outlives one WebSocket
(`reconnect` within DisconnectTimeout continues the connection; `abort` ends it)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from app.server.config import HubConfig
from app.server.errors import not_found
from app.server.hub.registry import Connection, Negotiation


@dataclass
class Link:
    """A classic connection across its transports: live, or dropped and awaiting a reconnect."""

    negotiation: Negotiation
    connection: Connection | None = None
    dropped_at: float | None = None  # monotonic
    cursor: int = 0


class ClassicLinks:
    """Connection tokens of classic connections that have connected at least once."""

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self.links: dict[str, Link] = {}

    def purge(self) -> None:
        """Forgets links dropped longer than DisconnectTimeout ago, and the oldest dropped
        ones beyond a cap, so connect/drop cycles cannot pile them up."""
        now = time.monotonic()
        dropped = sorted(
            (link.dropped_at, token)
            for token, link in self.links.items()
            if link.dropped_at is not None
        )
        cap = self.config.max_connections + self.config.max_negotiations
        excess = max(0, len(self.links) - cap)
        for n, (dropped_at, token) in enumerate(dropped):
            if n < excess or now - dropped_at > self.config.classic_disconnect_timeout:
                del self.links[token]

    def get(self, token: str | None) -> Link:
        self.purge()
        link = self.links.get(token or "")
        if link is None:
            raise not_found(
                "No classic connection with that connectionToken: it is unknown, aborted or "
                "was disconnected too long; negotiate again."
            )
        return link
