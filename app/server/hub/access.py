"""Who is calling: the bearer token from the `Authorization` header or, for browsers and
WebSocket clients that cannot set headers, from the `access_token` query parameter. Checked on
negotiate and on connecting; an open connection stays valid when its token expires later
(7pace: "a token is valid for SignalR until it disconnects")."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket

from app.server.endpoints import Services
from app.server.errors import error_response

# The close reason of a WebSocket frame holds at most 123 bytes.
_REASON_BYTES = 123


def authenticate(services: Services, conn: HTTPConnection) -> str:
    """The calling user's id; raises ApiProblem (401) without a valid token."""
    header = conn.headers.get("authorization")
    if not header:
        token = conn.query_params.get("access_token")
        if token:
            header = f"Bearer {token}"
    services.auth.require_user(header)
    # The local server has one user: every valid token is theirs. Connections are still kept
    # per user, as 7pace keeps them.
    return services.engine.org.user.id


async def deny(
    ws: WebSocket,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Refuses a WebSocket before accepting it: with an HTTP answer carrying 7pace's error
    body where the server can send one (uvicorn can), else with a close frame."""
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(error_response(status, code, message, headers))
    else:
        reason = f"{code}: {message}".encode()[:_REASON_BYTES].decode(errors="ignore")
        await ws.close(1008, reason)
