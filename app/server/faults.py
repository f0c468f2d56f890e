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


def _number(data: dict[str, Any], key: str, low: float, high: float) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{key} must be a number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{key} must be from {low} to {high}, not {value}")
    return float(value)


def _checked(data: dict[str, Any]) -> FaultConfig:
    seed = data["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"seed must be a whole number or null, not {seed!r}")
    status = data["error_status"]
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"error_status must be an HTTP error status (400-599), not {status!r}")
    retry_after = data["retry_after"]
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
        raise ValueError(f"retry_after must be a whole number of seconds, not {retry_after!r}")
    return FaultConfig(
        latency=_number(data, "latency", 0, 60),
        error_rate=_number(data, "error_rate", 0, 1),
        error_status=status,
        rate_limit_rate=_number(data, "rate_limit_rate", 0, 1),
        retry_after=retry_after,
        drop_rate=_number(data, "drop_rate", 0, 1),
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
