"""Fixtures for the local server's tests: the real app in-process (httpx.ASGITransport, with a
hand-driven or real clock) and the real uvicorn server on 127.0.0.1 (ServerThread)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from app.server.app import create_app, services_of
from app.server.clock import Clock, ManualClock
from app.server.config import ServerConfig
from app.server.runner import ServerThread
from tests.support.servers import loopback_config, server_pool

TOKEN = "test-server-token"
V = {"api-version": "3.2"}
T = "/api/tracking/client/"
R = "/api/rest/"
# A Wednesday, 10:00 UTC: snooze targets below are computed from it.
START = datetime(2026, 9, 30, 10, 0, tzinfo=UTC)


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    error = body["error"]
    assert error["statusCode"] == status
    assert error["errorCode"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["errorDescription"], str)
    return error


@pytest.fixture
def config(tmp_path: Path) -> ServerConfig:
    return loopback_config(
        tmp_path / "server",
        TOKEN,
        activity_check_interval=15 * 60,
        activity_check_wait=60,
        max_track=12 * 3600,
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


AppFactory = Callable[..., Starlette]


@pytest.fixture
def make_app(config: ServerConfig) -> Iterator[AppFactory]:
    apps: list[Starlette] = []

    def make(clock: Clock | None = None, **changes: Any) -> Starlette:
        app = create_app(replace(config, **changes), clock=clock)
        apps.append(app)
        return app

    yield make
    for app in apps:
        services_of(app).close()


def asgi_client(app: Starlette, token: str | None = TOKEN) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://server.test", headers=headers
    )


@pytest.fixture
async def app(make_app: AppFactory, clock: ManualClock) -> Starlette:
    return make_app(clock)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as c:
        yield c


@pytest.fixture
def server_factory(config: ServerConfig) -> Iterator[Callable[..., ServerThread]]:
    """`server_factory(**changes)`: a started server on `config` with the changes."""
    with server_pool() as pool:
        yield lambda **changes: pool.start(replace(config, **changes))


def http_client(server: ServerThread, token: str | None = TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)
