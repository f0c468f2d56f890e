"""PIN pairing (`/api/pin/create`, `/api/pin/status`) and the OAuth `/token` endpoint (§1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.api.models import PinCreateResponse, PinStatusResponse, TokenResponse
from app.server.auth import CLIENT_ID, OAuthError
from app.server.bodies import Grant, TokenForm, ValueBody
from app.server.endpoints import Endpoint, Services
from app.server.errors import ApiProblem, bad_request
from app.server.parsing import MAX_BODY, json_body

TAG = "auth"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def pin_create(request: Request, s: Services) -> PinCreateResponse:
    pin = s.auth.create_pin()
    return PinCreateResponse(pin=pin.pin, secret=pin.secret)


# pin/status's body, declared once: the secret as a JSON string (checked and documented).
PIN_SECRET = ValueBody(
    "pin/status",
    '"<secret from pin/create>"',
    'The body must be the secret from pin/create as a JSON string: "…".',
    text=True,
)


async def pin_status(request: Request, s: Services) -> PinStatusResponse:
    data = await json_body(request, required=True, example=PIN_SECRET.example)
    return PinStatusResponse(status=s.auth.pin_status(PIN_SECRET.parse(data)))


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise bad_request("The request body is too large.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        data: Any = await json_body(request, required=True, example='{"grant_type": "…"}')
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise OAuthError("invalid_request", "The JSON body must map names to strings.")
        return dict(data)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The form body is not UTF-8.") from None
    return dict(parse_qsl(text, keep_blank_values=True))


async def token(request: Request, s: Services) -> JSONResponse:
    try:
        issued = await _grant(request, s)
    except ApiProblem as problem:
        # OWIN's token endpoint answers every refusal as an OAuth error: 400,
        # {"error", "error_description"} (RFC 6749 §5.2), not 7pace's error body.
        code = problem.code if isinstance(problem, OAuthError) else "invalid_request"
        return JSONResponse(
            {"error": code, "error_description": problem.message},
            status_code=400,
            headers=NO_STORE,
        )
    # Tokens must never be cached by intermediaries (RFC 6749 §5.1).
    return JSONResponse(issued, headers=NO_STORE)


# The /token form, declared once: `_grant` checks with it and the document states it.
TOKEN_FORM = TokenForm(
    {
        "authorization_code": Grant("code", " (the PIN secret)"),
        "refresh_token": Grant("refresh_token"),
    },
    CLIENT_ID,
    "A code or refresh token the server does not know answers 400 invalid_grant.",
)


async def _grant(request: Request, s: Services) -> dict[str, Any]:
    grant_type, secret = TOKEN_FORM.parse(await _form(request))
    if grant_type == "authorization_code":
        return s.auth.exchange_code(secret)
    return s.auth.refresh(secret)


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST",
        "/api/pin/create",
        pin_create,
        "Starts PIN pairing: answers a 6-digit PIN (valid one minute) and a secret.",
        TAG,
        auth="none",
        response=PinCreateResponse,
    ),
    Endpoint(
        "POST",
        "/api/pin/status",
        pin_status,
        "Polls a pairing: body = the secret as a JSON string.",
        TAG,
        auth="none",
        body="string",
        body_required=True,
        body_declared=PIN_SECRET,
        response=PinStatusResponse,
    ),
    Endpoint(
        "POST",
        "/token",
        token,
        "OAuth token endpoint (authorization_code with code=secret, or refresh_token).",
        TAG,
        auth="none",
        api_version=False,
        form=True,
        body_declared=TOKEN_FORM,
        response=TokenResponse,
    ),
]
