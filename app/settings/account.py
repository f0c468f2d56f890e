"""The sign-in behind the Settings dialog, Qt-free: test a connection with the sign-in being
edited, pair with a PIN, say which sign-in the keyring holds, keep a new one.

A sign-in typed or paired in the dialog is a `SignInDraft` until Save: it reaches the keyring
only through `keep`, so Cancel discards it. Every failure comes back as one line for the user;
unexpected ones are logged with their traceback and named as such.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from app.api.auth import OAuthTokens, pair_with_pin
from app.api.client import TrackingClient
from app.api.errors import ApiError
from app.settings import credentials, secrets
from app.settings.credentials import NEW, Credentials
from app.settings.errors import SettingsError
from app.settings.model import AuthMethod

log = logging.getLogger(__name__)

PAIRING_TIMEOUT = 120.0  # seconds the user has to confirm the PIN in 7pace
TEST_TIMEOUT = 10.0  # seconds per network step of a connection test


class Pairing(NamedTuple):
    """Tokens a PIN pairing gave for `url`, not saved yet (their repr hides the secrets)."""

    url: str
    tokens: OAuthTokens


class SignInDraft(NamedTuple):
    """The sign-in as edited in the dialog: a token typed (stripped, "" for none) and/or a
    pairing made. Neither is saved."""

    token: str = ""
    pairing: Pairing | None = None

    def pairing_for(self, url: str | None) -> OAuthTokens | None:
        """The pairing's tokens when it was made with `url` (a pairing is for one server)."""
        if self.pairing is not None and url is not None and self.pairing.url == url:
            return self.pairing.tokens
        return None

    def method(self, url: str | None) -> AuthMethod | None:
        """How this draft signs in to `url` (a typed token first), None when it does not."""
        if self.token:
            return AuthMethod.TOKEN
        if self.pairing_for(url) is not None:
            return AuthMethod.PIN
        return None


class ConnectionResult(NamedTuple):
    ok: bool
    message: str  # one line for the user, no secret in it


class PairingFailed(SettingsError):
    """PIN pairing did not give tokens; `.message` says why in one line."""


def saved_method(url: str | None, *, file_fallback: bool | None = None) -> AuthMethod:
    """Which sign-in the keyring holds for `url` (never the secret): PIN, TOKEN, else NONE
    (also when the keyring cannot be read)."""
    kind = credentials.saved_kind(url, file_fallback=file_fallback)
    if kind == secrets.API_TOKEN:
        return AuthMethod.TOKEN
    if kind == secrets.OAUTH_TOKENS:
        return AuthMethod.PIN
    return AuthMethod.NONE


def keyring_problem(*, file_fallback: bool | None = None) -> str | None:
    """Why a new sign-in could not be kept (no usable keyring), None when it could: asked
    before pairing, so nobody pairs for tokens that are lost on Save."""
    try:
        secrets.backend_name(file_fallback=file_fallback)
    except SettingsError as exc:
        return exc.message
    return None


def _client(url: str, draft: SignInDraft, file_fallback: bool | None) -> TrackingClient | None:
    """A client signed in with the draft (typed token, then its pairing), else the saved
    sign-in; None without any."""
    found: Credentials | None
    paired = draft.pairing_for(url)
    if draft.token:
        found = Credentials(url, token=draft.token, source=NEW)
    elif paired is not None:
        found = Credentials(url, oauth=paired, source=NEW)  # its refresh: not kept
    else:
        # A saved pairing's refresh rotates the saved tokens (credentials.refresh_saver).
        found = credentials.saved(url, file_fallback=file_fallback)
    return found.client(timeout=TEST_TIMEOUT) if found is not None else None


async def check_connection(
    url: str, draft: SignInDraft, *, file_fallback: bool | None = None
) -> ConnectionResult:
    """Read `current` from `url` with the draft's or the saved sign-in; who is signed in, or
    why not."""
    try:
        client = _client(url, draft, file_fallback)
    except Exception as exc:  # keyring or saved-token trouble: say so, one line
        message = getattr(exc, "message", None) or str(exc)
        return ConnectionResult(False, f"Cannot read the saved sign-in: {message}")
    if client is None:
        return ConnectionResult(
            False, "No sign-in for this server: paste an API token or pair with a PIN first."
        )
    try:
        async with client:
            state = await client.current(expand=True)
    except ApiError as exc:
        return ConnectionResult(False, f"Connection failed: {exc.message}")
    except Exception:
        log.exception("connection test failed unexpectedly")
        return ConnectionResult(
            False, "Connection failed: an unexpected error (details in the log file)."
        )
    info = state.settings.user_info if state.settings is not None else None
    name = info.user_name if info is not None else None
    who = f" as {name}" if name else ""
    return ConnectionResult(True, f"Connection OK: signed in{who}.")


async def pair(
    url: str, on_pin: Callable[[str], None], *, timeout: float = PAIRING_TIMEOUT
) -> Pairing:
    """Ask `url` for a PIN, hand it to `on_pin`, wait until the user confirms it in 7pace.
    Cancel the awaiting task to stop waiting; raises PairingFailed with the reason."""
    try:
        tokens = await pair_with_pin(url, on_pin=on_pin, timeout=timeout)
    except ApiError as exc:
        raise PairingFailed(exc.message) from None
    except Exception:
        log.exception("pairing failed unexpectedly")
        raise PairingFailed("Pairing failed: an unexpected error (details in the log).") from None
    return Pairing(url, tokens)


def keep(url: str, draft: SignInDraft, *, file_fallback: bool | None = None) -> None:
    """The draft's token, else its pairing with `url`, into the keyring (one sign-in per
    server); nothing to keep is no error. Raises SettingsError (keyring trouble)."""
    paired = draft.pairing_for(url)
    if draft.token:
        credentials.save_token(url, draft.token, file_fallback=file_fallback)
    elif paired is not None:
        credentials.save_pairing(url, paired, file_fallback=file_fallback)
