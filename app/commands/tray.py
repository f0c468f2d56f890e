"""`pacetray tray` (also `pacetray` alone): the tray app.

Local mode — the embedded local server, no account needed — when `--local` is given or no
server is configured anywhere (--server, $PACETRAY_SERVER, settings). Credentials are found as
for every client command (connection.py): --token, $PACETRAY_TOKEN, then the OS keyring.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from app.commands.connection_args import SERVER_ENV, add_connection_args
from app.commands.errors import UserError

if TYPE_CHECKING:
    from app.settings.credentials import Credentials
    from app.settings.model import Settings


def register(sub: Any) -> None:
    tray = sub.add_parser(
        "tray",
        help="run the tray app (the default command)",
        description="Run the Pacetray tray app. With no server configured (or with --local) it "
        "runs against the embedded local Timetracker server. A second launch opens the "
        "running tray's popup and exits.",
    )
    tray.add_argument(
        "--local",
        action="store_true",
        help="use the embedded local server even when a 7pace account is configured",
    )
    add_connection_args(tray)
    tray.add_argument("--no-hotkeys", action="store_true", help="do not register global hotkeys")
    # Its handler is cli.run_tray: starting the tray app is where the command line hands
    # over to the ui, and only cli.py knows both.


def check_args(args: argparse.Namespace) -> None:
    """What makes `pacetray tray` impossible from the start, as a one-line error."""
    if args.local and (args.server or args.token):
        raise UserError("--local runs the embedded server: leave out --server and --token")
    problem = no_display()
    if problem:
        raise UserError(problem, exit_code=1)


def no_display() -> str | None:
    """Why no window can show here (Linux without X11 or Wayland), else None. Without it Qt
    aborts with advice about reinstalling and missing libraries, which misleads."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no graphical session here (DISPLAY and WAYLAND_DISPLAY are not set): start Pacetray "
        "from your desktop session; in a terminal, the commands work without one "
        "(`pacetray status`, `pacetray start --work-item N`, `pacetray stop`)"
    )


class TrayChoice(NamedTuple):
    """Which server the tray runs against, as the command line and environment chose it.
    Qt-free: cli.py turns it into the tray's AppOptions (commands never import ui)."""

    local: bool
    base_url: str | None = None
    connection: Credentials | None = None  # given explicitly: used as is
    # The saved account: looked up once the icon shows, off the GUI thread; returns
    # (Credentials or None, why not).
    resolve: Callable[[], tuple[Credentials | None, str | None]] | None = None


def tray_choice(args: argparse.Namespace, settings: Settings) -> TrayChoice:
    explicit = args.server or os.environ.get(SERVER_ENV)
    if args.local or (not explicit and not settings.server_url):
        return TrayChoice(local=True)
    from app.commands.connection import resolve_connection, resolve_server

    if explicit:
        # A command-line choice that cannot work: say so and stop.
        connection = resolve_connection(args)
        return TrayChoice(local=False, base_url=connection.base_url, connection=connection)

    def resolve() -> tuple[Credentials | None, str | None]:
        # The saved account: its secret comes from the keyring off the GUI thread; a missing
        # one is shown by the tray (Settings fixes it), not fatal.
        try:
            return resolve_connection(args), None
        except UserError as exc:
            return None, exc.message

    return TrayChoice(local=False, base_url=resolve_server(args), resolve=resolve)
