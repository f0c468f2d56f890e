"""`HubGate`: a server app behind a gate for the SignalR hub's paths, to play a server without
a hub (404 on negotiate, as 7pace servers without one would answer) or a hub that went away."""

from __future__ import annotations

import json
from typing import Any


class HubGate:
    """The server app behind a gate for the hub's paths: `status=404` is a server without a
    hub, `status=None` lets everything through. HTTP is answered with the status, WebSocket
    upgrades are refused."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state  # services_of(), hub_of() read it
        self.status: int | None = None
        self.hub_requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and "/signalr/" in scope["path"].lower():
            self.hub_requests += 1
            if self.status is not None:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                body = json.dumps({"error": {"statusCode": self.status}}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": self.status,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
