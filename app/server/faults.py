"""Fault injection (tests only, off by default): latency, error statuses, 429s, dropped connections.

A pure ASGI middleware outside everything else. Paths under /_pacetray/ are exempt, so tests
can always reach the admin endpoints that switch faults off again.

Dropping a connection: raising before the answer starts makes uvicorn send a 500, not drop.
So under uvicorn the middleware closes the connection's transport (reached through the server's
`receive` callable) and returns after uvicorn has seen the disconnect: the client sees the
connection closed without an answer. Under any other server (e.g. httpx.ASGITransport) it raises
`DroppedConnection`, which the in-process transport surfaces to the caller as an exception.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import asdict, fields
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.server.config import FaultConfig
from app.server.errors import QUOTA_EXCEEDED, UNEXPECTED, error_body

ADMIN_PREFIX = "/_pacetray/"


class DroppedConnection(ConnectionResetError):
    """Injected fault: the server closed the connection without answering."""


class FaultState:
    """The live FaultConfig of one app plus its random source."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = FaultConfig(**asdict(config))  # own copy: mutable at run time
        self.rng = random.Random(config.seed)

    def update(self, changes: dict[str, Any]) -> FaultConfig:
        """Applies a partial update; raises ValueError naming the bad field."""
        known = {f.name: f for f in fields(FaultConfig)}
        merged = asdict(self.config)
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault setting {key!r}; known: {', '.join(known)}")
            merged[key] = value
        checked = _checked(merged)
        if checked.seed != self.config.seed or "seed" in changes:
            self.rng = random.Random(checked.seed)
        self.config = checked
        return checked

    def to_json(self) -> dict[str, Any]:
        return asdict(self.config)


# The settings' bounds, declared once: `_checked` validates from them and the OpenAPI
# document states them (`FAULT_SCHEMA`, the body of PUT /_pacetray/faults).
SHARES = {"latency": 60.0, "error_rate": 1.0, "rate_limit_rate": 1.0, "drop_rate": 1.0}
STATUS_RANGE = (400, 599)
FAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{name: {"type": "number", "minimum": 0, "maximum": top} for name, top in SHARES.items()},
        "error_status": {
            "type": "integer",
            "minimum": STATUS_RANGE[0],
            "maximum": STATUS_RANGE[1],
        },
        "retry_after": {"type": "integer", "minimum": 0},
        "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    },
    "description": "A partial object: the settings it names change, the others stay.",
}


def _whole(value: Any) -> Any:
    """500.0 is the integer 500 in JSON (and to JSON Schema's `integer`)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _number(data: dict[str, Any], key: str) -> float:
    value, high = data[key], SHARES[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{key} must be a number, not {value!r}")
    if not 0 <= value <= high:
        raise ValueError(f"{key} must be from 0 to {high:g}, not {value}")
    return float(value)


def _checked(data: dict[str, Any]) -> FaultConfig:
    seed = _whole(data["seed"])
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"seed must be a whole number or null, not {seed!r}")
    status = _whole(data["error_status"])
    low, high = STATUS_RANGE
    if isinstance(status, bool) or not isinstance(status, int) or not low <= status <= high:
        raise ValueError(f"error_status must be an HTTP error status ({low}-{high}), not {status}")
    retry_after = _whole(data["retry_after"])
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
        raise ValueError(f"retry_after must be a whole number of seconds, not {retry_after!r}")
    return FaultConfig(
        latency=_number(data, "latency"),
        error_rate=_number(data, "error_rate"),
        error_status=status,
        rate_limit_rate=_number(data, "rate_limit_rate"),
        retry_after=retry_after,
        drop_rate=_number(data, "drop_rate"),
        seed=seed,
    )


async def _send_json(
    send: Send, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(receive: Receive) -> None:
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None or not hasattr(transport, "close"):
        raise DroppedConnection("injected fault: connection dropped")
    transport.close()
    # Let the loop deliver connection_lost, so uvicorn knows the client is gone and stays quiet.
    for _ in range(10):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, state: FaultState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        config, rng = self.state.config, self.state.rng
        if config.latency > 0:
            await asyncio.sleep(config.latency)
        if config.drop_rate and rng.random() < config.drop_rate:
            await _drop(receive)
            return
        if config.rate_limit_rate and rng.random() < config.rate_limit_rate:
            body = error_body(
                429,
                QUOTA_EXCEEDED,
                f"Too many requests (injected fault): retry after {config.retry_after} s.",
            )
            await _send_json(send, 429, body, [(b"retry-after", str(config.retry_after).encode())])
            return
        if config.error_rate and rng.random() < config.error_rate:
            status = config.error_status
            body = error_body(status, UNEXPECTED, f"Injected fault: status {status}.")
            await _send_json(send, status, body, [])
            return
        await self.app(scope, receive, send)
