"""Fault injection over real loopback HTTP: latency, error statuses, 429, dropped connections."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from app.server.config import FaultConfig
from app.server.faults import DroppedConnection
from app.server.runner import ServerThread
from tests.support.faults import set_faults

from .conftest import TOKEN, T, V, asgi_client, assert_error, http_client

Factory = Callable[..., ServerThread]


def test_faults_are_off_by_default(server_factory: Factory) -> None:
    server = server_factory()
    with http_client(server) as client:
        faults = client.get("/_pacetray/faults").json()
        assert faults == {
            "latency": 0.0,
            "error_rate": 0.0,
            "error_status": 500,
            "rate_limit_rate": 0.0,
            "retry_after": 1,
            "drop_rate": 0.0,
            "seed": None,
        }
        assert all(client.get(T + "current", params=V).status_code == 200 for _ in range(20))


def test_error_status_and_rate_limit(server_factory: Factory) -> None:
    server = server_factory()
    with http_client(server) as client:
        set_faults(server.url, TOKEN, reset=False, error_rate=1.0, error_status=503)
        assert_error(client.get(T + "current", params=V), 503, "UnexpectedError")
        assert client.get("/_pacetray/faults").status_code == 200  # admin paths are exempt
        set_faults(
            server.url, TOKEN, reset=False, error_rate=0.0, rate_limit_rate=1.0, retry_after=3
        )
        response = client.post(T + "startTracking", params=V, json={"remark": "x"})
        assert_error(response, 429, "QuoteExceededError")
        assert response.headers["retry-after"] == "3"
        set_faults(server.url, TOKEN, reset=False, rate_limit_rate=0.0)
        assert client.get(T + "current", params=V).status_code == 200


def test_latency_is_added(server_factory: Factory) -> None:
    server = server_factory()
    with http_client(server) as client:
        set_faults(server.url, TOKEN, reset=False, latency=0.3)
        begin = time.monotonic()
        assert client.get(T + "current", params=V).status_code == 200
        assert time.monotonic() - begin >= 0.3


def test_dropped_connections_reach_the_client_as_protocol_errors(
    server_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = server_factory()
    with http_client(server) as client:
        set_faults(server.url, TOKEN, reset=False, drop_rate=1.0)
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                with pytest.raises(httpx.RemoteProtocolError):
                    client.get(T + "current", params=V)
        # Not a 500 in disguise, and nothing logged as an application error.
        assert not [r for r in caplog.records if "Exception in ASGI" in r.getMessage()]
        set_faults(server.url, TOKEN, reset=False, drop_rate=0.0)
        assert client.get(T + "current", params=V).status_code == 200


def test_seeded_shares_are_reproducible(server_factory: Factory) -> None:
    server = server_factory()

    def run(client: httpx.Client) -> list[int]:
        set_faults(server.url, TOKEN, reset=False, error_rate=0.5, seed=42)
        return [client.get(T + "current", params=V).status_code for _ in range(30)]

    with http_client(server) as client:
        first, second = run(client), run(client)
    assert first == second
    assert set(first) == {200, 500}


def test_initial_faults_come_from_the_config(server_factory: Factory) -> None:
    server = server_factory(faults=FaultConfig(rate_limit_rate=1.0, retry_after=9))
    with http_client(server) as client:
        response = client.get(T + "current", params=V)
        assert response.status_code == 429 and response.headers["retry-after"] == "9"


@pytest.mark.parametrize(
    "body",
    [
        {"nonsense": 1},
        {"error_rate": 2},
        {"error_rate": "half"},
        {"error_status": 200},
        {"latency": -1},
        {"retry_after": 1.5},
        {"seed": "x"},
        [1],
    ],
)
def test_fault_settings_are_validated(server_factory: Factory, body: object) -> None:
    server = server_factory()
    with http_client(server) as client:
        assert_error(client.put("/_pacetray/faults", json=body), 400, "ApiVersionError")
        assert client.get("/_pacetray/faults").json()["error_rate"] == 0.0


async def test_in_process_a_drop_surfaces_as_an_exception(app: Starlette) -> None:
    async with asgi_client(app) as client:
        assert (await client.put("/_pacetray/faults", json={"drop_rate": 1.0})).status_code == 200
        with pytest.raises(DroppedConnection):
            await client.get(T + "current", params=V)
