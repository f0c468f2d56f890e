"""The OpenAPI document, the app's module boundaries, and `serve()`'s binding rules."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from app.server.config import ServerConfig
from app.server.hub.routes import NOT_OFFERED
from app.server.runner import ServerConfigError, ServerInfo, ServerThread, check_bind, serve

from .conftest import TOKEN, T, V, asgi_client

SEED = [
    "current",
    "selected",
    "latest",
    "startTracking",
    "stopTracking",
    "idleCheck",
    "activityCheck",
    "adjust",
    "search",
    "searchByQuery",
]


async def test_openapi_lists_every_path_served(app: Starlette) -> None:
    async with asgi_client(app, token=None) as anonymous:  # no auth needed
        response = await anonymous.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.text)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for name in SEED:
        assert T + name in paths
    for name in (
        "current/{expand}",
        "latest/{count}",
        "stopTracking/{reason}",
        "idleCheck/{selectedOption}",
    ):
        assert T + name in paths
    for path in (
        "/api/rest/me",
        "/api/rest/activityTypes",
        "/api/rest/workLogs",
        "/api/rest/workLogs/{id}",
        "/api/pin/create",
        "/api/pin/status",
        "/token",
    ):
        assert path in paths
    served = {
        (method, r.path)
        for r in app.routes
        if isinstance(r, Route) and r.path != "/api/openapi.json"
        for method in (r.methods or ()) - {"HEAD"}
    }
    documented = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    # The classic HTTP transports answer 400 to anything: named in the hub tag, no operations.
    assert served - NOT_OFFERED == documented
    assert {path for _, path in NOT_OFFERED} == {
        prefix + name
        for prefix in ("/signalr", "/signalr/trackingHub/v3.2")
        for name in ("/connect", "/reconnect", "/poll", "/send")
    }
    # Every $ref resolves inside the document.
    schemas = document["components"]["schemas"]
    refs = {
        part.split('"')[0] for part in response.text.split('"$ref": "#/components/schemas/')[1:]
    }
    refs |= {
        part.split('"')[0] for part in response.text.split('"$ref":"#/components/schemas/')[1:]
    }
    assert refs and refs <= set(schemas)
    start = paths[T + "startTracking"]["post"]
    assert any(p["name"] == "api-version" and p["required"] for p in start["parameters"])
    assert "TrackingState" in schemas and "trackingState" in json.dumps(schemas["Track"])


def test_non_loopback_hosts_need_public_and_a_token(config: ServerConfig) -> None:
    with pytest.raises(ServerConfigError, match="--public"):
        check_bind(replace(config, host="0.0.0.0"))
    with pytest.raises(ServerConfigError, match="--token"):
        check_bind(replace(config, host="0.0.0.0", public=True, token=None))
    check_bind(replace(config, host="0.0.0.0", public=True, token="t"))
    check_bind(replace(config, host="localhost"))
    check_bind(replace(config, host="::1"))


async def test_serve_refuses_a_public_host_before_binding(config: ServerConfig) -> None:
    with pytest.raises(ServerConfigError, match=r"127\.0\.0\.1"):
        await serve(replace(config, host="192.0.2.10"))


async def test_serve_reports_its_port_and_stops_on_cancellation(config: ServerConfig) -> None:
    ready: asyncio.Future[ServerInfo] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(config, ready.set_result))
    info = await asyncio.wait_for(ready, 10)
    assert info.port > 0 and info.url == f"http://127.0.0.1:{info.port}"
    assert info.token == TOKEN
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        response = await client.get(info.url + T + "current", params=V)
        assert response.status_code == 200
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(httpx.ConnectError):
            await client.get(info.url + T + "current", params=V)


def test_a_taken_port_is_a_clear_error(server_factory, config: ServerConfig) -> None:  # type: ignore[no-untyped-def]
    taken = server_factory()
    with pytest.raises(ServerConfigError, match="Cannot listen"):
        ServerThread(replace(config, port=taken.port, data_dir=config.data_dir)).start()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_with_signal_handling_stops_cleanly(config: ServerConfig, sig: int) -> None:
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from app.server.config import ServerConfig\n"
        "from app.server.runner import serve\n"
        f"config = ServerConfig(port=0, token='t', data_dir=Path({str(config.data_dir)!r}))\n"
        "asyncio.run(serve(config, lambda info: print(info.url, flush=True),"
        " handle_signals=True))\n"
        "print('stopped', flush=True)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        url = child.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(
            url + T + "current", params=V, headers={"Authorization": "Bearer t"}
        ).is_success
        child.send_signal(sig)
        out, err = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert out.strip() == "stopped"
    assert "Traceback" not in err
