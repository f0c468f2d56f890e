"""`create_app(config)`: the local Timetracker server as a Starlette app.

Works without lifespan (httpx.ASGITransport): every request first advances the state machine
to "now". With lifespan (uvicorn), a clock task also advances it every ~0.2 s (divided by the
clock speed), so activity checks and auto-stops happen without any request.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from app.server import routes_admin, routes_auth, routes_rest, routes_tracking
from app.server.auth import TokenAuthority, load_or_create_token
from app.server.clock import Clock, clock_for
from app.server.config import ServerConfig
from app.server.demo import DemoOrg
from app.server.endpoints import Endpoint, Services, route
from app.server.engine import Engine, EngineSettings
from app.server.errors import ENTITY_NOT_FOUND, UNEXPECTED, error_response
from app.server.faults import FaultMiddleware, FaultState
from app.server.hub.routes import SECURITY_SCHEMES as HUB_SECURITY_SCHEMES
from app.server.hub.routes import TAG as HUB_TAG
from app.server.hub.routes import TAG_DESCRIPTION as HUB_TAG_DESCRIPTION
from app.server.hub.routes import hub_routes
from app.server.hub.routes import openapi_paths as hub_openapi_paths
from app.server.hub.service import Hub
from app.server.limits import BodyLimitMiddleware
from app.server.openapi import build_openapi
from app.server.store import Store
from app.server.tracking_calls import CALLS

log = logging.getLogger("app.server")
DB_NAME = "server.sqlite3"

ENDPOINTS: list[Endpoint] = [
    *routes_tracking.ENDPOINTS,
    *routes_rest.ENDPOINTS,
    *routes_auth.ENDPOINTS,
    *routes_admin.ENDPOINTS,
]


@functools.cache
def _openapi() -> dict[str, Any]:
    document = build_openapi(ENDPOINTS)
    document["paths"].update(hub_openapi_paths())
    document["components"]["securitySchemes"].update(HUB_SECURITY_SCHEMES)
    document["tags"] = [{"name": HUB_TAG, "description": HUB_TAG_DESCRIPTION}]
    return document


def resolve_data_dir(config: ServerConfig) -> Path:
    # No default here: the user's data dir (and PACETRAY_DATA_DIR) is settings' business,
    # which the server does not import; app.local_server chooses it for serve and the tray.
    if config.data_dir is None:
        raise ValueError("ServerConfig.data_dir is not set (see app.local_server.with_data_dir)")
    return Path(config.data_dir)


class PacetrayApp(Starlette):
    """Starlette with the fault middleware OUTSIDE its error middleware, so an injected
    dropped connection is never turned into a 500; the body limit outermost of all, so an
    oversized body is refused before anything reads it."""

    def build_middleware_stack(self) -> ASGIApp:
        services: Services = self.state.services
        faults = FaultMiddleware(super().build_middleware_stack(), services.faults)
        return BodyLimitMiddleware(faults)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(
            404,
            ENTITY_NOT_FOUND,
            f"There is no {request.url.path}; GET /api/openapi.json lists the paths served.",
        )
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; a path served by
        # several routes (GET and POST workLogs) allows all of their methods.
        allowed = _allowed(request) or (exc.headers or {}).get("Allow", "")
        return error_response(
            405,
            UNEXPECTED,
            f"{request.method} is not allowed on {request.url.path}; use {allowed}.",
            {"Allow": allowed},
        )
    return error_response(exc.status_code, UNEXPECTED, str(exc.detail))


def _allowed(request: Request) -> str:
    methods: set[str] = set()
    for candidate in request.app.routes:
        route_ok = isinstance(candidate, Route) and candidate.methods
        if route_ok and candidate.path_regex.match(request.url.path):
            methods |= candidate.methods
    return ", ".join(sorted(methods))


async def _clock_task(engine: Engine, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            engine.advance()
        except Exception:  # keep ticking: one bad tick must not stop the server's clock
            log.exception("clock tick failed")


def create_app(config: ServerConfig, *, clock: Clock | None = None) -> Starlette:
    data_dir = resolve_data_dir(config)
    data_dir.mkdir(parents=True, exist_ok=True)
    token = config.token or load_or_create_token(data_dir)
    clock = clock or clock_for(config.clock_speed)
    store = Store(data_dir / DB_NAME)
    engine = Engine(
        clock,
        store,
        DemoOrg(with_work_items=config.demo_data),
        EngineSettings(
            activity_check_interval=config.activity_check_interval,
            activity_check_wait=config.activity_check_wait,
            max_track=config.max_track,
        ),
    )
    services = Services(
        config=config,
        clock=clock,
        store=store,
        engine=engine,
        auth=TokenAuthority(
            store,
            token,
            access_ttl=config.access_token_ttl,
            refresh_ttl=config.refresh_token_ttl,
            pin_ttl=config.pin_ttl,
            approve_pins=config.approve_pins,
        ),
        faults=FaultState(config.faults),
        token=token,
    )

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(_openapi())

    hub = Hub(services, CALLS)
    tick = max(0.01, config.tick_interval / max(clock.speed, 1.0))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(_clock_task(engine, tick), name="pacetray-server-clock")
        try:
            yield
        finally:
            hub.registry.close_all("the server is stopping")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    routes: list[BaseRoute] = [route(ep) for ep in ENDPOINTS]
    routes.append(Route("/api/openapi.json", openapi_json, methods=["GET"]))
    routes.extend(hub_routes(hub))
    app = PacetrayApp(
        routes=routes,
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.hub = hub
    return app


def services_of(app: Starlette) -> Services:
    services: Services = app.state.services
    return services


def hub_of(app: Starlette) -> Hub:
    hub: Hub = app.state.hub
    return hub
