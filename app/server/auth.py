"""Tokens of the local server: the configured API token, PIN pairing and OAuth tokens.

Token lifetimes run on the real wall clock, not the engine's (possibly accelerated) clock:
an accelerated clock must not make pairing or access tokens expire early. Issued tokens are
kept in SQLite as sha256 hashes only.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.models import PinStatus, format_http_date
from app.server.errors import ACCESS_DENIED, UNAUTHORIZED, ApiProblem
from app.server.store import Store

TOKEN_FILE = "token"
CLIENT_ID = "OpenApi"  # the only OAuth client 7pace knows [doc]
CODE_GRACE = 300.0  # seconds a Validated PIN's secret may still be exchanged at /token


def load_or_create_token(data_dir: Path) -> str:
    """The server's API token: generated once, kept 0600 in the data dir."""
    path = data_dir / TOKEN_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        text = ""
    if text:
        return text
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Pin:
    pin: str
    secret: str
    created: float
    validated: bool = False
    used: bool = False


class OAuthError(ApiProblem):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(400, code, message)


class TokenAuthority:
    def __init__(
        self,
        store: Store,
        server_token: str,
        *,
        access_ttl: float,
        refresh_ttl: float,
        pin_ttl: float,
        approve_pins: bool,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._server_token = server_token
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._pin_ttl = pin_ttl
        self.approve_pins = approve_pins
        self._wall = wall
        self._pins: dict[str, Pin] = {}  # by secret

    # --- checking requests ------------------------------------------------------------------

    @staticmethod
    def _bearer(header: str | None) -> str:
        if not header:
            raise ApiProblem(
                401,
                UNAUTHORIZED,
                "No token was sent: send 'Authorization: Bearer <token>' with the server's API "
                "token, or pair with a PIN.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiProblem(
                401,
                UNAUTHORIZED,
                "The Authorization header must be 'Bearer <token>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return token.strip()

    def is_server_token(self, token: str) -> bool:
        return hmac.compare_digest(
            token.encode("utf-8", "surrogatepass"), self._server_token.encode()
        )

    def require_user(self, header: str | None) -> None:
        token = self._bearer(header)
        if self.is_server_token(token):
            return
        found = self._store.token(_hash(token))
        if found is not None and found[0] == "access":
            if found[1] >= self._wall():
                return
            raise ApiProblem(
                401,
                UNAUTHORIZED,
                "The access token has expired: refresh it at POST /token "
                "(grant_type=refresh_token).",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        raise ApiProblem(
            401,
            UNAUTHORIZED,
            "The token is not valid for this server: check it, or pair again.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )

    def require_server(self, header: str | None) -> None:
        token = self._bearer(header)
        if self.is_server_token(token):
            return
        self.require_user(header)  # a valid user token is forbidden, an unknown one is 401
        raise ApiProblem(
            403, ACCESS_DENIED, "Admin calls need the server's own API token, not a paired one."
        )

    # --- PIN pairing -----------------------------------------------------------------------

    def _expire_pins(self) -> None:
        now = self._wall()
        for secret, pin in list(self._pins.items()):
            if now - pin.created > self._pin_ttl + CODE_GRACE:
                del self._pins[secret]

    def create_pin(self) -> Pin:
        self._expire_pins()
        active = {p.pin for p in self._pins.values()}
        code = f"{secrets.randbelow(10**6):06d}"
        while code in active:
            code = f"{secrets.randbelow(10**6):06d}"
        pin = Pin(pin=code, secret=secrets.token_urlsafe(32), created=self._wall())
        pin.validated = self.approve_pins
        self._pins[pin.secret] = pin
        return pin

    def _alive(self, pin: Pin) -> bool:
        age = self._wall() - pin.created
        return not pin.used and (age <= self._pin_ttl or (pin.validated and age <= CODE_GRACE))

    def pin_status(self, secret: str) -> PinStatus:
        pin = self._pins.get(secret)
        if pin is None or not self._alive(pin):
            return PinStatus.WRONG_OR_EXPIRED
        return PinStatus.VALIDATED if pin.validated else PinStatus.VALIDATING

    def approve(self, code: str) -> bool:
        for pin in self._pins.values():
            if pin.pin == code and not pin.used and self._wall() - pin.created <= self._pin_ttl:
                pin.validated = True
                return True
        return False

    # --- /token ----------------------------------------------------------------------------

    def _issue(self) -> dict[str, Any]:
        now = self._wall()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._store.transaction():
            self._store.purge_tokens(now - 86400)
            self._store.add_token(_hash(access), "access", now + self._access_ttl)
            self._store.add_token(_hash(refresh), "refresh", now + self._refresh_ttl)
        # As an OWIN token endpoint answers (what 7pace runs): `.issued`/`.expires` in RFC 1123
        # and `client_id` next to the OAuth fields; a client may time its refresh on `.expires`.
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": math.ceil(self._access_ttl),
            "refresh_token": refresh,
            "client_id": CLIENT_ID,
            ".issued": format_http_date(datetime.fromtimestamp(now, UTC)),
            ".expires": format_http_date(datetime.fromtimestamp(now + self._access_ttl, UTC)),
        }

    def exchange_code(self, secret: str) -> dict[str, Any]:
        pin = self._pins.get(secret)
        if pin is None or not self._alive(pin):
            raise OAuthError("invalid_grant", "The PIN is unknown or has expired: pair again.")
        if not pin.validated:
            raise OAuthError(
                "authorization_pending", "The PIN has not been approved yet: approve it first."
            )
        pin.used = True
        return self._issue()

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        token_hash = _hash(refresh_token)
        found = self._store.token(token_hash)
        if found is None or found[0] != "refresh" or found[1] < self._wall():
            raise OAuthError(
                "invalid_grant", "The refresh token is unknown or expired: pair again."
            )
        with self._store.transaction():
            if not self._store.use_token(token_hash):
                raise OAuthError(
                    "invalid_grant",
                    "The refresh token was already used (tokens rotate on refresh): pair again.",
                )
        return self._issue()
