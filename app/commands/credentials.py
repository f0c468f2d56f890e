"""`pair`, `login`, `logout`: getting credentials into (and out of) the OS keyring.

The keyring is checked BEFORE pairing, so nobody pairs only to learn the tokens cannot be kept.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

from app.api.auth import pair_with_pin
from app.api.errors import ConnectionFailed, RequestTimeout
from app.commands.connection import (
    TOKEN_ENV,
    Credentials,
    add_connection_args,
    add_server_arg,
    unreachable,
    verify,
)
from app.commands.connection import resolve_server as _resolve_server
from app.commands.durations import duration_arg
from app.commands.errors import UserError
from app.settings import AuthMethod, load_settings, save_settings
from app.settings.credentials import EXPLICIT, forget, save_pairing, save_token
from app.settings.secrets import backend_name


def register(sub: Any) -> None:
    pair = sub.add_parser(
        "pair",
        help="sign in by PIN pairing; the tokens go to the OS keyring",
        description="Show a PIN, wait until it is confirmed (7pace: Apps > Pair Desktop App), "
        "then keep the tokens in the OS keyring and the server address in the settings.",
    )
    add_server_arg(pair)
    pair.add_argument(
        "--timeout",
        type=duration_arg,
        default=90.0,
        metavar="DUR",
        help="how long to wait for the PIN to be confirmed (default: 90s)",
    )
    pair.set_defaults(handler=_pair)

    login = sub.add_parser(
        "login",
        help="save an API token in the OS keyring (checked against the server first)",
        description=f"Keep a 7pace API token in the OS keyring. The token is read from "
        f"${TOKEN_ENV}, --token, or a hidden prompt.",
    )
    add_connection_args(login)
    login.set_defaults(handler=_login)

    logout = sub.add_parser("logout", help="forget the saved token and sign-in of a server")
    add_server_arg(logout)
    logout.set_defaults(handler=_logout)


def _pair(args: argparse.Namespace) -> int:
    return pair(args)


def _login(args: argparse.Namespace) -> int:
    return login(args, prompt=getpass.getpass)


def _logout(args: argparse.Namespace) -> int:
    return logout(args)


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
    save_pairing(base_url, tokens)  # one way to sign in per server, no stale token left
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
    asyncio.run(verify(Credentials(base_url, token=token, source=EXPLICIT)))
    save_token(base_url, token)
    _remember(base_url, AuthMethod.TOKEN)
    print(f"Signed in to {base_url}; the token is kept in the OS keyring ({keyring_name}).")
    return 0


def logout(args: argparse.Namespace) -> int:
    base_url = _resolve_server(args)
    removed = forget(base_url)
    settings = load_settings()
    if settings.server_url == base_url and settings.auth_method is not AuthMethod.NONE:
        save_settings(dataclasses.replace(settings, auth_method=AuthMethod.NONE))
    if removed:
        print(f"Signed out of {base_url}; its saved credentials are gone from the keyring.")
    else:
        print(f"Nothing was saved for {base_url}.")
    return 0
