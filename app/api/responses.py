"""Turning HTTP answers into models or errors.

Everything that can go wrong while reading an answer becomes an `ApiError`; no codec
(`WireError`) or JSON exception escapes. Error messages never quote the answer's values (a token
answer holds tokens).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx

from app.api.errors import (
    ApiError,
    ClientRequestError,
    ForbiddenError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
)
from app.api.models import ErrorBody, unwrap
from app.api.retry import parse_retry_after
from app.api.wire import WireError, WireModel, read, read_value
from app.texts import QT_TRANSLATE_NOOP, marked

M = TypeVar("M", bound=WireModel)
T = TypeVar("T")


def describe(request: httpx.Request) -> str:
    """`GET /api/tracking/client/current` — path only: queries may carry user data."""
    return f"{request.method} {request.url.path}"


def read_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ProtocolError(
            f"The server's answer to {describe(response.request)} is not valid JSON "
            f"({type(exc).__name__}). Check the server address: it should point at a "
            "7pace Timetracker service."
        ) from None


def validate(what: str, payload: Any, validate_fn: Callable[[Any], T]) -> T:
    """Run a validator; any failure becomes a ProtocolError naming `what` was being read."""
    try:
        return validate_fn(unwrap(payload))
    except WireError as exc:
        detail = str(exc)  # the field path and what was found there
    except Exception as exc:  # validators may raise anything on hostile input
        detail = type(exc).__name__
    raise ProtocolError(
        f"The server's answer could not be read as {what} ({detail}). The server may speak "
        "a different API version; check the server address."
    )


def read_model(model: type[M], response: httpx.Response) -> M:
    return validate(model.__name__, read_json(response), model.from_wire)


def read_list(item: type[M], response: httpx.Response) -> list[M]:
    def read_items(payload: Any) -> list[M]:
        items: list[M] = read_value(list[item], payload, ())  # type: ignore[valid-type]
        return items

    return validate(f"a list of {item.__name__}", read_json(response), read_items)


# One whole template per advice (a sentence is translated whole, never glued from parts).
_TEMPLATES = {
    401: QT_TRANSLATE_NOOP(
        "messages",
        "{request} failed: {status} {reason}{detail}. Check the API token "
        "(7pace: Settings > Reporting & API) or pair again.",
    ),
    403: QT_TRANSLATE_NOOP(
        "messages",
        "{request} failed: {status} {reason}{detail}. Your 7pace account may lack the "
        "permission or license for this; ask your admin.",
    ),
    404: QT_TRANSLATE_NOOP(
        "messages",
        "{request} failed: {status} {reason}{detail}. Check the server address (and its path "
        "prefix) and the id you asked for.",
    ),
    429: QT_TRANSLATE_NOOP(
        "messages",
        "{request} failed: {status} {reason}{detail}. The organisation's request quota is "
        "used up; wait and try again.",
    ),
    500: QT_TRANSLATE_NOOP(
        "messages",
        "{request} failed: {status} {reason}{detail}. The server failed; try again later.",
    ),
}
_NO_ADVICE = QT_TRANSLATE_NOOP("messages", "{request} failed: {status} {reason}{detail}.")
_WAIT = QT_TRANSLATE_NOOP(
    "messages",
    "{request} failed: {status} {reason}{detail}. The organisation's request quota is used up; "
    "wait and try again. The server asks to wait {seconds} s.",
)


def error_for(response: httpx.Response, now: Callable[[], datetime] | None = None) -> ApiError:
    """The error a non-2xx answer stands for, with 7pace's errorCode and message if present."""
    status = response.status_code
    code: str | None = None
    server_message: str | None = None
    try:
        body = read(ErrorBody, json.loads(response.content))
        code = body.error.error_code
        server_message = body.error.message or body.error.error_description
    except Exception:  # no usable error body: the status alone tells
        pass
    reason = response.reason_phrase or "HTTP error"
    params: dict[str, object] = {
        "request": describe(response.request),
        "status": status,
        "reason": code or reason,
        "detail": f" ({server_message.strip()[:300]})" if server_message else "",
    }
    template = _TEMPLATES[500] if status >= 500 else _TEMPLATES.get(status, _NO_ADVICE)
    retry_after: float | None = None
    if status == 429:
        header = response.headers.get("Retry-After")
        retry_after = parse_retry_after(header, now() if now and header else None)
        if retry_after is not None:
            template = _WAIT
            params["seconds"] = f"{retry_after:.0f}"
    message = marked(template, **params)
    kwargs: dict[str, Any] = {"server_message": server_message}
    if status == 401:
        return UnauthorizedError(status, code, message, **kwargs)
    if status == 403:
        return ForbiddenError(status, code, message, **kwargs)
    if status == 404:
        return NotFoundError(status, code, message, **kwargs)
    if status == 429:
        return RateLimitedError(status, code, message, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(status, code, message, **kwargs)
    if 400 <= status < 500:
        return ClientRequestError(status, code, message, **kwargs)
    # 1xx/3xx: redirects are not followed (they would carry the token elsewhere).
    return ProtocolError(
        f"{describe(response.request)}: unexpected answer {status} {reason}. "
        "Check the server address (a redirect often means a login page or the wrong URL)."
    )


def raise_for_status(response: httpx.Response, now: Callable[[], datetime] | None = None) -> None:
    if not 200 <= response.status_code < 300:
        raise error_for(response, now)
