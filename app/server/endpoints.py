"""The route table's building blocks: one `Endpoint` per (method, path), shared by the router
and the OpenAPI document, and the wrapper that runs auth, api-version and the lazy clock."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.models import WireModel
from app.api.wire import dump as dump_wire
from app.server.auth import TokenAuthority
from app.server.bodies import BodyRules, DeclaredBody
from app.server.clock import Clock
from app.server.config import ServerConfig
from app.server.engine import Engine
from app.server.errors import (
    UNEXPECTED,
    ApiProblem,
    bad_request,
    error_response,
    problem_response,
)
from app.server.faults import FaultState
from app.server.parsing import (
    BOOL_PATTERN,
    DATE_TIME_PATTERN,
    check_api_version,
    parse_bool,
    parse_date,
    parse_int,
)
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
    """A query (or path) parameter: its OpenAPI schema AND its validation, from one
    declaration (`schema()` for the document, `parse()` for the request)."""

    name: str
    type: str  # JSON schema type: "integer", "boolean" or "string"
    description: str
    required: bool = False
    minimum: int | None = None  # integers
    maximum: int | None = None
    format: str | None = None  # strings: "date-time"

    def schema(self) -> dict[str, Any]:
        if self.type == "integer":
            schema: dict[str, Any] = {"type": "integer"}
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
            return schema
        if self.type == "boolean":
            return {"type": "string", "pattern": BOOL_PATTERN}
        if self.format == "date-time":  # what parse_date reads, offset optional
            return {"type": "string", "pattern": DATE_TIME_PATTERN}
        return {"type": "string", "minLength": 1}

    def parse(self, text: str | None) -> Any:
        """The value, or None when absent; a 400 naming the parameter when malformed."""
        if text is None:
            if self.required:
                raise bad_request(f"{self.name} is required: {self.description}.")
            return None
        if self.type == "integer":
            low = self.minimum if self.minimum is not None else -(10**18)
            high = self.maximum if self.maximum is not None else 10**18
            return parse_int(text, self.name, low=low, high=high)
        if self.type == "boolean":
            return parse_bool(text, self.name)
        if self.format == "date-time":
            return parse_date(text, self.name)
        if not text:
            raise bad_request(f"{self.name} must not be empty: {self.description}.")
        return text


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
    path_params: tuple[QueryParam, ...] = ()  # the path parameters' declarations, by name
    body: type[WireModel] | str | None = None  # a model, or a JSON schema type name
    body_required: bool = False
    form: bool = False
    response: type[WireModel] | None = None
    response_list: bool = False
    response_schema: dict[str, Any] | None = None  # replaces the answer's schema in the document
    # Statuses this route can answer besides 200, 400, 401 (with auth), 404, 405, 413, 429
    # and 500, which every route can: e.g. 409 for PATCHing a running work log.
    statuses: tuple[int, ...] = ()
    body_schema: dict[str, Any] | None = None  # replaces the body's schema in the document
    # The body's rules beyond its model's types: the handler binds with them and the
    # document states them (app/server/bodies.py), one declaration for both.
    body_rules: BodyRules[Any] | None = None
    # A body that is no model (a bare JSON value, a form, the fault settings): the declaration
    # its handler checks with, whose `schema()` the document states.
    body_declared: DeclaredBody | None = None


def dump(result: Any) -> Any:
    if isinstance(result, WireModel):
        return dump_wire(result)  # null fields written as null, as 7pace does
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
