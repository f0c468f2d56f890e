"""Credentials: which server and which sign-in a client uses, for both front ends.

One home for what the command line, the tray and the Settings dialog share: the credential
model (`Credentials`), the keyring format of paired tokens, the lookup order (explicit value →
environment → saved settings with the secret from the OS keyring), saving a token or a pairing
("one sign-in per server"), the saver of refreshed tokens, and the one place a `TrackingClient`
is built from credentials. Errors are the settings' own (`SettingsError` subclasses).

Light at import: the tray imports this once its icon shows; the client stack (httpx,
the wire models) and the keyring load when a client is built or a secret is read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from app.settings.errors import CredentialsDamaged, CredentialsMissing, SettingsError

if TYPE_CHECKING:
    from app.api.auth import OAuthTokens
    from app.api.client import TrackingClient
    from app.api.retry import RetryPolicy
    from app.settings.model import Settings

SERVER_ENV = "PACETRAY_SERVER"
TOKEN_ENV = "PACETRAY_TOKEN"

# Where credentials came from: error hints, and whether a refresh is saved.
EXPLICIT = "explicit"  # --token, $PACETRAY_TOKEN, a token just typed
KEYRING = "keyring"  # a saved API token
PIN = "pin"  # a saved pairing: refreshed tokens replace it in the keyring
NEW = "new"  # typed or paired in the Settings dialog, not saved yet
LOCAL = "local"  # the embedded local server's own token

DEFAULT_DEADLINE = 30.0  # seconds per request (settings: request_deadline_seconds)
CONNECT_TIMEOUT = 15.0  # seconds per network step (TrackingClient's default)


class Credentials(NamedTuple):
    """A server and how to sign in to it; the repr never shows a secret.

    A NamedTuple, not a dataclass: the tray imports this module before its icon shows, and
    `dataclasses` costs ~7 ms there."""

    base_url: str
    token: str | None = None  # a bearer API token
    oauth: OAuthTokens | None = None  # PIN-paired tokens
    source: str = ""  # EXPLICIT, KEYRING, PIN, NEW or LOCAL
    deadline: float = DEFAULT_DEADLINE
    file_fallback: bool | None = None  # where refreshed tokens go (None: as settings say)

    def __repr__(self) -> str:
        return (
            f"Credentials(base_url={self.base_url!r}, source={self.source!r}, "
            f"deadline={self.deadline!r})"
        )

    def client(
        self, retry: RetryPolicy | None = None, *, timeout: float = CONNECT_TIMEOUT
    ) -> TrackingClient:
        """The API client signed in with these credentials (unsigned without any)."""
        from app.api.auth import RefreshingAuth
        from app.api.client import TrackingClient

        auth = None
        if self.oauth is not None:
            # A pairing not saved yet (NEW) is not saved by its refresh either.
            saver = refresh_saver(self.base_url, self.file_fallback) if self.source == PIN else None
            auth = RefreshingAuth(self.base_url, self.oauth, saver or _keep_in_memory)
        return TrackingClient(
            self.base_url,
            auth=auth,
            token=None if auth is not None else self.token,
            retry=retry,
            timeout=timeout,
            deadline=self.deadline,
        )


def _keep_in_memory(tokens: OAuthTokens) -> None:
    """The refreshed tokens live on in the client only."""


# --- the keyring format of paired tokens -----------------------------------------------------


def encode_tokens(tokens: OAuthTokens) -> str:
    import json

    return json.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at.isoformat(),
        }
    )


def decode_tokens(text: str) -> OAuthTokens:
    import json
    from datetime import datetime

    from app.api.auth import OAuthTokens

    try:
        data = json.loads(text)
        return OAuthTokens(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=datetime.fromisoformat(data["expires_at"]),
        )
    except (ValueError, KeyError, TypeError):
        raise CredentialsDamaged(
            "the paired sign-in saved in the keyring is damaged; run `pacetray pair` again"
        ) from None


# --- lookup ----------------------------------------------------------------------------------


def resolve_server(server: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The normalised base URL: `server`, else $PACETRAY_SERVER, else the saved one."""
    from app.api.urls import normalize_base_url
    from app.settings.store import load_settings

    env = os.environ if environ is None else environ
    text = server or env.get(SERVER_ENV)
    if not text:
        text = load_settings().server_url
    if not text:
        raise CredentialsMissing(
            f"no server given: pass --server URL or set {SERVER_ENV} "
            "(or save one with `pacetray pair --server URL` or `pacetray login --server URL`)"
        )
    return normalize_base_url(text)


def resolve(
    server: str | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Explicit values, then the environment, then the saved settings and keyring."""
    from app.settings.store import load_settings

    env = os.environ if environ is None else environ
    base_url = resolve_server(server, env)
    settings = load_settings()
    deadline = float(settings.request_deadline_seconds)
    token = token or env.get(TOKEN_ENV)
    if token is not None:
        token = token.strip()
        if not token:
            raise CredentialsMissing(f"the token given (--token or {TOKEN_ENV}) is empty")
        return Credentials(base_url, token=token, source=EXPLICIT, deadline=deadline)
    found = saved(base_url, settings=settings, deadline=deadline)
    if found is None:
        raise CredentialsMissing(
            f"no token for {base_url}: pass --token T or set {TOKEN_ENV}, "
            "or save one with `pacetray login` or `pacetray pair`"
        )
    return found


def saved(
    base_url: str,
    *,
    settings: Settings | None = None,
    file_fallback: bool | None = None,
    deadline: float = DEFAULT_DEADLINE,
) -> Credentials | None:
    """The sign-in kept in the keyring for `base_url`, or None. The pairing comes first when
    `settings` say this server was paired, else the API token."""
    # keyring is imported only here: most command runs pass a token and need not pay for it.
    from app.settings.model import AuthMethod
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, get_secret

    prefer_pin = (
        settings is not None
        and settings.server_url == base_url
        and settings.auth_method is AuthMethod.PIN
    )
    kinds = (OAUTH_TOKENS, API_TOKEN) if prefer_pin else (API_TOKEN, OAUTH_TOKENS)
    for kind in kinds:
        secret = get_secret(base_url, kind, file_fallback=file_fallback)
        if not secret:
            continue
        if kind == OAUTH_TOKENS:
            return Credentials(
                base_url,
                oauth=decode_tokens(secret),
                source=PIN,
                deadline=deadline,
                file_fallback=file_fallback,
            )
        return Credentials(base_url, token=secret, source=KEYRING, deadline=deadline)
    return None


def saved_kind(base_url: str | None, *, file_fallback: bool | None = None) -> str | None:
    """Which secret the keyring holds for `base_url` (never the secret itself): the pairing's
    kind first; None for none, or when the keyring cannot be read."""
    if not base_url:
        return None
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, get_secret

    try:
        for kind in (OAUTH_TOKENS, API_TOKEN):
            if get_secret(base_url, kind, file_fallback=file_fallback) is not None:
                return kind
    except SettingsError:
        return None
    return None


# --- saving: one sign-in per server ----------------------------------------------------------


def save_token(base_url: str, token: str, *, file_fallback: bool | None = None) -> None:
    """Keep an API token for `base_url`; a pairing kept before goes (no stale sign-in)."""
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, delete_secret, set_secret

    set_secret(base_url, API_TOKEN, token, file_fallback=file_fallback)
    delete_secret(base_url, OAUTH_TOKENS, file_fallback=file_fallback)


def save_pairing(base_url: str, tokens: OAuthTokens, *, file_fallback: bool | None = None) -> None:
    """Keep paired tokens for `base_url`; an API token kept before goes."""
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, delete_secret, set_secret

    set_secret(base_url, OAUTH_TOKENS, encode_tokens(tokens), file_fallback=file_fallback)
    delete_secret(base_url, API_TOKEN, file_fallback=file_fallback)


def forget(base_url: str, *, file_fallback: bool | None = None) -> bool:
    """Remove every sign-in kept for `base_url`; False when there was none."""
    from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, delete_secret

    removed = [
        delete_secret(base_url, kind, file_fallback=file_fallback)
        for kind in (API_TOKEN, OAUTH_TOKENS)
    ]
    return any(removed)


def refresh_saver(
    base_url: str, file_fallback: bool | None = None
) -> Callable[[OAuthTokens], None]:
    """Saves the tokens a refresh rotated in, over the saved pairing."""

    def save(tokens: OAuthTokens) -> None:
        from app.settings.secrets import OAUTH_TOKENS, set_secret

        try:
            set_secret(base_url, OAUTH_TOKENS, encode_tokens(tokens), file_fallback=file_fallback)
        except SettingsError as exc:
            import logging  # here: the tray imports this module before its icon shows

            # The refreshed token still works for this run; only the next run must pair again.
            logging.getLogger("app.settings.credentials").warning(
                "could not save the refreshed sign-in: %s", exc.message
            )

    return save
