"""The OpenAPI 3.1 document of what this server serves, built from its route table."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.models import API_VERSION, ErrorBody
from app.server.endpoints import Endpoint

REF = "#/components/schemas/{model}"


def _models(endpoints: list[Endpoint]) -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {"ErrorBody": ErrorBody}
    for ep in endpoints:
        for model in (ep.body, ep.response):
            if isinstance(model, type) and issubclass(model, BaseModel):
                found[model.__name__] = model
    return list(found.values())


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(ep: Endpoint) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", ep.path)
    ]
    params += [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": {"type": q.type},
        }
        for q in ep.query
    ]
    if ep.api_version:
        params.append(
            {
                "name": "api-version",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "enum": [API_VERSION]},
            }
        )
    op: dict[str, Any] = {
        "summary": ep.summary,
        "tags": [ep.tag],
        "operationId": f"{ep.method.lower()}_{re.sub(r'[^A-Za-z0-9]+', '_', ep.path).strip('_')}",
        "parameters": params,
    }
    if ep.auth == "none":
        op["security"] = []
    elif ep.auth == "server":
        op["description"] = "Needs the server's own API token."
    if ep.form:
        op["requestBody"] = {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            name: {"type": "string"}
                            for name in ("client_id", "grant_type", "code", "refresh_token")
                        },
                        "required": ["grant_type"],
                    }
                }
            },
        }
    elif ep.body is not None:
        body_schema = _ref(ep.body) if isinstance(ep.body, type) else {"type": ep.body}
        op["requestBody"] = {
            "required": ep.body_required,
            "content": {"application/json": {"schema": body_schema}},
        }
    answer: dict[str, Any] = {"type": "object"}
    if ep.response is not None:
        answer = _ref(ep.response)
        if ep.response_list:
            answer = {"type": "array", "items": answer}
    if ep.envelope:
        answer = {"type": "object", "properties": {"data": answer}, "required": ["data"]}
    error = {"content": {"application/json": {"schema": _ref(ErrorBody)}}}
    op["responses"] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": answer}}},
        "400": {"description": "Bad request (ApiVersionError, validation codes)", **error},
        "404": {"description": "Not found (EntityNotFound)", **error},
    }
    if ep.auth != "none":
        op["responses"]["401"] = {"description": "Unauthorized (UnauthorizedError)", **error}
    return op


def build_openapi(endpoints: list[Endpoint]) -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(model, "serialization") for model in _models(endpoints)],
        ref_template=REF,
        by_alias=True,
    )
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pacetray local Timetracker server",
            "version": API_VERSION,
            "description": "The 7pace Timetracker Tracking API 3.2 as served by `pacetray serve`.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
