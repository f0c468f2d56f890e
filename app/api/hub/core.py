"""ASP.NET Core SignalR, JSON hub protocol (HubProtocol.md, TransportProtocols.md): pure
functions over text, no I/O.

Every message is a JSON object followed by the record separator `\\x1e`. A WebSocket message
may hold several records, and a record may be split across WebSocket messages, so records are
cut out of a buffer that is capped in size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.api.errors import ProtocolError

RS = "\x1e"
NEGOTIATE_VERSION = "1"

INVOCATION = 1
STREAM_ITEM = 2
COMPLETION = 3
STREAM_INVOCATION = 4
CANCEL_INVOCATION = 5
PING = 6
CLOSE = 7


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False) + RS


HANDSHAKE = encode({"protocol": "json", "version": 1})
PING_RECORD = encode({"type": PING})


class RecordBuffer:
    """Cuts `\\x1e`-terminated records out of arriving text; a partial record waits for more.

    `limit` caps the size of a record still being assembled (characters), so a peer that
    never sends the separator cannot grow memory without bound.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._partial: list[str] = []
        self._partial_size = 0

    def feed(self, text: str) -> list[str]:
        if RS not in text:
            self._partial_size += len(text)
            self._check()
            self._partial.append(text)
            return []
        pieces = text.split(RS)
        tail = pieces.pop()  # after the last separator: the start of the next record, or ""
        if self._partial:
            pieces[0] = "".join(self._partial) + pieces[0]
            self._partial.clear()
            self._partial_size = 0
        records = [piece for piece in pieces if piece.strip()]
        if tail:
            self._partial_size = len(tail)
            self._check()
            self._partial.append(tail)
        for record in records:
            if len(record) > self._limit:
                raise MessageTooLarge(self._limit)
        return records

    @property
    def pending(self) -> int:
        return self._partial_size

    def _check(self) -> None:
        if self._partial_size > self._limit:
            self._partial.clear()
            self._partial_size = 0
            raise MessageTooLarge(self._limit)


class MessageTooLarge(ProtocolError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The hub sent a message larger than {limit // (1024 * 1024) or limit} "
            f"{'MiB' if limit >= 1024 * 1024 else 'bytes'}; the connection was closed. "
            "Tracking state is read over REST until the hub reconnects."
        )
        self.limit = limit


# --- messages from the server ---------------------------------------------------------------


@dataclass(frozen=True)
class Invocation:
    target: str
    arguments: list[Any]
    invocation_id: str | None = None


@dataclass(frozen=True)
class Completion:
    invocation_id: str
    result: Any = None
    error: str | None = None


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Close:
    error: str | None = None
    allow_reconnect: bool = False


@dataclass(frozen=True)
class Other:
    """A well-formed message this client does not act on (stream items, acks, …)."""

    type: int
    payload: dict[str, Any]


Message = Invocation | Completion | Ping | Close | Other


def _load(record: str) -> dict[str, Any]:
    try:
        value = json.loads(record)
    except (ValueError, RecursionError):
        raise ProtocolError("The hub sent a record that is not JSON.") from None
    if not isinstance(value, dict):
        raise ProtocolError("The hub sent a record that is not a JSON object.")
    return value


def parse_handshake(record: str) -> None:
    """`{}` accepts the handshake; `{"error": "…"}` refuses it."""
    answer = _load(record)
    error = answer.get("error")
    if error:
        raise ProtocolError(f"The hub refused the handshake: {str(error)[:300]}")


def parse_message(record: str) -> Message:
    payload = _load(record)
    kind = payload.get("type")
    if isinstance(kind, bool) or not isinstance(kind, int):
        raise ProtocolError("The hub sent a message without a numeric type.")
    if kind == INVOCATION:
        target = payload.get("target")
        arguments = payload.get("arguments", [])
        if not isinstance(target, str) or not isinstance(arguments, list):
            raise ProtocolError("The hub sent an invocation without target or arguments.")
        invocation_id = payload.get("invocationId")
        return Invocation(target, arguments, None if invocation_id is None else str(invocation_id))
    if kind == COMPLETION:
        invocation_id = payload.get("invocationId")
        if invocation_id is None:
            raise ProtocolError("The hub sent a completion without an invocation id.")
        error = payload.get("error")
        return Completion(
            str(invocation_id), payload.get("result"), None if error is None else str(error)
        )
    if kind == PING:
        return Ping()
    if kind == CLOSE:
        error = payload.get("error")
        return Close(None if error is None else str(error), payload.get("allowReconnect") is True)
    return Other(kind, payload)


def invocation(invocation_id: str, target: str, arguments: list[Any]) -> str:
    return encode(
        {
            "type": INVOCATION,
            "invocationId": invocation_id,
            "target": target,
            "arguments": arguments,
        }
    )


def completion_error(invocation_id: str, error: str) -> str:
    """Our answer to a server-to-client call that expects a result (we offer none)."""
    return encode({"type": COMPLETION, "invocationId": invocation_id, "error": error})


# --- negotiate ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Negotiation:
    connection_token: str
    websockets: bool  # "WebSockets" among the available transports


class Redirect(ProtocolError):
    """`{url, accessToken}`: the hub lives elsewhere (Azure SignalR Service)."""


def is_classic_answer(payload: Any) -> bool:
    return isinstance(payload, dict) and (
        "ConnectionToken" in payload or "ProtocolVersion" in payload
    )


def parse_negotiation(payload: Any) -> Negotiation:
    if not isinstance(payload, dict):
        raise ProtocolError("The hub's negotiate answer is not a JSON object.")
    if payload.get("error"):
        raise ProtocolError(f"The hub refused to negotiate: {str(payload['error'])[:300]}")
    if "url" in payload:
        # Following would send a second token to a second host: decided against (§5).
        raise Redirect(
            "The server hands the hub to another service (a negotiate redirect, as Azure "
            "SignalR Service does); Pacetray does not follow it and keeps using REST."
        )
    token = payload.get("connectionToken") or payload.get("connectionId")
    if not isinstance(token, str) or not token:
        raise ProtocolError("The hub's negotiate answer has no connection token.")
    transports = payload.get("availableTransports")
    websockets = not isinstance(transports, list) or any(
        isinstance(t, dict) and str(t.get("transport", "")).lower() == "websockets"
        for t in transports
    )
    return Negotiation(token, websockets)
