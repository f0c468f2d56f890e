"""The one place where requests leave the client: httpx errors are wrapped here, and here only.

`ApiSession` owns the `httpx.AsyncClient`, builds requests in their exact wire form (query
strings are assembled by hand so `$expand` stays `$expand`, bodies are pre-encoded bytes) and
applies the retry policy. Every attempt is bounded twice: an overall deadline from connect to
the last byte (httpx's own timeouts are per read, so a server dripping one byte at a time
would hold a request forever) and a size cap on the answer, read as a stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from app import __version__
from app.api.errors import (
    AnswerTooLarge,
    ApiError,
    ConnectionFailed,
    DeadlineExceeded,
    ProtocolError,
    RequestTimeout,
)
from app.api.responses import describe, raise_for_status
from app.api.retry import RetryPolicy
from app.api.urls import normalize_base_url
from app.texts import QT_TRANSLATE_NOOP, marked

log = logging.getLogger("app.api")

Sleep = Callable[[float], Awaitable[Any]]
Query = Sequence[tuple[str, str]]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
USER_AGENT = f"pacetray/{__version__}"

DEFAULT_DEADLINE = 30.0  # seconds for one attempt, connect to last byte
# Far above the largest real answer (500 work logs are about 0.3 MiB).
MAX_ANSWER_BYTES = 8 * 1024 * 1024

# A shorter budget for the calls made inside `deadline(...)` (e.g. an activity-check answer
# that is worthless once the check's countdown has run out).
_deadline_override: ContextVar[float | None] = ContextVar("pacetray_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Requests sent inside this block (same task) get at most `seconds` each."""
    current = _deadline_override.get()
    token = _deadline_override.set(seconds if current is None else min(current, seconds))
    try:
        yield
    finally:
        _deadline_override.reset(token)


def _size(limit: int) -> str:
    mib = limit / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{limit // 1024} KiB"


def local_now() -> datetime:
    """Aware local time; its utcoffset() is the DST-correct offset at this moment."""
    return datetime.now().astimezone()


def json_body(value: Any) -> bytes:
    """Compact UTF-8 JSON, the bytes as sent."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def form_body(fields: Sequence[tuple[str, str]]) -> bytes:
    return urlencode(list(fields)).encode()


def build_target(path: str, query: Query = ()) -> str:
    """Relative target `api/...?$k=v&...`: `$` and `-` unescaped, values percent-encoded."""
    target = path.lstrip("/")
    if query:
        target += "?" + "&".join(f"{quote(k, safe='$')}={quote(v, safe='')}" for k, v in query)
    return target


class ApiSession:
    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        deadline: float = DEFAULT_DEADLINE,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if deadline <= 0 or max_answer_bytes <= 0:
            raise ValueError("deadline and max_answer_bytes must be positive")
        self.now = now if now is not None else local_now
        self.base_url = normalize_base_url(base_url)
        self.deadline = deadline
        self.max_answer_bytes = max_answer_bytes
        self.retry = retry if retry is not None else RetryPolicy()
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # a redirect would carry the Authorization header away
            headers={"User-Agent": USER_AGENT, "Accept": JSON},
            trust_env=False,
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The one client (base URL, auth, transport, TLS, proxies), for the hub's WebSocket."""
        return self._http

    async def aclose(self) -> None:
        await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: bytes | None = None,
        content_type: str | None = None,
        idempotent: bool,
        authenticate: bool = True,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        """Send with retries (`retry` overrides the session's policy); a 2xx or an ApiError."""
        policy = self.retry if retry is None else retry
        attempt = 1
        while True:
            request = self._http.build_request(
                method,
                build_target(path, query),
                content=body,
                headers={"Content-Type": content_type} if content_type else None,
            )
            try:
                response = await self._send(request, authenticate=authenticate)
                raise_for_status(response, self.now)
                return response
            except ApiError as exc:
                delay = policy.delay(attempt, exc, idempotent=idempotent)
                if delay is None:
                    raise
                log.info(
                    "%s: %s; attempt %d failed, retrying in %.2f s",
                    describe(request),
                    type(exc).__name__,
                    attempt,
                    delay,
                )
                await self._sleep(delay)
                attempt += 1

    async def _send(self, request: httpx.Request, *, authenticate: bool) -> httpx.Response:
        """THE send site: every httpx exception becomes an ApiError here; the whole exchange
        runs under one deadline and the answer is read as a stream, capped."""
        what = describe(request)
        override = _deadline_override.get()
        budget = self.deadline if override is None else min(self.deadline, override)
        started = time.monotonic()
        try:
            async with asyncio.timeout(budget):
                response = await self._exchange(request, authenticate=authenticate)
        except TimeoutError:
            spent = time.monotonic() - started
            raise DeadlineExceeded(
                marked(
                    QT_TRANSLATE_NOOP(
                        "messages",
                        "{request}: {server} did not finish answering within {budget} s "
                        "(gave up after {spent} s); check the network or try again later.",
                    ),
                    request=what,
                    server=self.base_url,
                    budget=f"{budget:g}",
                    spent=f"{spent:.1f}",
                )
            ) from None
        except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
            raise wrap_http_error(exc, what, self.base_url) from None
        log.debug(
            "%s -> %d in %.1f ms",
            what,
            response.status_code,
            (time.monotonic() - started) * 1e3,
        )
        return response

    async def _exchange(self, request: httpx.Request, *, authenticate: bool) -> httpx.Response:
        if authenticate:
            response = await self._http.send(request, stream=True)
        else:
            response = await self._http.send(request, auth=None, stream=True)
        try:
            limit = self.max_answer_bytes
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise self._too_large(request)
            chunks: list[bytes] = []
            total = 0
            # Decoded bytes are counted, so a compressed bomb is cut at the same size.
            async for chunk in response.aiter_bytes():
                total += len(chunk)
                if total > limit:
                    raise self._too_large(request)
                chunks.append(chunk)
            # What `Response.aread()` does, with the running total above in between.
            response._content = b"".join(chunks)
        finally:
            await response.aclose()
        return response

    def _too_large(self, request: httpx.Request) -> AnswerTooLarge:
        return AnswerTooLarge(
            f"{describe(request)}: the answer from {self.base_url} is larger than "
            f"{_size(self.max_answer_bytes)}, far more than any Timetracker answer; "
            "it was cut off. Check the server address."
        )


def wrap_http_error(exc: Exception, what: str, base_url: str) -> ApiError:
    """The ApiError an httpx exception stands for (also used for the hub's WebSocket)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeout(
            marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "{request}: could not connect to {server} in time. "
                    "Check your network and the server address.",
                ),
                request=what,
                server=base_url,
            ),
            sent=False,
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(
            marked(
                QT_TRANSLATE_NOOP(
                    "messages", "{request}: {server} did not answer in time; try again later."
                ),
                request=what,
                server=base_url,
            )
        )
    if isinstance(exc, httpx.ConnectError):
        return ConnectionFailed(
            marked(
                QT_TRANSLATE_NOOP(
                    "messages",
                    "{request}: cannot connect to {server} ({reason}). "
                    "Check the server address and that the server is running.",
                ),
                request=what,
                server=base_url,
                reason=_reason(exc),
            ),
            sent=False,
        )
    if isinstance(exc, httpx.TransportError):  # read/write errors, dropped connections, proxies
        return ConnectionFailed(
            marked(
                QT_TRANSLATE_NOOP(
                    "messages", "{request}: the connection to {server} broke ({reason}); try again."
                ),
                request=what,
                server=base_url,
                reason=_reason(exc),
            )
        )
    return ProtocolError(f"{what}: the answer from {base_url} could not be read ({_reason(exc)}).")


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:200] if text else type(exc).__name__
