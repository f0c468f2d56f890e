"""Which server and credentials a client command uses (in-process: pure resolution rules)."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime

import pytest

from app.api.auth import OAuthTokens
from app.api.errors import InsecureUrlError
from app.commands.connection import resolve_connection
from app.commands.errors import UserError
from app.settings import AuthMethod, Settings, save_settings
from app.settings.credentials import decode_tokens, encode_tokens
from app.settings.errors import CredentialsDamaged
from app.settings.secrets import API_TOKEN, OAUTH_TOKENS, set_secret

SAVED = "http://127.0.0.1:7001"
ENV = "http://127.0.0.1:7002"
FLAG = "http://127.0.0.1:7003"


def args(server: str | None = None, token: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(server=server, token=token)


def test_flag_beats_environment_beats_settings(
    in_process_home, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(Settings(server_url=SAVED, auth_method=AuthMethod.TOKEN))
    set_secret(SAVED, API_TOKEN, "saved-token")
    assert resolve_connection(args()).base_url == SAVED
    assert resolve_connection(args()).token == "saved-token"

    monkeypatch.setenv("PACETRAY_SERVER", ENV)
    monkeypatch.setenv("PACETRAY_TOKEN", "env-token")
    env = resolve_connection(args())
    assert (env.base_url, env.token, env.source) == (ENV, "env-token", "explicit")

    flag = resolve_connection(args(FLAG + "/", "flag-token"))
    assert (flag.base_url, flag.token) == (FLAG, "flag-token")


def test_paired_tokens_are_preferred_for_a_paired_server(in_process_home) -> None:
    save_settings(Settings(server_url=SAVED, auth_method=AuthMethod.PIN))
    tokens = OAuthTokens("acc", "ref", datetime(2030, 1, 1, tzinfo=UTC))
    set_secret(SAVED, OAUTH_TOKENS, encode_tokens(tokens))
    set_secret(SAVED, API_TOKEN, "older-api-token")
    connection = resolve_connection(args())
    assert connection.oauth == tokens
    assert connection.source == "pin"
    assert "acc" not in repr(connection)


def test_errors_name_what_to_pass(in_process_home) -> None:
    with pytest.raises(UserError, match="no server given"):
        resolve_connection(args())
    with pytest.raises(UserError, match=re.escape(f"no token for {FLAG}")):
        resolve_connection(args(FLAG))
    with pytest.raises(UserError, match="is empty"):
        resolve_connection(args(FLAG, "  "))
    with pytest.raises(InsecureUrlError):
        resolve_connection(args("http://example.com", "t"))


def test_token_codec_round_trip_and_damage() -> None:
    tokens = OAuthTokens("a", None, datetime(2030, 1, 1, 12, tzinfo=UTC))
    assert decode_tokens(encode_tokens(tokens)) == tokens
    with pytest.raises(CredentialsDamaged, match="damaged"):
        decode_tokens("{not json")
