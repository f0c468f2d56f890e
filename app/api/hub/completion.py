"""Hub call errors → the REST error classes.

The server puts 7pace's error code in front of the message: `"EntityNotFound: no work item
4711"`. The code picks the class a REST answer with that code would have raised, so callers
handle both transports alike. Classic SignalR may also send error data (`D`) with
`errorCode`/`statusCode`; it is used when present.
"""

from __future__ import annotations

import re
from typing import Any

from app.api.errors import (
    ApiError,
    ClientRequestError,
    ForbiddenError,
    HttpStatusError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
)

_CODE_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]{2,63}):\s*(.*)$", re.DOTALL)

# 7pace error code → the HTTP status REST answers it with (tracking-api.md §3).
STATUS_OF: dict[str, int] = {
    "UnauthorizedError": 401,
    "AccessDenied": 403,
    "ApiDisabled": 403,
    "LicenseReadOnly": 403,
    "EntityNotFound": 404,
    "WorkLogIsRunning": 409,
    "QuoteExceededError": 429,
    "UnexpectedError": 500,
    "UnknownError": 500,
}

_ADVICE = {
    401: "Check the API token (7pace: Settings > Reporting & API) or pair again.",
    403: "Your 7pace account may lack the permission or license for this; ask your admin.",
    404: "Check the id you asked for.",
    429: "The organisation's request quota is used up; wait and try again.",
    500: "The server failed; try again later.",
}


def split_code(text: str) -> tuple[str | None, str]:
    """`"EntityNotFound: gone"` → (`EntityNotFound`, `gone`); no code → (None, text)."""
    match = _CODE_RE.match(text)
    if match is None or " " in match.group(1):
        return None, text.strip()
    return match.group(1), match.group(2).strip()


def hub_error(method: str, text: str, data: Any = None) -> ApiError:
    code, server_message = split_code(text)
    status: int | None = None
    if isinstance(data, dict):
        code = data.get("errorCode") if isinstance(data.get("errorCode"), str) else code
        raw_status = data.get("statusCode")
        if isinstance(raw_status, int) and not isinstance(raw_status, bool):
            status = raw_status
    if status is None:
        # Unknown codes are validation codes (WorkItemIdOrCommentRequired, ApiVersionError,
        # …): 400. No code at all is SignalR's own "failed to invoke": the server failed.
        status = STATUS_OF.get(code, 400) if code else 500
    head = f"hub call {method} failed: {status} {code or 'error'}"
    if server_message:
        head += f" ({server_message[:300]})"
    advice = _ADVICE[500] if status >= 500 else _ADVICE.get(status)
    message = f"{head}. {advice}" if advice else f"{head}."
    cls: type[HttpStatusError]
    if status == 401:
        cls = UnauthorizedError
    elif status == 403:
        cls = ForbiddenError
    elif status == 404:
        cls = NotFoundError
    elif status == 429:
        return RateLimitedError(status, code, message, server_message=server_message or None)
    elif status >= 500:
        cls = ServerError
    else:
        cls = ClientRequestError
    return cls(status, code, message, server_message=server_message or None)
