"""Which server and which credentials a client command uses: the command line's side.

The lookup order, the credential model and the keyring live in app.settings.credentials
(shared with the tray and the Settings dialog); here only `--server`/`--token` are read from
argv and the settings' errors become the command line's one-line errors.
Tokens are never printed, logged or written to a file.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from app.api.errors import ConnectionFailed, RequestTimeout, UnauthorizedError
from app.api.retry import RetryPolicy
from app.commands.connection_args import (
    SERVER_ENV,
    TOKEN_ENV,
    add_connection_args,
    add_server_arg,
)
from app.commands.errors import UserError
from app.settings import credentials
from app.settings.credentials import PIN, Credentials
from app.settings.errors import CredentialsDamaged, CredentialsMissing

if TYPE_CHECKING:
    from app.api.client import TrackingClient

log = logging.getLogger("app.commands")
T = TypeVar("T")

# A person is waiting at the prompt: retry a failed read once, quickly, and never block for
# long on a 429 (the error says how long to wait instead).
CLI_RETRY = RetryPolicy(max_attempts=2, base_delay=0.3, max_delay=10.0)

__all__ = ["SERVER_ENV", "TOKEN_ENV", "Credentials", "add_connection_args", "add_server_arg"]


def rejected_hint(connection: Credentials) -> str:
    """What to do when the server rejects these credentials (401)."""
    if connection.source == PIN:
        return f"pair again with `pacetray pair --server {connection.base_url}`"
    if connection.source == credentials.KEYRING:
        return f"save a valid token with `pacetray login --server {connection.base_url}`"
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
    try:
        return credentials.resolve_server(getattr(args, "server", None))
    except CredentialsMissing as exc:
        raise UserError(exc.message) from None


def resolve_connection(args: argparse.Namespace) -> Credentials:
    """--server/--token, else the environment, else the saved sign-in (usage errors: exit 2)."""
    try:
        return credentials.resolve(getattr(args, "server", None), getattr(args, "token", None))
    except CredentialsMissing as exc:
        raise UserError(exc.message) from None
    except CredentialsDamaged as exc:
        raise UserError(exc.message, exit_code=1) from None


async def call(connection: Credentials, work: Callable[[TrackingClient], Awaitable[T]]) -> T:
    """`work` with a client for `connection`; unreachable and rejected end as one line."""
    client = connection.client(retry=CLI_RETRY)
    try:
        return await work(client)
    except (ConnectionFailed, RequestTimeout) as exc:
        if exc.sent:
            raise
        raise unreachable(connection.base_url, exc.message) from None
    except UnauthorizedError:
        raise UserError(
            f"the server rejected the token — {rejected_hint(connection)}", exit_code=1
        ) from None
    finally:
        await client.aclose()


async def verify(connection: Credentials) -> None:
    """Raise the usual one-line errors unless the server accepts these credentials."""
    await call(connection, lambda client: client.current(expand=True))
