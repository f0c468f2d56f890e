"""app.settings.credentials: the sign-in both front ends share (model, lookup, saving)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from app.api.auth import OAuthTokens, RefreshingAuth
from app.settings import AuthMethod, Settings, credentials, save_settings
from app.settings.credentials import Credentials
from app.settings.errors import CredentialsDamaged, CredentialsMissing, KeyringUnavailable
from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, get_secret

URL = "http://127.0.0.1:7010"
TOKENS = OAuthTokens("acc-secret", "ref-secret", datetime(2030, 1, 1, tzinfo=UTC))


def test_one_sign_in_per_server(file_keyring) -> None:
    credentials.save_token(URL, "api-secret")
    assert credentials.saved_kind(URL) == API_TOKEN
    credentials.save_pairing(URL, TOKENS)
    assert get_secret(URL, API_TOKEN) is None  # the pairing replaced the token
    assert credentials.saved_kind(URL) == OAUTH_TOKENS
    credentials.save_token(URL, "api-secret")
    assert get_secret(URL, OAUTH_TOKENS) is None
    assert credentials.forget(URL) is True
    assert credentials.forget(URL) is False
    assert credentials.saved(URL) is None


def test_saved_pairing_comes_back_with_its_source(file_keyring) -> None:
    credentials.save_pairing(URL, TOKENS)
    found = credentials.saved(URL, deadline=12.0)
    assert found is not None
    assert (found.oauth, found.source, found.deadline) == (TOKENS, credentials.PIN, 12.0)
    assert "secret" not in repr(found)


def test_lookup_order_explicit_then_environment_then_saved(file_keyring, dirs) -> None:
    save_settings(Settings(server_url=URL, auth_method=AuthMethod.TOKEN))
    credentials.save_token(URL, "saved")
    assert credentials.resolve().token == "saved"
    env = {credentials.TOKEN_ENV: "from-env"}
    assert credentials.resolve(environ=env).token == "from-env"
    assert credentials.resolve(token="flag", environ=env).token == "flag"
    with pytest.raises(CredentialsMissing, match="is empty"):
        credentials.resolve(token="  ")


def test_nothing_given_or_saved(file_keyring, dirs) -> None:
    with pytest.raises(CredentialsMissing, match="no server given"):
        credentials.resolve_server(environ={})
    with pytest.raises(CredentialsMissing, match="no token for"):
        credentials.resolve(URL, environ={})


def test_a_damaged_pairing_is_a_settings_error() -> None:
    with pytest.raises(CredentialsDamaged, match="damaged"):
        credentials.decode_tokens('{"access_token": "a"}')


async def test_the_client_refreshes_into_the_keyring_only_for_a_saved_pairing(
    file_keyring,
) -> None:
    saved = Credentials(URL, oauth=TOKENS, source=credentials.PIN).client()
    fresh = Credentials(URL, oauth=TOKENS, source=credentials.NEW).client()
    try:
        auths = [client.session.http.auth for client in (saved, fresh)]
        assert all(isinstance(auth, RefreshingAuth) for auth in auths)
        newer = OAuthTokens("acc-2", "ref-2", datetime(2031, 1, 1, tzinfo=UTC))
        auths[0]._on_refresh(newer)  # type: ignore[attr-defined]
        auths[1]._on_refresh(TOKENS)  # type: ignore[attr-defined]
        assert credentials.decode_tokens(get_secret(URL, OAUTH_TOKENS) or "") == newer
    finally:
        await saved.aclose()
        await fresh.aclose()


def test_a_refresh_that_cannot_be_saved_is_logged(no_keyring, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        credentials.refresh_saver(URL)(TOKENS)
    assert "could not save the refreshed sign-in" in caplog.text
    with pytest.raises(KeyringUnavailable):
        credentials.save_pairing(URL, TOKENS)
