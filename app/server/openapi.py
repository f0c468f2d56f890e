"""The OpenAPI 3.1 document of what this server serves, built from its route table."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from app.api.models import API_VERSION, ErrorBody, WireModel
from app.server.endpoints import Endpoint, QueryParam
from app.server.wire_schema import pydantic_model

REF = "#/components/schemas/{model}"


# Every route can answer these (besides 200): malformed input, unknown entities, a body over
# the limit (app/server/limits.py), and, with the test fault switch on, 429 and 500.
COMMON = {
    "400": "Bad request (ApiVersionError, validation codes)",
    "404": "Not found (EntityNotFound)",
    "413": "Request body over 1 MiB (RequestTooLarge)",
    "429": "Too many requests (QuoteExceededError; see Retry-After)",
    "500": "Server error (UnexpectedError)",
}
EXTRA = {
    401: "Unauthorized (UnauthorizedError)",
    409: "Conflict with the current state: WorkLogIsRunning (stop tracking before changing "
    "the length or deleting the work log), WorkItemIdOrCommentRequired (the change would "
    "leave neither a work item nor a comment; or a start without tfsId and remark while "
    "nothing is selected)",
}
OAUTH_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
    "required": ["error"],
}
# Request bodies are bound as 7pace binds them: unknown fields are ignored, so the document
# allows them (the shared models forbid them for our own client's requests).
BEARER = {"type": "http", "scheme": "bearer"}
# How a token is minted (tracking-api.md §1): an OAuth code flow with a PIN instead of a
# browser. Its tokenUrl names /token as the operation that grants credentials, so a
# well-formed request with a code or refresh token the server does not know is rightly
# refused (400 invalid_grant, RFC 6749 §5.2).
PIN_PAIRING = {
    "type": "oauth2",
    "description": "PIN pairing: POST /api/pin/create gives a PIN and a secret; once the user "
    "has approved the PIN (7pace's Apps page; the local server approves by itself or through "
    "POST /_pacetray/pins/{pin}/approve), POST /token with grant_type=authorization_code and "
    "code=<secret>. The access token it answers is sent as the bearer token.",
    "flows": {
        "authorizationCode": {
            "authorizationUrl": "/api/pin/create",
            "tokenUrl": "/token",
            "refreshUrl": "/token",
            "scopes": {},
        }
    },
}


def _models(endpoints: list[Endpoint]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """The (derived pydantic) models the document states, each with the mode it is used in."""
    found: dict[tuple[str, str], tuple[type[BaseModel], JsonSchemaMode]] = {
        ("ErrorBody", "serialization"): (pydantic_model(ErrorBody), "serialization")
    }
    for ep in endpoints:
        if isinstance(ep.body, type) and issubclass(ep.body, WireModel):
            found[(ep.body.__name__, "validation")] = (pydantic_model(ep.body), "validation")
        if ep.body_rules is not None:
            model = ep.body_rules.model
            found[(model.__name__, "validation")] = (pydantic_model(model), "validation")
        if isinstance(ep.response, type) and issubclass(ep.response, WireModel):
            found[(ep.response.__name__, "serialization")] = (
                pydantic_model(ep.response),
                "serialization",
            )
    return list(found.values())


Refs = dict[tuple[Any, JsonSchemaMode], dict[str, Any]]


def _param(where: str, q: QueryParam, required: bool) -> dict[str, Any]:
    return {
        "name": q.name,
        "in": where,
        "required": required,
        "description": q.description,
        "schema": q.schema(),
    }


def _operation(ep: Endpoint, refs: Refs, definitions: dict[str, Any]) -> dict[str, Any]:
    declared = {q.name: q for q in ep.path_params}
    params: list[dict[str, Any]] = []
    for name in re.findall(r"{(\w+)}", ep.path):
        if name in declared:
            params.append(_param("path", declared[name], True))
        else:
            params.append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
    params += [_param("query", q, q.required) for q in ep.query]
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
        assert ep.body_declared is not None, f"{ep.path}: a form is declared (TokenForm)"
        form = ep.body_declared.schema()
        op["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": form}},
        }
    elif ep.body is not None:
        if ep.body_declared is not None:
            body_schema = ep.body_declared.schema()
        elif ep.body_schema is not None:
            body_schema = ep.body_schema
        elif ep.body_rules is not None:
            name = refs[(pydantic_model(ep.body_rules.model), "validation")]["$ref"]
            name = name.rsplit("/", 1)[1]
            body_schema = ep.body_rules.schema(definitions[name])
        elif isinstance(ep.body, type):
            body_schema = refs[(pydantic_model(ep.body), "validation")]
        else:
            body_schema = {"type": ep.body}
        op["requestBody"] = {
            "required": ep.body_required,
            "content": {"application/json": {"schema": body_schema}},
        }
    answer: dict[str, Any] = {"type": "object"}
    if ep.response is not None:
        answer = refs[(pydantic_model(ep.response), "serialization")]
        if ep.response_list:
            answer = {"type": "array", "items": answer}
    if ep.response_schema is not None:
        answer = ep.response_schema
    if ep.envelope:
        answer = {"type": "object", "properties": {"data": answer}, "required": ["data"]}
    error_schema = OAUTH_ERROR if ep.form else refs[(pydantic_model(ErrorBody), "serialization")]
    error = {"content": {"application/json": {"schema": error_schema}}}
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": answer}}},
    }
    statuses = set(ep.statuses) | ({401} if ep.auth != "none" else set())
    for code, text in sorted({**COMMON, **{str(c): EXTRA[c] for c in statuses}}.items()):
        responses[code] = {"description": text, **error}
    op["responses"] = responses
    return op


def build_openapi(endpoints: list[Endpoint]) -> dict[str, Any]:
    refs, schemas = models_json_schema(_models(endpoints), ref_template=REF, by_alias=True)
    definitions = schemas.get("$defs", {})
    for (_model, mode), ref in refs.items():
        if mode == "validation":  # a request body: unknown fields are ignored, not refused
            definitions[ref["$ref"].rsplit("/", 1)[1]].pop("additionalProperties", None)
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep, dict(refs), definitions)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pacetray local Timetracker server",
            "version": API_VERSION,
            "description": "The 7pace Timetracker Tracking API 3.2 as served by `pacetray serve`.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": definitions,
            "securitySchemes": {"bearer": BEARER, "pinPairing": PIN_PAIRING},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
