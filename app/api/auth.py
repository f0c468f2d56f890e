"""Authentication: a bearer API token, or OAuth tokens obtained by PIN pairing and refreshed.

Secrets are registered with the log redactor as soon as they are known, and never appear in a
repr, an error message or a URL.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from app.api import redact
from app.api.errors import ApiError, PairingError, UnauthorizedError
from app.api.models import API_VERSION, PinCreateResponse, PinStatus, PinStatusResponse
from app.api.models import TokenResponse as TokenAnswer
from app.api.responses import error_for, read_json, read_model, validate
from app.api.session import (
    FORM,
    JSON,
    USER_AGENT,
    ApiSession,
    Sleep,
    form_body,
    json_body,
    local_now,
)
from app.api.urls import normalize_base_url

log = logging.getLogger("app.api.auth")

CLIENT_ID = "OpenApi"
REFRESH_MARGIN = timedelta(seconds=60)  # refresh this long before the access token expires


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <API token>` on every request."""

    def __init__(self, token: str) -> None:
        token = token.strip()
        if not token:
            raise ValueError("empty API token")
        redact.register_secret(token)
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


@dataclass(frozen=True)
class OAuthTokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime  # aware

    def __post_init__(self) -> None:
        redact.register_secret(self.access_token)
        if self.refresh_token:
            redact.register_secret(self.refresh_token)

    @classmethod
    def from_answer(
        cls, answer: TokenAnswer, now: datetime, previous_refresh: str | None = None
    ) -> OAuthTokens:
        expires_at = now + timedelta(seconds=max(0, answer.expires_in))
        if answer.expires is not None:
            # OWIN's `.expires` [community]: the earlier of both, so a skewed clock on either
            # side makes us refresh early, never late.
            expires_at = min(expires_at, answer.expires)
        return cls(
            access_token=answer.access_token,
            refresh_token=answer.refresh_token or previous_refresh,  # a refresh may omit it
            expires_at=expires_at,
        )

    def expires_soon(self, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
        return now >= self.expires_at - margin


def refresh_request(base_url: str, refresh_token: str) -> httpx.Request:
    return httpx.Request(
        "POST",
        normalize_base_url(base_url) + "/token",
        content=form_body(
            [
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ]
        ),
        headers={"Content-Type": FORM, "Accept": JSON, "User-Agent": USER_AGENT},
    )


def read_token_answer(response: httpx.Response, *, refreshing: bool) -> TokenAnswer:
    if response.status_code in (400, 401):
        if refreshing:
            raise UnauthorizedError(
                response.status_code,
                "RefreshFailed",
                "The saved 7pace sign-in has expired or was revoked: pair again.",
            )
        raise PairingError("The PIN was not accepted for sign-in: start pairing again.")
    if not 200 <= response.status_code < 300:
        raise error_for(response)
    answer = validate("a token answer", read_json(response), TokenAnswer.from_wire)
    if not answer.access_token.strip():
        raise PairingError("The server sent an empty access token: start pairing again.")
    return answer


class RefreshingAuth(httpx.Auth):
    """OAuth access token, refreshed (with rotation) before it expires or once on a 401."""

    def __init__(
        self,
        base_url: str,
        tokens: OAuthTokens,
        on_refresh: Callable[[OAuthTokens], None],
        *,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        self._base_url = normalize_base_url(base_url)
        self._tokens = tokens
        self._on_refresh = on_refresh
        self._now = now
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"RefreshingAuth({self._base_url!r}, <redacted>)"

    @property
    def tokens(self) -> OAuthTokens:
        return self._tokens

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("RefreshingAuth works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        refreshed = False
        if self._tokens.expires_soon(self._now()) and self._tokens.refresh_token:
            async with self._lock:
                if self._tokens.expires_soon(self._now()) and self._tokens.refresh_token:
                    answer = yield refresh_request(self._base_url, self._tokens.refresh_token)
                    await answer.aread()  # overriding async_auth_flow: read bodies ourselves
                    self._apply(answer)
                    refreshed = True
        used = self._tokens.access_token
        request.headers["Authorization"] = f"Bearer {used}"
        response = yield request
        if response.status_code != 401 or refreshed or not self._tokens.refresh_token:
            return  # a token refreshed for this very request is not refreshed again
        async with self._lock:
            # Another request may have refreshed while this one was in flight.
            if self._tokens.access_token == used and self._tokens.refresh_token:
                log.info("access token rejected; refreshing it once")
                answer = yield refresh_request(self._base_url, self._tokens.refresh_token)
                await answer.aread()
                self._apply(answer)
        request.headers["Authorization"] = f"Bearer {self._tokens.access_token}"
        yield request

    def _apply(self, response: httpx.Response) -> None:
        answer = read_token_answer(response, refreshing=True)
        self._tokens = OAuthTokens.from_answer(answer, self._now(), self._tokens.refresh_token)
        log.info("access token refreshed")
        try:
            self._on_refresh(self._tokens)
        except Exception:  # the new tokens still work in memory; saving is the caller's job
            log.exception("could not save the refreshed tokens; pairing may be needed next time")


async def pair_with_pin(
    base_url: str,
    *,
    on_pin: Callable[[str], None],
    poll_interval: float = 0.5,
    timeout: float = 90.0,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    now: Callable[[], datetime] = local_now,
) -> OAuthTokens:
    """Create a PIN, show it via `on_pin`, wait for the user to confirm it, get tokens."""
    session = ApiSession(base_url, transport=transport, sleep=sleep, now=now)
    try:
        created = await session.request(
            "POST",
            "api/pin/create",
            query=[("api-version", API_VERSION)],
            idempotent=False,
            authenticate=False,
        )
        pin = read_model(PinCreateResponse, created)
        redact.register_secret(pin.secret)
        on_pin(pin.pin)
        await _wait_for_confirmation(session, pin.secret, poll_interval, timeout, sleep)
        answer = await session.request(
            "POST",
            "token",
            body=form_body(
                [
                    ("client_id", CLIENT_ID),
                    ("grant_type", "authorization_code"),
                    ("code", pin.secret),
                ]
            ),
            content_type=FORM,
            idempotent=False,
            authenticate=False,
        )
        return OAuthTokens.from_answer(read_token_answer(answer, refreshing=False), now())
    except UnauthorizedError as exc:
        raise PairingError(f"Pairing was refused: {exc.message}") from None
    finally:
        await session.aclose()


async def _wait_for_confirmation(
    session: ApiSession, secret: str, poll_interval: float, timeout: float, sleep: Sleep
) -> None:
    polls = max(1, math.ceil(timeout / poll_interval)) if poll_interval > 0 else 1
    started = time.monotonic()
    body = json_body(secret)
    for poll in range(polls + 1):
        try:
            response = await session.request(
                "POST",
                "api/pin/status",
                query=[("api-version", API_VERSION)],
                body=body,
                content_type=JSON,
                idempotent=True,
                authenticate=False,
            )
        except ApiError as exc:
            if getattr(exc, "status", None) in (400, 404, 410):
                raise PairingError("PIN expired or rejected: start pairing again.") from None
            raise
        status = read_model(PinStatusResponse, response).status
        if status is PinStatus.VALIDATED:
            return
        if status is PinStatus.WRONG_OR_EXPIRED:
            raise PairingError("PIN expired or rejected: start pairing again.")
        if poll == polls or time.monotonic() - started >= timeout:
            break
        await sleep(poll_interval)
    raise PairingError(
        f"The PIN was not confirmed within {timeout:.0f} s: start pairing again and enter "
        "the PIN on 7pace's Apps page (Pair Desktop App)."
    )
