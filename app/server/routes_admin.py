"""Admin calls for tests and the command line, guarded by the server's own token."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from app.server.endpoints import Endpoint, Services
from app.server.errors import bad_request, not_found
from app.server.faults import FAULTS
from app.server.parsing import json_body

TAG = "admin"
BASE = "/_pacetray/"


async def get_faults(request: Request, s: Services) -> dict[str, Any]:
    return s.faults.to_json()


async def put_faults(request: Request, s: Services) -> dict[str, Any]:
    data = await json_body(request, required=True, example='{"error_rate": 0.5}')
    try:
        s.faults.update(data)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return s.faults.to_json()


async def approve_pin(request: Request, s: Services) -> dict[str, Any]:
    pin = str(request.path_params["pin"])
    if not s.auth.approve(pin):
        raise not_found(f"PIN {pin} is unknown or has expired; create a new one.")
    return {"pin": pin, "status": "Validated"}


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        BASE + "faults",
        get_faults,
        "The fault injection settings.",
        TAG,
        auth="server",
        api_version=False,
    ),
    Endpoint(
        "PUT",
        BASE + "faults",
        put_faults,
        "Changes fault injection settings (a partial object).",
        TAG,
        auth="server",
        api_version=False,
        body="object",
        body_required=True,
        body_declared=FAULTS,
    ),
    Endpoint(
        "POST",
        BASE + "pins/{pin}/approve",
        approve_pin,
        "Approves a pairing PIN (what a user does on 7pace's Apps page).",
        TAG,
        auth="server",
        api_version=False,
    ),
]
