"""Fixtures of the API client tests: sleep recorders, a recording transport, mock answers.

httpx.MockTransport is used only for faults the local server cannot produce; everything else
runs against the real server (see test_client_server.py and test_contract.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from app.api.client import TrackingClient
from app.api.retry import RetryPolicy


class SleepRecorder:
    """Stands in for asyncio.sleep: records each delay, returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class RecordingTransport(httpx.AsyncBaseTransport):
    """Records every request as sent (body read) and forwards it to the wrapped transport."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def json_response(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=json.dumps(payload).encode(), headers=headers)

    return handler


def mock_client(
    handler: Callable[[httpx.Request], httpx.Response],
    sleeps: SleepRecorder | None = None,
    retry: RetryPolicy | None = None,
    **kwargs: Any,
) -> TrackingClient:
    return TrackingClient(
        "http://127.0.0.1:9",
        token="mock-token-0123456789",
        transport=httpx.MockTransport(handler),
        sleep=sleeps or SleepRecorder(),
        retry=retry,
        **kwargs,
    )
