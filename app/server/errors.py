"""7pace error answers: `{"error": {statusCode, errorCode, errorDescription, message}}`.

Codes follow tracking-api.md §3. Decisions of this server where 7pace documents nothing:
- Every malformed request (missing/unknown api-version, a parameter or body of the wrong type,
  an invalid GUID, malformed JSON) answers 400 `ApiVersionError`: 7pace documents that code for
  "a missing or unsupported version, or a parameter of the wrong type".
- Unknown work items, activity types, work logs and routes answer 404 `EntityNotFound`.
- A wrong method answers 405 `UnexpectedError` naming the allowed methods.
- PATCHing the length of, or DELETEing, a work log still being tracked answers 409
  `WorkLogIsRunning`.
- A request body over the server's limit (1 MiB) answers 413 `RequestTooLarge` before it is
  read (7pace documents no code for this).
- `/token` answers refusals as OWIN's token endpoint does: 400 with the OAuth error body
  `{"error": "invalid_grant", "error_description": "…"}` (RFC 6749 §5.2).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

API_VERSION_ERROR = "ApiVersionError"
ENTITY_NOT_FOUND = "EntityNotFound"
UNAUTHORIZED = "UnauthorizedError"
ACCESS_DENIED = "AccessDenied"
UNEXPECTED = "UnexpectedError"
QUOTA_EXCEEDED = "QuoteExceededError"
WORK_ITEM_OR_COMMENT_REQUIRED = "WorkItemIdOrCommentRequired"
LENGTH_REQUIRED = "LengthIsRequired"
LENGTH_POSITIVE = "LengthMustBePositive"
WORK_LOG_RUNNING = "WorkLogIsRunning"
REQUEST_TOO_LARGE = "RequestTooLarge"

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class ApiProblem(Exception):
    """Raised anywhere in the server to answer with a 7pace error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(message: str, code: str = API_VERSION_ERROR) -> ApiProblem:
    return ApiProblem(400, code, message)


def not_found(message: str) -> ApiProblem:
    return ApiProblem(404, ENTITY_NOT_FOUND, message)


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "statusCode": status,
            "errorCode": code,
            "errorDescription": _DESCRIPTIONS.get(status, "Error"),
            "message": message,
        }
    }


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def problem_response(problem: ApiProblem) -> JSONResponse:
    return error_response(problem.status, problem.code, problem.message, problem.headers)
