"""The hub of one server app: its registry, method table and settings, shared by both
protocols' handlers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import JSONResponse

from app.server.endpoints import Services, dump
from app.server.errors import QUOTA_EXCEEDED, error_response
from app.server.hub.dispatch import Dispatcher
from app.server.hub.links import ClassicLinks
from app.server.hub.registry import HubRegistry

RETRY_AFTER = 5  # seconds a client refused for a limit should wait


class Hub:
    def __init__(self, services: Services, calls: Mapping[str, Callable[..., Any]]) -> None:
        self.services = services
        self.config = services.config.hub
        self.dispatcher = Dispatcher(services, calls)
        # Pushes carry what `current` answers, so a pushed state can replace a read one.
        self.registry = HubRegistry(services, self.config, lambda: dump(calls["current"](services)))
        self.classic = ClassicLinks(self.config)

    @staticmethod
    def new_connection_id() -> str:
        return str(uuid.uuid4())


def limit_response(message: str) -> JSONResponse:
    """A hub limit was reached: 429 with 7pace's body, as its rate limits answer."""
    return error_response(429, QUOTA_EXCEEDED, message, {"Retry-After": str(RETRY_AFTER)})
