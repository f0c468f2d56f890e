"""`pair`, `login`, `logout`: getting credentials into (and out of) the OS keyring.

The keyring is checked BEFORE pairing, so nobody pairs only to learn the tokens cannot be kept.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
from collections.abc import Callable

from app.api.auth import pair_with_pin
from app.api.errors import ConnectionFailed, RequestTimeout
from app.commands.connection import TOKEN_ENV, Connection, encode_tokens, unreachable
from app.commands.connection import resolve_server as _resolve_server
from app.commands.errors import UserError
from app.settings import AuthMethod, load_settings, save_settings
from app.settings.secrets import (
    API_TOKEN,
    OAUTH_TOKENS,
    backend_name,
    delete_secret,
    set_secret,
)


def _remember(base_url: str, method: AuthMethod) -> None:
    settings = dataclasses.replace(load_settings(), server_url=base_url, auth_method=method)
    save_settings(settings)


def pair(args: argparse.Namespace) -> int:
    base_url = _resolve_server(args)
    keyring_name = backend_name()  # fails now, with a clear message, when there is no keyring

    def show_pin(pin: str) -> None:
        print(f"PIN: {pin}", flush=True)
        print(
            "Enter it in 7pace Timetracker under Apps > Pair Desktop App within a minute; waiting…",
            flush=True,
        )

    try:
        tokens = asyncio.run(pair_with_pin(base_url, on_pin=show_pin, timeout=args.timeout))
    except (ConnectionFailed, RequestTimeout) as exc:
        if exc.sent:
            raise
        raise unreachable(base_url, exc.message) from None
    set_secret(base_url, OAUTH_TOKENS, encode_tokens(tokens))
    delete_secret(base_url, API_TOKEN)  # one way to sign in per server, no stale token left
    _remember(base_url, AuthMethod.PIN)
    print(f"Paired with {base_url}; the sign-in is kept in the OS keyring ({keyring_name}).")
    return 0


def login(args: argparse.Namespace, prompt: Callable[[str], str]) -> int:
    base_url = _resolve_server(args)
    keyring_name = backend_name()
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        if not sys.stdin.isatty():
            raise UserError(f"no token given: pass --token T or set {TOKEN_ENV}")
        token = prompt(f"API token for {base_url} (input hidden): ")
    token = token.strip()
    if not token:
        raise UserError("the token is empty")
    # Check it before keeping it: a typo should fail now, not at the next command.
    from app.commands.client import verify

    asyncio.run(verify(Connection(base_url, token=token, source="explicit")))
    set_secret(base_url, API_TOKEN, token)
    delete_secret(base_url, OAUTH_TOKENS)
    _remember(base_url, AuthMethod.TOKEN)
    print(f"Signed in to {base_url}; the token is kept in the OS keyring ({keyring_name}).")
    return 0


def logout(args: argparse.Namespace) -> int:
    base_url = _resolve_server(args)
    removed = [delete_secret(base_url, kind) for kind in (API_TOKEN, OAUTH_TOKENS)]
    settings = load_settings()
    if settings.server_url == base_url and settings.auth_method is not AuthMethod.NONE:
        save_settings(dataclasses.replace(settings, auth_method=AuthMethod.NONE))
    if any(removed):
        print(f"Signed out of {base_url}; its saved credentials are gone from the keyring.")
    else:
        print(f"Nothing was saved for {base_url}.")
    return 0
