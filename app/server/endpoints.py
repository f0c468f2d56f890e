"""The route table's building blocks: one `Endpoint` per (method, path), shared by the router
and the OpenAPI document, and the wrapper that runs auth, api-version and the lazy clock."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.server.auth import TokenAuthority
from app.server.clock import Clock
from app.server.config import ServerConfig
from app.server.engine import Engine
from app.server.errors import UNEXPECTED, ApiProblem, error_response, problem_response
from app.server.faults import FaultState
from app.server.parsing import check_api_version
from app.server.store import Store

log = logging.getLogger("app.server")


@dataclass
class Services:
    config: ServerConfig
    clock: Clock
    store: Store
    engine: Engine
    auth: TokenAuthority
    faults: FaultState
    token: str = field(repr=False)

    def close(self) -> None:
        self.store.close()


Handler = Callable[[Request, Services], Awaitable[Any]]
AuthKind = Literal["user", "server", "none"]


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str  # JSON schema type
    description: str
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: AuthKind = "user"
    api_version: bool = True
    envelope: bool = False  # the REST family wraps answers as {"data": …}
    query: tuple[QueryParam, ...] = ()
    body: type[BaseModel] | str | None = None  # a model, or a JSON schema type name
    body_required: bool = False
    form: bool = False
    response: type[BaseModel] | None = None
    response_list: bool = False


def dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True)
    if isinstance(result, list):
        return [dump(item) for item in result]
    return result


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def wrap(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        services = services_of(request)
        try:
            header = request.headers.get("authorization")
            if endpoint.auth == "user":
                services.auth.require_user(header)
            elif endpoint.auth == "server":
                services.auth.require_server(header)
            if endpoint.api_version:
                check_api_version(request)
            services.engine.advance()  # lazy clock: catch up before answering
            result = await endpoint.handler(request, services)
        except ApiProblem as problem:
            return problem_response(problem)
        except Exception:
            log.exception("unexpected error in %s %s", endpoint.method, endpoint.path)
            return error_response(
                500, UNEXPECTED, "The server failed unexpectedly; see its log for details."
            )
        if isinstance(result, Response):
            return result
        payload = dump(result)
        return JSONResponse({"data": payload} if endpoint.envelope else payload)

    return run


def route(endpoint: Endpoint) -> Route:
    return Route(endpoint.path, wrap(endpoint), methods=[endpoint.method])
