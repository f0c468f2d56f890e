"""The hub's method table: the tracking calls plus `ping`, looked up ignoring case, run with the
REST semantics on the same engine, errors turned into 7pace error codes.

Error strings have one parseable form for both protocols: `"<ErrorCode>: <message>"`, e.g.
`"EntityNotFound: Work item 99999 does not exist."`; classic results carry the 7pace error object
as well (`D`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.server.endpoints import Services, dump
from app.server.errors import ENTITY_NOT_FOUND, UNEXPECTED, ApiProblem, bad_request, error_body

log = logging.getLogger("app.server.hub")

PONG = "pong"


@dataclass(frozen=True)
class HubError(Exception):
    """A failed invocation: 7pace's error code and message, and the HTTP status REST uses."""

    code: str
    message: str
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def detail(self) -> dict[str, Any]:
        """The 7pace error object, as REST's body holds it under `error`."""
        detail: dict[str, Any] = error_body(self.status, self.code, self.message)["error"]
        return detail

    @classmethod
    def of(cls, problem: ApiProblem) -> HubError:
        return cls(problem.code, problem.message, problem.status)


def _ping(services: Services) -> str:
    return PONG


def _arity(signature: inspect.Signature) -> str:
    """ "1 argument", "0 or 1 arguments": what a method takes besides the services."""
    params = list(signature.parameters.values())[1:]
    most = len(params)
    least = sum(1 for p in params if p.default is inspect.Parameter.empty)
    counted = (
        f"{least}"
        if least == most
        else f"{least} or {most}"
        if most - least == 1
        else f"{least} to {most}"
    )
    return f"{counted} argument{'' if most == 1 and least == 1 else 's'}"


@dataclass(frozen=True)
class _Method:
    name: str
    fn: Callable[..., Any]
    signature: inspect.Signature


class Dispatcher:
    def __init__(self, services: Services, calls: Mapping[str, Callable[..., Any]]) -> None:
        self._services = services
        table = {**calls, "ping": _ping}
        self._methods = {
            name.lower(): _Method(name, fn, inspect.signature(fn)) for name, fn in table.items()
        }
        self.names = sorted(table)

    def invoke(self, target: Any, arguments: Any) -> Any:
        """Runs one call; returns its JSON-ready result or raises HubError (never anything else)."""
        try:
            if not isinstance(target, str) or not target:
                raise HubError(UNEXPECTED, "The invocation names no method (target).")
            method = self._methods.get(target.lower())
            if method is None:
                raise HubError(
                    ENTITY_NOT_FOUND,
                    f"The hub has no method {target[:100]!r}; it has {', '.join(self.names)}.",
                    404,
                )
            if not isinstance(arguments, list):
                raise bad_request("The arguments must be a JSON array.")
            try:
                method.signature.bind(self._services, *arguments)
            except TypeError:
                raise bad_request(
                    f"{method.name} takes {_arity(method.signature)}, not {len(arguments)}."
                ) from None
            self._services.engine.advance()  # lazy clock, as REST's endpoints.wrap does
            return dump(method.fn(self._services, *arguments))
        except HubError:
            raise
        except ApiProblem as problem:
            raise HubError.of(problem) from None
        except Exception:
            log.exception("hub method %r failed", target)
            raise HubError(
                UNEXPECTED, "The server failed unexpectedly; see its log for details.", 500
            ) from None
