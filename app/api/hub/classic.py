"""Classic ASP.NET SignalR 2.x (protocol 1.5) as the jQuery client speaks it
(`jquery.signalR.core.js`, `jquery.signalR.hubs.js`): pure functions, no I/O.

negotiate (GET) → connect (WebSocket) → init message `{"S":1}` → start (GET) → messages;
abort (POST) when the client closes. Invocations `{"H","M","A","I"}`, results `{"I","R"}` or
`{"I","E","D"}`, pushes `{"C","M":[{"H","M","A"}]}`, keep-alives `{}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.api.errors import ProtocolError

HUB_NAME = "trackinghub"
CLIENT_PROTOCOL = "1.5"
CONNECTION_DATA = json.dumps([{"name": HUB_NAME}], separators=(",", ":"))
TRANSPORT = "webSockets"


@dataclass(frozen=True)
class Negotiation:
    connection_token: str
    keep_alive_timeout: float | None  # seconds without any message after which we give up
    try_websockets: bool
    protocol_version: str | None


def negotiate_query() -> list[tuple[str, str]]:
    return [("clientProtocol", CLIENT_PROTOCOL), ("connectionData", CONNECTION_DATA)]


def connection_query(negotiation: Negotiation) -> list[tuple[str, str]]:
    """The query of connect, start and abort."""
    return [
        ("transport", TRANSPORT),
        ("clientProtocol", CLIENT_PROTOCOL),
        ("connectionToken", negotiation.connection_token),
        ("connectionData", CONNECTION_DATA),
    ]


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 < seconds < float("inf") else None


def parse_negotiation(payload: Any) -> Negotiation:
    if not isinstance(payload, dict):
        raise ProtocolError("The hub's negotiate answer is not a JSON object.")
    token = payload.get("ConnectionToken")
    if not isinstance(token, str) or not token:
        raise ProtocolError("The hub's negotiate answer has no ConnectionToken.")
    version = payload.get("ProtocolVersion")
    return Negotiation(
        connection_token=token,
        keep_alive_timeout=_seconds(payload.get("KeepAliveTimeout")),
        try_websockets=payload.get("TryWebSockets", True) is not False,
        protocol_version=None if version is None else str(version),
    )


def is_started(payload: Any) -> bool:
    return isinstance(payload, dict) and payload.get("Response") == "started"


def invocation(invocation_id: str, method: str, arguments: list[Any]) -> str:
    return json.dumps(
        {"H": HUB_NAME, "M": method, "A": arguments, "I": invocation_id},
        separators=(",", ":"),
        ensure_ascii=False,
    )


# --- messages from the server ---------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    invocation_id: str
    result: Any = None
    error: str | None = None
    error_data: Any = None


@dataclass(frozen=True)
class Push:
    hub: str
    method: str
    arguments: list[Any]


@dataclass(frozen=True)
class KeepAlive:
    pass


@dataclass(frozen=True)
class Init:
    """`"S": 1`: the transport is connected; the client may call start."""


@dataclass(frozen=True)
class Disconnect:
    """`"D": 1`: the server ends the connection."""


@dataclass(frozen=True)
class Reconnect:
    """`"T": 1`: the server asks the client to reconnect."""


@dataclass(frozen=True)
class Progress:
    invocation_id: str
    data: Any


Event = Result | Push | KeepAlive | Init | Disconnect | Reconnect | Progress


def parse_message(text: str) -> list[Event]:
    """One WebSocket message → the events it carries, in order."""
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("The hub sent a message that is not JSON.") from None
    if not isinstance(payload, dict):
        raise ProtocolError("The hub sent a message that is not a JSON object.")
    if not payload:
        return [KeepAlive()]
    if "I" in payload:  # a hub result (the persistent connection's own replies have no I)
        invocation_id = str(payload["I"])
        if "P" in payload:
            return [Progress(invocation_id, payload["P"])]
        error = payload.get("E")
        return [
            Result(
                invocation_id,
                payload.get("R"),
                None if error is None else str(error),
                payload.get("D"),
            )
        ]
    events: list[Event] = []
    if payload.get("S") == 1:
        events.append(Init())
    messages = payload.get("M")
    if messages is not None:
        if not isinstance(messages, list):
            raise ProtocolError("The hub sent a message whose M is not a list.")
        for item in messages:
            if not isinstance(item, dict):
                raise ProtocolError("The hub sent a push that is not a JSON object.")
            hub, method, arguments = item.get("H"), item.get("M"), item.get("A", [])
            if not isinstance(hub, str) or not isinstance(method, str):
                raise ProtocolError("The hub sent a push without hub or method name.")
            if not isinstance(arguments, list):
                arguments = [arguments]
            events.append(Push(hub, method, arguments))
    if payload.get("T") == 1:
        events.append(Reconnect())
    if payload.get("D") == 1:
        events.append(Disconnect())
    if not events:
        events.append(KeepAlive())  # groups token, message id only: nothing to do
    return events
