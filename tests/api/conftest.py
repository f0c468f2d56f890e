"""Fixtures of the API client tests: sleep recorders, a recording transport, mock answers.

httpx.MockTransport is used only for faults the local server cannot produce; everything else
runs against the real server (see test_client_server.py and test_contract.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.api.client import TrackingClient
from app.api.retry import RetryPolicy
from app.server.config import ServerConfig
from tests.support.faults import set_faults
from tests.support.servers import loopback_config, running_server

if TYPE_CHECKING:
    from app.server.runner import ServerThread


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


# --- the real local server ---------------------------------------------------------------

TOKEN = "server-token-abcdef0123456789"


def server_config(data_dir: Path, **kwargs: Any) -> ServerConfig:
    return loopback_config(data_dir, TOKEN, **kwargs)


@pytest.fixture
def app(tmp_path: Path) -> Any:
    """A fresh server app per test (its own SQLite in tmp_path), driven in-process over ASGI."""
    from app.server.app import create_app

    return create_app(server_config(tmp_path))


@pytest.fixture
def recorder(app: Any) -> RecordingTransport:
    return RecordingTransport(httpx.ASGITransport(app=app))


@pytest.fixture
async def client(
    recorder: RecordingTransport, sleeps: SleepRecorder
) -> AsyncIterator[TrackingClient]:
    async with TrackingClient(LOOPBACK, token=TOKEN, transport=recorder, sleep=sleeps) as c:
        yield c


LOOPBACK = "http://127.0.0.1"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """One real uvicorn server on loopback per test module (faults reset after each test)."""
    config = server_config(tmp_path_factory.mktemp("server"), approve_pins=True)
    with running_server(config) as server:
        yield server


@pytest.fixture
def live(live_server: ServerThread) -> Iterator[ServerThread]:
    set_faults(live_server.url, live_server.token)
    yield live_server
    set_faults(live_server.url, live_server.token)
