"""Which server and which credentials a client command uses, and the client built from them.

Order: `--server`/`--token`, then PACETRAY_SERVER/PACETRAY_TOKEN, then the saved settings with
the secret from the OS keyring. Tokens are never printed, logged or written to a file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.api.urls import normalize_base_url
from app.commands.connection_args import (
    SERVER_ENV,
    TOKEN_ENV,
    add_connection_args,
    add_server_arg,
)
from app.commands.errors import UserError
from app.settings import AuthMethod, load_settings
from app.settings.errors import SettingsError

if TYPE_CHECKING:  # the client stack (httpx, pydantic) loads when a client is built, not before:
    # the tray shows its icon first (`pacetray tray` imports this module at start-up)
    from app.api.auth import OAuthTokens
    from app.api.client import TrackingClient
    from app.api.retry import RetryPolicy

log = logging.getLogger("app.commands")

__all__ = ["SERVER_ENV", "TOKEN_ENV", "add_connection_args", "add_server_arg"]


@dataclass(frozen=True)
class Connection:
    base_url: str
    token: str | None = field(default=None, repr=False)  # a bearer API token
    oauth: OAuthTokens | None = field(default=None, repr=False)  # PIN-paired tokens
    source: str = ""  # where the credentials came from, for error hints
    deadline: float = 30.0  # seconds per request (settings: request_deadline_seconds)

    def client(self, retry: RetryPolicy | None = None) -> TrackingClient:
        from app.api.auth import RefreshingAuth
        from app.api.client import TrackingClient

        if self.oauth is not None:
            auth = RefreshingAuth(self.base_url, self.oauth, _saver(self.base_url))
            return TrackingClient(self.base_url, auth=auth, retry=retry, deadline=self.deadline)
        return TrackingClient(self.base_url, token=self.token, retry=retry, deadline=self.deadline)

    def rejected_hint(self) -> str:
        """What to do when the server rejects these credentials (401)."""
        if self.source == "pin":
            return f"pair again with `pacetray pair --server {self.base_url}`"
        if self.source == "keyring":
            return f"save a valid token with `pacetray login --server {self.base_url}`"
        return f"check --token / {TOKEN_ENV} (for `pacetray serve`, its token file)"


def unreachable(base_url: str, detail: str) -> UserError:
    """The one-line error for a server that could not be connected to at all."""
    log.debug("connect failed: %s", detail)
    return UserError(
        f"cannot reach {base_url} — is the server running? Check --server / ${SERVER_ENV}, "
        "or start a local server with `pacetray serve`",
        exit_code=1,
    )


def resolve_server(args: argparse.Namespace) -> str:
    """The normalised base URL; raises UserError when none is given anywhere."""
    text = getattr(args, "server", None) or os.environ.get(SERVER_ENV)
    if not text:
        text = load_settings().server_url
    if not text:
        raise UserError(
            f"no server given: pass --server URL or set {SERVER_ENV} "
            "(or save one with `pacetray pair --server URL` or `pacetray login --server URL`)"
        )
    return normalize_base_url(text)


def resolve_connection(args: argparse.Namespace) -> Connection:
    base_url = resolve_server(args)
    settings = load_settings()
    deadline = float(settings.request_deadline_seconds)
    token = getattr(args, "token", None) or os.environ.get(TOKEN_ENV)
    if token is not None:
        token = token.strip()
        if not token:
            raise UserError(f"the token given (--token or {TOKEN_ENV}) is empty")
        return Connection(base_url, token=token, source="explicit", deadline=deadline)
    # keyring is imported only here: most runs pass a token and need not pay for it.
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, get_secret

    prefer_pin = settings.server_url == base_url and settings.auth_method is AuthMethod.PIN
    kinds = (OAUTH_TOKENS, API_TOKEN) if prefer_pin else (API_TOKEN, OAUTH_TOKENS)
    for kind in kinds:
        secret = get_secret(base_url, kind)
        if secret is None:
            continue
        if kind == OAUTH_TOKENS:
            return Connection(
                base_url, oauth=decode_tokens(secret), source="pin", deadline=deadline
            )
        return Connection(base_url, token=secret, source="keyring", deadline=deadline)
    raise UserError(
        f"no token for {base_url}: pass --token T or set {TOKEN_ENV}, "
        "or save one with `pacetray login` or `pacetray pair`"
    )


def encode_tokens(tokens: OAuthTokens) -> str:
    return json.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at.isoformat(),
        }
    )


def decode_tokens(text: str) -> OAuthTokens:
    from app.api.auth import OAuthTokens

    try:
        data = json.loads(text)
        return OAuthTokens(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=datetime.fromisoformat(data["expires_at"]),
        )
    except (ValueError, KeyError, TypeError):
        raise UserError(
            "the paired sign-in saved in the keyring is damaged; run `pacetray pair` again",
            exit_code=1,
        ) from None


def _saver(base_url: str) -> Callable[[OAuthTokens], None]:
    def save(tokens: OAuthTokens) -> None:
        from app.settings.secrets import OAUTH_TOKENS, set_secret

        try:
            set_secret(base_url, OAUTH_TOKENS, encode_tokens(tokens))
        except SettingsError as exc:
            # The refreshed token still works for this run; only the next run must pair again.
            log.warning("could not save the refreshed sign-in: %s", exc.message)

    return save
