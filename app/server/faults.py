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
import math
import random
from dataclasses import asdict, dataclass
from typing import Any, Literal

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

    def update(self, changes: Any) -> FaultConfig:
        """Applies a partial update (checked by `FAULTS`); raises ValueError naming the bad
        field."""
        checked = FAULTS.merged(self.config, changes)
        if checked.seed != self.config.seed or "seed" in changes:
            self.rng = random.Random(checked.seed)
        self.config = checked
        return checked

    def to_json(self) -> dict[str, Any]:
        return asdict(self.config)


@dataclass
class Setting:
    """One fault setting, declared once: `check` validates it and `schema` states it (not
    frozen, so a test can flip a bound in place)."""

    kind: Literal["number", "integer"]
    minimum: float | None = 0
    maximum: float | None = None
    nullable: bool = False

    def schema(self) -> dict[str, Any]:
        value: dict[str, Any] = {"type": self.kind}
        if self.minimum is not None:
            value["minimum"] = self.minimum
        if self.maximum is not None:
            value["maximum"] = self.maximum
        return {"anyOf": [value, {"type": "null"}]} if self.nullable else value

    def check(self, name: str, value: Any) -> Any:
        """The value as the config holds it; ValueError naming the setting."""
        value = _whole(value)
        if value is None and self.nullable:
            return None
        kind = "a number" if self.kind == "number" else "a whole number"
        wrong = isinstance(value, bool) or not isinstance(
            value, int | float if self.kind == "number" else int
        )
        if wrong or value != value:  # NaN is no number to JSON
            null = " or null" if self.nullable else ""
            raise ValueError(f"{name} must be {kind}{null}, not {value!r}")
        low = -math.inf if self.minimum is None else self.minimum
        high = math.inf if self.maximum is None else self.maximum
        if not low <= value <= high:
            raise ValueError(f"{name} must be from {low:g} to {high:g}, not {value}")
        return float(value) if self.kind == "number" else value


@dataclass
class FaultRules:
    """PUT /_pacetray/faults' body, declared once: `merged` validates a partial update and
    `schema` is what the OpenAPI document states."""

    settings: dict[str, Setting]
    description: str

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {name: rule.schema() for name, rule in self.settings.items()},
            "description": self.description,
        }

    def merged(self, config: FaultConfig, changes: Any) -> FaultConfig:
        """`config` with `changes` (a partial object) applied; ValueError naming what is bad."""
        if not isinstance(changes, dict):
            raise ValueError(
                'The body must be a JSON object of fault settings, e.g. {"latency": 0.1}.'
            )
        merged = asdict(config)
        for key, value in changes.items():
            if key not in self.settings:
                raise ValueError(
                    f"unknown fault setting {key!r}; known: {', '.join(self.settings)}"
                )
            merged[key] = value
        return FaultConfig(
            **{name: rule.check(name, merged[name]) for name, rule in self.settings.items()}
        )


_SHARE = Setting("number", 0, 1.0)  # a share of requests
FAULTS = FaultRules(
    {
        "latency": Setting("number", 0, 60.0),  # seconds
        "error_rate": _SHARE,
        "error_status": Setting("integer", 400, 599),  # an HTTP error status
        "rate_limit_rate": _SHARE,
        "retry_after": Setting("integer", 0),  # seconds
        "drop_rate": _SHARE,
        "seed": Setting("integer", None, nullable=True),
    },
    "A partial object: the settings it names change, the others stay.",
)


def _whole(value: Any) -> Any:
    """500.0 is the integer 500 in JSON (and to JSON Schema's `integer`)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


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
