"""One error tree for everything the API client can run into.

Every class carries a user-facing `.message` (what went wrong and what to do). Messages are built
from status codes, 7pace error codes and server messages only, never from request headers, so a
token cannot end up in one.

The messages a tray user meets are built with `app.texts.marked(template, **params)`: the error
then also carries the marked `template` and its `params`, so the UI can show it translated
(`.message` stays the English text for the CLI and the log). Others carry `template = None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.texts import Marked

if TYPE_CHECKING:
    from app.api.models import TrackingState


class ApiError(Exception):
    """Base of every error the client raises."""

    def __init__(self, message: str | Marked) -> None:
        text = message.message if isinstance(message, Marked) else message
        super().__init__(text)
        self.message = text
        self.template: str | None = message.template if isinstance(message, Marked) else None
        self.params: Mapping[str, object] = message.params if isinstance(message, Marked) else {}


class ConnectionFailed(ApiError):
    """No answer: refused, reset, DNS failure, connection dropped mid-request.

    `sent` is False only when the request provably never reached the server (connect failed),
    which is the one case where even a write may be sent again.
    """

    def __init__(self, message: str | Marked, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class RequestTimeout(ApiError):
    """The server did not answer in time."""

    def __init__(self, message: str | Marked, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class DeadlineExceeded(RequestTimeout):
    """The request's overall deadline ran out (a stalled or drip-feeding server). Not retried:
    another attempt would spend the same budget again while every later call waits."""


class ProtocolError(ApiError):
    """The server answered, but not in a form we understand."""


class AnswerTooLarge(ProtocolError):
    """The answer grew past the client's size cap; it was cut off unread."""


class InvalidUrlError(ApiError):
    """A server address that cannot be used."""


class InsecureUrlError(InvalidUrlError):
    """Plain http:// to a host that is not this machine."""


class PairingError(ApiError):
    """PIN pairing did not complete (PIN rejected, expired or never confirmed)."""


class HttpStatusError(ApiError):
    """A non-2xx answer. `error_code` is 7pace's `errorCode` when the body carried one."""

    def __init__(
        self,
        status: int,
        error_code: str | None,
        message: str | Marked,
        *,
        server_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.server_message = server_message


class UnauthorizedError(HttpStatusError):
    """401: the token is missing, wrong, expired or revoked."""


class ForbiddenError(HttpStatusError):
    """403: the user may not do this (license, permissions, API disabled)."""


class NotFoundError(HttpStatusError):
    """404: wrong address or an unknown entity."""


class RateLimitedError(HttpStatusError):
    """429: over the organisation's request quota; `retry_after` in seconds when known."""

    def __init__(
        self,
        status: int,
        error_code: str | None,
        message: str | Marked,
        *,
        server_message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(status, error_code, message, server_message=server_message)
        self.retry_after = retry_after


class ServerError(HttpStatusError):
    """5xx: the server failed."""


class ClientRequestError(HttpStatusError):
    """Any other 4xx; `error_code` names 7pace's reason (ApiVersionError, ...)."""


class SoftError(ApiError):
    """A 200 whose `trackSettings.responseState` is Error or AuthError: nothing was done."""

    def __init__(self, message: str | Marked, state: TrackingState) -> None:
        super().__init__(message)
        self.state = state


class HubNotConnected(ConnectionFailed):
    """A hub call while the hub is not connected; nothing was sent: use REST instead."""

    def __init__(self, message: str | Marked) -> None:
        super().__init__(message, sent=False)


class HubUnavailable(ApiError):
    """The server has no SignalR hub (negotiate answered 404 for both protocols)."""
